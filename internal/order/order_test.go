package order_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/network"
	"github.com/fenxiao/fenxiao/internal/order"
	"github.com/fenxiao/fenxiao/internal/payout"
	"github.com/fenxiao/fenxiao/internal/settings"
)

// Each case is a worked example: the expected fen are computed by hand in the comment.
func TestCommissionCases(t *testing.T) {
	type want struct{ alice, bob int64 }
	cases := []struct {
		name string
		run  func(s *shop, alice, bob network.Distributor) order.Order
		want want
	}{
		{"fixed per unit for level 2, rate override for level 1", func(s *shop, alice, bob network.Distributor) order.Order {
			// 3 × ¥20.00: base 6000. Bob fixed ¥5.00/unit → 1500; Alice override 1200 bp → 720.
			sku := s.product("定额", 2000, 10, &catalog.CommissionOverrides{L2Direct: &catalog.CommissionOverride{FixedFen: ptr[int64](500)}, L1Override: &catalog.CommissionOverride{RateBP: ptr[int64](1200)}}, true)
			return s.order("13700000001", bob.Code, 0, 0, buy{sku, 3})
		}, want{720, 1500}},
		{"fixed per unit capped at the base", func(s *shop, alice, bob network.Distributor) order.Order {
			// 2 × ¥1.00: base 200. Bob fixed ¥5/unit = 1000, capped at the base 200; Alice's 300 bp
			// would be 6, but nothing of the line is left above Bob's 200, so 0.
			sku := s.product("小件", 100, 10, &catalog.CommissionOverrides{L2Direct: &catalog.CommissionOverride{FixedFen: ptr[int64](500)}}, true)
			return s.order("13700000001", bob.Code, 0, 0, buy{sku, 2})
		}, want{0, 200}},
		{"excluded product earns nothing", func(s *shop, alice, bob network.Distributor) order.Order {
			sku := s.product("不分销", 10000, 10, nil, false)
			return s.order("13700000001", bob.Code, 0, 0, buy{sku, 1})
		}, want{0, 0}},
		{"excluded line still takes its discount share", func(s *shop, alice, bob network.Distributor) order.Order {
			// Lines 10000 (excluded) and 5000, coupon 300: shares 300×10000/15000 = 200 and 100.
			// Base of the second line 4900: Bob 392, Alice 147.
			a := s.product("不分销", 10000, 10, nil, false)
			b := s.product("分销", 5000, 10, nil, true)
			return s.order("13700000001", bob.Code, 300, 0, buy{a, 1}, buy{b, 1})
		}, want{147, 392}},
		{"discount that does not divide evenly", func(s *shop, alice, bob network.Distributor) order.Order {
			// Three lines of ¥3.33 and a ¥1.00 coupon: shares 100×333/999 = 33, 33, last 34;
			// bases 300, 300, 299. Alice direct 1000 bp: 30 + 30 + 29 = 89.
			x := s.product("甲", 333, 10, nil, true)
			y := s.product("乙", 333, 10, nil, true)
			z := s.product("丙", 333, 10, nil, true)
			return s.order("13700000001", alice.Code, 100, 500, buy{x, 1}, buy{y, 1}, buy{z, 1})
		}, want{89, 0}},
		{"self purchase off: a distributor buying through their own link earns nothing", func(s *shop, alice, bob network.Distributor) order.Order {
			sku := s.product("茶", 10000, 10, nil, true)
			return s.order(bob.Phone, bob.Code, 0, 0, buy{sku, 1})
		}, want{0, 0}},
		{"self purchase on", func(s *shop, alice, bob network.Distributor) order.Order {
			// Base 10000: Bob 800, Alice 300.
			b := settings.DefaultBinding()
			b.SelfPurchase = true
			s.setBinding(b)
			sku := s.product("茶", 10000, 10, nil, true)
			return s.order(bob.Phone, bob.Code, 0, 0, buy{sku, 1})
		}, want{300, 800}},
		{"frozen level-2: no new commission for anyone through its link", func(s *shop, alice, bob network.Distributor) order.Order {
			if _, err := s.Network.Freeze(ctx, bob.ID, "核查"); err != nil {
				s.t.Fatal(err)
			}
			sku := s.product("茶", 10000, 10, nil, true)
			return s.order("13700000001", bob.Code, 0, 0, buy{sku, 1})
		}, want{0, 0}},
		{"frozen parent: the level-2 still earns, the parent does not", func(s *shop, alice, bob network.Distributor) order.Order {
			if _, err := s.Network.Freeze(ctx, alice.ID, "核查"); err != nil {
				s.t.Fatal(err)
			}
			sku := s.product("茶", 10000, 10, nil, true)
			return s.order("13700000001", bob.Code, 0, 0, buy{sku, 1})
		}, want{0, 800}},
		{"frozen between order and payment", func(s *shop, alice, bob network.Distributor) order.Order {
			sku := s.product("茶", 10000, 10, nil, true)
			o, err := s.place("13700000001", bob.Code, 0, 0, buy{sku, 1})
			if err != nil {
				s.t.Fatal(err)
			}
			if _, err := s.Network.Freeze(ctx, bob.ID, "核查"); err != nil {
				s.t.Fatal(err)
			}
			o, err = s.Orders.Pay(ctx, o.ID, order.PayInput{AmountFen: o.TotalFen, Provider: "sandbox", Reference: "x"})
			if err != nil || o.DistributorID != nil || o.AttributionNote == "" {
				s.t.Fatalf("pay: %+v %v", o, err)
			}
			return o
		}, want{0, 0}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newShop(t)
			alice := s.distributor("Alice", nil)
			bob := s.distributor("Bob", &alice)
			o := c.run(s, alice, bob)
			if got := earned(o, alice.ID); got != c.want.alice {
				t.Errorf("Alice earned %d, want %d", got, c.want.alice)
			}
			if got := earned(o, bob.ID); got != c.want.bob {
				t.Errorf("Bob earned %d, want %d", got, c.want.bob)
			}
			if b := s.balance(bob.ID); b.FrozenFen != c.want.bob {
				t.Errorf("Bob frozen %d, want %d", b.FrozenFen, c.want.bob)
			}
			s.verify()
		})
	}
}

