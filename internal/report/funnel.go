package report

import (
	"context"

	"github.com/fenxiao/fenxiao/internal/db"
)

// FunnelRow is how far the period's visitors got: credited clicks on tracked links, then the
// orders placed in the period, how many of those were paid, and how many completed. Orders are
// a cohort of their creation time, so each step is a subset of the one before it (clicks
// aside: an order may come from a binding or a typed code rather than a click).
type FunnelRow struct {
	Clicks    int64 `json:"clicks"`
	Orders    int64 `json:"orders" doc:"orders placed in the period"`
	Paid      int64 `json:"paid" doc:"of those, paid (whatever happened after)"`
	Completed int64 `json:"completed" doc:"of those, completed"`
}

// Funnel is clicks → orders → paid → completed for f's period, for every order or for
// f.DistributorID's (level and product filters do not apply). It counts raw rows through the
// (status, created_at) and (distributor_id, created_at) indexes: one index range per status.
// Errors: Invalid.
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
		query := `SELECT status, count(*) FROM orders WHERE created_at >= $1 AND created_at < $2 GROUP BY status`
		args := []any{r.Start(), r.End()}
		if f.DistributorID != 0 {
			query = `SELECT status, count(*) FROM orders WHERE distributor_id = $3 AND created_at >= $1 AND created_at < $2 GROUP BY status`
			args = append(args, f.DistributorID)
		}
		rows, err := q.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var status string
			var n int64
			if err := rows.Scan(&status, &n); err != nil {
				return err
			}
			out.Orders += n
			switch status {
			case "paid", "shipped", "delivered":
				out.Paid += n
			case "completed":
				out.Paid += n
				out.Completed += n
			}
		}
		return rows.Err()
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
