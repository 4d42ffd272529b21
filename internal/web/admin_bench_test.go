package web

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fenxiao/fenxiao/internal/db"
)

// TestAdminPageTimes measures the dashboard and the orders pages over 100,000 orders, all placed
// in the last 30 days (the dashboard's worst case: every order is in its window). Orders, lines
// and commissions are bulk-inserted with SQL. It runs only when asked:
//
//	FENXIAO_PAGE_BENCH=1 go test ./internal/web -run TestAdminPageTimes -v
func TestAdminPageTimes(t *testing.T) {
	if testing.Short() || os.Getenv("FENXIAO_PAGE_BENCH") != "1" {
		t.Skip("set FENXIAO_PAGE_BENCH=1 (and no -short) to measure the console over 100,000 orders")
	}
	const orders = 100_000
	e := newAdminEnv(t)
	alice := e.distributor("Alice", nil)
	bob := e.distributor("Bob", &alice)
	p := e.product("茶", 9990, 1_000_000)
	start := time.Now()
	adminBulkOrders(t, e.DB, orders, alice.ID, bob.ID, p.ID, p.SKUs[0].ID, e.DB.Now())
	t.Logf("inserted %d orders with lines and commissions in %v (%s)", orders, time.Since(start).Round(time.Millisecond), e.DB.Dialect)
	if e.DB.Dialect == db.Postgres {
		// What autovacuum does to a table that grew; the planner needs the statistics.
		if _, err := e.DB.W.Exec(`ANALYZE`); err != nil {
			t.Fatal(err)
		}
	}
	pages := []string{
		"/admin/",
		"/admin/orders",
		"/admin/orders?page=2500",
		"/admin/orders?status=shipped",
		"/admin/orders?distributor=" + alice.Code,
		"/admin/orders?from=2026-02-20&to=2026-02-25",
		"/admin/orders?sort=total",
		fmt.Sprintf("/admin/distributors/%d", alice.ID), // its recent orders, commissions and counts
		fmt.Sprintf("/admin/orders/%d", 50_000),
		"/admin/distributors",
		"/admin/products",
		"/admin/audit",
	}
	// The portal's lists for the level-2 credited with half the orders and its level-1.
	portal := map[string]*http.Client{}
	for _, d := range []struct {
		name  string
		id    int64
		phone string
	}{{"bob", bob.ID, bob.Phone}, {"alice", alice.ID, alice.Phone}} {
		if err := e.S.Accounts.SetDistributorPassword(e.ctx, d.id, "bench-pass-1"); err != nil {
			t.Fatal(err)
		}
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar}
		res, err := c.PostForm(e.URL+"/m/login", url.Values{"phone": {d.phone}, "password": {"bench-pass-1"}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		portal[d.name] = c
	}
	portalPages := []struct{ who, path string }{
		{"bob", "/m/"}, {"bob", "/m/orders"}, {"bob", "/m/orders?page=1000"}, {"bob", "/m/commissions"},
		{"bob", "/m/commissions?page=1000"}, {"alice", "/m/"}, {"alice", "/m/orders"}, {"alice", "/m/team"},
		{"alice", "/m/products"}, {"bob", "/m/statements"}, {"bob", "/m/withdraw"},
	}
	for _, pp := range portalPages {
		var times []time.Duration
		for range 8 {
			t0 := time.Now()
			res, err := portal[pp.who].Get(e.URL + pp.path)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK || strings.Contains(res.Request.URL.Path, "/login") {
				t.Fatalf("%s %s: %d %s", pp.who, pp.path, res.StatusCode, body[:min(len(body), 300)])
			}
			times = append(times, time.Since(t0))
		}
		slices.Sort(times)
		t.Logf("%-45s median %6.1f ms  max %6.1f ms", pp.who+" "+pp.path, adminMs(times[len(times)/2]), adminMs(times[len(times)-1]))
	}
	for _, path := range pages {
		// Request time on loopback: session lookup, role check, queries, template, transfer.
		var times []time.Duration
		e.S.dash.Store(nil)
		for i := range 12 {
			req, _ := http.NewRequest(http.MethodGet, e.URL+path, nil)
			t0 := time.Now()
			res, err := e.clients["owner"].Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				t.Fatalf("%s: %d %s", path, res.StatusCode, body)
			}
			if i == 0 {
				t.Logf("%-45s first  %6.1f ms", path, adminMs(time.Since(t0)))
			} else {
				times = append(times, time.Since(t0))
			}
		}
		slices.Sort(times)
		t.Logf("%-45s median %6.1f ms  max %6.1f ms", path, adminMs(times[len(times)/2]), adminMs(times[len(times)-1]))
	}
	// The dashboard's queries alone, with the closed days read (cold) and kept (warm).
	for _, cold := range []bool{true, false} {
		var times []time.Duration
		for range 10 {
			if cold {
				e.S.dash.Store(nil)
			}
			t0 := time.Now()
			if _, err := e.S.adminDashboardFigures(e.ctx); err != nil {
				t.Fatal(err)
			}
			times = append(times, time.Since(t0))
		}
		slices.Sort(times)
		t.Logf("%-45s median %6.1f ms  max %6.1f ms", fmt.Sprintf("dashboard figures, cold=%v", cold), adminMs(times[len(times)/2]), adminMs(times[len(times)-1]))
	}
}

