package order

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/fenxiao/fenxiao/internal/audit"
	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/commission"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/ledger"
	"github.com/fenxiao/fenxiao/internal/rollup"
)

// RefundInput returns some units of some lines of a paid order.
type RefundInput struct {
	Lines       []RefundLineInput `json:"lines" minItems:"1" maxItems:"50"`
	ShippingFen int64             `json:"shipping_fen,omitempty" doc:"shipping to refund as well; never part of commission"`
	Reason      string            `json:"reason" maxLength:"2000"`
	Restock     bool              `json:"restock,omitempty" doc:"put the returned units back on sale"`
	IdemKey     string            `json:"-"`
}

// RefundLineInput is a quantity of one order line.
type RefundLineInput struct {
	LineID   int64 `json:"line_id" minimum:"1"`
	Quantity int64 `json:"quantity" minimum:"1"`
}

// Refund refunds units of lines. The money refunded for a line is the drop in its remaining base
// (DESIGN.md §4), so a line refunded in several steps returns exactly its base. Each commission on
// an affected line is recomputed on the remaining base and the difference reversed: from frozen
// while unsettled, from available (a clawback, which may go below zero) once settled.
// Errors: Invalid (more than was bought, unknown line), NotFound, Conflict (not paid).
func (s *Service) Refund(ctx context.Context, id int64, in RefundInput) (Order, error) {
	reason := strings.TrimSpace(in.Reason)
	if reason == "" || utf8.RuneCountInString(reason) > 500 {
		return Order{}, errs.Field("reason", "invalid_reason", "a refund needs a reason of at most 500 characters")
	}
	if len(in.Lines) == 0 || len(in.Lines) > maxLines {
		return Order{}, errs.Field("lines", "invalid_lines", "a refund names 1 to %d lines", maxLines)
	}
	if in.ShippingFen < 0 {
		return Order{}, errs.Field("shipping_fen", "invalid_shipping", "shipping_fen cannot be negative")
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		if in.IdemKey != "" {
			var orderID int64
			if tx.QueryRowContext(ctx, qRefundByKey, in.IdemKey).Scan(&orderID) == nil {
				if orderID != id {
					return errs.E(errs.Conflict, "idempotency_key_reused", "idempotency key %q was used for another order's refund", in.IdemKey)
				}
				return nil // a retry: the refund exists
			}
		}
		o, err := loadForUpdate(ctx, tx, id)
		if err != nil {
			return err
		}
		if o.Status == Created || o.Status == Cancelled {
			return errs.E(errs.Conflict, "not_paid", "order %s is %s: only paid orders can be refunded", o.OrderNo, o.Status)
		}
		return s.refund(ctx, tx, o, in, reason)
	})
	if err != nil {
		return Order{}, err
	}
	return s.Get(ctx, id)
}

type refundPart struct {
	idx       int // index in o.Lines
	qty       int64
	amountFen int64
}

