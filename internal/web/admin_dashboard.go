package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"sync"
	"time"

	"github.com/fenxiao/fenxiao/internal/chart"
	"github.com/fenxiao/fenxiao/internal/db"
)

// The dashboard: figures for today, 7 and 30 merchant-zone days, and a line of daily sales
// drawn as SVG on the server (internal/chart). Each figure is an aggregate over an index range, and the queries
// run side by side on the read pool. The 29 closed days before today change only when an old
// order is refunded, so their figures are kept for adminDashTTL; today's are always read live.

const (
	adminChartDays = 30
	adminDashTTL   = 5 * time.Minute
)

// adminFigures are the totals of one period.
type adminFigures struct {
	SalesFen        int64 // paid order totals minus their refunds
	PaidOrders      int
	CommissionFen   int64 // accrued minus reversed
	NewDistributors int   // approved in the period
}

type adminDashboardData struct {
	Today, Week, Month adminFigures
	Pending, ToShip    int
	// Withdrawals is nil until the withdrawals table exists (it comes with the payout feature).
	Withdrawals *struct {
		Count     int
		AmountFen int64
	}
	Days             []time.Time // the chart's days, oldest first, and their sales
	Sales            []int64
	MaxFen           int64
	Chart            template.HTML
	From, To         time.Time
	HasSales         bool
	GeneratedInMilli int64
}

func (s *Server) adminDashboard(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	d, err := s.adminDashboardFigures(r.Context())
	if err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	p := s.adminPage(w, r, "admin.nav.dashboard", d)
	if d.HasSales {
		d.Chart = chart.Line{Title: p.T("admin.dash.chart", "From", d.From.Format("2006-01-02"), "To", d.To.Format("2006-01-02")),
			Desc: p.T("admin.dash.chart_label", "Max", Yuan(d.MaxFen)), Dates: d.Days, Unit: chart.Yuan,
			XLabel: p.T("admin.dash.chart_x"), YLabel: p.T("admin.dash.chart_y"),
			Series: []chart.Series{{Name: p.T("admin.dash.chart_series"), Values: d.Sales}}}.SVG()
	}
	d.GeneratedInMilli = time.Since(start).Milliseconds()
	s.render(w, r, http.StatusOK, "admin/dashboard", p)
}

// adminClosedDays are the figures of the closed days of the chart, oldest first.
type adminClosedDays struct {
	today         time.Time // the day they were read on
	at            time.Time // when they were read
	sales         []int64
	paid          []int
	comm7, comm30 int64 // commission of the closed days within 7 and within 30 days
}

func (s *Server) adminDashboardFigures(ctx context.Context) (*adminDashboardData, error) {
	now := s.DB.Now()
	today := adminDayStart(now)
	starts := make([]any, adminChartDays+1) // day starts, oldest first; the last is tomorrow
	days := make([]time.Time, adminChartDays+1)
	for i := range starts {
		days[i] = today.AddDate(0, 0, i-adminChartDays+1)
		starts[i] = days[i].UTC()
	}
	d := &adminDashboardData{From: days[0], To: today}
	c := s.dash.Load()
	if c != nil && (!c.today.Equal(today) || now.Sub(c.at) >= adminDashTTL) {
		c = nil
	}
	var (
		g                     adminGroup
		todaySales, todayComm int64
		todayPaid             int
		newDist               [3]int
	)
	if c == nil {
		fresh := &adminClosedDays{today: today, at: now, sales: make([]int64, adminChartDays-1), paid: make([]int, adminChartDays-1)}
		g.Go(func() error {
			return adminByDay(ctx, s.DB.R, adminSalesByDay(adminChartDays-1), starts[:adminChartDays], func(day int, paid, sales int64) {
				fresh.paid[day], fresh.sales[day] = int(paid), sales
			})
		})
		g.Go(func() error {
			return adminCommission(ctx, s.DB.R, starts[0], starts[adminChartDays-7], starts[adminChartDays-1], &fresh.comm30, &fresh.comm7)
		})
		c = fresh
	}
	g.Go(func() error {
		return adminByDay(ctx, s.DB.R, adminSalesByDay(1), starts[adminChartDays-1:], func(_ int, paid, sales int64) {
			todayPaid, todaySales = int(paid), sales
		})
	})
	g.Go(func() error {
		var same int64
		return adminCommission(ctx, s.DB.R, starts[adminChartDays-1], starts[adminChartDays-1], starts[adminChartDays], &todayComm, &same)
	})
	g.Go(func() error {
		err := s.DB.R.QueryRowContext(ctx, adminQNewDistributors, starts[0], starts[adminChartDays-7], starts[adminChartDays-1]).
			Scan(&newDist[2], &newDist[1], &newDist[0])
		if err != nil {
			return fmt.Errorf("count new distributors: %w", err)
		}
		return nil
	})
	g.Go(func() error { return s.adminQueues(ctx, d) })
	if err := g.Wait(); err != nil {
		return nil, err
	}
	s.dash.Store(c)
	sales := append(append([]int64{}, c.sales...), todaySales)
	paid := append(append([]int{}, c.paid...), todayPaid)
	d.Today = adminFigures{SalesFen: todaySales, PaidOrders: todayPaid, CommissionFen: todayComm}
	d.Week.CommissionFen, d.Month.CommissionFen = c.comm7+todayComm, c.comm30+todayComm
	for i := range adminChartDays {
		if i >= adminChartDays-7 {
			d.Week.SalesFen += sales[i]
			d.Week.PaidOrders += paid[i]
		}
		d.Month.SalesFen += sales[i]
		d.Month.PaidOrders += paid[i]
	}
	d.Today.NewDistributors, d.Week.NewDistributors, d.Month.NewDistributors = newDist[0], newDist[1], newDist[2]
	d.Days, d.Sales = days[:adminChartDays], sales
	for _, v := range sales {
		d.MaxFen = max(d.MaxFen, v)
		d.HasSales = d.HasSales || v != 0
	}
	return d, nil
}

