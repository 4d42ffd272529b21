package db

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
)

// Group commit on SQLite. SQLite has one writer, and a commit writes every page the transaction
// dirtied to the WAL, one system call per page: a third of a paid order's CPU time, measured.
// Concurrent transactions mostly dirty the same pages (the tail of the orders table, the same
// index pages, the merchant's ledger accounts), so when several callers are waiting for the
// writer, one leader runs their functions back to back in one transaction, each inside its own
// savepoint, and commits once. A function that fails rolls back to its savepoint and leaves the
// others untouched; every caller hears about the commit before InTx returns. Semantics equal
// running the functions one after another, which is what the single writer did before; a lone
// caller runs alone, with no waiting for company. Mergers (db.go) of the group's callers are
// merged and run once, last; a caller that must see them written first runs Alone.

// maxGroup bounds how many functions share one commit, so a waiting caller is never far behind.
const maxGroup = 32

type groupCommit struct {
	mu      sync.Mutex
	queue   []*pendingTx
	leading bool

	commits, transactions atomic.Int64
}

// GroupStats counts SQLite's shared commits and the transactions they carried (zero on
// PostgreSQL): transactions / commits is the average group, for the metrics page.
func (d *DB) GroupStats() (commits, transactions int64) {
	return d.group.commits.Load(), d.group.transactions.Load()
}

type pendingTx struct {
	ctx   context.Context
	fn    func(tx *Tx) error
	done  chan txResult
	alone bool
}

type aloneKey struct{}

// Alone marks ctx so that a transaction run with it shares its commit with no other: it sees
// every earlier transaction's Mergers already written (a rollup rebuild must), and nobody waits
// on it for their commit.
func Alone(ctx context.Context) context.Context { return context.WithValue(ctx, aloneKey{}, true) }

func isAlone(ctx context.Context) bool { v, _ := ctx.Value(aloneKey{}).(bool); return v }

type txResult struct {
	err   error
	panic any
}

