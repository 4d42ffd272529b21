package payout

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/fenxiao/fenxiao/internal/audit"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/ledger"
	"github.com/fenxiao/fenxiao/internal/rollup"
)

// The status machine: requested → approved → paid | failed; requested → rejected. Rejected and
// failed withdrawals return their amount to available; paid is final.

// Approve accepts a requested withdrawal for payment. Callers: finance. Errors: NotFound,
// Conflict (invalid_transition, distributor_frozen, not_approved).
func (s *Service) Approve(ctx context.Context, id int64) (Withdrawal, error) {
	var out Withdrawal
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := loadForUpdate(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.Status != Requested {
			return invalidTransition(before, "approved", Requested)
		}
		if err := s.mayBePaid(ctx, tx, before); err != nil {
			return err
		}
		if out, err = scan(tx.QueryRowContext(ctx, qApprove, id, tx.Now)); err != nil {
			return err
		}
		if err := rollup.AddWithdrawal(ctx, tx, event(out)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "withdrawal.approve", Entity: "withdrawal", EntityID: fmt.Sprint(id),
			Before: before.masked(), After: out.masked()})
	})
	return out.masked(), err
}

// Reject turns down a requested withdrawal with a reason the distributor sees, and returns its
// amount to available. Callers: finance. Errors: Invalid (reason_required), NotFound, Conflict
// (invalid_transition).
func (s *Service) Reject(ctx context.Context, id int64, reason string) (Withdrawal, error) {
	r, err := needReason(reason)
	if err != nil {
		return Withdrawal{}, err
	}
	return s.turnDown(ctx, id, Rejected, Requested, r, "")
}

// Fail records that an approved withdrawal was not paid (the transfer bounced, the cash was not
// collected), with a reason the distributor sees, and returns its amount to available. Callers:
// finance. Errors: Invalid (reason_required), NotFound, Conflict (invalid_transition).
func (s *Service) Fail(ctx context.Context, id int64, reason string) (Withdrawal, error) {
	r, err := needReason(reason)
	if err != nil {
		return Withdrawal{}, err
	}
	return s.turnDown(ctx, id, Failed, Approved, r, "")
}

func (s *Service) turnDown(ctx context.Context, id int64, to, from Status, reason, provider string) (Withdrawal, error) {
	var out Withdrawal
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := loadForUpdate(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.Status != from {
			return invalidTransition(before, string(to), from)
		}
		out, err = s.turnDownTx(ctx, tx, before, to, reason, provider)
		return err
	})
	return out.masked(), err
}

// turnDownTx marks w rejected or failed and returns its amount to available.
func (s *Service) turnDownTx(ctx context.Context, tx *db.Tx, w Withdrawal, to Status, reason, provider string) (Withdrawal, error) {
	out, err := scan(tx.QueryRowContext(ctx, qTurnDown, w.ID, tx.Now, string(to), reason, nullStr(provider)))
	if err != nil {
		return out, err
	}
	_, _, err = s.Ledger.Post(ctx, tx, ledger.Posting{
		Key: fmt.Sprintf("withdrawal:%d:return", w.ID), Cause: "withdrawal_return", CauseID: fmt.Sprint(w.ID),
		Memo: fmt.Sprintf("withdrawal of ¥%s %s: returned to available", yuan(w.AmountFen), to),
		Entries: []ledger.Entry{
			{OwnerID: w.DistributorID, Kind: ledger.Withdrawing, AmountFen: -w.AmountFen},
			{OwnerID: w.DistributorID, Kind: ledger.Available, AmountFen: w.AmountFen},
		},
	})
	if err != nil {
		return out, err
	}
	if err := rollup.AddWithdrawal(ctx, tx, event(out)); err != nil {
		return out, err
	}
	action := map[Status]string{Rejected: "withdrawal.reject", Failed: "withdrawal.fail"}[to]
	return out, audit.Record(ctx, tx, audit.Entry{Action: action, Entity: "withdrawal", EntityID: fmt.Sprint(w.ID),
		Before: w.masked(), After: out.masked(), Reason: reason})
}

// PayInput confirms a payout.
type PayInput struct {
	Reference string `json:"reference,omitempty" maxLength:"100" doc:"manual provider (required): the reference of the transfer you made — bank or Alipay transaction number, or a cash receipt number"`
}

