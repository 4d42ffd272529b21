package web_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fenxiao/fenxiao/internal/order"
	"github.com/fenxiao/fenxiao/internal/payment"
	"github.com/fenxiao/fenxiao/internal/web"
)

var shopSecret = []byte("test-secret-test-secret-test-secret!")

// notify POSTs a notification signed with secret, as a gateway's server would.
func (e *shopEnv) notify(provider string, n payment.Notification, secret []byte) (int, string) {
	e.t.Helper()
	res, err := http.Post(e.URL+"/s/pay/notify/"+provider, "application/x-www-form-urlencoded", strings.NewReader(n.Form(secret).Encode()))
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// unpaid places an order through ref for 2 × ¥99.90 without paying it.
func (e *shopEnv) unpaid(sku int64, phone, ref string) order.Order {
	e.t.Helper()
	o, _, err := e.Orders.Create(context.Background(), order.Input{CustomerName: "顾客", CustomerPhone: phone, ShipAddress: "杭州",
		Ref: ref, Lines: []order.LineInput{{SKUID: sku, Quantity: 2}}})
	if err != nil {
		e.t.Fatal(err)
	}
	return o
}

func notification(o order.Order, at time.Time) payment.Notification {
	return payment.Notification{OrderID: o.ID, OrderNo: o.OrderNo, AmountFen: o.TotalFen, Reference: "PAY-" + o.OrderNo,
		Provider: "sandbox", Timestamp: at.Unix()}
}

// A notification repeated, also concurrently, pays the order once: one set of commissions, one
// ledger posting, every repeat answered "success".
func TestShopNotifyReplays(t *testing.T) {
	e := newShopEnv(t)
	e.Site.ConfigureShop(web.ShopConfig{Secret: shopSecret})
	alice := e.distributor("Alice", nil)
	bob := e.distributor("Bob", &alice)
	tea := e.product("龙井", 20, 9990)
	o := e.unpaid(tea.SKUs[0].ID, "13800138001", bob.Code)
	n := notification(o, e.Clock.Now())

	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if status, body := e.notify("sandbox", n, shopSecret); status != http.StatusOK || body != "success" {
				t.Errorf("concurrent notification: %d %s", status, body)
			}
		}()
	}
	wg.Wait()
	e.Clock.Advance(time.Minute)
	for i := 0; i < 3; i++ {
		if status, body := e.notify("sandbox", n, shopSecret); status != http.StatusOK || body != "success" {
			t.Fatalf("replay %d: %d %s", i, status, body)
		}
	}
	got := e.order(o.OrderNo)
	if got.Status != order.Paid || len(got.Commissions) != 2 {
		t.Fatalf("order %s with %d commissions", got.Status, len(got.Commissions))
	}
	for id, want := range map[int64]int64{bob.ID: 1598, alice.ID: 599} {
		b, err := e.Orders.Ledger.Balance(context.Background(), e.DB.R, id)
		if err != nil || b.FrozenFen != want {
			t.Fatalf("distributor %d frozen %d, want %d (%v)", id, b.FrozenFen, want, err)
		}
	}
	var postings int
	if err := e.DB.R.QueryRow(`SELECT count(*) FROM ledger_transactions`).Scan(&postings); err != nil || postings != 1 {
		t.Fatalf("%d ledger transactions (%v)", postings, err)
	}
	e.verify()
}

