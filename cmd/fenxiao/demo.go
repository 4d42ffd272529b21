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

// seedDemo fills an empty shop with the demo data set and prints how to sign in.
func seedDemo(ctx context.Context, d *db.DB, api *httpapi.Server, site *web.Server, out io.Writer) error {
	deps := demo.Deps{DB: d, Accounts: site.Accounts, Network: api.Network, Catalog: api.Catalog, Orders: api.Orders, Payout: api.Payout,
		Settle: func(ctx context.Context, cutoff time.Time) error {
			_, err := api.Settlement.Run(ctx, cutoff, 0)
			return err
		}}
	state, err := demo.Check(ctx, deps)
	if err != nil {
		return err
	}
	if state == demo.RealShop {
		fmt.Fprintln(out, "This shop already has an owner: demo data is only added to an empty data directory or database.")
		return nil
	}
	if state == demo.Empty {
		fmt.Fprintln(out, "Building the demo shop (60 days of orders)…")
		if err := demo.Seed(ctx, deps); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
	}
	fmt.Fprintf(out, `
Demo shop ready.
  Console (商家后台):  /admin/  owner %s, operator %s, finance %s — password %s
  Portal (分销商中心): /m/      level 1 %s, level 2 %s — password %s
  Shop (商城):         /s/
`, demo.OwnerLogin, demo.OperatorLogin, demo.FinanceLogin, demo.StaffPassword, demo.Level1Phone, demo.Level2Phone, demo.DistributorPwd)
	return nil
}
