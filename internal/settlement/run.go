package settlement

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/fenxiao/fenxiao/internal/audit"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/settings"
)

// staleAfter is how long a running run may go without progress before another node may take it
// over. A batch commits (and beats) in well under a second, so this only fires when the node
// working on it died.
const staleAfter = 2 * time.Minute

// Run settles, synchronously, every commission settleable at or before cutoff — of everyone, or
// only of distributorID when it is not 0 (settlement on request) — and draws the statements. A
// zero cutoff means now; it is kept to the second. If the scope already has a run, that run is
// returned: finished, or still running on another node (poll it), or — when it failed or its node
// stopped — resumed here. Finance and the scheduler call it.
// Errors: Invalid (cutoff in the future, unknown distributor). A failure during the run is not an
// error here: it is the run's status and error, and asking again resumes it.
func (s *Service) Run(ctx context.Context, cutoff time.Time, distributorID int64) (Run, error) {
	r, claimed, _, err := s.claim(ctx, cutoff, distributorID)
	if err != nil || !claimed {
		return r, err
	}
	return s.process(ctx, r), nil
}

// Start is Run for the HTTP API: a run for everyone is claimed and returned at once and goes on in
// the background, so its progress can be polled; a run of one distributor (on request) is short
// and done before Start returns. created reports whether the run is new. Wait drains background
// runs.
func (s *Service) Start(ctx context.Context, cutoff time.Time, distributorID int64) (r Run, created bool, err error) {
	r, claimed, created, err := s.claim(ctx, cutoff, distributorID)
	if err != nil || !claimed {
		return r, created, err
	}
	if distributorID > 0 {
		return s.process(context.WithoutCancel(ctx), r), created, nil // finish even if the client goes
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.process(context.WithoutCancel(ctx), r)
	}()
	return r, created, nil
}

// RunDue runs the scheduled settlement if one is due: the latest cutoff of the configured schedule
// that is after the last completed run for everyone. It returns the run and whether one was due.
// Several nodes may call it at once: the cutoff is the same, so they share one run.
func (s *Service) RunDue(ctx context.Context) (Run, bool, error) {
	st, err := settings.LoadSettlement(ctx, s.DB.R)
	if err != nil {
		return Run{}, false, err
	}
	var last time.Time
	err = s.DB.R.QueryRowContext(ctx, qLastScheduled).Scan(&last)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Run{}, false, fmt.Errorf("read the last settlement cutoff: %w", err)
	}
	cutoff, ok := st.Due(last, s.DB.Now())
	if !ok {
		return Run{}, false, nil
	}
	r, err := s.Run(audit.WithActor(ctx, "system:settlement-schedule"), cutoff, 0)
	return r, true, err
}

// ScopeKey names a run: everyone or one distributor, at a cutoff to the second.
func ScopeKey(cutoff time.Time, distributorID int64) string {
	c := cutoff.UTC().Format(time.RFC3339)
	if distributorID > 0 {
		return fmt.Sprintf("d:%d:%s", distributorID, c)
	}
	return "all:" + c
}

