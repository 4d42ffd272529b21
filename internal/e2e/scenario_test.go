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

// A customer opens a level-2's link on a phone, buys, and pays in the sandbox; the order, its
// commissions and the pages all agree with the services.
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
	phone.do(chromedp.Click(chromedp.CSS(`input[name="sku"]`)), chromedp.Click(chromedp.CSS(`.s-buy button.primary`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name="customer_name"]`)))
	phone.do(
		chromedp.SendKeys(chromedp.CSS(`input[name="customer_name"]`), "顾客<script>x</script>"),
		chromedp.SendKeys(chromedp.CSS(`input[name="customer_phone"]`), "13700000001"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="ship_address"]`), "杭州市西湖区文三路 1 号"),
	)
	phone.shot("shop-checkout-phone")
	phone.do(chromedp.Click(chromedp.CSS(`form button.primary`)), chromedp.WaitVisible(chromedp.CSS(`button[value="pay"]`)))
	phone.shot("shop-sandbox-phone")
	phone.do(chromedp.Click(chromedp.CSS(`button[value="pay"]`)), chromedp.WaitVisible(chromedp.CSS("h1")))
	phone.shot("shop-order-phone")

	orders, err := a.API.Orders.List(ctx, orderFilterAll())
	if err != nil || len(orders.Items) != 1 {
		t.Fatalf("orders: %d %v", len(orders.Items), err)
	}
	o, err := a.API.Orders.Get(ctx, orders.Items[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if o.Status != "paid" || o.TotalFen != 9990 || o.DistributorID == nil || *o.DistributorID != bob.ID {
		t.Fatalf("order %s: status %s total %d distributor %v", o.OrderNo, o.Status, o.TotalFen, o.DistributorID)
	}
	earned := map[int64]int64{}
	for _, c := range o.Commissions {
		earned[c.DistributorID] += c.NetFen
	}
	// 9990 × 800 / 10000 = 799.2 → 799 for Bob; × 300 = 299.7 → 299 for Alice.
	if earned[bob.ID] != 799 || earned[alice.ID] != 299 {
		t.Fatalf("commissions %v, want Bob 799 and Alice 299", earned)
	}
	page := phone.text("main")
	for _, want := range []string{o.OrderNo, web.Yuan(9990), "顾客<script>x</script>"} {
		if !strings.Contains(page, want) {
			t.Errorf("order page lacks %q:\n%s", want, page)
		}
	}
	phone.noErrors()
}
