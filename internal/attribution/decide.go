package attribution

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/network"
	"github.com/fenxiao/fenxiao/internal/settings"
)

// Attribute decides, inside the order's transaction, who an order from the customer credits, and
// moves the binding as the binding mode says. ref is a distributor code from the order or the click
// cookie and may be empty. The order goes on whatever the outcome; only a ref naming no distributor
// at all is refused, since it is a broken link or a typo the customer can fix.
//
// The rules, in the order they apply:
//   - A ref counts only when its distributor is approved; otherwise it is passed over (Reason
//     distributor_frozen, distributor_pending or distributor_rejected).
//   - A binding is live until it expires (never in permanent mode). An expired binding credits
//     nobody and is replaced by the next ref.
//   - first: a live binding keeps the customer and takes the order; a ref binds only when there is
//     no live binding. last: a ref always moves the binding and takes the order; without one the
//     binding does. permanent: the first binding never moves.
//   - A frozen distributor's live binding credits nobody but is kept, so it credits again once the
//     distributor is unfrozen; meanwhile an approved ref may take the order without moving it.
//   - A customer is never bound to their own distributor account, and a binding never closes a
//     loop (two distributors bound, as customers, to each other); the ref still takes the order.
//   - A distributor's own purchase credits them only when self_purchase is on.
//   - A level-2's parent earns the override only while approved.
//
// Errors: Invalid (unknown_ref), NotFound (customer_not_found).
func (s *Service) Attribute(ctx context.Context, tx *db.Tx, customerID int64, ref string) (Attribution, error) {
	return s.decide(ctx, tx, customerID, ref, BoundByRef)
}

// Bind records the binding a click makes once the customer is known, by the same rules as
// Attribute, without an order. Errors: Invalid (ref_required, unknown_ref), NotFound.
func (s *Service) Bind(ctx context.Context, tx *db.Tx, customerID int64, ref string) error {
	if strings.TrimSpace(ref) == "" {
		return errs.Field("ref", "ref_required", "a click must name the distributor code of the link")
	}
	_, err := s.decide(ctx, tx, customerID, ref, BoundByClick)
	return err
}

// candidate is a distributor who might be credited or bound, with what crediting needs.
type candidate struct {
	id, parentID         int64
	phone                string
	level                int
	status, parentStatus network.Status
}

func (c *candidate) approved() bool { return c.status == network.Approved }

func (s *Service) decide(ctx context.Context, tx *db.Tx, customerID int64, ref, how string) (Attribution, error) {
	cfg, err := settings.LoadBinding(ctx, tx)
	if err != nil {
		return Attribution{}, err
	}
	var phone string
	err = tx.QueryRowContext(ctx, qCustomerPhone+tx.ForUpdate(), customerID).Scan(&phone)
	if errors.Is(err, sql.ErrNoRows) {
		return Attribution{}, errs.E(errs.NotFound, "customer_not_found", "customer %d not found", customerID)
	}
	if err != nil {
		return Attribution{}, fmt.Errorf("read customer %d: %w", customerID, err)
	}
	var fromRef *candidate
	if code := strings.ToUpper(strings.TrimSpace(ref)); code != "" {
		if fromRef, err = findCandidate(ctx, tx, qCandidateByCode, code); err != nil {
			return Attribution{}, err
		}
		if fromRef == nil {
			return Attribution{}, errs.Field("ref", "unknown_ref", "no distributor has the code %s; check the link or code", code)
		}
	}

	out := Attribution{CustomerID: customerID, Source: SourceNone}
	note := func(reason string) { // the first reason is the one that matters most
		if out.Reason == "" {
			out.Reason = reason
		}
	}
	permanent := cfg.Mode == settings.BindPermanent
	old, err := s.BindingOf(ctx, tx, customerID)
	if err != nil {
		return Attribution{}, err
	}
	var bound *candidate // the live binding's distributor, approved or not
	if old != nil {
		if old.live(tx.Now, permanent) {
			if bound, err = findCandidate(ctx, tx, qCandidateByID, old.DistributorID); err != nil {
				return Attribution{}, err
			}
		} else {
			note(ReasonBindingExpired)
		}
	}

	// Does the ref's distributor become the binding? Never for a customer's own distributor account.
	if fromRef != nil && fromRef.approved() && fromRef.phone != phone {
		move := false
		switch cfg.Mode {
		case settings.BindFirst:
			move = bound == nil
		case settings.BindLast:
			move = true
		case settings.BindPermanent:
			move = old == nil
		}
		if move {
			loop, err := closesLoop(ctx, tx, phone, fromRef, permanent)
			if err != nil {
				return Attribution{}, err
			}
			if loop {
				note(ReasonBindingLoop)
			} else {
				if err := bind(ctx, tx, cfg, customerID, old, fromRef.id, how); err != nil {
					return Attribution{}, err
				}
				bound = nil // the order now credits through its ref, which made the binding
			}
		}
	}

	// Who takes the order: first and permanent ask the binding before the ref, last the ref first.
	// A candidate that cannot earn is passed over with its reason, and the next one asked.
	type option struct {
		c      *candidate
		source string
	}
	options := []option{{bound, SourceBinding}, {fromRef, SourceRef}}
	if cfg.Mode == settings.BindLast {
		options[0], options[1] = options[1], options[0]
	}
	for _, o := range options {
		c := o.c
		switch {
		case c == nil:
			continue
		case !c.approved():
			note(reasonDistributorPrefix + string(c.status))
			continue
		case c.phone == phone && !cfg.SelfPurchase:
			note(ReasonSelfPurchaseOff)
			continue
		}
		out.DistributorID, out.DistributorLevel, out.Source = c.id, c.level, o.source
		if c.level == 2 && c.parentStatus == network.Approved {
			out.ParentID = c.parentID
		}
		return out, nil
	}
	note(ReasonNoRefNoBinding)
	return out, nil
}

