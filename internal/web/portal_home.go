package web

import (
	"net/http"

	"github.com/fenxiao/fenxiao/internal/ledger"
)

type portalHomeData struct {
	Balance ledger.Balance
	Month   portalMonthFigures
	NetFen  int64 // accrued − reversed this month
}

// portalHome shows the distributor's balances from the ledger and this month's figures (the
// merchant's month, Asia/Shanghai).
func (s *Server) portalHome(w http.ResponseWriter, r *http.Request) {
	d := DistributorFrom(r)
	ctx := r.Context()
	bal, err := s.Orders.Ledger.Balance(ctx, s.DB.R, d.ID)
	if err != nil {
		s.portalFail(w, r, err)
		return
	}
	from, to := portalMonth(s.DB.Now())
	m, err := s.portalMonthFigures(ctx, d.ID, from, to)
	if err != nil {
		s.portalFail(w, r, err)
		return
	}
	s.portalRender(w, r, http.StatusOK, "m/home", &Page{Title: "m.home.title",
		Data: portalHomeData{Balance: bal, Month: m, NetFen: m.AccruedFen - m.ReversedFen}})
}
