package payout_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/ledger"
	"github.com/fenxiao/fenxiao/internal/order"
	"github.com/fenxiao/fenxiao/internal/payout"
	"github.com/fenxiao/fenxiao/internal/settings"
	"github.com/fenxiao/fenxiao/internal/verify"
)

// Worked fen: fee = max(amount × bp / 10000 truncated, floor).
func TestFee(t *testing.T) {
	cases := []struct {
		bp, floor, amount, fee int64
	}{
		{100, 200, 3000, 200},      // 3000×100/10000 = 30 < 200: the floor
		{100, 200, 19999, 200},     // 199.99 → 199 < 200: the floor
		{100, 200, 20000, 200},     // exactly 200 by the rate
		{100, 200, 25050, 250},     // 250.5 → 250, never rounded up
		{60, 0, 1666, 9},           // 9.996 → 9
		{0, 0, 5000, 0},            // no fee
		{9999, 0, 10000, 9999},     // the highest rate still leaves 1 fen
		{100, 0, 1e12, 1e10},       // the largest amount: no overflow
		{35, 100, 123456, 432},     // 432.096 → 432
		{35, 500, 123456, 500},     // 432 < 500: the floor
		{250, 0, 999999, 24999},    // 24999.975 → 24999
		{250, 1, 39, 1},            // 0.975 → 0 < 1: the floor
		{1, 0, 999_999_999, 99999}, // 99999.9999 → 99999
	}
	for _, c := range cases {
		got := payout.Fee(c.amount, settings.Withdrawal{FeeBP: c.bp, FeeMinFen: c.floor})
		if got != c.fee {
			t.Errorf("fee on %d at %d bp, floor %d = %d, want %d", c.amount, c.bp, c.floor, got, c.fee)
		}
	}
}

// The worked example: available 10000, fee 1% with a ¥2 floor, withdraw ¥30: fee 200
// (3000×100/10000 = 30 < 200), net 2800.
func TestWorkedWithdrawal(t *testing.T) {
	s := newShop(t)
	alice := s.distributor("Alice")
	s.earn(alice, 10000)
	s.setWithdrawal(settings.Withdrawal{MinFen: 1000, DailyCount: 3, FeeBP: 100, FeeMinFen: 200})

	q, err := s.Payout.Quote(ctx, alice.ID, 3000)
	if err != nil {
		t.Fatal(err)
	}
	if q.FeeFen != 200 || q.NetFen != 2800 || q.AvailableFen != 10000 || q.RemainingToday != 3 {
		t.Fatalf("quote %+v, want fee 200 net 2800 of 10000 available, 3 left today", q)
	}
	if b := s.balance(alice.ID); b.AvailableFen != 10000 {
		t.Fatalf("a quote wrote something: %+v", b)
	}

	w := s.request(alice, 3000)
	if w.Status != payout.Requested || w.FeeFen != 200 || w.NetFen != 2800 {
		t.Fatalf("requested %+v", w)
	}
	if b := s.balance(alice.ID); b != (ledger.Balance{AvailableFen: 7000, WithdrawingFen: 3000}) {
		t.Fatalf("after request: %+v, want available 7000 withdrawing 3000", b)
	}
	s.verify()

	// A fee change after the request does not change the fee already quoted.
	s.setWithdrawal(settings.Withdrawal{MinFen: 1000, DailyCount: 3, FeeBP: 500, FeeMinFen: 0})
	w = must(t)(s.Payout.Approve(ctx, w.ID))
	if w.Status != payout.Approved || w.ApprovedAt == nil {
		t.Fatalf("approved %+v", w)
	}
	w = must(t)(s.Payout.Pay(ctx, w.ID, payout.PayInput{Reference: "CMB20260301-0001"}))
	if w.Status != payout.Paid || w.Reference != "CMB20260301-0001" || w.Provider != "manual" || w.FeeFen != 200 || w.FinishedAt == nil {
		t.Fatalf("paid %+v", w)
	}
	if b := s.balance(alice.ID); b != (ledger.Balance{AvailableFen: 7000, PaidOutFen: 2800}) {
		t.Fatalf("after pay: %+v, want available 7000, withdrawing 0, paid_out 2800", b)
	}
	if f := s.fees(); f != 200 {
		t.Errorf("merchant fees %d, want 200", f)
	}
	s.verify()

	// Paying again with the same reference is a retry: unchanged, nothing posted twice.
	again := must(t)(s.Payout.Pay(ctx, w.ID, payout.PayInput{Reference: "CMB20260301-0001"}))
	if again.Status != payout.Paid || !again.UpdatedAt.Equal(w.UpdatedAt) {
		t.Fatalf("repeat pay changed it: %+v", again)
	}
	_, err = s.Payout.Pay(ctx, w.ID, payout.PayInput{Reference: "CMB20260301-0002"})
	refused(t, err, "invalid_transition", "CMB20260301-0001")
	if b := s.balance(alice.ID); b.PaidOutFen != 2800 {
		t.Fatalf("repeat pays moved money: %+v", b)
	}

	// Alice's statement names each step.
	lines, _, err := s.Orders.Ledger.Statement(ctx, s.DB.R, alice.ID, 1, 20)
	if err != nil {
		t.Fatal(err)
	}
	var causes []string
	for _, l := range lines {
		causes = append(causes, fmt.Sprintf("%s %s %d", l.Cause, l.Kind, l.AmountFen))
	}
	want := []string{"withdrawal_paid paid_out 2800", "withdrawal_paid withdrawing -3000", "withdrawal withdrawing 3000", "withdrawal available -3000"}
	if !slices.Equal(causes[:4], want) {
		t.Errorf("statement %v, want %v first", causes, want)
	}
	s.verify()
}

