package db

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// sumMerger adds its callers' amounts to one counter row, once per commit. An amount of -1
// makes it fail, as a constraint might.
type sumMerger struct {
	amounts []int
	runs    *int // BeforeCommit calls, counted by the test (the leader runs them one at a time)
}

type sumKey struct{}

func (m *sumMerger) Merge(later Merger) { m.amounts = append(m.amounts, later.(*sumMerger).amounts...) }

func (m *sumMerger) BeforeCommit(ctx context.Context, tx *Tx) error {
	*m.runs++
	total := 0
	for _, a := range m.amounts {
		if a == -1 {
			return errors.New("amount -1 refused")
		}
		total += a
	}
	_, err := tx.ExecContext(ctx, `UPDATE counter SET n = n + $1, writes = writes + 1`, total)
	return err
}

// queueHarness holds the writer with one caller while others queue in a fixed order, so they
// run as one group.
type queueHarness struct {
	t       *testing.T
	d       *DB
	release chan struct{}
	wg      sync.WaitGroup
}

func newQueueHarness(t *testing.T) (*queueHarness, *DB) {
	d, err := Open(context.Background(), filepath.Join(t.TempDir(), "m.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	for _, q := range []string{`CREATE TABLE counter (n INTEGER NOT NULL, writes INTEGER NOT NULL)`, `INSERT INTO counter VALUES (0, 0)`,
		`CREATE TABLE raw (k TEXT PRIMARY KEY, v INTEGER NOT NULL)`} {
		if _, err := d.W.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	h := &queueHarness{t: t, d: d, release: make(chan struct{})}
	blocked := make(chan struct{})
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		if err := d.InTx(context.Background(), func(tx *Tx) error { close(blocked); <-h.release; return nil }); err != nil {
			t.Error(err)
		}
	}()
	<-blocked
	return h, d
}

// queue starts fn as the next caller and waits until it is queued behind the others.
func (h *queueHarness) queue(ctx context.Context, fn func(tx *Tx) error, out *error) {
	h.wg.Add(1)
	want := h.queued() + 1
	go func() {
		defer h.wg.Done()
		*out = h.d.InTx(ctx, fn)
	}()
	deadline := time.Now().Add(5 * time.Second)
	for h.queued() != want {
		if time.Now().After(deadline) {
			h.t.Fatalf("caller %d did not queue", want)
		}
		time.Sleep(100 * time.Microsecond)
	}
}

func (h *queueHarness) queued() int {
	h.d.group.mu.Lock()
	defer h.d.group.mu.Unlock()
	return len(h.d.group.queue)
}

func (h *queueHarness) run() { close(h.release); h.wg.Wait() }

func (h *queueHarness) counter() (n, writes int) {
	if err := h.d.R.QueryRow(`SELECT n, writes FROM counter`).Scan(&n, &writes); err != nil {
		h.t.Fatal(err)
	}
	return n, writes
}

// The Mergers of the callers that share a commit run once, with the work of exactly the
// callers that succeeded.
func TestGroupMergersRunOncePerCommit(t *testing.T) {
	h, d := newQueueHarness(t)
	runs := 0
	const n = 10
	errs := make([]error, n)
	boom := errors.New("boom")
	for i := range n {
		h.queue(context.Background(), func(tx *Tx) error {
			m := tx.BeforeCommit(sumKey{}, func() Committer { return &sumMerger{runs: &runs} }).(*sumMerger)
			m.amounts = append(m.amounts, 1<<i)
			if _, err := tx.ExecContext(context.Background(), `INSERT INTO raw VALUES ($1, $2)`, fmt.Sprint(i), 1<<i); err != nil {
				return err
			}
			if i%3 == 2 {
				return boom // its row and its amount both go
			}
			return nil
		}, &errs[i])
	}
	c0, _ := d.GroupStats()
	h.run()
	want := 0
	for i := range n {
		if i%3 == 2 {
			if !errors.Is(errs[i], boom) {
				t.Errorf("caller %d: %v, want boom", i, errs[i])
			}
			continue
		}
		if errs[i] != nil {
			t.Errorf("caller %d: %v", i, errs[i])
		}
		want += 1 << i
	}
	var raw int
	if err := d.R.QueryRow(`SELECT sum(v) FROM raw`).Scan(&raw); err != nil {
		t.Fatal(err)
	}
	got, writes := h.counter()
	if got != want || raw != want {
		t.Errorf("counter %b, raw rows %b, want %b for the callers that succeeded", got, raw, want)
	}
	if c1, _ := d.GroupStats(); writes != 1 || runs != 1 || c1-c0 != 1 {
		t.Errorf("%d commits, Merger ran %d times and wrote %d times, want 1, 1, 1", c1-c0, runs, writes)
	}
}

// When the merged work fails, each caller runs again alone: the one whose work breaks it gets
// the error, the others commit, each with its own Merger run.
func TestGroupMergerFailureRunsCallersAlone(t *testing.T) {
	h, d := newQueueHarness(t)
	runs := 0
	amounts := []int{1, 2, -1, 4}
	errs := make([]error, len(amounts))
	for i, a := range amounts {
		h.queue(context.Background(), func(tx *Tx) error {
			m := tx.BeforeCommit(sumKey{}, func() Committer { return &sumMerger{runs: &runs} }).(*sumMerger)
			m.amounts = append(m.amounts, a)
			_, err := tx.ExecContext(context.Background(), `INSERT INTO raw VALUES ($1, $2)`, fmt.Sprint(i), a)
			return err
		}, &errs[i])
	}
	h.run()
	for i, err := range errs {
		if (i == 2) != (err != nil) {
			t.Errorf("caller %d (amount %d): %v", i, amounts[i], err)
		}
	}
	var rows int
	if err := d.R.QueryRow(`SELECT count(*) FROM raw`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if n, writes := h.counter(); n != 7 || writes != 3 || rows != 3 {
		t.Errorf("counter %d in %d writes, %d raw rows; want 7 in 3 (each caller alone), 3 rows", n, writes, rows)
	}
}

// An Alone caller queued among others shares no commit: the callers before it have committed,
// Mergers included, when it runs, and the ones after it run after it.
func TestAloneSeesEarlierMergersWritten(t *testing.T) {
	h, d := newQueueHarness(t)
	runs := 0
	add := func(a int) func(tx *Tx) error {
		return func(tx *Tx) error {
			tx.BeforeCommit(sumKey{}, func() Committer { return &sumMerger{runs: &runs} }).(*sumMerger).amounts = []int{a}
			return nil
		}
	}
	errs := make([]error, 5)
	seen := -1
	h.queue(context.Background(), add(1), &errs[0])
	h.queue(context.Background(), add(2), &errs[1])
	h.queue(Alone(context.Background()), func(tx *Tx) error {
		return tx.QueryRowContext(context.Background(), `SELECT n FROM counter`).Scan(&seen)
	}, &errs[2])
	h.queue(context.Background(), add(4), &errs[3])
	h.queue(context.Background(), add(8), &errs[4])
	c0, _ := d.GroupStats()
	h.run()
	for i, err := range errs {
		if err != nil {
			t.Errorf("caller %d: %v", i, err)
		}
	}
	n, writes := h.counter()
	if c1, _ := d.GroupStats(); seen != 3 || n != 15 || writes != 2 || c1-c0 != 3 {
		t.Errorf("the alone caller saw %d (want 3); counter %d in %d writes (want 15 in 2); %d commits (want 3)", seen, n, writes, c1-c0)
	}
}
