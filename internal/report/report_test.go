package report_test

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/fenxiao/fenxiao/internal/order"
	"github.com/fenxiao/fenxiao/internal/report"
	"github.com/fenxiao/fenxiao/internal/rollup"
	"github.com/fenxiao/fenxiao/internal/settlement"
	"github.com/fenxiao/fenxiao/internal/verify"
)

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// periods cover every tiling the rollups use: days inside a month, whole months, a quarter,
// a whole year, ranges that cross a year with odd days at both ends, runs of quarters across a
// year, quarters beside days, months and whole years, a week and one day.
var periods = []struct {
	f        report.Filter
	from, to string // expected dates, to excluded
}{
	{report.Filter{Period: "month", From: date("2025-12-05")}, "2025-12-01", "2026-01-01"},
	{report.Filter{Period: "month", From: date("2026-01-31")}, "2026-01-01", "2026-02-01"},
	{report.Filter{Period: "month", From: date("2026-02-01")}, "2026-02-01", "2026-03-01"},
	{report.Filter{Period: "quarter", From: date("2026-02-10")}, "2026-01-01", "2026-04-01"},
	{report.Filter{Period: "year", From: date("2026-06-01")}, "2026-01-01", "2027-01-01"},
	{report.Filter{Period: "year", From: date("2025-06-01")}, "2025-01-01", "2026-01-01"},
	{report.Filter{Period: "custom", From: date("2025-12-23"), To: date("2026-02-17")}, "2025-12-23", "2026-02-18"},
	{report.Filter{Period: "custom", From: date("2025-11-01"), To: date("2027-03-04")}, "2025-11-01", "2027-03-05"},
	{report.Filter{Period: "custom", From: date("2025-10-01"), To: date("2026-03-31")}, "2025-10-01", "2026-04-01"},
	{report.Filter{Period: "custom", From: date("2025-09-20"), To: date("2026-05-10")}, "2025-09-20", "2026-05-11"},
	{report.Filter{Period: "custom", From: date("2025-12-10"), To: date("2026-04-05")}, "2025-12-10", "2026-04-06"},
	{report.Filter{Period: "custom", From: date("2024-07-01"), To: date("2027-06-30")}, "2024-07-01", "2027-07-01"},
	{report.Filter{Period: "week", From: date("2026-01-08")}, "2026-01-05", "2026-01-12"},
	{report.Filter{Period: "day", From: date("2026-01-09")}, "2026-01-09", "2026-01-10"},
}

