package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/fenxiao/fenxiao/internal/settlement"
)

type settleIn struct {
	Body *struct {
		Cutoff        *time.Time `json:"cutoff,omitempty" doc:"settle commission settleable at or before this time (RFC 3339, kept to the second); default now"`
		DistributorID int64      `json:"distributor_id,omitempty" minimum:"0" doc:"settle only this distributor, at once (on request); absent: everyone, in the background"`
	}
}

type runOut struct {
	Status int
	Body   settlement.Run
}

type runsIn struct {
	Page    int `query:"page" minimum:"0" maximum:"1000000"`
	PerPage int `query:"per_page" minimum:"0" maximum:"100"`
}

type runsOut struct{ Body settlement.RunPage }

type statementsIn struct {
	DistributorID int64  `query:"distributor_id" minimum:"0"`
	RunID         int64  `query:"run_id" minimum:"0"`
	Period        string `query:"period" doc:"a month, YYYY-MM: statements whose cutoff falls in it (Asia/Shanghai)"`
	Page          int    `query:"page" minimum:"0" maximum:"1000000"`
	PerPage       int    `query:"per_page" minimum:"0" maximum:"100"`
}

type statementsOut struct{ Body settlement.StatementPage }

type statementOut struct{ Body settlement.Statement }

func (s *Server) routeSettlements() {
	roles := []string{"finance"}
	post := op(http.MethodPost, "/settlements", "start-settlement",
		"Settle settleable commission: everyone (in the background; poll the run) or one distributor (at once)", "settlements", roles...)
	post.DefaultStatus = http.StatusCreated
	post.Description = "Moves commission settleable at or before the cutoff from frozen to available and draws a statement per " +
		"distributor. The same cutoff and scope again returns the existing run with 200 (a failed or abandoned run is resumed); " +
		"a new run answers 201."
	huma.Register(s.api, post, func(ctx context.Context, in *settleIn) (*runOut, error) {
		var cutoff time.Time
		var who int64
		if in.Body != nil {
			if in.Body.Cutoff != nil {
				cutoff = *in.Body.Cutoff
			}
			who = in.Body.DistributorID
		}
		r, created, err := s.Settlement.Start(ctx, cutoff, who)
		if err != nil {
			return nil, fail(ctx, s.Log, err)
		}
		status := http.StatusOK
		if created {
			status = http.StatusCreated
		}
		return &runOut{Status: status, Body: r}, nil
	})
	huma.Register(s.api, op(http.MethodGet, "/settlements", "list-settlements", "Settlement runs, newest first", "settlements", roles...),
		func(ctx context.Context, in *runsIn) (*runsOut, error) {
			p, err := s.Settlement.ListRuns(ctx, in.Page, in.PerPage)
			if err != nil {
				return nil, fail(ctx, s.Log, err)
			}
			return &runsOut{Body: p}, nil
		})
	get := op(http.MethodGet, "/settlements/{id}", "get-settlement", "A settlement run with its progress", "settlements", roles...)
	get.Errors = append(get.Errors, 404)
	huma.Register(s.api, get, func(ctx context.Context, in *idIn) (*runOut, error) {
		r, err := s.Settlement.GetRun(ctx, in.ID)
		if err != nil {
			return nil, fail(ctx, s.Log, err)
		}
		return &runOut{Status: http.StatusOK, Body: r}, nil
	})
	huma.Register(s.api, op(http.MethodGet, "/statements", "list-statements", "Statements without their lines, newest first", "settlements", roles...),
		func(ctx context.Context, in *statementsIn) (*statementsOut, error) {
			p, err := s.Settlement.ListStatements(ctx, settlement.StatementFilter{DistributorID: in.DistributorID, RunID: in.RunID,
				Period: in.Period, Page: in.Page, PerPage: in.PerPage})
			if err != nil {
				return nil, fail(ctx, s.Log, err)
			}
			return &statementsOut{Body: p}, nil
		})
	one := op(http.MethodGet, "/statements/{id}", "get-statement", "A statement with its lines", "settlements", roles...)
	one.Errors = append(one.Errors, 404)
	huma.Register(s.api, one, func(ctx context.Context, in *idIn) (*statementOut, error) {
		st, err := s.Settlement.GetStatement(ctx, in.ID)
		if err != nil {
			return nil, fail(ctx, s.Log, err)
		}
		return &statementOut{Body: st}, nil
	})
}
