// Package verify checks the invariants of DESIGN.md §6 against the database as it is, so a bug or
// a hand edit that breaks one is found by `fenxiao verify` rather than by a distributor.
package verify

import (
	"context"
	"fmt"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/order"
	"github.com/fenxiao/fenxiao/internal/rollup"
)

// Breach is one broken invariant with the rows that break it.
type Breach struct {
	Check  string   `json:"check"`
	Detail []string `json:"detail"`
}

// check is a query returning one text row per offending record.
type check struct {
	name  string
	query string
}

// checks grow with every feature that adds an invariant.
var checks = []check{
	{"no distributor is deeper than level 2 (a parent never has a parent)", `
		SELECT 'distributor ' || c.code || ' has parent ' || p.code || ' which itself has a parent'
		FROM distributors c JOIN distributors p ON p.id = c.parent_id WHERE p.parent_id IS NOT NULL`},
	{"every level-2 distributor's parent is a level-1", `
		SELECT 'distributor ' || c.code || ' is level 2 under ' || COALESCE(p.code, 'a missing row') || ' which is not level 1'
		FROM distributors c LEFT JOIN distributors p ON p.id = c.parent_id
		WHERE c.level = 2 AND (p.id IS NULL OR p.level <> 1)`},
	{"level-1 distributors have no parent and level-2s have one", `
		SELECT 'distributor ' || code || ' is level ' || level || ' with parent ' || COALESCE(CAST(parent_id AS TEXT), 'none')
		FROM distributors WHERE (level = 1 AND parent_id IS NOT NULL) OR (level = 2 AND parent_id IS NULL) OR level NOT IN (1, 2)`},
	{"only level-1 distributors hold invite codes", `
		SELECT 'distributor ' || code || ' is level 2 but holds invite code ' || invite_code
		FROM distributors WHERE level = 2 AND invite_code IS NOT NULL`},
	{"every ledger transaction's entries sum to zero", `
		SELECT 'ledger transaction ' || t.id || ' (' || t.idem_key || ') sums to ' || SUM(e.amount_fen) || ' fen'
		FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
		GROUP BY t.id, t.idem_key HAVING SUM(e.amount_fen) <> 0`},
	{"every ledger account's cached balance equals the sum of its entries", `
		SELECT 'ledger account ' || a.id || ' (owner ' || a.owner_id || ', ' || a.kind || ') caches ' || a.balance_fen ||
			' fen but its entries sum to ' || COALESCE(s.total, 0) || ' fen'
		FROM ledger_accounts a
		LEFT JOIN (SELECT account_id, SUM(amount_fen) AS total FROM ledger_entries GROUP BY account_id) s ON s.account_id = a.id
		WHERE a.balance_fen <> COALESCE(s.total, 0)`},
	{"every ledger entry is on an account of its owner, of a kind that owner may hold", `
		SELECT 'ledger entry ' || e.id || ' for owner ' || e.owner_id || ' is on account ' || a.id ||
			' (owner ' || a.owner_id || ', ' || a.kind || ')'
		FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
		WHERE e.owner_id <> a.owner_id
			OR (a.owner_id = 0 AND a.kind NOT IN ('commission_expense', 'payout_clearing', 'fees'))
			OR (a.owner_id <> 0 AND a.kind NOT IN ('frozen', 'available', 'withdrawing', 'paid_out'))`},
	{"every distributor ledger account belongs to an existing distributor", `
		SELECT 'ledger account ' || a.id || ' (' || a.kind || ') belongs to distributor ' || a.owner_id || ', which does not exist'
		FROM ledger_accounts a LEFT JOIN distributors d ON d.id = a.owner_id
		WHERE a.owner_id <> 0 AND d.id IS NULL`},
}

