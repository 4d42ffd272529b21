package order

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
)

// Get returns an order with its lines, payment, shipment, refunds and commissions. Errors: NotFound.
func (s *Service) Get(ctx context.Context, id int64) (Order, error) {
	return s.load(ctx, s.DB.R, id, true)
}

func (s *Service) load(ctx context.Context, q db.Querier, id int64, full bool) (Order, error) {
	o, err := scanOrder(q.QueryRowContext(ctx, qOrder, id))
	if err != nil {
		return o, err
	}
	if o.Lines, err = loadLines(ctx, q, id); err != nil {
		return o, err
	}
	if !full {
		return o, nil
	}
	if o.Refunds, err = loadRefunds(ctx, q, id); err != nil {
		return o, err
	}
	o.Commissions, err = queryCommissions(ctx, q, qOrderCommissions, id)
	return o, err
}

// loadForUpdate reads an order and its lines inside tx, locking the order row on PostgreSQL.
func loadForUpdate(ctx context.Context, tx *db.Tx, id int64) (Order, error) {
	o, err := scanOrder(tx.QueryRowContext(ctx, qOrder+tx.ForUpdate(), id))
	if err != nil {
		return o, err
	}
	o.Lines, err = loadLines(ctx, tx, id)
	return o, err
}

func scanOrder(row interface{ Scan(...any) error }) (Order, error) {
	var o Order
	var ext, note, provider, ref, carrier, tracking, cancel sql.NullString
	var shippedAt *time.Time
	var status string
	var level *int64
	err := row.Scan(&o.ID, &o.OrderNo, &ext, &o.CustomerID, &o.CustomerName, &o.CustomerPhone, &o.ShipAddress, &status,
		&o.ItemsFen, &o.DiscountFen, &o.ShippingFen, &o.TotalFen, &o.RefundedFen, &o.DistributorID, &level, &o.ParentID,
		&o.PlanVersion, &o.Attribution, &note, &provider, &ref, &carrier, &tracking, &cancel,
		&o.CreatedAt, &o.UpdatedAt, &o.ExpiresAt, &o.PaidAt, &shippedAt, &o.DeliveredAt, &o.CompletedAt, &o.CancelledAt)
	if errors.Is(err, sql.ErrNoRows) {
		return o, errs.E(errs.NotFound, "order_not_found", "order not found")
	}
	if err != nil {
		return o, fmt.Errorf("read order: %w", err)
	}
	o.Status = Status(status)
	o.ExternalID, o.AttributionNote, o.CancelReason = ext.String, note.String, cancel.String
	if level != nil {
		l := int(*level)
		o.DistributorLevel = &l
	}
	if provider.Valid && o.PaidAt != nil {
		o.Payment = &Payment{Provider: provider.String, Reference: ref.String, AmountFen: o.TotalFen, PaidAt: o.PaidAt.UTC()}
	}
	if carrier.Valid && shippedAt != nil {
		o.Shipment = &Shipment{Carrier: carrier.String, TrackingNo: tracking.String, ShippedAt: shippedAt.UTC()}
	}
	return o, nil
}

func loadLines(ctx context.Context, q db.Querier, orderID int64) ([]Line, error) {
	rows, err := q.QueryContext(ctx, qLines, orderID)
	if err != nil {
		return nil, fmt.Errorf("read order lines: %w", err)
	}
	defer rows.Close()
	var out []Line
	for rows.Next() {
		var l Line
		var rules string
		if err := rows.Scan(&l.ID, &l.LineNo, &l.ProductID, &l.SKUID, &l.ProductName, &l.Spec, &l.UnitPriceFen, &l.Quantity,
			&l.AmountFen, &l.DiscountFen, &l.BaseFen, &l.RefundedQty, &rules); err != nil {
			return nil, fmt.Errorf("read order line: %w", err)
		}
		if err := json.Unmarshal([]byte(rules), &l.Rules); err != nil {
			return nil, fmt.Errorf("decode rules of order line %d: %w", l.ID, err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

func loadRefunds(ctx context.Context, q db.Querier, orderID int64) ([]Refund, error) {
	rows, err := q.QueryContext(ctx, qRefunds, orderID)
	if err != nil {
		return nil, fmt.Errorf("read refunds: %w", err)
	}
	var out []Refund
	idx := map[int64]int{}
	for rows.Next() {
		var r Refund
		if err := rows.Scan(&r.ID, &r.AmountFen, &r.Reason, &r.Restock, &r.CreatedAt); err != nil {
			rows.Close()
			return nil, err
		}
		idx[r.ID] = len(out)
		out = append(out, r)
	}
	rows.Close()
	if len(out) == 0 {
		return nil, rows.Err()
	}
	lrows, err := q.QueryContext(ctx, qRefundLine, orderID)
	if err != nil {
		return nil, fmt.Errorf("read refund lines: %w", err)
	}
	defer lrows.Close()
	for lrows.Next() {
		var refundID int64
		var l RefundLine
		if err := lrows.Scan(&refundID, &l.OrderLineID, &l.Quantity, &l.AmountFen); err != nil {
			return nil, err
		}
		i := idx[refundID]
		out[i].Lines = append(out[i].Lines, l)
	}
	return out, lrows.Err()
}

func queryCommissions(ctx context.Context, q db.Querier, query string, args ...any) ([]Commission, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("read commissions: %w", err)
	}
	defer rows.Close()
	var out []Commission
	for rows.Next() {
		var c Commission
		if err := rows.Scan(&c.ID, &c.OrderID, &c.OrderLineID, &c.DistributorID, &c.Role, &c.BaseFen, &c.RateBP, &c.FixedFenPerUnit,
			&c.Quantity, &c.AmountFen, &c.ReversedFen, &c.Status, &c.PlanVersion, &c.CreatedAt, &c.SettleableAt, &c.SettledAt); err != nil {
			return nil, fmt.Errorf("read commission: %w", err)
		}
		c.NetFen = c.AmountFen - c.ReversedFen
		out = append(out, c)
	}
	return out, rows.Err()
}
