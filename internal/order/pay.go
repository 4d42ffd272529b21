package order

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/commission"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/ledger"
	"github.com/fenxiao/fenxiao/internal/rollup"
)

// PayInput is a payment confirmation from a payment provider.
type PayInput struct {
	AmountFen int64  `json:"amount_fen" doc:"must equal the order's total_fen"`
	Provider  string `json:"provider" maxLength:"32" doc:"e.g. wechat, alipay, sandbox, offline"`
	Reference string `json:"reference" maxLength:"100" doc:"the provider's transaction id; one payment pays one order"`
}

var providerRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// Pay records the payment of an order: its reserved stock becomes sold and its commissions are
// computed from the snapshot and posted frozen. The same payment confirmed again (a retried
// callback) returns the order unchanged. Errors: Invalid (amount ≠ total, bad provider),
// NotFound, Conflict (already paid by another payment, cancelled, payment reused).
func (s *Service) Pay(ctx context.Context, id int64, in PayInput) (Order, error) {
	provider := strings.ToLower(strings.TrimSpace(in.Provider))
	ref := strings.TrimSpace(in.Reference)
	if !providerRE.MatchString(provider) {
		return Order{}, errs.Field("provider", "invalid_provider", "provider must be a short lowercase name such as wechat, alipay or offline")
	}
	if ref == "" {
		return Order{}, errs.Field("reference", "invalid_reference", "reference (the provider's transaction id) is required")
	}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		o, err := loadForUpdate(ctx, tx, id)
		if err != nil {
			return err
		}
		if o.Status != Created {
			if o.Payment != nil && o.Payment.Provider == provider && o.Payment.Reference == ref {
				return nil // a retried callback: already done
			}
			if o.Status == Cancelled {
				return errs.E(errs.Conflict, "order_cancelled", "order %s was cancelled (%s) and cannot be paid; refund the payment", o.OrderNo, o.CancelReason)
			}
			return errs.E(errs.Conflict, "already_paid", "order %s is already paid (%s %s)", o.OrderNo, o.Payment.Provider, o.Payment.Reference)
		}
		if in.AmountFen != o.TotalFen {
			return errs.Field("amount_fen", "amount_mismatch", "payment of ¥%s does not equal the order total ¥%s", yuan(in.AmountFen), yuan(o.TotalFen))
		}
		placed := funnelDistributor(o)
		note, err := s.confirmSnapshot(ctx, tx, &o)
		if err != nil {
			return err
		}
		if err := rollup.ReadZoneEarly(ctx, tx); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, qMarkPaid, id, provider, ref, tx.Now, o.DistributorID, o.DistributorLevel, o.ParentID, note)
		if db.IsDuplicate(err, "orders", "payment") {
			return errs.Field("reference", "payment_reused", "payment %s %s already paid another order", provider, ref)
		}
		if err != nil {
			return err
		}
		// The shared rows — stock, the distributors' and the merchant's balances, the rollups —
		// come last, in that order, so their locks are held only until the commit (stock.go);
		// the commissions, new rows nobody waits for, are written before them.
		cs, posting, err := s.accrue(ctx, tx, o)
		if err != nil {
			return err
		}
		if err := moveStock(ctx, tx, catalog.Consume, stockOf(o.Lines)); err != nil {
			return err
		}
		if posting != nil {
			if _, _, err := s.Ledger.Post(ctx, tx, *posting); err != nil {
				return err
			}
		}
		if err := addPaidFunnel(ctx, tx, o, placed); err != nil {
			return err
		}
		return rollup.AddOrder(ctx, tx, paidDelta(o, cs, tx.Now))
	})
	if err != nil {
		return Order{}, err
	}
	return s.Get(ctx, id)
}