// commissionChecks guard the two-level cap and the line cap (DESIGN.md §4, §6).
var commissionChecks = []check{
	{"no commission reaches a third level: direct goes to the order's distributor, override to its parent", `
		SELECT 'commission ' || c.id || ' (' || c.role || ') of order ' || o.order_no || ' goes to distributor ' || c.distributor_id
		FROM commissions c JOIN orders o ON o.id = c.order_id
		WHERE (c.role = 'direct' AND (o.distributor_id IS NULL OR c.distributor_id <> o.distributor_id))
		   OR (c.role = 'override' AND (o.parent_id IS NULL OR c.distributor_id <> o.parent_id))`},
	{"at most two distributors earn on any order", `
		SELECT 'order ' || order_id || ' pays ' || count(DISTINCT distributor_id) || ' distributors'
		FROM commissions GROUP BY order_id HAVING count(DISTINCT distributor_id) > 2`},
	{"the commissions on a line never exceed its base", `
		SELECT 'order line ' || l.id || ': commissions ' || sum(c.amount_fen) || ' fen on a base of ' || l.base_fen
		FROM commissions c JOIN order_lines l ON l.id = c.order_line_id
		GROUP BY l.id, l.base_fen HAVING sum(c.amount_fen) > l.base_fen`},
	// Withdrawal fees leave the distributor's accounts for merchant.fees (see package payout).
	{"each distributor's ledger balances sum to commission accrued minus reversed minus fees of paid withdrawals", `
		WITH led AS (SELECT owner_id, sum(balance_fen) AS fen FROM ledger_accounts WHERE owner_id <> 0 GROUP BY owner_id),
		     com AS (SELECT distributor_id, sum(amount_fen - reversed_fen) AS fen FROM commissions GROUP BY distributor_id),
		     fee AS (SELECT distributor_id, sum(fee_fen) AS fen FROM withdrawals WHERE status = 'paid' GROUP BY distributor_id),
		     who AS (SELECT owner_id AS id FROM led UNION SELECT distributor_id FROM com UNION SELECT distributor_id FROM fee)
		SELECT 'distributor ' || who.id || ': ledger ' || COALESCE(led.fen, 0) || ' fen, commissions ' || COALESCE(com.fen, 0) ||
			' fen, fees of paid withdrawals ' || COALESCE(fee.fen, 0) || ' fen'
		FROM who LEFT JOIN led ON led.owner_id = who.id LEFT JOIN com ON com.distributor_id = who.id LEFT JOIN fee ON fee.distributor_id = who.id
		WHERE COALESCE(led.fen, 0) <> COALESCE(com.fen, 0) - COALESCE(fee.fen, 0)`},
	{"a distributor's frozen balance equals its unsettled commissions", `
		WITH led AS (SELECT owner_id, balance_fen AS fen FROM ledger_accounts WHERE kind = 'frozen'),
		     com AS (SELECT distributor_id, sum(amount_fen - reversed_fen) AS fen FROM commissions WHERE status IN ('frozen', 'reversed') GROUP BY distributor_id)
		SELECT 'distributor ' || COALESCE(led.owner_id, com.distributor_id) || ': frozen ' || COALESCE(led.fen, 0) || ' fen, unsettled commissions ' || COALESCE(com.fen, 0) || ' fen'
		FROM led FULL OUTER JOIN com ON com.distributor_id = led.owner_id
		WHERE COALESCE(led.fen, 0) <> COALESCE(com.fen, 0)`},
}

