package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/fenxiao/fenxiao/internal/account"
	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/network"
)

// The portal's doors: sign-in by password or by a one-time code, sign-out, and a password reset
// by code. The one-time code goes through s.Accounts.SMS; the default provider logs it.

// Per-IP limits on top of the per-phone and per-account limits the account service keeps.
const (
	portalLoginLimit = 20 // sign-in attempts (password or code) per IP per window
	portalCodeLimit  = 10 // codes requested per IP per window
	portalAuthWindow = 10 * time.Minute
)

type portalLoginData struct {
	Next string
	Mode string // "password" or "code"
}

func (s *Server) portalLoginPage(r *http.Request, mode string) *Page {
	if mode != "code" {
		mode = "password"
	}
	p := &Page{Title: "m.login.title", Data: portalLoginData{Next: r.FormValue("next"), Mode: mode}, Form: url.Values{}}
	// After a code was sent the phone is filled in again (kept in the session, not in the URL).
	if phone := s.Sessions.GetString(r.Context(), "portal_code_phone"); phone != "" {
		p.Form.Set("phone", phone)
	}
	return p
}

func (s *Server) portalLogin(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		s.portalRender(w, r, http.StatusOK, "m/login", s.portalLoginPage(r, r.FormValue("mode")))
		return
	}
	_ = r.ParseForm()
	p := s.portalLoginPage(r, "password")
	p.Form = r.PostForm
	if !s.portalAllow(r, p, "portal-login", portalLoginLimit, portalAuthWindow) {
		p.Form.Del("password")
		s.portalRender(w, r, http.StatusTooManyRequests, "m/login", p)
		return
	}
	id, err := s.Accounts.LoginDistributor(r.Context(), r.PostFormValue("phone"), r.PostFormValue("password"))
	if err != nil {
		// One answer for a wrong phone or password, shown at the password; the phone stays.
		if !portalFieldError(err, p, "password") {
			s.portalFail(w, r, err)
			return
		}
		p.Form.Del("password")
		s.portalRender(w, r, http.StatusUnauthorized, "m/login", p)
		return
	}
	s.portalSignedIn(w, r, id, false)
}

// portalLoginCode is the code form: action "send" texts a code to the phone, "verify" signs in.
func (s *Server) portalLoginCode(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	p := s.portalLoginPage(r, "code")
	p.Form = r.PostForm
	phone := strings.TrimSpace(r.PostFormValue("phone"))
	if r.PostFormValue("action") == "send" {
		if !s.portalAllow(r, p, "portal-code", portalCodeLimit, portalAuthWindow) {
			s.portalRender(w, r, http.StatusTooManyRequests, "m/login", p)
			return
		}
		if err := s.Accounts.SendCode(r.Context(), phone, account.PurposeLogin); err != nil {
			if !formError(err, p) {
				s.portalFail(w, r, err)
				return
			}
			s.portalRender(w, r, http.StatusUnprocessableEntity, "m/login", p)
			return
		}
		s.Sessions.Put(r.Context(), "portal_code_phone", phone)
		s.flash(r, s.portalT(w, r, "m.login.code_sent"))
		http.Redirect(w, r, "/m/login?mode=code&next="+url.QueryEscape(r.PostFormValue("next")), http.StatusSeeOther)
		return
	}
	if !s.portalAllow(r, p, "portal-login", portalLoginLimit, portalAuthWindow) {
		s.portalRender(w, r, http.StatusTooManyRequests, "m/login", p)
		return
	}
	id, err := s.Accounts.VerifyCode(r.Context(), phone, account.PurposeLogin, strings.TrimSpace(r.PostFormValue("code")))
	if err != nil {
		if !portalFieldError(err, p, "code") {
			s.portalFail(w, r, err)
			return
		}
		p.Form.Del("code")
		s.portalRender(w, r, http.StatusUnauthorized, "m/login", p)
		return
	}
	s.portalSignedIn(w, r, id, true)
}

