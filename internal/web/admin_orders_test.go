package web

import (
	"encoding/csv"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fenxiao/fenxiao/internal/order"
)

// Ship and refund through the forms; the figures are DESIGN.md §4's worked example.
func TestAdminOrderShipAndRefund(t *testing.T) {
	e := newAdminEnv(t)
	alice := e.distributor("Alice", nil)
	bob := e.distributor("Bob", &alice)
	p := e.product("坚果礼盒", 9990, 10)
	o := e.paidOrder(bob.Code, 0, 1000, order.LineInput{SKUID: p.SKUs[0].ID, Quantity: 2})
	path := fmt.Sprintf("/admin/orders/%d", o.ID)

	// Shipping without a waybill number is refused next to that field, with the carrier kept.
	res := e.post("operator", path+"/ship", url.Values{"carrier": {"顺丰速运"}, "tracking_no": {" "}}).must(t, http.StatusUnprocessableEntity)
	res.near(t, "tracking_no", "请填写运单号")
	if !strings.Contains(res.Body, `value="顺丰速运"`) {
		t.Fatal("typed carrier not kept")
	}
	if got, _ := e.S.Orders.Get(e.ctx, o.ID); got.Status != order.Paid {
		t.Fatalf("refused ship changed the order: %s", got.Status)
	}
	e.post("operator", path+"/ship", url.Values{"carrier": {"顺丰速运"}, "tracking_no": {"SF1234567890"}}).must(t, http.StatusSeeOther)
	got, _ := e.S.Orders.Get(e.ctx, o.ID)
	if got.Status != order.Shipped || got.Shipment == nil || got.Shipment.Carrier != "顺丰速运" || got.Shipment.TrackingNo != "SF1234567890" {
		t.Fatalf("after ship: %s %+v", got.Status, got.Shipment)
	}
	if page := e.get("finance", path).must(t, http.StatusOK).Body; !strings.Contains(page, "顺丰速运 · SF1234567890") || strings.Contains(page, "/refund\"") {
		t.Fatal("finance's order page: shipment missing or actions shown")
	}

	// Refund one unit: ¥99.90 back; Bob's 1598 → 799 (reversal 799), Alice's 599 → 299 (reversal 300).
	line := fmt.Sprintf("qty.%d", got.Lines[0].ID)
	res = e.post("operator", path+"/refund", url.Values{line: {"3"}, "reason": {"多退"}}).must(t, http.StatusUnprocessableEntity)
	res.near(t, line, "退款数量超过可退数量")
	res = e.post("operator", path+"/refund", url.Values{line: {"1"}, "reason": {""}}).must(t, http.StatusUnprocessableEntity)
	res.near(t, "reason", "请填写原因（最多 500 个字）")
	res = e.post("operator", path+"/refund", url.Values{line: {"1"}, "reason": {"破损"}, "shipping": {"0.001"}}).must(t, http.StatusUnprocessableEntity)
	res.near(t, "shipping", "金额最多两位小数")
	res = e.post("operator", path+"/refund", url.Values{"reason": {"破损"}}).must(t, http.StatusUnprocessableEntity)
	res.inForm(t, path+"/refund", "请填写要退的商品数量")
	if got, _ := e.S.Orders.Get(e.ctx, o.ID); got.RefundedFen != 0 || len(got.Refunds) != 0 {
		t.Fatalf("refused refunds changed the order: %d", got.RefundedFen)
	}

	e.post("operator", path+"/refund", url.Values{line: {"1"}, "reason": {"破损"}, "restock": {"1"}}).must(t, http.StatusSeeOther)
	got, _ = e.S.Orders.Get(e.ctx, o.ID)
	if got.RefundedFen != 9990 || got.Lines[0].RefundedQty != 1 || len(got.Refunds) != 1 || !got.Refunds[0].Restock {
		t.Fatalf("after refund: refunded %d, qty %d, %+v", got.RefundedFen, got.Lines[0].RefundedQty, got.Refunds)
	}
	want := map[int64][2]int64{bob.ID: {1598, 799}, alice.ID: {599, 300}} // accrued, reversed
	for _, c := range got.Commissions {
		if w := want[c.DistributorID]; c.AmountFen != w[0] || c.ReversedFen != w[1] {
			t.Errorf("commission of %d: %d accrued %d reversed, want %v", c.DistributorID, c.AmountFen, c.ReversedFen, w)
		}
	}
	if q, _ := e.S.Catalog.Get(e.ctx, p.ID); q.SKUs[0].Stock != 9 {
		t.Fatalf("restocked stock %d, want 9", q.SKUs[0].Stock)
	}
	// The rest with the shipping: the whole ¥209.80 is back.
	e.post("operator", path+"/refund", url.Values{line: {"1"}, "reason": {"全退"}, "shipping": {"10"}}).must(t, http.StatusSeeOther)
	got, _ = e.S.Orders.Get(e.ctx, o.ID)
	if got.RefundedFen != 20980 || got.TotalFen != 20980 {
		t.Fatalf("after full refund: %d of %d", got.RefundedFen, got.TotalFen)
	}
	page := e.get("operator", path).Body
	if !strings.Contains(page, `id="refunded">¥209.80<`) || strings.Contains(page, "/refund\"") {
		t.Fatal("order page after full refund")
	}

	// The rest of the path, and a refused step.
	e.post("operator", path+"/deliver", url.Values{}).must(t, http.StatusSeeOther)
	e.post("operator", path+"/deliver", url.Values{}).must(t, http.StatusUnprocessableEntity).alert(t, "当前状态下不能进行此操作")
	e.post("operator", path+"/complete", url.Values{}).must(t, http.StatusSeeOther)
	if got, _ := e.S.Orders.Get(e.ctx, o.ID); got.Status != order.Completed {
		t.Fatalf("status %s, want completed", got.Status)
	}
}

