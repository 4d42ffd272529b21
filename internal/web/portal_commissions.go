package web

import (
	"net/http"

	"github.com/fenxiao/fenxiao/internal/order"
)

type portalCommissionsData struct {
	Items    []order.Commission
	OrderNos map[int64]string
	Pager    portalPager
	Status   string
	TeamOK   bool // the team's orders may be opened (override rows link to them)
}

// portalCommissions lists the distributor's own commissions, newest first. Only the signed-in
// distributor's id is ever passed: a distributor_id in the URL is not read.
func (s *Server) portalCommissions(w http.ResponseWriter, r *http.Request) {
	d := DistributorFrom(r)
	ctx := r.Context()
	status := r.FormValue("status")
	switch status {
	case "", "frozen", "available", "reversed":
	default:
		status = ""
	}
	page := portalPage(r)
	list, err := s.Orders.Commissions(ctx, d.ID, status, page, portalPerPage)
	if err != nil {
		s.portalFail(w, r, err)
		return
	}
	ids := make([]int64, 0, len(list.Items))
	for _, c := range list.Items {
		ids = append(ids, c.OrderID)
	}
	nos, err := s.portalOrderNos(ctx, d.ID, ids)
	if err != nil {
		s.portalFail(w, r, err)
		return
	}
	team, err := s.portalSeesTeam(r, d)
	if err != nil {
		s.portalFail(w, r, err)
		return
	}
	s.portalRender(w, r, http.StatusOK, "m/commissions", &Page{Title: "m.commissions.title", Data: portalCommissionsData{
		Items: list.Items, OrderNos: nos, Pager: portalPagerFor(r, page, list.Total), Status: status, TeamOK: team}})
}
