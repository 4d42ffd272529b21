package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/network"
	"github.com/fenxiao/fenxiao/internal/order"
	"github.com/fenxiao/fenxiao/internal/settings"
)

// portalShop is the scene of the page tests, on the default plan 1000 / 800 / 300 bp:
// Alice (level 1) with Bob (level 2) in her team; Carol (level 1) with Dave. One product at ¥99.90.
//
//	a0  Alice sells 1, paid 28 Feb 23:00 Beijing  — last month: Alice 9990×10% = 999
//	a1  Alice sells 1, paid  1 Mar 00:30 Beijing  — this month (15:30 UTC the day before)
//	a2  Alice sells 1, paid  1 Mar 10:00          — Alice 999
//	b1  Bob sells 2,   paid  1 Mar 10:00          — base 19980: Bob ×8% = 1598, Alice ×3% = 599
//	c1  Carol sells 1, paid  1 Mar 10:00          — Carol 999
//	d1  Dave sells 1,  paid  1 Mar 10:00          — Dave 799, Carol 299
type portalShop struct {
	*portalEnv
	Alice, Bob, Carol, Dave network.Distributor
	P                       catalog.Product
	A0, A1, A2, B1, C1, D1  order.Order
}

func newPortalShop(t *testing.T) *portalShop {
	e := newPortalEnv(t)
	s := &portalShop{portalEnv: e}
	s.Alice = e.distributor("Alice", nil)
	s.Bob = e.distributor("Bob", &s.Alice)
	s.Carol = e.distributor("Carol", nil)
	s.Dave = e.distributor("Dave", &s.Carol)
	s.P = e.product("蜂蜜", 9990, 100, nil, true)
	sku := s.P.SKUs[0].ID
	e.at(2026, 2, 28, 23, 0)
	s.A0 = e.order(s.Alice.Code, sku, 1)
	e.at(2026, 3, 1, 0, 30)
	s.A1 = e.order(s.Alice.Code, sku, 1)
	e.at(2026, 3, 1, 10, 0)
	s.A2 = e.order(s.Alice.Code, sku, 1)
	s.B1 = e.order(s.Bob.Code, sku, 2)
	s.C1 = e.order(s.Carol.Code, sku, 1)
	s.D1 = e.order(s.Dave.Code, sku, 1)
	return s
}

func TestPortalHome(t *testing.T) {
	s := newPortalShop(t)
	// Bob returns one unit: Bob 1598 → 799 (799 reversed), Alice 599 → 299 (300 reversed).
	if _, err := s.S.Orders.Refund(context.Background(), s.B1.ID, order.RefundInput{Reason: "退货",
		Lines: []order.RefundLineInput{{LineID: s.B1.Lines[0].ID, Quantity: 1}}}); err != nil {
		t.Fatal(err)
	}
	alice := s.signIn(s.Alice)
	// Frozen: 999 × 3 + 299 = 3296. This month: a1 and a2, sales 19980; commission accrued this
	// month 999 + 999 + 599 = 2597, of which 300 reversed: 2297.
	r := alice.get("/m/").want(t, http.StatusOK, "")
	for _, want := range []string{
		"冻结中</span><b>¥32.96</b>", "可提现</span><b>¥0.00</b>", "提现中</span><b>¥0.00</b>", "已提现</span><b>¥0.00</b>",
		"成交订单</span><b>2</b>", "销售额</span><b>¥199.80</b>", "本月佣金</span><b>¥22.97</b>", "已扣退款 ¥3.00",
		`href="/m/team"`,
	} {
		r.has(t, want)
	}
	r.lacks(t, "账号已冻结")
	// Bob: b1 counts once, its sales less the refunded unit; 1598 accrued, 799 reversed.
	bob := s.signIn(s.Bob)
	bob.get("/m/").has(t, "冻结中</span><b>¥7.99</b>", "成交订单</span><b>1</b>", "销售额</span><b>¥99.90</b>", "本月佣金</span><b>¥7.99</b>").
		lacks(t, `href="/m/team"`)

	// Frozen: a clear note with the reason on every page, the figures still readable.
	if _, err := s.S.Network.Freeze(context.Background(), s.Alice.ID, "核查订单 <b>"); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/m/", "/m/products", "/m/orders", "/m/profile"} {
		alice.get(path).want(t, http.StatusOK, "").has(t, "账号已冻结", "原因：核查订单 &lt;b&gt;")
	}
	alice.get("/m/").has(t, "冻结中</span><b>¥32.96</b>")
}

