package web

import "net/http"

// routeAdmin is the console's route table: every page of /admin in one place, with its roles.
func (s *Server) routeAdmin(mux *http.ServeMux) {
	any := []string{"operator", "finance"}
	mux.HandleFunc("GET /admin/setup", s.adminSetup)
	mux.HandleFunc("POST /admin/setup", s.adminSetup)
	mux.HandleFunc("GET /admin/login", s.adminLogin)
	mux.HandleFunc("POST /admin/login", s.adminLogin)
	mux.HandleFunc("POST /admin/logout", s.adminLogout)
	mux.HandleFunc("GET /admin/{$}", s.staff(any, s.adminDashboard))
}
