package report

import (
	"context"
	"fmt"
	"time"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/rollup"
)

// CostRow is the commission cost of one bucket's sales (a cohort of its payments), by the
// plan's three rates, net of reversals, against those sales: is the plan paying for itself?
type CostRow struct {
	Bucket        string `json:"bucket" doc:"the bucket's first day, YYYY-MM-DD"`
	Orders        int64  `json:"orders"`
	SalesFen      int64  `json:"sales_fen"`
	NetSalesFen   int64  `json:"net_sales_fen"`
	L1DirectFen   int64  `json:"l1_direct_fen" doc:"level 1 selling itself"`
	L2DirectFen   int64  `json:"l2_direct_fen" doc:"level 2 selling"`
	L1OverrideFen int64  `json:"l1_override_fen" doc:"level 1 on its level-2s' sales"`
	CommissionFen int64  `json:"commission_fen"`
	CostShareBP   int64  `json:"cost_share_bp" doc:"commission_fen / net_sales_fen, basis points"`
}

// Buckets of an over-time report.
const (
	BucketDay     = "day"
	BucketWeek    = "week"
	BucketMonth   = "month"
	BucketQuarter = "quarter"
)

// CommissionOverTime is commission cost per bucket (day, week, month or quarter) over f's
// period, every bucket present, clipped to the period. Filters: f.DistributorID (its own sales),
// f.ProductID, f.Level (the level the seller sold at). Errors: Invalid.
func (s *Service) CommissionOverTime(ctx context.Context, f Filter, bucket string) ([]CostRow, error) {
	r, err := s.Resolve(ctx, f)
	if err != nil {
		return nil, err
	}
	if bucket == "" {
		bucket = BucketDay
		if r.Days() > 62 {
			bucket = BucketMonth
		}
	}
	// Day and week buckets read day rows; month and quarter buckets read month rows (and day
	// rows where the period cuts a month): rollup_shop has no quarter rows, and a month bucket
	// needs the months anyway.
	var segs []rollup.Segment
	switch bucket {
	case BucketDay, BucketWeek:
		if r.Days() > 400 {
			return nil, errs.Field("bucket", "too_many_buckets", "day and week buckets cover at most 400 days; use month or quarter")
		}
		segs = []rollup.Segment{{Grain: rollup.Day, From: r.From.Format(time.DateOnly), To: r.To.Format(time.DateOnly)}}
	case BucketMonth, BucketQuarter:
		for _, sg := range r.segments() {
			if sg.Grain == rollup.Year || sg.Grain == rollup.Quarter {
				sg.Grain = rollup.Month
			}
			segs = append(segs, sg)
		}
	default:
		return nil, errs.Field("bucket", "invalid_bucket", "bucket must be day, week, month or quarter, not %q", bucket)
	}
	start := func(d time.Time) time.Time {
		switch bucket {
		case BucketWeek:
			return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
		case BucketMonth:
			return time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC)
		case BucketQuarter:
			return time.Date(d.Year(), (d.Month()-1)/3*3+1, 1, 0, 0, 0, 0, time.UTC)
		}
		return d
	}
	var out []CostRow
	index := map[string]int{}
	for d := r.From; d.Before(r.To); d = d.AddDate(0, 0, 1) {
		b := start(d)
		if b.Before(r.From) {
			b = r.From
		}
		k := b.Format(time.DateOnly)
		if _, ok := index[k]; !ok {
			index[k] = len(out)
			out = append(out, CostRow{Bucket: k})
		}
	}
	bucketOf := func(day string) (*CostRow, error) {
		d, err := time.Parse(time.DateOnly, day)
		if err != nil {
			return nil, err
		}
		b := start(d)
		if b.Before(r.From) {
			b = r.From
		}
		i, ok := index[b.Format(time.DateOnly)]
		if !ok {
			return nil, fmt.Errorf("bucket %s outside the period", day)
		}
		return &out[i], nil
	}

	w := newWhere(s.DB.Dialect)
	w.segs("s", segs)
	table := "rollup_shop"
	switch {
	case f.ProductID != 0:
		table = "rollup_sales"
		w.dim("s.product_id = ?", f.ProductID)
		if f.DistributorID != 0 {
			w.dim("s.distributor_id = ?", f.DistributorID)
		}
	case f.DistributorID != 0:
		table = "rollup_distributors"
		w.dim("s.distributor_id = ?", f.DistributorID)
	}
	if f.Level != 0 {
		w.add("s.level = ?", f.Level)
	}
	err = s.read(ctx, func(q db.Querier) error {
		cond, args := w.build()
		return scanRows(ctx, q, `SELECT s.bucket, s.level, sum(s.orders), sum(s.sales_fen), sum(s.refunded_fen),
				sum(s.direct_fen - s.direct_reversed_fen), sum(s.override_fen - s.override_reversed_fen)
			FROM `+table+` s WHERE `+cond+` GROUP BY s.bucket, s.level`, args, func(sc scanner) error {
			var day string
			var level, orders, sales, refunded, direct, override int64
			if err := sc.Scan(&day, &level, &orders, &sales, &refunded, &direct, &override); err != nil {
				return err
			}
			x, err := bucketOf(day)
			if err != nil {
				return err
			}
			x.Orders += orders
			x.SalesFen += sales
			x.NetSalesFen += sales - refunded
			if level == 2 {
				x.L2DirectFen += direct
			} else {
				x.L1DirectFen += direct
			}
			x.L1OverrideFen += override
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("commission over time: %w", err)
	}
	for i := range out {
		x := &out[i]
		x.CommissionFen = x.L1DirectFen + x.L2DirectFen + x.L1OverrideFen
		x.CostShareBP = bp(x.CommissionFen, x.NetSalesFen)
	}
	return out, nil
}