func TestPortalProducts(t *testing.T) {
	e := newPortalEnv(t)
	alice := e.distributor("Alice", nil)
	bob := e.distributor("Bob", &alice)
	fixed := int64(500)
	e.product("蜂蜜", 9990, 100, nil, true)
	e.product("茶叶 <i>", 5000, 10, &catalog.CommissionOverrides{L2Direct: &catalog.CommissionOverride{FixedFen: &fixed}}, true)
	e.product("售罄的枣", 3000, 0, nil, true)
	e.product("不分销的米", 2000, 10, nil, false)
	off := e.product("下架的油", 2000, 10, nil, true)
	status := catalog.OffShelf
	if _, err := e.S.Catalog.Update(context.Background(), off.ID, catalog.ProductPatch{Status: &status}); err != nil {
		t.Fatal(err)
	}
	ab, bb := e.signIn(alice), e.signIn(bob)

	// Alice (level 1): 10% of each price; Bob (level 2): 8%, or the product's fixed ¥5.00.
	ra := ab.get("/m/products").want(t, http.StatusOK, "")
	rb := bb.get("/m/products").want(t, http.StatusOK, "")
	for _, c := range []struct {
		r     portalResp
		parts []string
	}{
		{ra, []string{"蜂蜜", "<b>¥9.99</b>", "<b>¥5.00</b>", "<b>¥3.00</b>"}},
		{rb, []string{"蜂蜜", "<b>¥7.99</b>", "<b>¥5.00</b>", "<b>¥2.40</b>"}},
	} {
		c.r.has(t, c.parts...).has(t, "茶叶 &lt;i&gt;", "售罄的枣", "已售罄").lacks(t, "不分销的米", "下架的油", "茶叶 <i>")
	}
	if strings.Count(ra.Body, "已售罄") != 1 {
		t.Fatalf("sold out marked %d times, want once", strings.Count(ra.Body, "已售罄"))
	}
	// Links credit the distributor who copies them; only a level 1 gets an invite link.
	ra.has(t, "/s/?ref="+alice.Code, fmt.Sprintf(`data-copy="http://127.0.0.1`), "?ref="+alice.Code+`"`,
		"/m/apply?invite="+*alice.InviteCode).lacks(t, bob.Code)
	rb.has(t, "/s/?ref="+bob.Code).lacks(t, "/m/apply?invite=", alice.Code)
	e.setNetwork(func(n *settings.Network) { n.Level1CanInvite = false })
	ab.get("/m/products").lacks(t, "/m/apply?invite=")
}

func TestPortalOrdersIsolation(t *testing.T) {
	s := newPortalShop(t)
	alice, bob, carol := s.signIn(s.Alice), s.signIn(s.Bob), s.signIn(s.Carol)

	// Bob sees b1 only, with his commission and the customer's phone masked.
	r := bob.get("/m/orders?distributor_id="+fmt.Sprint(s.Alice.ID)).want(t, http.StatusOK, "")
	r.has(t, s.B1.OrderNo, "¥15.98", s.B1.CustomerPhone[:3]+"****"+s.B1.CustomerPhone[7:]).
		lacks(t, s.A1.OrderNo, s.A2.OrderNo, s.C1.OrderNo, s.D1.OrderNo, s.B1.CustomerPhone)
	// Alice sees her own and her team's (on by default), Bob's with her override on it.
	r = alice.get("/m/orders").want(t, http.StatusOK, "")
	r.has(t, s.A0.OrderNo, s.A1.OrderNo, s.A2.OrderNo, s.B1.OrderNo, "团队", "¥5.99").lacks(t, s.C1.OrderNo, s.D1.OrderNo)
	alice.get("/m/orders?scope=mine").has(t, s.A1.OrderNo).lacks(t, s.B1.OrderNo)
	alice.get("/m/orders?scope=team").has(t, s.B1.OrderNo).lacks(t, s.A1.OrderNo)
	bob.get("/m/orders?scope=team").has(t, s.B1.OrderNo) // a level 2 has no team scope: ignored

	// Order pages: one's own and (for a level 1) the team's; every other id is 404.
	id := func(o order.Order) string { return fmt.Sprintf("/m/orders/%d", o.ID) }
	alice.get(id(s.A1)).want(t, http.StatusOK, "").has(t, s.A1.OrderNo, "¥9.99")
	r = alice.get(id(s.B1)).want(t, http.StatusOK, "")
	r.has(t, s.B1.OrderNo, "团队奖励", "¥5.99").lacks(t, "¥15.98") // her override, not Bob's commission
	for _, c := range []struct {
		who  *portalBrowser
		path string
	}{
		{alice, id(s.C1)}, {alice, id(s.D1)}, {bob, id(s.A1)}, {bob, id(s.C1)}, {carol, id(s.B1)}, {carol, id(s.A2)},
		{alice, "/m/orders/999999"}, {alice, "/m/orders/abc"},
	} {
		c.who.get(c.path).want(t, http.StatusNotFound, "").lacks(t, "顾客").has(t, "找不到该记录")
	}

	// When the merchant hides team orders, Alice loses them from the list and the order page.
	s.setNetwork(func(n *settings.Network) { n.Level1SeesTeamOrders = false })
	alice.get("/m/orders").has(t, s.A1.OrderNo).lacks(t, s.B1.OrderNo)
	alice.get("/m/orders?scope=team").lacks(t, s.B1.OrderNo)
	alice.get(id(s.B1)).want(t, http.StatusNotFound, "")
	// Her override still shows among her commissions, without a link to the hidden order.
	alice.get("/m/commissions").has(t, s.B1.OrderNo, "团队奖励").lacks(t, `href="`+id(s.B1)+`"`)
}

