package attribution_test

import (
	"sync"
	"testing"
	"time"

	"github.com/fenxiao/fenxiao/internal/attribution"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/settings"
)

// Phones of the test's people. A distributor's phone doubles as their phone as a customer.
const (
	phoneA   = "13800000001"
	phoneB   = "13800000002"
	phoneC   = "13800000003"
	phoneD   = "13800000004"
	customer = "13900000001"
)

// step is one click or order by the customer, and what must hold after it.
type step struct {
	after  time.Duration // move the clock first
	click  bool          // a click binding through via, no order
	via    string        // the distributor whose link or code is used; "" for none
	credit string        // who the order credits; "" for nobody (orders only)
	reason string        // the order's Reason
	bound  string        // where the binding points afterwards, expired or not
}

// The four behaviours the browser test relies on: a customer reaches the shop through A, then B.
func TestModes(t *testing.T) {
	first := settings.Binding{Mode: settings.BindFirst, BindingDays: 30}
	last := settings.Binding{Mode: settings.BindLast, BindingDays: 30}
	permanent := settings.Binding{Mode: settings.BindPermanent, BindingDays: 30}
	cases := []struct {
		name  string
		cfg   settings.Binding
		steps []step
	}{
		{"first: A keeps the customer when B refers later", first, []step{
			{via: "A", credit: "A", bound: "A"},
			{via: "B", credit: "A", bound: "A"},
			{credit: "A", bound: "A"},
			{click: true, via: "B", bound: "A"},
			{credit: "A", bound: "A"},
		}},
		{"first: a click binds before any order", first, []step{
			{click: true, via: "A", bound: "A"},
			{via: "B", credit: "A", bound: "A"},
		}},
		{"first: the bound distributor's own ref does not extend the binding", first, []step{
			{via: "A", credit: "A", bound: "A"},
			{after: 20 * day, via: "A", credit: "A", bound: "A"},
			{after: 20 * day, credit: "", reason: attribution.ReasonBindingExpired, bound: "A"},
		}},
		{"last: each ref moves the customer", last, []step{
			{via: "A", credit: "A", bound: "A"},
			{via: "B", credit: "B", bound: "B"},
			{credit: "B", bound: "B"},
			{click: true, via: "A", bound: "A"},
			{credit: "A", bound: "A"},
		}},
		{"last: a ref renews the expiry", last, []step{
			{via: "A", credit: "A", bound: "A"},
			{after: 20 * day, via: "A", credit: "A", bound: "A"},
			{after: 20 * day, credit: "A", bound: "A"},
			{after: 10 * day, credit: "", reason: attribution.ReasonBindingExpired, bound: "A"},
		}},
		{"permanent: never moves, never expires", permanent, []step{
			{via: "A", credit: "A", bound: "A"},
			{after: 400 * day, via: "B", credit: "A", bound: "A"},
			{click: true, via: "B", bound: "A"},
			{credit: "A", bound: "A"},
		}},
		{"expired: credits nobody until a ref replaces it", first, []step{
			{via: "A", credit: "A", bound: "A"},
			{after: 30*day - time.Second, credit: "A", bound: "A"},
			{after: time.Second, credit: "", reason: attribution.ReasonBindingExpired, bound: "A"},
			{via: "B", credit: "B", reason: attribution.ReasonBindingExpired, bound: "B"},
			{credit: "B", bound: "B"},
		}},
		{"expired: a click replaces it too", first, []step{
			{click: true, via: "A", bound: "A"},
			{after: 31 * day, click: true, via: "B", bound: "B"},
			{via: "A", credit: "B", bound: "B"},
		}},
		{"binding_days 0: never expires", settings.Binding{Mode: settings.BindFirst}, []step{
			{via: "A", credit: "A", bound: "A"},
			{after: 3650 * day, via: "B", credit: "A", bound: "A"},
		}},
		{"no ref and no binding credits nobody", first, []step{
			{credit: "", reason: attribution.ReasonNoRefNoBinding, bound: ""},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, tc.cfg)
			w.distributor("A", phoneA, "")
			w.distributor("B", phoneB, "")
			for i, s := range tc.steps {
				w.clk.Advance(s.after)
				if s.click {
					w.click(customer, s.via)
				} else {
					a := w.order(customer, s.via)
					if got := w.name(a.DistributorID); got != s.credit || a.Reason != s.reason {
						t.Errorf("step %d (via %q): credited %q reason %q, want %q reason %q", i, s.via, got, a.Reason, s.credit, s.reason)
					}
					if a.CustomerID != w.customerID(customer) {
						t.Errorf("step %d: customer id %d", i, a.CustomerID)
					}
				}
				if got := w.boundTo(customer); got != s.bound {
					t.Errorf("step %d (via %q): bound to %q, want %q", i, s.via, got, s.bound)
				}
			}
			if b := w.binding(customer); tc.cfg.Mode == settings.BindPermanent && b.ExpiresAt != nil {
				t.Errorf("permanent binding expires at %v", b.ExpiresAt)
			}
		})
	}
}

