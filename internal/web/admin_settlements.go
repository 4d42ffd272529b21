package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/export"
	"github.com/fenxiao/fenxiao/internal/settlement"
)

// Settlement runs: the list with each run's progress and totals, and the form that starts a run
// now. A run works in the background (settlement.Service.Start); while one is running the page
// reloads itself every few seconds, without JavaScript. The page of one run and its statements
// is admin_settlements_run.go; a statement with its lines admin_settlements_statement.go.

// adminRefreshSeconds is how often a page showing a running settlement reloads itself.
const adminRefreshSeconds = 3

type adminSettlementsData struct {
	Items  []settlement.Run
	Pager  adminPager
	Names  map[int64]string // distributor id → "code name", for runs of one distributor
	Totals adminSettlementTotals
	// Refresh is how many seconds until the page reloads itself: while a run on it is running,
	// and not over a refused form, whose messages would vanish. 0: it does not.
	Refresh int
}

// adminSettlementTotals sums every run.
type adminSettlementTotals struct {
	Runs, Commissions int64
	SettledFen        int64
}

func (s *Server) adminSettlements(w http.ResponseWriter, r *http.Request) {
	s.adminSettlementsPage(w, r, http.StatusOK, &Page{})
}

// adminSettlementsPage renders the runs list; p may carry the refused run form's messages.
func (s *Server) adminSettlementsPage(w http.ResponseWriter, r *http.Request, status int, p *Page) {
	svc := s.adminSettlement(w, r)
	if svc == nil {
		return
	}
	if adminWantsExport(r) {
		s.adminSettlementsExport(w, r, svc)
		return
	}
	ctx := r.Context()
	page := adminPageParam(r)
	runs, err := svc.ListRuns(ctx, page, adminPerPage)
	if err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	d := adminSettlementsData{Items: runs.Items, Names: map[int64]string{}}
	for _, run := range runs.Items {
		if run.Status == settlement.Running && len(p.Errors) == 0 {
			d.Refresh = adminRefreshSeconds
		}
		if run.DistributorID != nil && d.Names[*run.DistributorID] == "" {
			if dist, err := s.Network.Get(ctx, *run.DistributorID); err == nil {
				d.Names[dist.ID] = dist.Code + " " + dist.Name
			}
		}
	}
	t := &d.Totals
	if err := s.DB.R.QueryRowContext(ctx, adminQSettlementTotals).Scan(&t.Runs, &t.Commissions, &t.SettledFen); err != nil {
		s.fail(w, r, "admin", fmt.Errorf("sum settlement runs: %w", err))
		return
	}
	d.Pager = newAdminPager(r.URL, page, runs.Total)
	p.Title, p.Data = "admin.nav.settlements", d
	s.render(w, r, status, "admin/settlements", p)
}

// adminSettlementsExport streams every run, newest first, in pages of the largest size ListRuns
// serves. A run started meanwhile pushes older ones to later offsets, so any id not below the
// last one sent is skipped: none is missed, none sent twice.
func (s *Server) adminSettlementsExport(w http.ResponseWriter, r *http.Request, svc *settlement.Service) {
	p := s.adminPage(w, r, "", nil)
	cols := []export.Column{{Header: "ID", Kind: export.Int}, {Header: p.T("admin.st.cutoff"), Kind: export.Time},
		{Header: p.T("admin.st.scope")}, {Header: p.T("admin.st.status")}, {Header: p.T("admin.st.done"), Kind: export.Int},
		{Header: p.T("admin.st.total"), Kind: export.Int}, {Header: p.T("admin.st.statements"), Kind: export.Int},
		{Header: p.T("admin.st.commissions"), Kind: export.Int}, {Header: p.T("admin.st.settled"), Kind: export.Money},
		{Header: p.T("admin.st.started_at"), Kind: export.Time}, {Header: p.T("admin.st.finished_at"), Kind: export.Time},
		{Header: p.T("admin.st.actor")}, {Header: p.T("admin.st.error")}}
	s.adminExport(w, r, "settlements", p.T("admin.nav.settlements"), cols, func(ctx context.Context, emit func([]any) error) error {
		const batch = 100
		var last int64
		for page := 1; ; page++ {
			runs, err := svc.ListRuns(ctx, page, batch)
			if err != nil {
				return err
			}
			for _, run := range runs.Items {
				if last != 0 && run.ID >= last {
					continue
				}
				last = run.ID
				scope := p.T("admin.st.scope_all")
				if run.DistributorID != nil {
					scope = adminItoa(*run.DistributorID)
				}
				if err := emit([]any{run.ID, run.Cutoff, scope, p.T("admin.st.status." + run.Status),
					run.Done, run.Total, run.Distributors, run.Commissions,
					run.SettledFen, run.StartedAt, run.FinishedAt, run.Actor, run.Error}); err != nil {
					return err
				}
			}
			if len(runs.Items) < batch {
				return nil
			}
		}
	})
}

// adminSettlementStart starts a settlement of everyone now, up to the cutoff date typed (or up to
// now), and shows the run. Asking again for a cutoff that has a run shows that run.
func (s *Server) adminSettlementStart(w http.ResponseWriter, r *http.Request) {
	svc := s.adminSettlement(w, r)
	if svc == nil {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	cutoff, err := adminCutoff(r.PostFormValue("cutoff"), s.DB.Now())
	var run settlement.Run
	created := false
	if err == nil {
		run, created, err = svc.Start(r.Context(), cutoff, 0)
	}
	if err != nil {
		p := &Page{Form: r.PostForm}
		if !adminFormError(err, p, func(f string) string {
			if f == "" {
				return "_"
			}
			return "cutoff"
		}) {
			s.fail(w, r, "admin", err)
			return
		}
		s.adminSettlementsPage(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	msg := "admin.st.started"
	if !created {
		msg = "admin.st.exists"
	}
	s.adminDone(w, r, "/admin/settlements/"+adminItoa(run.ID), msg, "ID", run.ID)
}

// adminCutoff reads the cutoff date of a run. Empty is now (the zero time, which the service
// takes as now). A past date D settles what became settleable by the end of D in the merchant's
// zone: the cutoff is the start of D+1, so "2026-03-31" settles March, the cutoff the monthly
// schedule uses for it. Today has not ended: it is now. A later date is refused.
func adminCutoff(v string, now time.Time) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	day, err := time.ParseInLocation("2006-01-02", v, Zone)
	if err != nil {
		return time.Time{}, errs.Field("cutoff", "invalid_cutoff", "%q is not a date like 2026-03-31", v)
	}
	end := day.AddDate(0, 0, 1)
	switch {
	case day.After(now):
		return time.Time{}, errs.Field("cutoff", "cutoff_in_future", "the cutoff %s is in the future: only commission already settleable can be settled", v)
	case end.After(now):
		return time.Time{}, nil
	}
	return end, nil
}

// adminSettlementResume asks again for a failed run's scope, which resumes it where it stopped
// (settlement.Service.Start); a run that is not failed is left as it is and shown.
func (s *Server) adminSettlementResume(w http.ResponseWriter, r *http.Request) {
	svc := s.adminSettlement(w, r)
	if svc == nil {
		return
	}
	run, err := svc.GetRun(r.Context(), pathID(r))
	if err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	var who int64
	if run.DistributorID != nil {
		who = *run.DistributorID
	}
	if run, _, err = svc.Start(r.Context(), run.Cutoff, who); err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	msg := "admin.st.resumed"
	if run.Status != settlement.Running {
		msg = "admin.st.exists"
	}
	s.adminDone(w, r, "/admin/settlements/"+adminItoa(run.ID), msg, "ID", run.ID)
}