func TestPlanChangeBetweenOrders(t *testing.T) {
	s := newShop(t)
	alice := s.distributor("Alice", nil)
	sku := s.product("茶", 10000, 10, nil, true)
	first, err := s.place("13700000001", alice.Code, 0, 0, buy{sku, 1})
	if err != nil {
		t.Fatal(err)
	}
	s.setCommission(1500, 800, 300) // plan 2
	second := s.order("13700000002", alice.Code, 0, 0, buy{sku, 1})
	// The first order was placed under plan 1 and keeps it even though it is paid after the change.
	first, err = s.Orders.Pay(ctx, first.ID, order.PayInput{AmountFen: first.TotalFen, Provider: "sandbox", Reference: "first"})
	if err != nil {
		t.Fatal(err)
	}
	if first.PlanVersion != 1 || earned(first, alice.ID) != 1000 {
		t.Errorf("first order: plan %d earns %d, want plan 1 and 1000", first.PlanVersion, earned(first, alice.ID))
	}
	if second.PlanVersion != 2 || earned(second, alice.ID) != 1500 {
		t.Errorf("second order: plan %d earns %d, want plan 2 and 1500", second.PlanVersion, earned(second, alice.ID))
	}
	s.verify()
}

// Refunds in several steps end in a full refund whose reversals add up to the whole commission.
func TestRefundInStepsToFull(t *testing.T) {
	s := newShop(t)
	alice := s.distributor("Alice", nil)
	bob := s.distributor("Bob", &alice)
	sku := s.product("茶", 3333, 10, nil, true)
	// 3 × ¥33.33 with a ¥0.01 discount: base 9998. Bob 9998×800/10000 = 799.84 → 799; Alice 299.94 → 299.
	o := s.order("13700000001", bob.Code, 1, 0, buy{sku, 3})
	if earned(o, bob.ID) != 799 || earned(o, alice.ID) != 299 {
		t.Fatalf("accrued Bob %d Alice %d", earned(o, bob.ID), earned(o, alice.ID))
	}
	// Step 1, one unit: remaining base 9998×2/3 = 6665.33 → 6665; refund 3333. Bob 533.2 → 533; Alice 199.95 → 199.
	o = s.refund(o, 0, 1)
	if earned(o, bob.ID) != 533 || earned(o, alice.ID) != 199 || o.RefundedFen != 3333 {
		t.Fatalf("step 1: Bob %d Alice %d refunded %d", earned(o, bob.ID), earned(o, alice.ID), o.RefundedFen)
	}
	// Step 2, one unit: remaining 9998/3 = 3332.67 → 3332; refund 3333. Bob 266.56 → 266; Alice 99.96 → 99.
	o = s.refund(o, 0, 1)
	if earned(o, bob.ID) != 266 || earned(o, alice.ID) != 99 || o.RefundedFen != 6666 {
		t.Fatalf("step 2: Bob %d Alice %d refunded %d", earned(o, bob.ID), earned(o, alice.ID), o.RefundedFen)
	}
	// Step 3, the last unit: everything reversed; the customer got back exactly the base 9998.
	o = s.refund(o, 0, 1)
	if earned(o, bob.ID) != 0 || earned(o, alice.ID) != 0 || o.RefundedFen != 9998 {
		t.Fatalf("step 3: Bob %d Alice %d refunded %d", earned(o, bob.ID), earned(o, alice.ID), o.RefundedFen)
	}
	for _, c := range o.Commissions {
		if c.ReversedFen != c.AmountFen || c.Status != "reversed" {
			t.Errorf("commission %d: reversed %d of %d, status %s", c.ID, c.ReversedFen, c.AmountFen, c.Status)
		}
	}
	if b := s.balance(bob.ID); b.FrozenFen != 0 {
		t.Errorf("Bob frozen %d, want 0", b.FrozenFen)
	}
	if _, err := s.Orders.Refund(ctx, o.ID, order.RefundInput{Reason: "again", Lines: []order.RefundLineInput{{LineID: o.Lines[0].ID, Quantity: 1}}}); !errs.Is(err, "refund_exceeds_quantity") {
		t.Fatalf("refund beyond quantity: %v", err)
	}
	s.verify()
}

