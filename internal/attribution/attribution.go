// Package attribution decides which distributor an order belongs to (DESIGN.md §3): a customer,
// known by phone, is bound to the distributor whose link or code brought them, and the binding
// mode (first, last, permanent), its expiry, freezing and the self-purchase switch decide who an
// order credits. The result is a snapshot for the order; later changes never alter it.
package attribution

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/identity"
)

// Service applies the attribution rules inside the caller's transaction (the order's, or a
// click's), so the binding and the order that relied on it commit together.
type Service struct{ DB *db.DB }

// Where an attribution came from.
const (
	SourceRef     = "ref"     // the order's own ref (or click cookie) named the credited distributor
	SourceBinding = "binding" // the customer's binding named it
	SourceNone    = "none"    // nobody is credited
)

// How a binding was made: by a referred order or by a click without an order.
const (
	BoundByRef   = "ref"
	BoundByClick = "click"
)

// Reasons why nobody was credited, or why a candidate was passed over or not bound.
const (
	ReasonNoRefNoBinding  = "no_ref_no_binding"
	ReasonBindingExpired  = "binding_expired"
	ReasonSelfPurchaseOff = "self_purchase_off"
	ReasonBindingLoop     = "binding_loop" // the ref was credited but binding to it would close a loop
	// A candidate distributor that is not approved: "distributor_" + its status.
	ReasonDistributorFrozen   = "distributor_frozen"
	ReasonDistributorPending  = "distributor_pending"
	ReasonDistributorRejected = "distributor_rejected"
	reasonDistributorPrefix   = "distributor_"
)

// Attribution is who an order credits: at most the distributor and its level-1 parent.
type Attribution struct {
	DistributorID    int64  `json:"distributor_id" doc:"0 = no distributor credited"`
	DistributorLevel int    `json:"distributor_level"`
	ParentID         int64  `json:"parent_id" doc:"level-1 parent that earns the override; 0 if none or it cannot earn"`
	CustomerID       int64  `json:"customer_id"`
	Source           string `json:"source" enum:"ref,binding,none"`
	Reason           string `json:"reason,omitempty" doc:"why nobody was credited, or why a candidate was passed over"`
}

// BindingRow is a customer's current binding.
type BindingRow struct {
	CustomerID    int64      `json:"customer_id"`
	DistributorID int64      `json:"distributor_id"`
	Source        string     `json:"source" enum:"ref,click"`
	BoundAt       time.Time  `json:"bound_at"`
	ExpiresAt     *time.Time `json:"expires_at" doc:"null = never expires"`
	UpdatedAt     time.Time  `json:"updated_at"`
}

// live reports whether the binding still holds at now; permanent bindings never expire.
func (b *BindingRow) live(now time.Time, permanent bool) bool {
	return permanent || b.ExpiresAt == nil || now.Before(*b.ExpiresAt)
}

// Event is one binding made or moved. FromDistributorID is 0 for a customer's first binding;
// it equals ToDistributorID when a binding to the same distributor was renewed.
type Event struct {
	ID                int64     `json:"id"`
	CustomerID        int64     `json:"customer_id"`
	FromDistributorID int64     `json:"from_distributor_id"`
	ToDistributorID   int64     `json:"to_distributor_id"`
	At                time.Time `json:"at"`
	Source            string    `json:"source" enum:"ref,click"`
}

// UpsertCustomer returns the id of the customer with phone (normalised by identity.NormalizePhone),
// creating the customer when new. name may be empty; it fills an empty stored name and never
// replaces one. Safe under concurrency: the phone's unique index decides. Errors: Invalid.
func (s *Service) UpsertCustomer(ctx context.Context, tx *db.Tx, phone, name string) (int64, error) {
	p, err := identity.NormalizePhone(phone)
	if err != nil {
		return 0, identity.AsField("phone", err)
	}
	n := ""
	if strings.TrimSpace(name) != "" {
		if n, err = identity.Name(name, 64); err != nil {
			return 0, identity.AsField("name", err)
		}
	}
	var id int64
	if err := tx.QueryRowContext(ctx, qUpsertCustomer, p, n, tx.Now).Scan(&id); err != nil {
		return 0, fmt.Errorf("store customer: %w", err)
	}
	return id, nil
}

// BindingOf returns the customer's current binding, expired or not, or nil when there is none.
func (s *Service) BindingOf(ctx context.Context, q db.Querier, customerID int64) (*BindingRow, error) {
	var b BindingRow
	err := q.QueryRowContext(ctx, qBinding, customerID).Scan(&b.CustomerID, &b.DistributorID, &b.Source,
		&b.BoundAt, &b.ExpiresAt, &b.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read binding of customer %d: %w", customerID, err)
	}
	b.BoundAt, b.UpdatedAt = b.BoundAt.UTC(), b.UpdatedAt.UTC()
	if b.ExpiresAt != nil {
		t := b.ExpiresAt.UTC()
		b.ExpiresAt = &t
	}
	return &b, nil
}

// Events returns the customer's binding history, oldest first.
func (s *Service) Events(ctx context.Context, q db.Querier, customerID int64) ([]Event, error) {
	rows, err := q.QueryContext(ctx, qEvents, customerID)
	if err != nil {
		return nil, fmt.Errorf("list binding events of customer %d: %w", customerID, err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		if err := rows.Scan(&e.ID, &e.CustomerID, &e.FromDistributorID, &e.ToDistributorID, &e.At, &e.Source); err != nil {
			return nil, fmt.Errorf("read binding event: %w", err)
		}
		e.At = e.At.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}
