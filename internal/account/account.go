// Package account holds who may sign in: merchant staff with roles (DESIGN.md §1) and
// distributors (phone + password, or phone + one-time code). Passwords are argon2id hashes;
// repeated failures lock an account for a while; code requests and logins are rate-limited in the
// database, so the limits hold across app nodes.
package account

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"

	"github.com/fenxiao/fenxiao/internal/audit"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/identity"
)

// Lock-out: after MaxFailures wrong passwords in a row an account is locked for LockFor.
const (
	MaxFailures = 5
	LockFor     = 15 * time.Minute
)

// Params are the argon2id parameters; tests lower them.
var Params = argon2id.DefaultParams

// SMS sends one-time codes. The default provider writes them to the log.
type SMS interface {
	Send(ctx context.Context, phone, text string) error
}

// LogSMS is the built-in SMS provider for development and demos: it logs the message.
type LogSMS struct{ Log *slog.Logger }

func (l LogSMS) Send(ctx context.Context, phone, text string) error {
	l.Log.InfoContext(ctx, "sms (log provider)", "phone", phone, "text", text)
	return nil
}

// Service manages accounts.
type Service struct {
	DB  *db.DB
	SMS SMS
}

// Staff is a merchant staff account.
type Staff struct {
	ID    int64
	Login string
	Name  string
	Role  string
}

func validPassword(p string) error {
	if utf8.RuneCountInString(p) < 8 || len(p) > 200 {
		return errs.Field("password", "weak_password", "password must be 8 to 200 characters")
	}
	return nil
}

// HasOwner reports whether the shop has an owner yet (the first start asks for one).
func (s *Service) HasOwner(ctx context.Context) (bool, error) {
	var n int
	err := s.DB.R.QueryRowContext(ctx, `SELECT count(*) FROM staff_users WHERE role = 'owner' AND NOT disabled`).Scan(&n)
	return n > 0, err
}

// CreateStaff adds a staff account. Errors: Invalid, Conflict (login taken).
func (s *Service) CreateStaff(ctx context.Context, login, name, role, password string) (Staff, error) {
	login = strings.ToLower(strings.TrimSpace(login))
	if login == "" || len(login) > 100 || strings.ContainsAny(login, " \t\r\n") {
		return Staff{}, errs.Field("login", "invalid_login", "login must be 1 to 100 characters without spaces, e.g. an email address")
	}
	n, err := identity.Name(name, 64)
	if err != nil {
		return Staff{}, errs.Field("name", "invalid_name", "name: %v", err)
	}
	if role != "owner" && role != "operator" && role != "finance" {
		return Staff{}, errs.Field("role", "invalid_role", "role must be owner, operator or finance")
	}
	if err := validPassword(password); err != nil {
		return Staff{}, err
	}
	hash, err := argon2id.CreateHash(password, Params)
	if err != nil {
		return Staff{}, err
	}
	st := Staff{Login: login, Name: n, Role: role}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO staff_users (login, name, role, password_hash, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`, login, n, role, hash, tx.Now).Scan(&st.ID)
		if db.IsDuplicate(err, "staff_users", "login") {
			return errs.Field("login", "duplicate_login", "the login %s is taken", login)
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "staff.create", Entity: "staff", EntityID: fmt.Sprint(st.ID),
			After: map[string]any{"login": login, "name": n, "role": role}})
	})
	return st, err
}

// ErrBadLogin is the one answer to a wrong login or password, so the form never reveals which.
var ErrBadLogin = errs.E(errs.Unauthorized, "bad_login", "wrong login or password")

// LoginStaff checks a password. Errors: Unauthorized (bad_login, locked).
func (s *Service) LoginStaff(ctx context.Context, login, password string) (Staff, error) {
	login = strings.ToLower(strings.TrimSpace(login))
	var st Staff
	var hash string
	var failed int
	var locked *time.Time
	var disabled bool
	err := s.DB.R.QueryRowContext(ctx, `SELECT id, login, name, role, password_hash, failed_logins, locked_until, disabled
		FROM staff_users WHERE login = $1`, login).Scan(&st.ID, &st.Login, &st.Name, &st.Role, &hash, &failed, &locked, &disabled)
	if errors.Is(err, sql.ErrNoRows) {
		_, _ = argon2id.ComparePasswordAndHash(password, dummy()) // same time as a real check
		return Staff{}, ErrBadLogin
	}
	if err != nil {
		return Staff{}, err
	}
	now := s.DB.Now()
	if locked != nil && locked.After(now) {
		return Staff{}, lockedErr(*locked, now)
	}
	ok, err := argon2id.ComparePasswordAndHash(password, hash)
	if err != nil {
		return Staff{}, err
	}
	if !ok || disabled {
		return Staff{}, s.fail(ctx, "staff_users", "id", st.ID)
	}
	_ = s.DB.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE staff_users SET failed_logins = 0, locked_until = NULL WHERE id = $1`, st.ID)
		return err
	})
	return st, nil
}

