package db_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/db/dbtest"
)

// Both dialects must describe the same tables and columns, or a feature works on one engine only.
func TestSchemasMatch(t *testing.T) {
	if !dbtest.Postgres() {
		t.Skip("schema parity needs PostgreSQL: set " + dbtest.EnvURL)
	}
	ctx := context.Background()
	lite, err := db.Open(ctx, filepath.Join(t.TempDir(), "p.db"), db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	if err := lite.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	pg, _ := dbtest.Open(t)

	liteCols := columns(t, lite.R.DB, `SELECT m.name || '.' || p.name FROM sqlite_master m
		JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'`)
	pgCols := columns(t, pg.R.DB, `SELECT table_name || '.' || column_name FROM information_schema.columns
		WHERE table_schema = current_schema()`)
	if !reflect.DeepEqual(liteCols, pgCols) {
		t.Errorf("schemas differ\nsqlite:   %v\npostgres: %v", liteCols, pgCols)
	}
	if len(liteCols) < 10 {
		t.Fatalf("suspiciously few columns: %v", liteCols)
	}
}

func columns(t *testing.T, q *sql.DB, query string) []string {
	t.Helper()
	rows, err := q.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// Stored times must come back equal and order correctly in SQL on both engines, including
// whole seconds beside fractions (SQLite keeps them as text).
func TestTimesRoundTripAndOrder(t *testing.T) {
	d, _ := dbtest.Open(t)
	ctx := context.Background()
	base := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	times := []time.Time{base.Add(450 * time.Millisecond), base, base.Add(500 * time.Millisecond), base.Add(time.Second), base.Add(-time.Microsecond)}
	for i, ts := range times {
		err := d.InTx(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(`INSERT INTO settings (key, value, updated_at) VALUES ($1, 'x', $2)`, string(rune('a'+i)), ts)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	rows, err := d.R.Query(`SELECT updated_at FROM settings WHERE updated_at >= $1 ORDER BY updated_at`, base)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []time.Time
	for rows.Next() {
		var ts time.Time
		if err := rows.Scan(&ts); err != nil {
			t.Fatal(err)
		}
		got = append(got, ts.UTC())
	}
	want := []time.Time{base, base.Add(450 * time.Millisecond), base.Add(500 * time.Millisecond), base.Add(time.Second)}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestDuplicateIsTranslated(t *testing.T) {
	d, _ := dbtest.Open(t)
	ctx := context.Background()
	insert := func() error {
		return d.InTx(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(`INSERT INTO api_keys (name, prefix, hash, role, created_at) VALUES ('a', 'p', 'h', 'owner', $1)`, tx.Now)
			return err
		})
	}
	if err := insert(); err != nil {
		t.Fatal(err)
	}
	err := insert()
	if !errors.Is(err, db.ErrDuplicate) || !db.IsDuplicate(err, "api_keys", "hash") {
		t.Fatalf("want a translated duplicate on api_keys.hash, got %v", err)
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	d, _ := dbtest.Open(t)
	if err := d.Migrate(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	n, err := d.Pending(context.Background())
	if err != nil || n != 0 {
		t.Fatalf("pending = %d, %v", n, err)
	}
}

func TestMain(m *testing.M) { os.Exit(m.Run()) }
