package link

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/clock"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/db/dbtest"
	"github.com/fenxiao/fenxiao/internal/network"
	"github.com/fenxiao/fenxiao/internal/order"
)

var ctx = context.Background()

type env struct {
	t       testing.TB
	DB      *db.DB
	Clock   *clock.Manual
	Links   *Service
	Network *network.Service
	Catalog *catalog.Service
	Orders  *order.Service
	phones  int
}

func newEnv(t testing.TB) *env {
	d, clk := dbtest.Open(t)
	return &env{t: t, DB: d, Clock: clk, Links: New(d, nil), Network: &network.Service{DB: d},
		Catalog: &catalog.Service{DB: d}, Orders: order.New(d)}
}

// distributor makes an approved distributor, level 2 under parent when given.
func (e *env) distributor(name string, parent *network.Distributor) network.Distributor {
	e.t.Helper()
	e.phones++
	app := network.Application{Name: name, Phone: fmt.Sprintf("139%08d", e.phones)}
	if parent != nil {
		app.InviteCode = *parent.InviteCode
	}
	d, err := e.Network.Apply(ctx, app)
	if err == nil {
		d, err = e.Network.Approve(ctx, d.ID)
	}
	if err != nil {
		e.t.Fatal(err)
	}
	return d
}

func (e *env) product(name string, priceFen int64) catalog.Product {
	e.t.Helper()
	p, err := e.Catalog.Create(ctx, catalog.ProductInput{Name: name, SKUs: []catalog.SKUInput{{PriceFen: priceFen, Stock: 100}}})
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// order places an order through ref at the given time, and pays it when paid.
func (e *env) order(at time.Time, phone, ref string, p catalog.Product, paid bool) order.Order {
	e.t.Helper()
	e.Clock.Set(at)
	o, _, err := e.Orders.Create(ctx, order.Input{CustomerName: "顾客", CustomerPhone: phone, ShipAddress: "杭州",
		Ref: ref, Lines: []order.LineInput{{SKUID: p.SKUs[0].ID, Quantity: 1}}})
	if err != nil {
		e.t.Fatal(err)
	}
	if paid {
		if o, err = e.Orders.Pay(ctx, o.ID, order.PayInput{AmountFen: o.TotalFen, Provider: "sandbox", Reference: "P" + o.OrderNo}); err != nil {
			e.t.Fatal(err)
		}
	}
	return o
}

// clicks writes clicks straight to the table, as one flushed batch would.
func (e *env) clicks(cs ...Click) {
	e.t.Helper()
	q, args := insertClicks(e.DB.Dialect, cs)
	if _, err := e.DB.W.ExecContext(ctx, q, args...); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) count(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.DB.R.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// click is a credited click on l by the visitor named key.
func click(l Link, key string, at time.Time) Click {
	c := Click{LinkID: l.ID, DistributorID: l.DistributorID, At: at, UAClass: UAMobile, ClientKey: testKey(key), Credited: true}
	if l.ProductID != nil {
		c.ProductID = *l.ProductID
	}
	return c
}

func utc(day, hour, minute int) time.Time {
	return time.Date(2026, 3, day, hour, minute, 0, 0, time.UTC)
}

// testKey turns a visitor's name in a worked example into a client key.
func testKey(name string) int64 { return ClientKey([]byte("test"), name, "") }
