package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/fenxiao/fenxiao/internal/errs"
)

// portalFakeMoney stands in for the settlement and payout services in these tests only. It keeps
// each statement's owner and refuses anyone else, as the real adapters must, so the tests check
// that the pages ask for the signed-in distributor and nobody else.
type portalFakeMoney struct {
	mu          sync.Mutex
	statements  []StatementView
	owner       map[int64]int64 // statement id → distributor
	requests    []WithdrawalInput
	withdrawals map[int64][]WithdrawalView
}

func (f *portalFakeMoney) Statements(_ context.Context, did int64, page, perPage int) ([]StatementView, int, error) {
	var out []StatementView
	for _, st := range f.statements {
		if f.owner[st.ID] == did {
			st.Lines = nil
			out = append(out, st)
		}
	}
	return out, len(out), nil
}

func (f *portalFakeMoney) Statement(_ context.Context, did, id int64) (StatementView, error) {
	for _, st := range f.statements {
		if st.ID == id && f.owner[id] == did {
			return st, nil
		}
	}
	return StatementView{}, errs.E(errs.NotFound, "statement_not_found", "statement not found")
}

// The fake's rules: at least ¥10, a fee of ¥2, a bank card needs a card number.
func (f *portalFakeMoney) Quote(_ context.Context, did, amount int64) (WithdrawalQuote, error) {
	if amount < 1000 {
		return WithdrawalQuote{}, errs.Field("amount_fen", "below_minimum", "the smallest withdrawal is ¥10.00")
	}
	return WithdrawalQuote{AmountFen: amount, FeeFen: 200, NetFen: amount - 200, AvailableFen: 50000, RemainingToday: 3}, nil
}

func (f *portalFakeMoney) Request(ctx context.Context, in WithdrawalInput) (WithdrawalView, error) {
	if _, err := f.Quote(ctx, in.DistributorID, in.AmountFen); err != nil {
		return WithdrawalView{}, err
	}
	if in.Method == "bank_card" && in.Account.CardNo == "" {
		return WithdrawalView{}, errs.Field("account.card_no", "invalid_account", "account.card_no: is required")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.requests {
		if r.IdemKey == in.IdemKey {
			return WithdrawalView{}, nil // a repeat: the first withdrawal stands
		}
	}
	f.requests = append(f.requests, in)
	w := WithdrawalView{ID: int64(len(f.requests)), AmountFen: in.AmountFen, FeeFen: 200, NetFen: in.AmountFen - 200,
		Method: in.Method, Account: "支付宝 " + in.Account.Account, Status: "requested", RequestedAt: time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)}
	if f.withdrawals == nil {
		f.withdrawals = map[int64][]WithdrawalView{}
	}
	f.withdrawals[in.DistributorID] = append([]WithdrawalView{w}, f.withdrawals[in.DistributorID]...)
	return w, nil
}

func (f *portalFakeMoney) Withdrawals(_ context.Context, did int64, page, perPage int) ([]WithdrawalView, int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.withdrawals[did], len(f.withdrawals[did]), nil
}

func TestPortalMoneyNotWiredYet(t *testing.T) {
	e := newPortalEnv(t)
	b := e.signIn(e.distributor("Amy", nil))
	b.get("/m/statements").want(t, http.StatusOK, "").has(t, "该功能暂未开放")
	b.get("/m/withdraw").want(t, http.StatusOK, "").has(t, "该功能暂未开放").lacks(t, `name="amount"`)
	b.get("/m/statements/1").want(t, http.StatusNotFound, "")
}

func TestPortalStatements(t *testing.T) {
	e := newPortalEnv(t)
	amy, ben := e.distributor("Amy", nil), e.distributor("Ben", nil)
	end := time.Date(2026, 3, 31, 16, 0, 0, 0, time.UTC)
	f := &portalFakeMoney{owner: map[int64]int64{1: amy.ID, 2: ben.ID}, statements: []StatementView{
		{ID: 1, PeriodEnd: end, OpeningFen: 0, AccruedFen: 2597, ReversedFen: 300, SettledFen: 1998, WithdrawnFen: 1000, ClosingFen: 998,
			Lines: []StatementLineView{{CommissionID: 7, OrderNo: "FX-AMY-1", ProductName: "蜂蜜 <b>", Role: "direct", AmountFen: 999}}},
		{ID: 2, PeriodEnd: end, SettledFen: 4242, ClosingFen: 4242, Lines: []StatementLineView{{OrderNo: "FX-BEN-1", AmountFen: 4242}}},
	}}
	e.S.UsePortalMoney(f, f)
	b := e.signIn(amy)
	b.get("/m/statements?distributor_id="+fmt.Sprint(ben.ID)).want(t, http.StatusOK, "").
		has(t, `href="/m/statements/1"`, "¥9.98").lacks(t, `href="/m/statements/2"`, "¥42.42")
	b.get("/m/statements/1").want(t, http.StatusOK, "").
		has(t, "FX-AMY-1", "蜂蜜 &lt;b&gt;", "+ ¥19.98", "− ¥10.00", "<b>¥9.98</b>", "同期新增佣金 ¥25.97").lacks(t, "FX-BEN-1")
	b.get("/m/statements/2").want(t, http.StatusNotFound, "").lacks(t, "FX-BEN-1", "¥42.42")
	b.get("/m/statements/x").want(t, http.StatusNotFound, "")
}

