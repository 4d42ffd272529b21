package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/fenxiao/fenxiao/internal/audit"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/httpapi"
	"github.com/fenxiao/fenxiao/internal/idempotency"
	"github.com/fenxiao/fenxiao/internal/jobs"
	"github.com/fenxiao/fenxiao/internal/web"
)

// scheduled lists the periodic work of a node. Each job drains its backlog in bounded batches.
func scheduled(d *db.DB, api *httpapi.Server, log *slog.Logger) *jobs.Runner {
	drain := func(step func(context.Context, int) (int, error)) func(context.Context) error {
		return func(ctx context.Context) error {
			ctx = audit.WithActor(ctx, "system:jobs")
			for ctx.Err() == nil {
				n, err := step(ctx, 200)
				if err != nil || n < 200 {
					return err
				}
			}
			return ctx.Err()
		}
	}
	return &jobs.Runner{DB: d, Log: log, Jobs: []jobs.Job{
		{Name: "unpaid-order-timeout", Every: 30 * time.Second, Run: drain(api.Orders.CancelExpired)},
		{Name: "auto-complete-delivered", Every: 10 * time.Minute, Run: drain(api.Orders.AutoComplete)},
		{Name: "settlement-schedule", Every: 5 * time.Minute, Run: func(ctx context.Context) error {
			_, _, err := api.Settlement.RunDue(audit.WithActor(ctx, "system:settlement-schedule"))
			return err
		}},
		{Name: "purge-sessions", Every: time.Hour, Run: func(ctx context.Context) error { return web.PurgeSessions(ctx, d) }},
		{Name: "purge-idempotency-keys", Every: time.Hour, Run: func(ctx context.Context) error {
			_, err := (&idempotency.Store{DB: d}).Purge(ctx, 24*time.Hour)
			return err
		}},
	}}
}
