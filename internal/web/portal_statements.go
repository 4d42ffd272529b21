package web

import (
	"net/http"

	"github.com/fenxiao/fenxiao/internal/errs"
)

type portalStatementsData struct {
	Enabled bool
	Items   []StatementView
	Pager   portalPager
}

// portalStatements lists the distributor's settlement statements.
func (s *Server) portalStatements(w http.ResponseWriter, r *http.Request) {
	src := s.portalSources().statements
	if src == nil {
		s.portalRender(w, r, http.StatusOK, "m/statements", &Page{Title: "m.statements.title", Data: portalStatementsData{}})
		return
	}
	page := portalPage(r)
	items, total, err := src.Statements(r.Context(), DistributorFrom(r).ID, page, portalPerPage)
	if err != nil {
		s.portalFail(w, r, err)
		return
	}
	s.portalRender(w, r, http.StatusOK, "m/statements", &Page{Title: "m.statements.title",
		Data: portalStatementsData{Enabled: true, Items: items, Pager: portalPagerFor(r, page, total)}})
}

// portalStatement shows one of the distributor's statements with its lines; any other id is
// "not found".
func (s *Server) portalStatement(w http.ResponseWriter, r *http.Request) {
	src := s.portalSources().statements
	if src == nil {
		s.portalFail(w, r, portalNotFound)
		return
	}
	st, err := src.Statement(r.Context(), DistributorFrom(r).ID, pathID(r))
	if errs.KindOf(err) == errs.NotFound {
		err = portalNotFound
	}
	if err != nil {
		s.portalFail(w, r, err)
		return
	}
	s.portalRender(w, r, http.StatusOK, "m/statement", &Page{Title: "m.statements.one", Data: st})
}
