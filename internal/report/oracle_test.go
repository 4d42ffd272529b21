package report_test

import (
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/report"
)

// The oracle: every report figure computed directly from the raw rows, in Go, without the
// rollups or the report package's SQL. It reads whole tables; it is for tests only.

type rawOrder struct {
	id, dist, parent, level, customer int64
	createdAt                         time.Time
	paidAt, completedAt               *time.Time
}

type rawClick struct {
	dist int64
	at   time.Time
}

type rawLine struct {
	order, id, product, qty, base, refundedQty int64
	refundedFen                                int64
	direct, override, directRev, overrideRev   int64
}

type rawEntry struct {
	owner       int64
	kind, cause string
	fen         int64
	at          time.Time
}

type rawWithdrawal struct {
	dist, amount, fee      int64
	status                 string
	requestedAt            time.Time
	approvedAt, finishedAt *time.Time
}

type rawDist struct {
	id, level, parent    int64
	code, name, status   string
	createdAt, updatedAt time.Time
	approvedAt           *time.Time
}

type rawStatement struct {
	id, dist                                                        int64
	periodEnd                                                       time.Time
	opening, accrued, reversed, clawed, settled, withdrawn, closing int64
}

type raw struct {
	loc         *time.Location
	orders      map[int64]rawOrder
	lines       []rawLine
	entries     []rawEntry
	withdrawals []rawWithdrawal
	dists       map[int64]rawDist
	statements  []rawStatement
	products    map[int64]string
	clicks      []rawClick
}

