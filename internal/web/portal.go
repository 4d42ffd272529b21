package web

import (
	"net/http"

	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/network"
)

// routePortal is the distributor portal's route table: every page of /m in one place.
// Public: sign-in, password reset, the application form and its status. Everything else needs a
// signed-in distributor whose application was approved (s.portal); the team needs a level 1.
func (s *Server) routePortal(mux *http.ServeMux) {
	mux.HandleFunc("GET /m/login", s.portalLogin)
	mux.HandleFunc("POST /m/login", s.portalLogin)
	mux.HandleFunc("POST /m/login/code", s.portalLoginCode)
	mux.HandleFunc("POST /m/logout", s.portalLogout)
	mux.HandleFunc("GET /m/reset", s.portalReset)
	mux.HandleFunc("POST /m/reset", s.portalReset)
	mux.HandleFunc("GET /m/apply", s.portalApply)
	mux.HandleFunc("POST /m/apply", s.portalApply)
	mux.HandleFunc("GET /m/status", s.portalStatus)

	mux.HandleFunc("GET /m/{$}", s.portal(s.portalHome))
	mux.HandleFunc("GET /m/products", s.portal(s.portalProducts))
	mux.HandleFunc("GET /m/products/{pid}/poster.png", s.portal(s.portalPoster))
	mux.HandleFunc("GET /m/materials", s.portal(s.portalMaterials))
	mux.HandleFunc("GET /m/materials/{id}/file", s.portal(s.portalMaterialFile))
	mux.HandleFunc("GET /m/report", s.portal(s.portalReport))
	mux.HandleFunc("GET /m/links", s.portal(s.portalLinks))
	mux.HandleFunc("GET /m/links/{code}/qr.png", s.portal(s.portalLinkQR))
	mux.HandleFunc("GET /m/links/{code}/qr.svg", s.portal(s.portalLinkQR))
	mux.HandleFunc("GET /m/orders", s.portal(s.portalOrders))
	mux.HandleFunc("GET /m/orders/{id}", s.portal(s.portalOrder))
	mux.HandleFunc("GET /m/team", s.portal(s.level1(s.portalTeam)))
	mux.HandleFunc("GET /m/commissions", s.portal(s.portalCommissions))
	mux.HandleFunc("GET /m/statements", s.portal(s.portalStatements))
	mux.HandleFunc("GET /m/statements/{id}", s.portal(s.portalStatement))
	mux.HandleFunc("GET /m/withdraw", s.portal(s.portalWithdraw))
	mux.HandleFunc("POST /m/withdraw", s.portal(s.portalWithdraw))
	mux.HandleFunc("GET /m/profile", s.portal(s.portalProfile))
	mux.HandleFunc("POST /m/profile/password", s.portal(s.portalPassword))
}

// portal guards a page of the portal: a signed-in distributor (s.distributor, loaded fresh on
// every request) whose application was approved. A pending or rejected applicant sees only the
// status page; a frozen distributor keeps read access and each page says why it earns nothing.
func (s *Server) portal(h http.HandlerFunc) http.HandlerFunc {
	return s.distributor(func(w http.ResponseWriter, r *http.Request) {
		if d := DistributorFrom(r); d.Status == network.Pending || d.Status == network.Rejected {
			http.Redirect(w, r, "/m/status", http.StatusSeeOther)
			return
		}
		h(w, r)
	})
}

// level1 guards a page only a level-1 distributor has (its team).
func (s *Server) level1(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if DistributorFrom(r).Level != 1 {
			s.portalFail(w, r, errs.E(errs.Forbidden, "no_team", "only level-1 distributors have a team"))
			return
		}
		h(w, r)
	}
}
