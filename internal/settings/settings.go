// Package settings stores the merchant's configuration as one JSON document per section
// (network now; commission and withdrawal join later), with defaults for what was never set.
package settings

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/fenxiao/fenxiao/internal/audit"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
)

// Review modes for distributor applications (DESIGN.md §2).
const (
	ReviewManual = "manual" // every application waits for a person
	ReviewAuto   = "auto"   // applications are approved at once
)

// Network is how the distributor network grows.
type Network struct {
	ReviewMode string `json:"review_mode" enum:"manual,auto" doc:"manual: every application waits for review; auto: approved at once"`
	// Level1CanInvite lets approved level-1 distributors recruit level-2s with their invite code.
	// Level 2 can never recruit: that would make a third level.
	Level1CanInvite bool `json:"level1_can_invite" doc:"whether level-1 distributors may recruit level-2s"`
	// Level1SeesTeamOrders lets a level-1 see the orders of its level-2s.
	Level1SeesTeamOrders bool `json:"level1_sees_team_orders" doc:"whether a level-1 sees its team's orders"`
	// SpendThresholdFen, when above zero, lets a customer whose paid spend reaches it become a
	// level-1 distributor without review (满额分销).
	SpendThresholdFen int64 `json:"spend_threshold_fen" minimum:"0" doc:"paid spend that qualifies a customer as level 1 without review; 0 = off"`
}

// DefaultNetwork is what a new shop starts with.
func DefaultNetwork() Network {
	return Network{ReviewMode: ReviewManual, Level1CanInvite: true, Level1SeesTeamOrders: true}
}

// Validate reports the first wrong field.
func (n Network) Validate() error {
	if n.ReviewMode != ReviewManual && n.ReviewMode != ReviewAuto {
		return errs.Field("network.review_mode", "invalid_review_mode", "review_mode must be \"manual\" or \"auto\", not %q", n.ReviewMode)
	}
	if n.SpendThresholdFen < 0 || n.SpendThresholdFen > 1e12 {
		return errs.Field("network.spend_threshold_fen", "invalid_spend_threshold", "spend_threshold_fen must be 0 (off) up to 1000000000000")
	}
	return nil
}

const keyNetwork = "network"

// LoadNetwork returns the network settings, or the defaults when never saved.
func LoadNetwork(ctx context.Context, q db.Querier) (Network, error) {
	n := DefaultNetwork()
	err := load(ctx, q, keyNetwork, &n)
	return n, err
}

// SaveNetwork validates and stores n inside tx, with an audit entry.
func SaveNetwork(ctx context.Context, tx *db.Tx, n Network) error {
	if err := n.Validate(); err != nil {
		return err
	}
	before, err := LoadNetwork(ctx, tx)
	if err != nil {
		return err
	}
	return save(ctx, tx, keyNetwork, before, n)
}

func load(ctx context.Context, q db.Querier, key string, dst any) error {
	var raw string
	err := q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s settings: %w", key, err)
	}
	if err := json.Unmarshal([]byte(raw), dst); err != nil {
		return fmt.Errorf("decode %s settings: %w", key, err)
	}
	return nil
}

func save(ctx context.Context, tx *db.Tx, key string, before, after any) error {
	b, err := json.Marshal(after)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, key, string(b), tx.Now)
	if err != nil {
		return fmt.Errorf("store %s settings: %w", key, err)
	}
	return audit.Record(ctx, tx, audit.Entry{Action: "settings." + key, Entity: "settings", EntityID: key, Before: before, After: after})
}
