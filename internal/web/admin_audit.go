package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/fenxiao/fenxiao/internal/audit"
	"github.com/fenxiao/fenxiao/internal/export"
)

// The audit log, newest first, filtered by entity: who changed what, with the state before and
// after as the services recorded it.

var adminAuditEntities = []string{"distributor", "product", "sku", "order", "settings", "apikey", "staff"}

type adminAuditData struct {
	Items    []audit.Row
	Pager    adminPager
	Entities []string
}

func (s *Server) adminAudit(w http.ResponseWriter, r *http.Request) {
	f := audit.Filter{Entity: strings.TrimSpace(r.URL.Query().Get("entity")), EntityID: strings.TrimSpace(r.URL.Query().Get("entity_id"))}
	if adminWantsExport(r) {
		s.adminAuditExport(w, r, f)
		return
	}
	page := adminPageParam(r)
	f.Limit, f.Offset = adminPerPage, adminOffset(page)
	rows, total, err := audit.List(r.Context(), s.DB.R, f)
	if err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	d := adminAuditData{Items: rows, Pager: newAdminPager(r.URL, page, total), Entities: adminAuditEntities}
	s.render(w, r, http.StatusOK, "admin/audit", &Page{Title: "admin.nav.audit", Data: d})
}

// adminAuditExport streams the filtered log in pages of the largest size audit.List serves.
func (s *Server) adminAuditExport(w http.ResponseWriter, r *http.Request, f audit.Filter) {
	p := s.adminPage(w, r, "", nil)
	cols := []export.Column{{Header: "ID", Kind: export.Int}, {Header: p.T("admin.a.at"), Kind: export.Time},
		{Header: p.T("admin.a.actor")}, {Header: p.T("admin.a.action")}, {Header: p.T("admin.a.entity")},
		{Header: p.T("admin.a.entity_id")}, {Header: p.T("admin.a.reason")}, {Header: p.T("admin.a.before")}, {Header: p.T("admin.a.after")}}
	s.adminExport(w, r, "audit", p.T("admin.nav.audit"), cols, func(ctx context.Context, emit func([]any) error) error {
		const batch = 200
		// Newest first by id: entries written meanwhile push older ones to later offsets, so skip
		// any id not below the last one sent; none is missed, none sent twice.
		var last int64
		for off := 0; ; off += batch {
			f.Limit, f.Offset = batch, off
			rows, _, err := audit.List(ctx, s.DB.R, f)
			if err != nil {
				return err
			}
			for _, a := range rows {
				if last != 0 && a.ID >= last {
					continue
				}
				last = a.ID
				if err := emit([]any{a.ID, a.At, a.Actor, a.Action, a.Entity, a.EntityID, a.Reason,
					string(a.Before), string(a.After)}); err != nil {
					return err
				}
			}
			if len(rows) < batch {
				return nil
			}
		}
	})
}