// claim creates the scope's run, or finds it and takes it over when it failed or went stale.
// claimed says whether the caller now works on it.
func (s *Service) claim(ctx context.Context, cutoff time.Time, distributorID int64) (r Run, claimed, created bool, err error) {
	now := s.DB.Now()
	if cutoff.IsZero() {
		cutoff = now
	}
	cutoff = cutoff.UTC().Truncate(time.Second)
	if cutoff.After(now) {
		return Run{}, false, false, errs.Field("cutoff", "cutoff_in_future",
			"cutoff %s is in the future: only commission already settleable can be settled", cutoff.Format(time.RFC3339))
	}
	if distributorID < 0 {
		return Run{}, false, false, errs.Field("distributor_id", "invalid_distributor_id", "distributor_id must be a distributor's id, or absent for everyone")
	}
	var who any
	if distributorID > 0 {
		var n int
		if err := s.DB.R.QueryRowContext(ctx, qDistributorExists, distributorID).Scan(&n); err != nil {
			return Run{}, false, false, fmt.Errorf("look up distributor %d: %w", distributorID, err)
		}
		if n == 0 {
			return Run{}, false, false, errs.Field("distributor_id", "distributor_not_found", "there is no distributor %d", distributorID)
		}
		who = distributorID
	}
	key := ScopeKey(cutoff, distributorID)
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		claimed, created = false, false
		var id int64
		err := tx.QueryRowContext(ctx, qInsertRun, key, cutoff, who, audit.Actor(ctx), tx.Now).Scan(&id)
		switch {
		case err == nil:
			claimed, created = true, true
			if err := audit.Record(ctx, tx, audit.Entry{Action: "settlement.run", Entity: "settlement_run", EntityID: fmt.Sprint(id),
				After: map[string]any{"scope_key": key, "cutoff": cutoff, "distributor_id": who}}); err != nil {
				return err
			}
		case errors.Is(err, sql.ErrNoRows):
			if r, err = scanRun(tx.QueryRowContext(ctx, qRunByScope, key)); err != nil {
				return err
			}
			id = r.ID
			res, err := tx.ExecContext(ctx, qResume, id, tx.Now, tx.Now.Add(-staleAfter))
			if err != nil {
				return fmt.Errorf("resume settlement run %d: %w", id, err)
			}
			if n, _ := res.RowsAffected(); n == 1 {
				claimed = true
				if err := audit.Record(ctx, tx, audit.Entry{Action: "settlement.resume", Entity: "settlement_run", EntityID: fmt.Sprint(id),
					Before: map[string]any{"status": r.Status, "error": r.Error}, After: map[string]any{"status": Running}}); err != nil {
					return err
				}
			}
		default:
			return fmt.Errorf("create settlement run %s: %w", key, err)
		}
		r, err = scanRun(tx.QueryRowContext(ctx, qRun, id))
		return err
	})
	return r, claimed, created, err
}

// visit is a distributor a run must look at, with how many commissions it may settle.
type visit struct {
	distributorID int64
	commissions   int
}

// process works through a claimed run and records how it ended; it returns the run as it is then.
func (s *Service) process(ctx context.Context, r Run) Run {
	var scope int64
	if r.DistributorID != nil {
		scope = *r.DistributorID
	}
	started := time.Now()
	err := s.work(ctx, r, scope)
	status, msg := Completed, (*string)(nil)
	if err != nil {
		status = Failed
		m := err.Error()
		if errs.KindOf(err) == errs.Internal {
			s.Log.Error("settlement run failed", "run", r.ID, "cutoff", r.Cutoff, "err", err)
			m = "internal error; the details are in the server log. Ask for the same run again to resume it"
		}
		msg = &m
	}
	// A cancelled ctx (shutdown) must not keep the run from being marked failed.
	fctx := context.WithoutCancel(ctx)
	ferr := s.DB.InTx(fctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(fctx, qFinish, r.ID, status, msg, tx.Now)
		return err
	})
	if ferr != nil {
		s.Log.Error("settlement run: cannot record its end", "run", r.ID, "status", status, "err", ferr)
	}
	out, gerr := s.GetRun(fctx, r.ID)
	if gerr != nil {
		r.Status = status
		return r
	}
	s.Log.Info("settlement run ended", "run", r.ID, "status", out.Status, "distributors", out.Distributors,
		"commissions", out.Commissions, "settled_fen", out.SettledFen, "took", time.Since(started).Round(time.Millisecond))
	return out
}

