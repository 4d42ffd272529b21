package payout

// All SQL of withdrawals, in one place.

const columns = `id, distributor_id, idem_key, amount_fen, fee_fen, method, account, status, reason, provider, reference,
	requested_at, approved_at, finished_at, updated_at`

const (
	qInsert = `INSERT INTO withdrawals (distributor_id, idem_key, amount_fen, fee_fen, method, account, status,
		requested_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 'requested', $7, $7) RETURNING ` + columns

	qByID      = `SELECT ` + columns + ` FROM withdrawals WHERE id = $1`
	qByIdemKey = `SELECT ` + columns + ` FROM withdrawals WHERE idem_key = $1`

	// The distributor's status, locked on PostgreSQL so a freeze and a request do not cross.
	qDistributor = `SELECT code, status, COALESCE(status_reason, '') FROM distributors WHERE id = $1`

	// Withdrawals counted against the daily limit: those requested since the day began that
	// were not turned down or failed.
	qCountSince = `SELECT count(*) FROM withdrawals WHERE distributor_id = $1 AND requested_at >= $2
		AND status NOT IN ('rejected', 'failed')`

	qApprove = `UPDATE withdrawals SET status = 'approved', approved_at = $2, updated_at = $2
		WHERE id = $1 AND status = 'requested' RETURNING ` + columns
	// $3 is 'rejected' or 'failed'; $4 the reason, $5 the provider (NULL when a person decided).
	qTurnDown = `UPDATE withdrawals SET status = $3, reason = $4, provider = $5, finished_at = $2, updated_at = $2
		WHERE id = $1 AND status IN ('requested', 'approved') RETURNING ` + columns
	qPaid = `UPDATE withdrawals SET status = 'paid', provider = $3, reference = $4, finished_at = $2, updated_at = $2
		WHERE id = $1 AND status = 'approved' RETURNING ` + columns

	// $1 status, $2 distributor; '' and 0 mean any.
	qFilter = ` FROM withdrawals WHERE ($1 = '' OR status = $1) AND ($2 = 0 OR distributor_id = $2)`
)
