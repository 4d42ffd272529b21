package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/ledger"
	"github.com/fenxiao/fenxiao/internal/network"
	"github.com/fenxiao/fenxiao/internal/order"
)

// A distributor's page — profile, balance, team, recent orders and commissions — and the
// operator's actions on it: freeze, unfreeze, move under another level-1, promote. The network
// service checks each and writes the audit entry.

type adminDistributorData struct {
	D           network.Distributor
	Parent      *network.Distributor
	Balance     ledger.Balance
	Team        []adminDistributorRow
	TeamTotal   int
	Orders      []adminOrderRow
	OrdersTotal int
	Commissions order.CommissionPage
}

func (s *Server) adminDistributor(w http.ResponseWriter, r *http.Request) {
	s.adminDistributorPage(w, r, http.StatusOK, &Page{})
}

// adminDistributorPage renders the detail page; p may carry a refused action's messages.
func (s *Server) adminDistributorPage(w http.ResponseWriter, r *http.Request, status int, p *Page) {
	ctx := r.Context()
	id := pathID(r)
	dist, err := s.Network.Get(ctx, id)
	if err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	d := adminDistributorData{D: dist, Team: []adminDistributorRow{}}
	if dist.ParentID != nil {
		if parent, err := s.Network.Get(ctx, *dist.ParentID); err == nil {
			d.Parent = &parent
		}
	}
	if d.Balance, err = s.Orders.Ledger.Balance(ctx, s.DB.R, id); err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	if dist.Level == 1 {
		d.TeamTotal, err = s.adminDistributorRows(ctx, adminDistributorFilter{ParentID: id, OrderBy: adminDistributorSorts[0][1]}, 10, 0, true,
			func(row adminDistributorRow) error { d.Team = append(d.Team, row); return nil })
		if err != nil {
			s.fail(w, r, "admin", err)
			return
		}
	}
	d.OrdersTotal, err = s.adminOrderRows(ctx, adminOrderFilter{DistributorID: id, OrderBy: adminOrderSorts[0][1]}, 10, 0, true,
		func(o adminOrderRow) error { d.Orders = append(d.Orders, o); return nil })
	if err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	if d.Commissions, err = s.Orders.Commissions(ctx, id, "", 1, 10); err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	p.Title, p.Data = "admin.d.title", d
	s.render(w, r, status, "admin/distributor", p)
}

// adminDistributorAction runs a state change from the detail page: on success back to the page
// with a message, on a refusal the page again with the message next to the field.
func (s *Server) adminDistributorAction(w http.ResponseWriter, r *http.Request, msgID string, field func(string) string,
	act func(ctx context.Context, id int64) error) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	id := pathID(r)
	if err := act(r.Context(), id); err != nil {
		p := &Page{Form: r.PostForm}
		if !adminFormError(err, p, field) {
			s.fail(w, r, "admin", err)
			return
		}
		s.adminDistributorPage(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	s.adminDone(w, r, fmt.Sprintf("/admin/distributors/%d", id), msgID)
}

func (s *Server) adminFreeze(w http.ResponseWriter, r *http.Request) {
	s.adminDistributorAction(w, r, "admin.d.frozen", adminActionField("freeze"), func(ctx context.Context, id int64) error {
		_, err := s.Network.Freeze(ctx, id, r.PostFormValue("reason"))
		return err
	})
}

// adminUnfreeze restores a frozen distributor. network.Unfreeze takes no reason, so none is asked.
func (s *Server) adminUnfreeze(w http.ResponseWriter, r *http.Request) {
	s.adminDistributorAction(w, r, "admin.d.unfrozen", adminActionField("unfreeze"), func(ctx context.Context, id int64) error {
		_, err := s.Network.Unfreeze(ctx, id)
		return err
	})
}

// adminMove puts a distributor under another level-1 (named by its share code) or, with
// promote set, makes it a level-1. The service checks the tree and writes the audit entry.
func (s *Server) adminMove(w http.ResponseWriter, r *http.Request) {
	s.adminDistributorAction(w, r, "admin.d.moved", adminActionField("move"), func(ctx context.Context, id int64) error {
		reason := r.PostFormValue("reason")
		if r.PostFormValue("promote") != "" {
			_, err := s.Network.Move(ctx, id, nil, reason)
			return err
		}
		code := strings.TrimSpace(r.PostFormValue("parent"))
		if code == "" {
			return errs.Field("parent_id", "parent_required", "enter the share code of the level-1 to move this distributor under")
		}
		parent, err := s.Network.ByCode(ctx, code)
		if err != nil {
			return errs.Field("parent_id", "parent_not_found", "no distributor has the code %s", code)
		}
		_, err = s.Network.Move(ctx, id, &parent.ID, reason)
		return err
	})
}

// adminActionField names a domain field as the detail page's form field: each action's form has
// its own, so a message shows next to the form that caused it. A message about no field goes to
// the top of the page, which shows whatever forms the new state has.
func adminActionField(action string) func(string) string {
	return func(f string) string {
		switch f {
		case "parent_id":
			return action + ".parent"
		case "reason":
			return action + ".reason"
		}
		return "_"
	}
}
