package payment

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/fenxiao/fenxiao/internal/db"
)

// SecretKey is the settings row that holds the generated secret.
const SecretKey = "payment_secret"

// MinSecretLen is the shortest configured secret accepted.
const MinSecretLen = 32

// Secret returns the key that signs payment notifications (and the shop's referral cookie).
// configured (FENXIAO_PAYMENT_SECRET) wins when set. Otherwise a random secret is generated the
// first time and kept in the settings table: every node inserts its candidate with ON CONFLICT DO
// NOTHING and then reads the row back, so however many start at once they all end up with the
// one that was stored first.
func Secret(ctx context.Context, d *db.DB, configured string) ([]byte, error) {
	if configured != "" {
		if len(configured) < MinSecretLen {
			return nil, fmt.Errorf("the payment secret must be at least %d characters, not %d", MinSecretLen, len(configured))
		}
		return []byte(configured), nil
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("generate payment secret: %w", err)
	}
	// Settings values are JSON documents; the secret is stored as a JSON string.
	candidate, _ := json.Marshal(hex.EncodeToString(b))
	var stored string
	err := d.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, qInsertSecret, SecretKey, string(candidate), tx.Now); err != nil {
			return fmt.Errorf("store payment secret: %w", err)
		}
		return tx.QueryRowContext(ctx, qSecret, SecretKey).Scan(&stored)
	})
	if err != nil {
		return nil, fmt.Errorf("read payment secret: %w", err)
	}
	var secret string
	if err := json.Unmarshal([]byte(stored), &secret); err != nil || len(secret) < MinSecretLen {
		return nil, fmt.Errorf("the settings row %q does not hold a usable secret", SecretKey)
	}
	return []byte(secret), nil
}