// Pay pays an approved withdrawal through the provider, outside any transaction, then records
// the outcome: paid with the provider's reference (for the manual provider, the one entered), or
// failed with the provider's error and the amount returned to available. A repeat on a paid
// withdrawal with the same reference returns it unchanged, so a retried request is safe. If the
// provider cannot tell whether the money moved (ErrOutcomeUnknown) the withdrawal stays approved
// and pay may be repeated. Callers: finance. Errors: Invalid (reference_required,
// invalid_reference), NotFound, Conflict (invalid_transition, distributor_frozen, not_approved,
// payout_outcome_unknown).
func (s *Service) Pay(ctx context.Context, id int64, in PayInput) (Withdrawal, error) {
	ref := strings.TrimSpace(in.Reference)
	if utf8.RuneCountInString(ref) > 100 || !utf8.ValidString(ref) || strings.ContainsFunc(ref, func(r rune) bool { return r < ' ' }) {
		return Withdrawal{}, errs.Field("reference", "invalid_reference", "reference must be plain text of at most 100 characters")
	}
	p := s.provider()
	_, manual := p.(Manual)
	if manual && ref == "" {
		return Withdrawal{}, errReferenceRequired
	}
	w, err := scan(s.DB.R.QueryRowContext(ctx, qByID, id))
	if err != nil {
		return Withdrawal{}, err
	}
	if done, err := paidAlready(w, ref, manual); done || err != nil {
		return w.masked(), err
	}
	if w.Status != Approved {
		return Withdrawal{}, invalidTransition(w, "paid", Approved)
	}
	if err := s.mayBePaid(ctx, s.DB.R, w); err != nil {
		return Withdrawal{}, err
	}

	w.Reference = ref
	got, payErr := p.Pay(ctx, w)
	got = strings.TrimSpace(got)
	switch {
	case payErr != nil && (errors.Is(payErr, ErrOutcomeUnknown) || ctx.Err() != nil):
		return Withdrawal{}, &errs.Error{Kind: errs.Conflict, Code: "payout_outcome_unknown", Err: payErr,
			Message: fmt.Sprintf("payout provider %s could not confirm whether withdrawal %d was paid; it stays approved: pay it again later (the provider pays it at most once)", p.Name(), id)}
	case payErr == nil && got == "":
		return Withdrawal{}, fmt.Errorf("payout provider %s paid withdrawal %d but returned no reference", p.Name(), id)
	}

	var out Withdrawal
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := loadForUpdate(ctx, tx, id)
		if err != nil {
			return err
		}
		if before.Status != Approved {
			// A concurrent pay recorded first: the same payout is a retry, anything else a conflict.
			if done, err := paidAlready(before, got, false); done || err != nil {
				out = before
				return err
			}
			if payErr == nil {
				return errs.E(errs.Conflict, "invalid_transition", "withdrawal %d became %s while provider %s paid it (reference %s): reconcile this payout by hand",
					id, before.Status, p.Name(), got)
			}
			return invalidTransition(before, "paid", Approved)
		}
		if payErr != nil {
			reason := truncate(fmt.Sprintf("payout provider %s failed: %v", p.Name(), payErr), 500)
			out, err = s.turnDownTx(ctx, tx, before, Failed, reason, p.Name())
			return err
		}
		if out, err = scan(tx.QueryRowContext(ctx, qPaid, id, tx.Now, p.Name(), got)); err != nil {
			return err
		}
		_, _, err = s.Ledger.Post(ctx, tx, ledger.Posting{
			Key: fmt.Sprintf("withdrawal:%d:paid", id), Cause: "withdrawal_paid", CauseID: fmt.Sprint(id),
			Memo: fmt.Sprintf("withdrawal paid: ¥%s sent by %s (%s), fee ¥%s", yuan(out.NetFen), p.Name(), got, yuan(out.FeeFen)),
			Entries: []ledger.Entry{
				{OwnerID: out.DistributorID, Kind: ledger.Withdrawing, AmountFen: -out.AmountFen},
				{OwnerID: out.DistributorID, Kind: ledger.PaidOut, AmountFen: out.NetFen},
				{OwnerID: 0, Kind: ledger.Fees, AmountFen: out.FeeFen},
			},
		})
		if err != nil {
			return err
		}
		if err := rollup.AddWithdrawal(ctx, tx, event(out)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "withdrawal.pay", Entity: "withdrawal", EntityID: fmt.Sprint(id),
			Before: before.masked(), After: out.masked()})
	})
	return out.masked(), err
}

// paidAlready reports whether w is paid with reference ref, which makes a pay a harmless repeat;
// paid with another reference is a conflict. Without a reference (a provider that makes its own)
// any paid withdrawal is a repeat.
func paidAlready(w Withdrawal, ref string, manual bool) (bool, error) {
	if w.Status != Paid {
		return false, nil
	}
	if ref == w.Reference || (ref == "" && !manual) {
		return true, nil
	}
	return false, errs.E(errs.Conflict, "invalid_transition", "withdrawal %d was already paid with reference %s, not %s", w.ID, w.Reference, ref)
}

// mayBePaid refuses to approve or pay a withdrawal of a distributor who may not withdraw now: a
// freeze (DESIGN.md §2) stops money leaving as well as new requests.
func (s *Service) mayBePaid(ctx context.Context, q db.Querier, w Withdrawal) error {
	d, err := distributor(ctx, q, w.DistributorID, "")
	if err != nil {
		return err
	}
	return d.mayWithdraw()
}

func invalidTransition(w Withdrawal, to string, from Status) error {
	return errs.E(errs.Conflict, "invalid_transition", "withdrawal %d is %s: only a %s withdrawal can be %s", w.ID, w.Status, from, to)
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

func truncate(s string, runes int) string {
	if utf8.RuneCountInString(s) <= runes {
		return s
	}
	return string([]rune(s)[:runes-1]) + "…"
}
