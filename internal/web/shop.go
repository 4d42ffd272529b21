package web

import "net/http"

// routeShop is the customer shop's route table.
func (s *Server) routeShop(mux *http.ServeMux) {
}
