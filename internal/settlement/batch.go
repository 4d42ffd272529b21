package settlement

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/ledger"
	"github.com/fenxiao/fenxiao/internal/rollup"
)

// settleBatch settles a batch of distributors in tx and draws their statements. It takes locks in
// the order refunds do — orders, then commissions, then ledger accounts — so a refund, which reads
// a commission's status to choose between reversing frozen money and clawing back available
// money, reads it either before or after the whole batch:
//  0. leave out distributors the run already drew statements for (a resumed run);
//  1. on PostgreSQL, lock the orders of the batch's settleable commissions (SQLite has one writer);
//  2. settle the commissions with one conditional update;
//  3. lock the distributors' frozen and available accounts;
//  4. post frozen → available per distributor (key settle:<run>:<distributor>);
//  5. sum their entries since their last statement and draw a statement for each distributor
//     with money settled or moved on available (statement.go defines the figures);
//  6. copy the settled commissions onto the statements' lines and count the progress.
//
// The IN lists are padded to size (the batch size) so every batch of a run has one shape.
func (s *Service) settleBatch(ctx context.Context, tx *db.Tx, r Run, batch []int64, size int) error {
	visited := len(batch)
	done, err := statedByRun(ctx, tx, r.ID, pad(batch, size))
	if err != nil {
		return err
	}
	if len(done) > 0 {
		batch = slices.DeleteFunc(slices.Clone(batch), func(d int64) bool { return done[d] })
	}
	ids := pad(batch, size)
	var locked map[int64]bool
	if tx.Dialect == db.Postgres {
		if locked, err = lockOrders(ctx, tx, qLockOrders.sql(size), append([]any{r.Cutoff}, ids...)...); err != nil {
			return err
		}
	}
	settled, count, orders, err := settle(ctx, tx, r, ids, size)
	if err != nil {
		return err
	}
	if locked != nil {
		// A commission that became settleable after the orders were locked (an order completed
		// meanwhile, with freeze_days 0) was settled without its order's lock: take it now. A
		// refund that read it as frozen is waiting for this transaction's row lock while holding
		// the order, so one of the two is chosen as a deadlock victim and retried with fresh
		// state — never both committed on a stale read.
		var late []any
		for _, o := range slices.Sorted(maps.Keys(orders)) {
			if !locked[o] {
				late = append(late, o)
			}
		}
		if len(late) > 0 {
			if _, err := lockOrders(ctx, tx, qLockOrdersByID(len(late)), late...); err != nil {
				return err
			}
		}
	}
	available, err := lockAccounts(ctx, tx, ids, size)
	if err != nil {
		return err
	}
	for _, d := range batch {
		if settled[d] == 0 {
			continue
		}
		_, posted, err := s.Ledger.Post(ctx, tx, ledger.Posting{
			Key: fmt.Sprintf("settle:%d:%d", r.ID, d), Cause: causeSettlement, CauseID: fmt.Sprint(r.ID),
			Memo: "settlement run " + fmt.Sprint(r.ID) + ", cutoff " + r.Cutoff.Format(time.RFC3339),
			Entries: []ledger.Entry{
				{OwnerID: d, Kind: ledger.Frozen, AmountFen: -settled[d]},
				{OwnerID: d, Kind: ledger.Available, AmountFen: settled[d]},
			},
		})
		if err != nil {
			return err
		}
		if !posted {
			return fmt.Errorf("distributor %d: run %d already posted a settlement for them", d, r.ID)
		}
	}
	last, err := lastStatements(ctx, tx, ids, size)
	if err != nil {
		return err
	}
	moves, err := movements(ctx, tx, batch, last, size)
	if err != nil {
		return err
	}
	var stated []int64 // distributors whose statements get lines
	var written, settledFen, commissions int64
	var rows []any // the statements' columns, 13 each
	var wrote []int64
	for _, d := range batch {
		p, f := last[d], moves[d]
		if p.runID == r.ID && settled[d] > 0 {
			// Only when two nodes work on one run (a takeover of a live run): roll back; asking
			// for the run again resumes it without d.
			return fmt.Errorf("distributor %d: run %d drew their statement meanwhile", d, r.ID)
		}
		if p.runID == r.ID || (f.settled == 0 && !f.available) {
			continue // stated by this run already (resumed), or nothing to state
		}
		st := Statement{RunID: r.ID, DistributorID: d, PeriodEnd: r.Cutoff, OpeningFen: p.closing,
			AccruedFen: f.accrued, ReversedFen: f.reversed, SettledFen: f.settled, ClawedBackFen: f.clawedBack, WithdrawnFen: f.withdrawn}
		if p.runID != 0 {
			st.PeriodStart = &p.periodEnd
			if p.periodEnd.After(st.PeriodEnd) {
				st.PeriodEnd = p.periodEnd // overlapping runs: a period never ends before it starts
			}
		}
		st.ClosingFen = st.OpeningFen + st.SettledFen - st.ClawedBackFen - st.WithdrawnFen
		if f.settled != settled[d] {
			return fmt.Errorf("distributor %d: run %d settled %d fen but the ledger shows %d fen of settlements since the last statement", d, r.ID, settled[d], f.settled)
		}
		if want := available[d] + settled[d]; st.ClosingFen != want {
			return fmt.Errorf("distributor %d: statement would close at %d fen but available is %d fen; the previous statement (%d fen closing) does not reconcile, run fenxiao verify",
				d, st.ClosingFen, want, p.closing)
		}
		rows = append(rows, st.RunID, d, st.PeriodStart, st.PeriodEnd, st.OpeningFen, st.AccruedFen,
			st.ReversedFen, st.ClawedBackFen, st.SettledFen, st.WithdrawnFen, st.ClosingFen, f.lastEntryID, tx.Now)
		written++
		wrote = append(wrote, d)
		if settled[d] > 0 {
			stated = append(stated, d)
		}
		settledFen += settled[d]
		commissions += count[d]
	}
	if written > 0 {
		if _, err := tx.ExecContext(ctx, qInsertStatements.sql(int(written)), rows...); err != nil {
			return fmt.Errorf("write statements: %w", err)
		}
		if err := rollup.AddStatements(ctx, tx, r.ID, wrote); err != nil {
			return err
		}
	}
	if len(stated) > 0 {
		if _, err := tx.ExecContext(ctx, qInsertLines.sql(size), append([]any{r.ID}, pad(stated, size)...)...); err != nil {
			return fmt.Errorf("write statement lines: %w", err)
		}
	}
	_, err = tx.ExecContext(ctx, qProgress, r.ID, visited, written, commissions, settledFen, tx.Now)
	return err
}

