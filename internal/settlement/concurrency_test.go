package settlement_test

import (
	"sync"
	"testing"
	"time"

	"github.com/fenxiao/fenxiao/internal/ledger"
	"github.com/fenxiao/fenxiao/internal/network"
	"github.com/fenxiao/fenxiao/internal/order"
	"github.com/fenxiao/fenxiao/internal/settlement"
)

// busyShop has 30 distributors (10 level 1, each with 2 level 2) and 60 completed orders whose
// commissions are settleable now.
func busyShop(t *testing.T) (*shop, []network.Distributor, []order.Order) {
	s := newShop(t)
	box := s.product("礼盒", 10000)
	cup := s.product("杯", 1999)
	var people []network.Distributor
	for range 10 {
		l1 := s.distributor("一级", nil)
		people = append(people, l1, s.distributor("二级", &l1), s.distributor("二级", &l1))
	}
	var orders []order.Order
	for _, d := range people {
		for range 2 {
			o := s.order(d.Code, 0, 0, buy{box, 1}, buy{cup, 3})
			s.complete(o)
			orders = append(orders, o)
		}
	}
	s.Clock.Advance(8 * 24 * time.Hour)
	return s, people, orders
}

// node is another app node: its own service and ledger on the same database, small batches so
// runs interleave.
func node(s *shop) *settlement.Service {
	n := settlement.New(s.DB, ledger.New(s.DB), nil)
	n.BatchDistributors = 2
	return n
}

// settledOnce checks that every commission was settled exactly once and the books agree.
func settledOnce(t *testing.T, s *shop, runs ...settlement.Run) {
	t.Helper()
	if n := s.count(`SELECT count(*) FROM commissions WHERE status <> 'available' OR settlement_run_id IS NULL`); n != 0 {
		t.Errorf("%d commissions not settled", n)
	}
	if n, m := s.count(`SELECT count(*) FROM statement_lines`), s.count(`SELECT count(*) FROM commissions`); n != m {
		t.Errorf("%d statement lines for %d commissions", n, m)
	}
	net := s.count(`SELECT sum(amount_fen - reversed_fen) FROM commissions`)
	posted := s.count(`SELECT sum(e.amount_fen) FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
		JOIN ledger_transactions t ON t.id = e.transaction_id WHERE a.kind = 'available' AND t.cause = 'settlement'`)
	var reported int64
	for _, r := range runs {
		reported += r.SettledFen
	}
	if posted != net || reported != net {
		t.Errorf("commissions net %d fen; settlements posted %d, runs report %d", net, posted, reported)
	}
	if n := s.count(`SELECT sum(balance_fen) FROM ledger_accounts WHERE kind = 'frozen'`); n != 0 {
		t.Errorf("%d fen still frozen", n)
	}
	s.verify()
}

// Two nodes settle at the same moment: for the same cutoff they share one run, for different
// cutoffs or scopes the conditional update gives each commission to one of them.
func TestConcurrentRunsSettleOnce(t *testing.T) {
	for _, c := range []struct {
		name   string
		scopes func(now time.Time, people []network.Distributor) [2]scope
	}{
		{"same cutoff", func(now time.Time, _ []network.Distributor) [2]scope { return [2]scope{{now, 0}, {now, 0}} }},
		{"different cutoffs", func(now time.Time, _ []network.Distributor) [2]scope {
			return [2]scope{{now, 0}, {now.Add(-time.Second), 0}}
		}},
		{"everyone and one on request", func(now time.Time, p []network.Distributor) [2]scope {
			return [2]scope{{now, 0}, {now, p[4].ID}}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, people, _ := busyShop(t)
			scopes := c.scopes(s.DB.Now(), people)
			runs := make([]settlement.Run, 2)
			var wg sync.WaitGroup
			for i, sc := range scopes {
				wg.Go(func() {
					r, err := node(s).Run(ctx, sc.cutoff, sc.distributor)
					if err != nil {
						t.Errorf("node %d: %v", i, err)
					}
					runs[i] = r
				})
			}
			wg.Wait()
			if runs[0].ID == runs[1].ID {
				// One run, shared: the second node returned it, possibly while it was running.
				r, err := s.Settlement.GetRun(ctx, runs[0].ID)
				if err != nil || r.Status != settlement.Completed {
					t.Fatalf("shared run: %+v %v", r, err)
				}
				settledOnce(t, s, r)
				return
			}
			for _, r := range runs {
				if r.Status != settlement.Completed {
					t.Fatalf("run %+v", r)
				}
			}
			settledOnce(t, s, runs...)
		})
	}
}

type scope struct {
	cutoff      time.Time
	distributor int64
}

// Refunds racing a run: each refund of a settled commission claws back from available, each of a
// frozen one reverses frozen money, never the wrong account.
func TestRunRacingRefundsKeepsTheBooks(t *testing.T) {
	s, _, orders := busyShop(t)
	var wg sync.WaitGroup
	wg.Go(func() {
		r, err := node(s).Run(ctx, time.Time{}, 0)
		if err != nil || r.Status != settlement.Completed {
			t.Errorf("run: %+v %v", r, err)
		}
	})
	for _, o := range orders {
		wg.Go(func() {
			_, err := s.Orders.Refund(ctx, o.ID, order.RefundInput{Reason: "退货", Lines: []order.RefundLineInput{{LineID: o.Lines[1].ID, Quantity: 1}}})
			if err != nil {
				t.Errorf("refund: %v", err)
			}
		})
	}
	wg.Wait()
	s.verify()
	// Whatever the interleaving, a later run states the clawbacks and the books still agree.
	s.Clock.Advance(time.Minute)
	r := s.run(time.Time{}, 0)
	if r.Status != settlement.Completed {
		t.Fatalf("second run: %+v", r)
	}
	s.verify()
}
