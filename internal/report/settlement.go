package report

import (
	"context"
	"fmt"

	"github.com/fenxiao/fenxiao/internal/db"
)

// SettlementRow is one distributor's statements of a period added up: statements whose cutoff
// (period_end) falls in the period, as the statements list selects them. Opening is the first
// statement's, closing the last's; the rest are sums, so the rows match the statements to the fen.
type SettlementRow struct {
	DistributorID int64  `json:"distributor_id"`
	Code          string `json:"code"`
	Name          string `json:"name"`
	Level         int    `json:"level"`
	Statements    int64  `json:"statements"`
	OpeningFen    int64  `json:"opening_fen"`
	AccruedFen    int64  `json:"accrued_fen"`
	ReversedFen   int64  `json:"reversed_fen"`
	ClawedBackFen int64  `json:"clawed_back_fen"`
	SettledFen    int64  `json:"settled_fen"`
	WithdrawnFen  int64  `json:"withdrawn_fen"`
	ClosingFen    int64  `json:"closing_fen"`
}

// Settlement is the settlement report of f's period, one row per distributor with a statement,
// by distributor id; f.DistributorID and f.Level narrow it. It reads the statements themselves
// (already one row per distributor and run) through their period_end index. Errors: Invalid.
func (s *Service) Settlement(ctx context.Context, f Filter) ([]SettlementRow, error) {
	r, err := s.Resolve(ctx, f)
	if err != nil {
		return nil, err
	}
	w := newWhere(s.DB.Dialect)
	w.add("s.period_end >= ?", r.Start())
	w.add("s.period_end < ?", r.End())
	if f.DistributorID != 0 {
		w.add("s.distributor_id = ?", f.DistributorID)
	}
	level := ""
	if f.Level != 0 {
		w.args = append(w.args, f.Level)
		level = fmt.Sprintf(" WHERE d.level = $%d", len(w.args))
	}
	var out []SettlementRow
	err = s.read(ctx, func(q db.Querier) error {
		cond, args := w.build()
		return scanRows(ctx, q, `WITH g AS (
				SELECT s.distributor_id, count(*) AS n, sum(s.accrued_fen) AS accrued, sum(s.reversed_fen) AS reversed,
					sum(s.clawed_back_fen) AS clawed, sum(s.settled_fen) AS settled, sum(s.withdrawn_fen) AS withdrawn,
					min(s.id) AS first_id, max(s.id) AS last_id
				FROM statements s WHERE `+cond+` GROUP BY s.distributor_id)
			SELECT g.distributor_id, d.code, d.name, d.level, g.n, f.opening_fen, g.accrued, g.reversed, g.clawed, g.settled, g.withdrawn, l.closing_fen
			FROM g JOIN statements f ON f.id = g.first_id JOIN statements l ON l.id = g.last_id JOIN distributors d ON d.id = g.distributor_id`+level+`
			ORDER BY g.distributor_id`, args, func(sc scanner) error {
			var x SettlementRow
			if err := sc.Scan(&x.DistributorID, &x.Code, &x.Name, &x.Level, &x.Statements, &x.OpeningFen, &x.AccruedFen, &x.ReversedFen,
				&x.ClawedBackFen, &x.SettledFen, &x.WithdrawnFen, &x.ClosingFen); err != nil {
				return err
			}
			out = append(out, x)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("settlement report: %w", err)
	}
	return out, nil
}
