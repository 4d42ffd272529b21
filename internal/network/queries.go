package network

// All SQL of the network, in one place.

const columns = `id, code, name, phone, real_name, id_card, level, parent_id, status, invite_code,
	status_reason, created_at, updated_at, approved_at`

const (
	qInsert = `INSERT INTO distributors (code, name, phone, real_name, id_card, level, parent_id, status,
		invite_code, applied_with, created_at, updated_at, approved_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12) RETURNING ` + columns

	qByID         = `SELECT ` + columns + ` FROM distributors WHERE id = $1`
	qByInviteCode = `SELECT ` + columns + ` FROM distributors WHERE invite_code = $1`
	qByCode       = `SELECT ` + columns + ` FROM distributors WHERE code = $1`
	qByPhone      = `SELECT ` + columns + ` FROM distributors WHERE phone = $1`
	qByIDCard     = `SELECT ` + columns + ` FROM distributors WHERE id_card = $1`

	qSetStatus = `UPDATE distributors SET status = $2, status_reason = $3, updated_at = $4,
		approved_at = COALESCE(approved_at, $5), invite_code = COALESCE(invite_code, $6)
		WHERE id = $1 RETURNING ` + columns

	qMove = `UPDATE distributors SET level = $2, parent_id = $3, invite_code = $4, updated_at = $5
		WHERE id = $1 RETURNING ` + columns

	// Paid spend of a customer, for the 满额分销 qualification.
	qPaidSpend = `SELECT COALESCE(sum(total_fen - refunded_fen), 0) FROM orders WHERE customer_phone = $1 AND paid_at IS NOT NULL`

	qTeamSize = `SELECT count(*) FROM distributors WHERE parent_id = $1`

	// $1 status, $2 level, $3 parent, $4 name/phone pattern, $5 exact code; '' and 0 mean any.
	qFilter = ` FROM distributors WHERE ($1 = '' OR status = $1) AND ($2 = 0 OR level = $2)
		AND ($3 = 0 OR parent_id = $3)
		AND ($4 = '' OR name %[1]s $4 ESCAPE '\' OR phone LIKE $4 ESCAPE '\' OR code = $5 OR invite_code = $5)`
)