func TestRejectReturnsFunds(t *testing.T) {
	s := newShop(t)
	alice := s.distributor("Alice")
	s.earn(alice, 10000)
	w := s.request(alice, 3000)

	_, err := s.Payout.Reject(ctx, w.ID, "  ")
	refused(t, err, "reason_required")
	w = must(t)(s.Payout.Reject(ctx, w.ID, "户名与银行卡不符"))
	if w.Status != payout.Rejected || w.Reason != "户名与银行卡不符" || w.FinishedAt == nil {
		t.Fatalf("rejected %+v", w)
	}
	if b := s.balance(alice.ID); b != (ledger.Balance{AvailableFen: 10000}) {
		t.Fatalf("after reject: %+v, want all 10000 available", b)
	}
	s.verify()
	for name, step := range map[string]func() (payout.Withdrawal, error){
		"approve": func() (payout.Withdrawal, error) { return s.Payout.Approve(ctx, w.ID) },
		"reject":  func() (payout.Withdrawal, error) { return s.Payout.Reject(ctx, w.ID, "again") },
		"pay":     func() (payout.Withdrawal, error) { return s.Payout.Pay(ctx, w.ID, payout.PayInput{Reference: "x"}) },
		"fail":    func() (payout.Withdrawal, error) { return s.Payout.Fail(ctx, w.ID, "x") },
	} {
		_, err := step()
		if !errs.Is(err, "invalid_transition") || !strings.Contains(err.Error(), "rejected") {
			t.Errorf("%s a rejected withdrawal: %v", name, err)
		}
	}
	if b := s.balance(alice.ID); b != (ledger.Balance{AvailableFen: 10000}) {
		t.Fatalf("refused steps moved money: %+v", b)
	}
	// A requested withdrawal cannot be paid or failed before approval.
	w2 := s.request(alice, 1000)
	_, err = s.Payout.Pay(ctx, w2.ID, payout.PayInput{Reference: "x"})
	refused(t, err, "invalid_transition", "requested")
	_, err = s.Payout.Fail(ctx, w2.ID, "x")
	refused(t, err, "invalid_transition")
	_, err = s.Payout.Approve(ctx, 999)
	refused(t, err, "withdrawal_not_found")
	s.verify()
}

