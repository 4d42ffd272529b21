package report

import (
	"context"
	"fmt"

	"github.com/fenxiao/fenxiao/internal/db"
)

// FunnelRow is how far the period's visitors got: credited clicks on tracked links, then the
// orders placed in the period, how many of those were paid, and how many completed. Orders are
// a cohort of their creation time, so each step is a subset of the one before it (clicks
// aside: an order may come from a binding or a typed code rather than a click). An order that
// was paid counts as paid whatever happened after (shipped, refunded in part or in full).
type FunnelRow struct {
	Clicks    int64 `json:"clicks"`
	Orders    int64 `json:"orders" doc:"orders placed in the period"`
	Paid      int64 `json:"paid" doc:"of those, paid (whatever happened after, refunds included)"`
	Completed int64 `json:"completed" doc:"of those, completed"`
}

// Funnel is clicks → orders → paid → completed for f's period, for every order or for
// f.DistributorID's (level and product filters do not apply). Orders come from rollup_funnel,
// kept per bucket of the orders' creation by the order service. Errors: Invalid.
func (s *Service) Funnel(ctx context.Context, f Filter) (FunnelRow, error) {
	r, err := s.Resolve(ctx, f)
	if err != nil {
		return FunnelRow{}, err
	}
	var out FunnelRow
	err = s.read(ctx, func(q db.Querier) error {
		clicks, err := clicksByDistributor(ctx, q, r, f.DistributorID)
		if err != nil {
			return err
		}
		for _, n := range clicks {
			out.Clicks += n
		}
		w := newWhere(s.DB.Dialect)
		w.segs("", r.segments())
		if f.DistributorID != 0 {
			w.dim("distributor_id = ?", f.DistributorID)
		}
		cond, args := w.build()
		err = q.QueryRowContext(ctx, `SELECT COALESCE(sum(orders), 0), COALESCE(sum(paid), 0), COALESCE(sum(completed), 0)
			FROM rollup_funnel WHERE `+cond, args...).Scan(&out.Orders, &out.Paid, &out.Completed)
		if err != nil {
			return fmt.Errorf("funnel orders: %w", err)
		}
		return nil
	})
	return out, err
}

// clicksByDistributor counts credited clicks per distributor in r (or just distributorID's).
func clicksByDistributor(ctx context.Context, q db.Querier, r Range, distributorID int64) (map[int64]int64, error) {
	query := `SELECT distributor_id, count(*) FROM link_clicks WHERE credited AND at >= $1 AND at < $2 GROUP BY distributor_id`
	args := []any{r.Start(), r.End()}
	if distributorID != 0 {
		query = `SELECT distributor_id, count(*) FROM link_clicks WHERE distributor_id = $3 AND credited AND at >= $1 AND at < $2 GROUP BY distributor_id`
		args = append(args, distributorID)
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var id, n int64
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}
