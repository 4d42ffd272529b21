package order

import (
	"context"
	"time"

	"github.com/fenxiao/fenxiao/internal/commission"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/rollup"
)

// What payments and refunds add to the report rollups (package rollup), in their transaction;
// placing and completing an order add to the funnel (create.go, fulfil.go).

// funnelDistributor is the distributor the funnel counts o under: its snapshot's, 0 for none.
func funnelDistributor(o Order) int64 {
	if o.DistributorID == nil {
		return 0
	}
	return *o.DistributorID
}

// addPaidFunnel counts o paid in the funnel. A payment that dropped the distributor placed from
// the snapshot (frozen since) moves the order to the new one, as the funnel reads the order's
// distributor.
func addPaidFunnel(ctx context.Context, tx *db.Tx, o Order, placed int64) error {
	now := funnelDistributor(o)
	if now != placed {
		if err := rollup.AddFunnel(ctx, tx, rollup.FunnelDelta{CreatedAt: o.CreatedAt, DistributorID: placed, Orders: -1}); err != nil {
			return err
		}
		return rollup.AddFunnel(ctx, tx, rollup.FunnelDelta{CreatedAt: o.CreatedAt, DistributorID: now, Orders: 1, Paid: 1})
	}
	return rollup.AddFunnel(ctx, tx, rollup.FunnelDelta{CreatedAt: o.CreatedAt, DistributorID: now, Paid: 1})
}

// paidDelta is a payment: every line's units and base, and the commissions just accrued.
func paidDelta(o Order, cs []commission.Commission, paidAt time.Time) rollup.OrderDelta {
	d := orderDelta(o, paidAt)
	d.Paid = true
	d.Lines = make([]rollup.LineDelta, len(o.Lines))
	for i, l := range o.Lines {
		d.Lines[i] = rollup.LineDelta{ProductID: l.ProductID, Units: l.Quantity, SalesFen: l.BaseFen}
	}
	for _, c := range cs {
		if c.Role == commission.RoleDirect {
			d.Lines[c.LineIndex].DirectFen += c.AmountFen
		} else {
			d.Lines[c.LineIndex].OverrideFen += c.AmountFen
		}
	}
	return d
}

// reversals are the commission a refund reversed, by order line.
type reversals map[int64]*[2]int64 // line id → direct, override

func (r reversals) add(lineID int64, role string, fen int64) {
	v := r[lineID]
	if v == nil {
		v = &[2]int64{}
		r[lineID] = v
	}
	if role == string(commission.RoleDirect) {
		v[0] += fen
	} else {
		v[1] += fen
	}
}

// refundDelta is a refund, added to the cohort of the order's payment day.
func refundDelta(o Order, parts []refundPart, rev reversals) rollup.OrderDelta {
	var paidAt time.Time
	if o.PaidAt != nil {
		paidAt = *o.PaidAt
	}
	d := orderDelta(o, paidAt)
	for _, p := range parts {
		l := o.Lines[p.idx]
		ld := rollup.LineDelta{ProductID: l.ProductID, RefundedUnits: p.qty, RefundedFen: p.amountFen}
		if v := rev[l.ID]; v != nil {
			ld.DirectReversedFen, ld.OverrideReversedFen = v[0], v[1]
		}
		d.Lines = append(d.Lines, ld)
	}
	return d
}

func orderDelta(o Order, paidAt time.Time) rollup.OrderDelta {
	d := rollup.OrderDelta{PaidAt: paidAt, CustomerID: o.CustomerID}
	if o.DistributorID != nil {
		d.DistributorID = *o.DistributorID
	}
	if o.ParentID != nil {
		d.ParentID = *o.ParentID
	}
	if o.DistributorLevel != nil {
		d.Level = int64(*o.DistributorLevel)
	}
	return d
}