// portalSignedIn starts the session and sends the distributor on: an applicant to its status,
// someone who came in by code and has no password yet to the profile to set one, everyone else
// where they were going.
func (s *Server) portalSignedIn(w http.ResponseWriter, r *http.Request, id int64, byCode bool) {
	if err := s.signIn(r, "distributor_id", id); err != nil {
		s.portalFail(w, r, err)
		return
	}
	s.Sessions.Remove(r.Context(), "portal_code_phone")
	d, err := s.Network.Get(r.Context(), id)
	if err != nil {
		s.portalFail(w, r, err)
		return
	}
	if d.Status == network.Pending || d.Status == network.Rejected {
		http.Redirect(w, r, "/m/status", http.StatusSeeOther)
		return
	}
	if byCode {
		has, err := s.portalHasPassword(r.Context(), id)
		if err != nil {
			s.portalFail(w, r, err)
			return
		}
		if !has {
			s.flash(r, s.portalT(w, r, "m.profile.offer_password"))
			http.Redirect(w, r, "/m/profile#password", http.StatusSeeOther)
			return
		}
	}
	http.Redirect(w, r, safeNext(r.PostFormValue("next"), "/m/"), http.StatusSeeOther)
}

func (s *Server) portalLogout(w http.ResponseWriter, r *http.Request) {
	_ = s.Sessions.Destroy(r.Context())
	http.Redirect(w, r, "/m/login", http.StatusSeeOther)
}

// portalReset sets a new password after a code sent to the phone: action "send" texts the code,
// "reset" checks it, signs in (the code proves the phone) and stores the new password.
func (s *Server) portalReset(w http.ResponseWriter, r *http.Request) {
	p := &Page{Title: "m.reset.title", Form: url.Values{}}
	if phone := s.Sessions.GetString(r.Context(), "portal_reset_phone"); phone != "" {
		p.Form.Set("phone", phone)
	}
	if r.Method != http.MethodPost {
		s.portalRender(w, r, http.StatusOK, "m/reset", p)
		return
	}
	_ = r.ParseForm()
	p.Form = r.PostForm
	phone := strings.TrimSpace(r.PostFormValue("phone"))
	refuse := func(status int) {
		p.Form.Del("code")
		p.Form.Del("password")
		p.Form.Del("confirm")
		s.portalRender(w, r, status, "m/reset", p)
	}
	if r.PostFormValue("action") == "send" {
		if !s.portalAllow(r, p, "portal-code", portalCodeLimit, portalAuthWindow) {
			refuse(http.StatusTooManyRequests)
			return
		}
		if err := s.Accounts.SendCode(r.Context(), phone, account.PurposeReset); err != nil {
			if !formError(err, p) {
				s.portalFail(w, r, err)
				return
			}
			refuse(http.StatusUnprocessableEntity)
			return
		}
		s.Sessions.Put(r.Context(), "portal_reset_phone", phone)
		s.flash(r, s.portalT(w, r, "m.login.code_sent"))
		http.Redirect(w, r, "/m/reset", http.StatusSeeOther)
		return
	}
	password := r.PostFormValue("password")
	if password != r.PostFormValue("confirm") {
		formError(errs.Field("confirm", "password_mismatch", "the two passwords differ"), p)
		refuse(http.StatusUnprocessableEntity)
		return
	}
	if !s.portalAllow(r, p, "portal-login", portalLoginLimit, portalAuthWindow) {
		refuse(http.StatusTooManyRequests)
		return
	}
	id, err := s.Accounts.VerifyCode(r.Context(), phone, account.PurposeReset, strings.TrimSpace(r.PostFormValue("code")))
	if err != nil {
		if !portalFieldError(err, p, "code") {
			s.portalFail(w, r, err)
			return
		}
		refuse(http.StatusUnauthorized)
		return
	}
	if err := s.signIn(r, "distributor_id", id); err != nil {
		s.portalFail(w, r, err)
		return
	}
	s.Sessions.Remove(r.Context(), "portal_reset_phone")
	if err := s.Accounts.SetDistributorPassword(r.Context(), id, password); err != nil {
		// The code is spent but it proved the phone: the distributor is signed in and picks
		// another password on the profile page.
		if !formError(err, p) {
			s.portalFail(w, r, err)
			return
		}
		s.flash(r, s.portalT(w, r, "m.reset.signed_in_retry"))
		http.Redirect(w, r, "/m/profile#password", http.StatusSeeOther)
		return
	}
	s.flash(r, s.portalT(w, r, "m.reset.done"))
	http.Redirect(w, r, "/m/", http.StatusSeeOther)
}
