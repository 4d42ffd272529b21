package ledger

import (
	"context"
	"database/sql"
	"sync"

	"github.com/fenxiao/fenxiao/internal/db"
)

// prepared keeps Post's statements prepared on SQLite, where the driver would otherwise parse
// each one again on every call (about as long as executing it). PostgreSQL needs none of this:
// pgx already caches prepared statements per connection.
//
// A statement cannot be prepared inside Post: on SQLite the caller's transaction holds the only
// writer connection, and preparing on the pool would wait for it forever. So the first use of a
// statement starts a goroutine that prepares it as soon as the connection is free, between
// transactions, and uses the plain query meanwhile; later transactions bind the prepared
// statement to themselves with Tx.StmtContext, which reuses it on the same connection.
type prepared struct {
	mu    sync.Mutex
	ready map[string]*sql.Stmt
	asked map[string]bool
}

// maxPrepared bounds the statements kept prepared; postings of unusual sizes run unprepared.
const maxPrepared = 64

func (l *Ledger) stmt(ctx context.Context, tx *db.Tx, query string) *sql.Stmt {
	if l.d.Dialect != db.SQLite {
		return nil
	}
	l.stmts.mu.Lock()
	s, ok := l.stmts.ready[query]
	prepare := !ok && !l.stmts.asked[query] && len(l.stmts.asked) < maxPrepared
	if prepare {
		l.stmts.asked[query] = true
	}
	l.stmts.mu.Unlock()
	if ok {
		// A transaction of another *db.DB gets an error here rather than a foreign statement.
		return tx.StmtContext(ctx, s)
	}
	if prepare {
		go func() {
			// context.Background: the statement outlives the request that first needed it. An
			// error (the DB was closed) leaves the query unprepared, which still works.
			if s, err := l.d.W.PrepareContext(context.Background(), query); err == nil {
				l.stmts.mu.Lock()
				l.stmts.ready[query] = s
				l.stmts.mu.Unlock()
			}
		}()
	}
	return nil
}

func (l *Ledger) queryRow(ctx context.Context, tx *db.Tx, query string, args ...any) *sql.Row {
	if s := l.stmt(ctx, tx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, query, args...)
}

func (l *Ledger) query(ctx context.Context, tx *db.Tx, query string, args ...any) (*sql.Rows, error) {
	if s := l.stmt(ctx, tx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return tx.QueryContext(ctx, query, args...)
}

func (l *Ledger) exec(ctx context.Context, tx *db.Tx, query string, args ...any) (sql.Result, error) {
	if s := l.stmt(ctx, tx, query); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, query, args...)
}
