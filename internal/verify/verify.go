// Package verify checks the invariants of DESIGN.md §6 against the database as it is, so a bug or
// a hand edit that breaks one is found by `fenxiao verify` rather than by a distributor.
package verify

import (
	"context"
	"fmt"

	"github.com/fenxiao/fenxiao/internal/db"
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

// Run executes every check and returns the breaches found; an error means a check could not run.
func Run(ctx context.Context, d *db.DB) ([]Breach, error) {
	var out []Breach
	for _, c := range all() {
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

// Names lists what Run checks, for `fenxiao verify --list`.
func Names() []string {
	var out []string
	for _, c := range all() {
		out = append(out, c.name)
	}
	return out
}

func all() []check { return checks }
