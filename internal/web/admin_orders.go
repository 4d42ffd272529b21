package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fenxiao/fenxiao/internal/export"
)

// The orders list (filters, sorting, paging, CSV) and the order page. Finance reads both; the
// actions on the order page are the operator's (admin_order_actions.go).

type adminOrderRow struct {
	ID            int64
	OrderNo       string
	CustomerName  string
	CustomerPhone string
	Status        string
	TotalFen      int64
	RefundedFen   int64
	DistributorID *int64
	DistCode      *string
	DistName      *string
	CreatedAt     time.Time
	PaidAt        *time.Time
}

type adminOrderFilter struct {
	Status        string
	DistributorID int64 // credited directly or as the level-1 parent, as order.List does
	From, To      *time.Time
	OrderNo       string
	OrderBy       string
}

var adminOrderSorts = [][2]string{
	{"new", "o.created_at DESC, o.id DESC"},
	{"old", "o.created_at, o.id"},
	{"total", "o.total_fen DESC, o.id DESC"},
}

var adminOrderStatuses = []string{"created", "paid", "shipped", "delivered", "completed", "cancelled"}

// adminOrderRows calls each for the orders matching f, limit at a time from off (limit 0: all).
func (s *Server) adminOrderRows(ctx context.Context, f adminOrderFilter, limit, off int, count bool, each func(adminOrderRow) error) (int, error) {
	var w adminWhere
	if f.Status != "" {
		w.add("o.status = ?", f.Status)
	}
	if f.From != nil {
		w.add("o.created_at >= ?", f.From.UTC())
	}
	if f.To != nil {
		w.add("o.created_at < ?", f.To.UTC())
	}
	if f.OrderNo != "" {
		w.add("o.order_no = ?", f.OrderNo)
	}
	countQ, countArgs := `SELECT count(*) FROM orders o`+w.sql(), w.args
	pageQ := ``
	if f.DistributorID != 0 {
		// Orders credited to the distributor directly and those it earns on as the level-1 parent
		// never overlap (no one is their own parent), so each half runs on its own index
		// (orders_distributor_ix, orders_parent_ix) in created order, instead of sorting every
		// match of an OR.
		w.args = append(w.args, f.DistributorID)
		id := "$" + adminItoa(len(w.args))
		direct, team := w.with("o.distributor_id = "+id), w.with("o.parent_id = "+id)
		countQ = `SELECT (SELECT count(*) FROM orders o` + direct + `) + (SELECT count(*) FROM orders o` + team + `)`
		countArgs = slices.Clone(w.args)
		if limit > 0 && strings.HasPrefix(f.OrderBy, "o.created_at") {
			w.args = append(w.args, off+limit)
			top := ` ORDER BY ` + f.OrderBy + ` LIMIT $` + adminItoa(len(w.args))
			pageQ = `SELECT ` + adminOrderColumns + adminOrderFrom + ` WHERE o.id IN (SELECT id FROM (SELECT o.id FROM orders o` + direct + top +
				`) a UNION ALL SELECT id FROM (SELECT o.id FROM orders o` + team + top + `) b)`
		} else { // by total, or the whole list for CSV: one scan either way
			w.conds = append(w.conds, "(o.distributor_id = "+id+" OR o.parent_id = "+id+")")
		}
	}
	total := 0
	if count {
		if err := s.DB.R.QueryRowContext(ctx, countQ, countArgs...).Scan(&total); err != nil {
			return 0, fmt.Errorf("count orders: %w", err)
		}
	}
	var query string
	switch {
	case pageQ != "":
		query = pageQ + ` ORDER BY ` + f.OrderBy + w.limit(limit, off)
	case limit > 0:
		// Find the page's ids first, on the orders alone (the created index covers that for
		// the created sorts), then read those rows with their distributors.
		inner := `SELECT o.id FROM orders o` + w.sql() + ` ORDER BY ` + f.OrderBy + w.limit(limit, off)
		query = `SELECT ` + adminOrderColumns + adminOrderFrom + ` WHERE o.id IN (` + inner + `) ORDER BY ` + f.OrderBy
	default:
		query = `SELECT ` + adminOrderColumns + adminOrderFrom + w.sql() + ` ORDER BY ` + f.OrderBy
	}
	rows, err := s.DB.R.QueryContext(ctx, query, w.args...)
	if err != nil {
		return 0, fmt.Errorf("list orders: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var o adminOrderRow
		if err := rows.Scan(&o.ID, &o.OrderNo, &o.CustomerName, &o.CustomerPhone, &o.Status, &o.TotalFen, &o.RefundedFen,
			&o.DistributorID, &o.DistCode, &o.DistName, &o.CreatedAt, &o.PaidAt); err != nil {
			return 0, fmt.Errorf("read order: %w", err)
		}
		if err := each(o); err != nil {
			return 0, err
		}
	}
	return total, rows.Err()
}

type adminOrdersData struct {
	Items    []adminOrderRow
	Pager    adminPager
	Sort     string
	Statuses []string
}

// adminOrderFilterOf reads the list's filters; a distributor is named by share code or id. An
// unknown distributor or a bad date is a message next to its field and an empty list.
func (s *Server) adminOrderFilterOf(r *http.Request, p *Page) (adminOrderFilter, string, bool) {
	q := r.URL.Query()
	f := adminOrderFilter{OrderNo: strings.TrimSpace(q.Get("order_no"))}
	for _, st := range adminOrderStatuses {
		if q.Get("status") == st {
			f.Status = st
		}
	}
	ok := true
	p.Errors = map[string]string{}
	if v := strings.TrimSpace(q.Get("distributor")); v != "" {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			f.DistributorID = id
		} else if d, err := s.Network.ByCode(r.Context(), v); err == nil {
			f.DistributorID = d.ID
		} else {
			p.Errors["distributor"], ok = p.T("admin.o.no_distributor"), false
		}
	}
	for _, name := range []string{"from", "to"} {
		if q.Get(name) == "" {
			continue
		}
		t, good := adminDay(r, name)
		if !good {
			p.Errors[name], ok = p.T("admin.o.bad_date"), false
			continue
		}
		if name == "from" {
			f.From = &t
		} else {
			end := t.AddDate(0, 0, 1) // the whole "to" day
			f.To = &end
		}
	}
	key, orderBy := adminSort(r, adminOrderSorts)
	f.OrderBy = orderBy
	return f, key, ok
}

