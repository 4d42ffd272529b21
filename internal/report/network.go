package report

import (
	"context"
	"fmt"
	"time"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/rollup"
)

// NetworkRow is how the network grew in a period, against the period before.
type NetworkRow struct {
	From         string `json:"from" doc:"first day of the period"`
	To           string `json:"to" doc:"last day of the period"`
	Applications int64  `json:"applications" doc:"distributors who applied in the period"`
	Approvals    int64  `json:"approvals" doc:"first approvals in the period (auto-approved applications included)"`
	Rejections   int64  `json:"rejections" doc:"applications rejected in the period"`
	// Active distributors sold in the period: at least one order they are the distributor of was
	// paid in it. Churned ones were active in the previous period and are not in this one.
	Active         int64 `json:"active"`
	PreviousActive int64 `json:"previous_active"`
	NewlyActive    int64 `json:"newly_active" doc:"active now, not in the previous period"`
	Churned        int64 `json:"churned"`
	ChurnBP        int64 `json:"churn_bp" doc:"churned / previous_active, basis points"`
}

// Network is the network growth report for f's period; f.Level keeps distributors of that
// (current) level. Applications, approvals and rejections come from the distributors table by
// its indexed timestamps (distributors are few next to orders); activity from the rollups.
// Errors: Invalid.
func (s *Service) Network(ctx context.Context, f Filter) (NetworkRow, error) {
	r, err := s.Resolve(ctx, f)
	if err != nil {
		return NetworkRow{}, err
	}
	out := NetworkRow{From: r.From.Format(time.DateOnly), To: r.To.AddDate(0, 0, -1).Format(time.DateOnly)}
	err = s.read(ctx, func(q db.Querier) error {
		level := ""
		args := []any{r.Start(), r.End()}
		if f.Level != 0 {
			level, args = " AND level = $3", append(args, f.Level)
		}
		if err := q.QueryRowContext(ctx, `SELECT
				(SELECT count(*) FROM distributors WHERE created_at >= $1 AND created_at < $2`+level+`),
				(SELECT count(*) FROM distributors WHERE approved_at >= $1 AND approved_at < $2`+level+`),
				(SELECT count(*) FROM distributors WHERE status = 'rejected' AND updated_at >= $1 AND updated_at < $2`+level+`)`,
			args...).Scan(&out.Applications, &out.Approvals, &out.Rejections); err != nil {
			return fmt.Errorf("applications: %w", err)
		}
		cur := activeSQL("c", r.segments(), f.Level, 1)
		prev := activeSQL("p", r.Previous().segments(), f.Level, 1+len(cur.args))
		args = append(cur.args, prev.args...)
		return q.QueryRowContext(ctx, `WITH cur AS (`+cur.q+`), prev AS (`+prev.q+`)
			SELECT (SELECT count(*) FROM cur), (SELECT count(*) FROM prev),
				(SELECT count(*) FROM cur WHERE distributor_id NOT IN (SELECT distributor_id FROM prev)),
				(SELECT count(*) FROM prev WHERE distributor_id NOT IN (SELECT distributor_id FROM cur))`, args...).
			Scan(&out.Active, &out.PreviousActive, &out.NewlyActive, &out.Churned)
	})
	if err != nil {
		return out, fmt.Errorf("network report: %w", err)
	}
	out.ChurnBP = bp(out.Churned, out.PreviousActive)
	return out, nil
}

type query struct {
	q    string
	args []any
}

// activeSQL selects the distinct distributors with a paid order in segs, numbering its
// arguments from first.
func activeSQL(alias string, segs []rollup.Segment, level, first int) query {
	cond, args := rollup.Where(alias, segs, first)
	q := `SELECT DISTINCT ` + alias + `.distributor_id FROM rollup_distributors ` + alias
	if level != 0 {
		q += ` JOIN distributors d` + alias + ` ON d` + alias + `.id = ` + alias + `.distributor_id AND d` + alias + fmt.Sprintf(`.level = $%d`, first+len(args))
		args = append(args, level)
	}
	return query{q + ` WHERE ` + cond + ` AND ` + alias + `.orders > 0 AND ` + alias + `.distributor_id <> 0`, args}
}