func TestAdminOrderCancel(t *testing.T) {
	e := newAdminEnv(t)
	p := e.product("茶具", 12000, 3)
	o, _, err := e.S.Orders.Create(e.ctx, order.Input{CustomerName: "顾客", CustomerPhone: "13712345678", ShipAddress: "上海",
		Lines: []order.LineInput{{SKUID: p.SKUs[0].ID, Quantity: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	e.post("operator", fmt.Sprintf("/admin/orders/%d/cancel", o.ID), url.Values{"reason": {"顾客要求"}}).must(t, http.StatusSeeOther)
	got, _ := e.S.Orders.Get(e.ctx, o.ID)
	if got.Status != order.Cancelled || got.CancelReason != "顾客要求" {
		t.Fatalf("after cancel: %s %q", got.Status, got.CancelReason)
	}
	if q, _ := e.S.Catalog.Get(e.ctx, p.ID); q.SKUs[0].Stock != 3 || q.SKUs[0].Reserved != 0 {
		t.Fatalf("stock after cancel: %+v", q.SKUs[0])
	}
}

func TestAdminOrderListFilters(t *testing.T) {
	e := newAdminEnv(t)
	alice := e.distributor("Alice", nil)
	carl := e.distributor("Carl", nil)
	bob := e.distributor("Bob", &alice)
	p := e.product("茶", 1000, 100)
	buy := func(ref string, qty int64) order.Order {
		return e.paidOrder(ref, 0, 0, order.LineInput{SKUID: p.SKUs[0].ID, Quantity: qty})
	}
	o1 := buy(bob.Code, 1) // 2026-03-01 (Beijing) — credited to Bob, Alice earns the override
	e.Clock.Advance(24 * time.Hour)
	o2 := buy(carl.Code, 5) // 2026-03-02
	e.Clock.Advance(24 * time.Hour)
	o3 := buy("", 3) // 2026-03-03, no distributor
	if _, err := e.S.Orders.Ship(e.ctx, o2.ID, order.ShipInput{Carrier: "中通", TrackingNo: "ZT1"}); err != nil {
		t.Fatal(err)
	}
	// ids lists the orders a page shows, in the page's order.
	ids := func(q string) string {
		body := e.get("finance", "/admin/orders?"+q).must(t, http.StatusOK).Body
		at := map[int]string{}
		for n, o := range []order.Order{o1, o2, o3} {
			if i := strings.Index(body, ">"+o.OrderNo+"<"); i >= 0 {
				at[i] = fmt.Sprint(n + 1)
			}
		}
		var out []string
		for _, i := range slices.Sorted(maps.Keys(at)) {
			out = append(out, at[i])
		}
		return strings.Join(out, ",")
	}
	cases := []struct{ q, want string }{
		{"", "3,2,1"}, // newest first
		{"sort=old", "1,2,3"},
		{"sort=total", "2,3,1"},
		{"status=shipped", "2"},
		{"distributor=" + alice.Code, "1"}, // as the parent
		{"distributor=" + fmt.Sprint(carl.ID), "2"},
		{"from=2026-03-02", "3,2"},
		{"from=2026-03-01&to=2026-03-02", "2,1"},
		{"to=2026-03-01", "1"},
		{"order_no=" + o3.OrderNo, "3"},
		{"distributor=DNOSUCH", ""},
	}
	for _, c := range cases {
		if got := ids(c.q); got != c.want {
			t.Errorf("orders?%s = %s, want %s", c.q, got, c.want)
		}
	}
	if body := e.get("finance", "/admin/orders?distributor=DNOSUCH").Body; !strings.Contains(body, "没有这个分销商") {
		t.Fatal("unknown distributor not explained")
	}
	if body := e.get("finance", "/admin/orders?from=yesterday").Body; !strings.Contains(body, "日期格式应为") {
		t.Fatal("bad date not explained")
	}
	// CSV: every matching order, amounts in yuan.
	res := e.get("finance", "/admin/orders?format=csv&status=paid")
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.Body, "\xEF\xBB\xBF"))).ReadAll()
	if err != nil || len(rows) != 3 || rows[0][0] != "订单号" {
		t.Fatalf("orders csv %q %v", rows, err)
	}
	for _, r := range rows[1:] {
		if r[0] == o1.OrderNo && (r[5] != "10.00" || r[7] != bob.Code || r[2] != "已付款") {
			t.Fatalf("o1 row %q", r)
		}
	}
}

// The distributor filter pages the orders credited to a level-1 and those of its team as one
// list, newest first.
func TestAdminOrderListByDistributorPages(t *testing.T) {
	e := newAdminEnv(t)
	alice := e.distributor("Alice", nil)
	bob := e.distributor("Bob", &alice)
	e.distributor("Carl", nil)
	p := e.product("茶", 1000, 1000)
	var nos []string // oldest first
	for i := range adminPerPage + 5 {
		ref := alice.Code
		if i%2 == 1 {
			ref = bob.Code
		}
		nos = append(nos, e.paidOrder(ref, 0, 0, order.LineInput{SKUID: p.SKUs[0].ID, Quantity: 1}).OrderNo)
		e.paidOrder("", 0, 0, order.LineInput{SKUID: p.SKUs[0].ID, Quantity: 1}) // nobody's
		e.Clock.Advance(time.Minute)
	}
	shown := func(body string) []string {
		var out []string
		for _, m := range regexp.MustCompile(`>(FX\d+)<`).FindAllStringSubmatch(body, -1) {
			out = append(out, m[1])
		}
		return out
	}
	one := e.get("operator", "/admin/orders?distributor="+alice.Code).Body
	two := e.get("operator", "/admin/orders?distributor="+alice.Code+"&page=2").Body
	got := append(shown(one), shown(two)...)
	slices.Reverse(nos)
	if !slices.Equal(got, nos) || !strings.Contains(one, "共 25 条") {
		t.Fatalf("alice's orders by page:\n got %v\nwant %v", got, nos)
	}
	old := shown(e.get("operator", "/admin/orders?sort=old&distributor="+alice.Code+"&page=2").Body)
	if len(old) != 5 || old[4] != nos[0] {
		t.Fatalf("oldest first, page 2: %v", old)
	}
	if n := len(shown(e.get("operator", "/admin/orders?distributor="+bob.Code).Body)); n != 12 {
		t.Fatalf("bob's orders: %d, want 12", n)
	}
}
