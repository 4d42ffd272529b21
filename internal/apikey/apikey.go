// Package apikey issues and checks the admin API keys integrators send as
// "Authorization: Bearer fx_…". Only a SHA-256 of a key is stored: keys are 256 random bits, so a
// slow hash would add nothing but latency to every request.
package apikey

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/fenxiao/fenxiao/internal/audit"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
)

// Roles a key (or a staff account) can hold; see DESIGN.md §1.
const (
	RoleOwner    = "owner"
	RoleOperator = "operator"
	RoleFinance  = "finance"
)

// Key is a stored key without its secret.
type Key struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	Role       string     `json:"role"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// Service manages keys.
type Service struct{ DB *db.DB }

// Create issues a key and returns it with its secret, which is shown this once only.
func (s *Service) Create(ctx context.Context, name, role string) (Key, string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return Key{}, "", errs.Field("name", "invalid_name", "key name must be 1 to 100 characters, e.g. \"erp-sync\"")
	}
	if role == "" {
		role = RoleOwner
	}
	if role != RoleOwner && role != RoleOperator && role != RoleFinance {
		return Key{}, "", errs.Field("role", "invalid_role", "role must be owner, operator or finance, not %q", role)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return Key{}, "", err
	}
	secret := "fx_" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw))
	k := Key{Name: name, Prefix: secret[:10], Role: role}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		k.CreatedAt = tx.Now
		err := tx.QueryRowContext(ctx, `INSERT INTO api_keys (name, prefix, hash, role, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, k.Name, k.Prefix, hash(secret), k.Role, tx.Now).Scan(&k.ID)
		if err != nil {
			return fmt.Errorf("store api key: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "apikey.create", Entity: "apikey", EntityID: fmt.Sprint(k.ID), After: k})
	})
	return k, secret, err
}

// List returns all keys, revoked ones included, newest first.
func (s *Service) List(ctx context.Context) ([]Key, error) {
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, name, prefix, role, created_at, last_used_at, revoked_at
		FROM api_keys ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("list api keys: %w", err)
	}
	defer rows.Close()
	var out []Key
	for rows.Next() {
		var k Key
		if err := rows.Scan(&k.ID, &k.Name, &k.Prefix, &k.Role, &k.CreatedAt, &k.LastUsedAt, &k.RevokedAt); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// Revoke disables a key at once. Revoking a revoked key is a no-op.
func (s *Service) Revoke(ctx context.Context, id int64) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`, tx.Now, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var exists int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM api_keys WHERE id = $1`, id).Scan(&exists); err != nil {
				return err
			}
			if exists == 0 {
				return errs.E(errs.NotFound, "apikey_not_found", "API key %d does not exist", id)
			}
			return nil
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "apikey.revoke", Entity: "apikey", EntityID: fmt.Sprint(id)})
	})
}

// Authenticate returns the live key whose secret is given.
func (s *Service) Authenticate(ctx context.Context, secret string) (Key, error) {
	var k Key
	err := s.DB.R.QueryRowContext(ctx, `SELECT id, name, prefix, role, created_at, revoked_at
		FROM api_keys WHERE hash = $1`, hash(secret)).Scan(&k.ID, &k.Name, &k.Prefix, &k.Role, &k.CreatedAt, &k.RevokedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Key{}, errs.E(errs.Unauthorized, "invalid_api_key", "the API key is not valid; create one with `fenxiao apikey create`")
	}
	if err != nil {
		return Key{}, fmt.Errorf("look up api key: %w", err)
	}
	if k.RevokedAt != nil {
		return Key{}, errs.E(errs.Unauthorized, "revoked_api_key", "the API key %s… was revoked", k.Prefix)
	}
	return k, nil
}

func hash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
