package e2e_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/network"
	"github.com/fenxiao/fenxiao/internal/web"
)

// The scenario of the web issue: a customer opens a level-2's link on a phone, buys and pays in
// the sandbox; the operator ships and completes in the console; finance runs a settlement; the
// level-2 requests a withdrawal in the portal, which finance approves and pays. Every figure a page
// shows is checked against the services.
func TestBuyThroughLevel2Link(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	alice, err := a.API.Network.Apply(ctx, network.Application{Name: "爱丽丝", Phone: "13900000001"})
	if err != nil {
		t.Fatal(err)
	}
	alice, _ = a.API.Network.Approve(ctx, alice.ID)
	bob, err := a.API.Network.Apply(ctx, network.Application{Name: "鲍勃", Phone: "13900000002", InviteCode: *alice.InviteCode})
	if err != nil {
		t.Fatal(err)
	}
	bob, _ = a.API.Network.Approve(ctx, bob.ID)
	freezeNow(t, a)
	p, err := a.API.Catalog.Create(ctx, catalog.ProductInput{Name: "明前龙井", Description: "<b>春茶</b>",
		SKUs: []catalog.SKUInput{{Spec: "100g", PriceFen: 9990, Stock: 10}}})
	if err != nil {
		t.Fatal(err)
	}

	phone := newBrowser(t, 390, 844)
	phone.do(chromedp.Navigate(fmt.Sprintf("%s/s/p/%d?ref=%s", a.URL, p.ID, bob.Code)), chromedp.WaitVisible(chromedp.CSS("h1")))
	if got := phone.text("h1"); !strings.Contains(got, "明前龙井") {
		t.Fatalf("product page title %q", got)
	}
	if got := phone.text(".s-sku b"); got != web.Yuan(9990) {
		t.Fatalf("price shown %q, want %s", got, web.Yuan(9990))
	}
	phone.shot("shop-product-phone")
	phone.do(chromedp.Click(chromedp.CSS(`input[name="sku"]`)), chromedp.SetValue(chromedp.CSS(`input[name="qty"]`), "2"),
		chromedp.Click(chromedp.CSS(`.s-buy button.primary`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name="customer_name"]`)))
	phone.do(
		chromedp.SendKeys(chromedp.CSS(`input[name="customer_name"]`), "顾客<script>x</script>"),
		chromedp.SendKeys(chromedp.CSS(`input[name="customer_phone"]`), "13700000001"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="ship_address"]`), "杭州市西湖区文三路 1 号"),
	)
	phone.shot("shop-checkout-phone")
	phone.do(chromedp.Click(chromedp.CSS(`form button.primary`)), chromedp.WaitVisible(chromedp.CSS(`button[value="pay"]`)))
	phone.shot("shop-sandbox-phone")
	// Wait for the sandbox page to go: its own h1 would satisfy a plain wait at once.
	phone.do(chromedp.Click(chromedp.CSS(`button[value="pay"]`)), chromedp.WaitNotPresent(chromedp.CSS(`button[value="pay"]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	phone.shot("shop-order-phone")

	orders, err := a.API.Orders.List(ctx, orderFilterAll())
	if err != nil || len(orders.Items) != 1 {
		t.Fatalf("orders: %d %v", len(orders.Items), err)
	}
	o, err := a.API.Orders.Get(ctx, orders.Items[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if o.Status != "paid" || o.TotalFen != 19980 || o.DistributorID == nil || *o.DistributorID != bob.ID {
		t.Fatalf("order %s: status %s total %d distributor %v", o.OrderNo, o.Status, o.TotalFen, o.DistributorID)
	}
	earned := map[int64]int64{}
	for _, c := range o.Commissions {
		earned[c.DistributorID] += c.NetFen
	}
	// DESIGN.md §4: base 19980; Bob 19980 × 800 / 10000 = 1598.4 → 1598; Alice × 300 → 599.4 → 599.
	if earned[bob.ID] != 1598 || earned[alice.ID] != 599 {
		t.Fatalf("commissions %v, want Bob 1598 and Alice 599", earned)
	}
	page := phone.text("main")
	for _, want := range []string{o.OrderNo, web.Yuan(19980), "顾客<script>x</script>"} {
		if !strings.Contains(page, want) {
			t.Errorf("order page lacks %q:\n%s", want, page)
		}
	}
	phone.noErrors()

	// The operator ships and completes the order in the console, on a desktop.
	staff(t, a, "owner@shop.cn", "owner")
	staff(t, a, "ops@shop.cn", "operator")
	desk := newBrowser(t, 1366, 900)
	desk.signInStaff(a, "ops@shop.cn")
	desk.do(chromedp.Navigate(fmt.Sprintf("%s/admin/orders/%d", a.URL, o.ID)), chromedp.WaitVisible(chromedp.CSS(`input[name="carrier"]`)))
	desk.shot("admin-order-desktop")
	desk.do(chromedp.SendKeys(chromedp.CSS(`input[name="carrier"]`), "顺丰速运"), chromedp.SendKeys(chromedp.CSS(`input[name="tracking_no"]`), "SF1234567890"),
		chromedp.Submit(chromedp.CSS(`input[name="tracking_no"]`)), chromedp.WaitVisible(chromedp.CSS(`form[action$="/complete"] button`)))
	desk.do(chromedp.Click(chromedp.CSS(`form[action$="/complete"] button`)), chromedp.WaitNotPresent(chromedp.CSS(`form[action$="/complete"]`)))
	if o, _ = a.API.Orders.Get(ctx, o.ID); o.Status != "completed" || o.Shipment == nil || o.Shipment.TrackingNo != "SF1234567890" {
		t.Fatalf("after the console: %s %+v", o.Status, o.Shipment)
	}
	if got := desk.text("main"); !strings.Contains(got, "SF1234567890") {
		t.Errorf("order page lacks the tracking number:\n%s", got)
	}
	desk.noErrors()

	// The refund window passes (freeze_days 0 in this shop) and finance settles: Bob 1598 and
	// Alice 599 become available, 2197 in all.
	fin := financeBrowser(t, a)
	settleAndCheck(t, a, fin, bob.ID, 1598, 2197)

	// Bob signs in to the portal on his phone, sees his balance and asks for ¥10.00.
	if err := a.Site.Accounts.SetDistributorPassword(ctx, bob.ID, "bob-password-1"); err != nil {
		t.Fatal(err)
	}
	m := newBrowser(t, 390, 844)
	m.do(chromedp.Navigate(a.URL+"/m/login"), chromedp.WaitVisible(chromedp.CSS(`form[action="/m/login"] input[name="password"]`)),
		chromedp.SendKeys(chromedp.CSS(`form[action="/m/login"] input[name="phone"]`), bob.Phone),
		chromedp.SendKeys(chromedp.CSS(`form[action="/m/login"] input[name="password"]`), "bob-password-1"),
		chromedp.Submit(chromedp.CSS(`form[action="/m/login"] input[name="password"]`)), chromedp.WaitVisible(chromedp.CSS(".figures")))
	m.shot("portal-home-phone")
	if got := m.text(".figures .figure b"); got != web.Yuan(1598) {
		t.Errorf("portal shows available %q, want %s", got, web.Yuan(1598))
	}
	m.do(chromedp.Navigate(a.URL+"/m/withdraw"), chromedp.WaitVisible(chromedp.CSS(`input[name="amount"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="amount"]`), "10.00"),
		chromedp.Click(chromedp.CSS(`input[name="method"][value="alipay"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="account.account_name"]`), "鲍勃"),
		chromedp.SendKeys(chromedp.CSS(`input[name="account.account"]`), "13900000002"),
		chromedp.Click(chromedp.CSS(`button[value="quote"]`)), chromedp.WaitVisible(chromedp.CSS(`button[value="confirm"]`)))
	m.shot("portal-withdraw-quote-phone")
	m.do(chromedp.Click(chromedp.CSS(`button[value="confirm"]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	m.shot("portal-withdraw-done-phone")
	b, err := a.API.Orders.Ledger.Balance(ctx, a.DB.R, bob.ID)
	if err != nil || b.AvailableFen != 598 || b.WithdrawingFen != 1000 {
		t.Fatalf("after the request: %+v %v; want available 598, withdrawing 1000", b, err)
	}
	m.noErrors()

	payWithdrawal(t, a, fin, bob.ID)
	if b, _ = a.API.Orders.Ledger.Balance(ctx, a.DB.R, bob.ID); b.AvailableFen != 598 || b.WithdrawingFen != 0 || b.PaidOutFen != 1000 {
		t.Fatalf("after payout: %+v; want available 598, paid out 1000", b)
	}
	m.do(chromedp.Navigate(a.URL+"/m/"), chromedp.WaitVisible(chromedp.CSS(".figures")))
	if got := m.text("main"); !strings.Contains(got, web.Yuan(1000)) || !strings.Contains(got, web.Yuan(598)) {
		t.Errorf("portal home after payout lacks ¥10.00 paid out and ¥5.98 available:\n%s", got)
	}
	checkInvariants(t, a)
	m.noErrors()
	desk.noErrors()
	fin.noErrors()
}
