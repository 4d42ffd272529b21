package poster_test

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/db/dbtest"
	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/network"
	"github.com/fenxiao/fenxiao/internal/poster"
)

func needFont(t *testing.T) {
	t.Helper()
	if _, err := poster.FindFont(os.Getenv(poster.EnvFont)); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI must have a CJK font: %v", err)
		}
		t.Skipf("no CJK font here (apt-get install fonts-wqy-zenhei): %v", err)
	}
}

// A poster comes from the cache until the product changes; then it is drawn again with the
// new name and price. It carries the distributor's ?ref= link until tracked links are wired.
func TestPosterCacheFollowsProduct(t *testing.T) {
	needFont(t)
	ctx := context.Background()
	d, clk := dbtest.Open(t)
	cat := &catalog.Service{DB: d}
	net := &network.Service{DB: d}
	alice, err := net.Apply(ctx, network.Application{Name: "王小明", Phone: "13700000001"})
	if err == nil {
		alice, err = net.Approve(ctx, alice.ID)
	}
	if err != nil {
		t.Fatal(err)
	}
	uploads := t.TempDir()
	if err := os.WriteFile(filepath.Join(uploads, "tea.png"), tinyPNG(t), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := cat.Create(ctx, catalog.ProductInput{Name: "西湖龙井", Images: []string{"/uploads/tea.png"},
		SKUs: []catalog.SKUInput{{PriceFen: 12800, Stock: 5}}})
	if err != nil {
		t.Fatal(err)
	}
	var links []string
	ref := poster.RefLinks(net)
	svc := poster.New(cat, net, func(ctx context.Context, base string, did, pid int64) (string, error) {
		u, err := ref(ctx, base, did, pid)
		links = append(links, u)
		return u, err
	}, poster.Images{UploadsDir: uploads}, os.Getenv(poster.EnvFont), nil, 0)

	first, err := svc.Product(ctx, "https://shop.example.com", alice.ID, p.ID, poster.DefaultWords)
	if err != nil {
		t.Fatal(err)
	}
	if first.Cached || len(first.PNG) == 0 {
		t.Fatalf("first poster: cached %v, %d bytes", first.Cached, len(first.PNG))
	}
	img, err := png.Decode(bytes.NewReader(first.PNG))
	if err != nil {
		t.Fatal(err)
	}
	// The picture came from the uploads dir: the top-left is the gradient's dark corner, not the
	// placeholder's light panel.
	if r, g, _, _ := img.At(5, 5).RGBA(); r>>8 > 60 || g>>8 > 60 {
		t.Errorf("the uploaded picture was not drawn: %v at (5,5)", img.At(5, 5))
	}
	want := "https://shop.example.com/s/p/" + itoa(p.ID) + "?ref=" + alice.Code
	if links[0] != want {
		t.Errorf("link %q, want %q", links[0], want)
	}
	again, err := svc.Product(ctx, "https://shop.example.com", alice.ID, p.ID, poster.DefaultWords)
	if err != nil || !again.Cached || again.ETag != first.ETag {
		t.Fatalf("second request: cached %v etag %q/%q err %v", again.Cached, again.ETag, first.ETag, err)
	}

	clk.Advance(time.Minute)
	name := "西湖龙井 明前特级"
	if _, err := cat.Update(ctx, p.ID, catalog.ProductPatch{Name: &name}); err != nil {
		t.Fatal(err)
	}
	changed, err := svc.Product(ctx, "https://shop.example.com", alice.ID, p.ID, poster.DefaultWords)
	if err != nil {
		t.Fatal(err)
	}
	if changed.Cached || changed.ETag == first.ETag || bytes.Equal(changed.PNG, first.PNG) {
		t.Fatalf("after the product changed the poster was not drawn again (cached %v)", changed.Cached)
	}

	// Refusals: an unknown product, one closed to distribution, a frozen distributor.
	if _, err := svc.Product(ctx, "https://x", alice.ID, 999, poster.DefaultWords); !errs.Is(err, "product_not_found") {
		t.Errorf("unknown product: %v", err)
	}
	no := false
	if _, err := cat.Update(ctx, p.ID, catalog.ProductPatch{Distributable: &no}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Product(ctx, "https://x", alice.ID, p.ID, poster.DefaultWords); !errs.Is(err, "product_not_distributable") {
		t.Errorf("closed product: %v", err)
	}
	if _, err := net.Freeze(ctx, alice.ID, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Product(ctx, "https://x", alice.ID, p.ID, poster.DefaultWords); !errs.Is(err, "distributor_not_approved") {
		t.Errorf("frozen distributor: %v", err)
	}
}

// With a configured font that has no Chinese the service says so with ErrNoFont.
func TestPosterFontMissing(t *testing.T) {
	const dejavu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
	if _, err := os.Stat(dejavu); err != nil {
		t.Skip("DejaVu is not installed")
	}
	ctx := context.Background()
	d, _ := dbtest.Open(t)
	cat, net := &catalog.Service{DB: d}, &network.Service{DB: d}
	a, err := net.Apply(ctx, network.Application{Name: "Alice", Phone: "13700000002"})
	if err == nil {
		a, err = net.Approve(ctx, a.ID)
	}
	if err != nil {
		t.Fatal(err)
	}
	p, err := cat.Create(ctx, catalog.ProductInput{Name: "龙井", SKUs: []catalog.SKUInput{{PriceFen: 100, Stock: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	svc := poster.New(cat, net, nil, poster.Images{}, dejavu, nil, 0)
	if _, err := svc.Product(ctx, "http://x", a.ID, p.ID, poster.DefaultWords); !errors.Is(err, poster.ErrNoFont) {
		t.Fatalf("want ErrNoFont, got %v", err)
	}
}

func tinyPNG(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, gradientImg(64, 48)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
