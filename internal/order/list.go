package order

import (
	"context"
	"fmt"
	"time"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
)

// Filter narrows List; zero values mean any.
type Filter struct {
	DistributorID int64 // orders credited to this distributor, directly or as the level-1 parent
	Status        Status
	From, To      *time.Time // created_at in [From, To)
	Page, PerPage int
}

// Page is a page of orders without their lines, newest first.
type Page struct {
	Items   []Order `json:"items"`
	Page    int     `json:"page"`
	PerPage int     `json:"per_page"`
	Total   int     `json:"total"`
}

const qFilter = ` FROM orders WHERE ($1 = 0 OR distributor_id = $1 OR parent_id = $1) AND ($2 = '' OR status = $2)
	AND ($3 = 0 OR created_at >= $4) AND ($5 = 0 OR created_at < $6)`

// List returns orders matching f. Errors: Invalid.
func (s *Service) List(ctx context.Context, f Filter) (Page, error) {
	switch f.Status {
	case "", Created, Paid, Shipped, Delivered, Completed, Cancelled:
	default:
		return Page{}, errs.Field("status", "invalid_status", "status must be one of created, paid, shipped, delivered, completed, cancelled")
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
	hasFrom, hasTo, from, to := 0, 0, time.Time{}, time.Time{}
	if f.From != nil {
		hasFrom, from = 1, f.From.UTC()
	}
	if f.To != nil {
		hasTo, to = 1, f.To.UTC()
	}
	args := []any{f.DistributorID, string(f.Status), hasFrom, from, hasTo, to}
	out := Page{Items: []Order{}, Page: f.Page, PerPage: f.PerPage}
	if err := s.DB.R.QueryRowContext(ctx, `SELECT count(*)`+qFilter, args...).Scan(&out.Total); err != nil {
		return out, fmt.Errorf("count orders: %w", err)
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+orderColumns+qFilter+` ORDER BY created_at DESC, id DESC LIMIT $7 OFFSET $8`,
		append(args, f.PerPage, (f.Page-1)*f.PerPage)...)
	if err != nil {
		return out, fmt.Errorf("list orders: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		o, err := scanOrder(rows)
		if err != nil {
			return out, err
		}
		out.Items = append(out.Items, o)
	}
	return out, rows.Err()
}

// CommissionPage is a page of one distributor's commissions, newest first.
type CommissionPage struct {
	Items   []Commission `json:"items"`
	Page    int          `json:"page"`
	PerPage int          `json:"per_page"`
	Total   int          `json:"total"`
}

// Commissions lists what a distributor earned, optionally by status (frozen, available, reversed).
func (s *Service) Commissions(ctx context.Context, distributorID int64, status string, page, perPage int) (CommissionPage, error) {
	switch status {
	case "", "frozen", "available", "reversed":
	default:
		return CommissionPage{}, errs.Field("status", "invalid_status", "status must be frozen, available or reversed")
	}
	if page <= 0 {
		page = 1
	}
	if perPage <= 0 || perPage > 100 {
		perPage = 20
	}
	out := CommissionPage{Page: page, PerPage: perPage, Items: []Commission{}}
	where := ` FROM commissions WHERE distributor_id = $1 AND ($2 = '' OR status = $2)`
	if err := s.DB.R.QueryRowContext(ctx, `SELECT count(*)`+where, distributorID, status).Scan(&out.Total); err != nil {
		return out, fmt.Errorf("count commissions: %w", err)
	}
	items, err := queryCommissions(ctx, s.DB.R, `SELECT `+commissionColumns+where+` ORDER BY id DESC LIMIT $3 OFFSET $4`,
		distributorID, status, perPage, (page-1)*perPage)
	if items != nil {
		out.Items = items
	}
	return out, err
}

// ProductInUse reports whether any order refers to a product; the catalog archives such a
// product instead of deleting it.
func ProductInUse(ctx context.Context, q db.Querier, productID int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM order_lines WHERE product_id = $1 LIMIT 1) x`, productID).Scan(&n)
	return n > 0, err
}