func query(t testing.TB, d *db.DB, q string, fn func(scan func(...any))) {
	t.Helper()
	rows, err := d.R.QueryContext(ctx, q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	for rows.Next() {
		fn(func(dst ...any) {
			if err := rows.Scan(dst...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		})
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

func loadRaw(t testing.TB, d *db.DB) *raw {
	t.Helper()
	r := &raw{loc: beijing, orders: map[int64]rawOrder{}, dists: map[int64]rawDist{}, products: map[int64]string{}}
	query(t, d, `SELECT id, COALESCE(distributor_id, 0), COALESCE(parent_id, 0), COALESCE(distributor_level, 0), customer_id,
		created_at, paid_at, completed_at FROM orders`, func(scan func(...any)) {
		var o rawOrder
		scan(&o.id, &o.dist, &o.parent, &o.level, &o.customer, &o.createdAt, &o.paidAt, &o.completedAt)
		r.orders[o.id] = o
	})
	byLine := map[int64]*rawLine{}
	query(t, d, `SELECT order_id, id, product_id, quantity, base_fen, refunded_qty FROM order_lines ORDER BY id`, func(scan func(...any)) {
		var l rawLine
		scan(&l.order, &l.id, &l.product, &l.qty, &l.base, &l.refundedQty)
		r.lines = append(r.lines, l)
	})
	for i := range r.lines {
		byLine[r.lines[i].id] = &r.lines[i]
	}
	query(t, d, `SELECT order_line_id, amount_fen FROM refund_lines`, func(scan func(...any)) {
		var id, fen int64
		scan(&id, &fen)
		byLine[id].refundedFen += fen
	})
	query(t, d, `SELECT order_line_id, role, amount_fen, reversed_fen FROM commissions`, func(scan func(...any)) {
		var id, amt, rev int64
		var role string
		scan(&id, &role, &amt, &rev)
		if role == "direct" {
			byLine[id].direct += amt
			byLine[id].directRev += rev
		} else {
			byLine[id].override += amt
			byLine[id].overrideRev += rev
		}
	})
	query(t, d, `SELECT e.owner_id, a.kind, t.cause, e.amount_fen, e.created_at FROM ledger_entries e
		JOIN ledger_accounts a ON a.id = e.account_id JOIN ledger_transactions t ON t.id = e.transaction_id`, func(scan func(...any)) {
		var e rawEntry
		scan(&e.owner, &e.kind, &e.cause, &e.fen, &e.at)
		r.entries = append(r.entries, e)
	})
	query(t, d, `SELECT distributor_id, amount_fen, fee_fen, status, requested_at, approved_at, finished_at FROM withdrawals`, func(scan func(...any)) {
		var w rawWithdrawal
		scan(&w.dist, &w.amount, &w.fee, &w.status, &w.requestedAt, &w.approvedAt, &w.finishedAt)
		r.withdrawals = append(r.withdrawals, w)
	})
	query(t, d, `SELECT id, level, COALESCE(parent_id, 0), code, name, status, created_at, updated_at, approved_at FROM distributors`, func(scan func(...any)) {
		var x rawDist
		scan(&x.id, &x.level, &x.parent, &x.code, &x.name, &x.status, &x.createdAt, &x.updatedAt, &x.approvedAt)
		r.dists[x.id] = x
	})
	query(t, d, `SELECT id, distributor_id, period_end, opening_fen, accrued_fen, reversed_fen, clawed_back_fen, settled_fen, withdrawn_fen, closing_fen
		FROM statements ORDER BY id`, func(scan func(...any)) {
		var s rawStatement
		scan(&s.id, &s.dist, &s.periodEnd, &s.opening, &s.accrued, &s.reversed, &s.clawed, &s.settled, &s.withdrawn, &s.closing)
		r.statements = append(r.statements, s)
	})
	query(t, d, `SELECT distributor_id, at FROM link_clicks WHERE credited`, func(scan func(...any)) {
		var c rawClick
		scan(&c.dist, &c.at)
		r.clicks = append(r.clicks, c)
	})
	query(t, d, `SELECT id, name FROM products`, func(scan func(...any)) {
		var id int64
		var name string
		scan(&id, &name)
		r.products[id] = name
	})
	return r
}

// span is a report period as dates [from, to).
type span struct{ from, to time.Time }

func (s span) has(loc *time.Location, t time.Time) bool {
	l := t.In(loc)
	d := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
	return !d.Before(s.from) && d.Before(s.to)
}

func (s span) hasP(loc *time.Location, t *time.Time) bool { return t != nil && s.has(loc, *t) }

// paidLines yields the lines of orders paid in sp that pass keep, grouped by order.
func (r *raw) paidLines(sp span, keep func(rawOrder, rawLine) bool) map[int64][]rawLine {
	out := map[int64][]rawLine{}
	for _, l := range r.lines {
		o := r.orders[l.order]
		if sp.hasP(r.loc, o.paidAt) && keep(o, l) {
			out[o.id] = append(out[o.id], l)
		}
	}
	return out
}

func (r *raw) distributors(sp span, f report.Filter) []report.DistributorRow {
	rows := map[int64]*report.DistributorRow{}
	get := func(id int64) *report.DistributorRow {
		if rows[id] == nil {
			rows[id] = &report.DistributorRow{DistributorID: id}
		}
		return rows[id]
	}
	customers := map[int64]map[int64]bool{}
	byOrder := r.paidLines(sp, func(o rawOrder, l rawLine) bool { return f.ProductID == 0 || l.product == f.ProductID })
	for oid, ls := range byOrder {
		o := r.orders[oid]
		if o.dist != 0 && (f.DistributorID == 0 || o.dist == f.DistributorID) {
			x := get(o.dist)
			x.Orders++
			if customers[o.dist] == nil {
				customers[o.dist] = map[int64]bool{}
			}
			customers[o.dist][o.customer] = true
			for _, l := range ls {
				x.Units += l.qty
				x.SalesFen += l.base
				x.RefundedFen += l.refundedFen
				x.CommissionFen += l.direct
				x.CommissionReversedFen += l.directRev
			}
		}
		if o.parent != 0 && (f.DistributorID == 0 || o.parent == f.DistributorID) {
			x := get(o.parent)
			x.TeamOrders++
			for _, l := range ls {
				x.TeamSalesFen += l.base
				x.TeamNetSalesFen += l.base - l.refundedFen
				x.OverrideFen += l.override - l.overrideRev
				x.CommissionFen += l.override
				x.CommissionReversedFen += l.overrideRev
			}
		}
	}
	for id, cs := range customers {
		get(id).Customers = int64(len(cs))
	}
	if f.ProductID == 0 {
		settled, withdrawn := map[int64]int64{}, map[int64]int64{}
		for _, e := range r.entries {
			if e.owner == 0 || e.kind != "available" || !sp.has(r.loc, e.at) || (f.DistributorID != 0 && e.owner != f.DistributorID) {
				continue
			}
			switch e.cause {
			case "settlement":
				settled[e.owner] += e.fen
			case "withdrawal", "withdrawal_return":
				withdrawn[e.owner] -= e.fen
			}
		}
		for id := range r.dists {
			if settled[id] != 0 || withdrawn[id] != 0 {
				x := get(id)
				x.SettledFen, x.WithdrawnFen = settled[id], withdrawn[id]
			}
		}
	}
	var out []report.DistributorRow
	for id, x := range rows {
		d := r.dists[id]
		if f.Level != 0 && int(d.level) != f.Level {
			continue
		}
		x.Code, x.Name, x.Level, x.ParentID = d.code, d.name, int(d.level), d.parent
		x.NetSalesFen = x.SalesFen - x.RefundedFen
		x.CommissionNetFen = x.CommissionFen - x.CommissionReversedFen
		out = append(out, *x)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].DistributorID < out[j].DistributorID })
	return out
}

// funnel counts the orders placed in sp (by f.DistributorID, the order's distributor), those of
// them ever paid and those completed, whatever their status says now.
func (r *raw) funnel(sp span, f report.Filter) report.FunnelRow {
	var out report.FunnelRow
	for _, c := range r.clicks {
		if sp.has(r.loc, c.at) && (f.DistributorID == 0 || c.dist == f.DistributorID) {
			out.Clicks++
		}
	}
	for _, o := range r.orders {
		if !sp.has(r.loc, o.createdAt) || (f.DistributorID != 0 && o.dist != f.DistributorID) {
			continue
		}
		out.Orders++
		if o.paidAt != nil {
			out.Paid++
		}
		if o.completedAt != nil {
			out.Completed++
		}
	}
	return out
}

func (r *raw) products_(sp span, f report.Filter) []report.ProductRow {
	rows := map[int64]*report.ProductRow{}
	byOrder := r.paidLines(sp, func(o rawOrder, l rawLine) bool {
		return (f.ProductID == 0 || l.product == f.ProductID) && (f.DistributorID == 0 || o.dist == f.DistributorID) &&
			(f.Level == 0 || int(o.level) == f.Level)
	})
	for _, ls := range byOrder {
		seen := map[int64]bool{}
		for _, l := range ls {
			x := rows[l.product]
			if x == nil {
				x = &report.ProductRow{ProductID: l.product, Name: r.products[l.product]}
				rows[l.product] = x
			}
			if !seen[l.product] {
				seen[l.product] = true
				x.Orders++
			}
			x.Units += l.qty
			x.RefundedUnits += l.refundedQty
			x.SalesFen += l.base
			x.RefundedFen += l.refundedFen
			x.CommissionFen += l.direct + l.override - l.directRev - l.overrideRev
		}
	}
	var out []report.ProductRow
	for _, x := range rows {
		x.NetSalesFen = x.SalesFen - x.RefundedFen
		if x.NetSalesFen > 0 {
			x.CommissionShareBP = x.CommissionFen * 10000 / x.NetSalesFen
		}
		out = append(out, *x)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ProductID < out[j].ProductID })
	return out
}

func (r *raw) topDistributors(sp span, f report.Filter) []report.ProductDistributorRow {
	rows := map[int64]*report.ProductDistributorRow{}
	byOrder := r.paidLines(sp, func(o rawOrder, l rawLine) bool {
		return l.product == f.ProductID && o.dist != 0 && (f.DistributorID == 0 || o.dist == f.DistributorID) && (f.Level == 0 || int(o.level) == f.Level)
	})
	for oid, ls := range byOrder {
		o := r.orders[oid]
		x := rows[o.dist]
		if x == nil {
			x = &report.ProductDistributorRow{ProductID: f.ProductID, DistributorID: o.dist, Code: r.dists[o.dist].code, Name: r.dists[o.dist].name}
			rows[o.dist] = x
		}
		x.Orders++
		for _, l := range ls {
			x.Units += l.qty
			x.SalesFen += l.base
			x.NetSalesFen += l.base - l.refundedFen
			x.CommissionFen += l.direct + l.override - l.directRev - l.overrideRev
		}
	}
	var out []report.ProductDistributorRow
	for _, x := range rows {
		out = append(out, *x)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].NetSalesFen != out[j].NetSalesFen {
			return out[i].NetSalesFen > out[j].NetSalesFen
		}
		return out[i].DistributorID < out[j].DistributorID
	})
	if len(out) > 10 {
		out = out[:10]
	}
	return out
}

