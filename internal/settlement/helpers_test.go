package settlement_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/clock"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/db/dbtest"
	"github.com/fenxiao/fenxiao/internal/ledger"
	"github.com/fenxiao/fenxiao/internal/network"
	"github.com/fenxiao/fenxiao/internal/order"
	"github.com/fenxiao/fenxiao/internal/payout"
	"github.com/fenxiao/fenxiao/internal/settings"
	"github.com/fenxiao/fenxiao/internal/settlement"
	"github.com/fenxiao/fenxiao/internal/verify"
)

var ctx = context.Background()

// shop is a fresh database with the services a settlement test needs.
type shop struct {
	t          testing.TB
	DB         *db.DB
	Clock      *clock.Manual
	Orders     *order.Service
	Catalog    *catalog.Service
	Network    *network.Service
	Settlement *settlement.Service
	Payout     *payout.Service
	phones     int
	posts      int
}

func newShop(t testing.TB) *shop {
	d, clk := dbtest.Open(t)
	orders := order.New(d)
	return &shop{t: t, DB: d, Clock: clk, Orders: orders, Catalog: &catalog.Service{DB: d}, Network: &network.Service{DB: d},
		Settlement: settlement.New(d, orders.Ledger, nil), Payout: payout.New(d, orders.Ledger)}
}

// at moves the clock to a time given in Beijing time, "2006-01-02 15:04".
func (s *shop) at(beijing string) {
	s.t.Helper()
	s.Clock.Set(cst(s.t, beijing))
}

func cst(t testing.TB, beijing string) time.Time {
	t.Helper()
	tm, err := time.ParseInLocation("2006-01-02 15:04", beijing, time.FixedZone("CST", 8*3600))
	if err != nil {
		t.Fatal(err)
	}
	return tm.UTC()
}

func (s *shop) product(name string, priceFen int64) int64 {
	s.t.Helper()
	yes := true
	p, err := s.Catalog.Create(ctx, catalog.ProductInput{Name: name, Distributable: &yes, SKUs: []catalog.SKUInput{{PriceFen: priceFen, Stock: 1e6}}})
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

type buy struct {
	sku int64
	qty int64
}

// order places and pays an order through ref.
func (s *shop) order(ref string, discount, shipping int64, lines ...buy) order.Order {
	s.t.Helper()
	s.phones++
	in := order.Input{CustomerName: "顾客", CustomerPhone: fmt.Sprintf("137%08d", s.phones), ShipAddress: "杭州市西湖区", Ref: ref, DiscountFen: discount, ShippingFen: shipping}
	for _, l := range lines {
		in.Lines = append(in.Lines, order.LineInput{SKUID: l.sku, Quantity: l.qty})
	}
	o, _, err := s.Orders.Create(ctx, in)
	if err != nil {
		s.t.Fatalf("place order: %v", err)
	}
	o, err = s.Orders.Pay(ctx, o.ID, order.PayInput{AmountFen: o.TotalFen, Provider: "sandbox", Reference: "P" + o.OrderNo})
	if err != nil {
		s.t.Fatalf("pay order: %v", err)
	}
	return o
}

// complete ships and completes an order: its commissions become settleable freeze_days later.
func (s *shop) complete(o order.Order) {
	s.t.Helper()
	if _, err := s.Orders.Ship(ctx, o.ID, order.ShipInput{Carrier: "顺丰", TrackingNo: "SF" + o.OrderNo}); err != nil {
		s.t.Fatal(err)
	}
	if _, err := s.Orders.Complete(ctx, o.ID); err != nil {
		s.t.Fatal(err)
	}
}

func (s *shop) refund(o order.Order, lineIdx int, qty int64) {
	s.t.Helper()
	_, err := s.Orders.Refund(ctx, o.ID, order.RefundInput{Reason: "退货", Lines: []order.RefundLineInput{{LineID: o.Lines[lineIdx].ID, Quantity: qty}}})
	if err != nil {
		s.t.Fatalf("refund: %v", err)
	}
}

// post writes a posting by hand: withdrawals stand in for the withdrawal issue's postings, with
// the causes it uses.
func (s *shop) post(cause string, entries ...ledger.Entry) {
	s.t.Helper()
	s.posts++
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		_, _, err := s.Orders.Ledger.Post(ctx, tx, ledger.Posting{Key: fmt.Sprintf("test:%d", s.posts), Cause: cause, CauseID: fmt.Sprint(s.posts), Entries: entries})
		return err
	})
	if err != nil {
		s.t.Fatal(err)
	}
}

// withdraw takes fen from available into withdrawing; giveBack returns it (rejected or failed).
// Both go through the real withdrawal service (with a 1 fen minimum and no fee in these shops).
func (s *shop) withdraw(d int64, fen int64) {
	s.t.Helper()
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		w := settings.DefaultWithdrawal()
		w.MinFen, w.FeeBP, w.FeeMinFen, w.DailyCount = 1, 0, 0, 100
		return settings.SaveWithdrawal(ctx, tx, w)
	})
	if err != nil {
		s.t.Fatal(err)
	}
	if _, _, err := s.Payout.Request(ctx, payout.RequestInput{DistributorID: d, AmountFen: fen, Method: payout.Wallet}); err != nil {
		s.t.Fatalf("withdraw %d: %v", fen, err)
	}
}

func (s *shop) giveBack(d int64, fen int64) {
	s.t.Helper()
	p, err := s.Payout.List(ctx, payout.Filter{DistributorID: d, Status: payout.Requested})
	if err != nil {
		s.t.Fatal(err)
	}
	for _, w := range p.Items {
		if w.AmountFen == fen {
			if _, err := s.Payout.Reject(ctx, w.ID, "test"); err != nil {
				s.t.Fatal(err)
			}
			return
		}
	}
	s.t.Fatalf("no requested withdrawal of %d", fen)
}

func (s *shop) balance(id int64) ledger.Balance {
	s.t.Helper()
	b, err := s.Orders.Ledger.Balance(ctx, s.DB.R, id)
	if err != nil {
		s.t.Fatal(err)
	}
	return b
}

// run settles and requires the run to complete.
func (s *shop) run(cutoff time.Time, distributorID int64) settlement.Run {
	s.t.Helper()
	r, err := s.Settlement.Run(ctx, cutoff, distributorID)
	if err != nil {
		s.t.Fatalf("settlement run: %v", err)
	}
	if r.Status != settlement.Completed {
		s.t.Fatalf("settlement run %d is %s: %s", r.ID, r.Status, r.Error)
	}
	return r
}

// statements returns a run's statements by distributor, with their lines.
func (s *shop) statements(runID int64) map[int64]settlement.Statement {
	s.t.Helper()
	p, err := s.Settlement.ListStatements(ctx, settlement.StatementFilter{RunID: runID, PerPage: 100})
	if err != nil {
		s.t.Fatal(err)
	}
	out := map[int64]settlement.Statement{}
	for _, st := range p.Items {
		full, err := s.Settlement.GetStatement(ctx, st.ID)
		if err != nil {
			s.t.Fatal(err)
		}
		out[st.DistributorID] = full
	}
	return out
}

func (s *shop) count(query string, args ...any) int64 {
	s.t.Helper()
	var n int64
	if err := s.DB.R.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		s.t.Fatalf("%s: %v", query, err)
	}
	return n
}

func (s *shop) verify() {
	s.t.Helper()
	b, err := verify.Run(ctx, s.DB)
	if err != nil || len(b) > 0 {
		s.t.Fatalf("verify: %v %+v", err, b)
	}
}
