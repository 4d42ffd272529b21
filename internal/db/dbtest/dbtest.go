// Package dbtest opens a fresh, migrated database for one test: a SQLite file in a temp dir, or,
// when FENXIAO_TEST_DATABASE_URL names a PostgreSQL server, a schema of its own on that server.
// The same tests thereby run on both engines.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fenxiao/fenxiao/internal/clock"
	"github.com/fenxiao/fenxiao/internal/db"
)

// Start is the time every test clock starts at unless the test moves it.
var Start = time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)

// EnvURL names the PostgreSQL server the suite runs on instead of SQLite.
const EnvURL = "FENXIAO_TEST_DATABASE_URL"

// Open returns a migrated database with a manual clock at Start.
func Open(tb testing.TB) (*db.DB, *clock.Manual) {
	tb.Helper()
	clk := clock.NewManual(Start)
	ctx := context.Background()
	u := URL(tb)
	d, err := db.Open(ctx, u, db.Options{Clock: clk, MaxConns: 8})
	if err != nil {
		tb.Fatalf("open test database: %v", err)
	}
	tb.Cleanup(func() { d.Close() })
	if err := d.Migrate(ctx, nil); err != nil {
		tb.Fatalf("migrate test database: %v", err)
	}
	return d, clk
}

// URL returns a new empty database URL for one test (and drops it at cleanup on PostgreSQL).
func URL(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(EnvURL)
	if base == "" {
		return filepath.Join(tb.TempDir(), "fenxiao.db")
	}
	schema := "t_" + randomHex(8)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatalf("open %s: %v", EnvURL, err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		tb.Fatalf("create test schema on %s: %v", EnvURL, err)
	}
	tb.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer admin.Close()
		_, _ = admin.Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	pu, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("parse %s: %v", EnvURL, err)
	}
	q := pu.Query()
	q.Set("search_path", schema)
	pu.RawQuery = q.Encode()
	return pu.String()
}

// Postgres reports whether the suite runs on PostgreSQL.
func Postgres() bool { return os.Getenv(EnvURL) != "" }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
