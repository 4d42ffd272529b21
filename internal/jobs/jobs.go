// Package jobs runs fenxiao's periodic work — the unpaid-order timeout, auto-completion, the
// settlement schedule — so that each run happens once even with several app nodes: a node runs a
// job only after winning its row in job_leases with a conditional UPDATE, which the database
// decides for everyone. Every job is also idempotent on its own (state machines, unique keys), so
// a node that dies mid-run only delays the work until its lease expires.
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/fenxiao/fenxiao/internal/db"
)

// Job is a named piece of periodic work.
type Job struct {
	Name  string
	Every time.Duration
	Run   func(ctx context.Context) error
}

// Runner schedules jobs on one node.
type Runner struct {
	DB   *db.DB
	Log  *slog.Logger
	Jobs []Job
	// Lease is how long a node may hold a job before another may take it over.
	Lease time.Duration
	// Tick is how often the runner looks for due jobs.
	Tick time.Duration
	node string
}

// Node names this process in the lease table.
func (r *Runner) Node() string {
	if r.node == "" {
		host, _ := os.Hostname()
		b := make([]byte, 4)
		_, _ = rand.Read(b)
		r.node = fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b))
	}
	return r.node
}

// Run registers the jobs and schedules them until ctx ends; a job running then finishes first.
func (r *Runner) Run(ctx context.Context) error {
	if r.Tick == 0 {
		r.Tick = 5 * time.Second
	}
	if err := r.Register(ctx); err != nil {
		return err
	}
	t := time.NewTicker(r.Tick)
	defer t.Stop()
	for {
		r.RunDue(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Register makes sure every job has its row; a new job is due at once.
func (r *Runner) Register(ctx context.Context) error {
	for _, j := range r.Jobs {
		err := r.DB.InTx(ctx, func(tx *db.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO job_leases (name, next_run_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, j.Name, tx.Now)
			return err
		})
		if err != nil {
			return fmt.Errorf("register job %s: %w", j.Name, err)
		}
	}
	return nil
}

// RunDue runs every job that is due and whose lease this node wins; it returns how many ran.
func (r *Runner) RunDue(ctx context.Context) int {
	if r.Lease == 0 {
		r.Lease = 10 * time.Minute
	}
	ran := 0
	for _, j := range r.Jobs {
		if ctx.Err() != nil {
			return ran
		}
		won, err := r.claim(ctx, j)
		if err != nil {
			r.Log.Error("job lease", "job", j.Name, "err", err)
			continue
		}
		if !won {
			continue
		}
		start := time.Now()
		err = j.Run(ctx)
		ran++
		if err != nil {
			r.Log.Error("job failed", "job", j.Name, "err", err, "took", time.Since(start))
		} else {
			r.Log.Debug("job done", "job", j.Name, "took", time.Since(start))
		}
		if ferr := r.finish(context.WithoutCancel(ctx), j, err); ferr != nil {
			r.Log.Error("job release", "job", j.Name, "err", ferr)
		}
	}
	return ran
}

func (r *Runner) claim(ctx context.Context, j Job) (bool, error) {
	var won bool
	err := r.DB.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE job_leases SET holder = $2, lease_until = $3
			WHERE name = $1 AND next_run_at <= $4 AND (lease_until IS NULL OR lease_until <= $4)`,
			j.Name, r.Node(), tx.Now.Add(r.Lease), tx.Now)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		won = n == 1
		return nil
	})
	return won, err
}

func (r *Runner) finish(ctx context.Context, j Job, runErr error) error {
	var msg any
	if runErr != nil {
		msg = runErr.Error()
	}
	return r.DB.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE job_leases SET holder = NULL, lease_until = NULL, next_run_at = $3,
			last_run_at = $4, last_error = $5, runs = runs + 1 WHERE name = $1 AND holder = $2`,
			j.Name, r.Node(), tx.Now.Add(j.Every), tx.Now, msg)
		return err
	})
}