// A refund after settlement claws back from available, which may go below zero.
func TestRefundAfterSettlementClawsBack(t *testing.T) {
	s := newShop(t)
	alice := s.distributor("Alice", nil)
	sku := s.product("茶", 10000, 10, nil, true)
	o := s.order("13700000001", alice.Code, 0, 0, buy{sku, 2}) // Alice 2000
	s.settle()
	if b := s.balance(alice.ID); b.AvailableFen != 2000 || b.FrozenFen != 0 {
		t.Fatalf("after settle: %+v", b)
	}
	// Alice withdraws 1500 of it and is paid (no fee by default).
	p := payout.New(s.DB, s.Orders.Ledger)
	w, _, err := p.Request(ctx, payout.RequestInput{DistributorID: alice.ID, AmountFen: 1500, Method: payout.Wallet})
	if err == nil {
		_, err = p.Approve(ctx, w.ID)
	}
	if err == nil {
		_, err = p.Pay(ctx, w.ID, payout.PayInput{Reference: "cash-1"})
	}
	if err != nil {
		t.Fatal(err)
	}
	// One unit refunded: remaining base 10000 → commission 1000, clawback 1000: available 500 − 1000 = −500.
	o = s.refund(o, 0, 1)
	if b := s.balance(alice.ID); b.AvailableFen != -500 || b.PaidOutFen != 1500 {
		t.Fatalf("after clawback: %+v", b)
	}
	var cause string
	s.DB.R.QueryRow(`SELECT cause FROM ledger_transactions ORDER BY id DESC LIMIT 1`).Scan(&cause)
	if cause != "clawback" {
		t.Errorf("last posting cause %q, want clawback", cause)
	}
	s.verify()
}

