package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fenxiao/fenxiao/internal/db/dbtest"
	"github.com/fenxiao/fenxiao/internal/jobs"
)

// Several nodes looking for due work at the same moment run each job once.
func TestOneNodeRunsEachJob(t *testing.T) {
	d, clk := dbtest.Open(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var runs, fails atomic.Int64
	mk := func() *jobs.Runner {
		return &jobs.Runner{DB: d, Log: log, Jobs: []jobs.Job{
			{Name: "count", Every: time.Minute, Run: func(context.Context) error { runs.Add(1); return nil }},
			{Name: "broken", Every: time.Minute, Run: func(context.Context) error { fails.Add(1); return errors.New("boom") }},
		}}
	}
	nodes := []*jobs.Runner{mk(), mk(), mk(), mk()}
	ctx := context.Background()
	for _, n := range nodes {
		if err := n.Register(ctx); err != nil {
			t.Fatal(err)
		}
		n.RunDue(ctx)
	}
	if runs.Load() != 1 || fails.Load() != 1 {
		t.Fatalf("first round: runs=%d fails=%d, want 1 and 1", runs.Load(), fails.Load())
	}
	round := func() {
		var wg sync.WaitGroup
		for _, n := range nodes {
			wg.Add(1)
			go func() { defer wg.Done(); n.RunDue(context.Background()) }()
		}
		wg.Wait()
	}
	round()
	if runs.Load() != 1 {
		t.Fatalf("ran again before it was due: %d", runs.Load())
	}
	clk.Advance(61 * time.Second)
	round()
	if runs.Load() != 2 || fails.Load() != 2 {
		t.Fatalf("second round: runs=%d fails=%d, want 2 and 2", runs.Load(), fails.Load())
	}
	var lastErr string
	d.R.QueryRow(`SELECT last_error FROM job_leases WHERE name = 'broken'`).Scan(&lastErr)
	if lastErr != "boom" {
		t.Fatalf("last_error = %q", lastErr)
	}
}

// A node that dies holding a lease delays the job only until the lease runs out.
func TestExpiredLeaseIsTakenOver(t *testing.T) {
	d, clk := dbtest.Open(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var runs atomic.Int64
	job := jobs.Job{Name: "j", Every: time.Hour, Run: func(context.Context) error { runs.Add(1); return nil }}
	r := &jobs.Runner{DB: d, Log: log, Jobs: []jobs.Job{job}, Lease: time.Minute}
	if err := r.Register(context.Background()); err != nil {
		t.Fatal(err)
	}
	r.RunDue(context.Background())
	// Simulate a crashed holder: a lease taken and never released.
	clk.Advance(2 * time.Hour)
	if _, err := d.W.Exec(`UPDATE job_leases SET holder = 'dead', lease_until = $1`, clk.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	other := &jobs.Runner{DB: d, Log: log, Jobs: []jobs.Job{job}, Lease: time.Minute}
	if n := other.RunDue(context.Background()); n != 0 {
		t.Fatalf("ran while another node held the lease")
	}
	clk.Advance(2 * time.Minute)
	if n := other.RunDue(context.Background()); n != 1 || runs.Load() != 2 {
		t.Fatalf("lease not taken over: ran %d, runs %d", n, runs.Load())
	}
}