// pad makes the IN-list arguments of a batch: its distributors, then -1 up to size.
func pad(batch []int64, size int) []any {
	ids := make([]any, size)
	for i := range ids {
		ids[i] = int64(-1)
		if i < len(batch) {
			ids[i] = batch[i]
		}
	}
	return ids
}

// statedByRun returns the distributors of a batch the run already drew statements for.
func statedByRun(ctx context.Context, tx *db.Tx, run int64, ids []any) (map[int64]bool, error) {
	rows, err := tx.QueryContext(ctx, qStatedByRun.sql(len(ids)), append([]any{run}, ids...)...)
	if err != nil {
		return nil, fmt.Errorf("read statements of run %d: %w", run, err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var d int64
		if err := rows.Scan(&d); err != nil {
			return nil, fmt.Errorf("read statements of run %d: %w", run, err)
		}
		out[d] = true
	}
	return out, rows.Err()
}

// settle runs the conditional update and returns the net fen and number of commissions settled
// per distributor, and the orders they belong to.
func settle(ctx context.Context, tx *db.Tx, r Run, ids []any, size int) (fen, count map[int64]int64, orders map[int64]bool, err error) {
	rows, err := tx.QueryContext(ctx, qSettle.sql(size), append([]any{tx.Now, r.ID, r.Cutoff}, ids...)...)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("settle commissions: %w", err)
	}
	defer rows.Close()
	fen, count, orders = map[int64]int64{}, map[int64]int64{}, map[int64]bool{}
	for rows.Next() {
		var d, o, net int64
		if err := rows.Scan(&d, &o, &net); err != nil {
			return nil, nil, nil, fmt.Errorf("settle commissions: %w", err)
		}
		fen[d] += net
		count[d]++
		orders[o] = true
	}
	if err := rows.Err(); err != nil {
		return nil, nil, nil, fmt.Errorf("settle commissions: %w", err)
	}
	return fen, count, orders, nil
}

