package rollup_test

import (
	"context"
	"testing"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/db/dbtest"
	"github.com/fenxiao/fenxiao/internal/rollup"
)

// BenchmarkPaidOrder is what the rollups add to a payment's transaction: a 3-line order of a
// level 2 (3 products, a new customer) and its 3-entry accrual posting ("with"), and the
// order's funnel step as well ("with funnel", what a payment writes), against the same
// transaction without them. BenchmarkPlacedOrder is what they add to placing an order (its
// funnel count).
//
//	go test ./internal/rollup -run '^$' -bench 'PaidOrder|PlacedOrder'
func BenchmarkPaidOrder(b *testing.B) {
	for _, v := range []string{"without", "with", "with funnel"} {
		b.Run(v, func(b *testing.B) {
			benchTx(b, func(ctx context.Context, tx *db.Tx, i int64) error {
				if v == "without" {
					return nil
				}
				if v == "with funnel" {
					if err := rollup.AddFunnel(ctx, tx, rollup.FunnelDelta{CreatedAt: tx.Now, DistributorID: 2, Paid: 1}); err != nil {
						return err
					}
				}
				if err := rollup.AddOrder(ctx, tx, rollup.OrderDelta{PaidAt: tx.Now, DistributorID: 2, ParentID: 1, Level: 2, CustomerID: i, Paid: true,
					Lines: []rollup.LineDelta{{ProductID: 1, Units: 1, SalesFen: 1990, DirectFen: 159, OverrideFen: 59},
						{ProductID: 2, Units: 2, SalesFen: 4180, DirectFen: 334, OverrideFen: 125},
						{ProductID: 3, Units: 3, SalesFen: 6570, DirectFen: 525, OverrideFen: 197}}}); err != nil {
					return err
				}
				return rollup.AddLedger(ctx, tx, "order_payment", []rollup.LedgerEntry{{OwnerID: 2, Kind: "frozen", AmountFen: 1018},
					{OwnerID: 1, Kind: "frozen", AmountFen: 381}, {OwnerID: 0, Kind: "commission_expense", AmountFen: -1399}})
			})
		})
	}
}

func BenchmarkPlacedOrder(b *testing.B) {
	for _, v := range []string{"without", "with funnel"} {
		b.Run(v, func(b *testing.B) {
			benchTx(b, func(ctx context.Context, tx *db.Tx, i int64) error {
				if v == "without" {
					return nil
				}
				return rollup.AddFunnel(ctx, tx, rollup.FunnelDelta{CreatedAt: tx.Now, DistributorID: 2, Orders: 1})
			})
		})
	}
}

// benchTx times transactions that write one row (so each commits something) plus what add adds.
func benchTx(b *testing.B, add func(context.Context, *db.Tx, int64) error) {
	d, _ := dbtest.Open(b)
	ctx := context.Background()
	i := int64(0)
	for b.Loop() {
		i++
		err := d.InTx(ctx, func(tx *db.Tx) error {
			if _, err := tx.ExecContext(ctx, `UPDATE rollup_state SET rebuilt_at = rebuilt_at WHERE id = 1`); err != nil {
				return err
			}
			return add(ctx, tx, i)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
