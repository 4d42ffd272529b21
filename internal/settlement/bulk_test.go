package settlement_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/rollup"
	"github.com/fenxiao/fenxiao/internal/settings"
)

type step struct {
	what  string
	query string
	args  []any
}

// bulk fills a fresh database with level-1 distributors, each with ordersEach completed orders of
// linesEach lines, and one direct commission of 10% per line, frozen and settleable from
// settleable — written with set-based SQL (a recursive CTE counts, joins multiply) instead of the
// order service, which would take hours for a million. The ledger is kept consistent: every
// order's accrual is one order_payment posting (the distributor's frozen account against the
// merchant's commission expense) and cached balances equal their entries, so verify passes.
func bulk(tb testing.TB, d *db.DB, distributors, ordersEach, linesEach int, settleable time.Time) {
	tb.Helper()
	started := time.Now()
	now := d.Now()
	err := d.InTx(ctx, func(tx *db.Tx) error {
		if _, err := settings.CurrentPlan(ctx, tx); err != nil { // plan 1: 1000 / 800 / 300 bp
			return err
		}
		var first int64
		steps := []step{
			{"distributors", fmt.Sprintf(`INSERT INTO distributors (code, name, phone, level, status, invite_code, created_at, updated_at, approved_at)
				WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)
				SELECT 'B' || i, '分销商' || i, CAST(15000000000 + i AS TEXT), 1, 'approved', 'I' || i, $1, $1, $1 FROM n`, distributors),
				[]any{now}},
		}
		for _, s := range steps {
			if _, err := tx.ExecContext(ctx, s.query, s.args...); err != nil {
				return fmt.Errorf("bulk %s: %w", s.what, err)
			}
		}
		if err := tx.QueryRowContext(ctx, `SELECT min(id) FROM distributors WHERE code LIKE 'B%'`).Scan(&first); err != nil {
			return err
		}
		// Orders i = 1…: distributor first + (i−1)/ordersEach; each line is 1 × (1000 + (j mod 7) × 100) fen.
		steps = steps[:0]
		steps = append(steps,
			step{"orders", fmt.Sprintf(`INSERT INTO orders (order_no, customer_id, customer_name, customer_phone, ship_address, status,
				items_fen, discount_fen, shipping_fen, total_fen, distributor_id, distributor_level, plan_version, attribution,
				created_at, updated_at, expires_at, paid_at, completed_at)
				WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)
				SELECT 'BO' || i, 0, '顾客', '13700000000', '杭州', 'completed', 0, 0, 0, 0, %d + (i - 1) / %d, 1, 1, 'ref', $1, $1, $1, $1, $1 FROM n`,
				distributors*ordersEach, first, ordersEach), []any{now}},
			step{"order lines", fmt.Sprintf(`INSERT INTO order_lines (order_id, line_no, product_id, sku_id, product_name, spec, unit_price_fen,
				quantity, amount_fen, discount_fen, base_fen, rules)
				WITH RECURSIVE k(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM k WHERE j < %d)
				SELECT o.id, k.j, k.j, k.j, '商品' || k.j, '', 1000 + (k.j %% 7) * 100, 1, 1000 + (k.j %% 7) * 100, 0, 1000 + (k.j %% 7) * 100, '{}'
				FROM orders o, k WHERE o.order_no LIKE 'BO%%'`, linesEach), nil},
			step{"order totals", `UPDATE orders SET items_fen = (SELECT sum(amount_fen) FROM order_lines l WHERE l.order_id = orders.id),
				total_fen = (SELECT sum(amount_fen) FROM order_lines l WHERE l.order_id = orders.id) WHERE order_no LIKE 'BO%'`, nil},
			step{"commissions", `INSERT INTO commissions (order_id, order_line_id, distributor_id, role, base_fen, rate_bp, fixed_fen_per_unit,
				quantity, amount_fen, status, plan_version, created_at, settleable_at)
				SELECT o.id, l.id, o.distributor_id, 'direct', l.base_fen, 1000, 0, 1, l.base_fen * 1000 / 10000, 'frozen', 1, $1, $2
				FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.order_no LIKE 'BO%'`, []any{now, settleable}},
		)
		for _, kind := range []string{"frozen", "available", "withdrawing", "paid_out"} {
			steps = append(steps, step{"accounts", `INSERT INTO ledger_accounts (owner_id, kind) SELECT id, $1 FROM distributors WHERE code LIKE 'B%'`, []any{kind}})
		}
		for _, kind := range []string{"commission_expense", "payout_clearing", "fees"} {
			steps = append(steps, step{"merchant accounts", `INSERT INTO ledger_accounts (owner_id, kind) VALUES (0, $1) ON CONFLICT (owner_id, kind) DO NOTHING`, []any{kind}})
		}
		steps = append(steps,
			step{"accruals", `INSERT INTO ledger_transactions (idem_key, cause, cause_id, memo, created_at)
				SELECT 'order:' || id || ':paid', 'order_payment', CAST(id AS TEXT), 'commission on order ' || order_no, $1
				FROM orders WHERE order_no LIKE 'BO%'`, []any{now}},
			step{"frozen entries", `INSERT INTO ledger_entries (transaction_id, account_id, owner_id, amount_fen, created_at)
				SELECT t.id, a.id, o.distributor_id, c.fen, $1
				FROM orders o
				JOIN (SELECT order_id, sum(amount_fen) AS fen FROM commissions GROUP BY order_id) c ON c.order_id = o.id
				JOIN ledger_transactions t ON t.idem_key = 'order:' || o.id || ':paid'
				JOIN ledger_accounts a ON a.owner_id = o.distributor_id AND a.kind = 'frozen'
				WHERE o.order_no LIKE 'BO%'`, []any{now}},
			step{"expense entries", `INSERT INTO ledger_entries (transaction_id, account_id, owner_id, amount_fen, created_at)
				SELECT e.transaction_id, a.id, 0, -e.amount_fen, $1
				FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
				JOIN ledger_accounts a ON a.owner_id = 0 AND a.kind = 'commission_expense'
				WHERE t.idem_key LIKE 'order:%' AND e.owner_id <> 0`, []any{now}},
			step{"balances", `UPDATE ledger_accounts SET balance_fen = COALESCE((SELECT sum(e.amount_fen) FROM ledger_entries e
				WHERE e.account_id = ledger_accounts.id), 0) WHERE kind IN ('frozen', 'commission_expense')`, nil},
		)
		for _, s := range steps {
			if _, err := tx.ExecContext(ctx, s.query, s.args...); err != nil {
				return fmt.Errorf("bulk %s: %w", s.what, err)
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	// The rows above bypassed the services, so the report rollups are drawn from them afresh.
	if _, err := rollup.Rebuild(ctx, d, ""); err != nil {
		tb.Fatal(err)
	}
	// A live database has been vacuumed, analysed and checkpointed since most of its rows were
	// written; do that here too, so the run does not pay for the bulk load's aftermath.
	after := []string{`PRAGMA wal_checkpoint(TRUNCATE)`}
	if d.Dialect == db.Postgres {
		after = []string{`VACUUM ANALYZE distributors, orders, order_lines, commissions, ledger_accounts, ledger_transactions, ledger_entries`, `CHECKPOINT`}
	}
	for _, q := range after {
		if _, err := d.W.ExecContext(ctx, q); err != nil {
			tb.Fatalf("%s: %v", q, err)
		}
	}
	tb.Logf("bulk: %d distributors, %d orders, %d commissions on %s in %s", distributors, distributors*ordersEach,
		distributors*ordersEach*linesEach, d.Dialect, time.Since(started).Round(time.Millisecond))
}
