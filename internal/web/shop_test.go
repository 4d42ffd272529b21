package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fenxiao/fenxiao/internal/order"
)

// A customer follows a level-2's link, buys 2 × ¥99.90 and pays in the sandbox: the order is paid
// and credits Bob 19980×800/10000 = 1598 and his parent Alice 19980×300/10000 = 599 (DESIGN.md §4).
func TestShopBuyThroughLevel2(t *testing.T) {
	e := newShopEnv(t)
	alice := e.distributor("Alice", nil)
	bob := e.distributor("Bob", &alice)
	tea := e.product("龙井茶", 10, 9990)
	b := e.browser()

	page := b.get(fmt.Sprintf("/s/p/%d?ref=%s", tea.ID, strings.ToLower(bob.Code)))
	if page.Status != http.StatusOK || !strings.Contains(page.Body, "龙井茶") || !strings.Contains(page.Body, "¥99.90") {
		t.Fatalf("product page: %d %s", page.Status, page.Body)
	}
	for _, want := range []string{
		`<meta property="og:title" content="龙井茶">`,
		`<meta property="og:description" content="龙井茶 的介绍">`,
		`<meta property="og:image" content="` + e.URL + `/uploads/9.jpg">`,
		fmt.Sprintf(`<meta property="og:url" content="%s/s/p/%d?ref=%s">`, e.URL, tea.ID, bob.Code),
	} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("product page lacks %s", want)
		}
	}
	if b.cookie("fx_ref") == nil {
		t.Fatal("the ref did not set the fx_ref cookie")
	}

	placed := b.checkout(line(tea.SKUs[0].ID, 2), "王小明", "138 0013 8000", "杭州市西湖区文三路 1 号")
	no := orderNo(t, placed)
	if placed.Status != http.StatusSeeOther || placed.Location != e.URL+"/s/sandbox/"+no {
		t.Fatalf("checkout should send the customer to the sandbox: %d %q", placed.Status, placed.Location)
	}
	sandbox := b.follow(placed)
	if sandbox.Status != http.StatusOK || !strings.Contains(sandbox.Body, "沙箱支付") || !strings.Contains(sandbox.Body, "¥199.80") {
		t.Fatalf("sandbox page: %d %s", sandbox.Status, sandbox.Body)
	}
	paid := b.post("/s/sandbox/"+no, url.Values{"result": {"pay"}})
	if paid.Status != http.StatusSeeOther || paid.Location != "/s/o/"+no {
		t.Fatalf("pay: %d %q %s", paid.Status, paid.Location, paid.Body)
	}
	view := b.follow(paid)
	if view.Status != http.StatusOK || !strings.Contains(view.Body, "已付款") || !strings.Contains(view.Body, "付款成功") {
		t.Fatalf("order page after paying: %d %s", view.Status, view.Body)
	}

	o := e.order(no)
	if o.Status != order.Paid || o.TotalFen != 19980 || o.Payment == nil || o.Payment.Provider != "sandbox" {
		t.Fatalf("order: %+v", o)
	}
	if o.DistributorID == nil || *o.DistributorID != bob.ID || o.ParentID == nil || *o.ParentID != alice.ID || o.Attribution != "ref" {
		t.Fatalf("snapshot: distributor %v parent %v via %s", o.DistributorID, o.ParentID, o.Attribution)
	}
	earned := map[int64]int64{}
	for _, c := range o.Commissions {
		earned[c.DistributorID] += c.AmountFen
	}
	if len(o.Commissions) != 2 || earned[bob.ID] != 1598 || earned[alice.ID] != 599 {
		t.Fatalf("commissions: %+v", o.Commissions)
	}
	if got := e.order(no).Lines[0].Quantity; got != 2 {
		t.Fatalf("quantity %d", got)
	}
	// Pressing Pay again (the back button) changes nothing.
	if again := b.post("/s/sandbox/"+no, url.Values{"result": {"pay"}}); again.Status != http.StatusSeeOther {
		t.Fatalf("second pay: %d", again.Status)
	}
	if n := len(e.order(no).Commissions); n != 2 {
		t.Fatalf("a second press paid again: %d commissions", n)
	}
	// The parcel shows on the order page once shipped.
	if _, err := e.Orders.Ship(context.Background(), o.ID, order.ShipInput{Carrier: "顺丰速运", TrackingNo: "SF1234567890"}); err != nil {
		t.Fatal(err)
	}
	if v := b.get("/s/o/" + no); !strings.Contains(v.Body, "已发货") || !strings.Contains(v.Body, "顺丰速运") || !strings.Contains(v.Body, "SF1234567890") {
		t.Fatalf("order page after shipping: %s", v.Body)
	}
	e.verify()
}

