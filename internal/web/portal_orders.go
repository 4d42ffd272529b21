package web

import (
	"net/http"

	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/network"
	"github.com/fenxiao/fenxiao/internal/order"
	"github.com/fenxiao/fenxiao/internal/settings"
)

type portalOrdersData struct {
	Items    []portalOrderRow
	Pager    portalPager
	Status   string
	Scope    string
	WithTeam bool
	Statuses []string
}

var portalOrderStatuses = []string{"created", "paid", "shipped", "delivered", "completed", "cancelled"}

// portalSeesTeam reports whether d sees its team's orders: a level 1, when the merchant allows.
func (s *Server) portalSeesTeam(r *http.Request, d *network.Distributor) (bool, error) {
	if d.Level != 1 {
		return false, nil
	}
	net, err := settings.LoadNetwork(r.Context(), s.DB.R)
	return net.Level1SeesTeamOrders, err
}

// portalOrders lists the orders credited to the distributor (and its team's, for a level 1 when
// the merchant allows), newest first, with what the distributor earns on each.
func (s *Server) portalOrders(w http.ResponseWriter, r *http.Request) {
	d := DistributorFrom(r)
	team, err := s.portalSeesTeam(r, d)
	if err != nil {
		s.portalFail(w, r, err)
		return
	}
	status := r.FormValue("status")
	switch order.Status(status) {
	case "", order.Created, order.Paid, order.Shipped, order.Delivered, order.Completed, order.Cancelled:
	default:
		status = ""
	}
	scope := r.FormValue("scope")
	if !team || (scope != "mine" && scope != "team") {
		scope = ""
	}
	page := portalPage(r)
	items, total, err := s.portalOrderList(r.Context(), d.ID, team, status, scope, page)
	if err != nil {
		s.portalFail(w, r, err)
		return
	}
	s.portalRender(w, r, http.StatusOK, "m/orders", &Page{Title: "m.orders.title", Data: portalOrdersData{
		Items: items, Pager: portalPagerFor(r, page, total), Status: status, Scope: scope, WithTeam: team,
		Statuses: portalOrderStatuses}})
}

type portalOrderData struct {
	O           order.Order
	Team        bool
	Commissions []order.Commission // the distributor's own, never its parent's or member's
	MyFen       int64
}

// portalOrder shows one order the distributor may see; any other id is "not found".
func (s *Server) portalOrder(w http.ResponseWriter, r *http.Request) {
	d := DistributorFrom(r)
	team, err := s.portalSeesTeam(r, d)
	if err != nil {
		s.portalFail(w, r, err)
		return
	}
	o, err := s.Orders.Get(r.Context(), pathID(r))
	if errs.KindOf(err) == errs.NotFound {
		err = portalNotFound
	}
	if err != nil {
		s.portalFail(w, r, err)
		return
	}
	mine := o.DistributorID != nil && *o.DistributorID == d.ID
	ofTeam := team && o.ParentID != nil && *o.ParentID == d.ID
	if !mine && !ofTeam {
		s.portalFail(w, r, portalNotFound)
		return
	}
	data := portalOrderData{O: o, Team: !mine}
	for _, c := range o.Commissions {
		if c.DistributorID == d.ID {
			data.Commissions = append(data.Commissions, c)
			data.MyFen += c.NetFen
		}
	}
	s.portalRender(w, r, http.StatusOK, "m/order", &Page{Title: "m.order.title", Data: data})
}
