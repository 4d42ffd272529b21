package export

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// Jobs runs large exports in the background, each into a temporary file, so the page that
// started one can show its progress and offer the file when it is done — a plain download
// cannot show progress without JavaScript.
//
// The registry lives in this process's memory. With several app nodes, a job's status and
// download requests must reach the node that started it (sticky sessions, or one export
// node), and a restart loses running jobs and finished files: the merchant starts the export
// again. That is acceptable for a convenience that holds no state of record.
type Jobs struct {
	cfg  JobsConfig
	sem  chan struct{}
	ctx  context.Context
	stop context.CancelFunc
	wg   sync.WaitGroup

	mu     sync.Mutex
	jobs   map[string]*job
	closed bool
}

// JobsConfig tunes a registry; zero values take the defaults.
type JobsConfig struct {
	Dir         string        // where files go; "" is os.TempDir()
	Concurrency int           // exports written at once, the others queue; default 2
	MaxJobs     int           // jobs held at once (queued, running or finished); default 50
	Keep        time.Duration // how long a finished file stays; default 30 minutes
	Log         *slog.Logger  // default slog.Default()
}

// Job states.
const (
	Queued  = "queued"
	Running = "running"
	Done    = "done"
	Failed  = "failed"
)

// JobStatus is what a job's page and status request show.
type JobStatus struct {
	ID       string    `json:"id"`
	File     string    `json:"file"`
	Format   Format    `json:"format"`
	State    string    `json:"state"`
	Rows     int64     `json:"rows"`
	Total    int64     `json:"total,omitempty"`
	Percent  int       `json:"percent"`         // -1 while the total is unknown
	Error    string    `json:"error,omitempty"` // "too_many_rows" or "failed"; details go to the log
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished,omitzero"`
	Expires  time.Time `json:"expires,omitzero"`
}

// Errors of the registry.
var (
	ErrBusy       = errors.New("too many exports are waiting or kept: try again in a few minutes")
	ErrNoJob      = errors.New("no such export: it may have expired, or belong to someone else")
	ErrNotReady   = errors.New("the export is not finished yet")
	ErrJobsClosed = errors.New("the export registry is shut down")
)

type job struct {
	id, owner string
	file      string
	format    Format
	total     int64
	rows      atomic.Int64
	started   time.Time

	// Set once when the job ends, under Jobs.mu.
	state    string
	errCode  string
	path     string
	finished time.Time
	expires  time.Time
}

// NewJobs starts a registry; Close ends it.
func NewJobs(cfg JobsConfig) *Jobs {
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 2
	}
	if cfg.MaxJobs <= 0 {
		cfg.MaxJobs = 50
	}
	if cfg.Keep <= 0 {
		cfg.Keep = 30 * time.Minute
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	ctx, stop := context.WithCancel(context.Background())
	return &Jobs{cfg: cfg, sem: make(chan struct{}, cfg.Concurrency), ctx: ctx, stop: stop, jobs: map[string]*job{}}
}

// Start queues d as f for owner (who alone may see it) and returns at once. d.Rows runs later
// on the registry's own context, never the request's: it must not hold on to the request.
func (j *Jobs) Start(owner string, f Format, d Download) (JobStatus, error) {
	if _, ok := ParseFormat(string(f)); !ok {
		return JobStatus{}, fmt.Errorf("export format %q: only csv and xlsx are known", f)
	}
	id := make([]byte, 16)
	_, _ = rand.Read(id)
	jb := &job{id: hex.EncodeToString(id), owner: owner, file: FileName(d.Name, f), format: f, total: d.Total,
		started: time.Now(), state: Queued}
	j.mu.Lock()
	if j.closed {
		j.mu.Unlock()
		return JobStatus{}, ErrJobsClosed
	}
	if len(j.jobs) >= j.cfg.MaxJobs {
		j.mu.Unlock()
		return JobStatus{}, ErrBusy
	}
	j.jobs[jb.id] = jb
	st := j.statusLocked(jb)
	j.wg.Add(1)
	j.mu.Unlock()
	go j.run(jb, d)
	return st, nil
}