func adminMs(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// adminBulkOrders inserts n orders spread over the 30 days before now: half through the level-2
// bob (two commissions each), three in ten through alice (one), the rest without a distributor;
// one in ten unpaid or cancelled, the paid ones paid, shipped or completed, one in twenty
// partly refunded. Lines and commissions follow with INSERT … SELECT.
func adminBulkOrders(t *testing.T, d *db.DB, n int, alice, bob, product, sku int64, now time.Time) {
	t.Helper()
	const batch = 50
	span := 30 * 24 * time.Hour
	tx, err := d.W.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for from := 0; from < n; from += batch {
		var sb strings.Builder
		sb.WriteString(`INSERT INTO orders (order_no, customer_id, customer_name, customer_phone, ship_address, status,
			items_fen, discount_fen, shipping_fen, total_fen, refunded_fen, distributor_id, distributor_level, parent_id,
			plan_version, attribution, created_at, updated_at, expires_at, paid_at, payment_provider, payment_ref) VALUES `)
		args := make([]any, 0, batch*12)
		for i := from; i < min(from+batch, n); i++ {
			if i > from {
				sb.WriteString(", ")
			}
			k := len(args)
			fmt.Fprintf(&sb, "($%d, 1, '顾客', $%d, '杭州', $%d, 19980, 0, 1000, 20980, $%d, $%d, $%d, $%d, 1, 'ref', $%d, $%d, $%d, $%d, $%d, $%d)",
				k+1, k+2, k+3, k+4, k+5, k+6, k+7, k+8, k+8, k+9, k+10, k+11, k+12)
			created := now.Add(-span / time.Duration(n) * time.Duration(i)).Add(-time.Second).UTC()
			status, paid := "paid", &created
			switch i % 10 {
			case 0:
				status, paid = "created", nil
			case 1:
				status, paid = "cancelled", nil
			case 2, 3, 4:
				status = "shipped"
			case 5, 6:
				status = "completed"
			}
			var refunded int64
			if paid != nil && i%20 == 2 {
				refunded = 9990
			}
			var dist, level, parent any
			switch {
			case i%10 < 5:
				dist, level, parent = bob, 2, alice
			case i%10 < 8:
				dist, level = alice, 1
			}
			var provider, ref any
			if paid != nil {
				provider, ref = "bench", fmt.Sprintf("B%08d", i)
			}
			args = append(args, fmt.Sprintf("BENCH%09d", i), fmt.Sprintf("137%08d", i), status, refunded, dist, level, parent,
				created, created.Add(30*time.Minute), paid, provider, ref)
		}
		if _, err := tx.Exec(sb.String(), args...); err != nil {
			t.Fatalf("insert orders: %v", err)
		}
	}
	steps := []string{
		fmt.Sprintf(`INSERT INTO order_lines (order_id, line_no, product_id, sku_id, product_name, spec, unit_price_fen, quantity,
			amount_fen, discount_fen, base_fen, refunded_qty, rules)
			SELECT id, 1, %d, %d, '茶', '', 9990, 2, 19980, 0, 19980, refunded_fen / 9990, '{}' FROM orders WHERE order_no LIKE 'BENCH%%'`, product, sku),
		// The seller's commission: 800 bp for a level 2, 1000 bp for a level 1, net of a refund.
		`INSERT INTO commissions (order_id, order_line_id, distributor_id, role, base_fen, rate_bp, fixed_fen_per_unit, quantity,
			amount_fen, reversed_fen, status, plan_version, created_at)
			SELECT o.id, l.id, o.distributor_id, 'direct', 19980, CASE WHEN o.distributor_level = 2 THEN 800 ELSE 1000 END, 0, 2,
				CASE WHEN o.distributor_level = 2 THEN 1598 ELSE 1998 END,
				CASE WHEN o.refunded_fen > 0 THEN (CASE WHEN o.distributor_level = 2 THEN 799 ELSE 999 END) ELSE 0 END,
				'frozen', 1, o.paid_at
			FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.distributor_id IS NOT NULL AND o.paid_at IS NOT NULL`,
		// The level-1 parent's override on level-2 sales: 300 bp.
		`INSERT INTO commissions (order_id, order_line_id, distributor_id, role, base_fen, rate_bp, fixed_fen_per_unit, quantity,
			amount_fen, reversed_fen, status, plan_version, created_at)
			SELECT o.id, l.id, o.parent_id, 'override', 19980, 300, 0, 2, 599, CASE WHEN o.refunded_fen > 0 THEN 300 ELSE 0 END,
				'frozen', 1, o.paid_at
			FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.parent_id IS NOT NULL AND o.paid_at IS NOT NULL`,
	}
	for _, q := range steps {
		if _, err := tx.Exec(q); err != nil {
			t.Fatalf("bulk insert: %v", err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}
