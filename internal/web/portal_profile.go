package web

import (
	"net/http"

	"github.com/fenxiao/fenxiao/internal/errs"
)

type portalProfileData struct {
	HasPassword bool
}

// portalProfile shows the distributor's details (the ID card masked, as the network service
// returns it) and the form to set or change the password.
func (s *Server) portalProfile(w http.ResponseWriter, r *http.Request) {
	s.portalProfilePage(w, r, http.StatusOK, &Page{})
}

func (s *Server) portalProfilePage(w http.ResponseWriter, r *http.Request, status int, p *Page) {
	has, err := s.portalHasPassword(r.Context(), DistributorFrom(r).ID)
	if err != nil {
		s.portalFail(w, r, err)
		return
	}
	p.Title, p.Data = "m.profile.title", portalProfileData{HasPassword: has}
	s.portalRender(w, r, status, "m/profile", p)
}

// portalPassword sets a first password, or changes one after checking the current password
// (a wrong one counts towards the account's lock-out, as at sign-in).
func (s *Server) portalPassword(w http.ResponseWriter, r *http.Request) {
	d := DistributorFrom(r)
	ctx := r.Context()
	_ = r.ParseForm()
	p := &Page{}
	refuse := func(status int) {
		p.Form = nil // passwords are never sent back
		s.portalProfilePage(w, r, status, p)
	}
	password := r.PostFormValue("password")
	if password != r.PostFormValue("confirm") {
		formError(errs.Field("confirm", "password_mismatch", "the two passwords differ"), p)
		refuse(http.StatusUnprocessableEntity)
		return
	}
	has, err := s.portalHasPassword(ctx, d.ID)
	if err != nil {
		s.portalFail(w, r, err)
		return
	}
	if has {
		if !s.portalAllow(r, p, "portal-login", portalLoginLimit, portalAuthWindow) {
			refuse(http.StatusTooManyRequests)
			return
		}
		if _, err := s.Accounts.LoginDistributor(ctx, d.Phone, r.PostFormValue("current")); err != nil {
			if !portalFieldError(err, p, "current") {
				s.portalFail(w, r, err)
				return
			}
			refuse(http.StatusUnprocessableEntity)
			return
		}
	}
	if err := s.Accounts.SetDistributorPassword(ctx, d.ID, password); err != nil {
		if !formError(err, p) {
			s.portalFail(w, r, err)
			return
		}
		refuse(http.StatusUnprocessableEntity)
		return
	}
	s.flash(r, s.portalT(w, r, "m.profile.password_saved"))
	http.Redirect(w, r, "/m/profile", http.StatusSeeOther)
}
