package settlement_test

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/ledger"
	"github.com/fenxiao/fenxiao/internal/settlement"
	"github.com/fenxiao/fenxiao/internal/verify"
)

// figures is a statement's money, for comparing with fen written by hand.
type figures struct{ opening, accrued, reversed, settled, clawedBack, withdrawn, closing int64 }

func figuresOf(st settlement.Statement) figures {
	return figures{st.OpeningFen, st.AccruedFen, st.ReversedFen, st.SettledFen, st.ClawedBackFen, st.WithdrawnFen, st.ClosingFen}
}

type line struct {
	orderNo       string
	base, rate, f int64
}

func linesOf(st settlement.Statement) []line {
	out := []line{}
	for _, l := range st.Lines {
		out = append(out, line{l.OrderNo, l.BaseFen, l.RateBP, l.AmountFen})
	}
	return out
}

// The scenario with every fen worked by hand. Plan 1000 / 800 / 300 bp, freeze 7 days,
// monthly settlement on the 1st at 02:00 Beijing time. Alice is level 1, Bob her level 2, Carol
// another level 1.
func TestStatementsWorkedByHand(t *testing.T) {
	s := newShop(t)
	alice := s.distributor("Alice", nil)
	bob := s.distributor("Bob", &alice)
	carol := s.distributor("Carol", nil)
	cup := s.product("杯", 9990)
	tea := s.product("茶", 5800)
	pot := s.product("壶", 1234)
	box := s.product("礼盒", 10000)

	s.at("2026-03-01 10:00")
	// A through Bob: 2 × ¥99.90 + ¥10 shipping, base 19980: Bob 1598, Alice 599 (DESIGN.md §4).
	a := s.order(bob.Code, 0, 1000, buy{cup, 2})
	// B through Alice: ¥58.00 + 3 × ¥12.34 with a ¥10 coupon: bases 5190 and 3312: 519 + 331.
	b := s.order(alice.Code, 1000, 0, buy{tea, 1}, buy{pot, 3})
	// C through Carol: ¥100.00, 1000.
	c := s.order(carol.Code, 0, 0, buy{box, 1})
	// One cup of A comes back while frozen: Bob 1598 → 799 (reversed 799), Alice 599 → 299 (300).
	s.refund(a, 0, 1)
	s.at("2026-03-02 10:00")
	s.complete(a) // settleable from 9 March 10:00
	s.complete(b)

	// Run 1, by hand on 10 March: A and B are settleable, C (not completed) is not.
	s.at("2026-03-10 10:00")
	r1 := s.run(time.Time{}, 0)
	if r1.Cutoff != cst(t, "2026-03-10 10:00") || r1.Total != 2 || r1.Done != 2 || r1.Distributors != 2 || r1.Commissions != 4 || r1.SettledFen != 799+1149 {
		t.Fatalf("run 1: %+v", r1)
	}
	st := s.statements(r1.ID)
	if len(st) != 2 {
		t.Fatalf("run 1 drew %d statements, want Alice's and Bob's", len(st))
	}
	want := map[int64]figures{
		// opening accrued reversed settled clawed withdrawn closing
		bob.ID:   {0, 1598, 799, 799, 0, 0, 799},
		alice.ID: {0, 599 + 850, 300, 299 + 850, 0, 0, 1149},
	}
	for d, w := range want {
		if got := figuresOf(st[d]); got != w {
			t.Errorf("run 1, distributor %d: %+v, want %+v", d, got, w)
		}
		if st[d].PeriodStart != nil || st[d].PeriodEnd != r1.Cutoff {
			t.Errorf("run 1, distributor %d: period %v – %v", d, st[d].PeriodStart, st[d].PeriodEnd)
		}
		if bal := s.balance(d).AvailableFen; bal != w.closing {
			t.Errorf("distributor %d: available %d, statement closes at %d", d, bal, w.closing)
		}
	}
	if got, w := linesOf(st[bob.ID]), []line{{a.OrderNo, 19980, 800, 799}}; !reflect.DeepEqual(got, w) {
		t.Errorf("Bob's lines %+v, want %+v", got, w)
	}
	if got, w := linesOf(st[alice.ID]), []line{{a.OrderNo, 19980, 300, 299}, {b.OrderNo, 5190, 1000, 519}, {b.OrderNo, 3312, 1000, 331}}; !reflect.DeepEqual(got, w) {
		t.Errorf("Alice's lines %+v, want %+v", got, w)
	}
	if bal := s.balance(carol.ID); bal.FrozenFen != 1000 || bal.AvailableFen != 0 {
		t.Errorf("Carol before her order completes: %+v", bal)
	}
	s.verify()

	// The same cutoff again is the same run and settles nothing twice.
	again := s.run(r1.Cutoff, 0)
	if again.ID != r1.ID || s.count(`SELECT count(*) FROM statements`) != 2 || s.count(`SELECT count(*) FROM ledger_transactions WHERE cause = 'settlement'`) != 2 {
		t.Fatalf("second run for the same cutoff: %+v", again)
	}

	// March goes on. Alice withdraws 500 and 200; the 200 is rejected and returned.
	s.at("2026-03-11 10:00")
	s.withdraw(alice.ID, 500)
	s.withdraw(alice.ID, 200)
	s.giveBack(alice.ID, 200)
	s.at("2026-03-12 10:00")
	s.complete(c) // settleable from 19 March
	// One pot of B comes back after settlement: base 3312 × 2/3 = 2208, commission 220: 111 clawed back.
	s.at("2026-03-13 10:00")
	s.refund(b, 1, 1)
	// D through Bob: ¥100.00, Bob 800, Alice 300; completed on the 16th, settleable from the 23rd.
	s.at("2026-03-15 10:00")
	d := s.order(bob.Code, 0, 0, buy{box, 1})
	s.at("2026-03-16 10:00")
	s.complete(d)

	// The schedule: nothing due before 1 April 02:00 (1 March's cutoff is older than run 1's).
	s.at("2026-04-01 01:59")
	if _, due, err := s.Settlement.RunDue(ctx); due || err != nil {
		t.Fatalf("due before 02:00: %v %v", due, err)
	}
	s.at("2026-04-01 02:00")
	r2, due, err := s.Settlement.RunDue(ctx)
	if !due || err != nil || r2.Status != settlement.Completed || r2.Cutoff != cst(t, "2026-04-01 02:00") || r2.Actor != "system:settlement-schedule" {
		t.Fatalf("scheduled run: %v %v %+v", due, err, r2)
	}
	if _, due, _ := s.Settlement.RunDue(ctx); due {
		t.Fatal("the schedule is due again right after its run")
	}
	st = s.statements(r2.ID)
	want = map[int64]figures{
		// Alice: 1149 + 300 settled − 111 clawed back − (500 + 200 − 200) withdrawn = 838.
		alice.ID: {1149, 300, 0, 300, 111, 500, 838},
		bob.ID:   {799, 800, 0, 800, 0, 0, 1599},
		// Carol's first statement: her accrual of 1 March is in it.
		carol.ID: {0, 1000, 0, 1000, 0, 0, 1000},
	}
	for d, w := range want {
		if got := figuresOf(st[d]); got != w {
			t.Errorf("run 2, distributor %d: %+v, want %+v", d, got, w)
		}
		if bal := s.balance(d).AvailableFen; bal != w.closing {
			t.Errorf("distributor %d: available %d, statement closes at %d", d, bal, w.closing)
		}
	}
	if p := st[alice.ID].PeriodStart; p == nil || *p != r1.Cutoff || st[carol.ID].PeriodStart != nil {
		t.Errorf("periods: Alice from %v, Carol from %v", p, st[carol.ID].PeriodStart)
	}
	if got, w := linesOf(st[alice.ID]), []line{{d.OrderNo, 10000, 300, 300}}; !reflect.DeepEqual(got, w) {
		t.Errorf("Alice's lines %+v, want %+v", got, w)
	}
	if r2.Distributors != 3 || r2.Commissions != 3 || r2.SettledFen != 2100 {
		t.Errorf("run 2: %+v", r2)
	}
	s.verify()

	// D is refunded in full after settlement: Bob 800 and Alice 300 clawed back. Bob asks to be
	// settled: his statement shows the clawback and nothing else; Alice's waits for the next run.
	s.at("2026-04-02 10:00")
	s.refund(d, 0, 1)
	s.at("2026-04-03 10:00")
	r3 := s.run(time.Time{}, bob.ID)
	st = s.statements(r3.ID)
	if len(st) != 1 || figuresOf(st[bob.ID]) != (figures{1599, 0, 0, 0, 800, 0, 799}) || len(st[bob.ID].Lines) != 0 {
		t.Fatalf("Bob on request: %+v", st)
	}
	if r3.DistributorID == nil || *r3.DistributorID != bob.ID || r3.ScopeKey != settlement.ScopeKey(r3.Cutoff, bob.ID) {
		t.Errorf("run 3: %+v", r3)
	}
	if bal := s.balance(alice.ID).AvailableFen; bal != 838-300 {
		t.Errorf("Alice available %d, want 538", bal)
	}
	s.verify()

	// Listing by period: the month the cutoff falls in, Beijing time.
	for period, n := range map[string]int{"2026-03": 2, "2026-04": 4, "2026-05": 0} {
		p, err := s.Settlement.ListStatements(ctx, settlement.StatementFilter{Period: period})
		if err != nil || p.Total != n {
			t.Errorf("period %s: %d statements, want %d (%v)", period, p.Total, n, err)
		}
	}
	p, err := s.Settlement.ListStatements(ctx, settlement.StatementFilter{DistributorID: alice.ID})
	if err != nil || p.Total != 2 || p.Items[0].RunID != r2.ID {
		t.Errorf("Alice's statements: %+v %v", p, err)
	}

	// A statement edited by hand is found, naming the check.
	if _, err := s.DB.W.Exec(`UPDATE statements SET closing_fen = closing_fen + 1 WHERE id = $1`, st[bob.ID].ID); err != nil {
		t.Fatal(err)
	}
	breaches, err := verify.Run(ctx, s.DB)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, b := range breaches {
		names = append(names, b.Check)
	}
	for _, w := range []string{"each statement's closing is opening + settled − clawed back − withdrawn",
		"each distributor's last statement closing plus later movements equals their available balance"} {
		if !slices.Contains(names, w) {
			t.Errorf("verify after corrupting a statement: %q missing from %q", w, names)
		}
	}
}

