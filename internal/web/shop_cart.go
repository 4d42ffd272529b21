package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/errs"
)

// The cart lives in the session as "sku:qty,sku:qty", so it needs no table and no sign-in.

const (
	cartKey      = "shop_cart"
	maxCartLines = 50
	maxQty       = 9999
)

// cartLine is one SKU and quantity, in the cart or on a checkout form.
type cartLine struct{ SKUID, Qty int64 }

func (s *Server) cart(ctx context.Context) []cartLine {
	var out []cartLine
	for _, part := range strings.Split(s.Sessions.GetString(ctx, cartKey), ",") {
		sku, qty, ok := strings.Cut(part, ":")
		if !ok {
			continue
		}
		l, ok := parseLine(sku, qty)
		if ok {
			out = append(out, l)
		}
	}
	return out
}

func (s *Server) saveCart(ctx context.Context, lines []cartLine) {
	parts := make([]string, len(lines))
	for i, l := range lines {
		parts[i] = fmt.Sprintf("%d:%d", l.SKUID, l.Qty)
	}
	if len(parts) == 0 {
		s.Sessions.Remove(ctx, cartKey)
		return
	}
	s.Sessions.Put(ctx, cartKey, strings.Join(parts, ","))
}

func parseLine(sku, qty string) (cartLine, bool) {
	id, err1 := strconv.ParseInt(strings.TrimSpace(sku), 10, 64)
	n, err2 := strconv.ParseInt(strings.TrimSpace(qty), 10, 64)
	if err1 != nil || err2 != nil || id <= 0 || n <= 0 || n > maxQty {
		return cartLine{}, false
	}
	return cartLine{SKUID: id, Qty: n}, true
}

// shopLine is a line as the customer sees it, with today's price and whether it can be bought.
type shopLine struct {
	cartLine
	ProductID   int64
	Name, Spec  string
	PriceFen    int64
	AmountFen   int64
	Stock       int64
	Unavailable bool // off the shelf, sold out, or fewer left than wanted
}

// resolve prices lines for display; SKUs that no longer exist are dropped. The order service
// decides again, under lock, when the order is placed.
func (s *Server) resolve(ctx context.Context, lines []cartLine) (out []shopLine, total int64, err error) {
	ids := make([]int64, len(lines))
	for i, l := range lines {
		ids[i] = l.SKUID
	}
	items, err := catalog.ItemsForSale(ctx, s.DB.R, ids)
	if err != nil {
		return nil, 0, err
	}
	products := map[int64]catalog.Product{}
	for _, l := range lines {
		it, ok := items[l.SKUID]
		if !ok {
			continue
		}
		p, ok := products[it.ProductID]
		if !ok {
			if p, err = s.Catalog.Get(ctx, it.ProductID); err != nil {
				return nil, 0, err
			}
			products[it.ProductID] = p
		}
		sl := shopLine{cartLine: l, ProductID: it.ProductID, Name: it.ProductName, Spec: it.Spec, PriceFen: it.PriceFen,
			AmountFen: it.PriceFen * l.Qty}
		for _, k := range p.SKUs {
			if k.ID == l.SKUID {
				sl.Stock = k.Stock
			}
		}
		sl.Unavailable = !it.OnShelf || sl.Stock < l.Qty
		total += sl.AmountFen
		out = append(out, sl)
	}
	return out, total, nil
}

func (s *Server) shopCart(w http.ResponseWriter, r *http.Request) {
	lines, total, err := s.resolve(r.Context(), s.cart(r.Context()))
	if err != nil {
		s.shopFail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "s/cart", &Page{Title: "s.cart.title", Data: map[string]any{"Lines": lines, "Total": total}})
}

// shopCartAdd puts the product page's choice in the cart; a choice that cannot be bought
// re-renders the product page with the reason.
func (s *Server) shopCartAdd(w http.ResponseWriter, r *http.Request) {
	p, ok := s.shelfProduct(w, r, int64(intParam(r, "product", 0)))
	if !ok {
		return
	}
	pg := &Page{Form: r.PostForm}
	refuse := func(status int, err error) {
		formError(err, pg)
		s.renderProduct(w, r, status, pg, p)
	}
	l, ok := parseLine(r.PostFormValue("sku"), r.PostFormValue("qty"))
	if !ok {
		refuse(http.StatusUnprocessableEntity, errs.Field("qty", "invalid_quantity", "choose a quantity from 1 to %d", maxQty))
		return
	}
	var sku *catalog.SKU
	for i := range p.SKUs {
		if p.SKUs[i].ID == l.SKUID {
			sku = &p.SKUs[i]
		}
	}
	cart := s.cart(r.Context())
	for _, c := range cart {
		if c.SKUID == l.SKUID {
			l.Qty += c.Qty
		}
	}
	switch {
	case sku == nil:
		refuse(http.StatusUnprocessableEntity, errs.Field("sku", "invalid_sku", "choose one of the product's options"))
		return
	case sku.Stock == 0:
		refuse(http.StatusConflict, errs.E(errs.Conflict, "sold_out", "%s is sold out", p.Name))
		return
	case l.Qty > sku.Stock || l.Qty > maxQty:
		refuse(http.StatusConflict, errs.Field("qty", "insufficient_stock", "only %d left", sku.Stock))
		return
	}
	next := []cartLine{l}
	for _, c := range cart {
		if c.SKUID != l.SKUID {
			next = append(next, c)
		}
	}
	if len(next) > maxCartLines {
		refuse(http.StatusConflict, errs.E(errs.Conflict, "cart_full", "the cart holds at most %d items", maxCartLines))
		return
	}
	s.saveCart(r.Context(), next)
	s.flash(r, s.shopT(w, r, "s.cart.added"))
	http.Redirect(w, r, "/s/cart", http.StatusSeeOther)
}

func (s *Server) shopCartRemove(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PostFormValue("sku"), 10, 64)
	var keep []cartLine
	for _, c := range s.cart(r.Context()) {
		if c.SKUID != id {
			keep = append(keep, c)
		}
	}
	s.saveCart(r.Context(), keep)
	http.Redirect(w, r, "/s/cart", http.StatusSeeOther)
}