// withdrawalChecks tie the withdrawing, paid_out and fees accounts to the withdrawals table and
// each withdrawal to its postings (package payout documents them), and guard DESIGN.md §6's
// "available never goes below zero through a withdrawal".
var withdrawalChecks = []check{
	{"a distributor's withdrawing balance equals its requested and approved withdrawals", `
		WITH led AS (SELECT owner_id, balance_fen AS fen FROM ledger_accounts WHERE kind = 'withdrawing'),
		     w AS (SELECT distributor_id, sum(amount_fen) AS fen FROM withdrawals WHERE status IN ('requested', 'approved') GROUP BY distributor_id)
		SELECT 'distributor ' || COALESCE(led.owner_id, w.distributor_id) || ': withdrawing ' || COALESCE(led.fen, 0) ||
			' fen, open withdrawals ' || COALESCE(w.fen, 0) || ' fen'
		FROM led FULL OUTER JOIN w ON w.distributor_id = led.owner_id
		WHERE COALESCE(led.fen, 0) <> COALESCE(w.fen, 0)`},
	{"a distributor's paid_out balance equals the amounts less fees of its paid withdrawals", `
		WITH led AS (SELECT owner_id, balance_fen AS fen FROM ledger_accounts WHERE kind = 'paid_out'),
		     w AS (SELECT distributor_id, sum(amount_fen - fee_fen) AS fen FROM withdrawals WHERE status = 'paid' GROUP BY distributor_id)
		SELECT 'distributor ' || COALESCE(led.owner_id, w.distributor_id) || ': paid_out ' || COALESCE(led.fen, 0) ||
			' fen, paid withdrawals net of fees ' || COALESCE(w.fen, 0) || ' fen'
		FROM led FULL OUTER JOIN w ON w.distributor_id = led.owner_id
		WHERE COALESCE(led.fen, 0) <> COALESCE(w.fen, 0)`},
	{"the merchant's fees balance equals the fees of paid withdrawals", `
		SELECT 'merchant fees account holds ' || COALESCE((SELECT balance_fen FROM ledger_accounts WHERE owner_id = 0 AND kind = 'fees'), 0) ||
			' fen; paid withdrawals charged ' || COALESCE((SELECT sum(fee_fen) FROM withdrawals WHERE status = 'paid'), 0) || ' fen'
		WHERE COALESCE((SELECT balance_fen FROM ledger_accounts WHERE owner_id = 0 AND kind = 'fees'), 0)
			<> COALESCE((SELECT sum(fee_fen) FROM withdrawals WHERE status = 'paid'), 0)`},
	// Per withdrawal: the request moved its amount into withdrawing; a rejected or failed one moved
	// it back; a paid one moved it out, net to paid_out and fee to merchant.fees; nothing else.
	{"every withdrawal's ledger postings match its amount, fee and status", `
		WITH p AS (
			SELECT t.cause_id AS wid, t.cause, a.kind, e.owner_id, sum(e.amount_fen) AS fen
			FROM ledger_transactions t
			JOIN ledger_entries e ON e.transaction_id = t.id
			JOIN ledger_accounts a ON a.id = e.account_id
			WHERE t.cause IN ('withdrawal', 'withdrawal_return', 'withdrawal_paid')
			GROUP BY t.cause_id, t.cause, a.kind, e.owner_id),
		s AS (
			SELECT w.id, w.status, w.amount_fen, w.fee_fen,
				COALESCE(sum(CASE WHEN p.cause = 'withdrawal' AND p.kind = 'available' THEN p.fen END), 0) AS req_avail,
				COALESCE(sum(CASE WHEN p.cause = 'withdrawal' AND p.kind = 'withdrawing' THEN p.fen END), 0) AS req_wd,
				COALESCE(sum(CASE WHEN p.cause = 'withdrawal_return' AND p.kind = 'withdrawing' THEN p.fen END), 0) AS ret_wd,
				COALESCE(sum(CASE WHEN p.cause = 'withdrawal_return' AND p.kind = 'available' THEN p.fen END), 0) AS ret_avail,
				COALESCE(sum(CASE WHEN p.cause = 'withdrawal_paid' AND p.kind = 'withdrawing' THEN p.fen END), 0) AS paid_wd,
				COALESCE(sum(CASE WHEN p.cause = 'withdrawal_paid' AND p.kind = 'paid_out' THEN p.fen END), 0) AS paid_out,
				COALESCE(sum(CASE WHEN p.cause = 'withdrawal_paid' AND p.kind = 'fees' THEN p.fen END), 0) AS paid_fee,
				COALESCE(sum(CASE WHEN p.owner_id NOT IN (0, w.distributor_id) OR (p.owner_id = 0) <> (p.kind = 'fees')
					OR NOT ((p.cause IN ('withdrawal', 'withdrawal_return') AND p.kind IN ('available', 'withdrawing'))
						OR (p.cause = 'withdrawal_paid' AND p.kind IN ('withdrawing', 'paid_out', 'fees'))) THEN 1 END), 0) AS strays
			FROM withdrawals w LEFT JOIN p ON p.wid = CAST(w.id AS TEXT)
			GROUP BY w.id, w.status, w.amount_fen, w.fee_fen)
		SELECT 'withdrawal ' || id || ' (' || status || ', ' || amount_fen || ' fen, fee ' || fee_fen || ') has postings: request ' ||
			req_avail || '/' || req_wd || ', return ' || ret_wd || '/' || ret_avail || ', paid ' || paid_wd || '/' || paid_out || '/' || paid_fee ||
			CASE WHEN strays > 0 THEN ', and entries on accounts it cannot touch' ELSE '' END
		FROM s
		WHERE req_avail <> -amount_fen OR req_wd <> amount_fen
			OR ret_wd <> CASE WHEN status IN ('rejected', 'failed') THEN -amount_fen ELSE 0 END OR ret_avail <> -ret_wd
			OR paid_wd <> CASE WHEN status = 'paid' THEN -amount_fen ELSE 0 END
			OR paid_out <> CASE WHEN status = 'paid' THEN amount_fen - fee_fen ELSE 0 END
			OR paid_fee <> CASE WHEN status = 'paid' THEN fee_fen ELSE 0 END
			OR strays > 0`},
	// Ledger entries of one account are numbered in commit order (each posting holds the
	// account's row while it writes them), so the running sum up to a request's entry is the
	// balance that request left. A clawback may take available negative; a withdrawal never may.
	{"no withdrawal request took a distributor's available balance below zero", `
		WITH run AS (
			SELECT e.owner_id, e.transaction_id,
				sum(e.amount_fen) OVER (PARTITION BY e.account_id ORDER BY e.id) AS after_fen
			FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
			WHERE a.kind = 'available')
		SELECT 'withdrawal ' || t.cause_id || ' left distributor ' || run.owner_id || ' with ' || run.after_fen || ' fen available'
		FROM run JOIN ledger_transactions t ON t.id = run.transaction_id
		WHERE t.cause = 'withdrawal' AND run.after_fen < 0`},
}

