package web

import (
	"fmt"
	"testing"

	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/ledger"
	"github.com/fenxiao/fenxiao/internal/network"
	"github.com/fenxiao/fenxiao/internal/order"
	"github.com/fenxiao/fenxiao/internal/payout"
	"github.com/fenxiao/fenxiao/internal/settings"
)

// adminFinanceEnv is the console with the payout service plugged in, as serve wires it.
type adminFinanceEnv struct {
	*adminEnv
	Payout  *payout.Service
	settles int
	earned  int
}

func newAdminFinanceEnv(t testing.TB) *adminFinanceEnv {
	t.Helper()
	e := &adminFinanceEnv{adminEnv: newAdminEnv(t)}
	e.Payout = payout.New(e.DB, e.S.Orders.Ledger)
	e.S.UsePayout(e.Payout)
	return e
}

// financeEarn gives level-1 d exactly fen of available commission: under the default plan
// (l1_direct 1000 bp) an order of fen × 10 through d's code earns fen, and financeSettle makes
// it available.
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

// financeSettle stands in for a settlement run (copied from internal/payout's tests): it moves
// every frozen commission to available, one posting per distributor.
func (e *adminFinanceEnv) financeSettle() {
	e.t.Helper()
	e.settles++
	err := e.DB.InTx(e.ctx, func(tx *db.Tx) error {
		rows, err := tx.Query(`SELECT distributor_id, sum(amount_fen - reversed_fen) FROM commissions WHERE status = 'frozen' GROUP BY distributor_id`)
		if err != nil {
			return err
		}
		sums := map[int64]int64{}
		for rows.Next() {
			var id, fen int64
			if err := rows.Scan(&id, &fen); err != nil {
				rows.Close()
				return err
			}
			sums[id] = fen
		}
		rows.Close()
		for id, fen := range sums {
			_, _, err := e.S.Orders.Ledger.Post(e.ctx, tx, ledger.Posting{Key: fmt.Sprintf("web-test-settle:%d:%d", id, e.settles), Cause: "settlement",
				Entries: []ledger.Entry{{OwnerID: id, Kind: ledger.Frozen, AmountFen: -fen}, {OwnerID: id, Kind: ledger.Available, AmountFen: fen}}})
			if err != nil {
				return err
			}
		}
		_, err = tx.Exec(`UPDATE commissions SET status = 'available', settled_at = $1 WHERE status = 'frozen'`, tx.Now)
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
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
