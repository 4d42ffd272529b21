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