// Every refused notification leaves the order unpaid.
func TestShopNotifyRefused(t *testing.T) {
	e := newShopEnv(t)
	e.Site.ConfigureShop(web.ShopConfig{Secret: shopSecret})
	tea := e.product("龙井", 20, 9990)
	o := e.unpaid(tea.SKUs[0].ID, "13800138002", "")
	now := e.Clock.Now()
	other := e.unpaid(tea.SKUs[0].ID, "13800138003", "")
	tests := []struct {
		name     string
		provider string
		n        payment.Notification
		secret   []byte
		status   int
	}{
		{"wrong secret", "sandbox", notification(o, now), []byte("another-secret-another-secret-!!!"), http.StatusBadRequest},
		{"expired", "sandbox", notification(o, now.Add(-6*time.Minute)), shopSecret, http.StatusBadRequest},
		{"from the future", "sandbox", notification(o, now.Add(2*time.Minute)), shopSecret, http.StatusBadRequest},
		{"amount mismatch", "sandbox", func() payment.Notification {
			n := notification(o, now)
			n.AmountFen = 1
			return n
		}(), shopSecret, http.StatusBadRequest},
		{"order number of another order", "sandbox", func() payment.Notification {
			n := notification(o, now)
			n.OrderNo = other.OrderNo
			return n
		}(), shopSecret, http.StatusNotFound},
		{"unknown provider", "wechat", func() payment.Notification {
			n := notification(o, now)
			n.Provider = "wechat"
			return n
		}(), shopSecret, http.StatusNotFound},
		{"provider differs from the path", "sandbox", func() payment.Notification {
			n := notification(o, now)
			n.Provider = "alipay"
			return n
		}(), shopSecret, http.StatusBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if status, body := e.notify(tc.provider, tc.n, tc.secret); status != tc.status || !strings.HasPrefix(body, "fail") {
				t.Fatalf("got %d %s, want %d", status, body, tc.status)
			}
			if got := e.order(o.OrderNo); got.Status != order.Created || got.Payment != nil {
				t.Fatalf("order changed to %s", got.Status)
			}
		})
	}
	// A tampered field under the original signature.
	form := notification(o, now).Form(shopSecret)
	form.Set("amount_fen", "1")
	res, err := http.PostForm(e.URL+"/s/pay/notify/sandbox", form)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest || e.order(o.OrderNo).Status != order.Created {
		t.Fatalf("tampered amount: %d", res.StatusCode)
	}
	// A second payment of a paid order is refused; the first stays.
	if status, _ := e.notify("sandbox", notification(o, now), shopSecret); status != http.StatusOK {
		t.Fatalf("the good notification: %d", status)
	}
	n := notification(o, now)
	n.Reference = "PAY-OTHER"
	if status, _ := e.notify("sandbox", n, shopSecret); status != http.StatusConflict {
		t.Fatalf("a second payment: %d", status)
	}
	if got := e.order(o.OrderNo); got.Payment.Reference != "PAY-"+o.OrderNo {
		t.Fatalf("payment became %s", got.Payment.Reference)
	}
	e.verify()
}

// With another provider configured the sandbox pages do not exist, and its notifications are
// not accepted.
func TestShopSandboxOffWithOtherProvider(t *testing.T) {
	e := newShopEnv(t)
	e.Site.ConfigureShop(web.ShopConfig{Secret: shopSecret, Provider: fakeProvider{}})
	tea := e.product("龙井", 20, 9990)
	b := e.browser()
	placed := b.checkout(line(tea.SKUs[0].ID, 1), "吴八", "13800138004", "苏州")
	no, ok := strings.CutPrefix(placed.Location, "https://pay.example/checkout?order=")
	if placed.Status != http.StatusSeeOther || !ok {
		t.Fatalf("redirect to the provider: %d %q", placed.Status, placed.Location)
	}
	if r := b.get("/s/sandbox/" + no); r.Status != http.StatusNotFound {
		t.Fatalf("sandbox page: %d", r.Status)
	}
	o := e.order(no)
	if status, _ := e.notify("sandbox", notification(o, e.Clock.Now()), shopSecret); status != http.StatusNotFound {
		t.Fatalf("sandbox notification: %d", status)
	}
	n := notification(o, e.Clock.Now())
	n.Provider = "fake"
	if status, body := e.notify("fake", n, shopSecret); status != http.StatusOK {
		t.Fatalf("provider notification: %d %s", status, body)
	}
}

type fakeProvider struct{}

func (fakeProvider) Name() string { return "fake" }
func (fakeProvider) Checkout(_ context.Context, c payment.Checkout) (string, error) {
	if c.NotifyURL != c.BaseURL+"/s/pay/notify/fake" || c.ReturnURL != c.BaseURL+"/s/o/"+c.OrderNo || c.AmountFen != 9990 || c.Subject != "龙井" {
		return "", io.ErrUnexpectedEOF
	}
	return "https://pay.example/checkout?order=" + c.OrderNo, nil
}
