package httpapi_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/fenxiao/fenxiao/internal/network"
	"github.com/fenxiao/fenxiao/internal/order"
	"github.com/fenxiao/fenxiao/internal/verify"
)

type sku struct {
	ID       int64 `json:"id"`
	PriceFen int64 `json:"price_fen"`
	Stock    int64 `json:"stock"`
	Reserved int64 `json:"reserved"`
	Sold     int64 `json:"sold"`
}

type product struct {
	ID   int64 `json:"id"`
	SKUs []sku `json:"skus"`
}

type balance struct {
	FrozenFen      int64 `json:"frozen_fen"`
	AvailableFen   int64 `json:"available_fen"`
	WithdrawingFen int64 `json:"withdrawing_fen"`
	PaidOutFen     int64 `json:"paid_out_fen"`
}

func (a *testAPI) product(name string, priceFen, stock int64, extra map[string]any) sku {
	a.t.Helper()
	body := map[string]any{"name": name, "skus": []map[string]any{{"price_fen": priceFen, "stock": stock}}}
	for k, v := range extra {
		body[k] = v
	}
	r := a.do("POST", "/api/v1/products", body)
	if r.Status != 201 {
		a.t.Fatalf("create product: %d %s", r.Status, r.Body)
	}
	var p product
	r.json(a.t, &p)
	return p.SKUs[0]
}

func (a *testAPI) distributor(name, phone, invite string) network.Distributor {
	a.t.Helper()
	var d network.Distributor
	r := a.do("POST", "/api/v1/distributors", map[string]string{"name": name, "phone": phone, "invite_code": invite})
	if r.Status != 201 {
		a.t.Fatalf("apply: %s", r.Body)
	}
	r.json(a.t, &d)
	a.do("POST", fmt.Sprintf("/api/v1/distributors/%d/approve", d.ID), nil).json(a.t, &d)
	return d
}

func (a *testAPI) balance(id int64) balance {
	a.t.Helper()
	var b balance
	a.do("GET", fmt.Sprintf("/api/v1/distributors/%d/balance", id), nil).json(a.t, &b)
	return b
}

func (a *testAPI) order(body map[string]any) order.Order {
	a.t.Helper()
	r := a.do("POST", "/api/v1/orders", body)
	if r.Status != 201 {
		a.t.Fatalf("create order: %d %s", r.Status, r.Body)
	}
	var o order.Order
	r.json(a.t, &o)
	return o
}

func (a *testAPI) pay(o order.Order) order.Order {
	a.t.Helper()
	r := a.do("POST", fmt.Sprintf("/api/v1/orders/%d/pay", o.ID), map[string]any{"amount_fen": o.TotalFen, "provider": "wechat", "reference": "wx" + o.OrderNo})
	if r.Status != 200 {
		a.t.Fatalf("pay: %d %s", r.Status, r.Body)
	}
	var paid order.Order
	r.json(a.t, &paid)
	return paid
}

func (a *testAPI) verify() {
	a.t.Helper()
	b, err := verify.Run(ctx, a.DB)
	if err != nil || len(b) > 0 {
		a.t.Fatalf("verify: %v %+v", err, b)
	}
}

func commissionOf(o order.Order, distributorID int64) (sum int64) {
	for _, c := range o.Commissions {
		if c.DistributorID == distributorID {
			sum += c.NetFen
		}
	}
	return sum
}

