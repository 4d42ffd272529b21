package web

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/commission"
	"github.com/fenxiao/fenxiao/internal/link"
	"github.com/fenxiao/fenxiao/internal/network"
	"github.com/fenxiao/fenxiao/internal/settings"
)

type portalProduct struct {
	catalog.Product
	MinPriceFen, MaxPriceFen int64
	// What this distributor earns on one unit at the current plan, over the product's SKUs.
	MinEarnFen, MaxEarnFen int64
	EarnKnown              bool // false when the rules cannot be applied (the error is logged)
	Link                   string
}

type portalProductsData struct {
	Items      []portalProduct
	Pager      portalPager
	ShopLink   string
	InviteLink string // level 1 with an invite code, while the merchant allows recruiting
	Q          string
}

// portalProducts lists the on-shelf products open to distribution with what the distributor
// would earn per unit, and the links that credit it.
func (s *Server) portalProducts(w http.ResponseWriter, r *http.Request) {
	d := DistributorFrom(r)
	ctx := r.Context()
	page := portalPage(r)
	yes := true
	list, err := s.Catalog.List(ctx, catalog.Filter{Status: catalog.OnShelf, Distributable: &yes, Q: r.FormValue("q"),
		Page: page, PerPage: portalPerPage})
	if err != nil {
		s.portalFail(w, r, err)
		return
	}
	cfg, err := settings.LoadCommission(ctx, s.DB.R)
	if err != nil {
		s.portalFail(w, r, err)
		return
	}
	net, err := settings.LoadNetwork(ctx, s.DB.R)
	if err != nil {
		s.portalFail(w, r, err)
		return
	}
	data := portalProductsData{Pager: portalPagerFor(r, page, list.Total), Q: r.FormValue("q"),
		ShopLink: s.portalShareLink(r, d, 0)}
	if d.Level == 1 && d.InviteCode != nil && d.Status == network.Approved && net.Level1CanInvite {
		data.InviteLink = s.portalURL(r, "/m/apply?invite="+url.QueryEscape(*d.InviteCode))
		if l := s.links.Load(); l != nil {
			if inv, err := l.ForInvite(ctx, d.ID); err == nil {
				data.InviteLink = s.portalURL(r, inv.Path())
			}
		}
	}
	for _, p := range list.Items {
		it := portalProduct{Product: p, Link: s.portalShareLink(r, d, p.ID), EarnKnown: true}
		for i, k := range p.SKUs {
			earn, err := portalUnitEarning(cfg.Plan(), d, p.Rules(), k.PriceFen)
			if err != nil {
				s.Log.ErrorContext(ctx, "product commission", "product", p.ID, "sku", k.ID, "err", err)
				it.EarnKnown = false
			}
			if i == 0 {
				it.MinPriceFen, it.MaxPriceFen, it.MinEarnFen, it.MaxEarnFen = k.PriceFen, k.PriceFen, earn, earn
				continue
			}
			it.MinPriceFen, it.MaxPriceFen = min(it.MinPriceFen, k.PriceFen), max(it.MaxPriceFen, k.PriceFen)
			it.MinEarnFen, it.MaxEarnFen = min(it.MinEarnFen, earn), max(it.MaxEarnFen, earn)
		}
		data.Items = append(data.Items, it)
	}
	s.portalRender(w, r, http.StatusOK, "m/products", &Page{Title: "m.products.title", Data: data})
}

// portalUnitEarning is what d would earn selling one unit at priceFen: the commission engine run
// on a one-unit order through d, never the rule re-implemented here.
func portalUnitEarning(plan commission.Plan, d *network.Distributor, rules commission.ProductRules, priceFen int64) (int64, error) {
	o := commission.Order{Lines: []commission.Line{{UnitPriceFen: priceFen, Quantity: 1, Rules: rules}},
		DistributorID: d.ID, DistributorLevel: d.Level}
	if d.Level == 2 && d.ParentID != nil {
		o.ParentID = *d.ParentID
	}
	cs, err := commission.Compute(o, plan)
	if err != nil {
		return 0, err
	}
	for _, c := range cs {
		if c.DistributorID == d.ID && c.Role == commission.RoleDirect {
			return c.AmountFen, nil
		}
	}
	return 0, nil
}

// portalShareLink is the link d shares for a product (or the shop, productID 0): the tracked
// /r/ link, whose visits are counted, or the shop's ?ref= URL when links are not wired or the
// link cannot be made (it credits the same distributor, uncounted).
func (s *Server) portalShareLink(r *http.Request, d *network.Distributor, productID int64) string {
	if l := s.links.Load(); l != nil {
		var ln link.Link
		var err error
		if productID > 0 {
			ln, err = l.ForProduct(r.Context(), d.ID, productID)
		} else {
			ln, err = l.ForShop(r.Context(), d.ID)
		}
		if err == nil {
			return s.portalURL(r, ln.Path())
		}
		s.Log.WarnContext(r.Context(), "tracked link", "distributor", d.ID, "product", productID, "err", err)
	}
	ref := "ref=" + url.QueryEscape(d.Code)
	if productID > 0 {
		return s.portalURL(r, fmt.Sprintf("/s/p/%d?%s", productID, ref))
	}
	return s.portalURL(r, "/s/?"+ref)
}
