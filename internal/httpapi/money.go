package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/fenxiao/fenxiao/internal/ledger"
	"github.com/fenxiao/fenxiao/internal/order"
)

type commissionsIn struct {
	ID      int64  `path:"id" minimum:"1"`
	Status  string `query:"status" doc:"frozen, available or reversed"`
	Page    int    `query:"page" minimum:"0" maximum:"1000000"`
	PerPage int    `query:"per_page" minimum:"0" maximum:"100"`
}

type commissionsOut struct{ Body order.CommissionPage }

type balanceOut struct {
	Body struct {
		DistributorID int64 `json:"distributor_id"`
		ledger.Balance
	}
}

type ledgerIn struct {
	ID      int64 `path:"id" minimum:"1"`
	Page    int   `query:"page" minimum:"0" maximum:"1000000"`
	PerPage int   `query:"per_page" minimum:"0" maximum:"200"`
}

type ledgerOut struct {
	Body struct {
		Items []ledger.Line `json:"items"`
		Total int           `json:"total"`
	}
}

func (s *Server) routeMoney() {
	roles := []string{"operator", "finance"}
	huma.Register(s.api, op(http.MethodGet, "/distributors/{id}/commissions", "list-commissions", "A distributor's commissions, newest first", "money", roles...),
		func(ctx context.Context, in *commissionsIn) (*commissionsOut, error) {
			if _, err := s.Network.Get(ctx, in.ID); err != nil {
				return nil, fail(ctx, s.Log, err)
			}
			p, err := s.Orders.Commissions(ctx, in.ID, in.Status, in.Page, in.PerPage)
			if err != nil {
				return nil, fail(ctx, s.Log, err)
			}
			return &commissionsOut{Body: p}, nil
		})
	huma.Register(s.api, op(http.MethodGet, "/distributors/{id}/balance", "get-balance", "Balances from the ledger: frozen, available, withdrawing, paid out", "money", roles...),
		func(ctx context.Context, in *idIn) (*balanceOut, error) {
			if _, err := s.Network.Get(ctx, in.ID); err != nil {
				return nil, fail(ctx, s.Log, err)
			}
			b, err := s.Orders.Ledger.Balance(ctx, s.DB.R, in.ID)
			if err != nil {
				return nil, fail(ctx, s.Log, err)
			}
			out := &balanceOut{}
			out.Body.DistributorID, out.Body.Balance = in.ID, b
			return out, nil
		})
	huma.Register(s.api, op(http.MethodGet, "/distributors/{id}/ledger", "get-ledger", "A distributor's ledger entries, newest first", "money", roles...),
		func(ctx context.Context, in *ledgerIn) (*ledgerOut, error) {
			if _, err := s.Network.Get(ctx, in.ID); err != nil {
				return nil, fail(ctx, s.Log, err)
			}
			lines, total, err := s.Orders.Ledger.Statement(ctx, s.DB.R, in.ID, in.Page, in.PerPage)
			if err != nil {
				return nil, fail(ctx, s.Log, err)
			}
			out := &ledgerOut{}
			out.Body.Items, out.Body.Total = lines, total
			if out.Body.Items == nil {
				out.Body.Items = []ledger.Line{}
			}
			return out, nil
		})
}
