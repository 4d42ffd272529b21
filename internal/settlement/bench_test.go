package settlement_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/fenxiao/fenxiao/internal/db/dbtest"
	"github.com/fenxiao/fenxiao/internal/settlement"
)

// BenchmarkSettleMillion settles 1,000,000 commissions of 10,000 distributors (100,000 orders of
// 10 lines) in one run, statements and lines included. The set-up takes longer than the run and
// is not timed; the run takes over a second, so the benchmark runs it once:
//
//	go test ./internal/settlement -run '^$' -bench SettleMillion
//	FENXIAO_TEST_DATABASE_URL=postgres://… go test ./internal/settlement -run '^$' -bench SettleMillion
func BenchmarkSettleMillion(b *testing.B) {
	const distributors, ordersEach, linesEach = 10000, 10, 10
	d, clk := dbtest.Open(b)
	bulk(b, d, distributors, ordersEach, linesEach, clk.Now())
	svc := settlement.New(d, nil, nil)
	b.ResetTimer()
	var r settlement.Run
	for range b.N {
		var err error
		r, err = svc.Run(ctx, time.Time{}, 0)
		if err != nil || r.Status != settlement.Completed {
			b.Fatalf("run: %+v %v", r, err)
		}
	}
	b.StopTimer()
	if r.Commissions != distributors*ordersEach*linesEach || r.Distributors != distributors {
		b.Fatalf("settled %d commissions for %d distributors", r.Commissions, r.Distributors)
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/run")
	b.ReportMetric(float64(r.Commissions)/b.Elapsed().Seconds()*float64(b.N), "commissions/s")
}

// The bulk set-up the benchmark uses is itself consistent, and a run over it settles everything
// and passes verify: a small version of the benchmark that runs with the tests.
func TestBulkSettles(t *testing.T) {
	s := newShop(t)
	bulk(t, s.DB, 40, 3, 5, s.DB.Now())
	s.verify()
	var log bytes.Buffer
	s.Settlement.Log = slog.New(slog.NewTextHandler(&log, nil))
	s.Settlement.BatchDistributors, s.Settlement.BatchCommissions = 7, 50 // batches of 3 distributors (45 commissions)
	r := s.run(time.Time{}, 0)
	if r.Commissions != 600 || r.Distributors != 40 || r.Total != 40 || r.Done != 40 {
		t.Fatalf("run: %+v", r)
	}
	// Lines 1…5 cost 1100, 1200, 1300, 1400, 1500: 650 fen of commission per order, 3 orders each.
	if r.SettledFen != 40*3*650 {
		t.Errorf("settled %d fen, want %d", r.SettledFen, 40*3*650)
	}
	settledOnce(t, s, r)
	// Progress is logged about every 5%: each of the 14 batches (7.5% each) crosses a step, unless
	// on PostgreSQL two workers finish theirs within one step.
	if n := strings.Count(log.String(), "msg=\"settlement progress\""); n < 10 || n > 14 || !strings.Contains(log.String(), "done=40 total=40 percent=100") {
		t.Errorf("%d progress lines:\n%s", n, log.String())
	}
}
