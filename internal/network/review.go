package network

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/fenxiao/fenxiao/internal/audit"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
)

// The status machine of DESIGN.md §2: pending → approved | rejected; approved ↔ frozen.

// Approve accepts a pending application. A level-2 is approved only while its parent is an
// approved level-1, so the parent it is fixed to can earn from it. Errors: NotFound, Conflict.
func (s *Service) Approve(ctx context.Context, id int64) (Distributor, error) {
	return s.transition(ctx, id, "approve", []Status{Pending}, Approved, "", func(ctx context.Context, tx *db.Tx, d Distributor) error {
		if d.Level == 2 {
			parent, err := scan(tx.QueryRowContext(ctx, qByID, *d.ParentID))
			if err != nil {
				return err
			}
			if parent.Status != Approved {
				return errs.E(errs.Conflict, "parent_inactive",
					"cannot approve: the inviting level-1 %s is %s; unfreeze it, or move this applicant to another parent first", parent.Code, parent.Status)
			}
		}
		return nil
	})
}

// Reject refuses a pending application with a reason the applicant sees. Errors: Invalid, NotFound, Conflict.
func (s *Service) Reject(ctx context.Context, id int64, reason string) (Distributor, error) {
	r, err := needReason(reason)
	if err != nil {
		return Distributor{}, err
	}
	return s.transition(ctx, id, "reject", []Status{Pending}, Rejected, r, nil)
}

// Freeze suspends an approved distributor: no new commission, withdrawals blocked, links stop
// crediting. Errors: Invalid, NotFound, Conflict.
func (s *Service) Freeze(ctx context.Context, id int64, reason string) (Distributor, error) {
	r, err := needReason(reason)
	if err != nil {
		return Distributor{}, err
	}
	return s.transition(ctx, id, "freeze", []Status{Approved}, Frozen, r, nil)
}

// Unfreeze restores a frozen distributor. Errors: NotFound, Conflict.
func (s *Service) Unfreeze(ctx context.Context, id int64) (Distributor, error) {
	return s.transition(ctx, id, "unfreeze", []Status{Frozen}, Approved, "", nil)
}

func needReason(reason string) (string, error) {
	r := strings.TrimSpace(reason)
	if r == "" {
		return "", errs.Field("reason", "reason_required", "a reason is required; the distributor sees it")
	}
	if !utf8.ValidString(r) || utf8.RuneCountInString(r) > 500 {
		return "", errs.Field("reason", "invalid_reason", "reason must be valid text of at most 500 characters")
	}
	return r, nil
}

func (s *Service) transition(ctx context.Context, id int64, action string, from []Status, to Status, reason string,
	check func(context.Context, *db.Tx, Distributor) error) (Distributor, error) {
	var out Distributor
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := scan(tx.QueryRowContext(ctx, qByID+tx.ForUpdate(), id))
		if err != nil {
			return err
		}
		allowed := false
		for _, f := range from {
			allowed = allowed || before.Status == f
		}
		if !allowed {
			return errs.E(errs.Conflict, "invalid_transition", "cannot %s distributor %s: it is %s (only %s can be)", action, before.Code, before.Status, joinStatus(from))
		}
		if check != nil {
			if err := check(ctx, tx, before); err != nil {
				return err
			}
		}
		var approvedAt any
		var inviteCode *string
		if to == Approved {
			approvedAt = tx.Now
			if before.Level == 1 {
				c := newCode("", 6)
				inviteCode = &c
			}
		}
		var r *string
		if reason != "" {
			r = &reason
		}
		out, err = scan(tx.QueryRowContext(ctx, qSetStatus, id, to, r, tx.Now, approvedAt, inviteCode))
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "distributor." + action, Entity: "distributor",
			EntityID: fmt.Sprint(id), Before: before, After: out, Reason: reason})
	})
	return out, err
}

func joinStatus(ss []Status) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = string(s)
	}
	return strings.Join(parts, " or ")
}

// Move changes a distributor's place in the tree, for future orders only (past orders keep their
// snapshot). parentID nil promotes to level 1; otherwise the distributor becomes a level-2 of
// parentID, which must be an approved level-1. A level-1 with a team cannot be moved under
// another: that would make a third level. Errors: Invalid, NotFound, Conflict.
func (s *Service) Move(ctx context.Context, id int64, parentID *int64, reason string) (Distributor, error) {
	var out Distributor
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := scan(tx.QueryRowContext(ctx, qByID+tx.ForUpdate(), id))
		if err != nil {
			return err
		}
		if before.Status == Rejected {
			return errs.E(errs.Conflict, "invalid_transition", "cannot move distributor %s: its application was rejected", before.Code)
		}
		level, inviteCode := 1, before.InviteCode
		if parentID == nil {
			if before.Level == 1 {
				return errs.E(errs.Conflict, "already_level1", "distributor %s is already level 1", before.Code)
			}
			if inviteCode == nil && before.Status != Pending {
				c := newCode("", 6)
				inviteCode = &c
			}
		} else {
			if *parentID == id {
				return errs.Field("parent_id", "invalid_parent", "a distributor cannot be its own parent")
			}
			parent, err := scan(tx.QueryRowContext(ctx, qByID+tx.ForUpdate(), *parentID))
			if errs.KindOf(err) == errs.NotFound {
				return errs.Field("parent_id", "parent_not_found", "parent distributor %d does not exist", *parentID)
			}
			if err != nil {
				return err
			}
			if parent.Level != 1 {
				return errs.Field("parent_id", "parent_not_level1", "parent %s is level 2; only a level-1 can have a team", parent.Code)
			}
			if parent.Status != Approved {
				return errs.Field("parent_id", "parent_inactive", "parent %s is %s; choose an approved level-1", parent.Code, parent.Status)
			}
			if before.ParentID != nil && *before.ParentID == *parentID {
				return errs.E(errs.Conflict, "same_parent", "distributor %s is already in %s's team", before.Code, parent.Code)
			}
			var team int
			if err := tx.QueryRowContext(ctx, qTeamSize, id).Scan(&team); err != nil {
				return err
			}
			if team > 0 {
				return errs.E(errs.Conflict, "has_team",
					"distributor %s leads %d level-2 distributors; moving it under another would make a third level: move or promote its team first", before.Code, team)
			}
			level, inviteCode = 2, nil
		}
		out, err = scan(tx.QueryRowContext(ctx, qMove, id, level, parentID, inviteCode, tx.Now))
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "distributor.move", Entity: "distributor",
			EntityID: fmt.Sprint(id), Before: before, After: out, Reason: strings.TrimSpace(reason)})
	})
	return out, err
}
