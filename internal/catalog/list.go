package catalog

import (
	"context"
	"fmt"
	"strings"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
)

// Filter narrows List; zero values mean any.
type Filter struct {
	Q             string // part of a name or of a SKU code
	Status        Status // "" = on_shelf and off_shelf; "archived"; or "all"
	Distributable *bool
	Page          int // from 1
	PerPage       int // 1..100, default 20
}

// All is the Filter.Status that includes archived products.
const All Status = "all"

// ProductPage is one page of products with their SKUs, newest first.
type ProductPage struct {
	Items   []Product `json:"items"`
	Page    int       `json:"page"`
	PerPage int       `json:"per_page"`
	Total   int       `json:"total"`
}

// List returns products matching f. Errors: Invalid.
func (s *Service) List(ctx context.Context, f Filter) (ProductPage, error) {
	switch f.Status {
	case "", OnShelf, OffShelf, Archived, All:
	default:
		return ProductPage{}, errs.Field("status", "invalid_status", "status must be on_shelf, off_shelf, archived or all, not %q", f.Status)
	}
	if f.Page <= 0 {
		f.Page = 1
	}
	if f.PerPage <= 0 {
		f.PerPage = 20
	}
	if f.PerPage > 100 {
		return ProductPage{}, errs.Field("per_page", "invalid_per_page", "per_page must be at most 100")
	}
	pattern := ""
	if q := strings.TrimSpace(f.Q); q != "" {
		pattern = "%" + escapeLike(q) + "%"
	}
	distributable := ""
	if f.Distributable != nil {
		distributable = fmt.Sprint(*f.Distributable)
	}
	filter := fmt.Sprintf(qFilter, db.ILike(s.DB.Dialect))
	args := []any{string(f.Status), pattern, distributable}
	out := ProductPage{Items: []Product{}, Page: f.Page, PerPage: f.PerPage}
	if err := s.DB.R.QueryRowContext(ctx, `SELECT count(*)`+filter, args...).Scan(&out.Total); err != nil {
		return ProductPage{}, fmt.Errorf("count products: %w", err)
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT `+productColumns+filter+` ORDER BY id DESC LIMIT $4 OFFSET $5`,
		append(args, f.PerPage, (f.Page-1)*f.PerPage)...)
	if err != nil {
		return ProductPage{}, fmt.Errorf("list products: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanProduct(rows)
		if err != nil {
			return ProductPage{}, err
		}
		out.Items = append(out.Items, p)
	}
	if err := rows.Err(); err != nil {
		return ProductPage{}, fmt.Errorf("list products: %w", err)
	}
	rows.Close()
	return out, attachSKUs(ctx, s.DB.R, out.Items)
}

// attachSKUs loads the SKUs of a page of products in one query.
func attachSKUs(ctx context.Context, q db.Querier, products []Product) error {
	if len(products) == 0 {
		return nil
	}
	ids := make([]any, len(products))
	at := map[int64]int{}
	for i, p := range products {
		ids[i], at[p.ID] = p.ID, i
	}
	rows, err := q.QueryContext(ctx, fmt.Sprintf(qSKUsOfProducts, placeholders(1, len(ids))), ids...)
	if err != nil {
		return fmt.Errorf("read skus: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		k, err := scanSKU(rows)
		if err != nil {
			return err
		}
		p := &products[at[k.ProductID]]
		p.SKUs = append(p.SKUs, k)
	}
	for i := range products {
		products[i].soldOut()
	}
	return rows.Err()
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// LowStockItem is a SKU that needs restocking, with its product's name.
type LowStockItem struct {
	SKU
	ProductName   string `json:"product_name"`
	ProductStatus Status `json:"product_status" enum:"on_shelf,off_shelf"`
}

// LowStock lists the SKUs of products not archived that are sold out or at or below their
// low-stock threshold, emptiest first.
func (s *Service) LowStock(ctx context.Context) ([]LowStockItem, error) {
	rows, err := s.DB.R.QueryContext(ctx, qLowStock)
	if err != nil {
		return nil, fmt.Errorf("list low stock: %w", err)
	}
	defer rows.Close()
	out := []LowStockItem{}
	for rows.Next() {
		var it LowStockItem
		k := &it.SKU
		if err := rows.Scan(&k.ID, &k.ProductID, &k.SKUCode, &k.Spec, &k.PriceFen, &k.Stock, &k.Reserved, &k.Sold,
			&k.LowStockThreshold, &it.ProductName, &it.ProductStatus); err != nil {
			return nil, fmt.Errorf("read low stock: %w", err)
		}
		k.SoldOut = k.Stock == 0
		out = append(out, it)
	}
	return out, rows.Err()
}