func TestPortalCommissionsIsolation(t *testing.T) {
	s := newPortalShop(t)
	bob, alice := s.signIn(s.Bob), s.signIn(s.Alice)
	// A distributor_id in the URL is never read.
	r := bob.get(fmt.Sprintf("/m/commissions?distributor_id=%d&status=", s.Carol.ID)).want(t, http.StatusOK, "")
	r.has(t, s.B1.OrderNo, "¥15.98", "直推", "8.00%").lacks(t, s.C1.OrderNo, s.D1.OrderNo, s.A1.OrderNo)
	r = alice.get("/m/commissions").want(t, http.StatusOK, "")
	r.has(t, s.A0.OrderNo, s.A1.OrderNo, s.A2.OrderNo, s.B1.OrderNo, "¥5.99", "3.00%", `href="/m/orders/`+fmt.Sprint(s.B1.ID)+`"`).
		lacks(t, s.C1.OrderNo, s.D1.OrderNo, "¥15.98")
	alice.get("/m/commissions?status=available").has(t, "暂无数据")
	alice.get("/m/commissions?status=bogus").want(t, http.StatusOK, "").has(t, s.A1.OrderNo)
}

func TestPortalTeam(t *testing.T) {
	s := newPortalShop(t)
	// A member whose name is HTML; his order of 3 units through him pays Alice 3 × 9990 × 3% = 899.
	eve := s.distributor(`<img src=x onerror=alert(1)>`, &s.Alice)
	s.order(eve.Code, s.P.SKUs[0].ID, 3)
	alice := s.signIn(s.Alice)
	r := alice.get(fmt.Sprintf("/m/team?parent_id=%d", s.Carol.ID)).want(t, http.StatusOK, "")
	// Bob: 1 order this month, ¥199.80, override ¥5.99; Eve: ¥299.70, ¥8.99. Carol's Dave is not here.
	r.has(t, "Bob", "<b>¥199.80</b>", "<b>¥5.99</b>", "&lt;img src=x onerror=alert(1)&gt;", "<b>¥299.70</b>", "<b>¥8.99</b>").
		lacks(t, "Dave", "<img src=x")
	// A level 2 has no team page.
	s.signIn(s.Bob).get("/m/team").want(t, http.StatusForbidden, "").has(t, "只有一级分销商才有团队")
	// Next month Bob's sales start again from zero; the override in all stays.
	s.at(2026, 4, 1, 0, 0)
	alice.get("/m/team").has(t, "本月销售 <b>¥0.00</b>", "累计团队奖励 ¥5.99")
}

func TestPortalProfile(t *testing.T) {
	e := newPortalEnv(t)
	d, err := e.S.Network.Apply(context.Background(), network.Application{Name: `"><b>Zed</b>`, Phone: "13912345678",
		RealName: "张三", IDCard: "11010519491231002X"})
	if err != nil {
		t.Fatal(err)
	}
	if d, err = e.S.Network.Approve(context.Background(), d.ID); err != nil {
		t.Fatal(err)
	}
	r := e.signIn(d).get("/m/profile").want(t, http.StatusOK, "")
	r.has(t, "&#34;&gt;&lt;b&gt;Zed&lt;/b&gt;", "139****5678", "张三", "110105********002X", "修改密码").
		lacks(t, "11010519491231002X", "<b>Zed")
}

// A form posted from another site is refused (cross-origin protection) and changes nothing.
func TestPortalCrossOrigin(t *testing.T) {
	e := newPortalEnv(t)
	amy := e.distributor("Amy", nil)
	b := e.signIn(amy)
	req, _ := http.NewRequest(http.MethodPost, e.URL+"/m/profile/password", strings.NewReader(url.Values{"password": {"abcdefgh1"}, "confirm": {"abcdefgh1"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	b.do(req).want(t, http.StatusForbidden, "")
	if _, err := e.S.Accounts.LoginDistributor(context.Background(), amy.Phone, portalTestPassword); err != nil {
		t.Fatalf("a cross-site form changed the password: %v", err)
	}
}

// Lists page on the server, 20 a page, keeping their filters in the links.
func TestPortalPaging(t *testing.T) {
	e := newPortalEnv(t)
	amy := e.distributor("Amy", nil)
	sku := e.product("蜂蜜", 1000, 100, nil, true).SKUs[0].ID
	var first order.Order
	for i := range portalPerPage + 1 {
		o := e.order(amy.Code, sku, 1)
		if i == 0 {
			first = o
		}
	}
	b := e.signIn(amy)
	b.get("/m/orders?status=paid").has(t, "1 / 2", `href="/m/orders?page=2&amp;status=paid"`).lacks(t, first.OrderNo)
	b.get("/m/orders?status=paid&page=2").has(t, "2 / 2", first.OrderNo, `href="/m/orders?page=1&amp;status=paid"`)
	b.get("/m/commissions?page=2").has(t, first.OrderNo)
	b.get("/m/orders?page=99999999999").want(t, http.StatusOK, "").has(t, "暂无数据")
}
