package ledger_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/ledger"
)

const (
	frozen      = ledger.Frozen
	available   = ledger.Available
	withdrawing = ledger.Withdrawing
	expense     = ledger.CommissionExpense
)

// The life of DESIGN.md §4's worked order through Bob (level 2, 800 bp) under Alice (300 bp),
// 2 × ¥99.90: accrual, a one-unit refund, settlement, a withdrawal, then a late refund of the
// other unit that claws back below zero.
func TestWorkedExamples(t *testing.T) {
	d, l := open(t)
	alice := addDistributor(t, d, 0)
	bob := addDistributor(t, d, alice)
	steps := []struct {
		name        string
		posting     ledger.Posting
		bob, alice  ledger.Balance
		merchantFen int64 // commission_expense
	}{
		{
			// 19980 × 800 / 10000 = 1598; 19980 × 300 / 10000 = 599; merchant −2197.
			name: "accrue",
			posting: ledger.Posting{Key: "order:1:commission", Cause: "order_payment", CauseID: "1",
				Entries: []ledger.Entry{e(bob, frozen, 1598), e(alice, frozen, 599), e(0, expense, -2197)}},
			bob: ledger.Balance{FrozenFen: 1598}, alice: ledger.Balance{FrozenFen: 599}, merchantFen: -2197,
		},
		{
			// One unit refunded: Bob 1598 − 799 = 799, Alice 599 − 300 = 299; merchant −2197 + 1099.
			name: "reverse part while frozen",
			posting: ledger.Posting{Key: "refund:1:commission", Cause: "refund", CauseID: "1",
				Entries: []ledger.Entry{e(bob, frozen, -799), e(alice, frozen, -300), e(0, expense, 1099)}},
			bob: ledger.Balance{FrozenFen: 799}, alice: ledger.Balance{FrozenFen: 299}, merchantFen: -1098,
		},
		{
			name: "settle",
			posting: ledger.Posting{Key: "settlement:1", Cause: "settlement", CauseID: "1",
				Entries: []ledger.Entry{e(bob, frozen, -799), e(bob, available, 799), e(alice, frozen, -299), e(alice, available, 299)}},
			bob: ledger.Balance{AvailableFen: 799}, alice: ledger.Balance{AvailableFen: 299}, merchantFen: -1098,
		},
		{
			name: "Bob asks to withdraw 500",
			posting: ledger.Posting{Key: "withdrawal:1:request", Cause: "withdrawal", CauseID: "1",
				Entries: []ledger.Entry{e(bob, available, -500), e(bob, withdrawing, 500)}},
			bob: ledger.Balance{AvailableFen: 299, WithdrawingFen: 500}, alice: ledger.Balance{AvailableFen: 299}, merchantFen: -1098,
		},
		{
			// The other unit refunded after settlement: Bob 299 − 799 = −500, Alice 299 − 299 = 0.
			name: "clawback below zero",
			posting: ledger.Posting{Key: "refund:2:commission", Cause: "clawback", CauseID: "2",
				Entries: []ledger.Entry{e(bob, available, -799), e(alice, available, -299), e(0, expense, 1098)}},
			bob: ledger.Balance{AvailableFen: -500, WithdrawingFen: 500}, alice: ledger.Balance{}, merchantFen: 0,
		},
	}
	for _, s := range steps {
		mustPost(t, d, l, s.posting)
		if got := balance(t, d, l, bob); got != s.bob {
			t.Errorf("%s: Bob %+v, want %+v", s.name, got, s.bob)
		}
		if got := balance(t, d, l, alice); got != s.alice {
			t.Errorf("%s: Alice %+v, want %+v", s.name, got, s.alice)
		}
		if got := merchantFen(t, d, expense); got != s.merchantFen {
			t.Errorf("%s: merchant commission_expense %d, want %d", s.name, got, s.merchantFen)
		}
	}
	if b := breaches(t, d); len(b) > 0 {
		t.Fatalf("breaches: %+v", b)
	}

	// Bob's statement, newest first: clawback, withdrawal (2), settlement (2), reversal, accrual.
	lines, total, err := l.Statement(ctx, d.R, bob, 1, 3)
	if err != nil {
		t.Fatal(err)
	}
	if total != 7 || len(lines) != 3 {
		t.Fatalf("total %d, %d lines; want 7 and 3", total, len(lines))
	}
	first := lines[0]
	if first.Key != "refund:2:commission" || first.Cause != "clawback" || first.CauseID != "2" ||
		first.Kind != available || first.AmountFen != -799 || !first.At.Equal(d.Now()) {
		t.Errorf("newest line %+v", first)
	}
	lines, _, err = l.Statement(ctx, d.R, bob, 3, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 1 || lines[0].Key != "order:1:commission" || lines[0].Kind != frozen || lines[0].AmountFen != 1598 {
		t.Errorf("last page %+v, want only the accrual of 1598", lines)
	}
	if _, _, err := l.Statement(ctx, d.R, bob, 1, 101); errs.CodeOf(err) != "invalid_per_page" {
		t.Errorf("per_page 101: %v", err)
	}
}

func TestIdempotent(t *testing.T) {
	d, l := open(t)
	bob := addDistributor(t, d, 0)
	p := ledger.Posting{Key: "order:7:commission", Cause: "order_payment", CauseID: "7",
		Entries: []ledger.Entry{e(bob, frozen, 1000), e(0, expense, -1000)}}
	id := mustPost(t, d, l, p)
	again, posted, err := post(d, l, p)
	if err != nil || posted || again != id {
		t.Fatalf("repeat: id %d posted %v err %v; want %d, false, nil", again, posted, err, id)
	}
	// A repeat with other amounts is still the same cause retried: nothing is written.
	p.Entries = []ledger.Entry{e(bob, frozen, 5), e(0, expense, -5)}
	if again, posted, err = post(d, l, p); err != nil || posted || again != id {
		t.Fatalf("repeat with other amounts: id %d posted %v err %v", again, posted, err)
	}
	if got := balance(t, d, l, bob); got != (ledger.Balance{FrozenFen: 1000}) {
		t.Errorf("balance %+v, want 1000 frozen", got)
	}
	if n := count(t, d, "ledger_transactions"); n != 1 {
		t.Errorf("%d transactions, want 1", n)
	}
	// The same key for another cause is two key schemes colliding: refused.
	p.Cause = "refund"
	if _, _, err := post(d, l, p); err == nil || !strings.Contains(err.Error(), "was used for order_payment 7") {
		t.Errorf("key reused for another cause: %v", err)
	}
}

func TestRefused(t *testing.T) {
	d, l := open(t)
	bob := addDistributor(t, d, 0)
	mustPost(t, d, l, ledger.Posting{Key: "k0", Cause: "order_payment", CauseID: "1",
		Entries: []ledger.Entry{e(bob, frozen, 100), e(0, expense, -100)}})
	tests := []struct {
		name string
		p    ledger.Posting
		want string
	}{
		{"unbalanced", ledger.Posting{Key: "k1", Cause: "c", Entries: []ledger.Entry{e(bob, frozen, 100), e(0, expense, -99)}}, "sum to 1 fen"},
		{"one-sided", ledger.Posting{Key: "k1", Cause: "c", Entries: []ledger.Entry{e(bob, frozen, 100), e(0, expense, 0)}}, "sum to 100 fen"},
		{"no key", ledger.Posting{Key: " ", Cause: "c", Entries: []ledger.Entry{e(bob, frozen, 1), e(0, expense, -1)}}, "no idempotency key"},
		{"no cause", ledger.Posting{Key: "k1", Entries: []ledger.Entry{e(bob, frozen, 1), e(0, expense, -1)}}, "names no cause"},
		{"merchant kind for a distributor", ledger.Posting{Key: "k1", Cause: "c", Entries: []ledger.Entry{e(bob, frozen, 1), e(bob, expense, -1)}}, "merchant account"},
		{"distributor kind for the merchant", ledger.Posting{Key: "k1", Cause: "c", Entries: []ledger.Entry{e(0, frozen, 1), e(0, expense, -1)}}, "distributor account"},
		{"unknown kind", ledger.Posting{Key: "k1", Cause: "c", Entries: []ledger.Entry{e(bob, "bonus", 1), e(0, expense, -1)}}, "unknown account kind"},
		{"absurd amount", ledger.Posting{Key: "k1", Cause: "c", Entries: []ledger.Entry{e(bob, frozen, 1<<62), e(0, expense, -1<<62)}}, "beyond any real amount"},
		{"too many entries", ledger.Posting{Key: "k1", Cause: "c", Entries: make([]ledger.Entry, 1001)}, "more than 1000"},
		{"missing distributor", ledger.Posting{Key: "k1", Cause: "c", Entries: []ledger.Entry{e(bob+1000, frozen, 1), e(0, expense, -1)}}, "no distributor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := post(d, l, tt.p)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
			if errs.KindOf(err) != errs.Internal {
				t.Errorf("kind %s, want internal: a bad posting is a bug", errs.KindOf(err))
			}
			if n, m := count(t, d, "ledger_transactions"), count(t, d, "ledger_entries"); n != 1 || m != 2 {
				t.Errorf("%d transactions, %d entries after refusal; want 1 and 2", n, m)
			}
			if got := balance(t, d, l, bob); got != (ledger.Balance{FrozenFen: 100}) {
				t.Errorf("balance %+v, want 100 frozen", got)
			}
		})
	}
}

