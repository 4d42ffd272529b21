package db

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps the writer's statements prepared on SQLite, where the driver otherwise parses
// every statement again on every call — about as long as executing it (a third of a paid order's
// time, measured). PostgreSQL needs none of this: pgx caches prepared statements per connection.
//
// A statement cannot be prepared on the pool while a transaction holds SQLite's only writer
// connection: that would wait for itself. So the first use of a query runs it unprepared and
// starts a goroutine that prepares it as soon as the connection is free; later transactions bind
// the prepared statement with Tx.StmtContext, which reuses it on the same connection.
type stmtCache struct {
	mu    sync.Mutex
	ready map[string]*sql.Stmt
	asked map[string]bool
}

// maxCached bounds the cache: queries built with a varying number of rows make many shapes.
const maxCached = 512

func (c *stmtCache) get(ctx context.Context, d *DB, tx *sql.Tx, query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.ready[query]; ok {
		return tx.StmtContext(ctx, s)
	}
	if c.asked[query] || len(c.asked) >= maxCached {
		return nil
	}
	c.asked[query] = true
	go func() {
		// Background: the statement outlives the request that first needed it. On error (the
		// database closed) the query stays unprepared, which still works.
		if s, err := d.W.PrepareContext(context.Background(), query); err == nil {
			c.mu.Lock()
			c.ready[query] = s
			c.mu.Unlock()
		}
	}()
	return nil
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.ready {
		s.Close()
	}
	c.ready = map[string]*sql.Stmt{}
}

// ExecContext runs a statement in the transaction, prepared once per process on SQLite.
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if s := tx.stmt(ctx, query); s != nil {
		return s.ExecContext(ctx, args...)
	}
	return tx.Tx.ExecContext(ctx, query, args...)
}

// QueryContext runs a query in the transaction, prepared once per process on SQLite.
func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := tx.stmt(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return tx.Tx.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a one-row query in the transaction, prepared once per process on SQLite.
func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := tx.stmt(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return tx.Tx.QueryRowContext(ctx, query, args...)
}

func (tx *Tx) stmt(ctx context.Context, query string) *sql.Stmt {
	if tx.db == nil || tx.Dialect != SQLite {
		return nil
	}
	return tx.db.stmts.get(ctx, tx.db, tx.Tx, query)
}

// Exec is ExecContext with a background context.
func (tx *Tx) Exec(query string, args ...any) (sql.Result, error) {
	return tx.ExecContext(context.Background(), query, args...)
}

// Query is QueryContext with a background context.
func (tx *Tx) Query(query string, args ...any) (*sql.Rows, error) {
	return tx.QueryContext(context.Background(), query, args...)
}

// QueryRow is QueryRowContext with a background context.
func (tx *Tx) QueryRow(query string, args ...any) *sql.Row {
	return tx.QueryRowContext(context.Background(), query, args...)
}

// Pool is the reader pool. On SQLite its queries are prepared once and reused on every
// connection of the pool; on PostgreSQL it is the plain pool.
type Pool struct {
	*sql.DB
	sqlite bool
	mu     sync.RWMutex
	ready  map[string]*sql.Stmt
}

func (p *Pool) prepared(ctx context.Context, query string) *sql.Stmt {
	if !p.sqlite {
		return nil
	}
	p.mu.RLock()
	s, ok := p.ready[query]
	p.mu.RUnlock()
	if ok {
		return s
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if s, ok := p.ready[query]; ok {
		return s
	}
	if len(p.ready) >= maxCached {
		return nil
	}
	s, err := p.DB.PrepareContext(ctx, query)
	if err != nil {
		return nil // let the plain query report the error
	}
	p.ready[query] = s
	return s
}

// QueryContext runs a read, prepared once on SQLite.
func (p *Pool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := p.prepared(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return p.DB.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a one-row read, prepared once on SQLite.
func (p *Pool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := p.prepared(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return p.DB.QueryRowContext(ctx, query, args...)
}

// Close closes the prepared statements and the pool.
func (p *Pool) Close() error {
	p.mu.Lock()
	for _, s := range p.ready {
		s.Close()
	}
	p.ready = nil
	p.mu.Unlock()
	return p.DB.Close()
}
