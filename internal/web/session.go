package web

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/fenxiao/fenxiao/internal/db"
)

// sessionStore keeps sessions in our own table, so every app node sees every session.
type sessionStore struct{ DB *db.DB }

func (s sessionStore) Find(token string) ([]byte, bool, error) {
	var b []byte
	err := s.DB.R.QueryRowContext(context.Background(), `SELECT data FROM sessions WHERE token = $1 AND expiry > $2`, token, s.DB.Now()).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	return b, err == nil, err
}

func (s sessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.DB.InTx(context.Background(), func(tx *db.Tx) error {
		_, err := tx.ExecContext(context.Background(), `INSERT INTO sessions (token, data, expiry) VALUES ($1, $2, $3)
			ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`, token, b, expiry.UTC())
		return err
	})
}

func (s sessionStore) Delete(token string) error {
	return s.DB.InTx(context.Background(), func(tx *db.Tx) error {
		_, err := tx.ExecContext(context.Background(), `DELETE FROM sessions WHERE token = $1`, token)
		return err
	})
}

// PurgeSessions deletes expired sessions; a scheduled job calls it.
func PurgeSessions(ctx context.Context, d *db.DB) error {
	return d.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expiry <= $1`, tx.Now)
		return err
	})
}

func newSessions(d *db.DB, secure bool) *scs.SessionManager {
	m := scs.New()
	m.Store = sessionStore{DB: d}
	m.Lifetime = 7 * 24 * time.Hour
	m.IdleTimeout = 24 * time.Hour
	m.Cookie.Name = "fx_session"
	m.Cookie.HttpOnly = true
	m.Cookie.SameSite = http.SameSiteLaxMode
	m.Cookie.Secure = secure
	return m
}
