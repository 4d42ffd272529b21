package settlement

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/settings"
)

// RunPage is a page of runs, newest first.
type RunPage struct {
	Items   []Run `json:"items"`
	Page    int   `json:"page"`
	PerPage int   `json:"per_page"`
	Total   int   `json:"total"`
}

// StatementPage is a page of statements without their lines, newest first.
type StatementPage struct {
	Items   []Statement `json:"items"`
	Page    int         `json:"page"`
	PerPage int         `json:"per_page"`
	Total   int         `json:"total"`
}

// StatementFilter narrows ListStatements; zero values mean any.
type StatementFilter struct {
	DistributorID int64
	RunID         int64
	// Period is a month, YYYY-MM: statements whose cutoff falls in it, Asia/Shanghai. (The
	// default schedule's run at 02:00 on 1 April, which settles March's commission, is in 2026-04.)
	Period        string
	Page, PerPage int
}

// GetRun returns one run with its progress. Errors: NotFound.
func (s *Service) GetRun(ctx context.Context, id int64) (Run, error) {
	return scanRun(s.DB.R.QueryRowContext(ctx, qRun, id))
}

// ListRuns returns runs newest first. Errors: Invalid (per_page above 100).
func (s *Service) ListRuns(ctx context.Context, page, perPage int) (RunPage, error) {
	page, perPage, err := paging(page, perPage)
	if err != nil {
		return RunPage{}, err
	}
	out := RunPage{Items: []Run{}, Page: page, PerPage: perPage}
	if err := s.DB.R.QueryRowContext(ctx, qCountRuns).Scan(&out.Total); err != nil {
		return out, fmt.Errorf("count settlement runs: %w", err)
	}
	rows, err := s.DB.R.QueryContext(ctx, qListRuns, perPage, (page-1)*perPage)
	if err != nil {
		return out, fmt.Errorf("list settlement runs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return out, err
		}
		out.Items = append(out.Items, r)
	}
	return out, rows.Err()
}

// GetStatement returns one statement with all its lines. Errors: NotFound.
func (s *Service) GetStatement(ctx context.Context, id int64) (Statement, error) {
	st, err := scanStatement(s.DB.R.QueryRowContext(ctx, qStatement, id))
	if err != nil {
		return st, err
	}
	rows, err := s.DB.R.QueryContext(ctx, qLines, id)
	if err != nil {
		return st, fmt.Errorf("read lines of statement %d: %w", id, err)
	}
	defer rows.Close()
	st.Lines = []Line{}
	for rows.Next() {
		var l Line
		if err := rows.Scan(&l.CommissionID, &l.OrderID, &l.OrderNo, &l.ProductName, &l.Role, &l.BaseFen, &l.RateBP, &l.FixedFenPerUnit, &l.AmountFen); err != nil {
			return st, fmt.Errorf("read lines of statement %d: %w", id, err)
		}
		st.Lines = append(st.Lines, l)
	}
	return st, rows.Err()
}

// ListStatements returns statements matching f, newest first. Errors: Invalid (period, per_page).
func (s *Service) ListStatements(ctx context.Context, f StatementFilter) (StatementPage, error) {
	page, perPage, err := paging(f.Page, f.PerPage)
	if err != nil {
		return StatementPage{}, err
	}
	hasPeriod, from, to := 0, time.Time{}, time.Time{}
	if f.Period != "" {
		m, err := time.ParseInLocation("2006-01", f.Period, settings.Shanghai)
		if err != nil {
			return StatementPage{}, errs.Field("period", "invalid_period", "period must be a month like 2026-03, not %q", f.Period)
		}
		hasPeriod, from, to = 1, m.UTC(), m.AddDate(0, 1, 0).UTC()
	}
	args := []any{f.RunID, f.DistributorID, hasPeriod, from, hasPeriod, to}
	out := StatementPage{Items: []Statement{}, Page: page, PerPage: perPage}
	if err := s.DB.R.QueryRowContext(ctx, qCountStatements, args...).Scan(&out.Total); err != nil {
		return out, fmt.Errorf("count statements: %w", err)
	}
	rows, err := s.DB.R.QueryContext(ctx, qListStatements,
		append(args, perPage, (page-1)*perPage)...)
	if err != nil {
		return out, fmt.Errorf("list statements: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		st, err := scanStatement(rows)
		if err != nil {
			return out, err
		}
		out.Items = append(out.Items, st)
	}
	return out, rows.Err()
}

func paging(page, perPage int) (int, int, error) {
	if page <= 0 {
		page = 1
	}
	if perPage <= 0 {
		perPage = 20
	}
	if perPage > 100 {
		return 0, 0, errs.Field("per_page", "invalid_per_page", "per_page must be at most 100")
	}
	return page, perPage, nil
}

func scanRun(row interface{ Scan(...any) error }) (Run, error) {
	var r Run
	var msg sql.NullString
	err := row.Scan(&r.ID, &r.ScopeKey, &r.Cutoff, &r.DistributorID, &r.Status, &r.Total, &r.Done, &r.Distributors,
		&r.Commissions, &r.SettledFen, &msg, &r.Actor, &r.StartedAt, &r.FinishedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Run{}, errs.E(errs.NotFound, "settlement_run_not_found", "settlement run not found")
	}
	if err != nil {
		return Run{}, fmt.Errorf("read settlement run: %w", err)
	}
	r.Error = msg.String
	r.Cutoff, r.StartedAt = r.Cutoff.UTC(), r.StartedAt.UTC()
	if r.FinishedAt != nil {
		t := r.FinishedAt.UTC()
		r.FinishedAt = &t
	}
	return r, nil
}

func scanStatement(row interface{ Scan(...any) error }) (Statement, error) {
	var st Statement
	err := row.Scan(&st.ID, &st.RunID, &st.DistributorID, &st.PeriodStart, &st.PeriodEnd, &st.OpeningFen, &st.AccruedFen,
		&st.ReversedFen, &st.SettledFen, &st.ClawedBackFen, &st.WithdrawnFen, &st.ClosingFen, &st.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Statement{}, errs.E(errs.NotFound, "statement_not_found", "statement not found")
	}
	if err != nil {
		return Statement{}, fmt.Errorf("read statement: %w", err)
	}
	st.PeriodEnd, st.CreatedAt = st.PeriodEnd.UTC(), st.CreatedAt.UTC()
	if st.PeriodStart != nil {
		t := st.PeriodStart.UTC()
		st.PeriodStart = &t
	}
	return st, nil
}
