package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/fenxiao/fenxiao/internal/network"
)

// Applying to become a distributor, and the application's status.

const (
	portalApplyLimit  = 10 // applications per IP per window
	portalApplyWindow = time.Hour
)

// portalApply shows and takes the application form. ?invite=CODE (a level 1's invite link)
// fills in the invite code. The network service decides everything: the level, the parent,
// whether the invite is usable, auto-approval.
func (s *Server) portalApply(w http.ResponseWriter, r *http.Request) {
	p := &Page{Title: "m.apply.title", Form: url.Values{}}
	if r.Method != http.MethodPost {
		p.Form.Set("invite_code", r.URL.Query().Get("invite"))
		s.portalRender(w, r, http.StatusOK, "m/apply", p)
		return
	}
	_ = r.ParseForm()
	p.Form = r.PostForm
	if !s.portalAllow(r, p, "portal-apply", portalApplyLimit, portalApplyWindow) {
		s.portalRender(w, r, http.StatusTooManyRequests, "m/apply", p)
		return
	}
	d, err := s.Network.Apply(r.Context(), network.Application{
		Name:       r.PostFormValue("name"),
		Phone:      r.PostFormValue("phone"),
		RealName:   r.PostFormValue("real_name"),
		IDCard:     r.PostFormValue("id_card"),
		InviteCode: r.PostFormValue("invite_code"),
	})
	if err != nil {
		if !formError(err, p) {
			s.portalFail(w, r, err)
			return
		}
		s.portalRender(w, r, http.StatusUnprocessableEntity, "m/apply", p)
		return
	}
	// The session remembers the application so its status can be shown; it does not sign in:
	// that needs the phone's one-time code (or a password), as for everyone.
	s.Sessions.Put(r.Context(), "portal_applied_id", d.ID)
	http.Redirect(w, r, "/m/status", http.StatusSeeOther)
}

type portalStatusData struct {
	D        network.Distributor
	SignedIn bool
}

// portalStatus shows the signed-in distributor's status, or the application this browser just
// made. It is the only page a pending or rejected applicant sees.
func (s *Server) portalStatus(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := s.Sessions.GetInt64(ctx, "distributor_id")
	signedIn := id != 0
	if !signedIn {
		id = s.Sessions.GetInt64(ctx, "portal_applied_id")
	}
	if id == 0 {
		http.Redirect(w, r, "/m/login", http.StatusSeeOther)
		return
	}
	d, err := s.Network.Get(ctx, id)
	if err != nil {
		s.Sessions.Remove(ctx, "portal_applied_id")
		http.Redirect(w, r, "/m/login", http.StatusSeeOther)
		return
	}
	p := &Page{Title: "m.status.title", Data: portalStatusData{D: d, SignedIn: signedIn}}
	if signedIn {
		p.Distributor = &d
	}
	s.portalRender(w, r, http.StatusOK, "m/status", p)
}
