package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/rollup"
)

// Bounds that keep every sum far from int64 overflow (SQLite would silently turn an overflowing
// integer into a float) and every statement well under both engines' parameter limits.
const (
	maxAmountFen = 1 << 50 // about 11 trillion yuan per entry
	maxEntries   = 1000
)

// Post writes p inside tx and returns the transaction's id. Entries of zero fen are dropped; a
// posting left with none is still recorded, so its key and cause are claimed. If a transaction
// with p.Key exists, Post writes nothing and returns its id with posted false; the unique index on
// the key decides, so concurrent posts of one key post once. Errors (all of them bugs in the
// caller, so plain errors): an empty key or cause, an unknown kind, a distributor kind with owner 0
// or a merchant kind with another owner, entries not summing to zero, an entry for a distributor
// that does not exist, and a key already used by another cause. On error the caller must roll tx
// back: part of the posting may have been written.
func (l *Ledger) Post(ctx context.Context, tx *db.Tx, p Posting) (id int64, posted bool, err error) {
	entries, err := p.check()
	if err != nil {
		return 0, false, err
	}
	err = tx.QueryRowContext(ctx, qInsertTransaction, p.Key, p.Cause, p.CauseID, p.Memo, tx.Now).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return existing(ctx, tx, p)
	}
	if err != nil {
		return 0, false, fmt.Errorf("post ledger transaction %s: %w", p.Key, err)
	}
	if len(entries) == 0 {
		return id, true, nil
	}
	accounts, err := l.addBalances(ctx, tx, entries)
	if err != nil {
		return 0, false, fmt.Errorf("post ledger transaction %s: %w", p.Key, err)
	}
	args := make([]any, 0, 2+3*len(entries))
	args = append(args, id, tx.Now)
	for i, e := range entries {
		args = append(args, accounts[i], e.OwnerID, e.AmountFen)
	}
	if _, err := tx.ExecContext(ctx, qInsertEntries.sql(len(entries)), args...); err != nil {
		return 0, false, fmt.Errorf("write entries of ledger transaction %s: %w", p.Key, err)
	}
	if err := rollup.AddLedger(ctx, tx, p.Cause, rollupEntries(entries)); err != nil {
		return 0, false, fmt.Errorf("post ledger transaction %s: %w", p.Key, err)
	}
	return id, true, nil
}

// check validates p and returns its non-zero entries.
func (p Posting) check() ([]Entry, error) {
	if strings.TrimSpace(p.Key) == "" {
		return nil, fmt.Errorf("ledger posting for %s %s has no idempotency key", p.Cause, p.CauseID)
	}
	if strings.TrimSpace(p.Cause) == "" {
		return nil, fmt.Errorf("ledger posting %s names no cause", p.Key)
	}
	if len(p.Entries) > maxEntries {
		return nil, fmt.Errorf("ledger posting %s has %d entries, more than %d", p.Key, len(p.Entries), maxEntries)
	}
	out := make([]Entry, 0, len(p.Entries))
	var sum int64
	for _, e := range p.Entries {
		merchant, ok := e.Kind.merchant()
		switch {
		case !ok:
			return nil, fmt.Errorf("ledger posting %s: unknown account kind %q", p.Key, e.Kind)
		case merchant && e.OwnerID != 0:
			return nil, fmt.Errorf("ledger posting %s: %s is a merchant account but owner is %d, not 0", p.Key, e.Kind, e.OwnerID)
		case !merchant && e.OwnerID <= 0:
			return nil, fmt.Errorf("ledger posting %s: %s is a distributor account but owner is %d", p.Key, e.Kind, e.OwnerID)
		case e.AmountFen > maxAmountFen || e.AmountFen < -maxAmountFen:
			return nil, fmt.Errorf("ledger posting %s: %d fen on %s is beyond any real amount", p.Key, e.AmountFen, e.Kind)
		case e.AmountFen == 0:
			continue
		}
		sum += e.AmountFen // at most maxEntries × 2^50: cannot overflow
		out = append(out, e)
	}
	if sum != 0 {
		return nil, fmt.Errorf("ledger posting %s is unbalanced: its entries sum to %d fen", p.Key, sum)
	}
	return out, nil
}

// existing returns the transaction already posted under p.Key. A key reused for another cause is
// a collision between two callers' key schemes, never a retry, so it is refused.
func existing(ctx context.Context, tx *db.Tx, p Posting) (int64, bool, error) {
	var id int64
	var cause, causeID string
	if err := tx.QueryRowContext(ctx, qTransactionByKey, p.Key).Scan(&id, &cause, &causeID); err != nil {
		return 0, false, fmt.Errorf("read ledger transaction %s: %w", p.Key, err)
	}
	if cause != p.Cause || causeID != p.CauseID {
		return 0, false, fmt.Errorf("ledger key %s was used for %s %s, not %s %s", p.Key, cause, causeID, p.Cause, p.CauseID)
	}
	return id, false, nil
}

// delta is the change one posting makes to one account.
type delta struct {
	account
	id  int64
	fen int64
}

