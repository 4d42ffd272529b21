package order

import (
	"context"
	"fmt"

	"github.com/fenxiao/fenxiao/internal/commission"
)

// VerifyCommissions recomputes, for every paid order, what the rules give on its snapshot and
// remaining quantities, and reports each commission that differs from what is stored
// (DESIGN.md §6: every order's commissions equal the rules applied to its snapshot). It reads in
// pages so it runs on large databases in bounded memory.
func (s *Service) VerifyCommissions(ctx context.Context, limit int) ([]string, error) {
	var out []string
	var after int64
	for {
		rows, err := s.DB.R.QueryContext(ctx, `SELECT id FROM orders WHERE id > $1 AND paid_at IS NOT NULL ORDER BY id LIMIT 500`, after)
		if err != nil {
			return out, err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return out, err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if len(ids) == 0 {
			return out, nil
		}
		for _, id := range ids {
			after = id
			diffs, err := s.verifyOrder(ctx, id)
			if err != nil {
				return out, err
			}
			out = append(out, diffs...)
			if len(out) >= limit {
				return out, nil
			}
		}
	}
}

func (s *Service) verifyOrder(ctx context.Context, id int64) ([]string, error) {
	o, err := s.load(ctx, s.DB.R, id, true)
	if err != nil {
		return nil, err
	}
	type key struct {
		line int64
		role string
	}
	want := map[key]int64{}
	if o.DistributorID != nil {
		plan, err := s.Plans.Get(ctx, s.DB.R, o.PlanVersion)
		if err != nil {
			return nil, err
		}
		snap := snapshot(o)
		for i, l := range o.Lines {
			cs, err := commission.ForLine(snap, i, l.BaseFen, l.Quantity-l.RefundedQty, plan)
			if err != nil {
				return []string{fmt.Sprintf("order %s line %d: the rules cannot be applied: %v", o.OrderNo, l.LineNo, err)}, nil
			}
			for _, c := range cs {
				if c.DistributorID != want2(c, o) {
					return []string{fmt.Sprintf("order %s: commission to an unexpected distributor %d", o.OrderNo, c.DistributorID)}, nil
				}
				want[key{l.ID, string(c.Role)}] = c.AmountFen
			}
		}
	}
	var out []string
	got := map[key]bool{}
	for _, c := range o.Commissions {
		k := key{c.OrderLineID, c.Role}
		got[k] = true
		if c.NetFen != want[k] {
			out = append(out, fmt.Sprintf("order %s line %d %s commission to distributor %d is %d fen net; the rules give %d",
				o.OrderNo, c.OrderLineID, c.Role, c.DistributorID, c.NetFen, want[k]))
		}
	}
	for k, v := range want {
		if !got[k] && v != 0 {
			// A commission recomputed to a positive amount must exist unless it was never accrued
			// because the line was fully refunded before... which cannot happen: accrual is at payment.
			out = append(out, fmt.Sprintf("order %s line %d: missing %s commission of %d fen", o.OrderNo, k.line, k.role, v))
		}
	}
	return out, nil
}

// want2 is the distributor a computed commission must go to: the snapshot's, never a third.
func want2(c commission.Commission, o Order) int64 {
	if c.Role == commission.RoleOverride && o.ParentID != nil {
		return *o.ParentID
	}
	if o.DistributorID != nil && c.Role == commission.RoleDirect {
		return *o.DistributorID
	}
	return -1
}