// Settlement on request settles that distributor only; the others stay frozen.
func TestOnRequestSettlesOnlyThatDistributor(t *testing.T) {
	s := newShop(t)
	alice := s.distributor("Alice", nil)
	carol := s.distributor("Carol", nil)
	box := s.product("礼盒", 10000)
	s.complete(s.order(alice.Code, 0, 0, buy{box, 1}))
	s.complete(s.order(carol.Code, 0, 0, buy{box, 2}))
	s.Clock.Advance(8 * 24 * time.Hour)
	r := s.run(time.Time{}, carol.ID)
	if r.SettledFen != 2000 || r.Distributors != 1 {
		t.Fatalf("on request: %+v", r)
	}
	if b := s.balance(carol.ID); b.AvailableFen != 2000 || b.FrozenFen != 0 {
		t.Errorf("Carol: %+v", b)
	}
	if b := s.balance(alice.ID); b.AvailableFen != 0 || b.FrozenFen != 1000 {
		t.Errorf("Alice: %+v", b)
	}
	if n := s.count(`SELECT count(*) FROM commissions WHERE distributor_id = $1 AND status = 'frozen'`, alice.ID); n != 1 {
		t.Errorf("Alice has %d frozen commissions, want 1", n)
	}
	s.verify()
	// A run for everyone afterwards settles Alice and leaves Carol's statement chain intact.
	r = s.run(time.Time{}, 0)
	if r.SettledFen != 1000 || r.Distributors != 1 {
		t.Fatalf("run after: %+v", r)
	}
	s.verify()
}