func (s *Server) adminOrders(w http.ResponseWriter, r *http.Request) {
	p := s.adminPage(w, r, "admin.nav.orders", nil)
	f, sortKey, ok := s.adminOrderFilterOf(r, p)
	if adminWantsExport(r) && ok {
		s.adminOrdersExport(w, r, p, f)
		return
	}
	page := adminPageParam(r)
	d := adminOrdersData{Items: []adminOrderRow{}, Sort: sortKey, Statuses: adminOrderStatuses}
	total := 0
	if ok {
		var err error
		total, err = s.adminOrderRows(r.Context(), f, adminPerPage, adminOffset(page), true, func(o adminOrderRow) error {
			d.Items = append(d.Items, o)
			return nil
		})
		if err != nil {
			s.fail(w, r, "admin", err)
			return
		}
	}
	d.Pager = newAdminPager(r.URL, page, total)
	p.Data = d
	s.render(w, r, http.StatusOK, "admin/orders", p)
}

func (s *Server) adminOrdersExport(w http.ResponseWriter, r *http.Request, p *Page, f adminOrderFilter) {
	cols, rows := s.adminOrdersTable(p, f)
	s.adminExport(w, r, "orders", p.T("admin.nav.orders"), cols, rows)
}

// adminOrdersTable is the orders list as an export: its columns and its rows, the whole
// filtered list, for a download or a background job.
func (s *Server) adminOrdersTable(p *Page, f adminOrderFilter) ([]export.Column, export.Rows) {
	cols := []export.Column{{Header: p.T("admin.o.no")}, {Header: p.T("admin.o.created"), Kind: export.Time}, {Header: p.T("admin.o.status")},
		{Header: p.T("admin.o.customer")}, {Header: p.T("admin.o.phone")}, {Header: p.T("admin.o.total"), Kind: export.Money},
		{Header: p.T("admin.o.refunded"), Kind: export.Money}, {Header: p.T("admin.d.code")}, {Header: p.T("admin.o.distributor")},
		{Header: p.T("admin.o.paid_at"), Kind: export.Time}}
	return cols, func(ctx context.Context, emit func([]any) error) error {
		_, err := s.adminOrderRows(ctx, f, 0, 0, false, func(o adminOrderRow) error {
			return emit([]any{o.OrderNo, o.CreatedAt, p.T("status." + o.Status), o.CustomerName, o.CustomerPhone,
				o.TotalFen, o.RefundedFen, o.DistCode, o.DistName, o.PaidAt})
		})
		return err
	}
}
