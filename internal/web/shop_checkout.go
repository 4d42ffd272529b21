package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/identity"
	"github.com/fenxiao/fenxiao/internal/order"
	"github.com/fenxiao/fenxiao/internal/payment"
)

// Checkout: "buy now" from a product page (GET /s/checkout?sku=&qty=) or the whole cart
// (GET /s/checkout). The form carries its lines as hidden fields, so the order is exactly what the
// customer saw, and a random token that makes a double submission place one order.

var tokenRE = regexp.MustCompile(`^[0-9a-f]{32}$`)

// checkoutFields are the form's own fields; an order error about anything else is shown on top.
var checkoutFields = []string{"customer_name", "customer_phone", "ship_address"}

func (s *Server) shopCheckout(w http.ResponseWriter, r *http.Request) {
	pg := &Page{Form: url.Values{"token": {newToken()}}}
	var lines []cartLine
	if sku := r.URL.Query().Get("sku"); sku != "" {
		qty := r.URL.Query().Get("qty")
		if qty == "" {
			qty = "1"
		}
		if l, ok := parseLine(sku, qty); ok {
			lines = append(lines, l)
		}
	} else {
		pg.Form.Set("from", "cart")
		lines = s.cart(r.Context())
	}
	if len(lines) == 0 {
		http.Redirect(w, r, "/s/cart", http.StatusSeeOther)
		return
	}
	s.renderCheckout(w, r, http.StatusOK, pg, lines)
}

func (s *Server) renderCheckout(w http.ResponseWriter, r *http.Request, status int, pg *Page, lines []cartLine) {
	shown, total, err := s.resolve(r.Context(), lines)
	if err != nil {
		s.shopFail(w, r, err)
		return
	}
	blocked := len(shown) == 0
	for _, l := range shown {
		blocked = blocked || l.Unavailable
	}
	pg.Title = "s.checkout.title"
	pg.Data = map[string]any{"Lines": shown, "Total": total, "Blocked": blocked}
	s.render(w, r, status, "s/checkout", pg)
}

func (s *Server) shopPlaceOrder(w http.ResponseWriter, r *http.Request) {
	pg := &Page{Form: r.PostForm}
	lines, ok := formLines(r.PostForm)
	if !ok {
		formError(errs.Field("", "invalid_lines", "the order's items are not readable; go back to the product and try again"), pg)
		s.renderCheckout(w, r, http.StatusUnprocessableEntity, pg, lines)
		return
	}
	in := order.Input{CustomerName: r.PostFormValue("customer_name"), CustomerPhone: r.PostFormValue("customer_phone"),
		ShipAddress: r.PostFormValue("ship_address")}
	if customerErrors(pg, in) {
		s.renderCheckout(w, r, http.StatusUnprocessableEntity, pg, lines)
		return
	}
	cfg, err := s.shopConfig(r.Context())
	if err != nil {
		s.shopFail(w, r, err)
		return
	}
	for _, l := range lines {
		in.Lines = append(in.Lines, order.LineInput{SKUID: l.SKUID, Quantity: l.Qty})
	}
	if t := r.PostFormValue("token"); tokenRE.MatchString(t) {
		in.IdemKey = "shop:" + t
	}
	in.Ref = s.refFrom(r, cfg)
	o, _, err := s.Orders.Create(r.Context(), in)
	if errs.Is(err, "unknown_ref") {
		// The cookie's distributor is gone: the customer still gets to buy, crediting nobody.
		in.Ref = ""
		http.SetCookie(w, &http.Cookie{Name: refCookie, Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
		o, _, err = s.Orders.Create(r.Context(), in)
	}
	if err != nil {
		if !formError(err, pg) {
			s.shopFail(w, r, err)
			return
		}
		onTop(pg, checkoutFields...)
		status := http.StatusUnprocessableEntity
		if errs.KindOf(err) == errs.Conflict {
			status = http.StatusConflict
		}
		s.renderCheckout(w, r, status, pg, lines)
		return
	}
	s.rememberOrder(r.Context(), o.OrderNo)
	if r.PostFormValue("from") == "cart" {
		s.saveCart(r.Context(), nil)
	}
	s.checkoutRedirect(w, r, cfg, o)
}

// formLines reads the hidden sku and qty fields, which come in pairs.
func formLines(f url.Values) ([]cartLine, bool) {
	skus, qtys := f["sku"], f["qty"]
	if len(skus) == 0 || len(skus) != len(qtys) || len(skus) > maxCartLines {
		return nil, false
	}
	out := make([]cartLine, 0, len(skus))
	for i := range skus {
		l, ok := parseLine(skus[i], qtys[i])
		if !ok {
			return nil, false
		}
		out = append(out, l)
	}
	return out, true
}

// customerErrors checks the three customer fields at once, so that every mistake shows at the
// first submission; the order service checks them again and has the last word (it stops at the
// first). It uses the same identity rules the order service does.
func customerErrors(pg *Page, in order.Input) bool {
	found := false
	add := func(field string, err error) {
		if err = identity.AsField(field, err); err != nil {
			formError(err, pg)
			found = true
		}
	}
	_, err := identity.Name(in.CustomerName, 64)
	add("customer_name", err)
	_, err = identity.NormalizePhone(in.CustomerPhone)
	add("customer_phone", err)
	if strings.TrimSpace(in.ShipAddress) == "" {
		add("ship_address", errs.Field("ship_address", "invalid_address", "the shipping address is required"))
	}
	return found
}

// onTop moves errors about fields the form does not show (an order line, the ref) to the top.
func onTop(pg *Page, shown ...string) {
	for f, msg := range pg.Errors {
		if f == "_" || contains(shown, f) {
			continue
		}
		delete(pg.Errors, f)
		pg.Errors["_"] = msg
		if c, ok := pg.codes[f]; ok {
			delete(pg.codes, f)
			pg.codes["_"] = c
		}
	}
}

// checkoutRedirect sends the customer to the payment provider for o.
func (s *Server) checkoutRedirect(w http.ResponseWriter, r *http.Request, cfg ShopConfig, o order.Order) {
	orderURL := "/s/o/" + url.PathEscape(o.OrderNo)
	base, ok := baseURL(cfg, r)
	if !ok {
		http.Error(w, "bad Host header", http.StatusBadRequest)
		return
	}
	subject := ""
	if len(o.Lines) > 0 {
		subject = o.Lines[0].ProductName
		if len(o.Lines) > 1 {
			subject += " +" + strconv.Itoa(len(o.Lines)-1)
		}
	}
	to, err := cfg.Provider.Checkout(r.Context(), payment.Checkout{OrderID: o.ID, OrderNo: o.OrderNo, AmountFen: o.TotalFen,
		Subject: subject, BaseURL: base, ReturnURL: base + orderURL, NotifyURL: base + "/s/pay/notify/" + cfg.Provider.Name()})
	if err != nil {
		s.Log.ErrorContext(r.Context(), "payment checkout", "order", o.OrderNo, "provider", cfg.Provider.Name(), "err", err)
		s.flash(r, s.shopT(w, r, "s.pay.unavailable"))
		to = orderURL
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}