// A binding's expiry, its source, and the history a merchant reads.
func TestBindingRowAndEvents(t *testing.T) {
	w := newWorld(t, settings.Binding{Mode: settings.BindLast, BindingDays: 7})
	a, b := w.distributor("A", phoneA, ""), w.distributor("B", phoneB, "")
	w.order(customer, "A")
	w.clk.Advance(time.Hour)
	w.click(customer, "B")
	w.clk.Advance(time.Hour)
	w.order(customer, "B")

	start := w.clk.Now().Add(-2 * time.Hour)
	row := w.binding(customer)
	wantExp := start.Add(2*time.Hour + 7*day)
	if row.DistributorID != b.ID || row.Source != attribution.BoundByRef || !row.BoundAt.Equal(start.Add(2*time.Hour)) ||
		row.ExpiresAt == nil || !row.ExpiresAt.Equal(wantExp) {
		t.Errorf("binding = %+v, want B by ref, bound at +2h, expiring %v", row, wantExp)
	}
	evs, err := w.svc.Events(w.ctx, w.db.R, w.customerID(customer))
	w.must(err)
	want := []attribution.Event{
		{FromDistributorID: 0, ToDistributorID: a.ID, At: start, Source: attribution.BoundByRef},
		{FromDistributorID: a.ID, ToDistributorID: b.ID, At: start.Add(time.Hour), Source: attribution.BoundByClick},
		{FromDistributorID: b.ID, ToDistributorID: b.ID, At: start.Add(2 * time.Hour), Source: attribution.BoundByRef},
	}
	if len(evs) != len(want) {
		t.Fatalf("events = %+v", evs)
	}
	for i := range want {
		g := evs[i]
		if g.FromDistributorID != want[i].FromDistributorID || g.ToDistributorID != want[i].ToDistributorID ||
			!g.At.Equal(want[i].At) || g.Source != want[i].Source {
			t.Errorf("event %d = %+v, want %+v", i, g, want[i])
		}
	}
}

func TestSelfPurchase(t *testing.T) {
	for _, on := range []bool{false, true} {
		t.Run(map[bool]string{false: "off", true: "on"}[on], func(t *testing.T) {
			w := newWorld(t, settings.Binding{Mode: settings.BindFirst, BindingDays: 30, SelfPurchase: on})
			w.distributor("A", phoneA, "")
			// A buys through A's own link, typing the phone another way.
			a := w.order("+86 138-0000-0001", "A")
			if on && (w.name(a.DistributorID) != "A" || a.Source != attribution.SourceRef || a.Reason != "") {
				t.Errorf("self purchase on: %+v, want A by ref", a)
			}
			if !on && (a.DistributorID != 0 || a.Source != attribution.SourceNone || a.Reason != attribution.ReasonSelfPurchaseOff) {
				t.Errorf("self purchase off: %+v, want nobody, self_purchase_off", a)
			}
			w.click(phoneA, "A")
			if got := w.boundTo(phoneA); got != "" {
				t.Errorf("a customer was bound to their own distributor account (%s)", got)
			}
			if n := w.count("bindings"); n != 0 {
				t.Errorf("%d bindings, want none", n)
			}
		})
	}
}

