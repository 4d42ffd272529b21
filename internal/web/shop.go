package web

import "net/http"

// routeShop is the customer shop's route table. Every page but the payment notification goes
// through shopPage, which turns ?ref=CODE into the referral cookie.
func (s *Server) routeShop(mux *http.ServeMux) {
	page := s.shopPage
	mux.HandleFunc("GET /s/{$}", page(s.shopHome))
	mux.HandleFunc("GET /s/p/{id}", page(s.shopProduct))
	mux.HandleFunc("GET /s/cart", page(s.shopCart))
	mux.HandleFunc("POST /s/cart", page(s.shopCartAdd))
	mux.HandleFunc("POST /s/cart/remove", page(s.shopCartRemove))
	mux.HandleFunc("GET /s/checkout", page(s.shopCheckout))
	mux.HandleFunc("POST /s/checkout", page(s.shopPlaceOrder))
	mux.HandleFunc("GET /s/o", page(s.shopLookup))
	mux.HandleFunc("POST /s/o", page(s.shopLookup))
	mux.HandleFunc("GET /s/o/{no}", page(s.shopOrder))
	mux.HandleFunc("POST /s/o/{no}/pay", page(s.shopPayAgain))
	mux.HandleFunc("GET /s/sandbox/{no}", page(s.shopSandbox))
	mux.HandleFunc("POST /s/sandbox/{no}", page(s.shopSandbox))
	// Called by the payment provider's servers, not by a browser.
	mux.HandleFunc("POST /s/pay/notify/{provider}", s.shopNotify)
}
