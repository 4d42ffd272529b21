package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/fenxiao/fenxiao/internal/network"
)

type distributorOut struct {
	Body network.Distributor
}

type pageOut struct {
	Body network.Page
}

type idIn struct {
	ID int64 `path:"id" minimum:"1"`
}

type reasonIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body struct {
		Reason string `json:"reason" maxLength:"2000" doc:"shown to the distributor"`
	}
}

type moveIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body struct {
		ParentID *int64 `json:"parent_id" nullable:"true" doc:"the new level-1 parent; null promotes to level 1"`
		Reason   string `json:"reason,omitempty" maxLength:"2000"`
	}
}

type listIn struct {
	Status   string `query:"status" doc:"pending, approved, rejected or frozen"`
	Level    int    `query:"level" doc:"1 or 2"`
	ParentID int64  `query:"parent_id" minimum:"0"`
	Q        string `query:"q" maxLength:"100" doc:"part of a name or phone, or an exact code"`
	Page     int    `query:"page" minimum:"0" maximum:"1000000"`
	PerPage  int    `query:"per_page" minimum:"0" maximum:"100"`
}

type pageIn struct {
	ID      int64 `path:"id" minimum:"1"`
	Page    int   `query:"page" minimum:"0" maximum:"1000000"`
	PerPage int   `query:"per_page" minimum:"0" maximum:"100"`
}

func (s *Server) routeDistributors() {
	ops := []string{"operator"}
	apply := op(http.MethodPost, "/distributors", "apply-distributor", "Apply to become a distributor", "distributors", ops...)
	apply.DefaultStatus = http.StatusCreated
	apply.Errors = append(apply.Errors, 409)
	huma.Register(s.api, apply, func(ctx context.Context, in *struct{ Body network.Application }) (*distributorOut, error) {
		d, err := s.Network.Apply(ctx, in.Body)
		return s.one(ctx, d, err)
	})
	huma.Register(s.api, op(http.MethodGet, "/distributors", "list-distributors", "List and search distributors", "distributors", ops...),
		func(ctx context.Context, in *listIn) (*pageOut, error) {
			p, err := s.Network.List(ctx, network.Filter{Status: network.Status(in.Status), Level: in.Level, ParentID: in.ParentID, Q: in.Q, Page: in.Page, PerPage: in.PerPage})
			if err != nil {
				return nil, fail(ctx, s.Log, err)
			}
			return &pageOut{Body: p}, nil
		})
	huma.Register(s.api, op(http.MethodGet, "/distributors/{id}", "get-distributor", "Get a distributor", "distributors", ops...),
		func(ctx context.Context, in *idIn) (*distributorOut, error) {
			d, err := s.Network.Get(ctx, in.ID)
			return s.one(ctx, d, err)
		})
	huma.Register(s.api, op(http.MethodGet, "/distributors/{id}/team", "get-distributor-team", "A level-1's level-2 distributors", "distributors", ops...),
		func(ctx context.Context, in *pageIn) (*pageOut, error) {
			p, err := s.Network.Team(ctx, in.ID, in.Page, in.PerPage)
			if err != nil {
				return nil, fail(ctx, s.Log, err)
			}
			return &pageOut{Body: p}, nil
		})
	transition := func(path, id, summary string) huma.Operation {
		o := op(http.MethodPost, "/distributors/{id}/"+path, id, summary, "distributors", ops...)
		o.Errors = append(o.Errors, 404, 409)
		return o
	}
	huma.Register(s.api, transition("approve", "approve-distributor", "Approve a pending application"),
		func(ctx context.Context, in *idIn) (*distributorOut, error) {
			d, err := s.Network.Approve(ctx, in.ID)
			return s.one(ctx, d, err)
		})
	huma.Register(s.api, transition("reject", "reject-distributor", "Reject a pending application with a reason"),
		func(ctx context.Context, in *reasonIn) (*distributorOut, error) {
			d, err := s.Network.Reject(ctx, in.ID, in.Body.Reason)
			return s.one(ctx, d, err)
		})
	huma.Register(s.api, transition("freeze", "freeze-distributor", "Freeze an approved distributor with a reason"),
		func(ctx context.Context, in *reasonIn) (*distributorOut, error) {
			d, err := s.Network.Freeze(ctx, in.ID, in.Body.Reason)
			return s.one(ctx, d, err)
		})
	huma.Register(s.api, transition("unfreeze", "unfreeze-distributor", "Unfreeze a frozen distributor"),
		func(ctx context.Context, in *idIn) (*distributorOut, error) {
			d, err := s.Network.Unfreeze(ctx, in.ID)
			return s.one(ctx, d, err)
		})
	huma.Register(s.api, transition("move", "move-distributor", "Move under another level-1, or promote to level 1 (future orders only)"),
		func(ctx context.Context, in *moveIn) (*distributorOut, error) {
			d, err := s.Network.Move(ctx, in.ID, in.Body.ParentID, in.Body.Reason)
			return s.one(ctx, d, err)
		})
}

func (s *Server) one(ctx context.Context, d network.Distributor, err error) (*distributorOut, error) {
	if err != nil {
		return nil, fail(ctx, s.Log, err)
	}
	return &distributorOut{Body: d}, nil
}
