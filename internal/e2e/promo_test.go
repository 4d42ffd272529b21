package e2e_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/network"
	"github.com/fenxiao/fenxiao/internal/poster"
)

// An operator uploads a picture through the console's form; a distributor on a phone sees it
// and a copy text in the portal, copies the text (with the link appended) and opens the poster.
func TestMaterialsAndPosterInBrowser(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	staff(t, a, "boss@shop.cn", "owner") // without an owner the console asks for one first
	staff(t, a, "ops@shop.cn", "operator")
	tea, err := a.API.Catalog.Create(ctx, catalog.ProductInput{Name: "西湖龙井 明前特级", SKUs: []catalog.SKUInput{{PriceFen: 12800, Stock: 9}}})
	if err != nil {
		t.Fatal(err)
	}
	alice, err := a.API.Network.Apply(ctx, network.Application{Name: "王小明", Phone: "13800138000"})
	if err == nil {
		alice, err = a.API.Network.Approve(ctx, alice.ID)
	}
	if err == nil {
		err = a.Site.Accounts.SetDistributorPassword(ctx, alice.ID, "alice-password-1")
	}
	if err != nil {
		t.Fatal(err)
	}

	img := image.NewRGBA(image.Rect(0, 0, 60, 40))
	for y := range 40 {
		for x := range 60 {
			img.Set(x, y, color.RGBA{uint8(40 + x*3), uint8(120 + y*2), 80, 255})
		}
	}
	var pic bytes.Buffer
	if err := png.Encode(&pic, img); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "龙井主图.png")
	if err := os.WriteFile(file, pic.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	desk := newBrowser(t, 1366, 900)
	desk.signInStaff(a, "ops@shop.cn")
	desk.do(chromedp.Navigate(a.URL+"/admin/materials"), chromedp.WaitVisible(chromedp.CSS(`input[type="file"]`)))
	desk.do(chromedp.SendKeys(chromedp.CSS(`form[action="/admin/materials"] input[name="title"]`), "龙井主图"),
		chromedp.SetUploadFiles(chromedp.CSS(`input[type="file"]`), []string{file}),
		chromedp.Click(chromedp.CSS(`form[action="/admin/materials"] button.primary`)))
	desk.do(chromedp.WaitVisible(chromedp.CSS("table.materials img.thumb")))
	desk.do(chromedp.SendKeys(chromedp.CSS(`form[action="/admin/materials/text"] textarea[name="body"]`), "明前龙井，一口回甘。"),
		chromedp.Click(chromedp.CSS(`form[action="/admin/materials/text"] button.primary`)),
		chromedp.WaitVisible(chromedp.CSS("p.mat-text")))
	desk.shot("admin-materials-desktop")
	desk.noErrors()

	m := newBrowser(t, 390, 844)
	m.do(chromedp.Navigate(a.URL+"/m/login"), chromedp.WaitVisible(chromedp.CSS(`form[action="/m/login"] input[name="password"]`)),
		chromedp.SendKeys(chromedp.CSS(`form[action="/m/login"] input[name="phone"]`), alice.Phone),
		chromedp.SendKeys(chromedp.CSS(`form[action="/m/login"] input[name="password"]`), "alice-password-1"),
		chromedp.Submit(chromedp.CSS(`form[action="/m/login"] input[name="password"]`)), chromedp.WaitVisible(chromedp.CSS(".figures")))
	m.do(chromedp.Navigate(a.URL+"/m/materials"), chromedp.WaitVisible(chromedp.CSS("[data-copy-target]")))
	text := m.value("main textarea")
	link := fmt.Sprintf("%s/s/?ref=%s", a.URL, alice.Code)
	if !strings.Contains(text, "明前龙井，一口回甘。") || !strings.Contains(text, link) {
		t.Errorf("copy text %q lacks the body or %s", text, link)
	}
	// One tap: the button confirms, through the Clipboard API or the selection fallback.
	m.do(chromedp.Click(chromedp.CSS("[data-copy-target]")), chromedp.WaitVisible(chromedp.CSS(`[data-copied="1"]`)))
	m.shot("m-materials-phone")
	m.noErrors()

	if _, err := poster.FindFont(os.Getenv(poster.EnvFont)); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI must have a CJK font: %v", err)
		}
		t.Skipf("no CJK font here for the poster: %v", err)
	}
	m.do(chromedp.Navigate(a.URL+"/m/products"), chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`a[href="/m/products/%d/poster.png"]`, tea.ID))))
	// The poster opens as the phone's image view, to long-press and save.
	m.do(chromedp.Navigate(fmt.Sprintf("%s/m/products/%d/poster.png", a.URL, tea.ID)), chromedp.WaitReady(chromedp.CSS("body")))
	var w int64
	ctx2, cancel := context.WithTimeout(m.ctx, 30*time.Second)
	defer cancel()
	w, err = chromedp.Run(ctx2, chromedp.Evaluate[int64](`document.images.length ? document.images[0].naturalWidth : 0`))
	if err != nil || w != poster.Width {
		t.Errorf("poster in the browser: width %d (%v)", w, err)
	}
	m.shot("m-poster-phone")
}

// value returns the value of a form field matching a CSS selector.
func (b *browser) value(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("read %s: %v", sel, err)
	}
	return s
}