// settlementChecks tie statements to the ledger and to the commissions they settled (DESIGN.md
// §5; internal/settlement/statement.go defines the figures).
var settlementChecks = []check{
	{"every settled commission has its settlement time, run and statement line", `
		SELECT 'commission ' || c.id || ' is available without ' || CASE WHEN c.settled_at IS NULL THEN 'settled_at'
			WHEN c.settlement_run_id IS NULL THEN 'a settlement run' ELSE 'a statement line' END
		FROM commissions c LEFT JOIN statement_lines l ON l.commission_id = c.id
		WHERE c.status = 'available' AND (c.settled_at IS NULL OR c.settlement_run_id IS NULL OR l.commission_id IS NULL)`},
	{"every statement line is a commission its statement's run settled for that distributor", `
		SELECT 'a line of statement ' || l.statement_id || ' names commission ' || l.commission_id ||
			CASE WHEN s.id IS NULL THEN ' on a missing statement' WHEN c.id IS NULL THEN ', which does not exist'
			ELSE ' of distributor ' || c.distributor_id || ', ' || c.status || ', settled by run ' || COALESCE(CAST(c.settlement_run_id AS TEXT), 'none') END
		FROM statement_lines l LEFT JOIN statements s ON s.id = l.statement_id LEFT JOIN commissions c ON c.id = l.commission_id
		WHERE s.id IS NULL OR c.id IS NULL OR c.status <> 'available' OR c.distributor_id <> s.distributor_id
			OR c.settlement_run_id IS NULL OR c.settlement_run_id <> s.run_id`},
	{"each statement's closing is opening + settled − clawed back − withdrawn", `
		SELECT 'statement ' || id || ' of distributor ' || distributor_id || ' closes at ' || closing_fen || ' fen, but ' ||
			opening_fen || ' + ' || settled_fen || ' − ' || clawed_back_fen || ' − ' || withdrawn_fen || ' = ' ||
			(opening_fen + settled_fen - clawed_back_fen - withdrawn_fen) || ' fen'
		FROM statements WHERE closing_fen <> opening_fen + settled_fen - clawed_back_fen - withdrawn_fen`},
	{"each distributor's statements chain: one opens where the previous closed", `
		SELECT 'statement ' || s.id || ' of distributor ' || s.distributor_id || ' opens at ' || s.opening_fen || ' fen after ' ||
			CASE WHEN p.id IS NULL THEN 'no previous statement (0 fen)' ELSE 'statement ' || p.id || ' closed at ' || p.closing_fen || ' fen' END
		FROM statements s
		LEFT JOIN statements p ON p.id = (SELECT max(x.id) FROM statements x WHERE x.distributor_id = s.distributor_id AND x.id < s.id)
		WHERE s.opening_fen <> COALESCE(p.closing_fen, 0) OR s.last_entry_id <= COALESCE(p.last_entry_id, 0)
			OR (p.id IS NULL AND s.period_start IS NOT NULL) OR (p.id IS NOT NULL AND (s.period_start IS NULL OR s.period_start <> p.period_end))`},
	{"each statement's settled, clawed-back and withdrawn figures are the ledger entries on available it covers", `
		WITH r AS (
			SELECT s.id, s.distributor_id, s.settled_fen, s.clawed_back_fen, s.withdrawn_fen, s.last_entry_id AS hi,
				COALESCE((SELECT max(p.last_entry_id) FROM statements p WHERE p.distributor_id = s.distributor_id AND p.id < s.id), 0) AS lo
			FROM statements s),
		m AS (
			SELECT r.id,
				COALESCE(sum(CASE WHEN t.cause = 'settlement' THEN e.amount_fen END), 0) AS settled,
				-COALESCE(sum(CASE WHEN t.cause = 'clawback' THEN e.amount_fen END), 0) AS clawed,
				-COALESCE(sum(CASE WHEN t.cause IN ('withdrawal', 'withdrawal_return') THEN e.amount_fen END), 0) AS withdrawn,
				COALESCE(sum(CASE WHEN t.cause NOT IN ('settlement', 'clawback', 'withdrawal', 'withdrawal_return') THEN e.amount_fen END), 0) AS other
			FROM r
			JOIN ledger_accounts a ON a.owner_id = r.distributor_id AND a.kind = 'available'
			JOIN ledger_entries e ON e.account_id = a.id AND e.id > r.lo AND e.id <= r.hi
			JOIN ledger_transactions t ON t.id = e.transaction_id
			GROUP BY r.id)
		SELECT 'statement ' || r.id || ' of distributor ' || r.distributor_id || ' shows settled ' || r.settled_fen || ', clawed back ' ||
			r.clawed_back_fen || ', withdrawn ' || r.withdrawn_fen || ' fen; its ledger entries give ' || COALESCE(m.settled, 0) || ', ' ||
			COALESCE(m.clawed, 0) || ', ' || COALESCE(m.withdrawn, 0) || ' fen and ' || COALESCE(m.other, 0) || ' fen of other causes'
		FROM r LEFT JOIN m ON m.id = r.id
		WHERE r.settled_fen <> COALESCE(m.settled, 0) OR r.clawed_back_fen <> COALESCE(m.clawed, 0)
			OR r.withdrawn_fen <> COALESCE(m.withdrawn, 0) OR COALESCE(m.other, 0) <> 0`},
	{"each distributor's last statement closing plus later movements equals their available balance", `
		SELECT 'distributor ' || s.distributor_id || ': statement ' || s.id || ' closed at ' || s.closing_fen || ' fen, ' ||
			COALESCE((SELECT sum(e.amount_fen) FROM ledger_entries e WHERE e.account_id = a.id AND e.id > s.last_entry_id), 0) ||
			' fen moved since, but available is ' || a.balance_fen || ' fen'
		FROM statements s
		JOIN ledger_accounts a ON a.owner_id = s.distributor_id AND a.kind = 'available'
		WHERE s.id = (SELECT max(x.id) FROM statements x WHERE x.distributor_id = s.distributor_id)
			AND a.balance_fen <> s.closing_fen + COALESCE((SELECT sum(e.amount_fen) FROM ledger_entries e WHERE e.account_id = a.id AND e.id > s.last_entry_id), 0)`},
	{"each statement's lines add up to what it settled", `
		SELECT 'statement ' || s.id || ' settled ' || s.settled_fen || ' fen but its lines sum to ' || COALESCE(l.fen, 0) || ' fen'
		FROM statements s LEFT JOIN (SELECT statement_id, sum(amount_fen) AS fen FROM statement_lines GROUP BY statement_id) l ON l.statement_id = s.id
		WHERE s.settled_fen <> COALESCE(l.fen, 0)`},
}