func TestPortalWithdraw(t *testing.T) {
	e := newPortalEnv(t)
	amy, ben := e.distributor("Amy", nil), e.distributor("Ben", nil)
	f := &portalFakeMoney{}
	e.S.UsePortalMoney(f, f)
	b := e.signIn(amy)
	r := b.get("/m/withdraw").want(t, http.StatusOK, "").has(t, `name="amount"`, `value="alipay" checked`)
	key := portalFind(t, r.Body, `name="key" value="([0-9a-f]+)"`)

	form := url.Values{"key": {key}, "amount": {"5"}, "method": {"alipay"}, "account.account_name": {"张三"},
		"account.account": {"zs@example.com"}, "distributor_id": {fmt.Sprint(ben.ID)}, "action": {"quote"}}
	// Bad amounts come back next to the field with what was typed.
	for _, c := range []struct{ amount, msg string }{{"abc", "请输入正确的金额"}, {"1.234", "请输入正确的金额"}, {"5", "低于最低提现金额"}} {
		form.Set("amount", c.amount)
		r := b.post("/m/withdraw", form).want(t, http.StatusUnprocessableEntity, "")
		if !portalMatch(r.Body, `name="amount"[^>]*value="`+regexp.QuoteMeta(c.amount)+`"[^>]*></label>\s*<p class="field-error">`+c.msg) {
			t.Fatalf("amount %q: no message next to it or value lost\n%s", c.amount, r.Body)
		}
		r.has(t, c.msg, `value="zs@example.com"`)
	}
	// Quote: fee and net shown, nothing requested yet.
	form.Set("amount", "¥1,234.5")
	b.post("/m/withdraw", form).want(t, http.StatusOK, "").has(t, "确认提现", "¥1,234.50", "¥2.00", "<b>¥1,232.50</b>", `value="confirm"`)
	if len(f.requests) != 0 {
		t.Fatal("a quote requested a withdrawal")
	}
	// An account detail the payout service refuses shows next to its input.
	bad := url.Values{"key": {key}, "amount": {"100"}, "method": {"bank_card"}, "action": {"confirm"}}
	r = b.post("/m/withdraw", bad).want(t, http.StatusUnprocessableEntity, "")
	if !portalFieldErr("account.card_no", "收款信息有误，请检查此项。").MatchString(r.Body) {
		t.Fatalf("card number: %s", r.Body)
	}
	// Confirm, twice (a double tap): one withdrawal, for Amy whatever the form says.
	form.Set("action", "confirm")
	b.post("/m/withdraw", form).want(t, http.StatusSeeOther, "/m/withdraw")
	b.post("/m/withdraw", form).want(t, http.StatusSeeOther, "/m/withdraw")
	if len(f.requests) != 1 || f.requests[0].DistributorID != amy.ID || f.requests[0].AmountFen != 123450 ||
		f.requests[0].Account.Account != "zs@example.com" || f.requests[0].IdemKey != fmt.Sprintf("portal:%d:%s", amy.ID, key) {
		t.Fatalf("requests = %+v", f.requests)
	}
	b.get("/m/withdraw").has(t, "提现申请已提交", "¥1,234.50", "待审核", "zs@example.com")
	e.signIn(ben).get("/m/withdraw").lacks(t, "zs@example.com", "¥1,234.50")

	// Frozen: no form, the history stays.
	if _, err := e.S.Network.Freeze(context.Background(), amy.ID, "核查"); err != nil {
		t.Fatal(err)
	}
	b.get("/m/withdraw").want(t, http.StatusOK, "").has(t, "账号冻结期间不能提现", "zs@example.com").lacks(t, `name="amount"`)
}

func TestPortalParseYuan(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"12", 1200, true}, {"12.3", 1230, true}, {"12.34", 1234, true}, {"¥1,234.56", 123456, true}, {" 0.01 ", 1, true},
		{"", 0, false}, {"0", 0, false}, {"0.00", 0, false}, {"-5", 0, false}, {"1.234", 0, false}, {"1e3", 0, false},
		{".5", 0, false}, {"12.", 1200, true}, {"1234567890123", 0, false}, {"１２", 0, false},
	} {
		got, err := portalParseYuan(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("portalParseYuan(%q) = %d, %v; want %d ok=%v", c.in, got, err, c.want, c.ok)
		}
	}
}