// The cart makes a multi-line order; a failed sandbox payment leaves it awaiting payment and
// the customer can pay it from the order page.
func TestShopCartOrder(t *testing.T) {
	e := newShopEnv(t)
	tea := e.product("红茶", 5, 5800)
	cup := e.product("茶杯", 9, 1234, 2000)
	b := e.browser()
	for _, add := range []url.Values{
		{"product": {fmt.Sprint(tea.ID)}, "sku": {fmt.Sprint(tea.SKUs[0].ID)}, "qty": {"1"}},
		{"product": {fmt.Sprint(cup.ID)}, "sku": {fmt.Sprint(cup.SKUs[0].ID)}, "qty": {"2"}},
		{"product": {fmt.Sprint(cup.ID)}, "sku": {fmt.Sprint(cup.SKUs[0].ID)}, "qty": {"1"}},
	} {
		if r := b.post("/s/cart", add); r.Status != http.StatusSeeOther || r.Location != "/s/cart" {
			t.Fatalf("add to cart: %d %s", r.Status, r.Body)
		}
	}
	cart := b.get("/s/cart")
	// 5800 + 3 × 1234 = 9502
	if !strings.Contains(cart.Body, "¥95.02") || !strings.Contains(cart.Body, "× 3") || !strings.Contains(cart.Body, "已加入购物车") {
		t.Fatalf("cart: %s", cart.Body)
	}
	placed := b.checkout(nil, "李四", "13900139000", "上海市")
	no := orderNo(t, placed)
	o := e.order(no)
	if len(o.Lines) != 2 || o.TotalFen != 9502 || o.Attribution != "none" {
		t.Fatalf("order: %d lines, total %d, %s", len(o.Lines), o.TotalFen, o.Attribution)
	}
	if cart := b.get("/s/cart"); !strings.Contains(cart.Body, "购物车是空的") {
		t.Fatal("the cart was not emptied by the order")
	}
	failed := b.post("/s/sandbox/"+no, url.Values{"result": {"fail"}})
	view := b.follow(failed)
	if !strings.Contains(view.Body, "支付未完成") || !strings.Contains(view.Body, "去付款 ¥95.02") {
		t.Fatalf("order page after a failed payment: %s", view.Body)
	}
	if e.order(no).Status != order.Created {
		t.Fatal("a failed payment changed the order")
	}
	again := b.post("/s/o/"+no+"/pay", nil)
	if again.Status != http.StatusSeeOther || again.Location != e.URL+"/s/sandbox/"+no {
		t.Fatalf("pay again: %d %q", again.Status, again.Location)
	}
	b.post("/s/sandbox/"+no, url.Values{"result": {"pay"}})
	if e.order(no).Status != order.Paid {
		t.Fatal("not paid")
	}
	e.verify()
}

