// Package report answers the merchant's reports (issue #7) from the rollups of package rollup:
// one function per report, each returning typed rows that a page, the JSON API or an export can
// render. Every figure is defined in the doc comment of its field; amounts are fen, shares basis
// points.
//
// Two clocks appear in the figures, chosen for what each question asks:
//   - sales and their commission are a cohort of the payment day: "sales of March" are orders
//     paid in March, with whatever of them was refunded since (and the commission on them, net of
//     its reversals) — so commission cost is set against the sales it was paid on;
//   - money movements (settled, withdrawn) and withdrawal events count on the day they happened,
//     as statements do.
//
// Sales are the goods part of an order: line bases (price × quantity less the line's share of
// discounts), never shipping, and refunds of them (refund lines; refunded shipping is not a sale).
package report

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/rollup"
)

// Service reads reports.
type Service struct {
	DB *db.DB
}

// Periods a filter may name.
const (
	PeriodDay     = "day"
	PeriodWeek    = "week" // Monday to Sunday
	PeriodMonth   = "month"
	PeriodQuarter = "quarter"
	PeriodYear    = "year"
	PeriodCustom  = "custom"
)

// Filter selects what a report covers. Zero values mean: this month, every level, every
// distributor, every product.
type Filter struct {
	// Period is day, week, month, quarter or year — the one containing From (default: today) —
	// or custom: the dates From to To, both included. Dates are the merchant's (Range.Zone).
	Period   string
	From, To time.Time
	// Level 1 or 2 keeps distributors of that level: their current level for distributor,
	// settlement, withdrawal and network figures; the level they sold at (the order's snapshot)
	// for product and commission-cost figures.
	Level         int
	DistributorID int64
	ProductID     int64
	Sort          string // a column name of the report's rows; descending
	Limit         int    // rows of a ranking; 0 = all
}

// Range is a resolved period: the dates [From, To) in Zone.
type Range struct {
	Period   string
	From, To time.Time // midnight UTC of the calendar dates; To excluded
	Zone     *time.Location
}

// Start and End are the instants the range begins and ends, for raw timestamp columns.
func (r Range) Start() time.Time { return inZone(r.From, r.Zone) }
func (r Range) End() time.Time   { return inZone(r.To, r.Zone) }

// Days is the number of days in the range.
func (r Range) Days() int { return int(r.To.Sub(r.From).Hours()/24 + 0.5) }

func inZone(d time.Time, loc *time.Location) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc).UTC()
}

// Previous is the period before r: the previous calendar day, week, month, quarter or year, or
// for a custom range as many days just before it.
func (r Range) Previous() Range {
	p := r
	switch r.Period {
	case PeriodMonth:
		p.From = r.From.AddDate(0, -1, 0)
	case PeriodQuarter:
		p.From = r.From.AddDate(0, -3, 0)
	case PeriodYear:
		p.From = r.From.AddDate(-1, 0, 0)
	default:
		p.From = r.From.AddDate(0, 0, -r.Days())
	}
	p.To = r.From
	return p
}

func (r Range) segments() []rollup.Segment { return rollup.Segments(r.From, r.To) }

// Resolve turns f's period into dates, in the rollups' zone. Errors: Invalid.
func (s *Service) Resolve(ctx context.Context, f Filter) (Range, error) {
	loc, err := rollup.Zone(ctx, s.DB.R, "")
	if err != nil {
		return Range{}, err
	}
	return resolve(f, loc, s.DB.Now())
}