// DESIGN.md §4's worked examples, through the API, with the default plan 1000 / 800 / 300 bp.
func TestWorkedExamples(t *testing.T) {
	a := newAPI(t)
	alice := a.distributor("Alice", "13900000001", "")
	bob := a.distributor("Bob", "13900000002", *alice.InviteCode)
	tea := a.product("明前龙井", 9990, 100, nil)
	cup := a.product("青瓷杯", 5800, 100, nil)
	nut := a.product("山核桃", 1234, 100, nil)

	// Through level-2 Bob: 2 × ¥99.90, shipping ¥10. Base 19980; Bob 1598.4 → 1598; Alice 599.4 → 599.
	o := a.order(map[string]any{"customer_name": "顾客甲", "customer_phone": "13700000001", "ship_address": "杭州市西湖区1号",
		"lines": []map[string]any{{"sku_id": tea.ID, "quantity": 2}}, "shipping_fen": 1000, "ref": bob.Code})
	if o.TotalFen != 20980 || o.Lines[0].BaseFen != 19980 || *o.DistributorID != bob.ID || *o.ParentID != alice.ID {
		t.Fatalf("order: total %d base %d snapshot %v/%v", o.TotalFen, o.Lines[0].BaseFen, o.DistributorID, o.ParentID)
	}
	o = a.pay(o)
	if got := commissionOf(o, bob.ID); got != 1598 {
		t.Errorf("Bob earns %d, want 1598", got)
	}
	if got := commissionOf(o, alice.ID); got != 599 {
		t.Errorf("Alice earns %d, want 599", got)
	}
	if b := a.balance(bob.ID); b.FrozenFen != 1598 {
		t.Errorf("Bob frozen %d, want 1598", b.FrozenFen)
	}

	// One unit refunded: Bob 9990×800/10000 = 799.2 → 799 (reversal 799); Alice 299.7 → 299 (reversal 300).
	r := a.do("POST", fmt.Sprintf("/api/v1/orders/%d/refunds", o.ID), map[string]any{
		"lines": []map[string]any{{"line_id": o.Lines[0].ID, "quantity": 1}}, "reason": "破损"})
	if r.Status != 201 {
		t.Fatalf("refund: %d %s", r.Status, r.Body)
	}
	r.json(t, &o)
	if commissionOf(o, bob.ID) != 799 || commissionOf(o, alice.ID) != 299 || o.RefundedFen != 9990 {
		t.Errorf("after refund: Bob %d Alice %d refunded %d; want 799, 299, 9990", commissionOf(o, bob.ID), commissionOf(o, alice.ID), o.RefundedFen)
	}
	if b := a.balance(bob.ID); b.FrozenFen != 799 {
		t.Errorf("Bob frozen %d after refund, want 799", b.FrozenFen)
	}
	if b := a.balance(alice.ID); b.FrozenFen != 299 {
		t.Errorf("Alice frozen %d after refund, want 299", b.FrozenFen)
	}

	// Through Alice directly: 1 × ¥58.00 and 3 × ¥12.34 with a ¥10.00 coupon. Lines 5800 and 3702;
	// coupon share 1000×5800/9502 = 610.4 → 610, last line 390; bases 5190 and 3312;
	// Alice 519 + 331.2 → 331 = 850.
	o2 := a.order(map[string]any{"customer_name": "顾客乙", "customer_phone": "13700000002", "ship_address": "上海市1号",
		"lines": []map[string]any{{"sku_id": cup.ID, "quantity": 1}, {"sku_id": nut.ID, "quantity": 3}}, "discount_fen": 1000, "ref": alice.Code})
	if o2.Lines[0].DiscountFen != 610 || o2.Lines[1].DiscountFen != 390 || o2.Lines[0].BaseFen != 5190 || o2.Lines[1].BaseFen != 3312 {
		t.Fatalf("allocation: %+v", o2.Lines)
	}
	o2 = a.pay(o2)
	if got := commissionOf(o2, alice.ID); got != 850 {
		t.Errorf("Alice earns %d, want 850", got)
	}
	if b := a.balance(alice.ID); b.FrozenFen != 299+850 {
		t.Errorf("Alice frozen %d, want 1149", b.FrozenFen)
	}
	a.verify()
}