func (r *raw) cost(sp span, f report.Filter, bucket string) []report.CostRow {
	startOf := func(d time.Time) time.Time {
		switch bucket {
		case report.BucketWeek:
			for d.Weekday() != time.Monday {
				d = d.AddDate(0, 0, -1)
			}
		case report.BucketMonth:
			d = time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC)
		case report.BucketQuarter:
			d = time.Date(d.Year(), d.Month()-(d.Month()-1)%3, 1, 0, 0, 0, 0, time.UTC)
		}
		if d.Before(sp.from) {
			d = sp.from
		}
		return d
	}
	var out []report.CostRow
	at := map[string]int{}
	for d := sp.from; d.Before(sp.to); d = d.AddDate(0, 0, 1) {
		k := startOf(d).Format(time.DateOnly)
		if _, ok := at[k]; !ok {
			at[k] = len(out)
			out = append(out, report.CostRow{Bucket: k})
		}
	}
	byOrder := r.paidLines(sp, func(o rawOrder, l rawLine) bool {
		return (f.ProductID == 0 || l.product == f.ProductID) && (f.DistributorID == 0 || o.dist == f.DistributorID) && (f.Level == 0 || int(o.level) == f.Level)
	})
	for oid, ls := range byOrder {
		o := r.orders[oid]
		p := o.paidAt.In(r.loc)
		x := &out[at[startOf(time.Date(p.Year(), p.Month(), p.Day(), 0, 0, 0, 0, time.UTC)).Format(time.DateOnly)]]
		x.Orders++
		for _, l := range ls {
			x.SalesFen += l.base
			x.NetSalesFen += l.base - l.refundedFen
			if o.level == 2 {
				x.L2DirectFen += l.direct - l.directRev
			} else {
				x.L1DirectFen += l.direct - l.directRev
			}
			x.L1OverrideFen += l.override - l.overrideRev
		}
	}
	for i := range out {
		x := &out[i]
		x.CommissionFen = x.L1DirectFen + x.L2DirectFen + x.L1OverrideFen
		if x.NetSalesFen > 0 {
			x.CostShareBP = x.CommissionFen * 10000 / x.NetSalesFen
		}
	}
	return out
}