// confirmSnapshot drops from the snapshot a distributor frozen since the order was placed: a
// frozen distributor earns no new commission (DESIGN.md §2). The snapshot is then final.
func (s *Service) confirmSnapshot(ctx context.Context, tx *db.Tx, o *Order) (any, error) {
	if o.DistributorID == nil {
		return nil, nil
	}
	var parent int64
	if o.ParentID != nil {
		parent = *o.ParentID
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, status FROM distributors WHERE id IN ($1, $2)`, *o.DistributorID, parent)
	if err != nil {
		return nil, fmt.Errorf("check distributors of order %d: %w", o.ID, err)
	}
	defer rows.Close()
	status := map[int64]string{}
	for rows.Next() {
		var id int64
		var st string
		if err := rows.Scan(&id, &st); err != nil {
			return nil, err
		}
		status[id] = st
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if status[*o.DistributorID] != "approved" {
		o.DistributorID, o.DistributorLevel, o.ParentID = nil, nil, nil
		return "distributor_not_approved_at_payment", nil
	}
	if o.ParentID != nil && status[parent] != "approved" {
		o.ParentID = nil
		return "parent_not_approved_at_payment", nil
	}
	return nil, nil
}

// snapshot turns an order into the commission engine's input.
func snapshot(o Order) commission.Order {
	co := commission.Order{DiscountFen: o.DiscountFen}
	for _, l := range o.Lines {
		co.Lines = append(co.Lines, commission.Line{UnitPriceFen: l.UnitPriceFen, Quantity: l.Quantity, Rules: l.Rules})
	}
	if o.DistributorID != nil {
		co.DistributorID, co.DistributorLevel = *o.DistributorID, *o.DistributorLevel
		if o.ParentID != nil {
			co.ParentID = *o.ParentID
		}
	}
	return co
}

// accrue writes the order's commissions and returns them with the posting that freezes them, in
// one ledger transaction, for the caller to post.
func (s *Service) accrue(ctx context.Context, tx *db.Tx, o Order) ([]commission.Commission, *ledger.Posting, error) {
	if o.DistributorID == nil {
		return nil, nil, nil
	}
	plan, err := s.Plans.Get(ctx, tx, o.PlanVersion)
	if err != nil {
		return nil, nil, err
	}
	cs, err := commission.Compute(snapshot(o), plan)
	if err != nil {
		return nil, nil, fmt.Errorf("compute commissions of order %s: %w", o.OrderNo, err)
	}
	if len(cs) == 0 {
		return nil, nil, nil
	}
	values := make([]string, 0, len(cs))
	args := make([]any, 0, len(cs)*12)
	perDistributor := map[int64]int64{}
	var order []int64
	var total int64
	for _, c := range cs {
		n := len(args)
		values = append(values, fmt.Sprintf("($%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,'frozen',$%d,$%d)", n+1, n+2, n+3, n+4, n+5, n+6, n+7, n+8, n+9, n+10, n+11))
		args = append(args, o.ID, o.Lines[c.LineIndex].ID, c.DistributorID, string(c.Role), c.BaseFen, c.RateBP, c.FixedFenPerUnit, c.Quantity, c.AmountFen, plan.Version, tx.Now)
		if _, ok := perDistributor[c.DistributorID]; !ok {
			order = append(order, c.DistributorID)
		}
		perDistributor[c.DistributorID] += c.AmountFen
		total += c.AmountFen
	}
	if _, err := tx.ExecContext(ctx, qInsertCommissions+strings.Join(values, ","), args...); err != nil {
		return nil, nil, fmt.Errorf("store commissions: %w", err)
	}
	entries := make([]ledger.Entry, 0, len(order)+1)
	for _, d := range order {
		entries = append(entries, ledger.Entry{OwnerID: d, Kind: ledger.Frozen, AmountFen: perDistributor[d]})
	}
	entries = append(entries, ledger.Entry{OwnerID: 0, Kind: ledger.CommissionExpense, AmountFen: -total})
	return cs, &ledger.Posting{
		Key: fmt.Sprintf("order:%d:paid", o.ID), Cause: "order_payment", CauseID: fmt.Sprint(o.ID),
		Memo: "commission on order " + o.OrderNo, Entries: entries,
	}, nil
}