// work lists whom to visit and settles them batch by batch — on PostgreSQL with several workers,
// each batch its own transaction on disjoint distributors — logging progress about every 5%.
func (s *Service) work(ctx context.Context, r Run, scope int64) error {
	list, err := s.toVisit(ctx, r.Cutoff, scope)
	if err != nil {
		return err
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, qSetTotal, r.ID, len(list), tx.Now)
		return err
	})
	if err != nil {
		return fmt.Errorf("record the size of settlement run %d: %w", r.ID, err)
	}
	total := len(list)
	s.Log.Info("settlement run started", "run", r.ID, "scope", r.ScopeKey, "distributors", total)
	size, batches := s.batches(list)
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var mu sync.Mutex
	done, step := 0, 0
	var wg sync.WaitGroup
	for range s.workers() {
		wg.Go(func() {
			for batch := range batches {
				if ctx.Err() != nil {
					continue // drain
				}
				if err := s.DB.InTx(ctx, func(tx *db.Tx) error { return s.settleBatch(ctx, tx, r, batch, size) }); err != nil {
					cancel(fmt.Errorf("settle distributors %d…%d: %w", batch[0], batch[len(batch)-1], err))
					continue
				}
				mu.Lock()
				done += len(batch)
				if at := done * 20 / total; at > step {
					step = at
					s.Log.Info("settlement progress", "run", r.ID, "done", done, "total", total, "percent", done*100/total)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return context.Cause(ctx) // nil unless a batch failed or ctx was cancelled
}

// batches cuts the list into batches that close at BatchDistributors distributors or
// BatchCommissions commissions, whichever comes first (a distributor is never split), and returns
// the batch size the IN lists are padded to.
func (s *Service) batches(list []visit) (size int, out <-chan []int64) {
	maxD, maxC := s.batchSize()
	var all [][]int64
	for len(list) > 0 {
		n, commissions := 0, 0
		for n < len(list) && n < maxD && (n == 0 || commissions+list[n].commissions <= maxC) {
			commissions += list[n].commissions
			n++
		}
		batch := make([]int64, n)
		for i := range n {
			batch[i] = list[i].distributorID
		}
		all = append(all, batch)
		list = list[n:]
	}
	ch := make(chan []int64, len(all))
	for _, b := range all {
		ch <- b
	}
	close(ch)
	return maxD, ch
}

// workers is how many batches run at once: SQLite has one writer, so one.
func (s *Service) workers() int {
	if s.DB.Dialect == db.SQLite {
		return 1
	}
	return max(s.Workers, 1)
}

func (s *Service) batchSize() (distributors, commissions int) {
	distributors, commissions = s.BatchDistributors, s.BatchCommissions
	if distributors <= 0 {
		distributors = 200
	}
	if commissions <= 0 {
		commissions = 20000
	}
	return distributors, commissions
}

// toVisit lists, in id order, the distributors with settleable commission and those whose
// available balance moved since their last statement.
func (s *Service) toVisit(ctx context.Context, cutoff time.Time, scope int64) ([]visit, error) {
	count := map[int64]int{}
	q, args := qSettleableAll, []any{cutoff}
	if scope > 0 {
		q, args = qSettleableOne, []any{cutoff, scope}
	}
	rows, err := s.DB.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list settleable commissions: %w", err)
	}
	for rows.Next() {
		var d int64
		var n int
		if err := rows.Scan(&d, &n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list settleable commissions: %w", err)
		}
		count[d] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list settleable commissions: %w", err)
	}
	rows, err = s.DB.R.QueryContext(ctx, qUnstated, scope)
	if err != nil {
		return nil, fmt.Errorf("list unstated balance movements: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var d int64
		if err := rows.Scan(&d); err != nil {
			return nil, fmt.Errorf("list unstated balance movements: %w", err)
		}
		if _, ok := count[d]; !ok {
			count[d] = 0 // nothing to settle, but a statement to draw
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list unstated balance movements: %w", err)
	}
	out := make([]visit, 0, len(count))
	for d, n := range count {
		out = append(out, visit{d, n})
	}
	slices.SortFunc(out, func(a, b visit) int { return cmp.Compare(a.distributorID, b.distributorID) })
	return out, nil
}
