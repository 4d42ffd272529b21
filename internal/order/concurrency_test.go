package order_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/fenxiao/fenxiao/internal/db/dbtest"
	"github.com/fenxiao/fenxiao/internal/order"
	"github.com/fenxiao/fenxiao/internal/rollup"
)

// Payments and refunds from many clients at once, with a rollup rebuild among them: on SQLite
// they share commits and their rollup deltas are written once per commit (db.Merger); on both
// engines the rollups still equal the raw rows and every ledger invariant holds.
func TestConcurrentPaymentsKeepRollupsExact(t *testing.T) {
	s := newShop(t)
	alice := s.distributor("Alice", nil)
	bob := s.distributor("Bob", &alice)
	carol := s.distributor("Carol", nil)
	refs := []string{alice.Code, bob.Code, carol.Code, ""}
	tea := s.product("茶", 1990, 1e6, nil, true)
	cup := s.product("杯", 3333, 1e6, nil, true)

	const clients, each = 12, 12
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				n := c*each + i
				if c == clients/2 && i == each/2 {
					if _, err := rollup.Rebuild(ctx, s.DB, ""); err != nil {
						t.Errorf("rebuild among the payments: %v", err)
					}
				}
				o, err := s.place(fmt.Sprintf("137%08d", n%40), refs[n%len(refs)], int64(n%3)*7, 500, buy{tea, int64(1 + n%3)}, buy{cup, 1})
				if err != nil {
					t.Errorf("place %d: %v", n, err)
					return
				}
				if o, err = s.Orders.Pay(ctx, o.ID, order.PayInput{AmountFen: o.TotalFen, Provider: "sandbox", Reference: "P" + o.OrderNo}); err != nil {
					t.Errorf("pay %d: %v", n, err)
					return
				}
				if n%4 == 1 {
					if _, err := s.Orders.Refund(ctx, o.ID, order.RefundInput{Reason: "退货", Lines: []order.RefundLineInput{{LineID: o.Lines[0].ID, Quantity: 1}}}); err != nil {
						t.Errorf("refund %d: %v", n, err)
					}
				}
			}
		}()
	}
	wg.Wait()
	s.verify()
	if commits, txs := s.DB.GroupStats(); !dbtest.Postgres() && txs <= commits {
		t.Errorf("%d transactions in %d commits: the clients never shared a commit, so merging was not exercised", txs, commits)
	}
}

// Orders naming the same SKUs in opposite line orders, placed, paid, cancelled and refunded at
// once: their stock updates take the SKUs in one order, so PostgreSQL never has a deadlock to
// break (it would fail one order after a second's wait and InTx would run it again).
func TestOppositeLineOrdersNeverDeadlock(t *testing.T) {
	s := newShop(t)
	tea := s.product("茶", 1990, 1e6, nil, true)
	cup := s.product("杯", 3333, 1e6, nil, true)
	const clients, each = 12, 10
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				lines := []buy{{tea, 1}, {cup, 2}}
				if (c+i)%2 == 1 {
					lines[0], lines[1] = lines[1], lines[0]
				}
				o, err := s.place(fmt.Sprintf("136%08d", c*each+i), "", 0, 0, lines...)
				if err != nil {
					t.Errorf("place: %v", err)
					return
				}
				if i%3 == 2 {
					if _, err := s.Orders.Cancel(ctx, o.ID, ""); err != nil {
						t.Errorf("cancel: %v", err)
					}
					continue
				}
				if o, err = s.Orders.Pay(ctx, o.ID, order.PayInput{AmountFen: o.TotalFen, Provider: "sandbox", Reference: "P" + o.OrderNo}); err != nil {
					t.Errorf("pay: %v", err)
					return
				}
				if i%3 == 1 {
					in := order.RefundInput{Restock: true, Reason: "退货"}
					for _, l := range o.Lines {
						in.Lines = append(in.Lines, order.RefundLineInput{LineID: l.ID, Quantity: l.Quantity})
					}
					if _, err := s.Orders.Refund(ctx, o.ID, in); err != nil {
						t.Errorf("refund: %v", err)
					}
				}
			}
		}()
	}
	wg.Wait()
	if n := s.DB.Retries(); n != 0 {
		t.Errorf("%d transactions ran again after a deadlock; want none", n)
	}
	for _, sku := range []int64{tea, cup} {
		var stock, reserved int64
		if err := s.DB.R.QueryRow(`SELECT stock, reserved FROM skus WHERE id = $1`, sku).Scan(&stock, &reserved); err != nil {
			t.Fatal(err)
		}
		if reserved != 0 {
			t.Errorf("SKU %d: %d units still reserved", sku, reserved)
		}
	}
	s.verify()
}
