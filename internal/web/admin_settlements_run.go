package web

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/fenxiao/fenxiao/internal/export"
	"github.com/fenxiao/fenxiao/internal/settlement"
)

// The page of one settlement run: its progress (reloading itself while it runs) and the
// statements it drew, one per distributor, paged and exported to CSV or XLSX.

type adminStatementRow struct {
	ID            int64
	DistributorID int64
	DistCode      string
	DistName      string
	PeriodStart   *time.Time
	PeriodEnd     time.Time
	OpeningFen    int64
	AccruedFen    int64
	ReversedFen   int64
	SettledFen    int64
	ClawedBackFen int64
	WithdrawnFen  int64
	ClosingFen    int64
}

type adminSettlementRunData struct {
	Run      settlement.Run
	DistName string // for a run of one distributor
	Items    []adminStatementRow
	Pager    adminPager
	Refresh  int // seconds until the page reloads itself while the run is running; 0: it does not
}

// adminStatementRows calls each for the statements of run, limit at a time from off (limit 0:
// all), in distributor order; with count it also returns how many there are.
func (s *Server) adminStatementRows(ctx context.Context, run int64, limit, off int, count bool, each func(adminStatementRow) error) (int, error) {
	var w adminWhere
	w.add("st.run_id = ?", run)
	total := 0
	if count {
		if err := s.DB.R.QueryRowContext(ctx, `SELECT count(*) FROM statements st`+w.sql(), w.args...).Scan(&total); err != nil {
			return 0, fmt.Errorf("count statements: %w", err)
		}
	}
	query := `SELECT ` + adminStatementColumns + adminStatementFrom + w.sql() + ` ORDER BY st.distributor_id`
	if limit > 0 {
		query += w.limit(limit, off)
	}
	rows, err := s.DB.R.QueryContext(ctx, query, w.args...)
	if err != nil {
		return 0, fmt.Errorf("list statements: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var x adminStatementRow
		if err := rows.Scan(&x.ID, &x.DistributorID, &x.DistCode, &x.DistName, &x.PeriodStart, &x.PeriodEnd, &x.OpeningFen,
			&x.AccruedFen, &x.ReversedFen, &x.SettledFen, &x.ClawedBackFen, &x.WithdrawnFen, &x.ClosingFen); err != nil {
			return 0, fmt.Errorf("read statement: %w", err)
		}
		if err := each(x); err != nil {
			return 0, err
		}
	}
	return total, rows.Err()
}

func (s *Server) adminSettlementRun(w http.ResponseWriter, r *http.Request) {
	svc := s.adminSettlement(w, r)
	if svc == nil {
		return
	}
	ctx := r.Context()
	run, err := svc.GetRun(ctx, pathID(r))
	if err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	if adminWantsExport(r) {
		s.adminStatementsExport(w, r, run)
		return
	}
	d := adminSettlementRunData{Run: run, Items: []adminStatementRow{}}
	if run.Status == settlement.Running {
		d.Refresh = adminRefreshSeconds
	}
	if run.DistributorID != nil {
		if dist, err := s.Network.Get(ctx, *run.DistributorID); err == nil {
			d.DistName = dist.Code + " " + dist.Name
		}
	}
	page := adminPageParam(r)
	total, err := s.adminStatementRows(ctx, run.ID, adminPerPage, adminOffset(page), true, func(x adminStatementRow) error {
		d.Items = append(d.Items, x)
		return nil
	})
	if err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	d.Pager = newAdminPager(r.URL, page, total)
	s.render(w, r, http.StatusOK, "admin/settlement", &Page{Title: "admin.st.run_title", Data: d})
}

func (s *Server) adminStatementsExport(w http.ResponseWriter, r *http.Request, run settlement.Run) {
	p := s.adminPage(w, r, "", nil)
	money := func(id string) export.Column { return export.Column{Header: p.T(id), Kind: export.Money} }
	cols := []export.Column{{Header: "ID", Kind: export.Int}, {Header: p.T("admin.d.code")}, {Header: p.T("admin.st.distributor")},
		{Header: p.T("admin.st.period_start"), Kind: export.Time}, {Header: p.T("admin.st.period_end"), Kind: export.Time},
		money("admin.st.opening"), money("admin.st.accrued"), money("admin.st.reversed"), money("admin.st.settled"),
		money("admin.st.clawed_back"), money("admin.st.withdrawn"), money("admin.st.closing")}
	name := fmt.Sprintf("settlement-%d", run.ID)
	s.adminExport(w, r, name, name, cols, func(ctx context.Context, emit func([]any) error) error {
		_, err := s.adminStatementRows(ctx, run.ID, 0, 0, false, func(x adminStatementRow) error {
			return emit([]any{x.ID, x.DistCode, x.DistName, x.PeriodStart, x.PeriodEnd,
				x.OpeningFen, x.AccruedFen, x.ReversedFen, x.SettledFen, x.ClawedBackFen, x.WithdrawnFen, x.ClosingFen})
		})
		return err
	})
}