func TestOrderBadInputChangesNothing(t *testing.T) {
	a := newAPI(t)
	tea := a.product("龙井", 9990, 5, nil)
	off := a.product("下架品", 100, 5, map[string]any{"status": "off_shelf"})
	gone := a.product("售罄", 100, 0, nil)
	good := map[string]any{"customer_name": "顾客", "customer_phone": "13700000001", "ship_address": "北京市1号"}
	with := func(kv ...any) map[string]any {
		m := map[string]any{}
		for k, v := range good {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	line := func(id int64, q any) []map[string]any { return []map[string]any{{"sku_id": id, "quantity": q}} }
	cases := []struct {
		name   string
		body   any
		status int
		code   string
	}{
		{"unknown sku", with("lines", line(999, 1)), 422, "sku_not_found"},
		{"off shelf", with("lines", line(off.ID, 1)), 422, "off_shelf"},
		{"sold out", with("lines", line(gone.ID, 1)), 409, "sold_out"},
		{"more than stock", with("lines", line(tea.ID, 6)), 409, "insufficient_stock"},
		{"zero quantity", with("lines", line(tea.ID, 0)), 422, "invalid_quantity"},
		{"negative quantity", with("lines", line(tea.ID, -1)), 422, "invalid_quantity"},
		{"absurd quantity", with("lines", line(tea.ID, 1e9)), 422, "invalid_quantity"},
		{"overflowing quantity", `{"customer_name":"a","customer_phone":"13700000001","ship_address":"x","lines":[{"sku_id":1,"quantity":99999999999999999999}]}`, 422, "invalid_input"},
		{"fractional fen", with("lines", line(tea.ID, 1), "shipping_fen", 1.5), 422, "invalid_input"},
		{"negative shipping", with("lines", line(tea.ID, 1), "shipping_fen", -1), 422, "invalid_shipping"},
		{"discount above goods", with("lines", line(tea.ID, 1), "discount_fen", 10000), 422, "invalid_discount"},
		{"no lines", with("lines", []any{}), 422, "invalid_input"},
		{"same sku twice", with("lines", []map[string]any{{"sku_id": tea.ID, "quantity": 1}, {"sku_id": tea.ID, "quantity": 1}}), 422, "duplicate_sku"},
		{"bad phone", with("lines", line(tea.ID, 1), "customer_phone", "12345"), 422, ""},
		{"unknown ref", with("lines", line(tea.ID, 1), "ref", "DNOPE"), 422, "unknown_ref"},
	}
	count := func() string {
		var o, st int
		a.DB.R.QueryRow(`SELECT count(*) FROM orders`).Scan(&o)
		a.DB.R.QueryRow(`SELECT COALESCE(sum(stock), 0) + COALESCE(sum(reserved), 0) * 1000 FROM skus`).Scan(&st)
		return fmt.Sprint(o, "/", st)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := count()
			a.do("POST", "/api/v1/orders", c.body).mustProblem(t, c.status, c.code)
			if after := count(); after != before {
				t.Errorf("state changed %s → %s", before, after)
			}
		})
	}

	o := a.order(with("lines", line(tea.ID, 1)))
	pay := func(amount int64, ref string) response {
		return a.do("POST", fmt.Sprintf("/api/v1/orders/%d/pay", o.ID), map[string]any{"amount_fen": amount, "provider": "alipay", "reference": ref})
	}
	a.do("POST", fmt.Sprintf("/api/v1/orders/%d/ship", o.ID), map[string]any{"carrier": "顺丰", "tracking_no": "SF1"}).mustProblem(t, 409, "invalid_transition")
	pay(o.TotalFen-1, "A1").mustProblem(t, 422, "amount_mismatch")
	pay(9223372036854775807, "A1").mustProblem(t, 422, "amount_mismatch")
	if r := pay(o.TotalFen, "A1"); r.Status != 200 {
		t.Fatalf("pay: %s", r.Body)
	}
	if r := pay(o.TotalFen, "A1"); r.Status != 200 { // the provider retries its callback
		t.Fatalf("repeat pay: %s", r.Body)
	}
	pay(o.TotalFen, "A2").mustProblem(t, 409, "already_paid")
	a.do("POST", fmt.Sprintf("/api/v1/orders/%d/cancel", o.ID), nil).mustProblem(t, 409, "invalid_transition")
	a.do("POST", fmt.Sprintf("/api/v1/orders/%d/refunds", o.ID), map[string]any{"lines": []map[string]any{{"line_id": o.Lines[0].ID, "quantity": 2}}, "reason": "x"}).
		mustProblem(t, 422, "refund_exceeds_quantity")
	a.do("POST", fmt.Sprintf("/api/v1/orders/%d/refunds", o.ID), map[string]any{"lines": []map[string]any{{"line_id": 999999, "quantity": 1}}, "reason": "x"}).
		mustProblem(t, 422, "line_not_found")
	a.do("GET", "/api/v1/orders/999999", nil).mustProblem(t, 404, "order_not_found")
	a.verify()
}

func TestIdempotentWrites(t *testing.T) {
	a := newAPI(t)
	tea := a.product("龙井", 1000, 10, nil)
	body := map[string]any{"customer_name": "顾客", "customer_phone": "13700000001", "ship_address": "北京",
		"lines": []map[string]any{{"sku_id": tea.ID, "quantity": 1}}}
	h := map[string]string{"Idempotency-Key": "create-1"}
	r1 := a.doWith(a.Key, "POST", "/api/v1/orders", body, h)
	r2 := a.doWith(a.Key, "POST", "/api/v1/orders", body, h)
	if r1.Status != 201 || r2.Status != 201 || string(r1.Body) != string(r2.Body) || r2.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay: %d %d %s", r1.Status, r2.Status, r2.Header)
	}
	body["lines"] = []map[string]any{{"sku_id": tea.ID, "quantity": 2}}
	a.doWith(a.Key, "POST", "/api/v1/orders", body, h).mustProblem(t, 409, "idempotency_key_reused")
	var n int
	a.DB.R.QueryRow(`SELECT count(*) FROM orders`).Scan(&n)
	if n != 1 {
		t.Fatalf("orders = %d, want 1", n)
	}
	// external_id: a repeat returns the first order.
	body["external_id"] = "shop-42"
	var o1, o2 order.Order
	a.do("POST", "/api/v1/orders", body).json(t, &o1)
	a.do("POST", "/api/v1/orders", body).json(t, &o2)
	if o1.ID == 0 || o1.ID != o2.ID {
		t.Fatalf("external id repeat made a new order: %d %d", o1.ID, o2.ID)
	}
	// Concurrent retries of one refund key refund once.
	o1 = a.pay(o1)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a.doWith(a.Key, "POST", fmt.Sprintf("/api/v1/orders/%d/refunds", o1.ID),
				map[string]any{"lines": []map[string]any{{"line_id": o1.Lines[0].ID, "quantity": 1}}, "reason": "retry"},
				map[string]string{"Idempotency-Key": "refund-1"})
		}()
	}
	wg.Wait()
	a.DB.R.QueryRow(`SELECT count(*) FROM refunds`).Scan(&n)
	if n != 1 {
		t.Fatalf("refunds = %d, want 1", n)
	}
	a.verify()
}
