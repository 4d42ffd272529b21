// Package db opens fenxiao's store — embedded SQLite by default, PostgreSQL in production — and
// gives services short explicit transactions with one fixed time each. Dialect differences live in
// dialect.go and errors.go, nowhere else.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"

	"github.com/fenxiao/fenxiao/internal/clock"
)

// Dialect names the SQL engine behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is a pair of pools: on SQLite one writer connection (SQLite has one writer; queueing in Go is
// cheaper than busy retries) and a reader pool; on PostgreSQL both are the same pool.
type DB struct {
	Dialect Dialect
	Clock   clock.Clock
	W       *sql.DB // writes and transactions
	R       *Pool   // reads outside transactions
	URL     string  // without secrets only if the caller gave none

	stmts   stmtCache
	group   groupCommit  // SQLite only
	retries atomic.Int64 // PostgreSQL transactions run again after a deadlock or serialization failure
}

// Retries counts the transactions run again after PostgreSQL broke a deadlock or a
// serialization conflict: each is a caller that waited (a deadlock, about a second) for nothing.
func (d *DB) Retries() int64 { return d.retries.Load() }

// Options tune Open.
type Options struct {
	Clock    clock.Clock
	MaxConns int // PostgreSQL pool size, SQLite reader pool size; default 16
}

// Open connects to url: a postgres:// or postgresql:// URL, or a SQLite file path
// (optionally prefixed sqlite: or file:). Directories of a SQLite path are created.
func Open(ctx context.Context, url string, opt Options) (*DB, error) {
	if opt.Clock == nil {
		opt.Clock = clock.Real{}
	}
	if opt.MaxConns <= 0 {
		opt.MaxConns = 16
	}
	d := &DB{Clock: opt.Clock, URL: url, stmts: stmtCache{ready: map[string]*sql.Stmt{}, asked: map[string]bool{}}}
	if strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://") {
		d.Dialect = Postgres
		pool, err := sql.Open("pgx", url)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		pool.SetMaxOpenConns(opt.MaxConns)
		pool.SetMaxIdleConns(opt.MaxConns)
		pool.SetConnMaxIdleTime(5 * time.Minute)
		d.W, d.R = pool, &Pool{DB: pool}
	} else {
		d.Dialect = SQLite
		path := strings.TrimPrefix(strings.TrimPrefix(url, "sqlite:"), "file:")
		if path == "" {
			return nil, errors.New("open sqlite: empty path")
		}
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("create data directory %s: %w", dir, err)
			}
		}
		w, err := sql.Open("sqlite", sqliteDSN(path, true))
		if err != nil {
			return nil, fmt.Errorf("open sqlite %s: %w", path, err)
		}
		w.SetMaxOpenConns(1)
		w.SetMaxIdleConns(1)
		w.SetConnMaxIdleTime(0)
		w.SetConnMaxLifetime(0)
		r, err := sql.Open("sqlite", sqliteDSN(path, false))
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("open sqlite %s: %w", path, err)
		}
		r.SetMaxOpenConns(opt.MaxConns)
		r.SetMaxIdleConns(opt.MaxConns)
		d.W, d.R = w, &Pool{DB: r, sqlite: true, ready: map[string]*sql.Stmt{}}
	}
	if err := d.W.PingContext(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("connect to %s database: %w", d.Dialect, err)
	}
	return d, nil
}

// sqliteDSN puts the pragmas in the DSN so every pooled connection gets them; busy_timeout comes
// before journal_mode so switching to WAL waits instead of failing.
func sqliteDSN(path string, writer bool) string {
	q := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)" +
		"&_pragma=foreign_keys(ON)&_pragma=temp_store(MEMORY)&_time_format=sqlite"
	if writer {
		q += "&_txlock=immediate"
	} else {
		q += "&_pragma=query_only(ON)"
	}
	return "file:" + path + "?" + q
}

