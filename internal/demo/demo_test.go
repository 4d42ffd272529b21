package demo_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/fenxiao/fenxiao/internal/account"
	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/db/dbtest"
	"github.com/fenxiao/fenxiao/internal/demo"
	"github.com/fenxiao/fenxiao/internal/link"
	"github.com/fenxiao/fenxiao/internal/network"
	"github.com/fenxiao/fenxiao/internal/order"
	"github.com/fenxiao/fenxiao/internal/payout"
	"github.com/fenxiao/fenxiao/internal/settlement"
	"github.com/fenxiao/fenxiao/internal/verify"
)

// The demo shop is built through the real services, so it must pass every invariant.
func TestSeedIsConsistent(t *testing.T) {
	account.Params = &argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
	d, _ := dbtest.Open(t)
	ctx := context.Background()
	orders := order.New(d)
	deps := demo.Deps{DB: d, Accounts: &account.Service{DB: d}, Network: &network.Service{DB: d},
		Catalog: &catalog.Service{DB: d}, Orders: orders, Payout: payout.New(d, orders.Ledger), Links: link.New(d, slog.New(slog.DiscardHandler))}
	settle := settlement.New(d, orders.Ledger, nil)
	deps.Settle = func(ctx context.Context, cutoff time.Time) error { _, err := settle.Run(ctx, cutoff, 0); return err }
	if err := demo.Seed(ctx, deps); err != nil {
		t.Fatal(err)
	}
	if st, _ := demo.Check(ctx, deps); st != demo.DemoShop {
		t.Fatalf("state after seeding = %d", st)
	}
	counts := map[string]int{}
	rows, err := d.R.Query(`SELECT status, count(*) FROM orders GROUP BY status`)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for rows.Next() {
		var s string
		var n int
		rows.Scan(&s, &n)
		counts[s] = n
		total += n
	}
	rows.Close()
	for _, s := range []string{"created", "paid", "shipped", "delivered", "completed", "cancelled"} {
		if counts[s] == 0 {
			t.Errorf("no %s orders: %v", s, counts)
		}
	}
	if total < 200 {
		t.Errorf("only %d orders", total)
	}
	var clicks, bots int
	d.R.QueryRow(`SELECT count(*), count(*) FILTER (WHERE NOT credited) FROM link_clicks`).Scan(&clicks, &bots)
	if clicks < 500 || bots == 0 {
		t.Errorf("demo clicks: %d, of them not credited %d", clicks, bots)
	}
	var dists, refunds, withdrawals int
	d.R.QueryRow(`SELECT count(*) FROM distributors`).Scan(&dists)
	d.R.QueryRow(`SELECT count(*) FROM refunds`).Scan(&refunds)
	d.R.QueryRow(`SELECT count(*) FROM withdrawals`).Scan(&withdrawals)
	if dists < 24 || refunds == 0 || withdrawals == 0 {
		t.Errorf("distributors %d refunds %d withdrawals %d", dists, refunds, withdrawals)
	}
	b, err := verify.Run(ctx, d)
	if err != nil || len(b) > 0 {
		t.Fatalf("verify: %v %+v", err, b)
	}
	if _, err := deps.Accounts.LoginStaff(ctx, demo.OwnerLogin, demo.StaffPassword); err != nil {
		t.Fatalf("owner login: %v", err)
	}
	if _, err := deps.Accounts.LoginDistributor(ctx, demo.Level2Phone, demo.DistributorPwd); err != nil {
		t.Fatalf("distributor login: %v", err)
	}
}
