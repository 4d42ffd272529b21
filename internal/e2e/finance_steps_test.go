package e2e_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fenxiao/fenxiao/internal/payout"
	"github.com/fenxiao/fenxiao/internal/settlement"
	"github.com/fenxiao/fenxiao/internal/web"
)

// financeBrowser signs a finance person in to the console on a desktop.
func financeBrowser(t *testing.T, a *app) *browser {
	t.Helper()
	staff(t, a, "fin@shop.cn", "finance")
	b := newBrowser(t, 1366, 900)
	b.signInStaff(a, "fin@shop.cn")
	return b
}

// settleAndCheck has finance run a settlement from the console and checks the run's total on
// the page and the distributor's available balance in the ledger.
func settleAndCheck(t *testing.T, a *app, fin *browser, distributorID, wantAvailable, wantTotal int64) {
	t.Helper()
	ctx := context.Background()
	time.Sleep(1100 * time.Millisecond) // cutoffs are whole seconds: let the completion's second pass
	fin.do(chromedp.Navigate(a.URL+"/admin/settlements"), chromedp.WaitVisible(chromedp.CSS(`form[action="/admin/settlements"] button`)),
		chromedp.Click(chromedp.CSS(`form[action="/admin/settlements"] button`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	deadline := time.Now().Add(20 * time.Second)
	for {
		p, err := a.API.Settlement.ListRuns(ctx, 1, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Items) == 1 && p.Items[0].Status == settlement.Completed {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("settlement did not complete: %+v", p.Items)
		}
		time.Sleep(100 * time.Millisecond)
	}
	fin.do(chromedp.Navigate(a.URL+"/admin/settlements"), chromedp.WaitVisible(chromedp.CSS("main table")))
	fin.shot("admin-settlements-desktop")
	if got := fin.text("main"); !strings.Contains(got, web.Yuan(wantTotal)) {
		t.Errorf("settlements page lacks the run's total %s:\n%s", web.Yuan(wantTotal), got)
	}
	b, err := a.API.Orders.Ledger.Balance(ctx, a.DB.R, distributorID)
	if err != nil || b.AvailableFen != wantAvailable || b.FrozenFen != 0 {
		t.Fatalf("after settlement: %+v %v; want available %d", b, err, wantAvailable)
	}
}

// payWithdrawal has finance approve the distributor's withdrawal and pay it with a transfer
// reference, through the console's forms.
func payWithdrawal(t *testing.T, a *app, fin *browser, distributorID int64) {
	t.Helper()
	ctx := context.Background()
	p, err := a.API.Payout.List(ctx, payout.Filter{DistributorID: distributorID})
	if err != nil || len(p.Items) != 1 {
		t.Fatalf("withdrawals: %+v %v", p, err)
	}
	id := p.Items[0].ID
	fin.do(chromedp.Navigate(fmt.Sprintf("%s/admin/withdrawals/%d", a.URL, id)),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/approve"] button`)))
	fin.shot("admin-withdrawal-desktop")
	if got := fin.text("main"); !strings.Contains(got, web.Yuan(1000)) {
		t.Errorf("withdrawal page lacks the amount:\n%s", got)
	}
	fin.do(chromedp.Click(chromedp.CSS(`form[action$="/approve"] button`)), chromedp.WaitVisible(chromedp.CSS(`form[action$="/pay"] input[name="reference"]`)),
		chromedp.SendKeys(chromedp.CSS(`form[action$="/pay"] input[name="reference"]`), "ALIPAY0001"),
		chromedp.Click(chromedp.CSS(`form[action$="/pay"] button`)), chromedp.WaitNotPresent(chromedp.CSS(`form[action$="/pay"]`)))
	w, err := a.API.Payout.Get(ctx, id)
	if err != nil || w.Status != payout.Paid || w.Reference != "ALIPAY0001" {
		t.Fatalf("withdrawal after the console: %+v %v", w, err)
	}
}
