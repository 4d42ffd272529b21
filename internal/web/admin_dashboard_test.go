package web

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fenxiao/fenxiao/internal/db/dbtest"
	"github.com/fenxiao/fenxiao/internal/network"
	"github.com/fenxiao/fenxiao/internal/order"
)

// The dashboard's figures, worked by hand. The clock ends at dbtest.Start, 2026-03-01 10:00
// Beijing time; plan 1000 / 800 / 300 bp.
func TestAdminDashboardFigures(t *testing.T) {
	e := newAdminEnv(t)
	at := func(t time.Time) { e.Clock.Set(t) }
	day := 24 * time.Hour
	tea := e.product("茶", 5800, 100)
	nuts := e.product("坚果", 9990, 100)
	cup := e.product("杯", 1234, 100)
	line := func(p int64, q int64) order.LineInput { return order.LineInput{SKUID: p, Quantity: q} }

	// 40 days ago, outside every period: Alice joins and sells ¥58.00.
	at(dbtest.Start.Add(-40 * day))
	alice := e.distributor("Alice", nil)
	e.paidOrder(alice.Code, 0, 0, line(tea.SKUs[0].ID, 1))
	// 9 days ago: Bob joins under Alice and sells ¥99.90: Bob 799, Alice 299.
	at(dbtest.Start.Add(-9 * day))
	bob := e.distributor("Bob", &alice)
	y := e.paidOrder(bob.Code, 0, 0, line(nuts.SKUs[0].ID, 1))
	// 23:59:59 yesterday in Beijing: Alice sells ¥12.34 herself: 123.
	at(time.Date(2026, 2, 28, 15, 59, 59, 0, time.UTC))
	e.paidOrder(alice.Code, 0, 0, line(cup.SKUs[0].ID, 1))
	// 00:00 today in Beijing: through Bob 2 × ¥99.90 + ¥10 shipping = ¥209.80: Bob 1598, Alice 599.
	at(time.Date(2026, 2, 28, 16, 0, 0, 0, time.UTC))
	w := e.paidOrder(bob.Code, 0, 1000, line(nuts.SKUs[0].ID, 2))
	// Now: one unit refunded (Bob 1598 → 799, Alice 599 → 299); an unpaid order; Carl joins;
	// Dora applies.
	at(dbtest.Start)
	if _, err := e.S.Orders.Refund(e.ctx, w.ID, order.RefundInput{Reason: "退货", Lines: []order.RefundLineInput{{LineID: w.Lines[0].ID, Quantity: 1}}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.S.Orders.Create(e.ctx, order.Input{CustomerName: "顾客", CustomerPhone: "13711112222", ShipAddress: "杭州",
		Lines: []order.LineInput{line(tea.SKUs[0].ID, 3)}}); err != nil {
		t.Fatal(err)
	}
	e.distributor("Carl", nil)
	if _, err := e.S.Network.Apply(e.ctx, network.Application{Name: "Dora", Phone: "13599990000"}); err != nil {
		t.Fatal(err)
	}

	d, err := e.S.adminDashboardFigures(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := struct{ Today, Week, Month adminFigures }{
		Today: adminFigures{SalesFen: 20980 - 9990, PaidOrders: 1, CommissionFen: 799 + 299, NewDistributors: 1},
		Week:  adminFigures{SalesFen: 10990 + 1234, PaidOrders: 2, CommissionFen: 1098 + 123, NewDistributors: 1},
		Month: adminFigures{SalesFen: 12224 + 9990, PaidOrders: 3, CommissionFen: 1221 + 799 + 299, NewDistributors: 2},
	}
	if d.Today != want.Today || d.Week != want.Week || d.Month != want.Month {
		t.Fatalf("figures\n got %+v %+v %+v\nwant %+v %+v %+v", d.Today, d.Week, d.Month, want.Today, want.Week, want.Month)
	}
	if d.Pending != 1 || d.ToShip != 4 { // every paid order waits for shipping, the old one too
		t.Fatalf("queues: %d pending, %d to ship", d.Pending, d.ToShip)
	}
	if has, _ := e.S.adminHasTable(e.ctx, "withdrawals"); has != (d.Withdrawals != nil) {
		t.Fatalf("withdrawals figure %v with table %v", d.Withdrawals, has)
	}
	// The chart: 30 days ending today; today's is the highest.
	if len(d.Days) != 30 || len(d.Sales) != 30 || d.MaxFen != 10990 || !d.HasSales {
		t.Fatalf("%d days, %d sales, max %d", len(d.Days), len(d.Sales), d.MaxFen)
	}
	if d.Sales[29] != 10990 || d.Sales[28] != 1234 || d.Sales[20] != 9990 || d.Sales[0] != 0 {
		t.Fatalf("sales %v", d.Sales)
	}
	if date := d.Days[29].Format("2006-01-02"); date != "2026-03-01" || d.Days[0].Format("2006-01-02") != "2026-01-31" {
		t.Fatalf("chart days %s … %s", d.Days[0], date)
	}

	// Today is live; the closed days are kept for adminDashTTL. A refund of the order of 9 days
	// ago shows once that has passed, a new sale today at once.
	e.paidOrder(alice.Code, 0, 0, line(cup.SKUs[0].ID, 1))
	if _, err := e.S.Orders.Refund(e.ctx, y.ID, order.RefundInput{Reason: "退货", Lines: []order.RefundLineInput{{LineID: y.Lines[0].ID, Quantity: 1}}}); err != nil {
		t.Fatal(err)
	}
	d, _ = e.S.adminDashboardFigures(e.ctx)
	if d.Today.SalesFen != 10990+1234 || d.Month.SalesFen != 22214+1234 || d.Month.CommissionFen != 2319+123 {
		t.Fatalf("cached: today %d, month %d", d.Today.SalesFen, d.Month.SalesFen)
	}
	e.Clock.Advance(adminDashTTL)
	d, _ = e.S.adminDashboardFigures(e.ctx)
	if d.Today.SalesFen != 10990+1234 || d.Month.SalesFen != 22214+1234-9990 || d.Month.CommissionFen != 2319+123-1098 {
		t.Fatalf("after the TTL: today %d, month %d, commission %d", d.Today.SalesFen, d.Month.SalesFen, d.Month.CommissionFen)
	}

	body := e.get("finance", "/admin/").must(t, http.StatusOK).Body
	for _, s := range []string{"¥122.24", "¥134.58", "¥13.44", `role="img"`, ">日期（北京时间）</text>", ">销售额（元）</text>", ">¥150</text>",
		">03-01</text>", "<title>销售额 2026-03-01 ¥122.24</title>"} {
		if !strings.Contains(body, s) {
			t.Fatalf("dashboard lacks %s", s)
		}
	}
}
