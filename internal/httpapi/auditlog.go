package httpapi

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/fenxiao/fenxiao/internal/audit"
)

type auditIn struct {
	Entity   string `query:"entity" maxLength:"50"`
	EntityID string `query:"entity_id" maxLength:"50"`
	Page     int    `query:"page" minimum:"0" maximum:"1000000"`
	PerPage  int    `query:"per_page" minimum:"0" maximum:"200"`
}

type auditOut struct {
	Body struct {
		Items []audit.Row `json:"items"`
		Total int         `json:"total"`
	}
}

func (s *Server) routeAudit() {
	huma.Register(s.api, op(http.MethodGet, "/audit", "list-audit", "The audit log, newest first", "audit", "owner"),
		func(ctx context.Context, in *auditIn) (*auditOut, error) {
			per := in.PerPage
			if per == 0 {
				per = 50
			}
			page := max(in.Page, 1)
			rows, total, err := audit.List(ctx, s.DB.R, audit.Filter{Entity: in.Entity, EntityID: in.EntityID, Limit: per, Offset: (page - 1) * per})
			if err != nil {
				return nil, fail(ctx, s.Log, err)
			}
			out := &auditOut{}
			out.Body.Items, out.Body.Total = rows, total
			if out.Body.Items == nil {
				out.Body.Items = []audit.Row{}
			}
			return out, nil
		})
}
