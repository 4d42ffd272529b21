package network

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/fenxiao/fenxiao/internal/audit"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/identity"
	"github.com/fenxiao/fenxiao/internal/settings"
)

// Service applies the network rules. Every method that changes state writes an audit entry in
// the same transaction; callers name the actor with audit.WithActor.
type Service struct{ DB *db.DB }

// Apply records an application. Without an invite code the applicant becomes level 1; with a
// level-1's invite code, level 2 under it. Under review mode "auto" it is approved at once.
// Errors: Invalid (bad field, unusable invite), Conflict (phone or ID card already registered).
func (s *Service) Apply(ctx context.Context, a Application) (Distributor, error) {
	now := s.DB.Now()
	name, err := identity.Name(a.Name, 64)
	if err != nil {
		return Distributor{}, identity.AsField("name", err)
	}
	phone, err := identity.NormalizePhone(a.Phone)
	if err != nil {
		return Distributor{}, identity.AsField("phone", err)
	}
	var realName, idCard *string
	if strings.TrimSpace(a.RealName) != "" {
		v, err := identity.Name(a.RealName, 32)
		if err != nil {
			return Distributor{}, identity.AsField("real_name", err)
		}
		realName = &v
	}
	if strings.TrimSpace(a.IDCard) != "" {
		v, err := identity.NormalizeIDCard(a.IDCard, now)
		if err != nil {
			return Distributor{}, identity.AsField("id_card", err)
		}
		idCard = &v
	}
	invite := strings.ToUpper(strings.TrimSpace(a.InviteCode))

	var out Distributor
	for attempt := 0; ; attempt++ {
		code := newCode("D", 7)
		err = s.DB.InTx(ctx, func(tx *db.Tx) error {
			net, err := settings.LoadNetwork(ctx, tx)
			if err != nil {
				return err
			}
			level, parentID := 1, (*int64)(nil)
			if invite != "" {
				parent, err := s.inviter(ctx, tx, invite, net)
				if err != nil {
					return err
				}
				level, parentID = 2, &parent.ID
			}
			status, approvedAt, inviteCode := Pending, (*any)(nil), (*string)(nil)
			qualified, err := spendQualifies(ctx, tx, net, level, phone)
			if err != nil {
				return err
			}
			if net.ReviewMode == settings.ReviewAuto || qualified {
				status = Approved
				var t any = tx.Now
				approvedAt = &t
				if level == 1 {
					c := newCode("", 6)
					inviteCode = &c
				}
			}
			var applied *string
			if invite != "" {
				applied = &invite
			}
			row := tx.QueryRowContext(ctx, qInsert, code, name, phone, realName, idCard, level, parentID,
				status, inviteCode, applied, tx.Now, deref(approvedAt))
			if out, err = scan(row); err != nil {
				return err
			}
			return audit.Record(ctx, tx, audit.Entry{Action: "distributor.apply", Entity: "distributor",
				EntityID: fmt.Sprint(out.ID), After: out})
		})
		if err == nil {
			return out, nil
		}
		if db.IsDuplicate(err, "distributors", "code") || db.IsDuplicate(err, "distributors", "invite_code") {
			if attempt < 5 {
				continue
			}
		}
		return Distributor{}, s.explainDuplicate(ctx, err, phone, idCard)
	}
}

// spendQualifies reports whether a level-1 applicant's paid spend reaches the merchant's
// threshold, which approves without review (满额分销).
func spendQualifies(ctx context.Context, tx *db.Tx, net settings.Network, level int, phone string) (bool, error) {
	if net.SpendThresholdFen <= 0 || level != 1 {
		return false, nil
	}
	var spent int64
	if err := tx.QueryRowContext(ctx, qPaidSpend, phone).Scan(&spent); err != nil {
		return false, fmt.Errorf("read paid spend: %w", err)
	}
	return spent >= net.SpendThresholdFen, nil
}

func deref(p *any) any {
	if p == nil {
		return nil
	}
	return *p
}

// inviter resolves an invite code to the level-1 that may recruit with it, or says why not.
func (s *Service) inviter(ctx context.Context, tx *db.Tx, code string, net settings.Network) (Distributor, error) {
	parent, err := scan(tx.QueryRowContext(ctx, qByInviteCode, code))
	if errs.KindOf(err) == errs.NotFound {
		// A level-2's share code is not an invite: say so rather than "not found".
		if d, err2 := scan(tx.QueryRowContext(ctx, qByCode, code)); err2 == nil && d.Level == 2 {
			return Distributor{}, errs.Field("invite_code", "invite_from_level2",
				"%s is a level-2 distributor's code: level-2 distributors recruit customers, not distributors", code)
		}
		return Distributor{}, errs.Field("invite_code", "invite_not_found", "invite code %s does not exist; check it with the person who invited you", code)
	}
	if err != nil {
		return Distributor{}, err
	}
	if parent.Level != 1 {
		return Distributor{}, errs.Field("invite_code", "invite_from_level2", "invite code %s belongs to a level-2 distributor, who cannot recruit", code)
	}
	if parent.Status != Approved {
		return Distributor{}, errs.Field("invite_code", "inviter_inactive", "the distributor behind invite code %s is %s and cannot invite now", code, parent.Status)
	}
	if !net.Level1CanInvite {
		return Distributor{}, errs.Field("invite_code", "invites_disabled", "the merchant has turned off recruiting by level-1 distributors; apply without an invite code")
	}
	return parent, nil
}

func (s *Service) explainDuplicate(ctx context.Context, err error, phone string, idCard *string) error {
	switch {
	case db.IsDuplicate(err, "distributors", "phone"):
		d, _ := scan(s.DB.R.QueryRowContext(ctx, qByPhone, phone))
		return &errs.Error{Kind: errs.Conflict, Code: "duplicate_phone", Field: "phone", Err: err,
			Message: fmt.Sprintf("phone %s is already registered (distributor %s, %s)", identity.MaskPhone(phone), d.Code, d.Status)}
	case idCard != nil && db.IsDuplicate(err, "distributors", "id_card"):
		return &errs.Error{Kind: errs.Conflict, Code: "duplicate_id_card", Field: "id_card", Err: err,
			Message: "this ID card number is already registered to another distributor"}
	}
	return err
}

// Get returns one distributor. Errors: NotFound.
func (s *Service) Get(ctx context.Context, id int64) (Distributor, error) {
	return scan(s.DB.R.QueryRowContext(ctx, qByID, id))
}

// ByCode returns the distributor with a share code. Errors: NotFound.
func (s *Service) ByCode(ctx context.Context, code string) (Distributor, error) {
	return scan(s.DB.R.QueryRowContext(ctx, qByCode, strings.ToUpper(strings.TrimSpace(code))))
}

func scan(row interface{ Scan(...any) error }) (Distributor, error) {
	var d Distributor
	var status string
	err := row.Scan(&d.ID, &d.Code, &d.Name, &d.Phone, &d.RealName, &d.IDCard, &d.Level, &d.ParentID,
		&status, &d.InviteCode, &d.StatusReason, &d.CreatedAt, &d.UpdatedAt, &d.ApprovedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Distributor{}, errs.E(errs.NotFound, "distributor_not_found", "distributor not found")
	}
	if err != nil {
		return Distributor{}, fmt.Errorf("read distributor: %w", err)
	}
	d.Status = Status(status)
	d.CreatedAt, d.UpdatedAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC()
	if d.IDCard != nil {
		m := identity.MaskIDCard(*d.IDCard)
		d.IDCard = &m
	}
	return d, nil
}
