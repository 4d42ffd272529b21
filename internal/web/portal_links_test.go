package web

import (
	"bytes"
	"context"
	"image/png"
	"net/http"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/fenxiao/fenxiao/internal/link"
)

// "My links" shows the distributor's own links with QR codes that decode to them, and their
// figures; another distributor's QR code is not served.
func TestPortalLinks(t *testing.T) {
	e := newPortalEnv(t)
	links := link.New(e.DB, nil)
	e.S.UseLinks(links)
	alice := e.distributor("Alice", nil)
	bob := e.distributor("Bob", &alice)
	honey := e.product("蜂蜜", 9990, 100, nil, true)
	e.product("不分销的米", 2000, 10, nil, false)
	ctx := context.Background()
	shop, err := links.ForShop(ctx, alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Two credited clicks on Alice's shop link from one device yesterday: 2 clicks, 1 visitor.
	for range 2 {
		links.Clicks.Record(link.Click{LinkID: shop.ID, DistributorID: alice.ID, At: e.DB.Now().Add(-24 * time.Hour),
			UAClass: link.UAMobile, ClientKey: 1, Credited: true})
	}
	if err := links.Clicks.Close(ctx); err != nil {
		t.Fatal(err)
	}
	ab, bb := e.signIn(alice), e.signIn(bob)
	r := ab.get("/m/links").want(t, http.StatusOK, "")
	r.has(t, "/r/"+shop.Code, "蜂蜜", "邀请分销商链接", "/m/links/"+shop.Code+"/qr.png").lacks(t, "不分销的米")
	r.has(t, "点击 2 · 访客 1 · 订单 0 · 转化率 0.0%")
	honeyLink, err := links.ForProduct(ctx, alice.ID, honey.ID)
	if err != nil {
		t.Fatal(err)
	}
	r.has(t, "/r/"+honeyLink.Code)
	bb.get("/m/links").want(t, http.StatusOK, "").lacks(t, "邀请分销商链接", shop.Code)

	q := ab.get("/m/links/"+shop.Code+"/qr.png?size=300").want(t, http.StatusOK, "")
	img, err := png.Decode(bytes.NewReader([]byte(q.Body)))
	if err != nil {
		t.Fatal(err)
	}
	bmp, _ := gozxing.NewBinaryBitmapFromImage(img)
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil || res.GetText() != e.URL+"/r/"+shop.Code {
		t.Fatalf("QR decodes to %v (%v), want %s/r/%s", res, err, e.URL, shop.Code)
	}
	ab.get("/m/links/"+shop.Code+"/qr.svg").want(t, http.StatusOK, "").has(t, "<svg", "crispEdges")
	bb.get("/m/links/"+shop.Code+"/qr.png").want(t, http.StatusNotFound, "")
	ab.get("/m/links/"+shop.Code+"/qr.png?size=5000").want(t, http.StatusUnprocessableEntity, "")
}

// The console's promotion page shows the period's figures and the signals.
func TestAdminPromotion(t *testing.T) {
	e := newAdminEnv(t)
	links := link.New(e.DB, nil)
	e.S.UseLinks(links)
	alice := e.distributor("Alice", nil)
	shop, err := links.ForShop(context.Background(), alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 25 {
		links.Clicks.Record(link.Click{LinkID: shop.ID, DistributorID: alice.ID, At: e.DB.Now().Add(time.Duration(i) * time.Second),
			UAClass: link.UAMobile, ClientKey: 0x0123456789abcdef, Credited: true})
	}
	if err := links.Clicks.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	r := e.get("operator", "/admin/promotion")
	if r.Status != http.StatusOK {
		t.Fatalf("status %d: %s", r.Status, r.Body)
	}
	for _, want := range []string{"推广效果", shop.Code, "Alice", "<b>25</b>", "0123456789ab", "集中点击"} {
		if !bytes.Contains([]byte(r.Body), []byte(want)) {
			t.Errorf("promotion page lacks %q", want)
		}
	}
	if r := e.get("finance", "/admin/promotion"); r.Status != http.StatusForbidden {
		t.Errorf("finance got %d, want 403", r.Status)
	}
}
