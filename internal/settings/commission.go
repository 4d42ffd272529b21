package settings

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"github.com/fenxiao/fenxiao/internal/audit"
	"github.com/fenxiao/fenxiao/internal/commission"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
)

// Commission is the merchant's commission configuration. The three rates form a versioned plan:
// changing any of them creates a new plan version, and each order keeps the version it was
// placed under, so a plan change never alters past orders.
type Commission struct {
	L1DirectBP   int64 `json:"l1_direct_bp" minimum:"0" maximum:"10000" doc:"level 1 selling itself"`
	L2DirectBP   int64 `json:"l2_direct_bp" minimum:"0" maximum:"10000" doc:"level 2 selling"`
	L1OverrideBP int64 `json:"l1_override_bp" minimum:"0" maximum:"10000" doc:"level 1 on its level-2's sales"`
	PlanVersion  int64 `json:"plan_version" readOnly:"true" doc:"the version these rates are; set by the server"`
	// FreezeDays is the refund window: commission becomes settleable this many days after its
	// order completed.
	FreezeDays int `json:"freeze_days" minimum:"0" maximum:"365"`
	// AutoCompleteDays completes a delivered order the customer did not confirm.
	AutoCompleteDays int `json:"auto_complete_days" minimum:"1" maximum:"90"`
	// UnpaidTimeoutMinutes cancels an unpaid order and releases its stock.
	UnpaidTimeoutMinutes int `json:"unpaid_timeout_minutes" minimum:"1" maximum:"10080"`
}

// DefaultCommission is plan version 1 of a new shop: the rates of DESIGN.md's worked example.
func DefaultCommission() Commission {
	return Commission{L1DirectBP: 1000, L2DirectBP: 800, L1OverrideBP: 300, PlanVersion: 1,
		FreezeDays: 7, AutoCompleteDays: 7, UnpaidTimeoutMinutes: 30}
}

// Plan returns the rates as a commission plan.
func (c Commission) Plan() commission.Plan {
	return commission.Plan{Version: c.PlanVersion, L1DirectBP: c.L1DirectBP, L2DirectBP: c.L2DirectBP, L1OverrideBP: c.L1OverrideBP}
}

// Validate reports the first wrong field.
func (c Commission) Validate() error {
	if err := c.Plan().Validate(); err != nil {
		return errs.Field("commission", "invalid_plan", "commission rates: %v", err)
	}
	if c.FreezeDays < 0 || c.FreezeDays > 365 {
		return errs.Field("commission.freeze_days", "invalid_freeze_days", "freeze_days must be 0 to 365")
	}
	if c.AutoCompleteDays < 1 || c.AutoCompleteDays > 90 {
		return errs.Field("commission.auto_complete_days", "invalid_auto_complete_days", "auto_complete_days must be 1 to 90")
	}
	if c.UnpaidTimeoutMinutes < 1 || c.UnpaidTimeoutMinutes > 10080 {
		return errs.Field("commission.unpaid_timeout_minutes", "invalid_unpaid_timeout", "unpaid_timeout_minutes must be 1 to 10080 (a week)")
	}
	return nil
}

const keyCommission = "commission"

// LoadCommission returns the commission settings with the current plan's rates.
func LoadCommission(ctx context.Context, q db.Querier) (Commission, error) {
	c := DefaultCommission()
	if err := load(ctx, q, keyCommission, &c); err != nil {
		return c, err
	}
	p, err := currentPlan(ctx, q)
	if err != nil {
		return c, err
	}
	if p.Version > 0 {
		c.L1DirectBP, c.L2DirectBP, c.L1OverrideBP, c.PlanVersion = p.L1DirectBP, p.L2DirectBP, p.L1OverrideBP, p.Version
	}
	return c, nil
}

