package export

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestExportSpeed streams a million synthetic rows of twelve columns — Chinese text, integers,
// money, rates, times — as XLSX and as CSV to a counting writer, and reports wall time and the
// peak heap in use, sampled while it runs, against the same for 100,000 rows: memory must stay
// flat. Opt-in: FENXIAO_EXPORT_BENCH=1 (about a minute on two cores).
func TestExportSpeed(t *testing.T) {
	if os.Getenv("FENXIAO_EXPORT_BENCH") != "1" {
		t.Skip("set FENXIAO_EXPORT_BENCH=1 to stream a million rows")
	}
	for _, f := range []Format{XLSX, CSV} {
		var peak100k uint64
		for _, n := range []int{100_000, 1_000_000} {
			r := measure(t, f, n)
			t.Logf("%s %9d rows: %6.1f s, %7.1f MB written, peak heap in use %5.1f MB, %d progress calls",
				f, n, r.wall.Seconds(), float64(r.bytes)/1e6, float64(r.peak)/1e6, r.calls)
			if n == 100_000 {
				peak100k = r.peak
				continue
			}
			if r.wall > 60*time.Second {
				t.Errorf("%s: a million rows took %v, over 60 s", f, r.wall)
			}
			if r.peak > 2*peak100k+16<<20 {
				t.Errorf("%s: memory grows with rows: peak %d MB at 1M against %d MB at 100k", f, r.peak>>20, peak100k>>20)
			}
		}
	}
}

type measured struct {
	wall         time.Duration
	bytes        int64
	peak         uint64
	calls        int
	rowsReported int64
}

type countingWriter struct{ n atomic.Int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n.Add(int64(len(p))); return len(p), nil }

func measure(t *testing.T, f Format, n int) measured {
	runtime.GC()
	var m measured
	var mu sync.Mutex
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			mu.Lock()
			m.peak = max(m.peak, ms.HeapInuse)
			mu.Unlock()
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	})
	tb := syntheticTable()
	tb.TempDir = t.TempDir()
	tb.Progress = func(rows int64, _ bool) { m.calls++; m.rowsReported = rows }
	var w countingWriter
	start := time.Now()
	got, err := Write(context.Background(), &w, f, tb, syntheticRows(n))
	m.wall = time.Since(start)
	close(stop)
	wg.Wait()
	if err != nil || got != int64(n) || m.rowsReported != int64(n) {
		t.Fatalf("%s: %d rows (progress said %d), %v", f, got, m.rowsReported, err)
	}
	m.bytes = w.n.Load()
	return m
}

func syntheticTable() Table {
	return Table{Sheet: "业绩", Columns: []Column{
		{Header: "订单号", Kind: Text}, {Header: "下单时间", Kind: Time}, {Header: "商品", Kind: Text},
		{Header: "数量", Kind: Int}, {Header: "实付金额", Kind: Money}, {Header: "退款金额", Kind: Money},
		{Header: "分销商编码", Kind: Text}, {Header: "分销商", Kind: Text}, {Header: "层级", Kind: Int},
		{Header: "佣金比例", Kind: Rate}, {Header: "佣金", Kind: Money}, {Header: "付款日期", Kind: Date},
	}}
}

func syntheticRows(n int) Rows {
	products := []string{"云南普洱茶饼 357g", "每日坚果礼盒（30 袋装）", "景德镇手绘陶瓷杯", "东北五常大米 10kg"}
	names := []string{"王小明", "李华", "张伟的小店", "陈静·好物分享"}
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	return func(_ context.Context, emit func([]any) error) error {
		row := make([]any, 12)
		for i := range n {
			at := base.Add(time.Duration(i) * 17 * time.Second)
			paid := int64(1000 + i%500_000)
			row[0] = fmt.Sprintf("FX%010d", i)
			row[1] = at
			row[2] = products[i%len(products)]
			row[3] = int64(1 + i%5)
			row[4] = paid
			row[5] = int64(i%7) * 100
			row[6] = fmt.Sprintf("D%06d", i%100_000)
			row[7] = names[i%len(names)]
			row[8] = int64(1 + i%2)
			row[9] = int64(800)
			row[10] = paid * 800 / 10000
			row[11] = at
			if err := emit(row); err != nil {
				return err
			}
		}
		return nil
	}
}
