package settlement

import (
	"fmt"
	"strings"
	"sync"
)

// All SQL of settlement, in one place. A batch's statements name its distributors in an IN list
// padded to the batch size with -1 (no distributor has that id), so each has one shape per run
// and stays prepared on SQLite.

const runColumns = `id, scope_key, cutoff, distributor_id, status, total, done, distributors, commissions,
	settled_fen, error, actor, started_at, finished_at`

const statementColumns = `id, run_id, distributor_id, period_start, period_end, opening_fen, accrued_fen, reversed_fen,
	settled_fen, clawed_back_fen, withdrawn_fen, closing_fen, created_at`

const (
	// Returns no row when the scope has a run: the unique index decides, not a prior SELECT.
	qInsertRun = `INSERT INTO settlement_runs (scope_key, cutoff, distributor_id, status, actor, started_at, heartbeat_at)
		VALUES ($1, $2, $3, 'running', $4, $5, $5) ON CONFLICT (scope_key) DO NOTHING RETURNING id`
	qRunByScope = `SELECT ` + runColumns + ` FROM settlement_runs WHERE scope_key = $1`
	qRun        = `SELECT ` + runColumns + ` FROM settlement_runs WHERE id = $1`
	// Takes over a failed run, or one whose node stopped beating; conditional, so one node wins.
	qResume = `UPDATE settlement_runs SET status = 'running', error = NULL, finished_at = NULL, heartbeat_at = $2
		WHERE id = $1 AND (status = 'failed' OR (status = 'running' AND heartbeat_at < $3))`
	qSetTotal = `UPDATE settlement_runs SET total = done + $2, heartbeat_at = $3 WHERE id = $1`
	qProgress = `UPDATE settlement_runs SET done = done + $2, distributors = distributors + $3,
		commissions = commissions + $4, settled_fen = settled_fen + $5, heartbeat_at = $6 WHERE id = $1`
	qFinish = `UPDATE settlement_runs SET status = $2, error = $3, finished_at = $4, heartbeat_at = $4
		WHERE id = $1 AND status = 'running'`
	// The cutoff the schedule counts from: the latest completed run for everyone.
	qLastScheduled = `SELECT cutoff FROM settlement_runs WHERE distributor_id IS NULL AND status = 'completed'
		ORDER BY cutoff DESC LIMIT 1`

	qDistributorExists = `SELECT count(*) FROM distributors WHERE id = $1`

	// Who a run visits: distributors with settleable commission (and how many commissions, to
	// size batches)...
	qSettleableAll = `SELECT distributor_id, count(*) FROM commissions
		WHERE status = 'frozen' AND settleable_at <= $1 GROUP BY distributor_id`
	qSettleableOne = `SELECT distributor_id, count(*) FROM commissions
		WHERE distributor_id = $2 AND status = 'frozen' AND settleable_at <= $1 GROUP BY distributor_id`
	// ...and distributors whose available balance moved since their last statement (a clawback or
	// a withdrawal with nothing to settle still gets its statement). $1 = 0 means everyone.
	qUnstated = `SELECT a.owner_id FROM ledger_accounts a
		WHERE a.kind = 'available' AND a.owner_id > 0 AND ($1 = 0 OR a.owner_id = $1)
		AND EXISTS (SELECT 1 FROM ledger_entries e WHERE e.account_id = a.id
			AND e.id > COALESCE((SELECT max(s.last_entry_id) FROM statements s WHERE s.distributor_id = a.owner_id), 0))`

	qStatement = `SELECT ` + statementColumns + ` FROM statements WHERE id = $1`
	qLines     = `SELECT commission_id, order_id, order_no, product_name, role, base_fen, rate_bp, fixed_fen_per_unit, amount_fen
		FROM statement_lines WHERE statement_id = $1 ORDER BY commission_id`

	qCountRuns = `SELECT count(*) FROM settlement_runs`
	qListRuns  = `SELECT ` + runColumns + ` FROM settlement_runs ORDER BY id DESC LIMIT $1 OFFSET $2`

	// $1 run, $2 distributor, $3/$4 has/period_end from, $5/$6 has/period_end to; 0 means any.
	qStatementFilter = ` FROM statements WHERE ($1 = 0 OR run_id = $1) AND ($2 = 0 OR distributor_id = $2)
		AND ($3 = 0 OR period_end >= $4) AND ($5 = 0 OR period_end < $6)`
	qCountStatements = `SELECT count(*)` + qStatementFilter
	qListStatements  = `SELECT ` + statementColumns + qStatementFilter + ` ORDER BY id DESC LIMIT $7 OFFSET $8`
)

// qLockOrders locks (PostgreSQL only) the orders whose commissions the batch settles, in id
// order. A refund locks its order first and then reads the commissions' status to decide between
// reversing frozen money and clawing back available money; holding the order makes that read and
// this update happen one after the other. $1 is the cutoff.
var qLockOrders = shapes(func(n int) string {
	return `SELECT id FROM orders WHERE id IN (SELECT order_id FROM commissions
		WHERE distributor_id IN (` + params(2, n) + `) AND status = 'frozen' AND settleable_at <= $1)
		ORDER BY id FOR UPDATE`
})