// bind points the customer's binding at distributor to, with a fresh expiry, and logs the change.
func bind(ctx context.Context, tx *db.Tx, cfg settings.Binding, customerID int64, old *BindingRow, to int64, how string) error {
	var expires any // nil: never expires
	if cfg.Mode != settings.BindPermanent && cfg.BindingDays > 0 {
		expires = tx.Now.AddDate(0, 0, cfg.BindingDays)
	}
	var from any
	var err error
	if old == nil {
		_, err = tx.ExecContext(ctx, qInsertBinding, customerID, to, how, tx.Now, expires)
	} else {
		from = old.DistributorID
		_, err = tx.ExecContext(ctx, qUpdateBinding, customerID, to, how, tx.Now, expires)
	}
	if err != nil {
		return fmt.Errorf("bind customer %d to distributor %d: %w", customerID, to, err)
	}
	if _, err := tx.ExecContext(ctx, qInsertEvent, customerID, from, to, tx.Now, how); err != nil {
		return fmt.Errorf("log binding of customer %d: %w", customerID, err)
	}
	return nil
}

// closesLoop reports whether binding the customer with phone to d would make a loop: d, as a
// customer, is bound — directly or through a chain of distributors bound as customers — to the
// distributor account that has the customer's phone. Such loops let two people farm commission
// off each other's purchases.
func closesLoop(ctx context.Context, tx *db.Tx, phone string, d *candidate, permanent bool) (bool, error) {
	var self int64
	err := tx.QueryRowContext(ctx, qDistributorIDByPhone, phone).Scan(&self)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil // the customer is not a distributor: nobody can be bound to them
	}
	if err != nil {
		return false, fmt.Errorf("look up distributor by phone: %w", err)
	}
	seen := map[int64]bool{d.id: true}
	for cur := d.phone; ; {
		var next int64
		var nextPhone string
		var expires *time.Time
		err := tx.QueryRowContext(ctx, qBindingOfPhone, cur).Scan(&next, &nextPhone, &expires)
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("follow bindings for loops: %w", err)
		}
		if !permanent && expires != nil && !tx.Now.Before(*expires) {
			return false, nil // an expired binding no longer ties anyone
		}
		if next == self {
			return true, nil
		}
		if seen[next] {
			return false, nil
		}
		seen[next] = true
		cur = nextPhone
	}
}

func findCandidate(ctx context.Context, q db.Querier, query string, key any) (*candidate, error) {
	var c candidate
	err := q.QueryRowContext(ctx, query, key).Scan(&c.id, &c.phone, &c.level, &c.parentID, &c.status, &c.parentStatus)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read distributor %v: %w", key, err)
	}
	return &c, nil
}
