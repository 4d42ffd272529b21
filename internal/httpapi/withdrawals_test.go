package httpapi_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/fenxiao/fenxiao/internal/ledger"
	"github.com/fenxiao/fenxiao/internal/network"
	"github.com/fenxiao/fenxiao/internal/payout"
	"github.com/fenxiao/fenxiao/internal/settlement"
)

// earn gives level-1 d exactly fen available: an order of fen × 10 through d's code earns fen at
// the default 1000 bp; it is shipped and completed through the API, the refund window passes on
// the test clock and a real settlement makes the commission available.
func (a *testAPI) earn(d network.Distributor, fen int64) {
	a.t.Helper()
	item := a.product(fmt.Sprintf("茶%d", fen), fen*10, 1, nil)
	o := a.pay(a.order(map[string]any{"customer_name": "顾客", "customer_phone": "13700000001", "ship_address": "杭州市西湖区1号",
		"lines": []map[string]any{{"sku_id": item.ID, "quantity": 1}}, "ref": d.Code}))
	if r := a.do("POST", fmt.Sprintf("/api/v1/orders/%d/ship", o.ID), map[string]any{"carrier": "顺丰", "tracking_no": fmt.Sprint("SF", o.ID)}); r.Status != 200 {
		a.t.Fatalf("ship: %s", r.Body)
	}
	if r := a.do("POST", fmt.Sprintf("/api/v1/orders/%d/complete", o.ID), nil); r.Status != 200 {
		a.t.Fatalf("complete: %s", r.Body)
	}
	a.Clock.Advance(8 * 24 * time.Hour)
	if r, err := settlement.New(a.DB, ledger.New(a.DB), nil).Run(ctx, time.Time{}, d.ID); err != nil || r.Status != settlement.Completed {
		a.t.Fatalf("settle: %v %+v", err, r)
	}
}

// The worked example through the API: ¥100.00 available, 1% fee with a ¥2.00 floor, withdraw
// ¥30.00: fee 200, net 2800.
func TestWithdrawalThroughAPI(t *testing.T) {
	a := newAPI(t)
	alice := a.distributor("Alice", "13900000001", "")
	a.earn(alice, 10000)
	finance, operator := a.keyFor("finance"), a.keyFor("operator")

	var s struct {
		Withdrawal map[string]int64 `json:"withdrawal"`
	}
	a.do("GET", "/api/v1/settings", nil).json(t, &s)
	if s.Withdrawal["min_fen"] != 1000 || s.Withdrawal["daily_count"] != 3 || s.Withdrawal["fee_bp"] != 0 {
		t.Fatalf("default withdrawal settings %v", s.Withdrawal)
	}
	cfg := map[string]any{"min_fen": 1000, "max_fen": 0, "daily_count": 3, "fee_bp": 100, "fee_min_fen": 200}
	if r := a.do("PUT", "/api/v1/settings", map[string]any{"withdrawal": cfg}); r.Status != 200 {
		t.Fatalf("put settings: %d %s", r.Status, r.Body)
	}

	var q payout.Quote
	r := a.doWith(operator, "POST", "/api/v1/withdrawals/quote", map[string]any{"distributor_id": alice.ID, "amount_fen": 3000}, nil)
	r.json(t, &q)
	if r.Status != 200 || q.FeeFen != 200 || q.NetFen != 2800 || q.AvailableFen != 10000 {
		t.Fatalf("quote: %d %s", r.Status, r.Body)
	}

	body := map[string]any{"distributor_id": alice.ID, "amount_fen": 3000, "method": "bank_card",
		"account": map[string]any{"bank_name": "招商银行", "account_name": "Alice", "card_no": "6222021001123456789"}}
	key := map[string]string{"Idempotency-Key": "w-1"}
	r = a.doWith(operator, "POST", "/api/v1/withdrawals", body, key)
	if r.Status != 201 {
		t.Fatalf("request: %d %s", r.Status, r.Body)
	}
	var w payout.Withdrawal
	r.json(t, &w)
	if w.Status != payout.Requested || w.FeeFen != 200 || w.NetFen != 2800 || w.Account.CardNo != "***************6789" {
		t.Fatalf("requested %s", r.Body)
	}
	again := a.doWith(operator, "POST", "/api/v1/withdrawals", body, key)
	if again.Status != 201 || string(again.Body) != string(r.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay: %d %s", again.Status, again.Body)
	}
	if b := a.balance(alice.ID); b.AvailableFen != 7000 || b.WithdrawingFen != 3000 {
		t.Fatalf("after request: %+v", b)
	}

	// Reading and deciding are finance's.
	path := fmt.Sprintf("/api/v1/withdrawals/%d", w.ID)
	a.doWith(operator, "GET", "/api/v1/withdrawals", nil, nil).mustProblem(t, 403, "")
	a.doWith(operator, "POST", path+"/approve", nil, nil).mustProblem(t, 403, "")
	var page payout.Page
	a.doWith(finance, "GET", fmt.Sprintf("/api/v1/withdrawals?status=requested&distributor_id=%d", alice.ID), nil, nil).json(t, &page)
	if page.Total != 1 || page.Items[0].ID != w.ID {
		t.Fatalf("list: %+v", page)
	}
	if r := a.doWith(finance, "POST", path+"/approve", nil, nil); r.Status != 200 {
		t.Fatalf("approve: %d %s", r.Status, r.Body)
	}
	a.doWith(finance, "POST", path+"/pay", map[string]any{}, nil).mustProblem(t, 422, "reference_required")
	r = a.doWith(finance, "POST", path+"/pay", map[string]any{"reference": "CMB-0001"}, nil)
	r.json(t, &w)
	if r.Status != 200 || w.Status != payout.Paid || w.Reference != "CMB-0001" {
		t.Fatalf("pay: %d %s", r.Status, r.Body)
	}
	if r := a.doWith(finance, "POST", path+"/pay", map[string]any{"reference": "CMB-0001"}, nil); r.Status != 200 {
		t.Fatalf("repeat pay: %d %s", r.Status, r.Body)
	}
	a.doWith(finance, "POST", path+"/reject", map[string]any{"reason": "x"}, nil).mustProblem(t, 409, "invalid_transition")
	if b := a.balance(alice.ID); b.AvailableFen != 7000 || b.WithdrawingFen != 0 || b.PaidOutFen != 2800 {
		t.Fatalf("after pay: %+v, want available 7000, paid out 2800", b)
	}
	var got payout.Withdrawal
	a.doWith(operator, "GET", path, nil, nil).json(t, &got)
	if got.Status != payout.Paid || got.Account.CardNo != "***************6789" {
		t.Fatalf("get: %+v", got)
	}
	a.verify()
}

