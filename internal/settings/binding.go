package settings

import (
	"context"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
)

// Binding modes (DESIGN.md §3): who keeps a customer once a distributor's link has bound them.
const (
	BindFirst     = "first"     // the first distributor keeps the customer while the binding is valid
	BindLast      = "last"      // each new click or referred order moves the customer
	BindPermanent = "permanent" // the first binding never moves and never expires
)

// MaxBindingDays bounds binding_days at about ten years; longer is what "permanent" is for.
const MaxBindingDays = 3650

// Binding is how customers are tied to the distributor who brought them.
type Binding struct {
	Mode string `json:"mode" enum:"first,last,permanent" doc:"first: the first distributor keeps the customer while the binding is valid; last: each new click moves the customer; permanent: never moves, never expires"`
	// BindingDays is how long a binding lasts from when it was made; 0 means it never expires.
	// Ignored in permanent mode.
	BindingDays int `json:"binding_days" minimum:"0" maximum:"3650" doc:"days a binding lasts; 0 = no expiry; ignored in permanent mode"`
	// SelfPurchase lets a distributor earn on their own purchases through their own link.
	SelfPurchase bool `json:"self_purchase" doc:"whether a distributor buying through their own link earns commission"`
}

// DefaultBinding is what a new shop starts with: the first distributor keeps a customer for 30 days.
func DefaultBinding() Binding {
	return Binding{Mode: BindFirst, BindingDays: 30, SelfPurchase: false}
}

// Validate reports the first wrong field.
func (b Binding) Validate() error {
	switch b.Mode {
	case BindFirst, BindLast, BindPermanent:
	default:
		return errs.Field("binding.mode", "invalid_binding_mode", "mode must be \"first\", \"last\" or \"permanent\", not %q", b.Mode)
	}
	if b.BindingDays < 0 || b.BindingDays > MaxBindingDays {
		return errs.Field("binding.binding_days", "invalid_binding_days",
			"binding_days must be between 0 (no expiry) and %d, not %d", MaxBindingDays, b.BindingDays)
	}
	return nil
}

const keyBinding = "binding"

// LoadBinding returns the binding settings, or the defaults when never saved.
func LoadBinding(ctx context.Context, q db.Querier) (Binding, error) {
	b := DefaultBinding()
	err := load(ctx, q, keyBinding, &b)
	return b, err
}

// SaveBinding validates and stores b inside tx, with an audit entry. Existing bindings keep their
// stored expiry and are judged by the new rules from the next click or order (permanent mode
// ignores the expiry).
func SaveBinding(ctx context.Context, tx *db.Tx, b Binding) error {
	if err := b.Validate(); err != nil {
		return err
	}
	before, err := LoadBinding(ctx, tx)
	if err != nil {
		return err
	}
	return save(ctx, tx, keyBinding, before, b)
}