// StaffByID loads a staff account for a session.
func (s *Service) StaffByID(ctx context.Context, id int64) (Staff, error) {
	var st Staff
	var disabled bool
	err := s.DB.R.QueryRowContext(ctx, `SELECT id, login, name, role, disabled FROM staff_users WHERE id = $1`, id).
		Scan(&st.ID, &st.Login, &st.Name, &st.Role, &disabled)
	if errors.Is(err, sql.ErrNoRows) || disabled {
		return Staff{}, errs.E(errs.Unauthorized, "signed_out", "please sign in again")
	}
	return st, err
}

// fail counts a wrong password and locks the account after MaxFailures.
func (s *Service) fail(ctx context.Context, table, key string, id int64) error {
	var locked *time.Time
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var failed int
		if err := tx.QueryRowContext(ctx, `UPDATE `+table+` SET failed_logins = failed_logins + 1 WHERE `+key+` = $1 RETURNING failed_logins`, id).Scan(&failed); err != nil {
			return err
		}
		if failed >= MaxFailures {
			until := tx.Now.Add(LockFor)
			locked = &until
			_, err := tx.ExecContext(ctx, `UPDATE `+table+` SET locked_until = $2, failed_logins = 0 WHERE `+key+` = $1`, id, until)
			return err
		}
		return nil
	})
	if err != nil {
		return err
	}
	if locked != nil {
		return lockedErr(*locked, s.DB.Now())
	}
	return ErrBadLogin
}

func lockedErr(until, now time.Time) error {
	mins := int(until.Sub(now).Minutes()) + 1
	return errs.E(errs.Unauthorized, "locked", "too many wrong passwords: this account is locked for %d more minutes", mins)
}

// dummy is a hash to check against when the account does not exist, so such a login costs
// what a real one costs and timing does not tell who has an account.
func dummy() string {
	dummyOnce.Do(func() { dummyHash, _ = argon2id.CreateHash("fenxiao-not-a-password", Params) })
	return dummyHash
}

var (
	dummyOnce sync.Once
	dummyHash string
)

func randomDigits(n int) string {
	var b strings.Builder
	for range n {
		d, _ := rand.Int(rand.Reader, big.NewInt(10))
		b.WriteByte(byte('0' + d.Int64()))
	}
	return b.String()
}

// SetStaffPassword replaces a staff account's password (the owner resetting a forgotten one) and
// clears any lock-out. Errors: Invalid (weak_password), NotFound.
func (s *Service) SetStaffPassword(ctx context.Context, id int64, password string) error {
	if err := validPassword(password); err != nil {
		return err
	}
	hash, err := argon2id.CreateHash(password, Params)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE staff_users SET password_hash = $2, failed_logins = 0, locked_until = NULL, updated_at = $3 WHERE id = $1`,
			id, hash, tx.Now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.NotFound, "staff_not_found", "staff account %d does not exist", id)
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "staff.password", Entity: "staff", EntityID: fmt.Sprint(id)})
	})
}

// ChangeStaffPassword lets a signed-in staff member replace their own password; the current one
// must be right (a wrong one counts towards the lock-out). Errors: Invalid, Unauthorized.
func (s *Service) ChangeStaffPassword(ctx context.Context, id int64, current, next string) error {
	st, err := s.StaffByID(ctx, id)
	if err != nil {
		return err
	}
	if _, err := s.LoginStaff(ctx, st.Login, current); err != nil {
		if errs.Is(err, "bad_login") {
			return errs.E(errs.Unauthorized, "wrong_password", "the current password is wrong")
		}
		return err
	}
	return s.SetStaffPassword(ctx, id, next)
}
