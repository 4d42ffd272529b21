package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/fenxiao/fenxiao/internal/export"
)

// Large lists can be exported in the background: the button POSTs the list's filters, the file
// is written on this node while a page shows how many rows are in, and the finished file
// downloads from the same page. The registry is per node (export.Jobs): behind several nodes the
// status and download requests must reach the node that started the job (sticky sessions).

// exportJobs returns the console's job registry, made on first use.
func (s *Server) exportJobs() *export.JobHandlers {
	s.jobsOnce.Do(func() {
		s.jobs = &export.JobHandlers{
			Jobs:   export.NewJobs(export.JobsConfig{Log: s.Log}),
			Prefix: "/admin/exports",
			Owner: func(r *http.Request) string {
				if st := staffFrom(r); st != nil {
					return strconv.FormatInt(st.ID, 10)
				}
				return ""
			},
			Labels: func(r *http.Request) export.Labels {
				p := s.adminPage(discardWriter{}, r, "", nil)
				return export.Labels{Lang: p.Lang, Title: p.T("admin.exp.title"), Queued: p.T("admin.exp.queued"),
					Running: p.T("admin.exp.running"), Done: p.T("admin.exp.done"), Failed: p.T("admin.exp.failed"),
					TooManyRows: p.T("admin.exp.too_many"), Download: p.T("admin.exp.download"), Rows: p.T("admin.exp.rows"),
					Back: p.T("admin.exp.back"), BackURL: "/admin/orders"}
			},
		}
	})
	return s.jobs
}

// CloseExports stops the background exports and removes their files; serve calls it on shutdown.
func (s *Server) CloseExports() {
	s.jobsOnce.Do(func() {}) // a registry never made stays unmade; one made is visible here
	if s.jobs != nil {
		s.jobs.Jobs.Close()
	}
}

// adminOrdersExportJob is the orders list's source for a background export: the same filters,
// columns and rows as ?format=, counted first so the page can show a percentage.
func (s *Server) adminOrdersExportJob(r *http.Request) (export.Download, error) {
	p := s.adminPage(discardWriter{}, r, "admin.nav.orders", nil)
	f, _, ok := s.adminOrderFilterOf(r, p)
	if !ok {
		return export.Download{}, errors.New(p.T("admin.exp.bad_filter"))
	}
	total, err := s.adminOrderRows(r.Context(), f, 1, 0, true, func(adminOrderRow) error { return nil })
	if err != nil {
		return export.Download{}, err
	}
	cols, rows := s.adminOrdersTable(p, f)
	return export.Download{Name: "orders", Total: int64(total),
		Table: export.Table{Columns: cols, Sheet: p.T("admin.nav.orders"), Zone: Zone}, Rows: rows}, nil
}

// discardWriter lets a page's translator be made where no response is being written (it may
// want to set the language cookie).
type discardWriter struct{}

func (discardWriter) Header() http.Header         { return http.Header{} }
func (discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (discardWriter) WriteHeader(int)             {}
