package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/export"
)

// The products list with stock marks, the low-stock list, and the product pages. Finance may
// read them; only operators (and the owner) change products (admin_product_form.go).

type adminProductRow struct {
	ID                    int64
	Name                  string
	Status                string
	Distributable         bool
	CreatedAt             time.Time
	SKUs                  int
	MinPriceFen           int64
	MaxPriceFen           int64
	Stock, Reserved, Sold int64
	Low                   int // SKUs sold out or at or below their threshold
}

// SoldOut is true when no SKU has stock for sale.
func (p adminProductRow) SoldOut() bool { return p.Stock == 0 }

type adminProductFilter struct {
	Status  string // "" = not archived, a status, or "all"
	Q       string
	OrderBy string
}

var adminProductSorts = [][2]string{
	{"new", "pr.created_at DESC, pr.id DESC"},
	{"name", "pr.name, pr.id"},
	{"stock", "COALESCE(sum(k.stock), 0), pr.id"},
	{"sold", "COALESCE(sum(k.sold), 0) DESC, pr.id DESC"},
}

func (s *Server) adminProductRows(ctx context.Context, f adminProductFilter, limit, off int, count bool, each func(adminProductRow) error) (int, error) {
	var w adminWhere
	switch f.Status {
	case "":
		w.add("pr.status <> ?", "archived")
	case "all":
	default:
		w.add("pr.status = ?", f.Status)
	}
	if f.Q != "" {
		w.add(fmt.Sprintf(adminProductSearch, db.ILike(s.DB.Dialect)), adminLike(f.Q))
	}
	total := 0
	if count {
		if err := s.DB.R.QueryRowContext(ctx, `SELECT count(*) FROM products pr`+w.sql(), w.args...).Scan(&total); err != nil {
			return 0, fmt.Errorf("count products: %w", err)
		}
	}
	query := `SELECT ` + adminProductColumns + adminProductFrom + w.sql() + adminProductGroup + ` ORDER BY ` + f.OrderBy
	if limit > 0 {
		query += w.limit(limit, off)
	}
	rows, err := s.DB.R.QueryContext(ctx, query, w.args...)
	if err != nil {
		return 0, fmt.Errorf("list products: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p adminProductRow
		if err := rows.Scan(&p.ID, &p.Name, &p.Status, &p.Distributable, &p.CreatedAt, &p.SKUs, &p.MinPriceFen, &p.MaxPriceFen,
			&p.Stock, &p.Reserved, &p.Sold, &p.Low); err != nil {
			return 0, fmt.Errorf("read product: %w", err)
		}
		if err := each(p); err != nil {
			return 0, err
		}
	}
	return total, rows.Err()
}

type adminProductsData struct {
	Items []adminProductRow
	Pager adminPager
	Sort  string
}

func (s *Server) adminProducts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := adminProductFilter{Q: strings.TrimSpace(q.Get("q"))}
	switch st := q.Get("status"); st {
	case "on_shelf", "off_shelf", "archived", "all":
		f.Status = st
	}
	sortKey, orderBy := adminSort(r, adminProductSorts)
	f.OrderBy = orderBy
	if adminWantsExport(r) {
		s.adminProductsExport(w, r, f)
		return
	}
	page := adminPageParam(r)
	d := adminProductsData{Items: []adminProductRow{}, Sort: sortKey}
	total, err := s.adminProductRows(r.Context(), f, adminPerPage, adminOffset(page), true, func(p adminProductRow) error {
		d.Items = append(d.Items, p)
		return nil
	})
	if err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	d.Pager = newAdminPager(r.URL, page, total)
	s.render(w, r, http.StatusOK, "admin/products", &Page{Title: "admin.nav.products", Data: d})
}

func (s *Server) adminProductsExport(w http.ResponseWriter, r *http.Request, f adminProductFilter) {
	p := s.adminPage(w, r, "", nil)
	cols := []export.Column{{Header: "ID", Kind: export.Int}, {Header: p.T("admin.p.name")}, {Header: p.T("admin.p.status")},
		{Header: p.T("admin.p.distributable")}, {Header: p.T("admin.p.skus"), Kind: export.Int},
		{Header: p.T("admin.p.price_min"), Kind: export.Money}, {Header: p.T("admin.p.price_max"), Kind: export.Money},
		{Header: p.T("admin.p.stock"), Kind: export.Int}, {Header: p.T("admin.p.reserved"), Kind: export.Int},
		{Header: p.T("admin.p.sold"), Kind: export.Int}, {Header: p.T("admin.p.low"), Kind: export.Int}}
	s.adminExport(w, r, "products", p.T("admin.nav.products"), cols, func(ctx context.Context, emit func([]any) error) error {
		_, err := s.adminProductRows(ctx, f, 0, 0, false, func(x adminProductRow) error {
			return emit([]any{x.ID, x.Name, p.T("admin.p.status." + x.Status), fmt.Sprint(x.Distributable), x.SKUs,
				x.MinPriceFen, x.MaxPriceFen, x.Stock, x.Reserved, x.Sold, x.Low})
		})
		return err
	})
}

type adminLowStockData struct {
	Items []catalog.LowStockItem
	Pager adminPager
}

// adminLowStock lists SKUs sold out or at their threshold, emptiest first. The catalog returns
// the whole list (it is short by nature); the page shows it adminPerPage at a time.
func (s *Server) adminLowStock(w http.ResponseWriter, r *http.Request) {
	items, err := s.Catalog.LowStock(r.Context())
	if err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	if adminWantsExport(r) {
		p := s.adminPage(w, r, "", nil)
		cols := []export.Column{{Header: "SKU ID", Kind: export.Int}, {Header: p.T("admin.p.name")}, {Header: p.T("admin.p.spec")},
			{Header: p.T("admin.p.code")}, {Header: p.T("admin.p.stock"), Kind: export.Int}, {Header: p.T("admin.p.reserved"), Kind: export.Int},
			{Header: p.T("admin.p.threshold"), Kind: export.Int}}
		s.adminExport(w, r, "low-stock", p.T("admin.p.low_title"), cols, func(_ context.Context, emit func([]any) error) error {
			for _, it := range items {
				if err := emit([]any{it.ID, it.ProductName, it.Spec, it.SKUCode, it.Stock, it.Reserved, it.LowStockThreshold}); err != nil {
					return err
				}
			}
			return nil
		})
		return
	}
	page := adminPageParam(r)
	d := adminLowStockData{Pager: newAdminPager(r.URL, page, len(items))}
	from := min(adminOffset(page), len(items))
	d.Items = items[from:min(from+adminPerPage, len(items))]
	s.render(w, r, http.StatusOK, "admin/lowstock", &Page{Title: "admin.p.low_title", Data: d})
}