// TestReportsEqualRawRows checks every figure of every report against the oracle over the raw
// rows, for each period and filter, on a shop of random trade.
func TestReportsEqualRawRows(t *testing.T) {
	g := generate(t, 1)
	g.verify()
	r := loadRaw(t, g.DB)
	if len(r.statements) == 0 || len(r.withdrawals) == 0 {
		t.Fatalf("the generated shop has %d statements and %d withdrawals: too thin to test", len(r.statements), len(r.withdrawals))
	}
	a, bob := g.l1[0], g.l2[0]
	filters := []struct {
		name string
		f    report.Filter
	}{
		{"all", report.Filter{}},
		{"level 1", report.Filter{Level: 1}},
		{"level 2", report.Filter{Level: 2}},
		{"level-1 Alice", report.Filter{DistributorID: a.ID}},
		{"level-2 Bob", report.Filter{DistributorID: bob.ID}},
		{"product 1", report.Filter{ProductID: g.products[0]}},
		{"product 3 through Bob", report.Filter{ProductID: g.products[2], DistributorID: bob.ID}},
		{"product 2 at level 2", report.Filter{ProductID: g.products[1], Level: 2}},
		{"the product of two SKUs", report.Filter{ProductID: g.products[4]}},
	}
	nonEmpty := map[string]bool{}
	for _, p := range periods {
		for _, fl := range filters {
			f := fl.f
			f.Period, f.From, f.To = p.f.Period, p.f.From, p.f.To
			sp := span{date(p.from), date(p.to)}
			name := fmt.Sprintf("%s %s..%s %s", p.f.Period, p.from, p.to, fl.name)

			rng, err := g.Reports.Resolve(ctx, f)
			if err != nil || rng.From != sp.from || rng.To != sp.to {
				t.Fatalf("%s: resolved to %v..%v (%v)", name, rng.From, rng.To, err)
			}

			ds, err := g.Reports.Distributors(ctx, f)
			must(t, name, err)
			sort.Slice(ds, func(i, j int) bool { return ds[i].DistributorID < ds[j].DistributorID })
			same(t, name+": distributors", ds, r.distributors(sp, f))
			nonEmpty["distributors"] = nonEmpty["distributors"] || len(ds) > 0

			ps, err := g.Reports.Products(ctx, f)
			must(t, name, err)
			sort.Slice(ps, func(i, j int) bool { return ps[i].ProductID < ps[j].ProductID })
			same(t, name+": products", ps, r.products_(sp, f))

			if f.ProductID != 0 {
				top, err := g.Reports.TopDistributors(ctx, f)
				must(t, name, err)
				same(t, name+": top distributors", top, r.topDistributors(sp, f))
			}

			for _, b := range []string{report.BucketDay, report.BucketWeek, report.BucketMonth, report.BucketQuarter} {
				if sp.to.Sub(sp.from) > 400*24*time.Hour && (b == report.BucketDay || b == report.BucketWeek) {
					continue
				}
				cs, err := g.Reports.CommissionOverTime(ctx, f, b)
				must(t, name+" by "+b, err)
				same(t, name+": commission by "+b, cs, r.cost(sp, f, b))
			}

			fn, err := g.Reports.Funnel(ctx, f)
			must(t, name, err)
			same(t, name+": funnel", fn, r.funnel(sp, f))
			nonEmpty["funnel orders paid"] = nonEmpty["funnel orders paid"] || fn.Paid > 0
			nonEmpty["funnel orders never paid"] = nonEmpty["funnel orders never paid"] || fn.Orders > fn.Paid
			nonEmpty["funnel orders completed"] = nonEmpty["funnel orders completed"] || fn.Completed > 0

			if f.ProductID == 0 {
				n, err := g.Reports.Network(ctx, f)
				must(t, name, err)
				same(t, name+": network", n, r.network(sp, span{rng.Previous().From, rng.Previous().To}, f))
				nonEmpty["churn"] = nonEmpty["churn"] || n.Churned > 0

				st, err := g.Reports.Settlement(ctx, f)
				must(t, name, err)
				same(t, name+": settlement", st, r.settlement(sp, f))
				nonEmpty["settlement"] = nonEmpty["settlement"] || len(st) > 0

				w, err := g.Reports.Withdrawals(ctx, f)
				must(t, name, err)
				same(t, name+": withdrawals", w, r.withdrawalReport(sp, f))
				nonEmpty["withdrawals paid"] = nonEmpty["withdrawals paid"] || w.Summary.Paid > 0
				nonEmpty["withdrawals failed"] = nonEmpty["withdrawals failed"] || w.Summary.Failed > 0
				nonEmpty["withdrawals rejected"] = nonEmpty["withdrawals rejected"] || w.Summary.Rejected > 0
			}
		}
	}
	for _, k := range []string{"distributors", "churn", "settlement", "withdrawals paid", "withdrawals failed", "withdrawals rejected",
		"funnel orders paid", "funnel orders never paid", "funnel orders completed"} {
		if !nonEmpty[k] {
			t.Errorf("no period showed any %s: the generated shop does not exercise it", k)
		}
	}

	// The leaderboard: sorted by a column, cut to a limit.
	f := report.Filter{Period: "quarter", From: date("2026-01-01"), Sort: "commission_net_fen", Limit: 3}
	top, err := g.Reports.Distributors(ctx, f)
	must(t, "leaderboard", err)
	want := r.distributors(span{date("2026-01-01"), date("2026-04-01")}, f)
	sort.SliceStable(want, func(i, j int) bool { return want[i].CommissionNetFen > want[j].CommissionNetFen })
	same(t, "leaderboard by commission_net_fen", top, want[:3])

	// The rollups are what a rebuild makes, and verify agrees.
	before := snapshot(t, g)
	if _, err := rollup.Rebuild(ctx, g.DB, ""); err != nil {
		t.Fatal(err)
	}
	same(t, "rollups after rebuild", snapshot(t, g), before)
	g.verify()
}

