package web

// The SQL of the finance pages: read models for their lists. Every state change goes through
// the payout (and settlement) services, which keep the rules, post to the ledger and write the
// audit log.

// Withdrawals list: the withdrawal with its distributor's code and name. The account details
// are left out on purpose: the list and its CSV never carry a card number; the detail page shows
// it masked by the payout service.
const (
	adminWithdrawalColumns = `w.id, w.distributor_id, d.code, d.name, w.amount_fen, w.fee_fen, w.method, w.status,
		COALESCE(w.reason, ''), COALESCE(w.reference, ''), w.requested_at, w.finished_at`
	adminWithdrawalFrom = ` FROM withdrawals w JOIN distributors d ON d.id = w.distributor_id`
	// Count and sum of a filtered list, for the line above the table.
	adminWithdrawalTotals = `SELECT count(*), COALESCE(sum(w.amount_fen), 0) FROM withdrawals w`
)

// adminWithdrawalSorts are the list's orders. "queue", the default, is the work waiting: the
// requested first, then the approved (to pay), each the longest waiting first; then the finished,
// newest first.
var adminWithdrawalSorts = [][2]string{
	{"queue", `CASE w.status WHEN 'requested' THEN 0 WHEN 'approved' THEN 1 ELSE 2 END,
		CASE WHEN w.status IN ('requested', 'approved') THEN w.id ELSE -w.id END`},
	{"new", "w.id DESC"},
	{"amount", "w.amount_fen DESC, w.id DESC"},
}

// Statements of a run, with the distributor's code and name; the run's index
// (statements_run_distributor_uq) serves the filter and the order.
const (
	adminStatementColumns = `st.id, st.distributor_id, d.code, d.name, st.period_start, st.period_end, st.opening_fen,
		st.accrued_fen, st.reversed_fen, st.settled_fen, st.clawed_back_fen, st.withdrawn_fen, st.closing_fen`
	adminStatementFrom = ` FROM statements st JOIN distributors d ON d.id = st.distributor_id`
	// What every run settled, for the line above the runs.
	adminQSettlementTotals = `SELECT count(*), COALESCE(sum(commissions), 0), COALESCE(sum(settled_fen), 0) FROM settlement_runs`
)
