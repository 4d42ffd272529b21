package order_test

import (
	"fmt"
	"testing"

	"pgregory.net/rapid"

	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/network"
	"github.com/fenxiao/fenxiao/internal/order"
)

// Many random orders, refunds, settlements and plan changes on one database: after every step the
// invariants of DESIGN.md §6 hold (verify runs all of them: balanced postings, cached balances,
// no third level, line caps, ledger = accrued − reversed, commissions = rules(snapshot)).
func TestRandomHistoryKeepsInvariants(t *testing.T) {
	s := newShop(t)
	alice := s.distributor("Alice", nil)
	carl := s.distributor("Carl", nil)
	bob := s.distributor("Bob", &alice)
	dora := s.distributor("Dora", &carl)
	people := []network.Distributor{alice, carl, bob, dora}
	skus := []int64{
		s.product("普通", 1999, 1e9, nil, true),
		s.product("贵", 88800, 1e9, nil, true),
		s.product("定额", 990, 1e9, &catalog.CommissionOverrides{L2Direct: &catalog.CommissionOverride{FixedFen: ptr[int64](150)}, L1Direct: &catalog.CommissionOverride{RateBP: ptr[int64](2500)}}, true),
		s.product("不分销", 5000, 1e9, nil, false),
	}
	var paid []order.Order
	steps := 0
	rapid.Check(t, func(rt *rapid.T) {
		steps++
		switch rapid.IntRange(0, 9).Draw(rt, "action") {
		case 0:
			s.setCommission(rapid.Int64Range(0, 3000).Draw(rt, "l1"), rapid.Int64Range(0, 5000).Draw(rt, "l2"), rapid.Int64Range(0, 5000).Draw(rt, "over"))
		case 1, 2:
			if len(paid) == 0 {
				return
			}
			o := paid[rapid.IntRange(0, len(paid)-1).Draw(rt, "order")]
			o, _ = s.Orders.Get(ctx, o.ID)
			i := rapid.IntRange(0, len(o.Lines)-1).Draw(rt, "line")
			left := o.Lines[i].Quantity - o.Lines[i].RefundedQty
			if left == 0 {
				return
			}
			q := rapid.Int64Range(1, left).Draw(rt, "qty")
			if _, err := s.Orders.Refund(ctx, o.ID, order.RefundInput{Reason: "r", Lines: []order.RefundLineInput{{LineID: o.Lines[i].ID, Quantity: q}}}); err != nil {
				rt.Fatalf("refund: %v", err)
			}
		case 3:
			s.settle()
		default:
			n := rapid.IntRange(1, 3).Draw(rt, "lines")
			perm := rapid.Permutation(skus).Draw(rt, "skus")
			var lines []buy
			var goods int64
			for _, sku := range perm[:n] {
				q := rapid.Int64Range(1, 5).Draw(rt, "q")
				lines = append(lines, buy{sku, q})
				goods += q * 990 // the cheapest price bounds the discount
			}
			ref := ""
			if who := rapid.IntRange(-1, len(people)-1).Draw(rt, "who"); who >= 0 {
				ref = people[who].Code
			}
			phone := fmt.Sprintf("1370000%04d", rapid.IntRange(0, 30).Draw(rt, "customer"))
			o, err := s.place(phone, ref, rapid.Int64Range(0, goods).Draw(rt, "discount"), rapid.Int64Range(0, 2000).Draw(rt, "shipping"), lines...)
			if err != nil {
				rt.Fatalf("place: %v", err)
			}
			o, err = s.Orders.Pay(ctx, o.ID, order.PayInput{AmountFen: o.TotalFen, Provider: "sandbox", Reference: o.OrderNo})
			if err != nil {
				rt.Fatalf("pay: %v", err)
			}
			paid = append(paid, o)
		}
		s.verify()
	})
	if steps < 50 {
		t.Fatalf("only %d steps ran", steps)
	}
}
