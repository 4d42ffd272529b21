package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/fenxiao/fenxiao/internal/db"
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
	if adminWantsCSV(r) {
		s.adminDistributorsCSV(w, r, f)
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

func (s *Server) adminDistributorsCSV(w http.ResponseWriter, r *http.Request, f adminDistributorFilter) {
	p := s.adminPage(w, r, "", nil)
	header := []string{"ID", p.T("admin.d.code"), p.T("admin.d.name"), p.T("admin.d.phone"), p.T("admin.d.level"),
		p.T("admin.d.parent"), p.T("admin.d.status"), p.T("admin.d.reason"), p.T("admin.d.team"), p.T("admin.d.created"), p.T("admin.d.approved")}
	err := writeCSV(w, "distributors.csv", header, func(emit func([]string) error) error {
		_, err := s.adminDistributorRows(r.Context(), f, 0, 0, false, func(d adminDistributorRow) error {
			parent := ""
			if d.ParentCode != nil {
				parent = *d.ParentCode
			}
			reason := ""
			if d.Reason != nil {
				reason = *d.Reason
			}
			return emit([]string{adminItoa(d.ID), d.Code, d.Name, d.Phone, adminItoa(d.Level), parent, p.T("status." + d.Status),
				reason, adminItoa(d.Team), adminCSVTime(&d.CreatedAt), adminCSVTime(d.ApprovedAt)})
		})
		return err
	})
	if err != nil {
		s.Log.ErrorContext(r.Context(), "distributors csv", "err", err)
	}
}