// Run executes every check and returns the breaches found; an error means a check could not run.
func Run(ctx context.Context, d *db.DB) ([]Breach, error) {
	out, err := run(ctx, d, all())
	if err != nil {
		return nil, err
	}

	const rulesCheck = "every order's commissions equal the rules applied to its snapshot"
	diffs, err := order.New(d).VerifyCommissions(ctx, 20)
	if err != nil {
		return nil, fmt.Errorf("run check %q: %w", rulesCheck, err)
	}
	if len(diffs) > 0 {
		out = append(out, Breach{Check: rulesCheck, Detail: diffs})
	}

	// The report rollups against the raw rows (package rollup).
	rb, err := rollup.Check(ctx, d.R, d.Dialect)
	if err != nil {
		return nil, fmt.Errorf("check the report rollups: %w", err)
	}
	for _, b := range rb {
		out = append(out, Breach{Check: b.Check, Detail: b.Detail})
	}
	return out, nil
}

// Names lists what Run checks, for `fenxiao verify --list`.
func Names() []string {
	var out []string
	for _, c := range all() {
		out = append(out, c.name)
	}
	out = append(out, "every order's commissions equal the rules applied to its snapshot")
	return append(out, rollup.CheckNames()...)
}

// RunStructural runs only the checks of the network and the ledger's own bookkeeping, not those
// that tie the ledger to commissions: for tests that post money with no orders behind it.
func RunStructural(ctx context.Context, d *db.DB) ([]Breach, error) {
	return run(ctx, d, checks)
}

func run(ctx context.Context, d *db.DB, list []check) ([]Breach, error) {
	var out []Breach
	for _, c := range list {
		rows, err := d.R.QueryContext(ctx, c.query)
		if err != nil {
			return nil, fmt.Errorf("run check %q: %w", c.name, err)
		}
		var b Breach
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read check %q: %w", c.name, err)
			}
			if len(b.Detail) < 20 {
				b.Detail = append(b.Detail, s)
			}
		}
		if err := rows.Err(); err != nil {
			rows.Close()
			return nil, err
		}
		rows.Close()
		if len(b.Detail) > 0 {
			b.Check = c.name
			out = append(out, b)
		}
	}
	return out, nil
}

func all() []check {
	out := append([]check{}, checks...)
	out = append(out, commissionChecks...)
	out = append(out, withdrawalChecks...)
	return append(out, settlementChecks...)
}