// addBalances adds the entries to their accounts' cached balances and returns each entry's
// account id. Ids come from the cache when it has them; the update itself proves them right.
func (l *Ledger) addBalances(ctx context.Context, tx *db.Tx, entries []Entry) ([]int64, error) {
	var deltas []delta
	which := make([]int, len(entries)) // entry → index in deltas
	for i, e := range entries {
		a := account{e.OwnerID, e.Kind}
		j := slices.IndexFunc(deltas, func(d delta) bool { return d.account == a })
		if j < 0 {
			j = len(deltas)
			deltas = append(deltas, delta{account: a})
		}
		deltas[j].fen += e.AmountFen
		which[i] = j
	}
	var unknown []int
	for i := range deltas {
		if id, ok := l.cached(deltas[i].account); ok {
			deltas[i].id = id
		} else {
			unknown = append(unknown, i)
		}
	}
	if err := l.lookUp(ctx, tx, deltas, unknown); err != nil {
		return nil, err
	}
	stale, err := l.update(ctx, tx, deltas)
	if err != nil {
		return nil, err
	}
	if len(stale) > 0 {
		// Remembered from a transaction that rolled back: look them up again and retry only those.
		for _, i := range stale {
			l.forget(deltas[i].account)
		}
		if err := l.lookUp(ctx, tx, deltas, stale); err != nil {
			return nil, err
		}
		retry := make([]delta, len(stale))
		for k, i := range stale {
			retry[k] = deltas[i]
		}
		if left, err := l.update(ctx, tx, retry); err != nil {
			return nil, err
		} else if len(left) > 0 {
			return nil, fmt.Errorf("ledger account %s vanished while posting", retry[left[0]].account)
		}
	}
	ids := make([]int64, len(entries))
	for i := range entries {
		ids[i] = deltas[which[i]].id
	}
	return ids, nil
}

// update adds each delta to its account and returns the indexes of the deltas whose account did
// not match.
func (l *Ledger) update(ctx context.Context, tx *db.Tx, deltas []delta) ([]int, error) {
	args := make([]any, 0, 4*len(deltas))
	for _, d := range deltas {
		args = append(args, d.id, d.fen, d.owner, string(d.kind))
	}
	rows, err := tx.QueryContext(ctx, qAddBalances.sql(len(deltas)), args...)
	if err != nil {
		return nil, fmt.Errorf("update ledger balances: %w", err)
	}
	defer rows.Close()
	type row struct {
		id int64
		account
	}
	done := make([]row, 0, len(deltas))
	for rows.Next() {
		var r row
		var kind string
		if err := rows.Scan(&r.id, &r.owner, &kind); err != nil {
			return nil, fmt.Errorf("update ledger balances: %w", err)
		}
		r.kind = Kind(kind)
		done = append(done, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("update ledger balances: %w", err)
	}
	var stale []int
	for i, d := range deltas {
		if !slices.Contains(done, row{d.id, d.account}) {
			stale = append(stale, i)
		}
	}
	return stale, nil
}

// lookUp reads, creating them if need be, the accounts of deltas[i] for each i in which, fills
// in their ids and remembers them. All accounts of an owner are created together, so only a
// distributor's first posting pays for this.
func (l *Ledger) lookUp(ctx context.Context, tx *db.Tx, deltas []delta, which []int) error {
	var owners []int64
	for _, i := range which {
		owners = append(owners, deltas[i].owner)
	}
	slices.Sort(owners) // one creation order in every transaction, against deadlocks
	found := make(map[account]int64)
	for _, owner := range slices.Compact(owners) {
		ids, err := l.open(ctx, tx, owner)
		if err != nil {
			return err
		}
		for kind, id := range ids {
			found[account{owner, kind}] = id
		}
	}
	for _, i := range which {
		id, ok := found[deltas[i].account]
		if !ok {
			return fmt.Errorf("ledger account %s could not be opened", deltas[i].account)
		}
		deltas[i].id = id
	}
	return nil
}

// open returns the ids of every account of owner by kind, creating the accounts first if some
// are missing, and remembers them.
func (l *Ledger) open(ctx context.Context, tx *db.Tx, owner int64) (map[Kind]int64, error) {
	kinds := distributorKinds
	if owner == 0 {
		kinds = merchantKinds
	}
	ids, err := accountsOf(ctx, tx, owner)
	if err != nil {
		return nil, err
	}
	if len(ids) < len(kinds) {
		if owner != 0 {
			var n int
			if err := tx.QueryRowContext(ctx, qDistributorExists, owner).Scan(&n); err != nil {
				return nil, fmt.Errorf("look up distributor %d: %w", owner, err)
			}
			if n == 0 {
				return nil, fmt.Errorf("no distributor %d to open ledger accounts for", owner)
			}
		}
		if _, err := tx.ExecContext(ctx, qCreateAccounts(kinds), owner); err != nil {
			return nil, fmt.Errorf("open ledger accounts of owner %d: %w", owner, err)
		}
		if ids, err = accountsOf(ctx, tx, owner); err != nil {
			return nil, err
		}
	}
	for kind, id := range ids {
		l.remember(account{owner, kind}, id)
	}
	return ids, nil
}

func accountsOf(ctx context.Context, tx *db.Tx, owner int64) (map[Kind]int64, error) {
	rows, err := tx.QueryContext(ctx, qAccountsOf, owner)
	if err != nil {
		return nil, fmt.Errorf("read ledger accounts of owner %d: %w", owner, err)
	}
	defer rows.Close()
	out := make(map[Kind]int64, 4)
	for rows.Next() {
		var id int64
		var kind string
		if err := rows.Scan(&id, &kind); err != nil {
			return nil, fmt.Errorf("read ledger accounts of owner %d: %w", owner, err)
		}
		out[Kind(kind)] = id
	}
	return out, rows.Err()
}

// rollupEntries are entries as the report rollups count them.
func rollupEntries(entries []Entry) []rollup.LedgerEntry {
	out := make([]rollup.LedgerEntry, len(entries))
	for i, e := range entries {
		out[i] = rollup.LedgerEntry{OwnerID: e.OwnerID, Kind: string(e.Kind), AmountFen: e.AmountFen}
	}
	return out
}