// adminCommission reads the commission of orders placed in [from, to) into all, and of those
// placed in [since, to) into recent.
func adminCommission(ctx context.Context, q *db.Pool, from, since, to any, all, recent *int64) error {
	if err := q.QueryRowContext(ctx, adminQCommission, from, since, to).Scan(all, recent); err != nil {
		return fmt.Errorf("dashboard commission: %w", err)
	}
	return nil
}

// adminGroup runs queries side by side and joins their errors; go.mod has no errgroup.
type adminGroup struct {
	wg   sync.WaitGroup
	mu   sync.Mutex
	errs []error
}

func (g *adminGroup) Go(f func() error) {
	g.wg.Go(func() {
		if err := f(); err != nil {
			g.mu.Lock()
			g.errs = append(g.errs, err)
			g.mu.Unlock()
		}
	})
}

func (g *adminGroup) Wait() error {
	g.wg.Wait()
	return errors.Join(g.errs...)
}

// adminByDay runs an adminSalesByDay query and hands each day's paid orders and sales to row.
func adminByDay(ctx context.Context, q *db.Pool, query string, args []any, row func(day int, paid, sales int64)) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("dashboard sales: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var day int
		var paid, sales int64
		if err := rows.Scan(&day, &paid, &sales); err != nil {
			return fmt.Errorf("read dashboard sales: %w", err)
		}
		row(day, paid, sales)
	}
	return rows.Err()
}

// adminQueues counts the work waiting for people: applications, orders to ship, withdrawals.
func (s *Server) adminQueues(ctx context.Context, d *adminDashboardData) error {
	if err := s.DB.R.QueryRowContext(ctx, adminQPending).Scan(&d.Pending); err != nil {
		return fmt.Errorf("count pending applications: %w", err)
	}
	if err := s.DB.R.QueryRowContext(ctx, adminQToShip).Scan(&d.ToShip); err != nil {
		return fmt.Errorf("count orders to ship: %w", err)
	}
	ok, err := s.adminHasTable(ctx, "withdrawals")
	if err != nil || !ok {
		return err
	}
	d.Withdrawals = &struct {
		Count     int
		AmountFen int64
	}{}
	if err := s.DB.R.QueryRowContext(ctx, adminQPendingWithdrawals).Scan(&d.Withdrawals.Count, &d.Withdrawals.AmountFen); err != nil {
		return fmt.Errorf("count pending withdrawals: %w", err)
	}
	return nil
}

// adminHasTable reports whether the schema has a table: the dashboard shows figures of features
// that may not be installed yet. The one dialect difference of the console.
func (s *Server) adminHasTable(ctx context.Context, name string) (bool, error) {
	q := adminQTableSQLite
	if s.DB.Dialect == db.Postgres {
		q = adminQTablePostgres
	}
	var n int
	if err := s.DB.R.QueryRowContext(ctx, q, name).Scan(&n); err != nil {
		return false, fmt.Errorf("look for table %s: %w", name, err)
	}
	return n > 0, nil
}
