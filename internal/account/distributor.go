package account

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/identity"
)

// One-time codes: 6 digits, valid CodeTTL, at most CodeAttempts guesses, one request per
// CodeGap per phone and CodesPerDay a day.
const (
	CodeTTL      = 5 * time.Minute
	CodeAttempts = 5
	CodeGap      = time.Minute
	CodesPerDay  = 10
)

// Code purposes.
const (
	PurposeLogin = "login"
	PurposeReset = "reset"
)

// distributorByPhone returns the id and status of the distributor with a phone.
func (s *Service) distributorByPhone(ctx context.Context, phone string) (int64, string, error) {
	var id int64
	var status string
	err := s.DB.R.QueryRowContext(ctx, `SELECT id, status FROM distributors WHERE phone = $1`, phone).Scan(&id, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", ErrBadLogin
	}
	return id, status, err
}

// SetDistributorPassword sets or replaces a distributor's password.
func (s *Service) SetDistributorPassword(ctx context.Context, distributorID int64, password string) error {
	if err := validPassword(password); err != nil {
		return err
	}
	hash, err := argon2id.CreateHash(password, Params)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO distributor_credentials (distributor_id, password_hash, updated_at) VALUES ($1, $2, $3)
			ON CONFLICT (distributor_id) DO UPDATE SET password_hash = excluded.password_hash, failed_logins = 0, locked_until = NULL, updated_at = excluded.updated_at`,
			distributorID, hash, tx.Now)
		return err
	})
}

// LoginDistributor checks a phone and password and returns the distributor id.
// Errors: Invalid (phone), Unauthorized (bad_login, locked).
func (s *Service) LoginDistributor(ctx context.Context, phone, password string) (int64, error) {
	p, err := identity.NormalizePhone(phone)
	if err != nil {
		return 0, ErrBadLogin
	}
	id, _, err := s.distributorByPhone(ctx, p)
	if err != nil {
		_, _ = argon2id.ComparePasswordAndHash(password, dummy())
		return 0, err
	}
	var hash sql.NullString
	var locked *time.Time
	err = s.DB.R.QueryRowContext(ctx, `SELECT password_hash, locked_until FROM distributor_credentials WHERE distributor_id = $1`, id).Scan(&hash, &locked)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !hash.Valid) {
		_, _ = argon2id.ComparePasswordAndHash(password, dummy())
		return 0, errs.E(errs.Unauthorized, "no_password", "no password is set for this phone yet: sign in with a code sent by SMS")
	}
	if err != nil {
		return 0, err
	}
	if now := s.DB.Now(); locked != nil && locked.After(now) {
		return 0, lockedErr(*locked, now)
	}
	ok, err := argon2id.ComparePasswordAndHash(password, hash.String)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, s.fail(ctx, "distributor_credentials", "distributor_id", id)
	}
	_ = s.DB.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE distributor_credentials SET failed_logins = 0, locked_until = NULL WHERE distributor_id = $1`, id)
		return err
	})
	return id, nil
}

// SendCode sends a one-time code to a distributor's phone. A phone that is not a distributor
// gets no SMS but the same answer, so the form cannot be used to find out who is one.
// Errors: Invalid (phone), Conflict (too_soon, daily_limit).
func (s *Service) SendCode(ctx context.Context, phone, purpose string) error {
	p, err := identity.NormalizePhone(phone)
	if err != nil {
		return errs.Field("phone", "invalid_phone", "%v", err)
	}
	ok, err := s.Allow(ctx, "code-gap:"+p, 1, CodeGap)
	if err != nil {
		return err
	}
	if !ok {
		return errs.E(errs.Conflict, "too_soon", "a code was sent less than a minute ago; wait before asking again")
	}
	if ok, err = s.Allow(ctx, "code-day:"+p, CodesPerDay, 24*time.Hour); err != nil || !ok {
		if err == nil {
			err = errs.E(errs.Conflict, "daily_limit", "too many codes requested for this phone today; try tomorrow or use your password")
		}
		return err
	}
	if _, _, err := s.distributorByPhone(ctx, p); err != nil {
		if errors.Is(err, ErrBadLogin) {
			return nil
		}
		return err
	}
	code := randomDigits(6)
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO one_time_codes (phone, purpose, code_hash, expires_at, created_at) VALUES ($1, $2, $3, $4, $5)`,
			p, purpose, codeHash(p, code), tx.Now.Add(CodeTTL), tx.Now)
		return err
	})
	if err != nil {
		return err
	}
	return s.SMS.Send(ctx, p, fmt.Sprintf("【分销】验证码 %s，%d 分钟内有效。Your code is %s.", code, int(CodeTTL.Minutes()), code))
}

// VerifyCode checks the latest unused code for a phone and purpose and returns the distributor
// id. Errors: Unauthorized (bad_code, code_expired, too_many_attempts).
func (s *Service) VerifyCode(ctx context.Context, phone, purpose, code string) (int64, error) {
	p, err := identity.NormalizePhone(phone)
	if err != nil {
		return 0, errs.E(errs.Unauthorized, "bad_code", "wrong code")
	}
	var out int64
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		var id int64
		var hash string
		var attempts int
		var expires time.Time
		err := tx.QueryRowContext(ctx, `SELECT id, code_hash, attempts, expires_at FROM one_time_codes
			WHERE phone = $1 AND purpose = $2 AND used_at IS NULL ORDER BY id DESC LIMIT 1`, p, purpose).Scan(&id, &hash, &attempts, &expires)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.E(errs.Unauthorized, "bad_code", "wrong code; ask for a new one")
		}
		if err != nil {
			return err
		}
		if !expires.After(tx.Now) {
			return errs.E(errs.Unauthorized, "code_expired", "the code has expired; ask for a new one")
		}
		if attempts >= CodeAttempts {
			return errs.E(errs.Unauthorized, "too_many_attempts", "too many wrong codes; ask for a new one")
		}
		if subtle.ConstantTimeCompare([]byte(hash), []byte(codeHash(p, code))) != 1 {
			return errWrongCode // counted below, outside this rolled-back transaction
		}
		if _, err := tx.ExecContext(ctx, `UPDATE one_time_codes SET used_at = $2 WHERE id = $1`, id, tx.Now); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT id FROM distributors WHERE phone = $1`, p).Scan(&out)
	})
	if errors.Is(err, errWrongCode) {
		_ = s.DB.InTx(ctx, func(tx *db.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE one_time_codes SET attempts = attempts + 1 WHERE id =
				(SELECT id FROM one_time_codes WHERE phone = $1 AND purpose = $2 AND used_at IS NULL ORDER BY id DESC LIMIT 1)`, p, purpose)
			return err
		})
		return 0, errs.E(errs.Unauthorized, "bad_code", "wrong code")
	}
	return out, err
}

var errWrongCode = errors.New("wrong code")

func codeHash(phone, code string) string {
	sum := sha256.Sum256([]byte(phone + ":" + code))
	return hex.EncodeToString(sum[:])
}

// Allow counts a hit in a fixed window and reports whether the bucket is still within limit.
// The counter lives in the database, so the limit holds across app nodes.
func (s *Service) Allow(ctx context.Context, bucket string, limit int, window time.Duration) (bool, error) {
	var hits int
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		start := tx.Now.Truncate(window)
		return tx.QueryRowContext(ctx, `INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1)
			ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1 RETURNING hits`, bucket, start).Scan(&hits)
	})
	return hits <= limit, err
}