func TestShopSoldOut(t *testing.T) {
	e := newShopEnv(t)
	gone := e.product("断货茶", 0, 3000)
	partly := e.product("半缺茶", 0, 1000, 2000)
	if _, err := e.Catalog.AdjustStock(context.Background(), partly.SKUs[1].ID, 3, "进货"); err != nil {
		t.Fatal(err)
	}
	b := e.browser()

	home := b.get("/s/")
	if !strings.Contains(home.Body, "断货茶") || !strings.Contains(home.Body, "已售罄") {
		t.Fatalf("home: %s", home.Body)
	}
	page := b.get(fmt.Sprintf("/s/p/%d", gone.ID))
	if !strings.Contains(page.Body, "已售罄") || strings.Contains(page.Body, "立即购买") || strings.Contains(page.Body, "加入购物车") {
		t.Fatalf("a sold-out product must show no buy buttons: %s", page.Body)
	}
	page = b.get(fmt.Sprintf("/s/p/%d", partly.ID))
	if !strings.Contains(page.Body, "立即购买") || !strings.Contains(page.Body, fmt.Sprintf(`value="%d" disabled`, partly.SKUs[0].ID)) ||
		!strings.Contains(page.Body, fmt.Sprintf(`value="%d" checked`, partly.SKUs[1].ID)) {
		t.Fatalf("the sold-out option must be disabled and the other chosen: %s", page.Body)
	}

	add := b.post("/s/cart", url.Values{"product": {fmt.Sprint(gone.ID)}, "sku": {fmt.Sprint(gone.SKUs[0].ID)}, "qty": {"1"}})
	if add.Status != http.StatusConflict || !strings.Contains(add.Body, "所选商品已售罄") {
		t.Fatalf("adding a sold-out product: %d %s", add.Status, add.Body)
	}
	tooMany := b.post("/s/cart", url.Values{"product": {fmt.Sprint(partly.ID)}, "sku": {fmt.Sprint(partly.SKUs[1].ID)}, "qty": {"4"}})
	if tooMany.Status != http.StatusConflict || !strings.Contains(tooMany.Body, "库存不足") || !strings.Contains(tooMany.Body, `value="4"`) {
		t.Fatalf("adding more than the stock: %d %s", tooMany.Status, tooMany.Body)
	}
	view := b.get("/s/checkout?" + line(gone.SKUs[0].ID, 1).Encode())
	if !strings.Contains(view.Body, "有商品已售罄") || strings.Contains(view.Body, "提交订单") {
		t.Fatalf("the checkout of a sold-out product must not offer to order: %s", view.Body)
	}
	// A hand-made POST is refused by the order service.
	form := url.Values{"customer_name": {"张三"}, "customer_phone": {"13800138000"}, "ship_address": {"北京"}}
	for k, v := range line(gone.SKUs[0].ID, 1) {
		form[k] = v
	}
	buy := b.post("/s/checkout", form)
	if buy.Status != http.StatusConflict || !strings.Contains(buy.Body, "所选商品已售罄") {
		t.Fatalf("ordering a sold-out product: %d %s", buy.Status, buy.Body)
	}
	if n := e.count("orders"); n != 0 {
		t.Fatalf("%d orders were created", n)
	}
	if n := e.count("customers"); n != 0 {
		t.Fatalf("a refused order left %d customers", n)
	}
}

func TestShopCheckoutBadInput(t *testing.T) {
	e := newShopEnv(t)
	tea := e.product("白茶", 5, 4200)
	tests := []struct {
		name, customer, phone, address string
		errors                         map[string]string // field → message shown after it
	}{
		{"bad phone and empty address", "张三", "12345", "  ",
			map[string]string{"customer_phone": "请输入 11 位中国大陆手机号", "ship_address": "请填写收货地址"}},
		{"letters in the phone", "张三", "138abc", "北京市",
			map[string]string{"customer_phone": "请输入 11 位中国大陆手机号"}},
		{"no name", "", "13800138000", "北京市", map[string]string{"customer_name": "请填写此项"}},
		{"name too long", strings.Repeat("名", 65), "13800138000", "北京市", map[string]string{"customer_name": "姓名太长"}},
		{"address too long", "张三", "13800138000", strings.Repeat("路", 301), map[string]string{"ship_address": "最多 300 字"}},
	}
	fields := []string{"customer_name", "customer_phone", "ship_address"}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := e.browser()
			r := b.checkout(line(tea.SKUs[0].ID, 1), tc.customer, tc.phone, tc.address)
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d: %s", r.Status, r.Body)
			}
			for i, f := range fields {
				// The message sits between its field and the next one.
				at := strings.Index(r.Body, `name="`+f+`"`)
				end := len(r.Body)
				if i+1 < len(fields) {
					end = strings.Index(r.Body, `name="`+fields[i+1]+`"`)
				}
				seg := r.Body[at:end]
				if msg, ok := tc.errors[f]; ok && !strings.Contains(seg, msg) {
					t.Errorf("no %q next to %s: %s", msg, f, seg)
				}
				if _, ok := tc.errors[f]; !ok && strings.Contains(seg, "field-error") {
					t.Errorf("an error next to %s, which was fine: %s", f, seg)
				}
			}
			if msg, ok := tc.errors["_"]; ok && !strings.Contains(r.Body, msg) {
				t.Errorf("no %q on the form", msg)
			}
			if tc.phone != "" && !strings.Contains(r.Body, `value="`+tc.phone+`"`) {
				t.Error("the typed phone was not kept")
			}
			if strings.TrimSpace(tc.address) != "" && !strings.Contains(r.Body, ">"+tc.address+"</textarea>") {
				t.Error("the typed address was not kept")
			}
			if !strings.Contains(r.Body, fmt.Sprintf(`name="sku" value="%d"`, tea.SKUs[0].ID)) {
				t.Error("the refused form lost its lines")
			}
			if n := e.count("orders"); n != 0 {
				t.Fatalf("%d orders created", n)
			}
		})
	}
}

