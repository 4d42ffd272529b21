package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/fenxiao/fenxiao/internal/payout"
)

type withdrawalOut struct{ Body payout.Withdrawal }

type requestWithdrawalIn struct {
	idemHeader
	Body payout.RequestInput
}

type quoteIn struct {
	Body struct {
		DistributorID int64 `json:"distributor_id" minimum:"1"`
		AmountFen     int64 `json:"amount_fen" minimum:"1"`
	}
}

type quoteOut struct{ Body payout.Quote }

type listWithdrawalsIn struct {
	Status        string `query:"status" doc:"requested, approved, rejected, paid or failed"`
	DistributorID int64  `query:"distributor_id" minimum:"0"`
	Page          int    `query:"page" minimum:"0" maximum:"1000000"`
	PerPage       int    `query:"per_page" minimum:"0" maximum:"100"`
}

type withdrawalPageOut struct{ Body payout.Page }

type withdrawalIDIn struct {
	ID int64 `path:"id" minimum:"1"`
	idemHeader
}

type withdrawalReasonIn struct {
	ID int64 `path:"id" minimum:"1"`
	idemHeader
	Body struct {
		Reason string `json:"reason" maxLength:"2000" doc:"shown to the distributor"`
	}
}

type payWithdrawalIn struct {
	ID int64 `path:"id" minimum:"1"`
	idemHeader
	Body payout.PayInput
}

func (s *Server) routeWithdrawals() {
	finance := []string{"finance"}
	create := op(http.MethodPost, "/withdrawals", "request-withdrawal", "Request a withdrawal for a distributor; the amount leaves available at once", "withdrawals", "operator", "finance")
	create.DefaultStatus = http.StatusCreated
	create.Errors = append(create.Errors, 409)
	huma.Register(s.api, create, func(ctx context.Context, in *requestWithdrawalIn) (*withdrawalOut, error) {
		in.Body.IdemKey = in.IdempotencyKey
		w, _, err := s.Payout.Request(ctx, in.Body)
		return s.withdrawal(ctx)(w, err)
	})
	quote := op(http.MethodPost, "/withdrawals/quote", "quote-withdrawal", "The fee and net of a withdrawal, with every rule checked; writes nothing", "withdrawals", "operator", "finance")
	quote.Errors = append(quote.Errors, 409)
	huma.Register(s.api, quote, func(ctx context.Context, in *quoteIn) (*quoteOut, error) {
		q, err := s.Payout.Quote(ctx, in.Body.DistributorID, in.Body.AmountFen)
		if err != nil {
			return nil, fail(ctx, s.Log, err)
		}
		return &quoteOut{Body: q}, nil
	})
	huma.Register(s.api, op(http.MethodGet, "/withdrawals", "list-withdrawals", "List withdrawals, newest first", "withdrawals", finance...),
		func(ctx context.Context, in *listWithdrawalsIn) (*withdrawalPageOut, error) {
			p, err := s.Payout.List(ctx, payout.Filter{Status: payout.Status(in.Status), DistributorID: in.DistributorID, Page: in.Page, PerPage: in.PerPage})
			if err != nil {
				return nil, fail(ctx, s.Log, err)
			}
			return &withdrawalPageOut{Body: p}, nil
		})
	get := op(http.MethodGet, "/withdrawals/{id}", "get-withdrawal", "Get a withdrawal", "withdrawals", "operator", "finance")
	get.Errors = append(get.Errors, 404)
	huma.Register(s.api, get, func(ctx context.Context, in *idIn) (*withdrawalOut, error) {
		return s.withdrawal(ctx)(s.Payout.Get(ctx, in.ID))
	})
	step := func(path, id, summary string) huma.Operation {
		o := op(http.MethodPost, "/withdrawals/{id}/"+path, id, summary, "withdrawals", finance...)
		o.Errors = append(o.Errors, 404, 409)
		return o
	}
	huma.Register(s.api, step("approve", "approve-withdrawal", "Approve a requested withdrawal for payment"),
		func(ctx context.Context, in *withdrawalIDIn) (*withdrawalOut, error) {
			return s.withdrawal(ctx)(s.Payout.Approve(ctx, in.ID))
		})
	huma.Register(s.api, step("reject", "reject-withdrawal", "Reject a requested withdrawal with a reason; the amount returns to available"),
		func(ctx context.Context, in *withdrawalReasonIn) (*withdrawalOut, error) {
			return s.withdrawal(ctx)(s.Payout.Reject(ctx, in.ID, in.Body.Reason))
		})
	huma.Register(s.api, step("pay", "pay-withdrawal", "Pay an approved withdrawal; the manual provider records the reference you enter. Ends paid, or failed with the amount returned"),
		func(ctx context.Context, in *payWithdrawalIn) (*withdrawalOut, error) {
			return s.withdrawal(ctx)(s.Payout.Pay(ctx, in.ID, in.Body))
		})
	huma.Register(s.api, step("fail", "fail-withdrawal", "Record that an approved withdrawal was not paid, with a reason; the amount returns to available"),
		func(ctx context.Context, in *withdrawalReasonIn) (*withdrawalOut, error) {
			return s.withdrawal(ctx)(s.Payout.Fail(ctx, in.ID, in.Body.Reason))
		})
}

func (s *Server) withdrawal(ctx context.Context) func(payout.Withdrawal, error) (*withdrawalOut, error) {
	return func(w payout.Withdrawal, err error) (*withdrawalOut, error) {
		if err != nil {
			return nil, fail(ctx, s.Log, err)
		}
		return &withdrawalOut{Body: w}, nil
	}
}
