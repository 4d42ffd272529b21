package web

import "net/http"

func (s *Server) adminDashboard(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "admin/dashboard", &Page{Title: "admin.nav.dashboard"})
}
