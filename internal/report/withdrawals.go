package report

import (
	"context"
	"fmt"
	"sort"

	"github.com/fenxiao/fenxiao/internal/db"
)

// WithdrawalRow counts withdrawal events of a period, each on the day it happened: a
// withdrawal requested in March and paid in April is requested in March and paid in April.
type WithdrawalRow struct {
	DistributorID int64  `json:"distributor_id" doc:"0 on the summary row"`
	Code          string `json:"code,omitempty"`
	Name          string `json:"name,omitempty"`

	Requested    int64 `json:"requested"`
	RequestedFen int64 `json:"requested_fen"`
	Approved     int64 `json:"approved"`
	ApprovedFen  int64 `json:"approved_fen"`
	Paid         int64 `json:"paid"`
	PaidFen      int64 `json:"paid_fen" doc:"amounts of paid withdrawals, fees included"`
	FeesFen      int64 `json:"fees_fen" doc:"fees kept on paid withdrawals"`
	Rejected     int64 `json:"rejected"`
	RejectedFen  int64 `json:"rejected_fen"`
	Failed       int64 `json:"failed"`
	FailedFen    int64 `json:"failed_fen"`
	// Time to payout of the withdrawals paid in the period, request to payment, in seconds.
	AvgPayoutSeconds    int64 `json:"avg_payout_seconds"`
	MedianPayoutSeconds int64 `json:"median_payout_seconds" doc:"summary row only (0 on distributor rows); the lower middle of an even count"`
}

// WithdrawalReport is the period's summary and one row per distributor with an event, by id.
type WithdrawalReport struct {
	Summary       WithdrawalRow   `json:"summary"`
	ByDistributor []WithdrawalRow `json:"by_distributor"`
}

// Withdrawals is the withdrawal report of f's period; f.DistributorID and f.Level (current
// level) narrow it. Counts and sums come from rollup_withdrawal_totals (a row per distributor and bucket); the median reads the period's paid
// withdrawals through their finished_at index. Errors: Invalid.
func (s *Service) Withdrawals(ctx context.Context, f Filter) (WithdrawalReport, error) {
	r, err := s.Resolve(ctx, f)
	if err != nil {
		return WithdrawalReport{}, err
	}
	var out WithdrawalReport
	rows := map[int64]*WithdrawalRow{}
	secs := map[int64]int64{}
	err = s.read(ctx, func(q db.Querier) error {
		w := newWhere(s.DB.Dialect)
		w.segs("w", r.segments())
		join := ""
		if f.DistributorID != 0 {
			w.dim("w.distributor_id = ?", f.DistributorID)
		}
		if f.Level != 0 {
			join = " JOIN distributors d ON d.id = w.distributor_id"
			w.add("d.level = ?", f.Level)
		}
		cond, args := w.build()
		err := scanRows(ctx, q, `SELECT w.distributor_id, sum(w.requested), sum(w.requested_fen), sum(w.approved), sum(w.approved_fen),
				sum(w.paid), sum(w.paid_fen), sum(w.fees_fen), sum(w.payout_seconds), sum(w.rejected), sum(w.rejected_fen),
				sum(w.failed), sum(w.failed_fen)
			FROM rollup_withdrawal_totals w`+join+` WHERE `+cond+` GROUP BY w.distributor_id`, args, func(sc scanner) error {
			var x WithdrawalRow
			var sec int64
			if err := sc.Scan(&x.DistributorID, &x.Requested, &x.RequestedFen, &x.Approved, &x.ApprovedFen, &x.Paid, &x.PaidFen,
				&x.FeesFen, &sec, &x.Rejected, &x.RejectedFen, &x.Failed, &x.FailedFen); err != nil {
				return err
			}
			rows[x.DistributorID] = &x
			t := &out.Summary
			t.Requested, t.RequestedFen = t.Requested+x.Requested, t.RequestedFen+x.RequestedFen
			t.Approved, t.ApprovedFen = t.Approved+x.Approved, t.ApprovedFen+x.ApprovedFen
			t.Paid, t.PaidFen, t.FeesFen = t.Paid+x.Paid, t.PaidFen+x.PaidFen, t.FeesFen+x.FeesFen
			t.Rejected, t.RejectedFen = t.Rejected+x.Rejected, t.RejectedFen+x.RejectedFen
			t.Failed, t.FailedFen = t.Failed+x.Failed, t.FailedFen+x.FailedFen
			secs[x.DistributorID] += sec
			secs[0] += sec
			return nil
		})
		if err != nil {
			return err
		}
		// The median: the middle of the period's paid withdrawals' durations, read from their
		// covering index. Their number is the rollups' (the same set, exactly).
		if out.Summary.Paid == 0 {
			return describeWithdrawals(ctx, q, rows)
		}
		m := newWhere(s.DB.Dialect)
		m.add("w.status = 'paid'")
		m.add("w.finished_at >= ?", r.Start())
		m.add("w.finished_at < ?", r.End())
		if f.DistributorID != 0 {
			m.add("w.distributor_id = ?", f.DistributorID)
		}
		if f.Level != 0 {
			m.add("d.level = ?", f.Level)
		}
		m.args = append(m.args, (out.Summary.Paid-1)/2)
		cond, args = m.build()
		err = q.QueryRowContext(ctx, `SELECT secs FROM (SELECT `+payoutSeconds(s.DB.Dialect)+` AS secs FROM withdrawals w`+join+
			` WHERE `+cond+`) x ORDER BY secs LIMIT 1 OFFSET $`+fmt.Sprint(len(args)), args...).Scan(&out.Summary.MedianPayoutSeconds)
		if err != nil {
			return fmt.Errorf("median time to payout: %w", err)
		}
		return describeWithdrawals(ctx, q, rows)
	})
	if err != nil {
		return out, fmt.Errorf("withdrawal report: %w", err)
	}
	for id, x := range rows {
		if x.Paid > 0 {
			x.AvgPayoutSeconds = secs[id] / x.Paid
		}
		out.ByDistributor = append(out.ByDistributor, *x)
	}
	if out.Summary.Paid > 0 {
		out.Summary.AvgPayoutSeconds = secs[0] / out.Summary.Paid
	}
	sort.Slice(out.ByDistributor, func(i, j int) bool { return out.ByDistributor[i].DistributorID < out.ByDistributor[j].DistributorID })
	return out, nil
}

func describeWithdrawals(ctx context.Context, q db.Querier, rows map[int64]*WithdrawalRow) error {
	if len(rows) == 0 {
		return nil
	}
	ds := map[int64]*DistributorRow{}
	for id := range rows {
		ds[id] = &DistributorRow{}
	}
	var only int64
	if len(rows) == 1 {
		for id := range rows {
			only = id
		}
	}
	if err := describe(ctx, q, ds, only); err != nil {
		return err
	}
	for id, x := range rows {
		x.Code, x.Name = ds[id].Code, ds[id].Name
	}
	return nil
}

// payoutSeconds is request-to-payment time in whole seconds in SQL, as rollup.PayoutSeconds.
func payoutSeconds(d db.Dialect) string {
	if d == db.Postgres {
		return `CAST(floor(extract(epoch FROM w.finished_at)) - floor(extract(epoch FROM w.requested_at)) AS BIGINT)`
	}
	// unixepoch is strftime('%s') as an integer (the same truncating arithmetic), a third of its
	// cost: the median sorts every paid withdrawal of the period by it.
	return `unixepoch(w.finished_at) - unixepoch(w.requested_at)`
}
