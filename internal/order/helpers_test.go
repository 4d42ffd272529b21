package order_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/clock"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/db/dbtest"
	"github.com/fenxiao/fenxiao/internal/ledger"
	"github.com/fenxiao/fenxiao/internal/network"
	"github.com/fenxiao/fenxiao/internal/order"
	"github.com/fenxiao/fenxiao/internal/settings"
	"github.com/fenxiao/fenxiao/internal/settlement"
	"github.com/fenxiao/fenxiao/internal/shoptest"
	"github.com/fenxiao/fenxiao/internal/verify"
)

var ctx = context.Background()

// shop is a fresh database with the services an order test needs.
type shop struct {
	t          testing.TB
	DB         *db.DB
	Clock      *clock.Manual
	Orders     *order.Service
	Catalog    *catalog.Service
	Network    *network.Service
	Settlement *settlement.Service
	phones     int
}

func newShop(t testing.TB) *shop {
	d, clk := dbtest.Open(t)
	orders := order.New(d)
	return &shop{t: t, DB: d, Clock: clk, Orders: orders, Catalog: &catalog.Service{DB: d}, Network: &network.Service{DB: d},
		Settlement: settlement.New(d, orders.Ledger, nil)}
}

func ptr[T any](v T) *T { return &v }

// product makes an on-shelf product with one SKU and returns the SKU id.
func (s *shop) product(name string, priceFen, stock int64, c *catalog.CommissionOverrides, distributable bool) int64 {
	s.t.Helper()
	p, err := s.Catalog.Create(ctx, catalog.ProductInput{Name: name, Distributable: &distributable, Commission: c,
		SKUs: []catalog.SKUInput{{PriceFen: priceFen, Stock: stock}}})
	if err != nil {
		s.t.Fatalf("create product %s: %v", name, err)
	}
	return p.SKUs[0].ID
}

func (s *shop) distributor(name string, parent *network.Distributor) network.Distributor {
	s.t.Helper()
	s.phones++
	app := network.Application{Name: name, Phone: fmt.Sprintf("139%08d", s.phones)}
	if parent != nil {
		app.InviteCode = *parent.InviteCode
	}
	d, err := s.Network.Apply(ctx, app)
	if err != nil {
		s.t.Fatal(err)
	}
	if d, err = s.Network.Approve(ctx, d.ID); err != nil {
		s.t.Fatal(err)
	}
	return d
}

func (s *shop) setCommission(l1, l2, over int64) {
	s.t.Helper()
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		c := settings.DefaultCommission()
		c.L1DirectBP, c.L2DirectBP, c.L1OverrideBP = l1, l2, over
		_, err := settings.SaveCommission(ctx, tx, c)
		return err
	})
	if err != nil {
		s.t.Fatal(err)
	}
}

func (s *shop) setBinding(b settings.Binding) {
	s.t.Helper()
	if err := s.DB.InTx(ctx, func(tx *db.Tx) error { return settings.SaveBinding(ctx, tx, b) }); err != nil {
		s.t.Fatal(err)
	}
}

type buy struct {
	sku int64
	qty int64
}

// order places and pays an order by a customer through ref.
func (s *shop) order(phone, ref string, discount, shipping int64, lines ...buy) order.Order {
	s.t.Helper()
	o, err := s.place(phone, ref, discount, shipping, lines...)
	if err != nil {
		s.t.Fatalf("place order: %v", err)
	}
	o, err = s.Orders.Pay(ctx, o.ID, order.PayInput{AmountFen: o.TotalFen, Provider: "sandbox", Reference: "P" + o.OrderNo})
	if err != nil {
		s.t.Fatalf("pay order: %v", err)
	}
	return o
}

func (s *shop) place(phone, ref string, discount, shipping int64, lines ...buy) (order.Order, error) {
	in := order.Input{CustomerName: "顾客", CustomerPhone: phone, ShipAddress: "杭州市西湖区", Ref: ref, DiscountFen: discount, ShippingFen: shipping}
	for _, l := range lines {
		in.Lines = append(in.Lines, order.LineInput{SKUID: l.sku, Quantity: l.qty})
	}
	o, _, err := s.Orders.Create(ctx, in)
	return o, err
}

func (s *shop) refund(o order.Order, lineIdx int, qty int64) order.Order {
	s.t.Helper()
	o, err := s.Orders.Refund(ctx, o.ID, order.RefundInput{Reason: "退货", Lines: []order.RefundLineInput{{LineID: o.Lines[lineIdx].ID, Quantity: qty}}})
	if err != nil {
		s.t.Fatalf("refund: %v", err)
	}
	return o
}

func earned(o order.Order, id int64) (sum int64) {
	for _, c := range o.Commissions {
		if c.DistributorID == id {
			sum += c.NetFen
		}
	}
	return sum
}

func (s *shop) balance(id int64) ledger.Balance {
	s.t.Helper()
	b, err := s.Orders.Ledger.Balance(ctx, s.DB.R, id)
	if err != nil {
		s.t.Fatal(err)
	}
	return b
}

func (s *shop) verify() {
	s.t.Helper()
	b, err := verify.Run(ctx, s.DB)
	if err != nil || len(b) > 0 {
		s.t.Fatalf("verify: %v %+v", err, b)
	}
}

// settle completes every paid order, moves the clock past freeze_days and runs a real settlement
// for everyone, so refunds after it claw back.
func (s *shop) settle() {
	s.t.Helper()
	shoptest.SettleAll(s.t, s.Orders, s.Settlement, s.Clock)
}