// TestSettlementReportEqualsStatements: a month's settlement report is the sum of the month's
// statements, to the fen, as the statements list shows them.
func TestSettlementReportEqualsStatements(t *testing.T) {
	g := generate(t, 2)
	for _, month := range []string{"2026-01", "2026-02", "2026-03"} {
		rows, err := g.Reports.Settlement(ctx, report.Filter{Period: "month", From: date(month + "-01")})
		must(t, month, err)
		sums := map[int64][6]int64{}
		p, err := g.Settlement.ListStatements(ctx, settlementFilter(month))
		must(t, month, err)
		for _, s := range p.Items {
			v := sums[s.DistributorID]
			v[0] += s.AccruedFen
			v[1] += s.ReversedFen
			v[2] += s.ClawedBackFen
			v[3] += s.SettledFen
			v[4] += s.WithdrawnFen
			v[5]++
			sums[s.DistributorID] = v
		}
		if len(rows) != len(sums) {
			t.Fatalf("%s: %d report rows, statements of %d distributors", month, len(rows), len(sums))
		}
		for _, x := range rows {
			got := [6]int64{x.AccruedFen, x.ReversedFen, x.ClawedBackFen, x.SettledFen, x.WithdrawnFen, x.Statements}
			if got != sums[x.DistributorID] {
				t.Errorf("%s distributor %d: report %v, statements %v", month, x.DistributorID, got, sums[x.DistributorID])
			}
			if x.OpeningFen+x.SettledFen-x.ClawedBackFen-x.WithdrawnFen != x.ClosingFen {
				t.Errorf("%s distributor %d: opening %d + settled %d − clawed back %d − withdrawn %d ≠ closing %d", month, x.DistributorID,
					x.OpeningFen, x.SettledFen, x.ClawedBackFen, x.WithdrawnFen, x.ClosingFen)
			}
		}
	}
}

// TestWorkedExample follows DESIGN.md §4's example through the reports: Bob (level 2 under
// Alice) sells 2 × ¥99.90; Bob earns 1598, Alice 599; one unit refunded reverses 799 and 300.
func TestWorkedExample(t *testing.T) {
	s := newShop(t)
	s.at("2026-03-10 23:30") // Beijing 10 March, UTC 15:30: the day is Beijing's
	alice := s.distributor("Alice", nil)
	bob := s.distributor("Bob", &alice)
	pid, sku := s.product("茶叶", 9990)
	o := s.pay(s.place("13700000001", bob.Code, 0, 1000, buy{sku, 2}))
	s.at("2026-04-02 10:00") // refunded in April: still March's sale
	s.refund(o.ID, order.RefundLineInput{LineID: o.Lines[0].ID, Quantity: 1})

	march := report.Filter{Period: "month", From: date("2026-03-01")}
	ds, err := s.Reports.Distributors(ctx, march)
	must(t, "distributors", err)
	want := []report.DistributorRow{
		{DistributorID: alice.ID, Code: alice.Code, Name: "Alice", Level: 1, CommissionFen: 599, CommissionReversedFen: 300, CommissionNetFen: 299,
			TeamOrders: 1, TeamSalesFen: 19980, TeamNetSalesFen: 9990, OverrideFen: 299},
		{DistributorID: bob.ID, Code: bob.Code, Name: "Bob", Level: 2, ParentID: alice.ID, Orders: 1, Customers: 1, Units: 2, SalesFen: 19980,
			RefundedFen: 9990, NetSalesFen: 9990, CommissionFen: 1598, CommissionReversedFen: 799, CommissionNetFen: 799},
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i].DistributorID < ds[j].DistributorID })
	same(t, "March distributors", ds, want)

	ps, err := s.Reports.Products(ctx, march)
	must(t, "products", err)
	same(t, "March products", ps, []report.ProductRow{{ProductID: pid, Name: "茶叶", Orders: 1, Units: 2, RefundedUnits: 1, SalesFen: 19980,
		RefundedFen: 9990, NetSalesFen: 9990, CommissionFen: 1098, CommissionShareBP: 1099}})

	cs, err := s.Reports.CommissionOverTime(ctx, report.Filter{Period: "custom", From: date("2026-03-10"), To: date("2026-03-11")}, report.BucketDay)
	must(t, "cost", err)
	same(t, "cost by day", cs, []report.CostRow{
		{Bucket: "2026-03-10", Orders: 1, SalesFen: 19980, NetSalesFen: 9990, L2DirectFen: 799, L1OverrideFen: 299, CommissionFen: 1098, CostShareBP: 1099},
		{Bucket: "2026-03-11"},
	})
	april, err := s.Reports.Distributors(ctx, report.Filter{Period: "month", From: date("2026-04-01")})
	must(t, "april", err)
	same(t, "April has no sales", april, []report.DistributorRow(nil))
}