func TestZeroEntriesDropped(t *testing.T) {
	d, l := open(t)
	alice := addDistributor(t, d, 0)
	bob := addDistributor(t, d, alice)
	// A line whose override truncates to 0 fen: Alice gets no entry.
	mustPost(t, d, l, ledger.Posting{Key: "a", Cause: "order_payment", CauseID: "1",
		Entries: []ledger.Entry{e(bob, frozen, 3), e(alice, frozen, 0), e(0, expense, -3)}})
	if n := count(t, d, "ledger_entries"); n != 2 {
		t.Errorf("%d entries, want 2", n)
	}
	// A posting of nothing but zeros still claims its key, so it is not posted again.
	id := mustPost(t, d, l, ledger.Posting{Key: "b", Cause: "order_payment", CauseID: "2",
		Entries: []ledger.Entry{e(bob, frozen, 0), e(0, expense, 0)}})
	if again, posted, err := post(d, l, ledger.Posting{Key: "b", Cause: "order_payment", CauseID: "2"}); err != nil || posted || again != id {
		t.Errorf("repeat of an empty posting: %d %v %v", again, posted, err)
	}
	if n, m := count(t, d, "ledger_transactions"), count(t, d, "ledger_entries"); n != 2 || m != 2 {
		t.Errorf("%d transactions, %d entries; want 2 and 2", n, m)
	}
}