// In last mode, a distributor's own link neither moves their binding nor, with self-purchase off,
// takes the order from the distributor they are bound to as a customer.
func TestSelfPurchaseFallsBackToBinding(t *testing.T) {
	w := newWorld(t, settings.Binding{Mode: settings.BindLast, BindingDays: 30})
	w.distributor("A", phoneA, "")
	w.distributor("B", phoneB, "")
	w.order(phoneA, "B")
	a := w.order(phoneA, "A")
	if w.name(a.DistributorID) != "B" || a.Source != attribution.SourceBinding || a.Reason != attribution.ReasonSelfPurchaseOff {
		t.Errorf("got %+v, want B by binding with reason self_purchase_off", a)
	}
	if got := w.boundTo(phoneA); got != "B" {
		t.Errorf("bound to %q, want B", got)
	}
}

func TestFrozenDistributor(t *testing.T) {
	t.Run("first: a frozen binding is kept but does not credit", func(t *testing.T) {
		w := newWorld(t, settings.Binding{Mode: settings.BindFirst, BindingDays: 30})
		w.distributor("A", phoneA, "")
		w.distributor("B", phoneB, "")
		w.order(customer, "A")
		w.freeze("A")
		steps := []struct {
			via, credit, source, reason string
		}{
			{"", "", attribution.SourceNone, attribution.ReasonDistributorFrozen},
			{"A", "", attribution.SourceNone, attribution.ReasonDistributorFrozen},
			{"B", "B", attribution.SourceRef, attribution.ReasonDistributorFrozen},
		}
		for _, s := range steps {
			a := w.order(customer, s.via)
			if w.name(a.DistributorID) != s.credit || a.Source != s.source || a.Reason != s.reason {
				t.Errorf("via %q: %+v, want %q %s %s", s.via, a, s.credit, s.source, s.reason)
			}
			if got := w.boundTo(customer); got != "A" {
				t.Errorf("via %q: bound to %q, want A kept", s.via, got)
			}
		}
		w.unfreeze("A")
		if a := w.order(customer, "B"); w.name(a.DistributorID) != "A" || a.Source != attribution.SourceBinding {
			t.Errorf("after unfreezing: %+v, want A by binding", a)
		}
	})
	t.Run("last: a ref moves a frozen binding", func(t *testing.T) {
		w := newWorld(t, settings.Binding{Mode: settings.BindLast, BindingDays: 30})
		w.distributor("A", phoneA, "")
		w.distributor("B", phoneB, "")
		w.order(customer, "A")
		w.freeze("A")
		if a := w.order(customer, ""); a.DistributorID != 0 || a.Reason != attribution.ReasonDistributorFrozen {
			t.Errorf("no ref: %+v, want nobody, distributor_frozen", a)
		}
		if a := w.order(customer, "B"); w.name(a.DistributorID) != "B" || w.boundTo(customer) != "B" {
			t.Errorf("via B: %+v bound to %s, want B", a, w.boundTo(customer))
		}
	})
	t.Run("a frozen or pending ref credits nobody, binds nobody, and the order proceeds", func(t *testing.T) {
		w := newWorld(t, settings.Binding{Mode: settings.BindFirst, BindingDays: 30})
		w.distributor("A", phoneA, "")
		w.freeze("A")
		w.setNetwork(settings.ReviewManual)
		w.distributor("P", phoneB, "")
		for via, reason := range map[string]string{"A": attribution.ReasonDistributorFrozen, "P": attribution.ReasonDistributorPending} {
			a, err := w.tryOrder(customer, via)
			if err != nil || a.DistributorID != 0 || a.Source != attribution.SourceNone || a.Reason != reason {
				t.Errorf("via %s: %+v, %v; want nobody, %s", via, a, err, reason)
			}
			w.click(customer, via)
		}
		if n := w.count("bindings"); n != 0 {
			t.Errorf("%d bindings, want none", n)
		}
	})
}