func TestStockFollowsTheOrder(t *testing.T) {
	s := newShop(t)
	sku := s.product("茶", 1000, 10, nil, true)
	stock := func() (st, res, sold int64) {
		s.DB.R.QueryRow(`SELECT stock, reserved, sold FROM skus WHERE id = $1`, sku).Scan(&st, &res, &sold)
		return
	}
	o, err := s.place("13700000001", "", 0, 0, buy{sku, 3})
	if err != nil {
		t.Fatal(err)
	}
	if st, res, sold := stock(); st != 7 || res != 3 || sold != 0 {
		t.Fatalf("after create: %d %d %d", st, res, sold)
	}
	if _, err := s.Orders.Cancel(ctx, o.ID, "不要了"); err != nil {
		t.Fatal(err)
	}
	if st, res, _ := stock(); st != 10 || res != 0 {
		t.Fatalf("after cancel: %d %d", st, res)
	}
	// The unpaid-order timeout cancels and releases too.
	o2, _ := s.place("13700000001", "", 0, 0, buy{sku, 4})
	s.Clock.Advance(31 * 60e9)
	if n, err := s.Orders.CancelExpired(ctx, 100); err != nil || n != 1 {
		t.Fatalf("expire: %d %v", n, err)
	}
	if got, _ := s.Orders.Get(ctx, o2.ID); got.Status != order.Cancelled {
		t.Fatalf("expired order is %s", got.Status)
	}
	o3 := s.order("13700000001", "", 0, 0, buy{sku, 5})
	if st, res, sold := stock(); st != 5 || res != 0 || sold != 5 {
		t.Fatalf("after pay: %d %d %d", st, res, sold)
	}
	if _, err := s.Orders.Refund(ctx, o3.ID, order.RefundInput{Reason: "退货入库", Restock: true, Lines: []order.RefundLineInput{{LineID: o3.Lines[0].ID, Quantity: 2}}}); err != nil {
		t.Fatal(err)
	}
	if st, _, sold := stock(); st != 7 || sold != 3 {
		t.Fatalf("after restock refund: %d %d", st, sold)
	}
	// Without restock the units stop counting as sold but do not go back on sale.
	if _, err := s.Orders.Refund(ctx, o3.ID, order.RefundInput{Reason: "破损不退回", Lines: []order.RefundLineInput{{LineID: o3.Lines[0].ID, Quantity: 1}}}); err != nil {
		t.Fatal(err)
	}
	if st, _, sold := stock(); st != 7 || sold != 2 {
		t.Fatalf("after refund without restock: %d %d", st, sold)
	}
	// Ship, deliver, auto-complete after the configured days; commissions get a settle date.
	if _, err := s.Orders.Ship(ctx, o3.ID, order.ShipInput{Carrier: "顺丰", TrackingNo: "SF123"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Orders.Deliver(ctx, o3.ID); err != nil {
		t.Fatal(err)
	}
	s.Clock.Advance(8 * 24 * 3600e9)
	if n, err := s.Orders.AutoComplete(ctx, 100); err != nil || n != 1 {
		t.Fatalf("auto complete: %d %v", n, err)
	}
}

// 200 customers racing for the last 50 units: exactly 50 orders are placed.
func TestLastUnitsUnderConcurrency(t *testing.T) {
	s := newShop(t)
	sku := s.product("限量", 1000, 50, nil, true)
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, soldOut := 0, 0
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.place(fmt.Sprintf("137%08d", i), "", 0, 0, buy{sku, 1})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case errs.Is(err, "sold_out") || errs.Is(err, "insufficient_stock"):
				soldOut++
			default:
				t.Errorf("unexpected: %v", err)
			}
		}()
	}
	wg.Wait()
	var st, res int64
	s.DB.R.QueryRow(`SELECT stock, reserved FROM skus WHERE id = $1`, sku).Scan(&st, &res)
	if ok != 50 || soldOut != 150 || st != 0 || res != 50 {
		t.Fatalf("ok=%d soldOut=%d stock=%d reserved=%d", ok, soldOut, st, res)
	}
}

// 满额分销: a customer whose paid spend reaches the threshold becomes level 1 without review.
func TestSpendThresholdQualifies(t *testing.T) {
	s := newShop(t)
	sku := s.product("茶", 10000, 10, nil, true)
	n := settings.DefaultNetwork()
	n.SpendThresholdFen = 20000
	if err := s.DB.InTx(ctx, func(tx *db.Tx) error { return settings.SaveNetwork(ctx, tx, n) }); err != nil {
		t.Fatal(err)
	}
	s.order("13700000009", "", 0, 0, buy{sku, 1})
	d, err := s.Network.Apply(ctx, network.Application{Name: "常客", Phone: "13700000009"})
	if err != nil || d.Status != network.Pending {
		t.Fatalf("below threshold: %+v %v", d.Status, err)
	}
	s.order("13700000008", "", 0, 0, buy{sku, 2})
	d, err = s.Network.Apply(ctx, network.Application{Name: "大客户", Phone: "13700000008"})
	if err != nil || d.Status != network.Approved || d.Level != 1 {
		t.Fatalf("at threshold: %+v %v", d, err)
	}
}