func (r *raw) network(sp, prev span, f report.Filter) report.NetworkRow {
	x := report.NetworkRow{From: sp.from.Format(time.DateOnly), To: sp.to.AddDate(0, 0, -1).Format(time.DateOnly)}
	for _, d := range r.dists {
		if f.Level != 0 && int(d.level) != f.Level {
			continue
		}
		if sp.has(r.loc, d.createdAt) {
			x.Applications++
		}
		if sp.hasP(r.loc, d.approvedAt) {
			x.Approvals++
		}
		if d.status == "rejected" && sp.has(r.loc, d.updatedAt) {
			x.Rejections++
		}
	}
	active := func(s span) map[int64]bool {
		out := map[int64]bool{}
		for _, o := range r.orders {
			if o.dist != 0 && s.hasP(r.loc, o.paidAt) && (f.Level == 0 || int(r.dists[o.dist].level) == f.Level) {
				out[o.dist] = true
			}
		}
		return out
	}
	cur, before := active(sp), active(prev)
	x.Active, x.PreviousActive = int64(len(cur)), int64(len(before))
	for id := range cur {
		if !before[id] {
			x.NewlyActive++
		}
	}
	for id := range before {
		if !cur[id] {
			x.Churned++
		}
	}
	if x.PreviousActive > 0 {
		x.ChurnBP = x.Churned * 10000 / x.PreviousActive
	}
	return x
}

