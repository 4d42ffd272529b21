package payout_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/clock"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/db/dbtest"
	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/ledger"
	"github.com/fenxiao/fenxiao/internal/network"
	"github.com/fenxiao/fenxiao/internal/order"
	"github.com/fenxiao/fenxiao/internal/payout"
	"github.com/fenxiao/fenxiao/internal/settings"
	"github.com/fenxiao/fenxiao/internal/settlement"
	"github.com/fenxiao/fenxiao/internal/shoptest"
	"github.com/fenxiao/fenxiao/internal/verify"
)

var ctx = context.Background()

// shop is a fresh database with the services a withdrawal test needs.
type shop struct {
	t       testing.TB
	DB      *db.DB
	Clock   *clock.Manual
	Orders  *order.Service
	Catalog *catalog.Service
	Network *network.Service
	Payout  *payout.Service
	phones  int
	orders  int
	settles int
}

func newShop(t testing.TB) *shop {
	d, clk := dbtest.Open(t)
	o := order.New(d)
	return &shop{t: t, DB: d, Clock: clk, Orders: o, Catalog: &catalog.Service{DB: d}, Network: &network.Service{DB: d},
		Payout: payout.New(d, o.Ledger)}
}

func (s *shop) distributor(name string) network.Distributor {
	s.t.Helper()
	s.phones++
	d, err := s.Network.Apply(ctx, network.Application{Name: name, Phone: fmt.Sprintf("139%08d", s.phones)})
	if err != nil {
		s.t.Fatal(err)
	}
	if d, err = s.Network.Approve(ctx, d.ID); err != nil {
		s.t.Fatal(err)
	}
	return d
}

// earn gives level-1 d exactly fen of settled commission: under the default plan (l1_direct
// 1000 bp) an order of fen × 10 through d's code earns fen, and settle makes it available.
func (s *shop) earn(d network.Distributor, fen int64) {
	s.t.Helper()
	distributable := true
	p, err := s.Catalog.Create(ctx, catalog.ProductInput{Name: fmt.Sprintf("茶%d", s.orders), Distributable: &distributable,
		SKUs: []catalog.SKUInput{{PriceFen: fen * 10, Stock: 1}}})
	if err != nil {
		s.t.Fatal(err)
	}
	s.orders++
	o, _, err := s.Orders.Create(ctx, order.Input{CustomerName: "顾客", CustomerPhone: fmt.Sprintf("137%08d", s.orders),
		ShipAddress: "杭州市西湖区", Ref: d.Code, Lines: []order.LineInput{{SKUID: p.SKUs[0].ID, Quantity: 1}}})
	if err != nil {
		s.t.Fatal(err)
	}
	if o, err = s.Orders.Pay(ctx, o.ID, order.PayInput{AmountFen: o.TotalFen, Provider: "sandbox", Reference: "P" + o.OrderNo}); err != nil {
		s.t.Fatal(err)
	}
	s.settle()
}

// settle completes every open order, lets the refund window pass and runs a real settlement, so
// every frozen commission becomes available the way it does in a shop.
func (s *shop) settle() {
	s.t.Helper()
	shoptest.SettleAll(s.t, s.Orders, settlement.New(s.DB, s.Orders.Ledger, nil), s.Clock)
}

func (s *shop) setWithdrawal(w settings.Withdrawal) {
	s.t.Helper()
	if err := s.DB.InTx(ctx, func(tx *db.Tx) error { return settings.SaveWithdrawal(ctx, tx, w) }); err != nil {
		s.t.Fatal(err)
	}
}

func (s *shop) balance(id int64) ledger.Balance {
	s.t.Helper()
	b, err := s.Orders.Ledger.Balance(ctx, s.DB.R, id)
	if err != nil {
		s.t.Fatal(err)
	}
	return b
}

// fees is the merchant's fees account.
func (s *shop) fees() int64 {
	s.t.Helper()
	var fen int64
	err := s.DB.R.QueryRow(`SELECT COALESCE(sum(balance_fen), 0) FROM ledger_accounts WHERE owner_id = 0 AND kind = 'fees'`).Scan(&fen)
	if err != nil {
		s.t.Fatal(err)
	}
	return fen
}

func (s *shop) verify() {
	s.t.Helper()
	b, err := verify.Run(ctx, s.DB)
	if err != nil || len(b) > 0 {
		s.t.Fatalf("verify: %v %+v", err, b)
	}
}

// request asks for a withdrawal to a wallet and fails the test on error.
func (s *shop) request(d network.Distributor, fen int64) payout.Withdrawal {
	s.t.Helper()
	w, _, err := s.Payout.Request(ctx, payout.RequestInput{DistributorID: d.ID, AmountFen: fen, Method: payout.Wallet})
	if err != nil {
		s.t.Fatalf("request ¥%d.%02d: %v", fen/100, fen%100, err)
	}
	return w
}

// must unwraps a withdrawal, failing the test on error: must(t)(s.Payout.Approve(ctx, id)).
func must(t testing.TB) func(payout.Withdrawal, error) payout.Withdrawal {
	return func(w payout.Withdrawal, err error) payout.Withdrawal {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
}

func catalogInput(name string, priceFen int64, distributable *bool) catalog.ProductInput {
	return catalog.ProductInput{Name: name, Distributable: distributable, SKUs: []catalog.SKUInput{{PriceFen: priceFen, Stock: 10}}}
}

func networkApp(name, phone string) network.Application {
	return network.Application{Name: name, Phone: phone}
}

// refused checks err is the domain error code and that its message mentions each of words.
func refused(t testing.TB, err error, code string, words ...string) {
	t.Helper()
	if !errs.Is(err, code) {
		t.Fatalf("want %s, got %v", code, err)
	}
	for _, w := range words {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%s message %q does not mention %q", code, err.Error(), w)
		}
	}
}
