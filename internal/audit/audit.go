// Package audit records who changed what, when, with the state before and after, in the same
// transaction as the change itself so the log can never miss or invent one.
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/fenxiao/fenxiao/internal/db"
)

type actorKey struct{}

// WithActor names who acts in ctx, e.g. "apikey:3 (ci)" or "user:owner@shop".
func WithActor(ctx context.Context, actor string) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

// Actor returns who acts in ctx; "system" for scheduled work and the CLI.
func Actor(ctx context.Context) string {
	if a, ok := ctx.Value(actorKey{}).(string); ok && a != "" {
		return a
	}
	return "system"
}

// Entry is one state change.
type Entry struct {
	Action   string // e.g. "distributor.approve"
	Entity   string // e.g. "distributor"
	EntityID string
	Before   any // marshalled to JSON; nil for creations
	After    any // nil for deletions
	Reason   string
}

// Record writes e inside tx.
func Record(ctx context.Context, tx *db.Tx, e Entry) error {
	before, err := marshal(e.Before)
	if err != nil {
		return err
	}
	after, err := marshal(e.After)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (at, actor, action, entity, entity_id, before, after, reason)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		tx.Now, Actor(ctx), e.Action, e.Entity, e.EntityID, before, after, nullable(e.Reason))
	if err != nil {
		return fmt.Errorf("write audit entry %s: %w", e.Action, err)
	}
	return nil
}

func marshal(v any) (*string, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode audit state: %w", err)
	}
	s := string(b)
	return &s, nil
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Row is a stored entry.
type Row struct {
	ID       int64           `json:"id"`
	At       time.Time       `json:"at"`
	Actor    string          `json:"actor"`
	Action   string          `json:"action"`
	Entity   string          `json:"entity"`
	EntityID string          `json:"entity_id"`
	Before   json.RawMessage `json:"before,omitempty"`
	After    json.RawMessage `json:"after,omitempty"`
	Reason   string          `json:"reason,omitempty"`
}

// Filter narrows List; zero values mean any.
type Filter struct {
	Entity   string
	EntityID string
	Limit    int
	Offset   int
}

// List returns entries newest first and the total count matching f.
func List(ctx context.Context, q db.Querier, f Filter) ([]Row, int, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	where := ` WHERE ($1 = '' OR entity = $1) AND ($2 = '' OR entity_id = $2)`
	var total int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM audit_log`+where, f.Entity, f.EntityID).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count audit log: %w", err)
	}
	rows, err := q.QueryContext(ctx, `SELECT id, at, actor, action, entity, entity_id, before, after, reason
		FROM audit_log`+where+` ORDER BY id DESC LIMIT $3 OFFSET $4`, f.Entity, f.EntityID, f.Limit, f.Offset)
	if err != nil {
		return nil, 0, fmt.Errorf("list audit log: %w", err)
	}
	defer rows.Close()
	var out []Row
	for rows.Next() {
		var r Row
		var before, after, reason *string
		if err := rows.Scan(&r.ID, &r.At, &r.Actor, &r.Action, &r.Entity, &r.EntityID, &before, &after, &reason); err != nil {
			return nil, 0, fmt.Errorf("read audit log: %w", err)
		}
		if before != nil {
			r.Before = json.RawMessage(*before)
		}
		if after != nil {
			r.After = json.RawMessage(*after)
		}
		if reason != nil {
			r.Reason = *reason
		}
		out = append(out, r)
	}
	return out, total, rows.Err()
}
