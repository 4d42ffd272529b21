package e2e_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/settings"
	"github.com/fenxiao/fenxiao/internal/verify"
)

const staffPassword = "staff-password-1"

// staff makes a console account.
func staff(t *testing.T, a *app, login, role string) {
	t.Helper()
	if _, err := a.Site.Accounts.CreateStaff(context.Background(), login, login, role, staffPassword); err != nil {
		t.Fatal(err)
	}
}

// signInStaff signs in to the console through its form.
func (b *browser) signInStaff(a *app, login string) {
	b.t.Helper()
	b.do(chromedp.Navigate(a.URL+"/admin/login"), chromedp.WaitVisible(chromedp.CSS(`input[name="login"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="login"]`), login),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), staffPassword),
		chromedp.Submit(chromedp.CSS(`input[name="password"]`)), chromedp.WaitVisible(chromedp.CSS(".who")))
}

// freezeNow sets freeze_days to 0 so a completed order's commission can be settled at once on
// the real clock the browser runs on.
func freezeNow(t *testing.T, a *app) {
	t.Helper()
	ctx := context.Background()
	err := a.DB.InTx(ctx, func(tx *db.Tx) error {
		c, err := settings.LoadCommission(ctx, tx)
		if err != nil {
			return err
		}
		c.FreezeDays = 0
		_, err = settings.SaveCommission(ctx, tx, c)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func checkInvariants(t *testing.T, a *app) {
	t.Helper()
	b, err := verify.Run(context.Background(), a.DB)
	if err != nil || len(b) > 0 {
		t.Fatalf("verify: %v %+v", err, b)
	}
}
