package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/fenxiao/fenxiao/internal/link"
	"github.com/fenxiao/fenxiao/internal/network"
	"github.com/fenxiao/fenxiao/internal/web"
)

const phoneUA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.40"

// withLinks turns tracked links on for the shop under test.
func (e *shopEnv) withLinks() *link.Service {
	l := link.New(e.DB, slog.New(slog.NewTextHandler(io.Discard, nil)))
	e.Site.UseLinks(l)
	e.t.Cleanup(func() { l.Clicks.Close(context.Background()) })
	return l
}

// visit GETs path with a user agent, as a phone (or a bot) opening a shared link.
func (b *shopBrowser) visit(path, ua string) shopResp {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.e.URL+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("User-Agent", ua)
	req.Header.Set("Referer", "https://mp.weixin.qq.com/s/xyz")
	res, err := b.http.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return shopResp{Status: res.StatusCode, Location: res.Header.Get("Location"), Header: res.Header}
}

// The rules of /r/{code}: where each kind of visit goes, whether it gets the referral cookie and
// how its click is stored.
func TestLinkRedirectRules(t *testing.T) {
	e := newShopEnv(t)
	e.Site.ConfigureShop(web.ShopConfig{Secret: shopSecret})
	links := e.withLinks()
	ctx := context.Background()
	alice := e.distributor("Alice", nil)
	frozen := e.distributor("Fred", nil)
	tea := e.product("龙井", 50, 9990)
	code := func(l link.Link, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return l.Code
	}
	shop := code(links.ForShop(ctx, alice.ID))
	product := code(links.ForProduct(ctx, alice.ID, tea.ID))
	invite := code(links.ForInvite(ctx, alice.ID))
	fredShop := code(links.ForShop(ctx, frozen.ID))
	if _, err := e.Network.Freeze(ctx, frozen.ID, "刷单"); err != nil {
		t.Fatal(err)
	}
	// Links are only made for approved distributors; a pending or rejected one's row is put in by
	// hand to check the redirect does not trust that.
	pending, err := e.Network.Apply(ctx, network.Application{Name: "Pat", Phone: "13800000099"})
	if err != nil {
		t.Fatal(err)
	}
	rejected, err := e.Network.Apply(ctx, network.Application{Name: "Rex", Phone: "13800000098"})
	if err == nil {
		_, err = e.Network.Reject(ctx, rejected.ID, "资料不全")
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []struct {
		code string
		id   int64
	}{{"PENDPEND", pending.ID}, {"REJREJRE", rejected.ID}} {
		if _, err := e.DB.W.Exec(`INSERT INTO links (code, distributor_id, kind, created_at) VALUES ($1, $2, 'shop', $3)`,
			r.code, r.id, e.DB.Now()); err != nil {
			t.Fatal(err)
		}
	}

	tests := []struct {
		name, path, ua, location string
		cookie                   bool
		clicks                   int  // rows stored for this visit
		credited                 bool // how the stored click is marked
		class                    string
	}{
		{"shop link", "/r/" + shop, phoneUA, "/s/", true, 1, true, link.UAWeChat},
		{"lower-case code", "/r/" + toLower(shop), phoneUA, "/s/", true, 1, true, link.UAWeChat},
		{"product link", "/r/" + product, phoneUA, fmt.Sprintf("/s/p/%d", tea.ID), true, 1, true, link.UAWeChat},
		{"invite link", "/r/" + invite, phoneUA, "/m/apply?invite=" + *alice.InviteCode, false, 1, true, link.UAWeChat},
		{"bot on a product link", "/r/" + product, "Mozilla/5.0 (compatible; Googlebot/2.1)", fmt.Sprintf("/s/p/%d", tea.ID), false, 1, false, link.UABot},
		{"frozen distributor", "/r/" + fredShop, phoneUA, "/s/", false, 1, false, link.UAWeChat},
		{"pending distributor", "/r/PENDPEND", phoneUA, "/s/", false, 1, false, link.UAWeChat},
		{"rejected distributor", "/r/REJREJRE", phoneUA, "/s/", false, 1, false, link.UAWeChat},
		{"unknown code", "/r/ZZZZZZZZ", phoneUA, "/s/", false, 0, false, ""},
		{"junk code", "/r/..%2F..%2Fetc", phoneUA, "/s/", false, 0, false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := e.browser()
			before := e.count("link_clicks")
			r := b.visit(tc.path, tc.ua)
			if r.Status != http.StatusFound || r.Location != tc.location {
				t.Fatalf("got %d → %q, want 302 → %q", r.Status, r.Location, tc.location)
			}
			if r.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q: a cached redirect would skip the click", r.Header.Get("Cache-Control"))
			}
			c := b.cookie("fx_ref")
			if tc.cookie != (c != nil) {
				t.Fatalf("cookie %v, want %v", c, tc.cookie)
			}
			if c != nil && c.Value[:len(alice.Code)+1] != alice.Code+"." {
				t.Fatalf("cookie %q does not name %s", c.Value, alice.Code)
			}
			if err := links.Clicks.Close(ctx); err != nil { // flush, then start a fresh recorder
				t.Fatal(err)
			}
			links.Clicks = link.NewRecorder(e.DB, e.Site.Log, link.RecorderOptions{})
			if got := e.count("link_clicks") - before; got != tc.clicks {
				t.Fatalf("%d clicks stored, want %d", got, tc.clicks)
			}
			if tc.clicks == 0 {
				return
			}
			var credited bool
			var class, ref string
			var key int64
			if err := e.DB.R.QueryRow(`SELECT credited, ua_class, referrer_host, client_key FROM link_clicks ORDER BY id DESC LIMIT 1`).
				Scan(&credited, &class, &ref, &key); err != nil {
				t.Fatal(err)
			}
			if credited != tc.credited || class != tc.class || ref != "mp.weixin.qq.com" || key != link.ClientKey(shopSecret, "127.0.0.1", tc.ua) {
				t.Fatalf("stored credited=%v class=%s referrer=%s key=%x", credited, class, ref, key)
			}
		})
	}

	// The cookie /r sets is the one checkout reads: the order credits Alice.
	b := e.browser()
	b.visit("/r/"+product, phoneUA)
	no := orderNo(t, b.checkout(line(tea.SKUs[0].ID, 1), "王小明", "13900001111", "杭州"))
	if o := e.order(no); o.DistributorID == nil || *o.DistributorID != alice.ID {
		t.Fatalf("order through Alice's link credited %v (%s)", o.DistributorID, o.Attribution)
	}
}

func toLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// N clicks through the server, then a graceful stop: exactly N rows.
func TestLinkClicksSurviveShutdown(t *testing.T) {
	e := newShopEnv(t)
	links := e.withLinks()
	alice := e.distributor("Alice", nil)
	l, err := links.ForShop(context.Background(), alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	const n = 300
	b := e.browser()
	for range n {
		if r := b.visit("/r/"+l.Code, phoneUA); r.Status != http.StatusFound {
			t.Fatalf("status %d", r.Status)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := links.Clicks.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if got := e.count("link_clicks"); got != n {
		t.Fatalf("%d clicks stored after shutdown, want %d", got, n)
	}
}
