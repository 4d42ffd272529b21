package web

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/export"
)

// Staff accounts: the owner lists them and creates operator and finance accounts. The shop's
// one owner is made at first start (/admin/setup).

type adminStaffRow struct {
	ID        int64
	Login     string
	Name      string
	Role      string
	Disabled  bool
	CreatedAt time.Time
}

type adminStaffData struct {
	Items []adminStaffRow
	Pager adminPager
}

func (s *Server) adminStaffRows(r *http.Request) ([]adminStaffRow, error) {
	rows, err := s.DB.R.QueryContext(r.Context(), adminQStaff)
	if err != nil {
		return nil, fmt.Errorf("list staff: %w", err)
	}
	defer rows.Close()
	out := []adminStaffRow{}
	for rows.Next() {
		var st adminStaffRow
		if err := rows.Scan(&st.ID, &st.Login, &st.Name, &st.Role, &st.Disabled, &st.CreatedAt); err != nil {
			return nil, fmt.Errorf("read staff: %w", err)
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

func (s *Server) adminStaff(w http.ResponseWriter, r *http.Request) {
	s.adminStaffPage(w, r, http.StatusOK, &Page{})
}

func (s *Server) adminStaffPage(w http.ResponseWriter, r *http.Request, status int, p *Page) {
	all, err := s.adminStaffRows(r)
	if err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	if adminWantsExport(r) {
		q := s.adminPage(w, r, "", nil)
		cols := []export.Column{{Header: "ID", Kind: export.Int}, {Header: q.T("login.login")}, {Header: q.T("admin.st.name")},
			{Header: q.T("admin.st.role")}, {Header: q.T("admin.st.disabled")}, {Header: q.T("admin.st.created"), Kind: export.Time}}
		s.adminExport(w, r, "staff", q.T("admin.nav.staff"), cols, func(_ context.Context, emit func([]any) error) error {
			for _, st := range all {
				if err := emit([]any{st.ID, st.Login, st.Name, st.Role, fmt.Sprint(st.Disabled), st.CreatedAt}); err != nil {
					return err
				}
			}
			return nil
		})
		return
	}
	page := adminPageParam(r)
	from := min(adminOffset(page), len(all))
	p.Title = "admin.nav.staff"
	p.Data = adminStaffData{Items: all[from:min(from+adminPerPage, len(all))], Pager: newAdminPager(r.URL, page, len(all))}
	s.render(w, r, status, "admin/staff", p)
}

// adminStaffCreate makes an operator or finance account; the account service checks the login,
// name and password and writes the audit entry.
func (s *Server) adminStaffCreate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	role := r.PostFormValue("role")
	var err error
	if role != "operator" && role != "finance" {
		err = errs.Field("role", "invalid_staff_role", "this page creates operator and finance accounts")
	} else {
		_, err = s.Accounts.CreateStaff(r.Context(), r.PostFormValue("login"), r.PostFormValue("name"), role, r.PostFormValue("password"))
	}
	if err != nil {
		p := &Page{Form: r.PostForm}
		p.Form.Del("password")
		if !formError(err, p) {
			s.fail(w, r, "admin", err)
			return
		}
		s.adminStaffPage(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	s.adminDone(w, r, "/admin/staff", "admin.st.created_msg", "Login", r.PostFormValue("login"))
}
