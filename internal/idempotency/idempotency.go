// Package idempotency remembers the first response to a request sent with an Idempotency-Key, so
// a client that retries after a timeout gets the same answer and the change happens once. The
// uniqueness lives in the table's primary key, never only in memory, so it holds across nodes.
package idempotency

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
)

// Stored is a remembered response.
type Stored struct {
	Status int
	Body   []byte
}

// Store keeps keys per scope (the caller's identity plus method and path).
type Store struct{ DB *db.DB }

// Begin claims key for a request. It returns (nil, nil) when the caller should run the request,
// the stored response when it already ran, or a Conflict when the key is in flight or was used
// with different parameters.
func (s *Store) Begin(ctx context.Context, scope, key, hash string) (*Stored, error) {
	var claimed bool
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (scope, key, request_hash, created_at)
			VALUES ($1, $2, $3, $4) ON CONFLICT (scope, key) DO NOTHING`, scope, key, hash, tx.Now)
		if err != nil {
			return fmt.Errorf("claim idempotency key: %w", err)
		}
		n, _ := res.RowsAffected()
		claimed = n == 1
		return nil
	})
	if err != nil || claimed {
		return nil, err
	}
	var storedHash string
	var status sql.NullInt64
	var body sql.NullString
	err = s.DB.R.QueryRowContext(ctx, `SELECT request_hash, status, body FROM idempotency_keys WHERE scope = $1 AND key = $2`,
		scope, key).Scan(&storedHash, &status, &body)
	if errors.Is(err, sql.ErrNoRows) {
		// Abandoned between our insert attempt and this read: let the caller try again.
		return nil, errs.E(errs.Conflict, "idempotency_in_progress", "a request with this Idempotency-Key is being processed; retry shortly")
	}
	if err != nil {
		return nil, fmt.Errorf("read idempotency key: %w", err)
	}
	if storedHash != hash {
		return nil, errs.E(errs.Conflict, "idempotency_key_reused", "Idempotency-Key %q was already used with different parameters; use a new key for a new request", key)
	}
	if !status.Valid {
		return nil, errs.E(errs.Conflict, "idempotency_in_progress", "a request with this Idempotency-Key is being processed; retry shortly")
	}
	return &Stored{Status: int(status.Int64), Body: []byte(body.String)}, nil
}

// Finish stores the response of a claimed key.
func (s *Store) Finish(ctx context.Context, scope, key string, status int, body []byte) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE idempotency_keys SET status = $3, body = $4 WHERE scope = $1 AND key = $2`,
			scope, key, status, string(body))
		return err
	})
}

// Abandon releases a claimed key whose request failed without a definite answer (a 5xx), so a
// retry runs it again.
func (s *Store) Abandon(ctx context.Context, scope, key string) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND status IS NULL`, scope, key)
		return err
	})
}

// Purge deletes keys older than age; clients retry within minutes, so a day is generous.
func (s *Store) Purge(ctx context.Context, age time.Duration) (int64, error) {
	var n int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < $1`, tx.Now.Add(-age))
		if err == nil {
			n, _ = res.RowsAffected()
		}
		return err
	})
	return n, err
}
