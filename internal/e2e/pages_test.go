package e2e_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fenxiao/fenxiao/internal/demo"
)

// The main pages of the three surfaces, on the demo shop, at phone and desktop sizes: each
// renders, logs no error, and leaves a screenshot in artifacts/screenshots.
func TestMainPagesAtPhoneAndDesktop(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	deps := demo.Deps{DB: a.DB, Accounts: a.Site.Accounts, Network: a.API.Network, Catalog: a.API.Catalog,
		Orders: a.API.Orders, Payout: a.API.Payout, Links: a.API.Links,
		Settle: func(ctx context.Context, cutoff time.Time) error {
			_, err := a.API.Settlement.Run(ctx, cutoff, 0)
			return err
		}}
	if err := demo.Seed(ctx, deps); err != nil {
		t.Fatal(err)
	}
	a.DB.Clock = realClock{}
	console := []string{"/admin/", "/admin/review", "/admin/distributors", "/admin/products", "/admin/orders",
		"/admin/withdrawals", "/admin/settlements", "/admin/settings", "/admin/audit", "/admin/promotion", "/admin/materials",
		"/admin/reports/distributors", "/admin/reports/products", "/admin/reports/commission", "/admin/reports/network",
		"/admin/reports/settlement", "/admin/reports/withdrawals"}
	portal := []string{"/m/", "/m/products", "/m/orders", "/m/team", "/m/commissions", "/m/statements", "/m/withdraw", "/m/links", "/m/materials", "/m/report"}
	shop := []string{"/s/", "/s/cart"}
	for _, size := range []struct {
		name          string
		width, height int64
	}{{"phone", 390, 844}, {"desktop", 1366, 900}} {
		t.Run(size.name, func(t *testing.T) {
			b := newBrowser(t, size.width, size.height)
			visit := func(path string) {
				b.do(chromedp.Navigate(a.URL+path), chromedp.WaitVisible(chromedp.CSS("main")))
				if got := b.text("main"); strings.Contains(got, "出错了") || strings.Contains(got, "internal error") {
					t.Errorf("%s shows an error page:\n%s", path, got)
				}
				b.shot(fmt.Sprintf("%s%s", strings.ReplaceAll(strings.Trim(path, "/"), "/", "-"), "-"+size.name))
			}
			for _, p := range shop {
				visit(p)
			}
			b.do(chromedp.Navigate(a.URL+"/admin/login"), chromedp.WaitVisible(chromedp.CSS(`input[name="login"]`)),
				chromedp.SendKeys(chromedp.CSS(`input[name="login"]`), demo.OwnerLogin),
				chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), demo.StaffPassword),
				chromedp.Submit(chromedp.CSS(`input[name="password"]`)), chromedp.WaitVisible(chromedp.CSS(".who")))
			for _, p := range console {
				visit(p)
			}
			b.do(chromedp.Navigate(a.URL+"/m/login"), chromedp.WaitVisible(chromedp.CSS(`form[action="/m/login"] input[name="password"]`)),
				chromedp.SendKeys(chromedp.CSS(`form[action="/m/login"] input[name="phone"]`), demo.Level1Phone),
				chromedp.SendKeys(chromedp.CSS(`form[action="/m/login"] input[name="password"]`), demo.DistributorPwd),
				chromedp.Submit(chromedp.CSS(`form[action="/m/login"] input[name="password"]`)), chromedp.WaitVisible(chromedp.CSS(".figures")))
			for _, p := range portal {
				visit(p)
			}
			b.noErrors()
		})
	}
}