func TestWithdrawalProblems(t *testing.T) {
	a := newAPI(t)
	alice := a.distributor("Alice", "13900000001", "")
	a.earn(alice, 10000)
	finance := a.keyFor("finance")
	wallet := func(fen int64) map[string]any {
		return map[string]any{"distributor_id": alice.ID, "amount_fen": fen, "method": "wallet"}
	}
	card := func(no string) map[string]any {
		return map[string]any{"distributor_id": alice.ID, "amount_fen": 1000, "method": "bank_card",
			"account": map[string]any{"bank_name": "招商银行", "account_name": "Alice", "card_no": no}}
	}
	cases := []struct {
		name     string
		path     string
		body     any
		status   int
		code     string
		location string
	}{
		{"below minimum", "/api/v1/withdrawals", wallet(999), 422, "below_minimum", "body.amount_fen"},
		{"more than available", "/api/v1/withdrawals", wallet(10001), 409, "insufficient_balance", ""},
		{"quote of more than available", "/api/v1/withdrawals/quote", map[string]any{"distributor_id": alice.ID, "amount_fen": 10001}, 409, "insufficient_balance", ""},
		{"bad check digit", "/api/v1/withdrawals", card("6222021001123456780"), 422, "invalid_account", "body.account.card_no"},
		{"unknown method", "/api/v1/withdrawals", map[string]any{"distributor_id": alice.ID, "amount_fen": 1000, "method": "paypal"}, 422, "invalid_input", ""},
		{"unknown distributor", "/api/v1/withdrawals", map[string]any{"distributor_id": 999, "amount_fen": 1000, "method": "wallet"}, 422, "distributor_not_found", "body.distributor_id"},
		{"fractional fen", "/api/v1/withdrawals", map[string]any{"distributor_id": alice.ID, "amount_fen": 1000.5, "method": "wallet"}, 422, "invalid_input", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := a.doWith(finance, "POST", c.path, c.body, nil).mustProblem(t, c.status, c.code)
			if c.location != "" && (len(p.Errors) == 0 || p.Errors[0].Location != c.location) {
				t.Errorf("errors %+v, want location %s", p.Errors, c.location)
			}
		})
	}
	var n int
	a.DB.R.QueryRow(`SELECT count(*) FROM withdrawals`).Scan(&n)
	if n != 0 {
		t.Fatalf("refused requests stored %d withdrawals", n)
	}

	var w payout.Withdrawal
	a.doWith(finance, "POST", "/api/v1/withdrawals", wallet(1000), nil).json(t, &w)
	path := fmt.Sprintf("/api/v1/withdrawals/%d", w.ID)
	a.doWith(finance, "POST", path+"/reject", map[string]any{"reason": " "}, nil).mustProblem(t, 422, "reason_required")
	a.doWith(finance, "POST", path+"/pay", map[string]any{"reference": "B1"}, nil).mustProblem(t, 409, "invalid_transition")
	a.doWith(finance, "POST", path+"/fail", map[string]any{"reason": "x"}, nil).mustProblem(t, 409, "invalid_transition")
	a.doWith(finance, "GET", "/api/v1/withdrawals/999999", nil, nil).mustProblem(t, 404, "withdrawal_not_found")
	a.doWith(finance, "GET", "/api/v1/withdrawals?status=done", nil, nil).mustProblem(t, 422, "invalid_status")
	a.doWith(finance, "POST", "/api/v1/withdrawals", wallet(1000), nil)
	a.doWith(finance, "POST", "/api/v1/withdrawals", wallet(1000), nil)
	a.doWith(finance, "POST", "/api/v1/withdrawals", wallet(1000), nil).mustProblem(t, 409, "daily_limit")
	if r := a.doWith(finance, "POST", path+"/reject", map[string]any{"reason": "请改用银行卡"}, nil); r.Status != 200 {
		t.Fatalf("reject: %d %s", r.Status, r.Body)
	}
	if _, err := (&network.Service{DB: a.DB}).Freeze(ctx, alice.ID, "调查中"); err != nil {
		t.Fatal(err)
	}
	a.doWith(finance, "POST", "/api/v1/withdrawals", wallet(1000), nil).mustProblem(t, 409, "distributor_frozen")

	cfg := map[string]any{"min_fen": 1000, "max_fen": 0, "daily_count": 3, "fee_bp": 0, "fee_min_fen": 1000}
	a.do("PUT", "/api/v1/settings", map[string]any{"withdrawal": cfg}).mustProblem(t, 422, "invalid_fee_min_fen")
	if b := a.balance(alice.ID); b.AvailableFen != 8000 || b.WithdrawingFen != 2000 {
		t.Fatalf("balance %+v, want two open withdrawals of 1000", b)
	}
	a.verify()
}
