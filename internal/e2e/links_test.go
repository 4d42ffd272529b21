package e2e_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/fenxiao/fenxiao/internal/apikey"
	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/db"
	fxnet "github.com/fenxiao/fenxiao/internal/network"
	"github.com/fenxiao/fenxiao/internal/settings"
)

// The browser, the sessions and the payment notifications run on the wall clock, so "two days
// later" is made by moving the binding two days into the past (age) rather than the clock forward.
//
// A customer scans a distributor's QR code (decoded here by a real QR decoder from the PNG the
// API serves), buys and pays in the sandbox: the order is the first distributor's. Then a second
// distributor's QR code is followed and a second order placed; DESIGN.md §3 decides whose it is
// in each binding mode, and after an expired binding.
func TestQRLinkAttributionByBindingMode(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	_, secret, err := a.API.Keys.Create(ctx, "e2e", apikey.RoleOwner)
	if err != nil {
		t.Fatal(err)
	}
	tea, err := a.API.Catalog.Create(ctx, catalog.ProductInput{Name: "明前龙井", SKUs: []catalog.SKUInput{{Spec: "100g", PriceFen: 9990, Stock: 100}}})
	if err != nil {
		t.Fatal(err)
	}
	phone := newBrowser(t, 390, 844)
	tests := []struct {
		mode        string
		days        int
		age         time.Duration // how long ago the first binding was made
		wantSecond  int           // 1 or 2: which distributor the second order credits
		description string
	}{
		{settings.BindFirst, 30, 0, 1, "first: the live binding keeps the customer"},
		{settings.BindLast, 30, 0, 2, "last: the new click moves the customer"},
		{settings.BindPermanent, 30, 0, 1, "permanent: never moves"},
		{settings.BindFirst, 1, 49 * time.Hour, 2, "expired: the binding of 1 day is 2 days old"},
	}
	for i, tc := range tests {
		t.Run(fmt.Sprintf("%s-%d", tc.mode, tc.days), func(t *testing.T) {
			if err := a.DB.InTx(ctx, func(tx *db.Tx) error {
				return settings.SaveBinding(ctx, tx, settings.Binding{Mode: tc.mode, BindingDays: tc.days})
			}); err != nil {
				t.Fatal(err)
			}
			one := approved(t, a, fmt.Sprintf("一号%d", i), fmt.Sprintf("1390000%02d01", i))
			two := approved(t, a, fmt.Sprintf("二号%d", i), fmt.Sprintf("1390000%02d02", i))
			customer := fmt.Sprintf("1370000%02d01", i)
			if _, err := chromedp.Call(phone.ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
				t.Fatal(err)
			}

			first := scanQR(t, a, secret, one.ID, tea.ID)
			phone.buy(first, customer)
			if got := lastOrderDistributor(t, a); got != one.ID {
				t.Fatalf("first order credits %d, want %s (%d)", got, one.Name, one.ID)
			}
			if tc.age > 0 {
				age(t, a, customer, tc.age)
			}
			second := scanQR(t, a, secret, two.ID, tea.ID)
			phone.buy(second, customer)
			want := map[int]fxnet.Distributor{1: one, 2: two}[tc.wantSecond]
			if got := lastOrderDistributor(t, a); got != want.ID {
				t.Fatalf("%s: second order credits %d, want %s (%d)", tc.description, got, want.Name, want.ID)
			}
		})
	}
	phone.shot("link-order-phone")
	phone.noErrors()
	checkInvariants(t, a)
}

// age moves the customer's binding, and the order that made it, d into the past: the same as the
// clock moving d forward, for the rules that read them.
func age(t *testing.T, a *app, customerPhone string, d time.Duration) {
	t.Helper()
	ctx := context.Background()
	err := a.DB.InTx(ctx, func(tx *db.Tx) error {
		var id int64
		var bound time.Time
		var expires *time.Time
		if err := tx.QueryRowContext(ctx, `SELECT b.customer_id, b.bound_at, b.expires_at FROM bindings b
			JOIN customers c ON c.id = b.customer_id WHERE c.phone = $1`, customerPhone).Scan(&id, &bound, &expires); err != nil {
			return err
		}
		var exp any
		if expires != nil {
			exp = expires.Add(-d)
		}
		_, err := tx.ExecContext(ctx, `UPDATE bindings SET bound_at = $1, expires_at = $2, updated_at = $1 WHERE customer_id = $3`,
			bound.Add(-d), exp, id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func approved(t *testing.T, a *app, name, phone string) fxnet.Distributor {
	t.Helper()
	d, err := a.API.Network.Apply(context.Background(), fxnet.Application{Name: name, Phone: phone})
	if err == nil {
		d, err = a.API.Network.Approve(context.Background(), d.ID)
	}
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// scanQR fetches the distributor's product link as a QR PNG from the API and decodes it.
func scanQR(t *testing.T, a *app, secret string, distributorID, productID int64) string {
	t.Helper()
	l, err := a.API.Links.ForProduct(context.Background(), distributorID, productID)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, a.URL+"/api/v1/links/"+l.Code+"/qr.png?size=300", nil)
	req.Header.Set("Authorization", "Bearer "+secret)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("QR: %d %s %s", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	img, err := png.Decode(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	bmp, _ := gozxing.NewBinaryBitmapFromImage(img)
	r, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("decode QR: %v", err)
	}
	if r.GetText() != a.URL+"/r/"+l.Code {
		t.Fatalf("QR says %q, want %s/r/%s", r.GetText(), a.URL, l.Code)
	}
	return r.GetText()
}

// buy opens url (a product link), buys one unit as the customer and pays in the sandbox.
func (b *browser) buy(url, customer string) {
	b.t.Helper()
	b.do(chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(`.s-buy button.primary`)),
		chromedp.Click(chromedp.CSS(`input[name="sku"]`)),
		chromedp.Click(chromedp.CSS(`.s-buy button.primary`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name="customer_name"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="customer_name"]`), "扫码顾客"),
		chromedp.SendKeys(chromedp.CSS(`input[name="customer_phone"]`), customer),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="ship_address"]`), "杭州市西湖区文三路 1 号"),
		chromedp.Click(chromedp.CSS(`form button.primary`)), chromedp.WaitVisible(chromedp.CSS(`button[value="pay"]`)),
		chromedp.Click(chromedp.CSS(`button[value="pay"]`)), chromedp.WaitNotPresent(chromedp.CSS(`button[value="pay"]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
}

// lastOrderDistributor is the distributor the newest order credits, 0 for none.
func lastOrderDistributor(t *testing.T, a *app) int64 {
	t.Helper()
	var id *int64
	var status string
	if err := a.DB.R.QueryRow(`SELECT distributor_id, status FROM orders ORDER BY id DESC LIMIT 1`).Scan(&id, &status); err != nil {
		t.Fatal(err)
	}
	if status != "paid" {
		t.Fatalf("the newest order is %s, want paid", status)
	}
	if id == nil {
		return 0
	}
	return *id
}