func TestShopEscapesCustomerHTML(t *testing.T) {
	e := newShopEnv(t)
	tea := e.product("<b>茶</b>", 5, 100)
	b := e.browser()
	no := orderNo(t, b.checkout(line(tea.SKUs[0].ID, 1), `<script>alert("x")</script>`, "13800138000", `<img src=x onerror=alert(1)>`))
	view := b.get("/s/o/" + no)
	if view.Status != http.StatusOK {
		t.Fatalf("%d %s", view.Status, view.Body)
	}
	for _, bad := range []string{"<script>alert", "<img src=x", "<b>茶</b>"} {
		if strings.Contains(view.Body, bad) {
			t.Errorf("order page contains raw %s", bad)
		}
	}
	for _, good := range []string{"&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;", "&lt;img src=x onerror=alert(1)&gt;", "&lt;b&gt;茶&lt;/b&gt;"} {
		if !strings.Contains(view.Body, good) {
			t.Errorf("order page lacks escaped %s", good)
		}
	}
}

// The fx_ref cookie is signed: an edited, foreign or expired one is ignored and the order credits
// nobody; a good one credits the distributor it names.
func TestShopRefCookie(t *testing.T) {
	e := newShopEnv(t)
	alice := e.distributor("Alice", nil)
	bob := e.distributor("Bob", &alice)
	tea := e.product("乌龙", 50, 1000)

	probe := e.browser()
	probe.get("/s/?ref=" + bob.Code)
	c := probe.cookie("fx_ref")
	if c == nil {
		t.Fatal("no cookie")
	}
	parts := strings.Split(c.Value, ".")
	if len(parts) != 3 || parts[0] != bob.Code {
		t.Fatalf("cookie %q", c.Value)
	}
	tests := []struct {
		name   string
		value  string
		wait   time.Duration
		credit int64
	}{
		{"as issued", c.Value, 0, bob.ID},
		{"29 days later", c.Value, 29 * 24 * time.Hour, bob.ID},
		{"code swapped", alice.Code + "." + parts[1] + "." + parts[2], 0, 0},
		{"issued moved", parts[0] + "." + fmt.Sprint(mustInt(t, parts[1])+3600) + "." + parts[2], 0, 0},
		{"mac changed", parts[0] + "." + parts[1] + "." + strings.Repeat("A", len(parts[2])), 0, 0},
		{"unsigned", bob.Code, 0, 0},
		{"expired", c.Value, 31 * 24 * time.Hour, 0},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.Clock.Set(time.Unix(mustInt(t, parts[1]), 0).Add(tc.wait))
			b := e.browser()
			b.setCookie("fx_ref", tc.value)
			no := orderNo(t, b.checkout(line(tea.SKUs[0].ID, 1), "客人", fmt.Sprintf("1590000%04d", i), "广州"))
			o := e.order(no)
			got := int64(0)
			if o.DistributorID != nil {
				got = *o.DistributorID
			}
			if got != tc.credit {
				t.Fatalf("credited %d, want %d (%s)", got, tc.credit, o.Attribution)
			}
		})
	}

	// The cookie itself: HttpOnly, SameSite=Lax, 30 days; an unknown code sets none.
	set := e.browser().get("/s/?ref=" + bob.Code).Header.Get("Set-Cookie")
	for _, want := range []string{"fx_ref=" + bob.Code + ".", "Max-Age=2592000", "HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(set, want) {
			t.Errorf("Set-Cookie %q lacks %s", set, want)
		}
	}
	if set := e.browser().get("/s/?ref=NOSUCHCODE").Header.Get("Set-Cookie"); strings.Contains(set, "fx_ref") {
		t.Errorf("an unknown code set a cookie: %s", set)
	}
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	var n int64
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// An order page shows to the session that placed it, or after the order number and the phone's
// last four digits; nothing of it shows before.
func TestShopOrderPageAccess(t *testing.T) {
	e := newShopEnv(t)
	tea := e.product("普洱", 5, 8800)
	owner := e.browser()
	no := orderNo(t, owner.checkout(line(tea.SKUs[0].ID, 1), "赵六", "13812345678", "成都市锦江区"))
	if v := owner.get("/s/o/" + no); !strings.Contains(v.Body, "成都市锦江区") {
		t.Fatalf("the customer cannot see their order: %s", v.Body)
	}

	other := e.browser()
	secret := []string{"赵六", "成都市锦江区", "¥88.00", "138****5678"}
	hidden := func(r shopResp) {
		t.Helper()
		for _, s := range secret {
			if strings.Contains(r.Body, s) {
				t.Fatalf("%q shown without the phone digits: %s", s, r.Body)
			}
		}
	}
	r := other.get("/s/o/" + no)
	hidden(r)
	if !strings.Contains(r.Body, `name="phone4"`) || !strings.Contains(r.Body, `value="`+no+`"`) {
		t.Fatalf("no lookup form: %s", r.Body)
	}
	hidden(other.get("/s/sandbox/" + no))
	if r := other.post("/s/o/"+no+"/pay", nil); r.Location != "/s/o/"+no {
		t.Fatalf("pay without access: %d %q", r.Status, r.Location)
	}
	for _, try := range []url.Values{
		{"order_no": {no}, "phone4": {"5679"}},
		{"order_no": {no}, "phone4": {""}},
		{"order_no": {no}, "phone4": {"678"}},
		{"order_no": {"FX202603019999999999"}, "phone4": {"5678"}},
	} {
		r := other.post("/s/o", try)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "订单号或手机号后四位不正确") {
			t.Fatalf("%v: %d %s", try, r.Status, r.Body)
		}
		hidden(r)
		hidden(other.get("/s/o/" + no))
	}
	ok := other.post("/s/o", url.Values{"order_no": {strings.ToLower(no)}, "phone4": {"5678"}})
	if ok.Status != http.StatusSeeOther || ok.Location != "/s/o/"+no {
		t.Fatalf("right digits: %d %q %s", ok.Status, ok.Location, ok.Body)
	}
	if v := other.follow(ok); !strings.Contains(v.Body, "成都市锦江区") || !strings.Contains(v.Body, "138****5678") {
		t.Fatalf("the order after the right digits: %s", v.Body)
	}

	// Guessing is rate-limited per order number.
	third := e.browser()
	var last shopResp
	for i := 0; i < 12; i++ {
		last = third.post("/s/o", url.Values{"order_no": {no}, "phone4": {fmt.Sprintf("%04d", i)}})
	}
	if last.Status != http.StatusTooManyRequests {
		t.Fatalf("12 guesses: %d", last.Status)
	}
	if r := third.post("/s/o", url.Values{"order_no": {no}, "phone4": {"5678"}}); r.Status != http.StatusTooManyRequests {
		t.Fatalf("the right digits after the limit: %d", r.Status)
	}
}