// Two entries on one account in one posting both appear on the statement and both count.
func TestSameAccountTwice(t *testing.T) {
	d, l := open(t)
	alice := addDistributor(t, d, 0)
	mustPost(t, d, l, ledger.Posting{Key: "a", Cause: "order_payment", CauseID: "1",
		Entries: []ledger.Entry{e(alice, frozen, 519), e(alice, frozen, 331), e(0, expense, -850)}})
	if got := balance(t, d, l, alice); got != (ledger.Balance{FrozenFen: 850}) {
		t.Errorf("balance %+v, want 850 frozen", got)
	}
	lines, total, err := l.Statement(ctx, d.R, alice, 0, 0)
	if err != nil || total != 2 || len(lines) != 2 {
		t.Fatalf("statement %+v total %d err %v", lines, total, err)
	}
	if got := []int64{lines[0].AmountFen, lines[1].AmountFen}; !reflect.DeepEqual(got, []int64{331, 519}) {
		t.Errorf("amounts newest first %v, want [331 519]", got)
	}
}

func TestBalanceForUpdate(t *testing.T) {
	d, l := open(t)
	bob := addDistributor(t, d, 0)
	mustPost(t, d, l, ledger.Posting{Key: "a", Cause: "order_payment", CauseID: "1",
		Entries: []ledger.Entry{e(bob, available, 700), e(0, expense, -700)}})
	err := d.InTx(ctx, func(tx *db.Tx) error {
		b, err := l.BalanceForUpdate(ctx, tx, bob)
		if err != nil {
			return err
		}
		if b != (ledger.Balance{AvailableFen: 700}) {
			t.Errorf("balance %+v, want 700 available", b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Balance(ctx, d.R, 0); err == nil {
		t.Error("balance of owner 0 (the merchant) should be refused")
	}
}

// A settlement run may move many distributors in one transaction: 25 distributors × 2 entries is
// larger than any statement shape kept prepared.
func TestLargePosting(t *testing.T) {
	d, l := open(t)
	var ids []int64
	var accrue, settle []ledger.Entry
	for i := range 25 {
		id := addDistributor(t, d, 0)
		ids = append(ids, id)
		fen := int64(100 * (i + 1)) // 100 + 200 + … + 2500 = 32500
		accrue = append(accrue, e(id, frozen, fen))
		settle = append(settle, e(id, frozen, -fen), e(id, available, fen))
	}
	accrue = append(accrue, e(0, expense, -32500))
	mustPost(t, d, l, ledger.Posting{Key: "accrue", Cause: "order_payment", CauseID: "1", Entries: accrue})
	mustPost(t, d, l, ledger.Posting{Key: "settle", Cause: "settlement", CauseID: "1", Entries: settle})
	for i, id := range ids {
		if got, want := balance(t, d, l, id), (ledger.Balance{AvailableFen: int64(100 * (i + 1))}); got != want {
			t.Errorf("distributor %d: %+v, want %+v", id, got, want)
		}
	}
	if n := count(t, d, "ledger_entries"); n != 26+50 {
		t.Errorf("%d entries, want 76", n)
	}
	if b := breaches(t, d); len(b) > 0 {
		t.Fatalf("breaches: %+v", b)
	}
}

// Two databases with the same distributor ids but different account ids: each Ledger keeps its
// own, so neither posts onto the other's accounts.
func TestLedgerPerDatabase(t *testing.T) {
	type store struct {
		d          *db.DB
		l          *ledger.Ledger
		alice, bob int64
	}
	var stores []store
	for i := range 2 {
		d, l := open(t)
		alice := addDistributor(t, d, 0)
		bob := addDistributor(t, d, alice)
		first, second := alice, bob
		if i == 1 {
			first, second = bob, alice // opens accounts in the other order: other ids
		}
		mustPost(t, d, l, ledger.Posting{Key: "open:1", Cause: "test", CauseID: "1", Entries: []ledger.Entry{e(first, frozen, 1), e(0, expense, -1)}})
		mustPost(t, d, l, ledger.Posting{Key: "open:2", Cause: "test", CauseID: "2", Entries: []ledger.Entry{e(second, frozen, 1), e(0, expense, -1)}})
		stores = append(stores, store{d, l, alice, bob})
	}
	for round := range 3 {
		for i, s := range stores {
			fen := int64(10 * (i + 1)) // 10 on the first store, 20 on the second
			key := fmt.Sprintf("round:%d", round)
			mustPost(t, s.d, s.l, ledger.Posting{Key: key, Cause: "test", CauseID: key,
				Entries: []ledger.Entry{e(s.bob, available, fen), e(s.alice, frozen, 1), e(0, expense, -fen-1)}})
		}
	}
	for i, s := range stores {
		fen := int64(10 * (i + 1))
		if got, want := balance(t, s.d, s.l, s.bob), (ledger.Balance{FrozenFen: 1, AvailableFen: 3 * fen}); got != want {
			t.Errorf("store %d Bob %+v, want %+v", i, got, want)
		}
		if got, want := balance(t, s.d, s.l, s.alice), (ledger.Balance{FrozenFen: 4}); got != want {
			t.Errorf("store %d Alice %+v, want %+v", i, got, want)
		}
		if b := breaches(t, s.d); len(b) > 0 {
			t.Errorf("store %d breaches: %+v", i, b)
		}
	}
}
