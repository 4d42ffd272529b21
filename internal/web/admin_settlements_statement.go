package web

import (
	"context"
	"fmt"
	"net/http"

	"github.com/fenxiao/fenxiao/internal/export"
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
	if adminWantsExport(r) {
		s.adminStatementExport(w, r, st)
		return
	}
	d := adminStatementData{St: st, DistLink: adminCanSeeDistributor(r)}
	if d.D, err = s.Network.Get(ctx, st.DistributorID); err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	s.render(w, r, http.StatusOK, "admin/statement", &Page{Title: "admin.st.statement_title", Data: d})
}

func (s *Server) adminStatementExport(w http.ResponseWriter, r *http.Request, st settlement.Statement) {
	p := s.adminPage(w, r, "", nil)
	cols := []export.Column{{Header: p.T("admin.st.commission_id"), Kind: export.Int}, {Header: p.T("admin.o.no")}, {Header: p.T("admin.p.name")},
		{Header: p.T("admin.c.role")}, {Header: p.T("admin.c.base"), Kind: export.Money}, {Header: p.T("admin.c.rate"), Kind: export.Rate},
		{Header: p.T("admin.st.fixed_per_unit"), Kind: export.Money}, {Header: p.T("admin.st.line_amount"), Kind: export.Money}}
	name := fmt.Sprintf("statement-%d", st.ID)
	s.adminExport(w, r, name, name, cols, func(_ context.Context, emit func([]any) error) error {
		for _, l := range st.Lines {
			if err := emit([]any{l.CommissionID, l.OrderNo, l.ProductName, p.T("admin.c.role." + l.Role),
				l.BaseFen, l.RateBP, l.FixedFenPerUnit, l.AmountFen}); err != nil {
				return err
			}
		}
		return nil
	})
}