func TestRefErrors(t *testing.T) {
	w := newWorld(t, settings.DefaultBinding())
	w.distributor("A", phoneA, "")
	cid := w.customerID(customer)
	err := w.db.InTx(w.ctx, func(tx *db.Tx) error {
		_, err := w.svc.Attribute(w.ctx, tx, cid, "NOPE234")
		return err
	})
	var e *errs.Error
	if errs.KindOf(err) != errs.Invalid || !errs.Is(err, "unknown_ref") || !asErr(err, &e) || e.Field != "ref" {
		t.Errorf("unknown ref: %v, want Invalid unknown_ref on ref", err)
	}
	err = w.db.InTx(w.ctx, func(tx *db.Tx) error { return w.svc.Bind(w.ctx, tx, cid, "nope234") })
	if !errs.Is(err, "unknown_ref") {
		t.Errorf("unknown ref on click: %v", err)
	}
	err = w.db.InTx(w.ctx, func(tx *db.Tx) error { return w.svc.Bind(w.ctx, tx, cid, " ") })
	if !errs.Is(err, "ref_required") {
		t.Errorf("empty click ref: %v", err)
	}
	err = w.db.InTx(w.ctx, func(tx *db.Tx) error {
		_, err := w.svc.Attribute(w.ctx, tx, cid+100, w.ref("A"))
		return err
	})
	if errs.KindOf(err) != errs.NotFound || !errs.Is(err, "customer_not_found") {
		t.Errorf("missing customer: %v", err)
	}
	// A code is matched like a typed one: case and spaces do not matter.
	err = w.db.InTx(w.ctx, func(tx *db.Tx) error {
		a, err := w.svc.Attribute(w.ctx, tx, cid, "  "+lower(w.ref("A"))+" ")
		if err == nil && w.name(a.DistributorID) != "A" {
			t.Errorf("lower-case ref credited %+v", a)
		}
		return err
	})
	w.must(err)
	if n := w.count("binding_events"); n != 1 {
		t.Errorf("%d binding events, want 1 (the failed attempts changed nothing)", n)
	}
}

func TestLoopRefused(t *testing.T) {
	t.Run("two distributors bound to each other", func(t *testing.T) {
		w := newWorld(t, settings.Binding{Mode: settings.BindFirst, BindingDays: 30})
		w.distributor("DC", phoneA, "")
		w.distributor("D", phoneB, "")
		w.order(phoneB, "DC") // D, as a customer, is bound to DC
		a := w.order(phoneA, "D")
		if w.name(a.DistributorID) != "D" || a.Source != attribution.SourceRef || a.Reason != attribution.ReasonBindingLoop {
			t.Errorf("DC buying via D: %+v, want D by ref with reason binding_loop", a)
		}
		if got := w.boundTo(phoneA); got != "" {
			t.Errorf("DC bound to %q, want no binding", got)
		}
		// Once D's binding to DC has expired there is no loop left to close.
		w.clk.Advance(31 * day)
		if a := w.order(phoneA, "D"); a.Reason != "" || w.boundTo(phoneA) != "D" {
			t.Errorf("after expiry: %+v bound to %q, want D bound", a, w.boundTo(phoneA))
		}
	})
	t.Run("a chain of three", func(t *testing.T) {
		w := newWorld(t, settings.Binding{Mode: settings.BindLast, BindingDays: 0})
		w.distributor("DC", phoneA, "")
		w.distributor("D", phoneB, "")
		w.distributor("E", phoneC, "")
		w.distributor("F", phoneD, "")
		w.order(phoneC, "DC") // E → DC
		w.order(phoneB, "E")  // D → E
		w.click(phoneA, "D")  // DC → D would close DC → D → E → DC
		if got := w.boundTo(phoneA); got != "" {
			t.Errorf("DC bound to %q, want no binding", got)
		}
		w.click(phoneA, "F") // F is bound to nobody: fine
		if got := w.boundTo(phoneA); got != "F" {
			t.Errorf("DC bound to %q, want F", got)
		}
		w.click(phoneC, "D") // E → D would close E → D → E? D is bound to E: refused
		if got := w.boundTo(phoneC); got != "DC" {
			t.Errorf("E bound to %q, want DC kept", got)
		}
	})
}

