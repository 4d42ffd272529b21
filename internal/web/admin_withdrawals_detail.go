package web

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/fenxiao/fenxiao/internal/audit"
	"github.com/fenxiao/fenxiao/internal/ledger"
	"github.com/fenxiao/fenxiao/internal/network"
	"github.com/fenxiao/fenxiao/internal/payout"
)

// The page of one withdrawal: who asked, how much, the fee and what is sent, where to (the card
// number masked by the payout service), its history from the audit log, and finance's actions
// for its state.

type adminWithdrawalData struct {
	W       payout.Withdrawal
	D       network.Distributor
	Balance ledger.Balance // the distributor's, for context: a clawback may have taken available below zero
	History []audit.Row    // oldest first
	// Manual is true when payouts are made by hand: the transfer's reference must be entered.
	Manual   bool
	Provider string
	// DistLink is true when the staff may open the distributor's page.
	DistLink bool
}

func (s *Server) adminWithdrawal(w http.ResponseWriter, r *http.Request) {
	s.adminWithdrawalPage(w, r, http.StatusOK, &Page{})
}

// adminWithdrawalPage renders the detail page; p may carry a refused action's messages.
func (s *Server) adminWithdrawalPage(w http.ResponseWriter, r *http.Request, status int, p *Page) {
	svc := s.adminPayout(w, r)
	if svc == nil {
		return
	}
	ctx := r.Context()
	wd, err := svc.Get(ctx, pathID(r))
	if err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	d := adminWithdrawalData{W: wd, DistLink: adminCanSeeDistributor(r)}
	if d.D, err = s.Network.Get(ctx, wd.DistributorID); err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	if d.Balance, err = s.Orders.Ledger.Balance(ctx, s.DB.R, wd.DistributorID); err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	// A withdrawal has a handful of entries (request, approve, pay or turn-down): one page holds them.
	if d.History, _, err = audit.List(ctx, s.DB.R, audit.Filter{Entity: "withdrawal", EntityID: fmt.Sprint(wd.ID), Limit: 200}); err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	slices.Reverse(d.History)
	prov := svc.Provider
	if prov == nil {
		prov = payout.Manual{}
	}
	_, d.Manual = prov.(payout.Manual)
	d.Provider = prov.Name()
	p.Title, p.Data = "admin.w.title", d
	s.render(w, r, status, "admin/withdrawal", p)
}
