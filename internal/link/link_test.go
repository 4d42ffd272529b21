package link

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"sync"
	"testing"
	"time"

	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/network"
)

func TestLinksMadeOnceOnFirstAsk(t *testing.T) {
	e := newEnv(t)
	alice := e.distributor("Alice", nil)
	bob := e.distributor("Bob", &alice)
	tea := e.product("龙井", 9990)

	shop, err := e.Links.ForShop(ctx, alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !ValidCode(shop.Code) || shop.Kind != Shop || shop.ProductID != nil || shop.URL("https://x.cn/") != "https://x.cn/r/"+shop.Code {
		t.Fatalf("shop link %+v", shop)
	}
	// A fresh service (another node, or after a restart) finds the same rows.
	other := New(e.DB, nil)
	again, err := other.ForShop(ctx, alice.ID)
	if err != nil || again.Code != shop.Code {
		t.Fatalf("second ask: %+v %v, want code %s", again, err, shop.Code)
	}

	// Many asking at once for the same product link make one row.
	var wg sync.WaitGroup
	codes := make([]string, 8)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l, err := New(e.DB, nil).ForProduct(ctx, alice.ID, tea.ID)
			if err != nil {
				t.Error(err)
			}
			codes[i] = l.Code
		}()
	}
	wg.Wait()
	for _, c := range codes {
		if c != codes[0] {
			t.Fatalf("concurrent asks got different codes: %v", codes)
		}
	}
	if n := e.count(`SELECT count(*) FROM links WHERE distributor_id = $1 AND product_id = $2`, alice.ID, tea.ID); n != 1 {
		t.Fatalf("%d product links, want 1", n)
	}

	inv, err := e.Links.ForInvite(ctx, alice.ID)
	if err != nil || inv.Kind != Invite {
		t.Fatalf("invite: %+v %v", inv, err)
	}
	list, err := e.Links.List(ctx, alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 3 || list[0].Kind != Shop || list[1].Kind != Invite || list[2].Kind != Product || *list[2].ProductID != tea.ID {
		t.Fatalf("list %+v", list)
	}
	// Bob is level 2: a shop link but no invite link.
	if _, err := e.Links.ForInvite(ctx, bob.ID); !errs.Is(err, "invite_level2") {
		t.Fatalf("level-2 invite: %v", err)
	}
	if list, err := e.Links.List(ctx, bob.ID); err != nil || len(list) != 1 || list[0].Kind != Shop {
		t.Fatalf("Bob's list %+v %v", list, err)
	}

	tests := []struct {
		name string
		get  func() (Link, error)
		code string
	}{
		{"pending distributor", func() (Link, error) {
			p, err := e.Network.Apply(ctx, network.Application{Name: "Pat", Phone: "13811112222"})
			if err != nil {
				t.Fatal(err)
			}
			return e.Links.ForShop(ctx, p.ID)
		}, "distributor_not_approved"},
		{"no such distributor", func() (Link, error) { return e.Links.ForShop(ctx, 9999) }, "distributor_not_found"},
		{"no such product", func() (Link, error) { return e.Links.ForProduct(ctx, alice.ID, 9999) }, "product_not_found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.get(); errs.CodeOf(err) != tc.code {
				t.Fatalf("got %v, want %s", err, tc.code)
			}
		})
	}
}

// A freeze stops a cached link crediting once the cached status is StatusTTL old; an unknown code
// is remembered as unknown.
func TestResolveCacheAndFreeze(t *testing.T) {
	e := newEnv(t)
	alice := e.distributor("Alice", nil)
	tea := e.product("龙井", 9990)
	l, err := e.Links.ForProduct(ctx, alice.ID, tea.ID)
	if err != nil {
		t.Fatal(err)
	}
	c := newCache(e.DB, StatusTTL)
	t0 := time.Now()
	got, ok, err := c.resolve(ctx, l.Code, t0)
	if err != nil || !ok || !got.Credits() || got.DistributorCode != alice.Code || got.ProductID != tea.ID || got.Kind != Product {
		t.Fatalf("resolve: %+v %v %v", got, ok, err)
	}
	if _, err := e.Network.Freeze(ctx, alice.ID, "刷单"); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := c.resolve(ctx, l.Code, t0.Add(StatusTTL-time.Millisecond)); !got.Credits() {
		t.Fatal("within the TTL the cached status should stand")
	}
	if got, _, _ := c.resolve(ctx, l.Code, t0.Add(StatusTTL)); got.Credits() || got.Status != network.Frozen {
		t.Fatalf("after the TTL the freeze should show: %+v", got)
	}
	for _, code := range []string{"ZZZZZZZZ", "bad", "", "AAAAAAA0"} {
		if _, ok, err := c.resolve(ctx, code, t0); ok || err != nil {
			t.Fatalf("code %q resolved: %v %v", code, ok, err)
		}
	}
	if _, unknown := c.unknown["ZZZZZZZZ"]; !unknown {
		t.Fatal("an unknown code of the right shape should be remembered")
	}
}

func TestClassifyUA(t *testing.T) {
	tests := []struct{ ua, want string }{
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.40", UAWeChat},
		{"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36", UAMobile},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36", UADesktop},
		{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/120.0 Safari/537.36", UADesktop},
		{"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", UABot},
		{"Mozilla/5.0 (compatible; Baiduspider/2.0)", UABot},
		{"curl/8.5.0", UABot},
		{"Go-http-client/1.1", UABot},
		{"", UABot},
	}
	for _, tc := range tests {
		if got := ClassifyUA(tc.ua); got != tc.want {
			t.Errorf("ClassifyUA(%q) = %s, want %s", tc.ua, got, tc.want)
		}
	}
	if ClientKey([]byte("s"), "10.0.0.1:5555", "ua") != ClientKey([]byte("s"), "10.0.0.1:6666", "ua") {
		t.Error("the port must not change the client key")
	}
	if ClientKey([]byte("s"), "10.0.0.1:5555", "ua") == ClientKey([]byte("t"), "10.0.0.1:5555", "ua") {
		t.Error("the secret must change the client key")
	}
	// The Keyer's reused HMAC states give the plain HMAC's first 8 bytes, call after call.
	m := hmac.New(sha256.New, []byte("s"))
	m.Write([]byte("fx_click\n10.0.0.1\nua"))
	want := int64(binary.BigEndian.Uint64(m.Sum(nil)))
	k := NewKeyer([]byte("s"))
	for i := range 3 {
		if got := k.Key("10.0.0.1:5555", "ua"); got != want {
			t.Errorf("call %d: key %x, want %x", i, got, want)
		}
		if k.Key("10.0.0.2:5555", "ua") == want {
			t.Error("another address must have another key")
		}
	}
	if h := ReferrerHost("https://Mp.Weixin.QQ.com/s/abc?x=1"); h != "mp.weixin.qq.com" {
		t.Errorf("referrer host %q", h)
	}
}