// lockOrders runs an order-locking query and returns the ids it locked.
func lockOrders(ctx context.Context, tx *db.Tx, query string, args ...any) (map[int64]bool, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("lock orders: %w", err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("lock orders: %w", err)
		}
		out[id] = true
	}
	return out, rows.Err()
}

// lockAccounts locks the batch's frozen and available accounts and returns the available balances.
func lockAccounts(ctx context.Context, tx *db.Tx, ids []any, size int) (map[int64]int64, error) {
	rows, err := tx.QueryContext(ctx, qLockAccounts.sql(size)+tx.ForUpdate(), ids...)
	if err != nil {
		return nil, fmt.Errorf("lock ledger accounts: %w", err)
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var d, fen int64
		var kind string
		if err := rows.Scan(&d, &kind, &fen); err != nil {
			return nil, fmt.Errorf("lock ledger accounts: %w", err)
		}
		if ledger.Kind(kind) == ledger.Available {
			out[d] = fen
		}
	}
	return out, rows.Err()
}

// previous is what a statement needs from the one before it.
type previous struct {
	runID       int64
	periodEnd   time.Time
	closing     int64
	lastEntryID int64
}

func lastStatements(ctx context.Context, tx *db.Tx, ids []any, size int) (map[int64]previous, error) {
	rows, err := tx.QueryContext(ctx, qLastStatements.sql(size), ids...)
	if err != nil {
		return nil, fmt.Errorf("read last statements: %w", err)
	}
	defer rows.Close()
	out := map[int64]previous{}
	for rows.Next() {
		var d int64
		var p previous
		if err := rows.Scan(&d, &p.runID, &p.periodEnd, &p.closing, &p.lastEntryID); err != nil {
			return nil, fmt.Errorf("read last statements: %w", err)
		}
		p.periodEnd = p.periodEnd.UTC()
		out[d] = p
	}
	return out, rows.Err()
}

// movements sums each distributor's entries after their last statement into figures.
func movements(ctx context.Context, tx *db.Tx, batch []int64, last map[int64]previous, size int) (map[int64]*figures, error) {
	args := make([]any, 0, 2*size)
	for i := range size {
		if i < len(batch) {
			args = append(args, batch[i], last[batch[i]].lastEntryID)
		} else {
			args = append(args, int64(-1), int64(0))
		}
	}
	rows, err := tx.QueryContext(ctx, qMovements.sql(size), args...)
	if err != nil {
		return nil, fmt.Errorf("sum ledger movements: %w", err)
	}
	defer rows.Close()
	out := make(map[int64]*figures, len(batch))
	for _, d := range batch {
		out[d] = &figures{}
	}
	for rows.Next() {
		var d, fen, maxID int64
		var kind, cause string
		if err := rows.Scan(&d, &kind, &cause, &fen, &maxID); err != nil {
			return nil, fmt.Errorf("sum ledger movements: %w", err)
		}
		f, ok := out[d]
		if !ok {
			continue
		}
		if err := f.add(ledger.Kind(kind), cause, fen, maxID); err != nil {
			return nil, fmt.Errorf("distributor %d: %w", d, err)
		}
	}
	return out, rows.Err()
}