// Asking for a run is checked before anything is written.
func TestRunRefusesBadRequests(t *testing.T) {
	s := newShop(t)
	for name, c := range map[string]struct {
		cutoff time.Time
		d      int64
		code   string
	}{
		"future cutoff":       {s.DB.Now().Add(time.Hour), 0, "cutoff_in_future"},
		"unknown distributor": {time.Time{}, 999, "distributor_not_found"},
		"negative id":         {time.Time{}, -1, "invalid_distributor_id"},
	} {
		_, err := s.Settlement.Run(ctx, c.cutoff, c.d)
		if !errs.Is(err, c.code) {
			t.Errorf("%s: %v, want %s", name, err, c.code)
		}
	}
	if n := s.count(`SELECT count(*) FROM settlement_runs`); n != 0 {
		t.Errorf("%d runs written", n)
	}
}

// A run that failed, or whose node stopped, is resumed by asking for it again; one that is
// running elsewhere is returned as it is.
func TestRunResumes(t *testing.T) {
	s := newShop(t)
	alice := s.distributor("Alice", nil)
	box := s.product("礼盒", 10000)
	s.complete(s.order(alice.Code, 0, 0, buy{box, 1}))
	s.Clock.Advance(8 * 24 * time.Hour)
	now := s.DB.Now()
	insert := func(cutoff time.Time, status string, heartbeat time.Time) {
		t.Helper()
		err := s.DB.InTx(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(`INSERT INTO settlement_runs (scope_key, cutoff, status, actor, started_at, heartbeat_at, error)
				VALUES ($1, $2, $3, 'test', $4, $4, 'boom')`, settlement.ScopeKey(cutoff, 0), cutoff, status, heartbeat)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	busy := now.Add(-time.Minute)
	insert(busy, settlement.Running, now.Add(-10*time.Second))
	if r, err := s.Settlement.Run(ctx, busy, 0); err != nil || r.Status != settlement.Running || r.Commissions != 0 {
		t.Fatalf("a run busy elsewhere: %+v %v", r, err)
	}
	failed := now.Add(-2 * time.Minute)
	insert(failed, settlement.Failed, now.Add(-time.Hour))
	if r := s.run(failed, 0); r.Commissions != 1 || r.Error != "" {
		t.Fatalf("resumed failed run: %+v", r)
	}
	stale := now.Add(-3 * time.Minute)
	insert(stale, settlement.Running, now.Add(-time.Hour))
	if r := s.run(stale, 0); r.Commissions != 0 {
		t.Fatalf("resumed stale run: %+v", r)
	}
	s.verify()
}

// A ledger cause statements do not know fails the run, saying so, instead of drawing a statement
// that does not add up.
func TestUnknownCauseFailsTheRun(t *testing.T) {
	s := newShop(t)
	alice := s.distributor("Alice", nil)
	box := s.product("礼盒", 10000)
	s.complete(s.order(alice.Code, 0, 0, buy{box, 1}))
	s.Clock.Advance(8 * 24 * time.Hour)
	s.post("bonus", ledger.Entry{OwnerID: alice.ID, Kind: ledger.Available, AmountFen: 5}, ledger.Entry{OwnerID: 0, Kind: ledger.CommissionExpense, AmountFen: -5})
	r, err := s.Settlement.Run(ctx, time.Time{}, 0)
	if err != nil || r.Status != settlement.Failed || r.Error == "" || r.FinishedAt == nil {
		t.Fatalf("run: %+v %v", r, err)
	}
	if n := s.count(`SELECT count(*) FROM commissions WHERE status = 'available'`); n != 0 {
		t.Errorf("%d commissions settled by a failed batch", n)
	}
}
