package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/errs"
)

// shopCard is a product in the shop's list.
type shopCard struct {
	ID       int64
	Name     string
	Image    string
	PriceFen int64 // the lowest SKU price
	From     bool  // SKUs differ in price: "from ¥…"
	SoldOut  bool
}

func (s *Server) shopHome(w http.ResponseWriter, r *http.Request) {
	const perPage = 20
	page := intParam(r, "page", 1)
	list, err := s.Catalog.List(r.Context(), catalog.Filter{Status: catalog.OnShelf, Page: page, PerPage: perPage})
	if err != nil {
		s.shopFail(w, r, err)
		return
	}
	cards := make([]shopCard, 0, len(list.Items))
	for _, p := range list.Items {
		c := shopCard{ID: p.ID, Name: p.Name, SoldOut: p.SoldOut}
		if len(p.Images) > 0 {
			c.Image = p.Images[0]
		}
		for i, k := range p.SKUs {
			if i == 0 || k.PriceFen < c.PriceFen {
				c.PriceFen = k.PriceFen
			}
			c.From = c.From || k.PriceFen != p.SKUs[0].PriceFen
		}
		cards = append(cards, c)
	}
	s.render(w, r, http.StatusOK, "s/home", &Page{Title: "s.home.title",
		Data: map[string]any{"Items": cards, "Page": list.Page, "PerPage": perPage, "Total": list.Total}})
}

// shopProductData is the product page: the product, the SKU chosen by default and its Open
// Graph tags for sharing.
type shopProductData struct {
	Product  catalog.Product
	Selected int64
	OG       struct{ Title, Description, Image, URL string }
}

func (s *Server) shopProduct(w http.ResponseWriter, r *http.Request) {
	p, ok := s.shelfProduct(w, r, pathID(r))
	if !ok {
		return
	}
	s.renderProduct(w, r, http.StatusOK, &Page{}, p)
}

// shelfProduct loads a product a customer may see; anything not on the shelf is "not found".
func (s *Server) shelfProduct(w http.ResponseWriter, r *http.Request, id int64) (catalog.Product, bool) {
	p, err := s.Catalog.Get(r.Context(), id)
	if err == nil && p.Status != catalog.OnShelf {
		err = errs.E(errs.NotFound, "product_not_found", "product %d is not on sale", id)
	}
	if err != nil {
		s.shopFail(w, r, err)
		return p, false
	}
	return p, true
}

// renderProduct shows the product page, also when adding it to the cart was refused (pg then
// carries the errors and what was chosen).
func (s *Server) renderProduct(w http.ResponseWriter, r *http.Request, status int, pg *Page, p catalog.Product) {
	d := &shopProductData{Product: p}
	want, _ := strconv.ParseInt(pg.Value("sku"), 10, 64)
	for _, k := range p.SKUs {
		if k.Stock > 0 && (d.Selected == 0 || k.ID == want) {
			d.Selected = k.ID
		}
	}
	d.OG.Title = p.Name
	d.OG.Description = summary(p.Description, 120)
	if d.OG.Description == "" {
		d.OG.Description = p.Name
	}
	if cfg, err := s.shopConfig(r.Context()); err == nil {
		if base, ok := baseURL(cfg, r); ok {
			d.OG.URL = base + "/s/p/" + strconv.FormatInt(p.ID, 10)
			// A distributor's shared link keeps its code, so the preview leads back through it.
			if ref := strings.ToUpper(r.URL.Query().Get("ref")); refCodeRE.MatchString(ref) {
				if _, err := s.Network.ByCode(r.Context(), ref); err == nil {
					d.OG.URL += "?ref=" + ref
				}
			}
			if len(p.Images) > 0 {
				d.OG.Image = p.Images[0]
				if strings.HasPrefix(d.OG.Image, "/") {
					d.OG.Image = base + d.OG.Image
				}
			}
		}
	}
	// The title is the product's name: T gives back an id it has no message for.
	pg.Title, pg.Data = p.Name, d
	s.render(w, r, status, "s/product", pg)
}

// summary is the first max characters of text on one line, with an ellipsis when cut.
func summary(text string, max int) string {
	runes := []rune(strings.Join(strings.Fields(text), " "))
	if len(runes) <= max {
		return string(runes)
	}
	return string(runes[:max]) + "…"
}
