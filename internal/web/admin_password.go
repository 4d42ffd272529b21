package web

import (
	"net/http"
)

// Passwords in the console: every staff member changes their own (/admin/password); the owner
// sets a new one for a staff member who forgot theirs (from the staff page).

func (s *Server) adminPassword(w http.ResponseWriter, r *http.Request) {
	p := &Page{Title: "admin.pw.title"}
	if r.Method != http.MethodPost {
		s.render(w, r, http.StatusOK, "admin/password", p)
		return
	}
	st := staffFrom(r)
	err := s.Accounts.ChangeStaffPassword(r.Context(), st.ID, r.PostFormValue("current"), r.PostFormValue("password"))
	if err != nil {
		if !formError(err, p) {
			s.fail(w, r, "admin", err)
			return
		}
		if _, ok := p.Errors["_"]; ok { // a wrong current password belongs next to its field
			p.Errors["current"] = p.Errors["_"]
			delete(p.Errors, "_")
		}
		s.render(w, r, http.StatusUnprocessableEntity, "admin/password", p)
		return
	}
	s.adminDone(w, r, "/admin/", "admin.pw.changed")
}

func (s *Server) adminStaffPassword(w http.ResponseWriter, r *http.Request) {
	id := pathID(r)
	err := s.Accounts.SetStaffPassword(r.Context(), id, r.PostFormValue("password"))
	if err != nil {
		p := &Page{Form: r.PostForm}
		if !formError(err, p) {
			s.fail(w, r, "admin", err)
			return
		}
		p.Errors["reset"] = p.Errors["password"]
		s.adminStaffPage(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	s.adminDone(w, r, "/admin/staff", "admin.pw.reset_done")
}
