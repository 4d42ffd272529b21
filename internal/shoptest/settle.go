// Package shoptest holds test steps several packages' tests share, so each rule of how a shop
// moves money is walked the same way everywhere. Only tests import it.
package shoptest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/fenxiao/fenxiao/internal/clock"
	"github.com/fenxiao/fenxiao/internal/order"
	"github.com/fenxiao/fenxiao/internal/settings"
	"github.com/fenxiao/fenxiao/internal/settlement"
)

// SettleAll ships and completes every open paid order, lets the refund window (freeze_days) pass
// on the test clock and runs a real settlement, so every frozen commission becomes available the
// way it does in a shop.
func SettleAll(tb testing.TB, orders *order.Service, settle *settlement.Service, clk *clock.Manual) {
	tb.Helper()
	ctx := context.Background()
	rows, err := orders.DB.R.QueryContext(ctx, `SELECT id, status FROM orders WHERE status IN ('paid', 'shipped', 'delivered') ORDER BY id`)
	if err != nil {
		tb.Fatal(err)
	}
	type open struct {
		id int64
		st order.Status
	}
	var list []open
	for rows.Next() {
		var o open
		if err := rows.Scan(&o.id, &o.st); err != nil {
			tb.Fatal(err)
		}
		list = append(list, o)
	}
	rows.Close()
	for _, o := range list {
		if o.st == order.Paid {
			if _, err := orders.Ship(ctx, o.id, order.ShipInput{Carrier: "顺丰", TrackingNo: fmt.Sprint("SF", o.id)}); err != nil {
				tb.Fatalf("ship order %d: %v", o.id, err)
			}
		}
		if _, err := orders.Complete(ctx, o.id); err != nil {
			tb.Fatalf("complete order %d: %v", o.id, err)
		}
	}
	cs, err := settings.LoadCommission(ctx, orders.DB.R)
	if err != nil {
		tb.Fatal(err)
	}
	clk.Advance(time.Duration(cs.FreezeDays)*24*time.Hour + time.Second)
	r, err := settle.Run(ctx, time.Time{}, 0)
	if err != nil || r.Status != settlement.Completed {
		tb.Fatalf("settlement run: %v %+v", err, r)
	}
}
