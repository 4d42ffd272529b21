package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/export"
)

// The distributors list: search, filters, sorting, paging and CSV, on the server.

type adminDistributorRow struct {
	ID         int64
	Code       string
	Name       string
	Phone      string
	Level      int
	ParentID   *int64
	ParentCode *string
	Status     string
	Reason     *string
	CreatedAt  time.Time
	ApprovedAt *time.Time
	Team       int
}

type adminDistributorFilter struct {
	Status   string
	Level    int
	ParentID int64
	Q        string
	OrderBy  string
}

var adminDistributorSorts = [][2]string{
	{"new", "d.created_at DESC, d.id DESC"},
	{"old", "d.created_at, d.id"},
	{"name", "d.name, d.id"},
}

func adminDistributorFilterOf(r *http.Request) (adminDistributorFilter, string) {
	q := r.URL.Query()
	f := adminDistributorFilter{Q: strings.TrimSpace(q.Get("q")), ParentID: int64(intParam(r, "parent", 0))}
	switch st := q.Get("status"); st {
	case "pending", "approved", "rejected", "frozen":
		f.Status = st
	}
	if l := intParam(r, "level", 0); l == 1 || l == 2 {
		f.Level = l
	}
	key, orderBy := adminSort(r, adminDistributorSorts)
	f.OrderBy = orderBy
	return f, key
}

// adminDistributorRows calls each for the distributors matching f, limit at a time from off
// (limit 0: all of them, for CSV), and returns how many match when counting.
func (s *Server) adminDistributorRows(ctx context.Context, f adminDistributorFilter, limit, off int, count bool, each func(adminDistributorRow) error) (int, error) {
	var w adminWhere
	if f.Status != "" {
		w.add("d.status = ?", f.Status)
	}
	if f.Level != 0 {
		w.add("d.level = ?", f.Level)
	}
	if f.ParentID != 0 {
		w.add("d.parent_id = ?", f.ParentID)
	}
	if f.Q != "" {
		w.add(fmt.Sprintf(adminDistributorSearch, db.ILike(s.DB.Dialect)), adminLike(f.Q), strings.ToUpper(f.Q))
	}
	total := 0
	if count {
		if err := s.DB.R.QueryRowContext(ctx, `SELECT count(*) FROM distributors d`+w.sql(), w.args...).Scan(&total); err != nil {
			return 0, fmt.Errorf("count distributors: %w", err)
		}
	}
	query := `SELECT ` + adminDistributorColumns + adminDistributorFrom + w.sql() + ` ORDER BY ` + f.OrderBy
	if limit > 0 {
		query += w.limit(limit, off)
	}
	rows, err := s.DB.R.QueryContext(ctx, query, w.args...)
	if err != nil {
		return 0, fmt.Errorf("list distributors: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var d adminDistributorRow
		if err := rows.Scan(&d.ID, &d.Code, &d.Name, &d.Phone, &d.Level, &d.ParentID, &d.ParentCode, &d.Status, &d.Reason,
			&d.CreatedAt, &d.ApprovedAt, &d.Team); err != nil {
			return 0, fmt.Errorf("read distributor: %w", err)
		}
		if err := each(d); err != nil {
			return 0, err
		}
	}
	return total, rows.Err()
}

type adminDistributorsData struct {
	Items      []adminDistributorRow
	Pager      adminPager
	Sort       string
	StatusList []string
}

func (s *Server) adminDistributors(w http.ResponseWriter, r *http.Request) {
	f, sortKey := adminDistributorFilterOf(r)
	if adminWantsExport(r) {
		s.adminDistributorsExport(w, r, f)
		return
	}
	page := adminPageParam(r)
	d := adminDistributorsData{Items: []adminDistributorRow{}, Sort: sortKey,
		StatusList: []string{"pending", "approved", "rejected", "frozen"}}
	total, err := s.adminDistributorRows(r.Context(), f, adminPerPage, adminOffset(page), true, func(row adminDistributorRow) error {
		d.Items = append(d.Items, row)
		return nil
	})
	if err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	d.Pager = newAdminPager(r.URL, page, total)
	s.render(w, r, http.StatusOK, "admin/distributors", &Page{Title: "admin.nav.distributors", Data: d})
}

func (s *Server) adminDistributorsExport(w http.ResponseWriter, r *http.Request, f adminDistributorFilter) {
	p := s.adminPage(w, r, "", nil)
	cols := []export.Column{{Header: "ID", Kind: export.Int}, {Header: p.T("admin.d.code")}, {Header: p.T("admin.d.name")},
		{Header: p.T("admin.d.phone")}, {Header: p.T("admin.d.level"), Kind: export.Int}, {Header: p.T("admin.d.parent")},
		{Header: p.T("admin.d.status")}, {Header: p.T("admin.d.reason")}, {Header: p.T("admin.d.team"), Kind: export.Int},
		{Header: p.T("admin.d.created"), Kind: export.Time}, {Header: p.T("admin.d.approved"), Kind: export.Time}}
	s.adminExport(w, r, "distributors", p.T("admin.nav.distributors"), cols, func(ctx context.Context, emit func([]any) error) error {
		_, err := s.adminDistributorRows(ctx, f, 0, 0, false, func(d adminDistributorRow) error {
			return emit([]any{d.ID, d.Code, d.Name, d.Phone, d.Level, d.ParentCode, p.T("status." + d.Status),
				d.Reason, d.Team, d.CreatedAt, d.ApprovedAt})
		})
		return err
	})
}
