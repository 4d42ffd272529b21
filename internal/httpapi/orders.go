package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/fenxiao/fenxiao/internal/order"
)

type orderOut struct {
	Body order.Order
}

type idemHeader struct {
	IdempotencyKey string `header:"Idempotency-Key" maxLength:"200" doc:"a retry with the same key returns the first response and changes nothing"`
}

type createOrderIn struct {
	idemHeader
	Body order.Input
}

type orderIDIn struct {
	ID int64 `path:"id" minimum:"1"`
}

type payIn struct {
	ID int64 `path:"id" minimum:"1"`
	idemHeader
	Body order.PayInput
}

type shipIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body order.ShipInput
}

type cancelIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body *struct {
		Reason string `json:"reason,omitempty" maxLength:"2000"`
	}
}

type refundIn struct {
	ID int64 `path:"id" minimum:"1"`
	idemHeader
	Body order.RefundInput
}

type listOrdersIn struct {
	DistributorID int64  `query:"distributor_id" minimum:"0" doc:"orders credited to this distributor, directly or as level-1 parent"`
	Status        string `query:"status"`
	From          string `query:"from" doc:"RFC 3339 time or YYYY-MM-DD (merchant's day starts at 00:00 Asia/Shanghai)"`
	To            string `query:"to" doc:"exclusive; RFC 3339 time or YYYY-MM-DD"`
	Page          int    `query:"page" minimum:"0" maximum:"1000000"`
	PerPage       int    `query:"per_page" minimum:"0" maximum:"100"`
}

type orderPageOut struct{ Body order.Page }

func (s *Server) routeOrders() {
	ops := []string{"operator"}
	create := op(http.MethodPost, "/orders", "create-order", "Place an order (reserves stock)", "orders", ops...)
	create.DefaultStatus = http.StatusCreated
	create.Errors = append(create.Errors, 409)
	huma.Register(s.api, create, func(ctx context.Context, in *createOrderIn) (*orderOut, error) {
		in.Body.IdemKey = in.IdempotencyKey
		o, _, err := s.Orders.Create(ctx, in.Body)
		if err != nil {
			return nil, fail(ctx, s.Log, err)
		}
		return &orderOut{Body: o}, nil
	})
	huma.Register(s.api, op(http.MethodGet, "/orders", "list-orders", "List orders", "orders", "operator", "finance"),
		func(ctx context.Context, in *listOrdersIn) (*orderPageOut, error) {
			from, err := parseDay("from", in.From)
			if err != nil {
				return nil, err
			}
			to, err := parseDay("to", in.To)
			if err != nil {
				return nil, err
			}
			p, err := s.Orders.List(ctx, order.Filter{DistributorID: in.DistributorID, Status: order.Status(in.Status), From: from, To: to, Page: in.Page, PerPage: in.PerPage})
			if err != nil {
				return nil, fail(ctx, s.Log, err)
			}
			return &orderPageOut{Body: p}, nil
		})
	huma.Register(s.api, op(http.MethodGet, "/orders/{id}", "get-order", "An order with lines, payment, shipment, refunds and commissions", "orders", "operator", "finance"),
		func(ctx context.Context, in *orderIDIn) (*orderOut, error) {
			return s.order(ctx)(s.Orders.Get(ctx, in.ID))
		})
	step := func(path, id, summary string) huma.Operation {
		o := op(http.MethodPost, "/orders/{id}/"+path, id, summary, "orders", ops...)
		o.Errors = append(o.Errors, 404, 409)
		return o
	}
	huma.Register(s.api, step("pay", "pay-order", "Record the payment (amount must equal the total); a repeat of the same payment changes nothing"),
		func(ctx context.Context, in *payIn) (*orderOut, error) {
			return s.order(ctx)(s.Orders.Pay(ctx, in.ID, in.Body))
		})
	huma.Register(s.api, step("ship", "ship-order", "Ship a paid order"),
		func(ctx context.Context, in *shipIn) (*orderOut, error) {
			return s.order(ctx)(s.Orders.Ship(ctx, in.ID, in.Body))
		})
	huma.Register(s.api, step("deliver", "deliver-order", "Mark a shipped order delivered"),
		func(ctx context.Context, in *orderIDIn) (*orderOut, error) {
			return s.order(ctx)(s.Orders.Deliver(ctx, in.ID))
		})
	huma.Register(s.api, step("complete", "complete-order", "Confirm receipt; the refund window (freeze_days) starts"),
		func(ctx context.Context, in *orderIDIn) (*orderOut, error) {
			return s.order(ctx)(s.Orders.Complete(ctx, in.ID))
		})
	huma.Register(s.api, step("cancel", "cancel-order", "Cancel an unpaid order and release its stock"),
		func(ctx context.Context, in *cancelIn) (*orderOut, error) {
			reason := ""
			if in.Body != nil {
				reason = in.Body.Reason
			}
			return s.order(ctx)(s.Orders.Cancel(ctx, in.ID, reason))
		})
	refund := step("refunds", "refund-order", "Refund units of lines; commissions are recomputed and the difference reversed")
	refund.DefaultStatus = http.StatusCreated
	huma.Register(s.api, refund, func(ctx context.Context, in *refundIn) (*orderOut, error) {
		in.Body.IdemKey = in.IdempotencyKey
		return s.order(ctx)(s.Orders.Refund(ctx, in.ID, in.Body))
	})
}

func (s *Server) order(ctx context.Context) func(order.Order, error) (*orderOut, error) {
	return func(o order.Order, err error) (*orderOut, error) {
		if err != nil {
			return nil, fail(ctx, s.Log, err)
		}
		return &orderOut{Body: o}, nil
	}
}

// parseDay reads a query time: RFC 3339, or a date meaning midnight in the merchant's zone.
func parseDay(name, v string) (*time.Time, error) {
	if v == "" {
		return nil, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return &t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", v, merchantZone); err == nil {
		return &t, nil
	}
	p := newProblem(http.StatusUnprocessableEntity, "invalid_time", name+" must be a date like 2026-03-01 or an RFC 3339 time like 2026-03-01T08:00:00+08:00")
	p.Errors = []ProblemField{{Location: "query." + name, Message: p.Detail, Value: v}}
	return nil, p
}

// merchantZone is where a merchant's days begin; configurable later with the web console.
var merchantZone = func() *time.Location {
	if l, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return l
	}
	return time.FixedZone("CST", 8*3600)
}()
