package web

import (
	"net/http"
	"strings"
)

// The console's doors: first-start setup of the owner, sign-in and sign-out.

func (s *Server) adminSetup(w http.ResponseWriter, r *http.Request) {
	has, err := s.Accounts.HasOwner(r.Context())
	if err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	if has {
		http.Redirect(w, r, "/admin/login", http.StatusSeeOther)
		return
	}
	p := &Page{Title: "setup.title"}
	if r.Method == http.MethodPost {
		p.Form = r.PostForm
		if err := r.ParseForm(); err == nil {
			p.Form = r.PostForm
			st, err := s.Accounts.CreateStaff(r.Context(), r.PostFormValue("login"), r.PostFormValue("name"), "owner", r.PostFormValue("password"))
			if err == nil {
				if err := s.signIn(r, "staff_id", st.ID); err != nil {
					s.fail(w, r, "admin", err)
					return
				}
				http.Redirect(w, r, "/admin/", http.StatusSeeOther)
				return
			}
			if !formError(err, p) {
				s.fail(w, r, "admin", err)
				return
			}
		}
		s.render(w, r, http.StatusUnprocessableEntity, "admin/setup", p)
		return
	}
	s.render(w, r, http.StatusOK, "admin/setup", p)
}

func (s *Server) adminLogin(w http.ResponseWriter, r *http.Request) {
	if has, err := s.Accounts.HasOwner(r.Context()); err == nil && !has {
		http.Redirect(w, r, "/admin/setup", http.StatusSeeOther)
		return
	}
	p := &Page{Title: "login.title", Data: map[string]string{"Next": r.FormValue("next")}}
	if r.Method != http.MethodPost {
		s.render(w, r, http.StatusOK, "admin/login", p)
		return
	}
	p.Form = r.PostForm
	login := strings.ToLower(strings.TrimSpace(r.PostFormValue("login")))
	ip := clientIP(r)
	if ok, err := s.Accounts.Allow(r.Context(), "staff-login:"+ip, 20, 10*60e9); err != nil || !ok {
		p.Errors = map[string]string{"_": p.T("login.slow")}
		s.render(w, r, http.StatusTooManyRequests, "admin/login", p)
		return
	}
	st, err := s.Accounts.LoginStaff(r.Context(), login, r.PostFormValue("password"))
	if err != nil {
		if !formError(err, p) {
			s.fail(w, r, "admin", err)
			return
		}
		p.Form.Del("password")
		s.render(w, r, http.StatusUnauthorized, "admin/login", p)
		return
	}
	if err := s.signIn(r, "staff_id", st.ID); err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	http.Redirect(w, r, safeNext(r.PostFormValue("next"), "/admin/"), http.StatusSeeOther)
}

func (s *Server) adminLogout(w http.ResponseWriter, r *http.Request) {
	_ = s.Sessions.Destroy(r.Context())
	http.Redirect(w, r, "/admin/login", http.StatusSeeOther)
}

// clientIP is the peer address; behind a proxy set one that rewrites RemoteAddr.
func clientIP(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i > 0 {
		host = host[:i]
	}
	return host
}
