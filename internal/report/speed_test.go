package report_test

import (
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/db/dbtest"
	"github.com/fenxiao/fenxiao/internal/report"
	"github.com/fenxiao/fenxiao/internal/rollup"
	"github.com/fenxiao/fenxiao/internal/settings"
)

// TestReportSpeed loads a year of 1,000,000 paid orders (2,000,000 lines, 3,600,000 commissions,
// their ledger postings, 5% of lines refunded, monthly statements and withdrawals of 10,000
// distributors) with set-based SQL, rebuilds the rollups, and times every report over a month,
// a quarter and the year, with and without a distributor or product filter. Opt-in, minutes:
//
//	FENXIAO_REPORT_BENCH=1 go test ./internal/report -run ReportSpeed -v -timeout 60m
//	FENXIAO_REPORT_BENCH=1 FENXIAO_TEST_DATABASE_URL=postgres://… go test ./internal/report -run ReportSpeed -v -timeout 60m
//
// FENXIAO_REPORT_BENCH_ORDERS changes the number of orders (a multiple of 10,000);
// FENXIAO_REPORT_BENCH_DB names a SQLite file to keep the data in between runs.
func TestReportSpeed(t *testing.T) {
	if os.Getenv("FENXIAO_REPORT_BENCH") == "" {
		t.Skip("set FENXIAO_REPORT_BENCH=1 to load a million orders and time the reports")
	}
	orders := 1000000
	if n := os.Getenv("FENXIAO_REPORT_BENCH_ORDERS"); n != "" {
		fmt.Sscan(n, &orders)
	}
	var d *db.DB
	loaded := false
	// A SQLite file or a PostgreSQL URL (its search_path naming an existing schema) kept between
	// runs: loaded and rebuilt once; later migrations derive their rollups from what is there.
	keep := os.Getenv("FENXIAO_REPORT_BENCH_DB")
	if keep != "" {
		var err error
		if d, err = db.Open(ctx, keep, db.Options{}); err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		must(t, "migrate", d.Migrate(ctx, nil))
		must(t, "loaded?", d.R.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM orders)`).Scan(&loaded))
		if !loaded {
			bulkYear(t, d, orders)
		}
	} else {
		d, _ = dbtest.Open(t)
		bulkYear(t, d, orders)
	}

	if !loaded {
		start := time.Now()
		res, err := rollup.Rebuild(ctx, d, "")
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("rollup rebuild on %s: %s, rows %v", d.Dialect, time.Since(start).Round(time.Millisecond), res.Rows)
	}
	if d.Dialect == db.Postgres {
		if _, err := d.W.ExecContext(ctx, `VACUUM ANALYZE rollup_shop, rollup_distributors, rollup_sales, rollup_customers, rollup_ledger, rollup_withdrawals, rollup_customer_counts, rollup_statements, rollup_balances, rollup_withdrawal_totals, rollup_funnel, statements, withdrawals, distributors`); err != nil {
			t.Fatal(err)
		}
	}

	svc := &report.Service{DB: d}
	var dist, product int64
	must(t, "ids", d.R.QueryRowContext(ctx, `SELECT min(id) FROM distributors`).Scan(&dist))
	must(t, "ids", d.R.QueryRowContext(ctx, `SELECT min(id) FROM products`).Scan(&product))
	periods := []struct {
		name string
		f    report.Filter
	}{
		{"month", report.Filter{Period: "month", From: date("2025-06-01")}},
		{"quarter", report.Filter{Period: "quarter", From: date("2025-04-01")}},
		{"year", report.Filter{Period: "year", From: date("2025-01-01")}},
	}
	filters := []struct {
		name string
		set  func(*report.Filter)
	}{
		{"all", func(*report.Filter) {}},
		{"distributor", func(f *report.Filter) { f.DistributorID = dist }},
		{"product", func(f *report.Filter) { f.ProductID = product }},
	}
	reports := []struct {
		name string
		run  func(report.Filter) error
	}{
		{"distributors", func(f report.Filter) error { _, err := svc.Distributors(ctx, f); return err }},
		{"leaderboard top 50", func(f report.Filter) error {
			f.Sort, f.Limit = "commission_net_fen", 50
			_, err := svc.Distributors(ctx, f)
			return err
		}},
		{"products", func(f report.Filter) error { _, err := svc.Products(ctx, f); return err }},
		{"top distributors", func(f report.Filter) error {
			if f.ProductID == 0 {
				return nil
			}
			_, err := svc.TopDistributors(ctx, f)
			return err
		}},
		{"funnel", func(f report.Filter) error { _, err := svc.Funnel(ctx, f); return err }},
		{"commission by day/month", func(f report.Filter) error { _, err := svc.CommissionOverTime(ctx, f, ""); return err }},
		{"commission by week", func(f report.Filter) error { _, err := svc.CommissionOverTime(ctx, f, report.BucketWeek); return err }},
		{"network", func(f report.Filter) error { _, err := svc.Network(ctx, f); return err }},
		{"settlement", func(f report.Filter) error { _, err := svc.Settlement(ctx, f); return err }},
		{"withdrawals", func(f report.Filter) error { _, err := svc.Withdrawals(ctx, f); return err }},
	}
	const runs = 21
	worst := time.Duration(0)
	for _, rp := range reports {
		for _, p := range periods {
			for _, fl := range filters {
				f := p.f
				fl.set(&f)
				if rp.name == "top distributors" && f.ProductID == 0 {
					continue // it needs a product
				}
				var times []time.Duration
				for range runs {
					s := time.Now()
					if err := rp.run(f); err != nil {
						t.Fatalf("%s %s %s: %v", rp.name, p.name, fl.name, err)
					}
					times = append(times, time.Since(s))
				}
				slices.Sort(times)
				p50, p95 := times[runs/2], times[runs*95/100]
				worst = max(worst, p95)
				t.Logf("%-8s %-24s %-8s %-12s p50 %7.1f ms  p95 %7.1f ms", d.Dialect, rp.name, p.name, fl.name, ms(p50), ms(p95))
			}
		}
	}
	t.Logf("worst p95 on %s: %.1f ms", d.Dialect, ms(worst))
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// bulkYear writes n orders paid through 2025 (one every 31 s) by 10,000 distributors (2,000
// level 1; 8,000 level 2 under them), 20 customers each, 2 lines of 500 products, commissions
// at 1000 / 800 / 300 bp with the order_payment postings, the first line of every 20th order
// refunded in full, 7 of every 10 orders paid before December completed ten days after payment,
// n/20 more orders placed through the year and cancelled unpaid, 12 monthly statements and withdrawals per distributor (a fifth each paid,
// rejected, failed, approved, requested), and the settlement postings.
func bulkYear(t *testing.T, d *db.DB, n int) {
	t.Helper()
	started := time.Now()
	now := d.Now()
	pg := d.Dialect == db.Postgres
	at := func(seconds string) string { // 2025-01-01 00:00 Beijing + seconds
		if pg {
			return `(TIMESTAMPTZ '2024-12-31 16:00:00+00' + (` + seconds + `) * interval '1 second')`
		}
		return `(datetime('2024-12-31 16:00:00', '+' || (` + seconds + `) || ' seconds') || '+00:00')`
	}
	plus := func(col, seconds string) string {
		if pg {
			return `(` + col + ` + (` + seconds + `) * interval '1 second')`
		}
		return `(datetime(` + col + `, '+' || (` + seconds + `) || ' seconds') || '+00:00')`
	}
	const dists, level1, products, customers = 10000, 2000, 500, 20
	steps := []step{
		{"plan", "", nil},
		{"products", fmt.Sprintf(`INSERT INTO products (name, description, images, status, distributable, created_at, updated_at)
			WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)
			SELECT '商品' || i, '', '[]', 'on_shelf', TRUE, $1, $1 FROM n`, products), []any{now}},
		{"level 1", fmt.Sprintf(`INSERT INTO distributors (code, name, phone, level, status, invite_code, created_at, updated_at, approved_at)
			WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)
			SELECT 'B' || i, '分销商' || i, CAST(15000000000 + i AS TEXT), 1, 'approved', 'I' || i, %s, %s, %s FROM n`,
			level1, at("i * 1000"), at("i * 1000"), at("i * 1000 + 3600")), nil},
		{"level 2", fmt.Sprintf(`INSERT INTO distributors (code, name, phone, level, parent_id, status, created_at, updated_at, approved_at)
			WITH RECURSIVE n(i) AS (SELECT %d UNION ALL SELECT i + 1 FROM n WHERE i < %d)
			SELECT 'B' || i, '分销商' || i, CAST(15000000000 + i AS TEXT), 2, (SELECT min(id) FROM distributors) + (i - 1) %% %d, 'approved', %s, %s, %s FROM n`,
			level1+1, dists, level1, at("i * 3000"), at("i * 3000"), at("i * 3000 + 7200")), nil},
	}
	// Orders in chunks of 200,000 so no transaction grows without bound.
	for lo := 0; lo < n; lo += 200000 {
		hi := min(n, lo+200000)
		steps = append(steps, step{fmt.Sprintf("orders %d–%d", lo+1, hi), fmt.Sprintf(`INSERT INTO orders (order_no, customer_id, customer_name, customer_phone, ship_address, status,
			items_fen, discount_fen, shipping_fen, total_fen, distributor_id, distributor_level, parent_id, plan_version, attribution,
			created_at, updated_at, expires_at, paid_at)
			WITH RECURSIVE n(i) AS (SELECT %d UNION ALL SELECT i + 1 FROM n WHERE i < %d),
			f(first) AS (SELECT min(id) FROM distributors)
			SELECT 'BO' || i, 1 + i %% %d + %d * ((i / %d) %% %d), '顾客', '13700000000', '杭州', 'paid', 0, 0, 0, 0,
				first + i %% %d, CASE WHEN i %% %d < %d THEN 1 ELSE 2 END,
				CASE WHEN i %% %d < %d THEN NULL ELSE first + (i %% %d) %% %d END, 1, 'ref', %s, %s, %s, %s FROM n, f`,
			lo+1, hi, dists, dists, dists, customers, dists, dists, level1, dists, level1, dists, level1,
			at("i * 31"), at("i * 31"), at("i * 31 + 1800"), at("i * 31 + 60")), nil})
	}
	steps = append(steps,
		step{"order lines", fmt.Sprintf(`INSERT INTO order_lines (order_id, line_no, product_id, sku_id, product_name, spec, unit_price_fen,
			quantity, amount_fen, discount_fen, base_fen, rules, refunded_qty)
			WITH k(j) AS (SELECT 1 UNION ALL SELECT 2), p(first) AS (SELECT min(id) FROM products)
			SELECT o.id, k.j, first + (o.id * 7 + k.j * 13) %% %d, 1, '商品', '', 1000 + ((o.id * 7 + k.j * 13) %% %d) * 10,
				1 + (o.id + k.j) %% 3, (1000 + ((o.id * 7 + k.j * 13) %% %d) * 10) * (1 + (o.id + k.j) %% 3), 0,
				(1000 + ((o.id * 7 + k.j * 13) %% %d) * 10) * (1 + (o.id + k.j) %% 3), '{}',
				CASE WHEN o.id %% 20 = 0 AND k.j = 1 THEN 1 + (o.id + k.j) %% 3 ELSE 0 END
			FROM orders o, k, p`, products, products, products, products), nil},
		step{"order totals", `UPDATE orders SET items_fen = (SELECT sum(amount_fen) FROM order_lines l WHERE l.order_id = orders.id),
			total_fen = (SELECT sum(amount_fen) FROM order_lines l WHERE l.order_id = orders.id),
			refunded_fen = (SELECT sum(CASE WHEN refunded_qty > 0 THEN base_fen ELSE 0 END) FROM order_lines l WHERE l.order_id = orders.id)`, nil},
		step{"refunds", `INSERT INTO refunds (order_id, amount_fen, reason, restock, created_at)
			SELECT id, refunded_fen, '退货', FALSE, paid_at FROM orders WHERE refunded_fen > 0`, nil},
		step{"refund lines", `INSERT INTO refund_lines (refund_id, order_line_id, quantity, amount_fen)
			SELECT r.id, l.id, l.refunded_qty, l.base_fen FROM refunds r JOIN order_lines l ON l.order_id = r.order_id WHERE l.refunded_qty > 0`, nil},
		step{"direct commissions", `INSERT INTO commissions (order_id, order_line_id, distributor_id, role, base_fen, rate_bp, fixed_fen_per_unit,
			quantity, amount_fen, reversed_fen, status, plan_version, created_at)
			SELECT o.id, l.id, o.distributor_id, 'direct', l.base_fen, CASE WHEN o.distributor_level = 1 THEN 1000 ELSE 800 END, 0, l.quantity,
				l.base_fen * (CASE WHEN o.distributor_level = 1 THEN 1000 ELSE 800 END) / 10000,
				CASE WHEN l.refunded_qty > 0 THEN l.base_fen * (CASE WHEN o.distributor_level = 1 THEN 1000 ELSE 800 END) / 10000 ELSE 0 END,
				CASE WHEN l.refunded_qty > 0 THEN 'reversed' ELSE 'frozen' END, 1, o.paid_at
			FROM orders o JOIN order_lines l ON l.order_id = o.id`, nil},
		step{"override commissions", `INSERT INTO commissions (order_id, order_line_id, distributor_id, role, base_fen, rate_bp, fixed_fen_per_unit,
			quantity, amount_fen, reversed_fen, status, plan_version, created_at)
			SELECT o.id, l.id, o.parent_id, 'override', l.base_fen, 300, 0, l.quantity, l.base_fen * 300 / 10000,
				CASE WHEN l.refunded_qty > 0 THEN l.base_fen * 300 / 10000 ELSE 0 END,
				CASE WHEN l.refunded_qty > 0 THEN 'reversed' ELSE 'frozen' END, 1, o.paid_at
			FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.parent_id IS NOT NULL`, nil},
	)
	for _, kind := range []string{"frozen", "available", "withdrawing", "paid_out"} {
		steps = append(steps, step{"accounts", `INSERT INTO ledger_accounts (owner_id, kind) SELECT id, $1 FROM distributors`, []any{kind}})
	}
	for _, kind := range []string{"commission_expense", "payout_clearing", "fees"} {
		steps = append(steps, step{"merchant accounts", `INSERT INTO ledger_accounts (owner_id, kind) VALUES (0, $1) ON CONFLICT (owner_id, kind) DO NOTHING`, []any{kind}})
	}
	steps = append(steps,
		step{"accrual postings", `INSERT INTO ledger_transactions (idem_key, cause, cause_id, memo, created_at)
			SELECT 'order:' || id || ':paid', 'order_payment', CAST(id AS TEXT), '', paid_at FROM orders`, nil},
		step{"accrual entries", `INSERT INTO ledger_entries (transaction_id, account_id, owner_id, amount_fen, created_at)
			SELECT t.id, a.id, c.distributor_id, sum(c.amount_fen), t.created_at
			FROM commissions c JOIN ledger_transactions t ON t.idem_key = 'order:' || c.order_id || ':paid'
			JOIN ledger_accounts a ON a.owner_id = c.distributor_id AND a.kind = 'frozen'
			GROUP BY t.id, a.id, c.distributor_id, t.created_at`, nil},
		step{"expense entries", `INSERT INTO ledger_entries (transaction_id, account_id, owner_id, amount_fen, created_at)
			SELECT e.transaction_id, (SELECT id FROM ledger_accounts WHERE owner_id = 0 AND kind = 'commission_expense'), 0, -sum(e.amount_fen), e.created_at
			FROM ledger_entries e GROUP BY e.transaction_id, e.created_at`, nil},
		step{"settlement runs", `INSERT INTO settlement_runs (scope_key, cutoff, status, actor, started_at, heartbeat_at, finished_at)
			WITH RECURSIVE m(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM m WHERE i < 12)
			SELECT 'all:' || i, ` + at("i * 2592000") + `, 'completed', 'bench', ` + at("i * 2592000") + `, ` + at("i * 2592000") + `, ` + at("i * 2592000") + ` FROM m`, nil},
		step{"statements", `INSERT INTO statements (run_id, distributor_id, period_end, opening_fen, accrued_fen, reversed_fen, clawed_back_fen,
			settled_fen, withdrawn_fen, closing_fen, last_entry_id, created_at)
			SELECT r.id, d.id, r.cutoff, 0, 1000 + d.id % 97, d.id % 13, 0, 900 + d.id % 89, 500, 400 + d.id % 89, 0, r.cutoff
			FROM settlement_runs r, distributors d`, nil},
		step{"settlement postings", `INSERT INTO ledger_transactions (idem_key, cause, cause_id, memo, created_at)
			SELECT 'settle:' || run_id || ':' || distributor_id, 'settlement', CAST(run_id AS TEXT), '', created_at FROM statements`, nil},
		step{"settlement entries", `INSERT INTO ledger_entries (transaction_id, account_id, owner_id, amount_fen, created_at)
			SELECT t.id, a.id, s.distributor_id, CASE WHEN a.kind = 'available' THEN s.settled_fen ELSE -s.settled_fen END, t.created_at
			FROM statements s JOIN ledger_transactions t ON t.idem_key = 'settle:' || s.run_id || ':' || s.distributor_id
			JOIN ledger_accounts a ON a.owner_id = s.distributor_id AND a.kind IN ('available', 'frozen')`, nil},
		step{"withdrawals", `INSERT INTO withdrawals (distributor_id, amount_fen, fee_fen, method, account, status, reason, provider, reference,
			requested_at, approved_at, finished_at, updated_at)
			SELECT s.distributor_id, 500, 5, 'wallet', '{}',
				CASE (s.id % 5) WHEN 0 THEN 'paid' WHEN 1 THEN 'rejected' WHEN 2 THEN 'failed' WHEN 3 THEN 'approved' ELSE 'requested' END,
				NULL, NULL, CASE WHEN s.id % 5 = 0 THEN 'BANK' || s.id END, s.created_at,
				CASE WHEN s.id % 5 IN (0, 2, 3) THEN ` + plus("s.created_at", "3600 + s.id % 7200") + ` END,
				CASE WHEN s.id % 5 IN (0, 1, 2) THEN ` + plus("s.created_at", "7200 + s.id % 86400") + ` END, s.created_at
			FROM statements s`, nil},
		step{"completions", `UPDATE orders SET status = 'completed', completed_at = ` + plus("paid_at", "864000") + `
			WHERE id % 10 < 7 AND paid_at < ` + at("28857600"), nil},
		step{"unpaid orders", fmt.Sprintf(`INSERT INTO orders (order_no, customer_id, customer_name, customer_phone, ship_address, status,
			items_fen, discount_fen, shipping_fen, total_fen, distributor_id, distributor_level, parent_id, plan_version, attribution,
			cancel_reason, created_at, updated_at, expires_at, cancelled_at)
			WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d),
			f(first) AS (SELECT min(id) FROM distributors)
			SELECT 'BU' || i, 1 + i %% %d, '顾客', '13700000000', '杭州', 'cancelled', 1000, 0, 0, 1000,
				first + i %% %d, CASE WHEN i %% %d < %d THEN 1 ELSE 2 END,
				CASE WHEN i %% %d < %d THEN NULL ELSE first + (i %% %d) %% %d END, 1, 'ref', 'not paid in time', %s, %s, %s, %s FROM n, f`,
			n/20, dists*customers, dists, dists, level1, dists, level1, dists, level1,
			at("i * 620"), at("i * 620 + 1800"), at("i * 620 + 1800"), at("i * 620 + 1800")), nil},
	)
	for _, s := range steps {
		err := d.InTx(ctx, func(tx *db.Tx) error {
			if s.what == "plan" {
				_, err := settings.CurrentPlan(ctx, tx)
				return err
			}
			_, err := tx.ExecContext(ctx, s.query, s.args...)
			return err
		})
		if err != nil {
			t.Fatalf("bulk %s: %v", s.what, err)
		}
	}
	after := []string{`PRAGMA wal_checkpoint(TRUNCATE)`}
	if d.Dialect == db.Postgres {
		after = []string{`VACUUM ANALYZE`, `CHECKPOINT`}
	}
	for _, q := range after {
		if _, err := d.W.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	t.Logf("bulk: %d orders on %s in %s", n, d.Dialect, time.Since(started).Round(time.Second))
}

type step struct {
	what  string
	query string
	args  []any
}