// TestFunnelCohort follows orders through the funnel: they count in the day they were placed
// (Beijing time) whenever they are paid; an order paid and then refunded in full stays paid; a
// cancelled or unpaid order is placed but not paid; an order whose distributor was frozen before
// it was paid moves to nobody.
func TestFunnelCohort(t *testing.T) {
	s := newShop(t)
	s.at("2026-03-10 09:00")
	alice := s.distributor("Alice", nil)
	bob := s.distributor("Bob", &alice)
	_, sku := s.product("茶叶", 1000)
	s.at("2026-03-10 23:30")
	a := s.place("13700000001", bob.Code, 0, 0, buy{sku, 1})
	b := s.place("13700000002", bob.Code, 0, 0, buy{sku, 1})
	s.place("13700000003", bob.Code, 0, 0, buy{sku, 1}) // never paid
	d := s.pay(s.place("13700000004", bob.Code, 0, 0, buy{sku, 2}))
	e := s.place("13700000005", alice.Code, 0, 0, buy{sku, 1})
	s.at("2026-03-11 00:30")
	s.pay(a)
	if _, err := s.Orders.Cancel(ctx, b.ID, "不要了"); err != nil {
		t.Fatal(err)
	}
	s.refund(d.ID, order.RefundLineInput{LineID: d.Lines[0].ID, Quantity: 2})
	if _, err := s.Network.Freeze(ctx, alice.ID, "核查中"); err != nil {
		t.Fatal(err)
	}
	s.pay(e)
	if _, err := s.Network.Unfreeze(ctx, alice.ID); err != nil {
		t.Fatal(err)
	}
	s.at("2026-03-15 10:00")
	if _, err := s.Orders.Ship(ctx, a.ID, order.ShipInput{Carrier: "顺丰", TrackingNo: "SF1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Orders.Complete(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	check := func(what string, f report.Filter, want report.FunnelRow) {
		t.Helper()
		got, err := s.Reports.Funnel(ctx, f)
		must(t, what, err)
		same(t, what, got, want)
	}
	day10 := report.Filter{Period: "day", From: date("2026-03-10")}
	check("10 March", day10, report.FunnelRow{Orders: 5, Paid: 3, Completed: 1})
	day10.DistributorID = bob.ID
	check("Bob 10 March", day10, report.FunnelRow{Orders: 4, Paid: 2, Completed: 1})
	day10.DistributorID = alice.ID
	check("Alice 10 March", day10, report.FunnelRow{})
	check("11 March", report.Filter{Period: "day", From: date("2026-03-11")}, report.FunnelRow{})
	check("March", report.Filter{Period: "month", From: date("2026-03-01")}, report.FunnelRow{Orders: 5, Paid: 3, Completed: 1})
	s.verify()
	before := snapshot(t, &generated{shop: s})
	if _, err := rollup.Rebuild(ctx, s.DB, ""); err != nil {
		t.Fatal(err)
	}
	same(t, "rollups after rebuild", snapshot(t, &generated{shop: s}), before)
}

// TestVerifyFindsCorruptRollup: a hand edit of one rollup row is named by verify.
func TestVerifyFindsCorruptRollup(t *testing.T) {
	for _, tc := range []struct{ table, set, check string }{
		{"rollup_distributors", "sales_fen = sales_fen + 1", "rollup_distributors day rows equal the raw rows"},
		{"rollup_sales", "direct_reversed_fen = direct_reversed_fen + 1", "rollup_sales day rows equal the raw rows"},
		{"rollup_ledger", "amount_fen = amount_fen - 5", "rollup_ledger day rows equal the raw rows"},
		{"rollup_customers", "customer_id = customer_id + 1", "rollup_customers day rows equal the raw rows"},
		{"rollup_customer_counts", "customers = customers + 1", "rollup_customer_counts equal the customer rows of each bucket"},
		{"rollup_funnel", "paid = paid - 1", "rollup_funnel day rows equal the raw rows"},
	} {
		t.Run(tc.table, func(t *testing.T) {
			s := newShop(t)
			alice := s.distributor("Alice", nil)
			_, sku := s.product("茶叶", 9990)
			s.pay(s.place("13700000001", alice.Code, 0, 0, buy{sku, 1}))
			s.verify()
			if _, err := s.DB.W.ExecContext(ctx, `UPDATE `+tc.table+` SET `+tc.set+` WHERE grain = 'd'`); err != nil {
				t.Fatal(err)
			}
			b, err := verify.Run(ctx, s.DB)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, x := range b {
				names = append(names, x.Check)
			}
			if !strings.Contains(strings.Join(names, "|"), tc.check) {
				t.Fatalf("verify found %q, want %q", names, tc.check)
			}
			if _, err := rollup.Rebuild(ctx, s.DB, ""); err != nil {
				t.Fatal(err)
			}
			s.verify()
		})
	}
}

// TestRebuildInAnotherZone: a rebuild for UTC moves a sale made at 23:30 Beijing time (15:30
// UTC) to no other day, and one at 07:30 Beijing time (23:30 UTC the day before) back a day;
// writers then add in the new zone.
func TestRebuildInAnotherZone(t *testing.T) {
	s := newShop(t)
	alice := s.distributor("Alice", nil)
	_, sku := s.product("茶叶", 1000)
	s.at("2026-03-10 07:30")
	s.pay(s.place("13700000001", alice.Code, 0, 0, buy{sku, 1}))
	day := report.Filter{Period: "day", From: date("2026-03-10")}
	sales := func() int64 {
		ds, err := s.Reports.Distributors(ctx, day)
		must(t, "distributors", err)
		if len(ds) == 0 {
			return 0
		}
		return ds[0].SalesFen
	}
	if got := sales(); got != 1000 {
		t.Fatalf("Beijing 10 March sales %d, want 1000", got)
	}
	if _, err := rollup.Rebuild(ctx, s.DB, "UTC"); err != nil {
		t.Fatal(err)
	}
	if got := sales(); got != 0 {
		t.Fatalf("UTC 10 March sales %d, want 0 (it was 9 March in UTC)", got)
	}
	s.at("2026-03-10 09:00") // 01:00 UTC on the 10th
	s.pay(s.place("13700000002", alice.Code, 0, 0, buy{sku, 2}))
	if got := sales(); got != 2000 {
		t.Fatalf("UTC 10 March sales %d, want 2000", got)
	}
	s.verify()
}

func settlementFilter(month string) settlement.StatementFilter {
	return settlement.StatementFilter{Period: month, PerPage: 100}
}

func must(t testing.TB, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func same(t testing.TB, what string, got, want any) {
	t.Helper()
	g, w := reflect.ValueOf(got), reflect.ValueOf(want)
	if g.Kind() == reflect.Slice && w.Kind() == reflect.Slice && g.Len() == 0 && w.Len() == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s:\n got  %+v\n want %+v", what, got, want)
	}
}

// snapshot is every rollup row, as text, sorted.
func snapshot(t testing.TB, g *generated) []string {
	var out []string
	for _, table := range []string{"rollup_shop", "rollup_distributors", "rollup_sales", "rollup_customers", "rollup_customer_counts", "rollup_ledger", "rollup_withdrawals",
		"rollup_withdrawal_totals", "rollup_statements", "rollup_balances", "rollup_funnel"} {
		rows, err := g.DB.R.QueryContext(ctx, `SELECT * FROM `+table)
		must(t, table, err)
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			must(t, table, rows.Scan(ptrs...))
			out = append(out, fmt.Sprintf("%s %s", table, fmt.Sprint(vals...)))
		}
		rows.Close()
	}
	sort.Strings(out)
	if len(out) == 0 {
		t.Fatal("no rollup rows")
	}
	return out
}