func TestFailReturnsFunds(t *testing.T) {
	s := newShop(t)
	alice := s.distributor("Alice")
	s.earn(alice, 10000)
	s.setWithdrawal(settings.Withdrawal{MinFen: 1000, DailyCount: 3, FeeBP: 100, FeeMinFen: 200})
	w := s.request(alice, 3000)
	must(t)(s.Payout.Approve(ctx, w.ID))
	_, err := s.Payout.Pay(ctx, w.ID, payout.PayInput{})
	refused(t, err, "reference_required")
	w = must(t)(s.Payout.Fail(ctx, w.ID, "现金未领取"))
	if w.Status != payout.Failed || w.Reason != "现金未领取" {
		t.Fatalf("failed %+v", w)
	}
	if b := s.balance(alice.ID); b != (ledger.Balance{AvailableFen: 10000}) {
		t.Fatalf("after fail: %+v, want all 10000 available and no fee", b)
	}
	if f := s.fees(); f != 0 {
		t.Errorf("a failed withdrawal charged %d fen of fee", f)
	}
	s.verify()
}

// provider is a payout provider whose behaviour a test sets.
type provider struct {
	pay   func(w payout.Withdrawal) (string, error)
	calls int
	mu    sync.Mutex
}

func (p *provider) Name() string { return "testpay" }
func (p *provider) Pay(_ context.Context, w payout.Withdrawal) (string, error) {
	p.mu.Lock()
	p.calls++
	p.mu.Unlock()
	return p.pay(w)
}

func TestProviderOutcomes(t *testing.T) {
	s := newShop(t)
	alice := s.distributor("Alice")
	s.earn(alice, 10000)
	p := &provider{}
	s.Payout.Provider = p

	// A provider error: failed, with the error as the reason, and the funds back.
	p.pay = func(payout.Withdrawal) (string, error) { return "", errors.New("收款账户已销户") }
	w := s.request(alice, 3000)
	must(t)(s.Payout.Approve(ctx, w.ID))
	w = must(t)(s.Payout.Pay(ctx, w.ID, payout.PayInput{}))
	if w.Status != payout.Failed || w.Provider != "testpay" || !strings.Contains(w.Reason, "收款账户已销户") {
		t.Fatalf("after a provider error: %+v", w)
	}
	if b := s.balance(alice.ID); b != (ledger.Balance{AvailableFen: 10000}) {
		t.Fatalf("after a provider error: %+v", b)
	}
	s.verify()

	// An unknown outcome leaves it approved; a later pay settles it.
	p.pay = func(payout.Withdrawal) (string, error) {
		return "", fmt.Errorf("timeout: %w", payout.ErrOutcomeUnknown)
	}
	w = s.request(alice, 4000)
	must(t)(s.Payout.Approve(ctx, w.ID))
	_, err := s.Payout.Pay(ctx, w.ID, payout.PayInput{})
	refused(t, err, "payout_outcome_unknown", "approved")
	if got := must(t)(s.Payout.Get(ctx, w.ID)); got.Status != payout.Approved {
		t.Fatalf("after an unknown outcome: %+v", got)
	}
	var paidID int64
	p.pay = func(w payout.Withdrawal) (string, error) { paidID = w.ID; return "WX-" + fmt.Sprint(w.ID), nil }
	w = must(t)(s.Payout.Pay(ctx, w.ID, payout.PayInput{}))
	if w.Status != payout.Paid || w.Reference != fmt.Sprintf("WX-%d", w.ID) || paidID != w.ID {
		t.Fatalf("after a successful retry: %+v", w)
	}
	// A retry on the paid withdrawal does not call the provider again.
	calls := p.calls
	must(t)(s.Payout.Pay(ctx, w.ID, payout.PayInput{}))
	if p.calls != calls {
		t.Errorf("a repeat pay called the provider again")
	}
	if b := s.balance(alice.ID); b != (ledger.Balance{AvailableFen: 6000, PaidOutFen: 4000}) {
		t.Fatalf("after paying 4000: %+v", b)
	}
	s.verify()
}

