package attribution_test

import (
	"context"
	"testing"
	"time"

	"github.com/fenxiao/fenxiao/internal/attribution"
	"github.com/fenxiao/fenxiao/internal/clock"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/db/dbtest"
	"github.com/fenxiao/fenxiao/internal/network"
	"github.com/fenxiao/fenxiao/internal/settings"
)

const day = 24 * time.Hour

// world is one shop: a database, the services, and distributors known by short names.
type world struct {
	t   *testing.T
	ctx context.Context
	db  *db.DB
	clk *clock.Manual
	svc *attribution.Service
	net *network.Service
	ds  map[string]network.Distributor
}

// newWorld opens a database whose applications are approved at once, with binding settings b.
func newWorld(t *testing.T, b settings.Binding) *world {
	t.Helper()
	d, clk := dbtest.Open(t)
	w := &world{t: t, ctx: context.Background(), db: d, clk: clk, svc: &attribution.Service{DB: d},
		net: &network.Service{DB: d}, ds: map[string]network.Distributor{}}
	w.setNetwork(settings.ReviewAuto)
	w.setBinding(b)
	return w
}

func (w *world) setNetwork(review string) {
	w.t.Helper()
	n := settings.DefaultNetwork()
	n.ReviewMode = review
	w.must(w.db.InTx(w.ctx, func(tx *db.Tx) error { return settings.SaveNetwork(w.ctx, tx, n) }))
}

func (w *world) setBinding(b settings.Binding) {
	w.t.Helper()
	w.must(w.db.InTx(w.ctx, func(tx *db.Tx) error { return settings.SaveBinding(w.ctx, tx, b) }))
}

func (w *world) must(err error) {
	w.t.Helper()
	if err != nil {
		w.t.Fatal(err)
	}
}

// distributor applies as name with phone; under parent's invite code when parent is not "".
func (w *world) distributor(name, phone, parent string) network.Distributor {
	w.t.Helper()
	app := network.Application{Name: name, Phone: phone}
	if parent != "" {
		app.InviteCode = *w.ds[parent].InviteCode
	}
	d, err := w.net.Apply(w.ctx, app)
	w.must(err)
	w.ds[name] = d
	return d
}

func (w *world) freeze(name string) {
	w.t.Helper()
	_, err := w.net.Freeze(w.ctx, w.ds[name].ID, "test")
	w.must(err)
}

func (w *world) unfreeze(name string) {
	w.t.Helper()
	_, err := w.net.Unfreeze(w.ctx, w.ds[name].ID)
	w.must(err)
}

func (w *world) ref(name string) string {
	if name == "" {
		return ""
	}
	d, ok := w.ds[name]
	if !ok {
		w.t.Fatalf("no distributor %q in this test", name)
	}
	return d.Code
}

// name returns the short name of the distributor with id, "" for 0.
func (w *world) name(id int64) string {
	if id == 0 {
		return ""
	}
	for n, d := range w.ds {
		if d.ID == id {
			return n
		}
	}
	w.t.Fatalf("unknown distributor id %d", id)
	return ""
}

// tryOrder attributes an order by the customer with phone through the distributor named via.
func (w *world) tryOrder(phone, via string) (attribution.Attribution, error) {
	var a attribution.Attribution
	err := w.db.InTx(w.ctx, func(tx *db.Tx) error {
		cid, err := w.svc.UpsertCustomer(w.ctx, tx, phone, "")
		if err != nil {
			return err
		}
		a, err = w.svc.Attribute(w.ctx, tx, cid, w.ref(via))
		return err
	})
	return a, err
}

func (w *world) order(phone, via string) attribution.Attribution {
	w.t.Helper()
	a, err := w.tryOrder(phone, via)
	w.must(err)
	return a
}

// click binds the customer with phone through the link of the distributor named via.
func (w *world) click(phone, via string) {
	w.t.Helper()
	w.must(w.db.InTx(w.ctx, func(tx *db.Tx) error {
		cid, err := w.svc.UpsertCustomer(w.ctx, tx, phone, "")
		if err != nil {
			return err
		}
		return w.svc.Bind(w.ctx, tx, cid, w.ref(via))
	}))
}

func (w *world) customerID(phone string) int64 {
	w.t.Helper()
	var id int64
	w.must(w.db.InTx(w.ctx, func(tx *db.Tx) error {
		var err error
		id, err = w.svc.UpsertCustomer(w.ctx, tx, phone, "")
		return err
	}))
	return id
}

// binding returns the customer's binding row, nil when none.
func (w *world) binding(phone string) *attribution.BindingRow {
	w.t.Helper()
	b, err := w.svc.BindingOf(w.ctx, w.db.R, w.customerID(phone))
	w.must(err)
	return b
}

// boundTo names where the customer's binding points, expired or not; "" when there is none.
func (w *world) boundTo(phone string) string {
	w.t.Helper()
	b := w.binding(phone)
	if b == nil {
		return ""
	}
	return w.name(b.DistributorID)
}

func (w *world) count(table string) int {
	w.t.Helper()
	var n int
	w.must(w.db.R.QueryRowContext(w.ctx, `SELECT count(*) FROM `+table).Scan(&n))
	return n
}
