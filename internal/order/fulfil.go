package order

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fenxiao/fenxiao/internal/audit"
	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/rollup"
	"github.com/fenxiao/fenxiao/internal/settings"
)

// The forward path of DESIGN.md §5: paid → shipped → delivered → completed; created → cancelled.

// ShipInput names the parcel.
type ShipInput struct {
	Carrier    string `json:"carrier" maxLength:"50" doc:"e.g. 顺丰速运, SF, 中通"`
	TrackingNo string `json:"tracking_no" maxLength:"50"`
}

// Ship records the parcel of a paid order. Errors: Invalid, NotFound, Conflict.
func (s *Service) Ship(ctx context.Context, id int64, in ShipInput) (Order, error) {
	carrier, tracking := strings.TrimSpace(in.Carrier), strings.TrimSpace(in.TrackingNo)
	if carrier == "" || utf8.RuneCountInString(carrier) > 50 {
		return Order{}, errs.Field("carrier", "invalid_carrier", "carrier is required (at most 50 characters)")
	}
	if tracking == "" || len(tracking) > 50 || strings.ContainsAny(tracking, " \t\r\n") {
		return Order{}, errs.Field("tracking_no", "invalid_tracking_no", "tracking_no is required: the carrier's waybill number without spaces")
	}
	return s.step(ctx, id, "ship", []Status{Paid}, func(tx *db.Tx, o Order) error {
		_, err := tx.ExecContext(ctx, qShip, id, carrier, tracking, tx.Now)
		return err
	})
}

// Deliver marks a shipped order delivered. Errors: NotFound, Conflict.
func (s *Service) Deliver(ctx context.Context, id int64) (Order, error) {
	return s.step(ctx, id, "deliver", []Status{Shipped}, func(tx *db.Tx, o Order) error {
		_, err := tx.ExecContext(ctx, qDeliver, id, tx.Now)
		return err
	})
}

// Complete confirms receipt: the refund window starts, and the order's commissions become
// settleable freeze_days later. Errors: NotFound, Conflict.
func (s *Service) Complete(ctx context.Context, id int64) (Order, error) {
	return s.step(ctx, id, "complete", []Status{Shipped, Delivered}, func(tx *db.Tx, o Order) error {
		cs, err := settings.LoadCommission(ctx, tx)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, qComplete, id, tx.Now); err != nil {
			return err
		}
		if err := rollup.AddFunnel(ctx, tx, rollup.FunnelDelta{CreatedAt: o.CreatedAt, DistributorID: funnelDistributor(o), Completed: 1}); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, qSettleable, id, tx.Now.Add(time.Duration(cs.FreezeDays)*24*time.Hour))
		return err
	})
}

// Cancel cancels an unpaid order and releases its stock. Errors: NotFound, Conflict.
func (s *Service) Cancel(ctx context.Context, id int64, reason string) (Order, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		reason = "cancelled by request"
	}
	if utf8.RuneCountInString(reason) > 500 {
		return Order{}, errs.Field("reason", "invalid_reason", "reason must be at most 500 characters")
	}
	return s.step(ctx, id, "cancel", []Status{Created}, func(tx *db.Tx, o Order) error {
		if err := moveStock(ctx, tx, catalog.Release, stockOf(o.Lines)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, qCancel, id, reason, tx.Now)
		return err
	})
}

func (s *Service) step(ctx context.Context, id int64, action string, from []Status, apply func(*db.Tx, Order) error) (Order, error) {
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		o, err := loadForUpdate(ctx, tx, id)
		if err != nil {
			return err
		}
		ok := false
		for _, f := range from {
			ok = ok || o.Status == f
		}
		if !ok {
			return errs.E(errs.Conflict, "invalid_transition", "cannot %s order %s: it is %s (only %s orders can be)", action, o.OrderNo, o.Status, joinStatus(from))
		}
		if err := apply(tx, o); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "order." + action, Entity: "order", EntityID: fmt.Sprint(id),
			Before: map[string]any{"status": o.Status}, After: map[string]any{"status": next[action]}})
	})
	if err != nil {
		return Order{}, err
	}
	return s.Get(ctx, id)
}

var next = map[string]Status{"ship": Shipped, "deliver": Delivered, "complete": Completed, "cancel": Cancelled}

func joinStatus(ss []Status) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = string(s)
	}
	return strings.Join(parts, " or ")
}

// CancelExpired cancels up to limit unpaid orders past their expiry; each in its own short
// transaction, so it is safe to run on several nodes (a second cancel of one order is refused
// by the state machine and skipped). It returns how many it cancelled.
func (s *Service) CancelExpired(ctx context.Context, limit int) (int, error) {
	ids, err := s.ids(ctx, qExpired, s.DB.Now(), limit)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		_, err := s.Cancel(audit.WithActor(ctx, "system:unpaid-timeout"), id, "not paid in time")
		if errs.Is(err, "invalid_transition") {
			continue
		}
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// AutoComplete completes delivered orders the customer did not confirm within auto_complete_days.
func (s *Service) AutoComplete(ctx context.Context, limit int) (int, error) {
	cs, err := settings.LoadCommission(ctx, s.DB.R)
	if err != nil {
		return 0, err
	}
	ids, err := s.ids(ctx, qAutoCompletes, s.DB.Now().Add(-time.Duration(cs.AutoCompleteDays)*24*time.Hour), limit)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		_, err := s.Complete(audit.WithActor(ctx, "system:auto-complete"), id)
		if errs.Is(err, "invalid_transition") {
			continue
		}
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func (s *Service) ids(ctx context.Context, q string, at time.Time, limit int) ([]int64, error) {
	rows, err := s.DB.R.QueryContext(ctx, q, at, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