// SaveCommission stores c; when the rates differ from the current plan a new plan version is
// written. It returns the settings as stored (with the plan version).
func SaveCommission(ctx context.Context, tx *db.Tx, c Commission) (Commission, error) {
	before, err := LoadCommission(ctx, tx)
	if err != nil {
		return c, err
	}
	c.PlanVersion = before.PlanVersion
	if err := c.Validate(); err != nil {
		return c, err
	}
	if err := ensurePlanOne(ctx, tx); err != nil {
		return c, err
	}
	if c.L1DirectBP != before.L1DirectBP || c.L2DirectBP != before.L2DirectBP || c.L1OverrideBP != before.L1OverrideBP {
		c.PlanVersion = before.PlanVersion + 1
		_, err := tx.ExecContext(ctx, `INSERT INTO commission_plans (version, l1_direct_bp, l2_direct_bp, l1_override_bp, created_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6)`, c.PlanVersion, c.L1DirectBP, c.L2DirectBP, c.L1OverrideBP, tx.Now, audit.Actor(ctx))
		if err != nil {
			return c, fmt.Errorf("store commission plan %d: %w", c.PlanVersion, err)
		}
	}
	return c, save(ctx, tx, keyCommission, before, c)
}

// CurrentPlan returns the plan new orders are placed under, creating version 1 on first use.
func CurrentPlan(ctx context.Context, tx *db.Tx) (commission.Plan, error) {
	p, err := currentPlan(ctx, tx)
	if err != nil || p.Version > 0 {
		return p, err
	}
	if err := ensurePlanOne(ctx, tx); err != nil {
		return p, err
	}
	return DefaultCommission().Plan(), nil
}

func ensurePlanOne(ctx context.Context, tx *db.Tx) error {
	d := DefaultCommission()
	_, err := tx.ExecContext(ctx, `INSERT INTO commission_plans (version, l1_direct_bp, l2_direct_bp, l1_override_bp, created_at, created_by)
		VALUES (1, $1, $2, $3, $4, 'default') ON CONFLICT (version) DO NOTHING`, d.L1DirectBP, d.L2DirectBP, d.L1OverrideBP, tx.Now)
	if err != nil {
		return fmt.Errorf("store default commission plan: %w", err)
	}
	return nil
}

func currentPlan(ctx context.Context, q db.Querier) (commission.Plan, error) {
	var p commission.Plan
	err := q.QueryRowContext(ctx, `SELECT version, l1_direct_bp, l2_direct_bp, l1_override_bp FROM commission_plans
		ORDER BY version DESC LIMIT 1`).Scan(&p.Version, &p.L1DirectBP, &p.L2DirectBP, &p.L1OverrideBP)
	if errors.Is(err, sql.ErrNoRows) {
		return commission.Plan{}, nil
	}
	if err != nil {
		return p, fmt.Errorf("read current commission plan: %w", err)
	}
	return p, nil
}

// Plans caches plan versions, which never change once written.
type Plans struct{ m sync.Map }

// Get returns plan version v.
func (ps *Plans) Get(ctx context.Context, q db.Querier, v int64) (commission.Plan, error) {
	if p, ok := ps.m.Load(v); ok {
		return p.(commission.Plan), nil
	}
	var p commission.Plan
	err := q.QueryRowContext(ctx, `SELECT version, l1_direct_bp, l2_direct_bp, l1_override_bp FROM commission_plans WHERE version = $1`, v).
		Scan(&p.Version, &p.L1DirectBP, &p.L2DirectBP, &p.L1OverrideBP)
	if err != nil {
		return p, fmt.Errorf("read commission plan %d: %w", v, err)
	}
	ps.m.Store(v, p)
	return p, nil
}

// PlanRow is one version in the plan history.
type PlanRow struct {
	commission.Plan
	CreatedBy string `json:"created_by"`
}

// PlanHistory lists every plan version, newest first.
func PlanHistory(ctx context.Context, q db.Querier) ([]PlanRow, error) {
	rows, err := q.QueryContext(ctx, `SELECT version, l1_direct_bp, l2_direct_bp, l1_override_bp, created_by FROM commission_plans ORDER BY version DESC`)
	if err != nil {
		return nil, fmt.Errorf("list commission plans: %w", err)
	}
	defer rows.Close()
	var out []PlanRow
	for rows.Next() {
		var r PlanRow
		if err := rows.Scan(&r.Version, &r.L1DirectBP, &r.L2DirectBP, &r.L1OverrideBP, &r.CreatedBy); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
