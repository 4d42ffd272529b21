package web

import (
	"fmt"
	"testing"
	"time"

	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/ledger"
	"github.com/fenxiao/fenxiao/internal/network"
	"github.com/fenxiao/fenxiao/internal/order"
	"github.com/fenxiao/fenxiao/internal/payout"
	"github.com/fenxiao/fenxiao/internal/settings"
	"github.com/fenxiao/fenxiao/internal/settlement"
)

// adminFinanceEnv is the console with the payout service plugged in, as serve wires it.
type adminFinanceEnv struct {
	*adminEnv
	Payout *payout.Service
	Settle *settlement.Service
	earned int
}

func newAdminFinanceEnv(t testing.TB) *adminFinanceEnv {
	t.Helper()
	e := &adminFinanceEnv{adminEnv: newAdminEnv(t)}
	e.Payout = payout.New(e.DB, e.S.Orders.Ledger)
	e.S.UsePayout(e.Payout)
	e.Settle = settlement.New(e.DB, e.S.Orders.Ledger, nil)
	e.S.UseSettlement(e.Settle)
	t.Cleanup(e.Settle.Wait) // runs started from the console end before the database closes
	return e
}

// financeEarn gives level-1 d exactly fen of available commission: under the default plan
// (l1_direct 1000 bp) an order of fen × 10 through d's code earns fen, and financeSettle makes
// it (and anything else earned so far) available.
func (e *adminFinanceEnv) financeEarn(d network.Distributor, fen int64) {
	e.t.Helper()
	e.earned++
	distributable := true
	p, err := e.S.Catalog.Create(e.ctx, catalog.ProductInput{Name: fmt.Sprintf("佣金茶%d", e.earned), Distributable: &distributable,
		SKUs: []catalog.SKUInput{{PriceFen: fen * 10, Stock: 1}}})
	if err != nil {
		e.t.Fatal(err)
	}
	e.paidOrder(d.Code, 0, 0, order.LineInput{SKUID: p.SKUs[0].ID, Quantity: 1})
	e.financeSettle()
}

// financeSettle settles the way internal/payout's tests do, through the real service: every
// open order is shipped and completed, the clock passes the freeze days, and a run for everyone
// up to now moves the commission from frozen to available and draws the statements.
func (e *adminFinanceEnv) financeSettle() settlement.Run {
	e.t.Helper()
	e.financeMature()
	r, err := e.Settle.Run(e.ctx, time.Time{}, 0)
	if err != nil || r.Status != settlement.Completed {
		e.t.Fatalf("settlement run: %v %+v", err, r)
	}
	return r
}

// financeMature ships and completes every open order and moves the clock past the freeze days,
// so all commission so far is settleable.
func (e *adminFinanceEnv) financeMature() {
	e.t.Helper()
	rows, err := e.DB.R.Query(`SELECT id, status FROM orders WHERE status IN ('paid', 'shipped', 'delivered') ORDER BY id`)
	if err != nil {
		e.t.Fatal(err)
	}
	type open struct {
		id int64
		st order.Status
	}
	var orders []open
	for rows.Next() {
		var o open
		if err := rows.Scan(&o.id, &o.st); err != nil {
			e.t.Fatal(err)
		}
		orders = append(orders, o)
	}
	rows.Close()
	for _, o := range orders {
		if o.st == order.Paid {
			if _, err := e.S.Orders.Ship(e.ctx, o.id, order.ShipInput{Carrier: "顺丰", TrackingNo: fmt.Sprint("SF", o.id)}); err != nil {
				e.t.Fatalf("ship order %d: %v", o.id, err)
			}
		}
		if _, err := e.S.Orders.Complete(e.ctx, o.id); err != nil {
			e.t.Fatalf("complete order %d: %v", o.id, err)
		}
	}
	cs, err := settings.LoadCommission(e.ctx, e.DB.R)
	if err != nil {
		e.t.Fatal(err)
	}
	e.Clock.Advance(time.Duration(cs.FreezeDays)*24*time.Hour + time.Second)
}

func (e *adminFinanceEnv) financeSetWithdrawal(w settings.Withdrawal) {
	e.t.Helper()
	if err := e.DB.InTx(e.ctx, func(tx *db.Tx) error { return settings.SaveWithdrawal(e.ctx, tx, w) }); err != nil {
		e.t.Fatal(err)
	}
}

func (e *adminFinanceEnv) financeBalance(id int64) ledger.Balance {
	e.t.Helper()
	b, err := e.S.Orders.Ledger.Balance(e.ctx, e.DB.R, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

// financeFees is the merchant's fees account: what it kept from paid withdrawals.
func (e *adminFinanceEnv) financeFees() int64 {
	e.t.Helper()
	return e.count(`SELECT COALESCE(sum(balance_fen), 0) FROM ledger_accounts WHERE owner_id = 0 AND kind = 'fees'`)
}

// financeRequest asks for a withdrawal as the distributor would, failing the test on error.
func (e *adminFinanceEnv) financeRequest(d network.Distributor, fen int64, m payout.Method, a payout.Account) payout.Withdrawal {
	e.t.Helper()
	w, _, err := e.Payout.Request(e.ctx, payout.RequestInput{DistributorID: d.ID, AmountFen: fen, Method: m, Account: a})
	if err != nil {
		e.t.Fatalf("request %d fen: %v", fen, err)
	}
	return w
}

func (e *adminFinanceEnv) financeGet(id int64) payout.Withdrawal {
	e.t.Helper()
	w, err := e.Payout.Get(e.ctx, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return w
}

// financeWantBalance checks a distributor's balances against figures computed by hand.
func (e *adminFinanceEnv) financeWantBalance(id int64, want ledger.Balance) {
	e.t.Helper()
	if got := e.financeBalance(id); got != want {
		e.t.Fatalf("balance of %d:\n got %+v\nwant %+v", id, got, want)
	}
}