// A refund after settlement claws back below zero; withdrawals wait until available is positive.
func TestNegativeBalanceBlocksWithdrawals(t *testing.T) {
	s := newShop(t)
	alice := s.distributor("Alice")
	distributable := true
	p, err := s.Catalog.Create(ctx, catalogInput("茶", 10000, &distributable))
	if err != nil {
		t.Fatal(err)
	}
	o, _, err := s.Orders.Create(ctx, order.Input{CustomerName: "顾客", CustomerPhone: "13600000001", ShipAddress: "杭州",
		Ref: alice.Code, Lines: []order.LineInput{{SKUID: p.SKUs[0].ID, Quantity: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	if o, err = s.Orders.Pay(ctx, o.ID, order.PayInput{AmountFen: o.TotalFen, Provider: "sandbox", Reference: "P1"}); err != nil {
		t.Fatal(err)
	}
	s.settle() // Alice: 2 × 10000 × 10% = 2000 available
	w := s.request(alice, 1500)
	must(t)(s.Payout.Approve(ctx, w.ID))
	must(t)(s.Payout.Pay(ctx, w.ID, payout.PayInput{Reference: "B1"}))
	// One unit refunded: commission 2000 → 1000, clawback 1000 from available 500: −500.
	if _, err := s.Orders.Refund(ctx, o.ID, order.RefundInput{Reason: "退货", Lines: []order.RefundLineInput{{LineID: o.Lines[0].ID, Quantity: 1}}}); err != nil {
		t.Fatal(err)
	}
	if b := s.balance(alice.ID); b.AvailableFen != -500 {
		t.Fatalf("after clawback: %+v", b)
	}
	s.verify()
	_, _, err = s.Payout.Request(ctx, payout.RequestInput{DistributorID: alice.ID, AmountFen: 1000, Method: payout.Wallet})
	refused(t, err, "negative_balance", "-¥5.00", "the ¥5.00")
	_, err = s.Payout.Quote(ctx, alice.ID, 1000)
	refused(t, err, "negative_balance")

	s.earn(alice, 1500) // −500 + 1500 = 1000: positive again
	s.request(alice, 1000)
	if b := s.balance(alice.ID); b.AvailableFen != 0 || b.WithdrawingFen != 1000 {
		t.Fatalf("after withdrawing again: %+v", b)
	}
	s.verify()
}

func TestLimits(t *testing.T) {
	s := newShop(t)
	alice := s.distributor("Alice")
	s.earn(alice, 10000)
	s.setWithdrawal(settings.Withdrawal{MinFen: 1000, MaxFen: 5000, DailyCount: 3})
	for _, c := range []struct {
		amount int64
		code   string
		words  []string
	}{
		{999, "below_minimum", []string{"10.00", "9.99"}},
		{5001, "above_maximum", []string{"50.00"}},
		{0, "invalid_amount", nil},
		{-100, "invalid_amount", nil},
	} {
		_, _, err := s.Payout.Request(ctx, payout.RequestInput{DistributorID: alice.ID, AmountFen: c.amount, Method: payout.Wallet})
		refused(t, err, c.code, c.words...)
		_, err = s.Payout.Quote(ctx, alice.ID, c.amount)
		refused(t, err, c.code, c.words...)
	}
	s.setWithdrawal(settings.Withdrawal{MinFen: 1000, DailyCount: 3})
	_, _, err := s.Payout.Request(ctx, payout.RequestInput{DistributorID: alice.ID, AmountFen: 10001, Method: payout.Wallet})
	refused(t, err, "insufficient_balance", "available ¥100.00", "¥100.01")
	_, _, err = s.Payout.Request(ctx, payout.RequestInput{DistributorID: 999, AmountFen: 1000, Method: payout.Wallet})
	refused(t, err, "distributor_not_found")

	// Three a day (Asia/Shanghai). The test clock is 10:00 Beijing time on 1 March.
	first := s.request(alice, 1000)
	s.request(alice, 1000)
	s.request(alice, 1000)
	_, _, err = s.Payout.Request(ctx, payout.RequestInput{DistributorID: alice.ID, AmountFen: 1000, Method: payout.Wallet})
	refused(t, err, "daily_limit", "3")
	_, err = s.Payout.Quote(ctx, alice.ID, 1000)
	refused(t, err, "daily_limit")
	// A rejected one does not count.
	must(t)(s.Payout.Reject(ctx, first.ID, "请改用银行卡"))
	s.request(alice, 1000)
	s.Clock.Advance(13*time.Hour + 59*time.Minute) // 23:59 Beijing time, still 1 March
	_, _, err = s.Payout.Request(ctx, payout.RequestInput{DistributorID: alice.ID, AmountFen: 1000, Method: payout.Wallet})
	refused(t, err, "daily_limit")
	s.Clock.Advance(time.Minute) // midnight in Beijing, 16:00 UTC
	if q, err := s.Payout.Quote(ctx, alice.ID, 1000); err != nil || q.RemainingToday != 3 {
		t.Fatalf("quote on a new day: %+v %v", q, err)
	}
	s.request(alice, 1000)
	if b := s.balance(alice.ID); b != (ledger.Balance{AvailableFen: 6000, WithdrawingFen: 4000}) {
		t.Fatalf("balance %+v, want 4 open withdrawals of 1000", b)
	}
	s.verify()
}

func TestOnlyApprovedDistributorsWithdraw(t *testing.T) {
	s := newShop(t)
	alice := s.distributor("Alice")
	s.earn(alice, 10000)
	open := s.request(alice, 1000)
	if _, err := s.Network.Freeze(ctx, alice.ID, "涉嫌刷单"); err != nil {
		t.Fatal(err)
	}
	_, _, err := s.Payout.Request(ctx, payout.RequestInput{DistributorID: alice.ID, AmountFen: 1000, Method: payout.Wallet})
	refused(t, err, "distributor_frozen", alice.Code, "涉嫌刷单")
	_, err = s.Payout.Quote(ctx, alice.ID, 1000)
	refused(t, err, "distributor_frozen")
	_, err = s.Payout.Approve(ctx, open.ID)
	refused(t, err, "distributor_frozen")
	if _, err := s.Network.Unfreeze(ctx, alice.ID); err != nil {
		t.Fatal(err)
	}
	must(t)(s.Payout.Approve(ctx, open.ID))
	s.Network.Freeze(ctx, alice.ID, "again")
	_, err = s.Payout.Pay(ctx, open.ID, payout.PayInput{Reference: "B1"})
	refused(t, err, "distributor_frozen")
	// Turning it down is still allowed, and returns the money.
	must(t)(s.Payout.Fail(ctx, open.ID, "distributor frozen"))
	if b := s.balance(alice.ID); b.AvailableFen != 10000 {
		t.Fatalf("balance %+v", b)
	}

	pending, err := s.Network.Apply(ctx, networkApp("Bob", "13900009999"))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = s.Payout.Request(ctx, payout.RequestInput{DistributorID: pending.ID, AmountFen: 1000, Method: payout.Wallet})
	refused(t, err, "not_approved", "pending")
	s.verify()
}

// 50 requests of 300 race for 10000: exactly 33 win (9900), 100 stays available, never below zero.
func TestConcurrentRequestsNeverOverdraw(t *testing.T) {
	s := newShop(t)
	alice := s.distributor("Alice")
	s.earn(alice, 10000)
	s.setWithdrawal(settings.Withdrawal{MinFen: 100, DailyCount: 100})
	var wg sync.WaitGroup
	var mu sync.Mutex
	won, short := 0, 0
	var other []error
	for range 50 {
		wg.Go(func() {
			_, _, err := s.Payout.Request(ctx, payout.RequestInput{DistributorID: alice.ID, AmountFen: 300, Method: payout.Wallet})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won++
			case errs.Is(err, "insufficient_balance"):
				short++
			default:
				other = append(other, err)
			}
		})
	}
	wg.Wait()
	if len(other) > 0 {
		t.Fatalf("unexpected errors: %v", other)
	}
	if won != 33 || short != 17 {
		t.Fatalf("%d succeeded and %d were refused, want 33 and 17", won, short)
	}
	if b := s.balance(alice.ID); b != (ledger.Balance{AvailableFen: 100, WithdrawingFen: 9900}) {
		t.Fatalf("balance %+v, want available 100, withdrawing 9900", b)
	}
	s.verify() // includes: no withdrawal request took available below zero
}

func TestRequestIsIdempotent(t *testing.T) {
	s := newShop(t)
	alice := s.distributor("Alice")
	bob := s.distributor("Bob")
	s.earn(alice, 10000)
	s.earn(bob, 10000)
	in := payout.RequestInput{DistributorID: alice.ID, AmountFen: 3000, Method: payout.BankCard, IdemKey: "portal-1",
		Account: payout.Account{BankName: "招商银行", AccountName: "张三", CardNo: "6222 0210 0112 3456 789"}}
	first, replayed, err := s.Payout.Request(ctx, in)
	if err != nil || replayed {
		t.Fatalf("first: %v replayed=%v", err, replayed)
	}
	// The retry spells the card the other way; it is the same card.
	in.Account.CardNo = "6222021001123456789"
	again, replayed, err := s.Payout.Request(ctx, in)
	if err != nil || !replayed || again.ID != first.ID {
		t.Fatalf("retry: %+v replayed=%v %v", again, replayed, err)
	}
	// Even once the money has moved on, a retry answers the same.
	must(t)(s.Payout.Reject(ctx, first.ID, "x"))
	if again, replayed, err = s.Payout.Request(ctx, in); err != nil || !replayed || again.Status != payout.Rejected {
		t.Fatalf("retry after reject: %+v %v %v", again, replayed, err)
	}
	in.AmountFen = 3001
	_, _, err = s.Payout.Request(ctx, in)
	refused(t, err, "idempotency_key_reused", "portal-1")
	in.AmountFen, in.DistributorID = 3000, bob.ID
	_, _, err = s.Payout.Request(ctx, in)
	refused(t, err, "idempotency_key_reused")

	// Ten concurrent sends of a new key make one withdrawal.
	in = payout.RequestInput{DistributorID: bob.ID, AmountFen: 2000, Method: payout.Wallet, IdemKey: "portal-2"}
	var wg sync.WaitGroup
	ids := make(chan int64, 10)
	for range 10 {
		wg.Go(func() {
			w, _, err := s.Payout.Request(ctx, in)
			if err != nil {
				t.Error(err)
			}
			ids <- w.ID
		})
	}
	wg.Wait()
	close(ids)
	for id := range ids {
		if id != idOfKey(t, s, "portal-2") {
			t.Errorf("a concurrent repeat made withdrawal %d", id)
		}
	}
	if b := s.balance(bob.ID); b != (ledger.Balance{AvailableFen: 8000, WithdrawingFen: 2000}) {
		t.Fatalf("Bob %+v, want one withdrawal of 2000", b)
	}
	s.verify()
}

func idOfKey(t *testing.T, s *shop, key string) int64 {
	var id int64
	if err := s.DB.R.QueryRow(`SELECT id FROM withdrawals WHERE idem_key = $1`, key).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestAccounts(t *testing.T) {
	s := newShop(t)
	alice := s.distributor("Alice")
	s.earn(alice, 100000)
	s.setWithdrawal(settings.Withdrawal{MinFen: 1000, DailyCount: 100})
	ok := []struct {
		method payout.Method
		in     payout.Account
		shown  payout.Account // as stored and shown
	}{
		{payout.BankCard, payout.Account{BankName: " 招商银行 ", AccountName: "张三", CardNo: "6222-0210-0112-3456-789"},
			payout.Account{BankName: "招商银行", AccountName: "张三", CardNo: "***************6789"}},
		{payout.BankCard, payout.Account{BankName: "Bank", AccountName: "Li Si", CardNo: "621483012345671"},
			payout.Account{BankName: "Bank", AccountName: "Li Si", CardNo: "***********5671"}},
		{payout.Alipay, payout.Account{Account: "+86 138 0013 8000", AccountName: "张三"},
			payout.Account{Account: "13800138000", AccountName: "张三"}},
		{payout.Alipay, payout.Account{Account: "zhang.san@example.com", AccountName: "张三"},
			payout.Account{Account: "zhang.san@example.com", AccountName: "张三"}},
		{payout.WeChat, payout.Account{OpenID: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", AccountName: "张三"},
			payout.Account{OpenID: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", AccountName: "张三"}},
		{payout.WeChat, payout.Account{Phone: "13800138000", AccountName: "张三"},
			payout.Account{Phone: "13800138000", AccountName: "张三"}},
		{payout.Wallet, payout.Account{}, payout.Account{}},
	}
	for _, c := range ok {
		w, _, err := s.Payout.Request(ctx, payout.RequestInput{DistributorID: alice.ID, AmountFen: 1000, Method: c.method, Account: c.in})
		if err != nil {
			t.Errorf("%s %+v: %v", c.method, c.in, err)
			continue
		}
		if w.Account != c.shown {
			t.Errorf("%s shows %+v, want %+v", c.method, w.Account, c.shown)
		}
		if got := must(t)(s.Payout.Get(ctx, w.ID)); got.Account != c.shown {
			t.Errorf("%s read back as %+v, want %+v", c.method, got.Account, c.shown)
		}
	}
	card := payout.Account{BankName: "招商银行", AccountName: "张三", CardNo: "6222021001123456789"}
	bad := []struct {
		method payout.Method
		in     payout.Account
		field  string
	}{
		{payout.BankCard, payout.Account{BankName: "招商银行", AccountName: "张三", CardNo: "6222021001123456780"}, "account.card_no"},  // Luhn
		{payout.BankCard, payout.Account{BankName: "招商银行", AccountName: "张三", CardNo: "62220210011"}, "account.card_no"},          // 11 digits
		{payout.BankCard, payout.Account{BankName: "招商银行", AccountName: "张三", CardNo: "62220210011234567890"}, "account.card_no"}, // 20 digits
		{payout.BankCard, payout.Account{BankName: "招商银行", AccountName: "张三", CardNo: "6222O21001123456789"}, "account.card_no"},  // a letter O
		{payout.BankCard, payout.Account{AccountName: "张三", CardNo: card.CardNo}, "account.bank_name"},
		{payout.BankCard, payout.Account{BankName: "招商银行", CardNo: card.CardNo}, "account.account_name"},
		{payout.BankCard, payout.Account{BankName: "招商银行", AccountName: "张三", CardNo: card.CardNo, Phone: "13800138000"}, "account.phone"},
		{payout.Alipay, payout.Account{Account: "12345", AccountName: "张三"}, "account.account"},
		{payout.Alipay, payout.Account{Account: "张三 <a@b.cn>", AccountName: "张三"}, "account.account"},
		{payout.Alipay, payout.Account{Account: "13800138000"}, "account.account_name"},
		{payout.WeChat, payout.Account{AccountName: "张三"}, "account.openid"},
		{payout.WeChat, payout.Account{OpenID: "oUpF8uMuAJO", Phone: "13800138000", AccountName: "张三"}, "account.openid"},
		{payout.WeChat, payout.Account{OpenID: "o p", AccountName: "张三"}, "account.openid"},
		{payout.WeChat, payout.Account{Phone: "1380013800", AccountName: "张三"}, "account.phone"},
		{payout.Wallet, payout.Account{CardNo: card.CardNo}, "account.card_no"},
	}
	for _, c := range bad {
		_, _, err := s.Payout.Request(ctx, payout.RequestInput{DistributorID: alice.ID, AmountFen: 1000, Method: c.method, Account: c.in})
		var e *errs.Error
		if !errors.As(err, &e) || e.Code != "invalid_account" || e.Field != c.field || !strings.Contains(e.Message, c.field) {
			t.Errorf("%s %+v: want invalid_account on %s, got %v", c.method, c.in, c.field, err)
		}
	}
	_, _, err := s.Payout.Request(ctx, payout.RequestInput{DistributorID: alice.ID, AmountFen: 1000, Method: "paypal"})
	refused(t, err, "invalid_method")

	// The card number is stored whole (a payout needs it) but never shown.
	w, _, err := s.Payout.Request(ctx, payout.RequestInput{DistributorID: alice.ID, AmountFen: 1000, Method: payout.BankCard, Account: card})
	if err != nil {
		t.Fatal(err)
	}
	var raw string
	s.DB.R.QueryRow(`SELECT account FROM withdrawals WHERE id = $1`, w.ID).Scan(&raw)
	if !strings.Contains(raw, "6222021001123456789") {
		t.Errorf("stored account %s lacks the card number", raw)
	}
	page, err := s.Payout.List(ctx, payout.Filter{DistributorID: alice.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range page.Items {
		if strings.Contains(it.Account.CardNo, "6222021001") {
			t.Errorf("list shows card %s", it.Account.CardNo)
		}
	}
	var audit string
	s.DB.R.QueryRow(`SELECT after FROM audit_log WHERE action = 'withdrawal.request' AND entity_id = $1`, fmt.Sprint(w.ID)).Scan(&audit)
	if audit == "" || strings.Contains(audit, "6222021001") {
		t.Errorf("audit entry %q shows the card number", audit)
	}
	s.verify()
}

func TestList(t *testing.T) {
	s := newShop(t)
	alice := s.distributor("Alice")
	bob := s.distributor("Bob")
	s.earn(alice, 10000)
	s.earn(bob, 10000)
	a1 := s.request(alice, 1000)
	s.request(alice, 2000)
	b1 := s.request(bob, 3000)
	must(t)(s.Payout.Approve(ctx, b1.ID))
	must(t)(s.Payout.Reject(ctx, a1.ID, "x"))
	for _, c := range []struct {
		f     payout.Filter
		total int
		first int64
	}{
		{payout.Filter{}, 3, b1.ID},
		{payout.Filter{DistributorID: alice.ID}, 2, a1.ID + 1},
		{payout.Filter{Status: payout.Approved}, 1, b1.ID},
		{payout.Filter{Status: payout.Rejected, DistributorID: bob.ID}, 0, 0},
		{payout.Filter{PerPage: 1, Page: 3}, 3, a1.ID},
	} {
		p, err := s.Payout.List(ctx, c.f)
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != c.total || (c.first != 0 && (len(p.Items) == 0 || p.Items[0].ID != c.first)) || (c.first == 0 && len(p.Items) != 0) {
			t.Errorf("%+v: total %d items %+v", c.f, p.Total, p.Items)
		}
	}
	_, err := s.Payout.List(ctx, payout.Filter{Status: "done"})
	refused(t, err, "invalid_status")
	_, err = s.Payout.List(ctx, payout.Filter{PerPage: 101})
	refused(t, err, "invalid_per_page")
}

// A withdrawal row changed by hand breaks the checks that tie it to the ledger, by name.
func TestVerifyCatchesCorruptWithdrawals(t *testing.T) {
	const (
		perWithdrawal = "every withdrawal's ledger postings match its amount, fee and status"
		withdrawing   = "a distributor's withdrawing balance equals its requested and approved withdrawals"
		paidOut       = "a distributor's paid_out balance equals the amounts less fees of its paid withdrawals"
		fees          = "the merchant's fees balance equals the fees of paid withdrawals"
		total         = "each distributor's ledger balances sum to commission accrued minus reversed minus fees of paid withdrawals"
		overdraw      = "no withdrawal request took a distributor's available balance below zero"
	)
	for _, c := range []struct {
		name   string
		sql    string
		checks []string
	}{
		{"amount of an open withdrawal", `UPDATE withdrawals SET amount_fen = amount_fen + 1 WHERE status = 'requested'`, []string{perWithdrawal, withdrawing}},
		{"fee of a paid withdrawal", `UPDATE withdrawals SET fee_fen = fee_fen - 1 WHERE status = 'paid'`, []string{perWithdrawal, paidOut, fees, total}},
		{"a paid withdrawal marked failed", `UPDATE withdrawals SET status = 'failed', reference = NULL WHERE status = 'paid'`, []string{perWithdrawal, paidOut, fees, total}},
		{"a rejected withdrawal marked requested", `UPDATE withdrawals SET status = 'requested' WHERE status = 'rejected'`, []string{perWithdrawal, withdrawing}},
		{"a withdrawal moved to another distributor", `UPDATE withdrawals SET distributor_id = (SELECT max(id) FROM distributors) WHERE status = 'requested'`, []string{perWithdrawal, withdrawing}},
		{"a request that overdrew", `UPDATE ledger_entries SET amount_fen = amount_fen - 20000 WHERE amount_fen = -3000`, []string{overdraw}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newShop(t)
			alice := s.distributor("Alice")
			s.distributor("Bob")
			s.earn(alice, 10000)
			s.setWithdrawal(settings.Withdrawal{MinFen: 1000, DailyCount: 3, FeeBP: 100, FeeMinFen: 200})
			paid := s.request(alice, 2000)
			must(t)(s.Payout.Approve(ctx, paid.ID))
			must(t)(s.Payout.Pay(ctx, paid.ID, payout.PayInput{Reference: "B1"}))
			must(t)(s.Payout.Reject(ctx, s.request(alice, 1500).ID, "x"))
			s.request(alice, 3000)
			s.verify()
			if err := s.DB.InTx(ctx, func(tx *db.Tx) error { _, err := tx.Exec(c.sql); return err }); err != nil {
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
			for _, want := range c.checks {
				if !slices.Contains(names, want) {
					t.Errorf("breaches %v lack %q", names, want)
				}
			}
		})
	}
}