// groupInTx queues fn for the leader and waits for its outcome.
func (d *DB) groupInTx(ctx context.Context, fn func(tx *Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	p := &pendingTx{ctx: ctx, fn: fn, done: make(chan txResult, 1), alone: isAlone(ctx)}
	g := &d.group
	g.mu.Lock()
	g.queue = append(g.queue, p)
	lead := !g.leading
	g.leading = true
	g.mu.Unlock()
	if lead {
		go d.lead()
	}
	r := <-p.done
	if r.panic != nil {
		panic(r.panic)
	}
	return r.err
}

// lead runs groups until nobody is waiting.
func (d *DB) lead() {
	g := &d.group
	for {
		g.mu.Lock()
		n := min(len(g.queue), maxGroup)
		for i := range n {
			if g.queue[i].alone {
				n = max(i, 1) // up to it, or it by itself
				break
			}
		}
		if n == 0 {
			g.leading = false
			g.mu.Unlock()
			return
		}
		batch := append([]*pendingTx(nil), g.queue[:n]...)
		g.queue = append(g.queue[:0], g.queue[n:]...)
		g.mu.Unlock()
		if retry := d.runGroup(batch); len(retry) > 0 {
			g.mu.Lock()
			g.queue = append(retry, g.queue...)
			g.mu.Unlock()
		}
	}
}

// runGroup runs batch in one transaction and reports to each caller. When the transaction itself
// breaks under a function (SQLite rolls back the whole transaction on an interrupt or I/O error),
// that function gets its error and the ones that had succeeded before it are returned to run again:
// their work was rolled back with it, so running them again is the same as the retry InTx already
// does after a serialization failure.
func (d *DB) runGroup(batch []*pendingTx) (retry []*pendingTx) {
	d.group.commits.Add(1)
	d.group.transactions.Add(int64(len(batch)))
	// The transaction outlives any one caller's context: a caller that gives up must not roll back
	// the others' work.
	sqlTx, err := d.W.BeginTx(context.Background(), nil)
	if err != nil {
		err = Translate(d.Dialect, fmt.Errorf("begin transaction: %w", err))
		for _, p := range batch {
			p.done <- txResult{err: err}
		}
		return nil
	}
	alone := len(batch) == 1
	var ok []*pendingTx
	var merged []committer // the callers' Mergers, merged by key in first-registration order
	for i, p := range batch {
		if err := p.ctx.Err(); err != nil {
			p.done <- txResult{err: err}
			continue
		}
		if !alone {
			if _, err := sqlTx.Exec("SAVEPOINT fx_group"); err != nil {
				_ = sqlTx.Rollback()
				return append(ok, batch[i:]...) // p has not run yet: it runs again too
			}
		}
		tx := &Tx{Tx: sqlTx, Dialect: d.Dialect, Now: d.Now(), db: d, grouped: !alone}
		res := call(func(tx *Tx) error { return tx.run(p.ctx, p.fn) }, tx)
		if res.err == nil && res.panic == nil {
			if !alone {
				if _, err := sqlTx.Exec("RELEASE fx_group"); err != nil {
					_ = sqlTx.Rollback()
					p.done <- txResult{err: Translate(d.Dialect, fmt.Errorf("release savepoint: %w", err))}
					return append(ok, batch[i+1:]...)
				}
			}
			ok = append(ok, p)
			if tx.grouped {
				merged = mergeInto(merged, tx.commits)
			}
			continue
		}
		if res.err != nil {
			res.err = Translate(d.Dialect, res.err)
		}
		if alone {
			_ = sqlTx.Rollback()
			p.done <- res
			return nil
		}
		if _, err := sqlTx.Exec("ROLLBACK TO fx_group"); err != nil {
			_ = sqlTx.Rollback()
			p.done <- res
			return append(ok, batch[i+1:]...)
		}
		if _, err := sqlTx.Exec("RELEASE fx_group"); err != nil {
			_ = sqlTx.Rollback()
			p.done <- res
			return append(ok, batch[i+1:]...)
		}
		p.done <- res
	}
	if len(ok) == 0 {
		_ = sqlTx.Rollback()
		return nil
	}
	if len(merged) > 0 {
		gtx := &Tx{Tx: sqlTx, Dialect: d.Dialect, Now: d.Now(), db: d}
		res := call(func(tx *Tx) error {
			for _, c := range merged {
				if err := c.c.BeforeCommit(context.Background(), tx); err != nil {
					return err
				}
			}
			return nil
		}, gtx)
		if res.err != nil || res.panic != nil {
			// Whose work broke it is unknown: run each caller again by itself, where its own
			// Mergers run in its own transaction and an error reaches the caller it belongs to.
			_ = sqlTx.Rollback()
			for _, p := range ok {
				p.alone = true
			}
			return ok
		}
	}
	if err := sqlTx.Commit(); err != nil {
		err = Translate(d.Dialect, fmt.Errorf("commit: %w", err))
		for _, p := range ok {
			p.done <- txResult{err: err}
		}
		return nil
	}
	for _, p := range ok {
		p.done <- txResult{}
	}
	return nil
}

// call runs fn, turning a panic into a value the caller's goroutine panics with again.
func call(fn func(tx *Tx) error, tx *Tx) (r txResult) {
	defer func() {
		if v := recover(); v != nil {
			r = txResult{panic: v}
		}
	}()
	return txResult{err: fn(tx)}
}

// mergeInto merges a released caller's Mergers into the group's.
func mergeInto(group []committer, commits []committer) []committer {
	for _, c := range commits {
		m, ok := c.c.(Merger)
		if !ok {
			continue
		}
		found := false
		for _, g := range group {
			if g.key == c.key {
				g.c.(Merger).Merge(m)
				found = true
				break
			}
		}
		if !found {
			group = append(group, c)
		}
	}
	return group
}