func (r *raw) settlement(sp span, f report.Filter) []report.SettlementRow {
	rows := map[int64]*report.SettlementRow{}
	for _, s := range r.statements { // in id order
		d := r.dists[s.dist]
		if !sp.has(r.loc, s.periodEnd) || (f.DistributorID != 0 && s.dist != f.DistributorID) || (f.Level != 0 && int(d.level) != f.Level) {
			continue
		}
		x := rows[s.dist]
		if x == nil {
			x = &report.SettlementRow{DistributorID: s.dist, Code: d.code, Name: d.name, Level: int(d.level), OpeningFen: s.opening}
			rows[s.dist] = x
		}
		x.Statements++
		x.AccruedFen += s.accrued
		x.ReversedFen += s.reversed
		x.ClawedBackFen += s.clawed
		x.SettledFen += s.settled
		x.WithdrawnFen += s.withdrawn
		x.ClosingFen = s.closing
	}
	var out []report.SettlementRow
	for _, x := range rows {
		out = append(out, *x)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].DistributorID < out[j].DistributorID })
	return out
}

func (r *raw) withdrawalReport(sp span, f report.Filter) report.WithdrawalReport {
	var out report.WithdrawalReport
	rows := map[int64]*report.WithdrawalRow{}
	secs := map[int64]int64{}
	var durations []int64
	for _, w := range r.withdrawals {
		d := r.dists[w.dist]
		if (f.DistributorID != 0 && w.dist != f.DistributorID) || (f.Level != 0 && int(d.level) != f.Level) {
			continue
		}
		x := rows[w.dist]
		if x == nil {
			x = &report.WithdrawalRow{DistributorID: w.dist, Code: d.code, Name: d.name}
		}
		touched := false
		for _, t := range []*report.WithdrawalRow{x, &out.Summary} {
			if sp.has(r.loc, w.requestedAt) {
				t.Requested++
				t.RequestedFen += w.amount
				touched = true
			}
			if sp.hasP(r.loc, w.approvedAt) {
				t.Approved++
				t.ApprovedFen += w.amount
				touched = true
			}
			if sp.hasP(r.loc, w.finishedAt) {
				touched = true
				switch w.status {
				case "paid":
					t.Paid++
					t.PaidFen += w.amount
					t.FeesFen += w.fee
				case "rejected":
					t.Rejected++
					t.RejectedFen += w.amount
				case "failed":
					t.Failed++
					t.FailedFen += w.amount
				}
			}
		}
		if w.status == "paid" && sp.hasP(r.loc, w.finishedAt) {
			s := w.finishedAt.Unix() - w.requestedAt.Unix()
			secs[w.dist] += s
			secs[0] += s
			durations = append(durations, s)
		}
		if touched {
			rows[w.dist] = x
		}
	}
	for id, x := range rows {
		if x.Paid > 0 {
			x.AvgPayoutSeconds = secs[id] / x.Paid
		}
		out.ByDistributor = append(out.ByDistributor, *x)
	}
	if out.Summary.Paid > 0 {
		out.Summary.AvgPayoutSeconds = secs[0] / out.Summary.Paid
	}
	slices.Sort(durations)
	if len(durations) > 0 {
		out.Summary.MedianPayoutSeconds = durations[(len(durations)-1)/2]
	}
	sort.Slice(out.ByDistributor, func(i, j int) bool { return out.ByDistributor[i].DistributorID < out.ByDistributor[j].DistributorID })
	return out
}
