package web

import (
	"fmt"
	"net/http"

	"github.com/fenxiao/fenxiao/internal/network"
	"github.com/fenxiao/fenxiao/internal/settlement"
)

// One statement: how the distributor's settled money moved between two runs, and the
// commissions this run settled for them, with a CSV of the lines.

type adminStatementData struct {
	St       settlement.Statement
	D        network.Distributor
	DistLink bool
}

func (s *Server) adminStatement(w http.ResponseWriter, r *http.Request) {
	svc := s.adminSettlement(w, r)
	if svc == nil {
		return
	}
	ctx := r.Context()
	st, err := svc.GetStatement(ctx, pathID(r))
	if err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	if adminWantsCSV(r) {
		s.adminStatementCSV(w, r, st)
		return
	}
	d := adminStatementData{St: st, DistLink: adminCanSeeDistributor(r)}
	if d.D, err = s.Network.Get(ctx, st.DistributorID); err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	s.render(w, r, http.StatusOK, "admin/statement", &Page{Title: "admin.st.statement_title", Data: d})
}

func (s *Server) adminStatementCSV(w http.ResponseWriter, r *http.Request, st settlement.Statement) {
	p := s.adminPage(w, r, "", nil)
	header := []string{p.T("admin.st.commission_id"), p.T("admin.o.no"), p.T("admin.p.name"), p.T("admin.c.role"),
		p.T("admin.c.base"), p.T("admin.c.rate"), p.T("admin.st.fixed_per_unit"), p.T("admin.st.line_amount")}
	err := writeCSV(w, fmt.Sprintf("statement-%d.csv", st.ID), header, func(emit func([]string) error) error {
		for _, l := range st.Lines {
			if err := emit([]string{adminItoa(l.CommissionID), l.OrderNo, l.ProductName, p.T("admin.c.role." + l.Role),
				adminYuanInput(l.BaseFen), adminPercentInput(l.RateBP), adminYuanInput(l.FixedFenPerUnit), adminYuanInput(l.AmountFen)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		s.Log.ErrorContext(r.Context(), "statement csv", "err", err)
	}
}