// Close closes both pools.
func (d *DB) Close() error {
	d.stmts.close()
	if d.R.DB == d.W {
		return d.W.Close()
	}
	return errors.Join(d.R.Close(), d.W.Close())
}

// Now is the store's clock.
func (d *DB) Now() time.Time { return d.Clock.Now().UTC() }

// Tx is a write transaction with the time fixed at its start, so every row one state change
// writes carries the same instant.
type Tx struct {
	*sql.Tx
	Dialect Dialect
	Now     time.Time
	db      *DB

	commits []committer // BeforeCommit work, in registration order
	grouped bool        // shares its commit with others: Mergers wait for the group (groupcommit.go)
}

// Committer is work a transaction does last, just before it commits (see BeforeCommit).
type Committer interface {
	BeforeCommit(ctx context.Context, tx *Tx) error
}

// A Merger is a Committer whose work the transactions sharing one SQLite commit (groupcommit.go)
// do as one: after each caller's savepoint is released its Merger is merged into the group's,
// which runs once, after the last caller and before the commit. Counters that every payment
// adds to (a day's shop totals) are then written once per commit instead of once per caller.
// Alone, and on PostgreSQL, a Merger runs like any Committer. BeforeCommit of a merged Merger
// runs on a Tx whose Now is not any one caller's: a Merger keeps the times it needs itself.
type Merger interface {
	Committer
	Merge(later Merger) // adds a later transaction's work of the same key
}

type committer struct {
	key any
	c   Committer
}

// BeforeCommit returns the transaction's Committer under key, making it with mk on the first
// call; the transaction runs each one after its function returned nil, just before committing.
// Writes to rows that every transaction shares (report counters) can gather there and go last,
// so their locks are held only for the commit.
func (tx *Tx) BeforeCommit(key any, mk func() Committer) Committer {
	for _, c := range tx.commits {
		if c.key == key {
			return c.c
		}
	}
	c := mk()
	tx.commits = append(tx.commits, committer{key, c})
	return c
}

// InTx runs fn in a write transaction, committing when fn returns nil. Driver errors are
// translated to domain errors. On PostgreSQL a serialization failure or deadlock is retried; on
// SQLite concurrent callers share one commit (groupcommit.go). Either way fn may run more than
// once, so it must only assign what it computes, never accumulate outside the transaction.
func (d *DB) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	for attempt := 0; ; attempt++ {
		err := d.inTx(ctx, fn)
		if err != nil && attempt < 5 && retryable(err) {
			d.retries.Add(1)
			time.Sleep(time.Duration(attempt+1) * 5 * time.Millisecond)
			continue
		}
		return err
	}
}

func (d *DB) inTx(ctx context.Context, fn func(tx *Tx) error) error {
	if d.Dialect == SQLite {
		return d.groupInTx(ctx, fn)
	}
	sqlTx, err := d.W.BeginTx(ctx, nil)
	if err != nil {
		return Translate(d.Dialect, fmt.Errorf("begin transaction: %w", err))
	}
	tx := &Tx{Tx: sqlTx, Dialect: d.Dialect, Now: d.Now(), db: d}
	if err := tx.run(ctx, fn); err != nil {
		_ = sqlTx.Rollback()
		return Translate(d.Dialect, err)
	}
	if err := sqlTx.Commit(); err != nil {
		return Translate(d.Dialect, fmt.Errorf("commit: %w", err))
	}
	return nil
}

// run is fn and then the work it left for just before the commit (BeforeCommit).
func (tx *Tx) run(ctx context.Context, fn func(tx *Tx) error) error {
	if err := fn(tx); err != nil {
		return err
	}
	for _, c := range tx.commits {
		if _, ok := c.c.(Merger); ok && tx.grouped {
			continue
		}
		if err := c.c.BeforeCommit(ctx, tx); err != nil {
			return err
		}
	}
	return nil
}

// Querier is what read helpers need: a pool or a transaction.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}