func (j *Jobs) run(jb *job, d Download) {
	defer j.wg.Done()
	select {
	case j.sem <- struct{}{}:
		defer func() { <-j.sem }()
	case <-j.ctx.Done():
		j.finish(jb, "", j.ctx.Err())
		return
	}
	j.mu.Lock()
	jb.state = Running
	j.mu.Unlock()
	path, err := j.write(jb, d)
	j.finish(jb, path, err)
}

func (j *Jobs) write(jb *job, d Download) (string, error) {
	out, err := os.CreateTemp(j.cfg.Dir, "fenxiao-export-*."+string(jb.format))
	if err != nil {
		return "", fmt.Errorf("create the export file: %w", err)
	}
	t := d.Table
	if t.TempDir == "" {
		t.TempDir = j.cfg.Dir
	}
	logged := LogProgress(j.ctx, j.cfg.Log, jb.file)
	t.Progress = func(n int64, done bool) {
		jb.rows.Store(n)
		logged(n, done)
		if d.Table.Progress != nil {
			d.Table.Progress(n, done)
		}
	}
	bw := bufio.NewWriterSize(out, 256<<10)
	_, err = Write(j.ctx, bw, jb.format, t, d.Rows)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := out.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close the export file: %w", cerr)
	}
	if err != nil {
		_ = os.Remove(out.Name())
		return "", err
	}
	return out.Name(), nil
}

// finish records how a job ended and schedules its removal.
func (j *Jobs) finish(jb *job, path string, err error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	jb.finished = time.Now()
	jb.expires = jb.finished.Add(j.cfg.Keep)
	jb.path = path
	switch {
	case err == nil:
		jb.state = Done
	case errors.Is(err, ErrTooManyRows):
		jb.state, jb.errCode = Failed, "too_many_rows"
	case j.ctx.Err() != nil:
		jb.state, jb.errCode = Failed, "failed"
		j.cfg.Log.Info("export stopped: shutting down", "export", jb.file, "rows", jb.rows.Load())
	default:
		jb.state, jb.errCode = Failed, "failed"
		j.cfg.Log.Error("export failed", "export", jb.file, "rows", jb.rows.Load(), "err", err)
	}
	if j.closed {
		j.removeLocked(jb)
		return
	}
	time.AfterFunc(j.cfg.Keep, func() {
		j.mu.Lock()
		defer j.mu.Unlock()
		j.removeLocked(jb)
	})
}

func (j *Jobs) removeLocked(jb *job) {
	if jb.path != "" {
		_ = os.Remove(jb.path)
		jb.path = ""
	}
	delete(j.jobs, jb.id)
}

// Status is a job's progress, for its owner only.
func (j *Jobs) Status(owner, id string) (JobStatus, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	jb := j.jobs[id]
	if jb == nil || jb.owner != owner {
		return JobStatus{}, ErrNoJob
	}
	return j.statusLocked(jb), nil
}

func (j *Jobs) statusLocked(jb *job) JobStatus {
	st := JobStatus{ID: jb.id, File: jb.file, Format: jb.format, State: jb.state, Rows: jb.rows.Load(), Total: jb.total,
		Percent: -1, Error: jb.errCode, Started: jb.started, Finished: jb.finished, Expires: jb.expires}
	switch {
	case jb.state == Done:
		st.Percent = 100
	case jb.total > 0:
		st.Percent = int(min(99, st.Rows*100/jb.total))
	}
	return st
}

// Open opens a finished job's file for its owner. The caller closes it; the file may be
// removed meanwhile on expiry, which an open file survives.
func (j *Jobs) Open(owner, id string) (*os.File, JobStatus, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	jb := j.jobs[id]
	if jb == nil || jb.owner != owner {
		return nil, JobStatus{}, ErrNoJob
	}
	st := j.statusLocked(jb)
	if jb.state != Done {
		return nil, st, ErrNotReady
	}
	f, err := os.Open(jb.path)
	if err != nil {
		return nil, st, fmt.Errorf("open export %s: %w", jb.file, err)
	}
	return f, st, nil
}

// Close stops the running exports, waits for them and removes every file.
func (j *Jobs) Close() {
	j.mu.Lock()
	j.closed = true
	j.mu.Unlock()
	j.stop()
	j.wg.Wait()
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, jb := range j.jobs {
		j.removeLocked(jb)
	}
}
