package web

import (
	"net/http"
	"strings"

	"github.com/fenxiao/fenxiao/internal/audit"
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
	if adminWantsCSV(r) {
		s.adminAuditCSV(w, r, f)
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

// adminAuditCSV streams the filtered log in pages of the largest size audit.List serves.
func (s *Server) adminAuditCSV(w http.ResponseWriter, r *http.Request, f audit.Filter) {
	p := s.adminPage(w, r, "", nil)
	header := []string{"ID", p.T("admin.a.at"), p.T("admin.a.actor"), p.T("admin.a.action"), p.T("admin.a.entity"),
		p.T("admin.a.entity_id"), p.T("admin.a.reason"), p.T("admin.a.before"), p.T("admin.a.after")}
	err := writeCSV(w, "audit.csv", header, func(emit func([]string) error) error {
		const batch = 200
		// Newest first by id: entries written meanwhile push older ones to later offsets, so skip
		// any id not below the last one sent; none is missed, none sent twice.
		var last int64
		for off := 0; ; off += batch {
			f.Limit, f.Offset = batch, off
			rows, _, err := audit.List(r.Context(), s.DB.R, f)
			if err != nil {
				return err
			}
			for _, a := range rows {
				if last != 0 && a.ID >= last {
					continue
				}
				last = a.ID
				if err := emit([]string{adminItoa(a.ID), adminCSVTime(&a.At), a.Actor, a.Action, a.Entity, a.EntityID, a.Reason,
					string(a.Before), string(a.After)}); err != nil {
					return err
				}
			}
			if len(rows) < batch {
				return nil
			}
		}
	})
	if err != nil {
		s.Log.ErrorContext(r.Context(), "audit csv", "err", err)
	}
}