func resolve(f Filter, loc *time.Location, now time.Time) (Range, error) {
	day := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }
	period := f.Period
	if period == "" {
		period = PeriodMonth
		if !f.To.IsZero() {
			period = PeriodCustom
		}
	}
	at := f.From
	if at.IsZero() {
		n := now.In(loc)
		at = time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)
	}
	at = day(at)
	r := Range{Period: period, Zone: loc}
	switch period {
	case PeriodDay:
		r.From, r.To = at, at.AddDate(0, 0, 1)
	case PeriodWeek:
		back := (int(at.Weekday()) + 6) % 7
		r.From = at.AddDate(0, 0, -back)
		r.To = r.From.AddDate(0, 0, 7)
	case PeriodMonth:
		r.From = time.Date(at.Year(), at.Month(), 1, 0, 0, 0, 0, time.UTC)
		r.To = r.From.AddDate(0, 1, 0)
	case PeriodQuarter:
		r.From = time.Date(at.Year(), (at.Month()-1)/3*3+1, 1, 0, 0, 0, 0, time.UTC)
		r.To = r.From.AddDate(0, 3, 0)
	case PeriodYear:
		r.From = time.Date(at.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
		r.To = r.From.AddDate(1, 0, 0)
	case PeriodCustom:
		if f.From.IsZero() || f.To.IsZero() {
			return r, errs.Field("from", "invalid_period", "a custom period needs both from and to (dates like 2026-03-01, both included)")
		}
		r.From, r.To = day(f.From), day(f.To).AddDate(0, 0, 1)
		if !r.From.Before(r.To) {
			return r, errs.Field("to", "invalid_period", "to (%s) is before from (%s)", f.To.Format(time.DateOnly), f.From.Format(time.DateOnly))
		}
		if r.To.Sub(r.From) > 10*366*24*time.Hour {
			return r, errs.Field("to", "invalid_period", "a custom period is at most ten years")
		}
	default:
		return r, errs.Field("period", "invalid_period", "period must be day, week, month, quarter, year or custom, not %q", f.Period)
	}
	if f.Level != 0 && f.Level != 1 && f.Level != 2 {
		return r, errs.Field("level", "invalid_level", "level must be 1 or 2, not %d", f.Level)
	}
	return r, nil
}

// read runs fn in one read-only snapshot, so figures from several rollups agree with each other.
func (s *Service) read(ctx context.Context, fn func(q db.Querier) error) error {
	opts := &sql.TxOptions{}
	if s.DB.Dialect == db.Postgres {
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	tx, err := s.DB.R.DB.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin report read: %w", err)
	}
	defer tx.Rollback()
	return fn(tx)
}

// where builds "cond AND cond …" with $n numbered in order, for the optional filters, and the
// buckets of a range last.
type where struct {
	parts []string
	args  []any

	sqlite  bool
	narrow  bool // a distributor, parent or product is named
	prefix  string
	buckets []rollup.Segment
	hasSegs bool
}

func newWhere(d db.Dialect) *where { return &where{sqlite: d == db.SQLite} }

func (w *where) add(cond string, args ...any) {
	for _, a := range args {
		w.args = append(w.args, a)
		cond = strings.Replace(cond, "?", fmt.Sprintf("$%d", len(w.args)), 1)
	}
	w.parts = append(w.parts, cond)
}

// dim adds an equality on a dimension that has its own index (distributor, parent, product).
func (w *where) dim(cond string, arg any) {
	w.add(cond, arg)
	w.narrow = true
}

// segs selects the buckets of segs on prefix.grain, prefix.bucket.
func (w *where) segs(prefix string, segs []rollup.Segment) {
	w.prefix, w.buckets, w.hasSegs = prefix, segs, true
}

// build returns the condition and its arguments; call it once, after the last add. With a
// dimension named, SQLite is kept off the key (the unary + hides grain and bucket from its
// planner), which it prefers without statistics and would scan every row of the grain; it
// then seeks the dimension's index and checks the buckets on the index entries.
func (w *where) build() (string, []any) {
	parts := w.parts
	if w.hasSegs {
		cond, args := rollup.Where(w.prefix, w.buckets, len(w.args)+1)
		if w.sqlite && w.narrow {
			p := ""
			if w.prefix != "" {
				p = w.prefix + "."
			}
			cond = strings.ReplaceAll(strings.ReplaceAll(cond, p+"bucket", "+"+p+"bucket"), p+"grain", "+"+p+"grain")
		}
		parts = append(parts, cond)
		w.args = append(w.args, args...)
	}
	if len(parts) == 0 {
		return "1 = 1", w.args
	}
	return strings.Join(parts, " AND "), w.args
}

// bp is part/whole in basis points, truncated; 0 when whole is not positive.
func bp(part, whole int64) int64 {
	if whole <= 0 {
		return 0
	}
	return part/whole*10000 + part%whole*10000/whole // no overflow below 9×10^14 fen
}
