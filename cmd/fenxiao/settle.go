package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/fenxiao/fenxiao/internal/audit"
	"github.com/fenxiao/fenxiao/internal/settlement"
)

const settleSummary = `Settles commission: moves what is settleable at the cutoff from frozen to available and draws
a statement per distributor. The same cutoff and scope is one run however often, and on however
many nodes, it is asked for; a run that is going on elsewhere is waited for, one that failed is
resumed. Exits 1 when the run fails.

  fenxiao settle                          everyone, cutoff now
  fenxiao settle --cutoff 2026-04-01T02:00:00+08:00
  fenxiao settle --distributor-id 42      one distributor (on request)
  fenxiao settle --due                    only if the configured schedule is due (for cron)`

func cmdSettle(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("settle", settleSummary, stderr)
	var c common
	c.register(fs)
	cutoff := fs.String("cutoff", "", "RFC 3339 time; commission settleable at or before it is settled (default now)")
	who := fs.Int64("distributor-id", 0, "settle only this distributor")
	due := fs.Bool("due", false, "run only if the settlement schedule is due, at its cutoff")
	asJSON := fs.Bool("json", false, "print the run as JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	var at time.Time
	if *cutoff != "" {
		t, err := time.Parse(time.RFC3339, *cutoff)
		if err != nil {
			return fmt.Errorf("--cutoff must be an RFC 3339 time like 2026-04-01T02:00:00+08:00: %w", err)
		}
		at = t
	}
	if *due && (*cutoff != "" || *who != 0) {
		return fmt.Errorf("--due takes the cutoff from the schedule and settles everyone: leave out --cutoff and --distributor-id")
	}
	log := c.logger(stderr)
	d, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Migrate(ctx, nil); err != nil {
		return err
	}
	svc := settlement.New(d, nil, log)
	ctx = audit.WithActor(ctx, "cli")
	var r settlement.Run
	if *due {
		var ok bool
		if r, ok, err = svc.RunDue(ctx); err != nil {
			return err
		}
		if !ok {
			fmt.Fprintln(stdout, "no settlement is due")
			return nil
		}
	} else if r, err = svc.Run(ctx, at, *who); err != nil {
		return err
	}
	for r.Status == settlement.Running { // going on in another process: wait for it
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
		if r, err = svc.GetRun(ctx, r.ID); err != nil {
			return err
		}
	}
	if *asJSON {
		if err := json.NewEncoder(stdout).Encode(r); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(stdout, "settlement run %d (%s): %s, %d of %d distributors, %d statements, %d commissions, %d fen settled\n",
			r.ID, r.ScopeKey, r.Status, r.Done, r.Total, r.Distributors, r.Commissions, r.SettledFen)
		if r.Error != "" {
			fmt.Fprintln(stdout, "error:", r.Error)
		}
	}
	if r.Status != settlement.Completed {
		return exitError(1)
	}
	return nil
}
