package e2e_test

import (
	"context"
	"testing"
	"time"

	"github.com/fenxiao/fenxiao/internal/payout"
)

// settleAndCheck runs a settlement (through the service until the console's settlement page
// lands) and checks the distributor's available balance.
func settleAndCheck(t *testing.T, a *app, _ *browser, distributorID, wantAvailable int64) {
	t.Helper()
	ctx := context.Background()
	time.Sleep(1100 * time.Millisecond) // cutoffs are whole seconds: let the completion's second pass
	if _, err := a.API.Settlement.Run(ctx, time.Time{}, 0); err != nil {
		t.Fatal(err)
	}
	b, err := a.API.Orders.Ledger.Balance(ctx, a.DB.R, distributorID)
	if err != nil || b.AvailableFen != wantAvailable || b.FrozenFen != 0 {
		t.Fatalf("after settlement: %+v %v; want available %d", b, err, wantAvailable)
	}
}

// payWithdrawal approves and pays the distributor's withdrawal (through the service until the
// console's withdrawal pages land).
func payWithdrawal(t *testing.T, a *app, _ *browser, distributorID int64) {
	t.Helper()
	ctx := context.Background()
	p, err := a.API.Payout.List(ctx, payout.Filter{DistributorID: distributorID})
	if err != nil || len(p.Items) != 1 {
		t.Fatalf("withdrawals: %+v %v", p, err)
	}
	if _, err := a.API.Payout.Approve(ctx, p.Items[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.API.Payout.Pay(ctx, p.Items[0].ID, payout.PayInput{Reference: "ALIPAY0001"}); err != nil {
		t.Fatal(err)
	}
}
