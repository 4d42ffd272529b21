package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/demo"
	"github.com/fenxiao/fenxiao/internal/httpapi"
	"github.com/fenxiao/fenxiao/internal/web"
)

// seedDemo fills an empty shop with the demo data set; it reports whether the shop is the demo.
func seedDemo(ctx context.Context, d *db.DB, api *httpapi.Server, site *web.Server, out io.Writer) (bool, error) {
	deps := demo.Deps{DB: d, Accounts: site.Accounts, Network: api.Network, Catalog: api.Catalog, Orders: api.Orders, Payout: api.Payout, Links: api.Links,
		Settle: func(ctx context.Context, cutoff time.Time) error {
			_, err := api.Settlement.Run(ctx, cutoff, 0)
			return err
		}}
	state, err := demo.Check(ctx, deps)
	if err != nil {
		return false, err
	}
	if state == demo.RealShop {
		fmt.Fprintln(out, "This shop already has an owner: demo data is only added to an empty data directory or database.")
		return false, nil
	}
	if state == demo.Empty {
		fmt.Fprintln(out, "Building the demo shop (60 days of orders)…")
		if err := demo.Seed(ctx, deps); err != nil {
			return false, fmt.Errorf("demo data: %w", err)
		}
	}
	return true, nil
}

// printDemo tells a newcomer where to click and how to sign in.
func printDemo(out io.Writer, base string) {
	fmt.Fprintf(out, `
Demo shop ready:
  Console 商家后台    %[1]s/admin/  owner %[2]s · operator %[3]s · finance %[4]s · password %[5]s
  Portal 分销商中心   %[1]s/m/      level 1 %[6]s · level 2 %[7]s · password %[8]s
  Shop 商城           %[1]s/s/
`, base, demo.OwnerLogin, demo.OperatorLogin, demo.FinanceLogin, demo.StaffPassword, demo.Level1Phone, demo.Level2Phone, demo.DistributorPwd)
}
