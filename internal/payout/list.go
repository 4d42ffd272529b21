package payout

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

// Get returns one withdrawal, its card number masked. Errors: NotFound.
func (s *Service) Get(ctx context.Context, id int64) (Withdrawal, error) {
	w, err := scan(s.DB.R.QueryRowContext(ctx, qByID, id))
	return w.masked(), err
}

// Filter narrows List; zero values mean any.
type Filter struct {
	Status        Status
	DistributorID int64
	Page          int // from 1
	PerPage       int // 1..100, default 20
}

// Page is one page of withdrawals, newest first.
type Page struct {
	Items   []Withdrawal `json:"items"`
	Page    int          `json:"page"`
	PerPage int          `json:"per_page"`
	Total   int          `json:"total"`
}

// List returns withdrawals matching f, newest first, card numbers masked. Errors: Invalid.
func (s *Service) List(ctx context.Context, f Filter) (Page, error) {
	switch f.Status {
	case "", Requested, Approved, Rejected, Paid, Failed:
	default:
		return Page{}, errs.Field("status", "invalid_status", "status must be requested, approved, rejected, paid or failed, not %q", f.Status)
	}
	if f.Page <= 0 {
		f.Page = 1
	}
	if f.PerPage <= 0 {
		f.PerPage = 20
	}
	if f.PerPage > 100 {
		return Page{}, errs.Field("per_page", "invalid_per_page", "per_page must be at most 100")
	}
	args := []any{string(f.Status), f.DistributorID}
	out := Page{Items: []Withdrawal{}, Page: f.Page, PerPage: f.PerPage}
	if err := s.DB.R.QueryRowContext(ctx, `SELECT count(*)`+qFilter, args...).Scan(&out.Total); err != nil {
		return out, fmt.Errorf("count withdrawals: %w", err)
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+columns+qFilter+` ORDER BY id DESC LIMIT $3 OFFSET $4`,
		append(args, f.PerPage, (f.Page-1)*f.PerPage)...)
	if err != nil {
		return out, fmt.Errorf("list withdrawals: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		w, err := scan(rows)
		if err != nil {
			return out, err
		}
		out.Items = append(out.Items, w.masked())
	}
	return out, rows.Err()
}

// loadForUpdate reads a withdrawal inside tx, locking its row on PostgreSQL, unmasked.
func loadForUpdate(ctx context.Context, tx *db.Tx, id int64) (Withdrawal, error) {
	return scan(tx.QueryRowContext(ctx, qByID+tx.ForUpdate(), id))
}

// scan reads a withdrawal with its full account details; mask it before showing it.
func scan(row interface{ Scan(...any) error }) (Withdrawal, error) {
	var w Withdrawal
	var idem, reason, provider, reference sql.NullString
	var method, account, status string
	err := row.Scan(&w.ID, &w.DistributorID, &idem, &w.AmountFen, &w.FeeFen, &method, &account, &status, &reason, &provider, &reference,
		&w.RequestedAt, &w.ApprovedAt, &w.FinishedAt, &w.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Withdrawal{}, errs.E(errs.NotFound, "withdrawal_not_found", "withdrawal not found")
	}
	if err != nil {
		return Withdrawal{}, fmt.Errorf("read withdrawal: %w", err)
	}
	if err := json.Unmarshal([]byte(account), &w.Account); err != nil {
		return Withdrawal{}, fmt.Errorf("decode account of withdrawal %d: %w", w.ID, err)
	}
	w.Method, w.Status, w.NetFen = Method(method), Status(status), w.AmountFen-w.FeeFen
	w.IdemKey, w.Reason, w.Provider, w.Reference = idem.String, reason.String, provider.String, reference.String
	w.RequestedAt, w.UpdatedAt = w.RequestedAt.UTC(), w.UpdatedAt.UTC()
	for _, t := range []*time.Time{w.ApprovedAt, w.FinishedAt} {
		if t != nil {
			*t = t.UTC()
		}
	}
	return w, nil
}
