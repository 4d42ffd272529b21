package report_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/clock"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/db/dbtest"
	"github.com/fenxiao/fenxiao/internal/network"
	"github.com/fenxiao/fenxiao/internal/order"
	"github.com/fenxiao/fenxiao/internal/payout"
	"github.com/fenxiao/fenxiao/internal/report"
	"github.com/fenxiao/fenxiao/internal/settings"
	"github.com/fenxiao/fenxiao/internal/settlement"
	"github.com/fenxiao/fenxiao/internal/shoptest"
	"github.com/fenxiao/fenxiao/internal/verify"
)

var ctx = context.Background()

// shop is a fresh database with the services that write what reports count.
type shop struct {
	t          testing.TB
	DB         *db.DB
	Clock      *clock.Manual
	Orders     *order.Service
	Catalog    *catalog.Service
	Network    *network.Service
	Settlement *settlement.Service
	Payout     *payout.Service
	Reports    *report.Service
	phones     int
}

func newShop(t testing.TB) *shop {
	d, clk := dbtest.Open(t)
	orders := order.New(d)
	s := &shop{t: t, DB: d, Clock: clk, Orders: orders, Catalog: &catalog.Service{DB: d}, Network: &network.Service{DB: d},
		Settlement: settlement.New(d, orders.Ledger, nil), Payout: payout.New(d, orders.Ledger), Reports: &report.Service{DB: d}}
	err := d.InTx(ctx, func(tx *db.Tx) error {
		w := settings.DefaultWithdrawal()
		w.MinFen, w.FeeBP, w.FeeMinFen, w.DailyCount = 100, 100, 1, 100
		return settings.SaveWithdrawal(ctx, tx, w)
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var beijing = time.FixedZone("CST", 8*3600)

// at moves the clock to a Beijing time, "2006-01-02 15:04".
func (s *shop) at(bj string) {
	s.t.Helper()
	tm, err := time.ParseInLocation("2006-01-02 15:04", bj, beijing)
	if err != nil {
		s.t.Fatal(err)
	}
	s.Clock.Set(tm.UTC())
}

// product makes an on-shelf product with one SKU; it returns the product and SKU ids.
func (s *shop) product(name string, priceFen int64) (int64, int64) {
	s.t.Helper()
	yes := true
	p, err := s.Catalog.Create(ctx, catalog.ProductInput{Name: name, Distributable: &yes, SKUs: []catalog.SKUInput{{PriceFen: priceFen, Stock: 1e6}}})
	if err != nil {
		s.t.Fatalf("create product %s: %v", name, err)
	}
	return p.ID, p.SKUs[0].ID
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

type buy struct {
	sku int64
	qty int64
}

func (s *shop) place(phone, ref string, discount, shipping int64, lines ...buy) order.Order {
	s.t.Helper()
	in := order.Input{CustomerName: "顾客", CustomerPhone: phone, ShipAddress: "杭州市西湖区", Ref: ref, DiscountFen: discount, ShippingFen: shipping}
	for _, l := range lines {
		in.Lines = append(in.Lines, order.LineInput{SKUID: l.sku, Quantity: l.qty})
	}
	o, _, err := s.Orders.Create(ctx, in)
	if err != nil {
		s.t.Fatalf("place order: %v", err)
	}
	return o
}

func (s *shop) pay(o order.Order) order.Order {
	s.t.Helper()
	o, err := s.Orders.Pay(ctx, o.ID, order.PayInput{AmountFen: o.TotalFen, Provider: "sandbox", Reference: "P" + o.OrderNo})
	if err != nil {
		s.t.Fatalf("pay order: %v", err)
	}
	return o
}

func (s *shop) refund(id int64, lines ...order.RefundLineInput) {
	s.t.Helper()
	if _, err := s.Orders.Refund(ctx, id, order.RefundInput{Reason: "退货", Lines: lines}); err != nil {
		s.t.Fatalf("refund order %d: %v", id, err)
	}
}

func (s *shop) verify() {
	s.t.Helper()
	b, err := verify.Run(ctx, s.DB)
	if err != nil || len(b) > 0 {
		s.t.Fatalf("verify: %v %+v", err, b)
	}
}

// generated is a shop with several months of random trade through the real services.
type generated struct {
	*shop
	l1, l2   []network.Distributor
	products []int64
}

// generate trades from 20 December 2025 for about three months: orders by 12 customers through
// two level-1s, three level-2s or nobody, of 1 to 3 lines with discounts and shipping, some
// never paid and cancelled, some paid a step (hours, often a day) later, the last of those never;
// one paid after its distributor was frozen (the payment drops it from the snapshot); partial and full refunds before and after settlement (clawbacks);
// monthly settlement; withdrawals requested, approved, paid, rejected and failed.
func generate(t testing.TB, seed uint64) *generated {
	s := newShop(t)
	g := &generated{shop: s}
	rng := rand.New(rand.NewPCG(seed, 7))
	s.at("2025-12-20 09:00")
	a := s.distributor("Alice", nil)
	b := s.distributor("Bai", nil)
	g.l1 = []network.Distributor{a, b}
	g.l2 = []network.Distributor{s.distributor("Bob", &a), s.distributor("Cao", &a), s.distributor("Dai", &b)}
	// An applicant rejected, one left pending.
	s.phones++
	rej, err := s.Network.Apply(ctx, network.Application{Name: "Rejected", Phone: fmt.Sprintf("139%08d", s.phones)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Network.Reject(ctx, rej.ID, "资料不全"); err != nil {
		t.Fatal(err)
	}
	var skus []int64
	for i, price := range []int64{9990, 5800, 1234, 49900} {
		p, sku := s.product(fmt.Sprintf("商品%d", i+1), price)
		g.products = append(g.products, p)
		skus = append(skus, sku)
	}
	// A product of two SKUs: an order may hold one product on two lines, and counts once.
	yes := true
	two, err := s.Catalog.Create(ctx, catalog.ProductInput{Name: "礼盒", Distributable: &yes,
		SKUs: []catalog.SKUInput{{Spec: "小", PriceFen: 8800, Stock: 1e6}, {Spec: "大", PriceFen: 16800, Stock: 1e6}}})
	if err != nil {
		t.Fatal(err)
	}
	g.products = append(g.products, two.ID)
	skus = append(skus, two.SKUs[0].ID, two.SKUs[1].ID)
	refs := []string{"", a.Code, b.Code}
	for _, d := range g.l2 {
		refs = append(refs, d.Code)
	}
	var paid, later []order.Order
	now := s.Clock.Now()
	for step := 0; step < 90; step++ {
		// Between 1 and 40 hours, at any minute: orders land on both sides of Beijing midnight.
		now = now.Add(time.Duration(60+rng.IntN(40*60)) * time.Minute)
		s.Clock.Set(now)
		for _, o := range later {
			paid = append(paid, s.pay(o))
		}
		later = later[:0]
		if step == 45 { // Cao is frozen between the order and its payment: the sale is nobody's
			cao := g.l2[1]
			o := s.place("13700009999", cao.Code, 0, 0, buy{skus[0], 1})
			if _, err := s.Network.Freeze(ctx, cao.ID, "核查中"); err != nil {
				t.Fatal(err)
			}
			paid = append(paid, s.pay(o))
			if _, err := s.Network.Unfreeze(ctx, cao.ID); err != nil {
				t.Fatal(err)
			}
		}
		lines := []buy{}
		for _, i := range rng.Perm(len(skus))[:1+rng.IntN(3)] {
			lines = append(lines, buy{skus[i], 1 + int64(rng.IntN(4))})
		}
		var discount int64
		if rng.IntN(3) == 0 {
			discount = int64(100 + rng.IntN(900))
		}
		// Dai (the last level 2) stops selling after December: churn.
		ref := refs[rng.IntN(len(refs))]
		if ref == g.l2[2].Code && now.After(time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)) {
			ref = ""
		}
		o := s.place(fmt.Sprintf("1370000%04d", rng.IntN(12)), ref, discount, int64(rng.IntN(2))*1000, lines...)
		if rng.IntN(8) == 0 {
			if _, err := s.Orders.Cancel(ctx, o.ID, "不要了"); err != nil {
				t.Fatal(err)
			}
		} else if rng.IntN(6) == 0 {
			later = append(later, o)
		} else {
			paid = append(paid, s.pay(o))
		}
		// Refund part or all of some earlier paid order (settled ones claw back).
		if rng.IntN(4) == 0 && len(paid) > 0 {
			p := paid[rng.IntN(len(paid))]
			cur, err := s.Orders.Get(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			var rl []order.RefundLineInput
			full := rng.IntN(3) == 0
			for _, l := range cur.Lines {
				left := l.Quantity - l.RefundedQty
				if left == 0 {
					continue
				}
				q := left
				if !full {
					q = 1 + int64(rng.IntN(int(left)))
				}
				rl = append(rl, order.RefundLineInput{LineID: l.ID, Quantity: q})
				if !full {
					break
				}
			}
			if len(rl) > 0 {
				s.refund(p.ID, rl...)
			}
		}
		if step%30 == 29 {
			shoptest.SettleAll(t, s.Orders, s.Settlement, s.Clock)
			now = s.Clock.Now()
			g.withdrawals(rng)
		}
	}
	return g
}

// withdrawals asks every distributor with money for part of it and takes each request a
// different way: paid, rejected, failed, approved only, or left requested.
func (g *generated) withdrawals(rng *rand.Rand) {
	s := g.shop
	for _, d := range append(append([]network.Distributor{}, g.l1...), g.l2...) {
		bal, err := s.Orders.Ledger.Balance(ctx, s.DB.R, d.ID)
		if err != nil {
			s.t.Fatal(err)
		}
		if bal.AvailableFen < 200 {
			continue
		}
		w, _, err := s.Payout.Request(ctx, payout.RequestInput{DistributorID: d.ID, AmountFen: 100 + rng.Int64N(bal.AvailableFen-100), Method: payout.Wallet})
		if err != nil {
			s.t.Fatalf("withdraw: %v", err)
		}
		s.Clock.Advance(time.Duration(1+rng.IntN(50)) * time.Hour)
		switch rng.IntN(5) {
		case 0:
			_, err = s.Payout.Reject(ctx, w.ID, "信息有误")
		case 1, 2:
			if _, err = s.Payout.Approve(ctx, w.ID); err == nil {
				s.Clock.Advance(time.Duration(1+rng.IntN(30)) * time.Hour)
				_, err = s.Payout.Pay(ctx, w.ID, payout.PayInput{Reference: fmt.Sprint("BANK", w.ID)})
			}
		case 3:
			if _, err = s.Payout.Approve(ctx, w.ID); err == nil {
				_, err = s.Payout.Fail(ctx, w.ID, "账户冻结")
			}
		}
		if err != nil {
			s.t.Fatalf("withdrawal %d: %v", w.ID, err)
		}
	}
}
