package web

import "net/http"

// routePortal is the distributor portal's route table.
func (s *Server) routePortal(mux *http.ServeMux) {
}