// qLockOrdersByID locks n orders by id, in id order (PostgreSQL only).
func qLockOrdersByID(n int) string {
	return `SELECT id FROM orders WHERE id IN (` + params(1, n) + `) ORDER BY id FOR UPDATE`
}

// qSettle settles the batch's settleable commissions. Conditional on status, so a commission
// another run settled first is not found. $1 now, $2 run, $3 cutoff.
var qSettle = shapes(func(n int) string {
	return `UPDATE commissions SET status = 'available', settled_at = $1, settlement_run_id = $2
		WHERE distributor_id IN (` + params(4, n) + `) AND status = 'frozen' AND settleable_at <= $3
		RETURNING distributor_id, order_id, amount_fen - reversed_fen`
})

// qStatedByRun lists the distributors of a batch the run already drew statements for: a resumed
// run skips them (what became settleable since waits for the next run). $1 is the run.
var qStatedByRun = shapes(func(n int) string {
	return `SELECT distributor_id FROM statements WHERE run_id = $1 AND distributor_id IN (` + params(2, n) + `)`
})

// qLockAccounts reads (and on PostgreSQL locks, in id order) the frozen and available accounts of
// the batch. Postings take these rows before they write entries, so while they are held no entry
// can join a statement's range late.
var qLockAccounts = shapes(func(n int) string {
	return `SELECT owner_id, kind, balance_fen FROM ledger_accounts
		WHERE owner_id IN (` + params(1, n) + `) AND kind IN ('frozen', 'available') ORDER BY id`
})

// qLastStatements is each distributor's latest statement.
var qLastStatements = shapes(func(n int) string {
	return `SELECT distributor_id, run_id, period_end, closing_fen, last_entry_id FROM statements
		WHERE id IN (SELECT max(id) FROM statements WHERE distributor_id IN (` + params(1, n) + `) GROUP BY distributor_id)`
})

// qMovements sums each distributor's frozen and available entries after its last statement's
// range, by account and cause. Arguments come in pairs: distributor, last covered entry id.
var qMovements = shapes(func(n int) string {
	pairs := make([]string, n)
	for i := range n {
		pairs[i] = fmt.Sprintf("(CAST($%d AS BIGINT), CAST($%d AS BIGINT))", 2*i+1, 2*i+2)
	}
	return `WITH b (distributor_id, after_id) AS (VALUES ` + strings.Join(pairs, ", ") + `)
		SELECT e.owner_id, a.kind, t.cause, sum(e.amount_fen), max(e.id)
		FROM b CROSS JOIN ledger_entries e
		JOIN ledger_accounts a ON a.id = e.account_id
		JOIN ledger_transactions t ON t.id = e.transaction_id
		WHERE e.owner_id = b.distributor_id AND e.id > b.after_id AND a.kind IN ('frozen', 'available')
		GROUP BY e.owner_id, a.kind, t.cause`
})

// qInsertLines copies the commissions this run settled for the listed distributors onto their
// statements. $1 is the run.
var qInsertLines = shapes(func(n int) string {
	return `INSERT INTO statement_lines (statement_id, commission_id, order_id, order_no, product_name, role,
			base_fen, rate_bp, fixed_fen_per_unit, amount_fen)
		SELECT s.id, c.id, c.order_id, o.order_no, l.product_name, c.role, c.base_fen, c.rate_bp, c.fixed_fen_per_unit,
			c.amount_fen - c.reversed_fen
		FROM commissions c
		JOIN statements s ON s.run_id = c.settlement_run_id AND s.distributor_id = c.distributor_id
		JOIN order_lines l ON l.id = c.order_line_id
		JOIN orders o ON o.id = c.order_id
		WHERE c.settlement_run_id = $1 AND c.distributor_id IN (` + params(2, n) + `)`
})

// qInsertStatements writes n statements of one batch; 13 arguments each, in column order.
var qInsertStatements = shapes(func(n int) string {
	rows := make([]string, n)
	for i := range n {
		rows[i] = "(" + params(13*i+1, 13) + ")"
	}
	return `INSERT INTO statements (run_id, distributor_id, period_start, period_end, opening_fen, accrued_fen,
		reversed_fen, clawed_back_fen, settled_fen, withdrawn_fen, closing_fen, last_entry_id, created_at) VALUES ` +
		strings.Join(rows, ", ")
})

// params returns "$from, …, $(from+n-1)".
func params(from, n int) string {
	p := make([]string, n)
	for i := range n {
		p[i] = fmt.Sprintf("$%d", from+i)
	}
	return strings.Join(p, ", ")
}

// shape keeps one statement text per size.
type shape struct {
	build func(n int) string
	mu    sync.RWMutex
	texts map[int]string
}

func shapes(build func(n int) string) *shape { return &shape{build: build, texts: map[int]string{}} }

func (s *shape) sql(n int) string {
	s.mu.RLock()
	q, ok := s.texts[n]
	s.mu.RUnlock()
	if ok {
		return q
	}
	q = s.build(n)
	s.mu.Lock()
	s.texts[n] = q
	s.mu.Unlock()
	return q
}
