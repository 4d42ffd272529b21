package web

import (
	"net/http"

	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/payout"
	"github.com/fenxiao/fenxiao/internal/settlement"
)

// The console's finance pages: withdrawals (admin_withdrawals*.go) and settlements
// (admin_settlements*.go). Finance and the owner open them; an operator gets 403.

// adminFinance may open the finance pages (the owner passes every check).
var adminFinance = []string{"finance"}

// adminFunds are the money services the finance pages run on; the program plugs them
// in after New (see UsePayout), so a server without them still serves every other page.
type adminFunds struct {
	payout *payout.Service
	settle *settlement.Service
}

// UsePayout gives the console the withdrawals service; without it the withdrawal pages answer 404.
func (s *Server) UsePayout(p *payout.Service) { s.funds.payout = p }

// UseSettlement gives the console the settlement service; without it the settlement pages answer
// 404.
func (s *Server) UseSettlement(st *settlement.Service) { s.funds.settle = st }

// errPayoutOff answers a withdrawal page on a server that was given no payout service.
var errPayoutOff = errs.E(errs.NotFound, "payout_off", "withdrawals are not enabled on this server")

// adminPayout returns the payout service, or answers 404 and returns nil.
func (s *Server) adminPayout(w http.ResponseWriter, r *http.Request) *payout.Service {
	if s.funds.payout == nil {
		s.fail(w, r, "admin", errPayoutOff)
	}
	return s.funds.payout
}

var errSettlementOff = errs.E(errs.NotFound, "settlement_off", "settlements are not enabled on this server")

// adminSettlement returns the settlement service, or answers 404 and returns nil.
func (s *Server) adminSettlement(w http.ResponseWriter, r *http.Request) *settlement.Service {
	if s.funds.settle == nil {
		s.fail(w, r, "admin", errSettlementOff)
	}
	return s.funds.settle
}

// adminCanSeeDistributor reports whether the signed-in staff may open a distributor's page,
// so finance pages link to it only for those who can follow the link.
func adminCanSeeDistributor(r *http.Request) bool {
	st := staffFrom(r)
	return st != nil && (st.Role == "owner" || contains(adminOperators, st.Role))
}
