package web

import (
	"context"

	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/settlement"
)

// SettlementStatements adapts the settlement service to what the portal reads of statements.
type SettlementStatements struct{ Svc *settlement.Service }

func (a SettlementStatements) Statements(ctx context.Context, distributorID int64, page, perPage int) ([]StatementView, int, error) {
	p, err := a.Svc.ListStatements(ctx, settlement.StatementFilter{DistributorID: distributorID, Page: page, PerPage: perPage})
	if err != nil {
		return nil, 0, err
	}
	out := make([]StatementView, 0, len(p.Items))
	for _, st := range p.Items {
		out = append(out, statementView(st))
	}
	return out, p.Total, nil
}

// Statement answers NotFound for another distributor's statement, exactly as for a missing one.
func (a SettlementStatements) Statement(ctx context.Context, distributorID, id int64) (StatementView, error) {
	st, err := a.Svc.GetStatement(ctx, id)
	if err != nil {
		return StatementView{}, err
	}
	if st.DistributorID != distributorID {
		return StatementView{}, errs.E(errs.NotFound, "statement_not_found", "statement not found")
	}
	return statementView(st), nil
}

func statementView(st settlement.Statement) StatementView {
	v := StatementView{ID: st.ID, PeriodStart: st.PeriodStart, PeriodEnd: st.PeriodEnd, OpeningFen: st.OpeningFen,
		AccruedFen: st.AccruedFen, ReversedFen: st.ReversedFen, SettledFen: st.SettledFen, ClawedBackFen: st.ClawedBackFen,
		WithdrawnFen: st.WithdrawnFen, ClosingFen: st.ClosingFen, CreatedAt: st.CreatedAt}
	for _, l := range st.Lines {
		v.Lines = append(v.Lines, StatementLineView{CommissionID: l.CommissionID, OrderID: l.OrderID, OrderNo: l.OrderNo,
			ProductName: l.ProductName, Role: l.Role, BaseFen: l.BaseFen, RateBP: l.RateBP, FixedFenPerUnit: l.FixedFenPerUnit, AmountFen: l.AmountFen})
	}
	return v
}
