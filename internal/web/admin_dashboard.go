package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/fenxiao/fenxiao/internal/db"
)

// The dashboard: figures for today, 7 and 30 merchant-zone days, and a bar chart of daily sales
// drawn as SVG on the server. Each figure is an aggregate over an index range, and the queries
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

type adminBar struct {
	X, Y, W, H int
	LX         int // where the date label is centred
	Day        time.Time
	SalesFen   int64
	Label      string // the date under every fifth bar
}

type adminDashboardData struct {
	Today, Week, Month adminFigures
	Pending, ToShip    int
	// Withdrawals is nil until the withdrawals table exists (it comes with the payout feature).
	Withdrawals *struct {
		Count     int
		AmountFen int64
	}
	Bars             []adminBar
	MaxFen           int64
	ChartW, ChartH   int
	BaseY, LabelY    int
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
	d.GeneratedInMilli = time.Since(start).Milliseconds()
	s.render(w, r, http.StatusOK, "admin/dashboard", &Page{Title: "admin.nav.dashboard", Data: d})
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
	d.chart(days[:adminChartDays], sales)
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

// chart lays out the daily sales as bars 720 units wide: 150 units of height for the tallest
// day, the dates under every fifth bar.
func (d *adminDashboardData) chart(starts []time.Time, sales []int64) {
	const w, plot, top = 720, 150, 10
	d.ChartW, d.ChartH, d.BaseY, d.LabelY = w+16, top+plot+24, top+plot, top+plot+16 // room for the last date
	for _, v := range sales {
		d.MaxFen = max(d.MaxFen, v)
	}
	step := w / len(sales)
	for i, v := range sales {
		b := adminBar{X: i*step + 2, W: step - 4, Day: starts[i], SalesFen: v}
		if d.MaxFen > 0 && v > 0 {
			b.H = max(1, int(v*plot/d.MaxFen))
			d.HasSales = true
		}
		b.Y, b.LX = top+plot-b.H, b.X+b.W/2
		if (len(sales)-1-i)%5 == 0 {
			b.Label = starts[i].Format("01-02")
		}
		d.Bars = append(d.Bars, b)
	}
}
