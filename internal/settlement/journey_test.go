package settlement_test

import (
	"testing"
	"time"

	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/payout"
)

// One life of money, end to end with the clock moved forward: paid → completed → the refund window
// passes → settled → withdrawn and paid out → a late refund claws back below zero → the next
// withdrawal is refused → the next statement shows the clawback. Every figure is worked by hand
// from the default plan (1000 / 800 / 300 bp), freeze_days 7, no withdrawal fee.
func TestMoneyJourney(t *testing.T) {
	s := newShop(t)
	alice := s.distributor("Alice", nil)
	bob := s.distributor("Bob", &alice)
	tea := s.product("明前龙井", 9990)

	s.at("2026-03-02 10:00")
	o := s.order(bob.Code, 0, 1000, buy{tea, 2}) // base 19980: Bob 1598, Alice 599
	s.complete(o)
	if b := s.balance(bob.ID); b.FrozenFen != 1598 || b.AvailableFen != 0 {
		t.Fatalf("after payment: %+v", b)
	}

	// Seven days later the commission is settleable; one day before, a run settles nothing.
	s.at("2026-03-09 09:00")
	early := s.run(time.Time{}, 0)
	if early.SettledFen != 0 {
		t.Fatalf("settled %d before the refund window closed", early.SettledFen)
	}
	s.at("2026-03-10 12:00")
	first := s.run(time.Time{}, 0)
	st := s.statements(first.ID)
	if got := st[bob.ID]; got.OpeningFen != 0 || got.SettledFen != 1598 || got.ClosingFen != 1598 || len(got.Lines) != 1 {
		t.Fatalf("Bob's first statement: %+v", got)
	}
	if got := st[alice.ID]; got.SettledFen != 599 || got.ClosingFen != 599 {
		t.Fatalf("Alice's first statement: %+v", got)
	}

	// Bob withdraws ¥10.00; finance approves and pays it.
	s.at("2026-03-11 09:00")
	w, _, err := s.Payout.Request(ctx, payout.RequestInput{DistributorID: bob.ID, AmountFen: 1000, Method: payout.Wallet})
	if err != nil {
		t.Fatal(err)
	}
	if _, err = s.Payout.Approve(ctx, w.ID); err == nil {
		_, err = s.Payout.Pay(ctx, w.ID, payout.PayInput{Reference: "CASH-0001"})
	}
	if err != nil {
		t.Fatal(err)
	}
	if b := s.balance(bob.ID); b.AvailableFen != 598 || b.WithdrawingFen != 0 || b.PaidOutFen != 1000 {
		t.Fatalf("after payout: %+v; want available 598, paid out 1000", b)
	}

	// A unit comes back after settlement: Bob's commission on the remaining 9990 is 799 (claw back
	// 1598 − 799 = 799, available 598 − 799 = −201); Alice's is 299 (claw back 300, 599 → 299).
	s.at("2026-03-12 15:00")
	s.refund(o, 0, 1)
	if b := s.balance(bob.ID); b.AvailableFen != -201 {
		t.Fatalf("after the clawback Bob has %+v; want available −201", b)
	}
	if b := s.balance(alice.ID); b.AvailableFen != 299 {
		t.Fatalf("after the clawback Alice has %+v; want available 299", b)
	}

	// The negative balance blocks the next withdrawal.
	if _, _, err := s.Payout.Request(ctx, payout.RequestInput{DistributorID: bob.ID, AmountFen: 1000, Method: payout.Wallet}); !errs.Is(err, "negative_balance") {
		t.Fatalf("withdrawal with a negative balance: %v", err)
	}

	// The next statement shows it: opening 1598, settled 0, clawed back 799, withdrawn 1000,
	// closing 1598 − 799 − 1000 = −201, the available balance.
	s.at("2026-04-01 02:00")
	second := s.run(time.Time{}, 0)
	st = s.statements(second.ID)
	if got := st[bob.ID]; got.OpeningFen != 1598 || got.SettledFen != 0 || got.ClawedBackFen != 799 || got.WithdrawnFen != 1000 || got.ClosingFen != -201 {
		t.Fatalf("Bob's second statement: %+v", got)
	}
	if got := st[alice.ID]; got.OpeningFen != 599 || got.ClawedBackFen != 300 || got.ClosingFen != 299 {
		t.Fatalf("Alice's second statement: %+v", got)
	}
	s.verify()
}
