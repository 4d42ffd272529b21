package report

import (
	"context"
	"fmt"
	"sort"

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
// by distributor id; f.DistributorID and f.Level narrow it. It reads rollup_statements: per
// bucket of the range and distributor, the sums and the first and last statements' opening and
// closing with their ids, so the range's opening is that of the lowest first id and its closing
// that of the highest last id. Errors: Invalid.
func (s *Service) Settlement(ctx context.Context, f Filter) ([]SettlementRow, error) {
	r, err := s.Resolve(ctx, f)
	if err != nil {
		return nil, err
	}
	w := newWhere(s.DB.Dialect)
	w.segs("r", r.segments())
	join := ""
	if f.DistributorID != 0 {
		w.dim("r.distributor_id = ?", f.DistributorID)
	}
	if f.Level != 0 {
		join = " JOIN distributors d ON d.id = r.distributor_id"
		w.add("d.level = ?", f.Level)
	}
	type acc struct {
		row             SettlementRow
		firstID, lastID int64
	}
	byID := map[int64]*acc{}
	var out []SettlementRow
	err = s.read(ctx, func(q db.Querier) error {
		cond, args := w.build()
		err := scanRows(ctx, q, `SELECT r.distributor_id, r.statements, r.accrued_fen, r.reversed_fen, r.clawed_back_fen, r.settled_fen,
				r.withdrawn_fen, r.first_id, r.opening_fen, r.last_id, r.closing_fen
			FROM rollup_statements r`+join+` WHERE `+cond, args, func(sc scanner) error {
			var id, n, accrued, reversed, clawed, settled, withdrawn, firstID, opening, lastID, closing int64
			if err := sc.Scan(&id, &n, &accrued, &reversed, &clawed, &settled, &withdrawn, &firstID, &opening, &lastID, &closing); err != nil {
				return err
			}
			a := byID[id]
			if a == nil {
				a = &acc{row: SettlementRow{DistributorID: id, OpeningFen: opening, ClosingFen: closing}, firstID: firstID, lastID: lastID}
				byID[id] = a
			}
			x := &a.row
			x.Statements += n
			x.AccruedFen += accrued
			x.ReversedFen += reversed
			x.ClawedBackFen += clawed
			x.SettledFen += settled
			x.WithdrawnFen += withdrawn
			if firstID < a.firstID {
				a.firstID, x.OpeningFen = firstID, opening
			}
			if lastID > a.lastID {
				a.lastID, x.ClosingFen = lastID, closing
			}
			return nil
		})
		if err != nil {
			return err
		}
		ds := make(map[int64]*DistributorRow, len(byID))
		for id := range byID {
			ds[id] = &DistributorRow{}
		}
		if err := describe(ctx, q, ds, f.DistributorID); err != nil {
			return err
		}
		for id, a := range byID {
			d := ds[id]
			if d.Code == "" {
				continue // cannot happen: statements keep their distributor
			}
			a.row.Code, a.row.Name, a.row.Level = d.Code, d.Name, d.Level
			out = append(out, a.row)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("settlement report: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].DistributorID < out[j].DistributorID })
	return out, nil
}
