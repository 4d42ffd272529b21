package web

import (
	"net/http"
	"strings"

	"github.com/fenxiao/fenxiao/internal/order"
)

// The order page: lines, payment, shipment, refunds and commissions, with the operator's
// actions (admin_order_actions.go) for the order's state.

type adminOrderLine struct {
	order.Line
	Left int64 // units not refunded yet
}

type adminOrderData struct {
	O          order.Order
	Lines      []adminOrderLine
	Names      map[int64]string // distributor id → "code name"
	DistName   string           // the credited distributor's "code name"
	ParentName string           // and its level-1 parent's
	LineNames  map[int64]string // order line id → "product spec"
	Refundable bool             // units left to refund
	CanEdit    bool
}

func (s *Server) adminOrder(w http.ResponseWriter, r *http.Request) {
	s.adminOrderPage(w, r, http.StatusOK, &Page{})
}

func (s *Server) adminOrderPage(w http.ResponseWriter, r *http.Request, status int, p *Page) {
	ctx := r.Context()
	o, err := s.Orders.Get(ctx, pathID(r))
	if err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	d := adminOrderData{O: o, Names: map[int64]string{}, LineNames: map[int64]string{}}
	if st := staffFrom(r); st != nil {
		d.CanEdit = st.Role == "owner" || st.Role == "operator"
	}
	for _, l := range o.Lines {
		d.Lines = append(d.Lines, adminOrderLine{Line: l, Left: l.Quantity - l.RefundedQty})
		d.LineNames[l.ID] = strings.TrimSpace(l.ProductName + " " + l.Spec)
		d.Refundable = d.Refundable || l.Quantity > l.RefundedQty
	}
	ids := []*int64{o.DistributorID, o.ParentID}
	for i := range o.Commissions {
		ids = append(ids, &o.Commissions[i].DistributorID)
	}
	for _, id := range ids {
		if id == nil || d.Names[*id] != "" {
			continue
		}
		if dist, err := s.Network.Get(ctx, *id); err == nil {
			d.Names[*id] = dist.Code + " " + dist.Name
		}
	}
	if o.DistributorID != nil {
		d.DistName = d.Names[*o.DistributorID]
	}
	if o.ParentID != nil {
		d.ParentName = d.Names[*o.ParentID]
	}
	p.Title, p.Data = "admin.o.title", d
	s.render(w, r, status, "admin/order", p)
}