func TestLevelTwoCreditsParent(t *testing.T) {
	w := newWorld(t, settings.DefaultBinding())
	a := w.distributor("A", phoneA, "")
	b := w.distributor("B", phoneB, "A")
	if b.Level != 2 {
		t.Fatalf("B is level %d", b.Level)
	}
	cases := []struct {
		customer string
		via      string
		freezeA  bool
		want     attribution.Attribution
	}{
		{"13900000001", "B", false, attribution.Attribution{DistributorID: b.ID, DistributorLevel: 2, ParentID: a.ID, Source: "ref"}},
		{"13900000002", "A", false, attribution.Attribution{DistributorID: a.ID, DistributorLevel: 1, ParentID: 0, Source: "ref"}},
		{"13900000003", "B", true, attribution.Attribution{DistributorID: b.ID, DistributorLevel: 2, ParentID: 0, Source: "ref"}},
		{"13900000001", "", true, attribution.Attribution{DistributorID: b.ID, DistributorLevel: 2, ParentID: 0, Source: "binding"}},
	}
	for _, c := range cases {
		if c.freezeA && w.ds["A"].Status != "frozen" {
			w.freeze("A")
			w.ds["A"], _ = w.net.Get(w.ctx, a.ID)
		}
		got := w.order(c.customer, c.via)
		c.want.CustomerID = w.customerID(c.customer)
		if got != c.want {
			t.Errorf("%s via %q (A frozen %v): %+v, want %+v", c.customer, c.via, c.freezeA, got, c.want)
		}
	}
}

// Twenty orders from one phone at once, through A or B: one customer, one binding, and every
// order credits whoever bound first. Run with the customer new (the phone's unique index decides)
// and already known (the lock on the customer row decides).
func TestConcurrentFirstOrders(t *testing.T) {
	for _, known := range []bool{false, true} {
		t.Run(map[bool]string{false: "new customer", true: "known customer"}[known], func(t *testing.T) {
			w := newWorld(t, settings.DefaultBinding())
			w.distributor("A", phoneA, "")
			w.distributor("B", phoneB, "")
			var cid int64
			if known {
				cid = w.customerID(customer)
			}
			const n = 20
			var wg sync.WaitGroup
			results := make([]attribution.Attribution, n)
			fails := make([]error, n)
			for i := range n {
				via := []string{"A", "B"}[i%2]
				wg.Go(func() {
					if !known {
						results[i], fails[i] = w.tryOrder(customer, via)
						return
					}
					fails[i] = w.db.InTx(w.ctx, func(tx *db.Tx) error {
						var err error
						results[i], err = w.svc.Attribute(w.ctx, tx, cid, w.ref(via))
						return err
					})
				})
			}
			wg.Wait()
			for i, err := range fails {
				if err != nil {
					t.Fatalf("order %d: %v", i, err)
				}
			}
			if c, b, e := w.count("customers"), w.count("bindings"), w.count("binding_events"); c != 1 || b != 1 || e != 1 {
				t.Fatalf("customers %d, bindings %d, events %d; want 1 each", c, b, e)
			}
			winner := w.binding(customer).DistributorID
			for i, r := range results {
				if r.DistributorID != winner {
					t.Errorf("order %d credited %s, binding is %s", i, w.name(r.DistributorID), w.name(winner))
				}
			}
		})
	}
}
