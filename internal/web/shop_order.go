package web

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/order"
)

// The order page shows a customer's order only to the session that placed it, or to one that
// gives the order number together with the last four digits of the customer's phone. Order
// numbers are random, and the digits are rate-limited, so pages cannot be walked by guessing.

func (s *Server) shopOrder(w http.ResponseWriter, r *http.Request) {
	no := r.PathValue("no")
	if !s.ownsOrder(r.Context(), no) {
		s.render(w, r, http.StatusOK, "s/lookup", &Page{Title: "s.lookup.title", Form: url.Values{"order_no": {no}}})
		return
	}
	o, err := s.orderByNo(r.Context(), no)
	if err != nil {
		s.shopFail(w, r, err)
		return
	}
	pay := o.Status == order.Created && s.DB.Now().Before(o.ExpiresAt)
	s.render(w, r, http.StatusOK, "s/order", &Page{Title: "s.order.title", Data: map[string]any{"Order": o, "CanPay": pay}})
}

// shopLookup asks for the order number and the phone's last four digits, and on a match lets
// this session see the order.
func (s *Server) shopLookup(w http.ResponseWriter, r *http.Request) {
	pg := &Page{Title: "s.lookup.title", Form: r.URL.Query()}
	if r.Method != http.MethodPost {
		s.render(w, r, http.StatusOK, "s/lookup", pg)
		return
	}
	pg.Form = r.PostForm
	no := strings.ToUpper(strings.TrimSpace(r.PostFormValue("order_no")))
	digits := strings.TrimSpace(r.PostFormValue("phone4"))
	if len(no) > 40 {
		no = no[:40] // order numbers are 20 characters; this keeps rate-limit buckets small
	}
	okIP, err1 := s.Accounts.Allow(r.Context(), "shop-lookup:"+clientIP(r), 30, 10*time.Minute)
	okNo, err2 := s.Accounts.Allow(r.Context(), "shop-lookup-order:"+no, 10, time.Hour)
	if err1 != nil || err2 != nil || !okIP || !okNo {
		formError(errs.E(errs.Conflict, "lookup_slow", "too many attempts; wait a while and try again"), pg)
		s.render(w, r, http.StatusTooManyRequests, "s/lookup", pg)
		return
	}
	o, err := s.orderByNo(r.Context(), no)
	// The same answer whether the number or the digits are wrong, so neither can be probed alone.
	if err != nil || len(digits) != 4 || len(o.CustomerPhone) < 4 ||
		subtle.ConstantTimeCompare([]byte(digits), []byte(o.CustomerPhone[len(o.CustomerPhone)-4:])) != 1 {
		if err != nil && errs.KindOf(err) != errs.NotFound {
			s.shopFail(w, r, err)
			return
		}
		formError(errs.Field("phone4", "lookup_mismatch", "the order number and the phone's last four digits do not match an order"), pg)
		s.render(w, r, http.StatusUnprocessableEntity, "s/lookup", pg)
		return
	}
	s.rememberOrder(r.Context(), o.OrderNo)
	http.Redirect(w, r, "/s/o/"+url.PathEscape(o.OrderNo), http.StatusSeeOther)
}

// shopPayAgain sends the customer back to the payment provider for an unpaid order.
func (s *Server) shopPayAgain(w http.ResponseWriter, r *http.Request) {
	no := r.PathValue("no")
	back := "/s/o/" + url.PathEscape(no)
	if !s.ownsOrder(r.Context(), no) {
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	o, err := s.orderByNo(r.Context(), no)
	if err != nil {
		s.shopFail(w, r, err)
		return
	}
	if o.Status != order.Created {
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	cfg, err := s.shopConfig(r.Context())
	if err != nil {
		s.shopFail(w, r, err)
		return
	}
	s.checkoutRedirect(w, r, cfg, o)
}