// Submitting the same checkout twice places one order.
func TestShopDoubleSubmit(t *testing.T) {
	e := newShopEnv(t)
	tea := e.product("黄茶", 5, 500)
	b := e.browser()
	page := b.get("/s/checkout?" + line(tea.SKUs[0].ID, 1).Encode())
	token := shopTokenRE.FindStringSubmatch(page.Body)[1]
	form := url.Values{"token": {token}, "customer_name": {"周七"}, "customer_phone": {"13800138000"}, "ship_address": {"南京"}}
	for k, v := range line(tea.SKUs[0].ID, 1) {
		form[k] = v
	}
	first, second := b.post("/s/checkout", form), b.post("/s/checkout", form)
	if orderNo(t, first) != orderNo(t, second) || e.count("orders") != 1 {
		t.Fatalf("two submissions: %q %q, %d orders", first.Location, second.Location, e.count("orders"))
	}
}

func TestShopCatalogPages(t *testing.T) {
	e := newShopEnv(t)
	on := e.product("在售茶", 5, 1000, 1500)
	off := e.product("下架茶", 5, 1000)
	if _, err := e.Catalog.TakeOffShelf(context.Background(), off.ID); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	home := b.get("/s/")
	if !strings.Contains(home.Body, "在售茶") || !strings.Contains(home.Body, "¥10.00 起") || strings.Contains(home.Body, "下架茶") {
		t.Fatalf("home: %s", home.Body)
	}
	if r := b.get(fmt.Sprintf("/s/p/%d", off.ID)); r.Status != http.StatusNotFound {
		t.Fatalf("an off-shelf product page: %d", r.Status)
	}
	if r := b.get("/s/p/999999"); r.Status != http.StatusNotFound {
		t.Fatalf("a missing product page: %d", r.Status)
	}
	if r := b.get(fmt.Sprintf("/s/p/%d?lang=en", on.ID)); !strings.Contains(r.Body, "Buy now") || !strings.Contains(r.Body, "5 in stock") {
		t.Fatalf("English product page: %s", r.Body)
	}
	add := b.post("/s/cart", url.Values{"product": {fmt.Sprint(off.ID)}, "sku": {fmt.Sprint(off.SKUs[0].ID)}, "qty": {"1"}})
	if add.Status != http.StatusNotFound {
		t.Fatalf("adding an off-shelf product: %d", add.Status)
	}
}
