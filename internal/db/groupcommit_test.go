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

// Callers that share one commit must see exactly what running them one after another would
// give: a failing or panicking function leaves no trace, the others all commit, and a later
// function does not see an earlier failed one's rows.
func TestGroupCommitKeepsEachCallerApart(t *testing.T) {
	ctx := context.Background()
	d, err := Open(ctx, filepath.Join(t.TempDir(), "g.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.W.Exec(`CREATE TABLE kv (k TEXT PRIMARY KEY, v INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	insert := func(tx *Tx, k string, v int) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO kv (k, v) VALUES ($1, $2)`, k, v)
		return err
	}

	// The first caller holds the writer until everyone else is queued behind it, so the rest
	// run as one group.
	release := make(chan struct{})
	blocked := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		err := d.InTx(ctx, func(tx *Tx) error {
			close(blocked)
			<-release
			return insert(tx, "first", 0)
		})
		if err != nil {
			t.Error(err)
		}
	}()
	<-blocked

	const n = 12
	errs := make([]error, n)
	panics := make([]any, n)
	boom := errors.New("boom")
	queued := func() int {
		d.group.mu.Lock()
		defer d.group.mu.Unlock()
		return len(d.group.queue)
	}
	waitQueued := func(k int) {
		deadline := time.Now().Add(5 * time.Second)
		for queued() != k {
			if time.Now().After(deadline) {
				t.Fatalf("only %d of %d callers queued", queued(), k)
			}
			time.Sleep(100 * time.Microsecond)
		}
	}
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { panics[i] = recover() }()
			errs[i] = d.InTx(ctx, func(tx *Tx) error {
				if err := insert(tx, fmt.Sprint("k", i), i); err != nil {
					return err
				}
				switch i % 4 {
				case 1: // fails after writing, including the key a later caller wants
					if err := insert(tx, fmt.Sprint("shared", i+1), -1); err != nil {
						return err
					}
					return boom
				case 2: // wants the key the failed caller before it wrote and rolled back
					return insert(tx, fmt.Sprint("shared", i), i)
				case 3:
					panic(fmt.Sprint("panic ", i))
				}
				return nil
			})
		}()
		waitQueued(i + 1) // in this order, so caller 4k+2 runs after 4k+1
	}
	c0, _ := d.GroupStats()
	close(release)
	wg.Wait()

	want := map[string]int{"first": 0}
	for i := range n {
		switch i % 4 {
		case 0:
			if errs[i] != nil || panics[i] != nil {
				t.Errorf("caller %d: err %v, panic %v", i, errs[i], panics[i])
			}
			want[fmt.Sprint("k", i)] = i
		case 1:
			if !errors.Is(errs[i], boom) {
				t.Errorf("caller %d: want its own error back, got %v", i, errs[i])
			}
		case 2:
			if errs[i] != nil {
				t.Errorf("caller %d saw the rolled-back row of the caller before it: %v", i, errs[i])
			}
			want[fmt.Sprint("k", i)] = i
			want[fmt.Sprint("shared", i)] = i
		case 3:
			if panics[i] != fmt.Sprint("panic ", i) {
				t.Errorf("caller %d: want its panic re-raised in its own goroutine, got %v", i, panics[i])
			}
		}
	}
	rows, err := d.R.Query(`SELECT k, v FROM kv`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]int{}
	for rows.Next() {
		var k string
		var v int
		if err := rows.Scan(&k, &v); err != nil {
			t.Fatal(err)
		}
		got[k] = v
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("rows after the group\n got %v\nwant %v", got, want)
	}
	if c1, _ := d.GroupStats(); c1-c0 != 1 {
		t.Errorf("the %d queued callers took %d commits, want 1", n, c1-c0)
	}
}

// A caller whose context is already done is told so and runs nothing.
func TestGroupCommitCancelledCaller(t *testing.T) {
	d, err := Open(context.Background(), filepath.Join(t.TempDir(), "g.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	err = d.InTx(ctx, func(tx *Tx) error { ran = true; return nil })
	if !errors.Is(err, context.Canceled) || ran {
		t.Fatalf("err %v, ran %v", err, ran)
	}
}