func (s *Service) refund(ctx context.Context, tx *db.Tx, o Order, in RefundInput, reason string) error {
	byID := map[int64]int{}
	for i, l := range o.Lines {
		byID[l.ID] = i
	}
	var parts []refundPart
	var amount int64
	seen := map[int64]bool{}
	for i, rl := range in.Lines {
		f := fmt.Sprintf("lines[%d]", i)
		idx, ok := byID[rl.LineID]
		if !ok {
			return errs.Field(f+".line_id", "line_not_found", "line %d is not part of order %s", rl.LineID, o.OrderNo)
		}
		if seen[rl.LineID] {
			return errs.Field(f+".line_id", "duplicate_line", "line %d appears twice in one refund", rl.LineID)
		}
		seen[rl.LineID] = true
		l := o.Lines[idx]
		left := l.Quantity - l.RefundedQty
		if rl.Quantity <= 0 || rl.Quantity > left {
			return errs.Field(f+".quantity", "refund_exceeds_quantity", "%s %s: %d bought, %d already refunded, so at most %d can be refunded, not %d",
				l.ProductName, l.Spec, l.Quantity, l.RefundedQty, left, rl.Quantity)
		}
		m := commission.RemainingBase(l.BaseFen, l.Quantity, left) - commission.RemainingBase(l.BaseFen, l.Quantity, left-rl.Quantity)
		parts = append(parts, refundPart{idx: idx, qty: rl.Quantity, amountFen: m})
		amount += m
	}
	amount += in.ShippingFen
	if o.RefundedFen+amount > o.TotalFen {
		return errs.Field("shipping_fen", "refund_exceeds_payment", "refunds would total ¥%s, more than the ¥%s paid", yuan(o.RefundedFen+amount), yuan(o.TotalFen))
	}
	var refundID int64
	if err := tx.QueryRowContext(ctx, qInsertRefund, o.ID, nullStr(in.IdemKey), amount, reason, in.Restock, tx.Now).Scan(&refundID); err != nil {
		return fmt.Errorf("store refund: %w", err)
	}
	var stock []stockLine
	for _, p := range parts {
		l := o.Lines[p.idx]
		if _, err := tx.ExecContext(ctx, qInsertRefundLine, refundID, l.ID, p.qty, p.amountFen); err != nil {
			return fmt.Errorf("store refund line: %w", err)
		}
		res, err := tx.ExecContext(ctx, qRefundLineQty, l.ID, p.qty)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "refund_exceeds_quantity", "line %d was refunded concurrently; reload the order", l.ID)
		}
		stock = append(stock, stockLine{l.SKUID, p.qty})
	}
	move := catalog.Unsell
	if in.Restock {
		move = catalog.Restock
	}
	if err := moveStock(ctx, tx, move, stock); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, qOrderRefunded, o.ID, amount, tx.Now); err != nil {
		return err
	}
	rev, err := s.reverse(ctx, tx, o, parts, refundID)
	if err != nil {
		return err
	}
	if err := rollup.AddOrder(ctx, tx, refundDelta(o, parts, rev)); err != nil {
		return err
	}
	return audit.Record(ctx, tx, audit.Entry{Action: "order.refund", Entity: "order", EntityID: fmt.Sprint(o.ID), Reason: reason,
		After: map[string]any{"refund_id": refundID, "amount_fen": amount, "restock": in.Restock}})
}

// reverse recomputes the commissions of refunded lines and posts the differences. It returns
// what it reversed, by line and role.
func (s *Service) reverse(ctx context.Context, tx *db.Tx, o Order, parts []refundPart, refundID int64) (reversals, error) {
	// Lock the commissions (PostgreSQL) so a settlement cannot make one available between this read
	// and the reversal: a reversal from frozen must not race a move to available.
	existing, err := queryCommissions(ctx, tx, qOrderCommissions+tx.ForUpdate(), o.ID)
	if err != nil || len(existing) == 0 {
		return nil, err
	}
	plan, err := s.Plans.Get(ctx, tx, o.PlanVersion)
	if err != nil {
		return nil, err
	}
	rev := reversals{}
	snap := snapshot(o)
	var entries []ledger.Entry
	var total int64
	clawback := false
	for _, p := range parts {
		l := o.Lines[p.idx]
		remaining := l.Quantity - l.RefundedQty - p.qty
		fresh, err := commission.ForLine(snap, p.idx, l.BaseFen, remaining, plan)
		if err != nil {
			return nil, fmt.Errorf("recompute commission of line %d: %w", l.ID, err)
		}
		want := map[commission.Role]int64{}
		for _, c := range fresh {
			want[c.Role] = c.AmountFen
		}
		for _, c := range existing {
			if c.OrderLineID != l.ID {
				continue
			}
			r := c.NetFen - want[commission.Role(c.Role)]
			if r <= 0 {
				continue
			}
			if _, err := tx.ExecContext(ctx, qReverse, c.ID, r); err != nil {
				return nil, fmt.Errorf("reverse commission %d: %w", c.ID, err)
			}
			rev.add(c.OrderLineID, c.Role, r)
			kind := ledger.Frozen
			if c.Status == "available" {
				kind, clawback = ledger.Available, true
			}
			entries = append(entries, ledger.Entry{OwnerID: c.DistributorID, Kind: kind, AmountFen: -r})
			total += r
		}
	}
	if total == 0 {
		return rev, nil
	}
	cause := "refund"
	if clawback {
		cause = "clawback"
	}
	entries = append(entries, ledger.Entry{OwnerID: 0, Kind: ledger.CommissionExpense, AmountFen: total})
	_, _, err = s.Ledger.Post(ctx, tx, ledger.Posting{
		Key: fmt.Sprintf("refund:%d", refundID), Cause: cause, CauseID: fmt.Sprint(refundID),
		Memo: "commission reversed by a refund of order " + o.OrderNo, Entries: entries,
	})
	return rev, err
}
