package link

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fenxiao/fenxiao/internal/db"
)

// RecorderOptions tune a Recorder; zero fields take the defaults.
type RecorderOptions struct {
	Buffer int // clicks held in memory before new ones are dropped; default 65536
	// Batch is the rows per INSERT; default 500. Each commit writes the touched pages to the WAL
	// again, so under load bigger batches cost less per click (500 rather than 100: about 15%
	// less CPU on SQLite), while one batch still holds SQLite's writer for only a few ms.
	Batch    int
	Interval time.Duration // longest a click waits in memory; default 1 s
}

// Recorder writes clicks in batches off the request path (DESIGN.md §9). Record never blocks and
// never touches the database: it hands the click to a bounded buffer. One goroutine writes the
// buffer as multi-row INSERTs whenever a batch is full and at least every Interval. When the
// buffer is full — the database is down or far behind — a click is dropped and counted in
// fenxiao_link_clicks_dropped_total rather than slow the redirect; the visitor is still
// redirected and still gets the attribution cookie, so only the figure is lost, never the sale.
type Recorder struct {
	db  *db.DB
	log *slog.Logger
	opt RecorderOptions

	mu     sync.RWMutex // Record holds it shared; Close exclusively, so no send follows the close
	closed bool
	ch     chan Click
	start  sync.Once
	done   chan struct{}

	full *sql.Stmt // the INSERT of a full batch, prepared once

	recorded, dropped, failed prometheus.Counter
}

// NewRecorder returns a recorder; its writer starts with the first click.
func NewRecorder(d *db.DB, log *slog.Logger, opt RecorderOptions) *Recorder {
	if opt.Buffer <= 0 {
		opt.Buffer = 65536
	}
	if opt.Batch <= 0 {
		opt.Batch = 500
	}
	if opt.Interval <= 0 {
		opt.Interval = time.Second
	}
	return &Recorder{db: d, log: log, opt: opt, ch: make(chan Click, opt.Buffer), done: make(chan struct{}),
		recorded: prometheus.NewCounter(prometheus.CounterOpts{Name: "fenxiao_link_clicks_recorded_total",
			Help: "Link clicks written to the database."}),
		dropped: prometheus.NewCounter(prometheus.CounterOpts{Name: "fenxiao_link_clicks_dropped_total",
			Help: "Link clicks not recorded because the click buffer was full or the recorder closed."}),
		failed: prometheus.NewCounter(prometheus.CounterOpts{Name: "fenxiao_link_clicks_failed_total",
			Help: "Link clicks lost because the database refused their batch after retries."}),
	}
}

// Collectors are the recorder's Prometheus counters, for the server's registry.
func (r *Recorder) Collectors() []prometheus.Collector {
	return []prometheus.Collector{r.recorded, r.dropped, r.failed}
}

// Record queues c and reports whether it was taken; false means it was dropped and counted.
func (r *Recorder) Record(c Click) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.closed {
		r.dropped.Inc()
		return false
	}
	r.start.Do(func() { go r.run() })
	select {
	case r.ch <- c:
		return true
	default:
		r.dropped.Inc()
		return false
	}
}

// Close stops taking clicks and writes every queued one before it returns, or gives up when ctx
// ends. Call it after the HTTP server has shut down and before the database closes.
func (r *Recorder) Close(ctx context.Context) error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	close(r.ch)
	r.mu.Unlock()
	r.start.Do(func() { go r.run() }) // never started: drain the (empty) channel and finish
	select {
	case <-r.done:
		if r.full != nil {
			r.full.Close()
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("flush link clicks: %w (%d still queued)", ctx.Err(), len(r.ch))
	}
}

func (r *Recorder) run() {
	defer close(r.done)
	tick := time.NewTicker(r.opt.Interval)
	defer tick.Stop()
	batch := make([]Click, 0, r.opt.Batch)
	for {
		select {
		case c, ok := <-r.ch:
			if !ok {
				r.flush(batch)
				return
			}
			batch = append(batch, c)
			if len(batch) == r.opt.Batch {
				r.flush(batch)
				batch = batch[:0]
			}
		case <-tick.C:
			if len(batch) > 0 {
				r.flush(batch)
				batch = batch[:0]
			}
		}
	}
}

// flush writes one batch in one INSERT, retrying a failed write a few times: a busy SQLite writer
// or a PostgreSQL failover should not lose clicks.
func (r *Recorder) flush(batch []Click) {
	if len(batch) == 0 {
		return
	}
	q, args := insertClicks(r.db.Dialect, batch)
	var err error
	for attempt := 0; attempt < 4; attempt++ {
		if attempt > 0 {
			time.Sleep(time.Duration(attempt) * 200 * time.Millisecond)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if len(batch) == r.opt.Batch && r.full == nil {
			r.full, _ = r.db.W.PrepareContext(ctx, q) // on failure the plain Exec below says why
		}
		if len(batch) == r.opt.Batch && r.full != nil {
			_, err = r.full.ExecContext(ctx, args...)
		} else {
			_, err = r.db.W.ExecContext(ctx, q, args...)
		}
		cancel()
		if err == nil {
			r.recorded.Add(float64(len(batch)))
			return
		}
	}
	if r.full != nil {
		r.full.Close()
		r.full = nil
	}
	r.failed.Add(float64(len(batch)))
	r.log.Error("link clicks lost: the database refused their batch", "clicks", len(batch), "err", err)
}

// insertClicks builds one multi-row INSERT. On SQLite it numbers nothing: SQLite looks numbered
// parameters ($n) up by a linear search, once when parsing and again when binding, so a batch of
// 900 of them cost more than the rows themselves; anonymous ? parameters (which SQLite numbers
// in order) are the same statement without that cost. PostgreSQL only takes $n.
func insertClicks(d db.Dialect, batch []Click) (string, []any) {
	var b strings.Builder
	b.WriteString(`INSERT INTO link_clicks (link_id, distributor_id, product_id, at, day, referrer_host, ua_class, client_key, credited) VALUES `)
	args := make([]any, 0, len(batch)*9)
	for i, c := range batch {
		if i > 0 {
			b.WriteString(", ")
		}
		n := len(args)
		if d == db.SQLite {
			b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?)")
		} else {
			fmt.Fprintf(&b, "($%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5, n+6, n+7, n+8, n+9)
		}
		var pid any
		if c.ProductID != 0 {
			pid = c.ProductID
		}
		at := c.At.UTC()
		args = append(args, c.LinkID, c.DistributorID, pid, at, at.In(zone).Format("2006-01-02"),
			c.ReferrerHost, c.UAClass, c.ClientKey, c.Credited)
	}
	return b.String(), args
}
