package link

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

// Clicks fired from many goroutines are all written by Close, in batches, and counted.
func TestRecorderWritesEveryClickOnClose(t *testing.T) {
	e := newEnv(t)
	alice := e.distributor("Alice", nil)
	l, err := e.Links.ForShop(ctx, alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	r := NewRecorder(e.DB, e.Links.Log, RecorderOptions{Batch: 100, Interval: time.Hour}) // only size and Close flush
	const n = 1234
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < n; i += 4 {
				if !r.Record(click(l, "k", utc(1, 3, 0))) {
					t.Error("a click was dropped")
				}
			}
		}()
	}
	wg.Wait()
	if err := r.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := e.count(`SELECT count(*) FROM link_clicks`); got != n {
		t.Fatalf("%d rows, want %d", got, n)
	}
	if got := testutil.ToFloat64(r.recorded); got != n {
		t.Fatalf("recorded counter %v, want %d", got, n)
	}
	// Closed: further clicks are refused and counted as dropped, never sent on a closed channel.
	if r.Record(click(l, "k", utc(1, 3, 0))) || testutil.ToFloat64(r.dropped) != 1 {
		t.Fatal("a click after Close should be dropped and counted")
	}
	if err := r.Close(context.Background()); err != nil {
		t.Fatal("a second Close should be harmless")
	}
}

// The interval flush writes a click without Close, within about a second.
func TestRecorderFlushesEveryInterval(t *testing.T) {
	e := newEnv(t)
	alice := e.distributor("Alice", nil)
	l, _ := e.Links.ForShop(ctx, alice.ID)
	r := NewRecorder(e.DB, e.Links.Log, RecorderOptions{Interval: 50 * time.Millisecond})
	defer r.Close(context.Background())
	r.Record(click(l, "k", utc(1, 3, 0)))
	deadline := time.Now().Add(5 * time.Second)
	for e.count(`SELECT count(*) FROM link_clicks`) != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the click was not written by the interval flush")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A full buffer drops and counts instead of blocking the redirect.
func TestRecorderDropsWhenFull(t *testing.T) {
	e := newEnv(t)
	r := NewRecorder(e.DB, e.Links.Log, RecorderOptions{Buffer: 2})
	r.start.Do(func() {}) // no writer: the buffer stays full
	c := Click{LinkID: 1, DistributorID: 1, At: utc(1, 3, 0), UAClass: UAMobile, ClientKey: testKey("k")}
	got := []bool{r.Record(c), r.Record(c), r.Record(c)}
	if !got[0] || !got[1] || got[2] || testutil.ToFloat64(r.dropped) != 1 {
		t.Fatalf("took %v, dropped %v; want the third dropped", got, testutil.ToFloat64(r.dropped))
	}
}

// BenchmarkRecorderFlush is the database's share of a click: full batches written as the
// recorder writes them (one prepared multi-row INSERT), per click. Visitors vary over 5000 keys
// and time moves on, as under load.
func BenchmarkRecorderFlush(b *testing.B) {
	e := newEnv(b)
	alice := e.distributor("Alice", nil)
	l, err := e.Links.ForShop(ctx, alice.ID)
	if err != nil {
		b.Fatal(err)
	}
	r := NewRecorder(e.DB, e.Links.Log, RecorderOptions{})
	batch := make([]Click, r.opt.Batch)
	keys := make([]int64, 5000)
	for i := range keys {
		keys[i] = ClientKey([]byte("s"), fmt.Sprintf("10.0.%d.%d:1", i/256, i%256), "ua")
	}
	at := utc(1, 3, 0)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		c := Click{LinkID: l.ID, DistributorID: l.DistributorID, At: at.Add(time.Duration(n) * time.Millisecond),
			ReferrerHost: "mp.weixin.qq.com", UAClass: UAMobile, ClientKey: keys[n%len(keys)], Credited: true}
		batch[n%len(batch)] = c
		n++
		if n%len(batch) == 0 {
			r.flush(batch)
		}
	}
	if testutil.ToFloat64(r.failed) != 0 {
		b.Fatal("a batch failed")
	}
}
