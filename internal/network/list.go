package network

import (
	"context"
	"fmt"
	"strings"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
)

// Filter narrows List; zero values mean any.
type Filter struct {
	Status   Status
	Level    int
	ParentID int64
	Q        string // part of a name or phone, or an exact code or invite code
	Page     int    // from 1
	PerPage  int    // 1..100, default 20
}

// Page is one page of distributors, newest first.
type Page struct {
	Items   []Distributor `json:"items"`
	Page    int           `json:"page"`
	PerPage int           `json:"per_page"`
	Total   int           `json:"total"`
}

// List returns distributors matching f. Errors: Invalid.
func (s *Service) List(ctx context.Context, f Filter) (Page, error) {
	switch f.Status {
	case "", Pending, Approved, Rejected, Frozen:
	default:
		return Page{}, errs.Field("status", "invalid_status", "status must be pending, approved, rejected or frozen, not %q", f.Status)
	}
	if f.Level != 0 && f.Level != 1 && f.Level != 2 {
		return Page{}, errs.Field("level", "invalid_level", "level must be 1 or 2")
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
	q := strings.TrimSpace(f.Q)
	pattern := ""
	if q != "" {
		pattern = "%" + escapeLike(q) + "%"
	}
	filter := fmt.Sprintf(qFilter, db.ILike(s.DB.Dialect))
	args := []any{string(f.Status), f.Level, f.ParentID, pattern, strings.ToUpper(q)}
	var total int
	if err := s.DB.R.QueryRowContext(ctx, `SELECT count(*)`+filter, args...).Scan(&total); err != nil {
		return Page{}, fmt.Errorf("count distributors: %w", err)
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+columns+filter+` ORDER BY id DESC LIMIT $6 OFFSET $7`,
		append(args, f.PerPage, (f.Page-1)*f.PerPage)...)
	if err != nil {
		return Page{}, fmt.Errorf("list distributors: %w", err)
	}
	defer rows.Close()
	out := Page{Items: []Distributor{}, Page: f.Page, PerPage: f.PerPage, Total: total}
	for rows.Next() {
		d, err := scan(rows)
		if err != nil {
			return Page{}, err
		}
		out.Items = append(out.Items, d)
	}
	return out, rows.Err()
}

// Team returns a level-1's level-2 distributors. Errors: NotFound, Invalid (a level-2 has no team).
func (s *Service) Team(ctx context.Context, id int64, page, perPage int) (Page, error) {
	d, err := s.Get(ctx, id)
	if err != nil {
		return Page{}, err
	}
	if d.Level != 1 {
		return Page{}, errs.E(errs.Conflict, "no_team", "distributor %s is level 2: level-2 distributors have no team", d.Code)
	}
	return s.List(ctx, Filter{ParentID: id, Page: page, PerPage: perPage})
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
