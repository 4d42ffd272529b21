package ledger_test

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/db/dbtest"
	"github.com/fenxiao/fenxiao/internal/ledger"
)

// 50 goroutines post distinct keys and 50 post one key, all starting with no account opened and
// an empty cache: 51 transactions, and balances are their sum.
func TestConcurrentPosts(t *testing.T) {
	d, l := open(t)
	bob := addDistributor(t, d, 0)
	var wg sync.WaitGroup
	var posted atomic.Int64
	failures := make(chan error, 100)
	for i := range 100 {
		wg.Go(func() {
			key, fen := fmt.Sprintf("distinct:%d", i), int64(i+1) // 1 + 2 + … + 50 = 1275
			if i >= 50 {
				key, fen = "same", 1000
			}
			_, ok, err := post(d, l, ledger.Posting{Key: key, Cause: "test", CauseID: key,
				Entries: []ledger.Entry{e(bob, frozen, fen), e(0, expense, -fen)}})
			if err != nil {
				failures <- err
			}
			if ok {
				posted.Add(1)
			}
		})
	}
	wg.Wait()
	close(failures)
	for err := range failures {
		t.Error(err)
	}
	if n := posted.Load(); n != 51 {
		t.Errorf("%d posts reported posted, want 51", n)
	}
	if n := count(t, d, "ledger_transactions"); n != 51 {
		t.Errorf("%d transactions, want 51", n)
	}
	if got := balance(t, d, l, bob); got != (ledger.Balance{FrozenFen: 2275}) {
		t.Errorf("Bob %+v, want 1275 + 1000 = 2275 frozen", got)
	}
	if got := merchantFen(t, d, expense); got != -2275 {
		t.Errorf("merchant commission_expense %d, want -2275", got)
	}
	if n := count(t, d, "ledger_accounts"); n != 4+3 {
		t.Errorf("%d accounts, want Bob's 4 and the merchant's 3", n)
	}
	if b := breaches(t, d); len(b) > 0 {
		t.Fatalf("breaches: %+v", b)
	}
}

// A transaction that opened accounts and then rolled back leaves their ids in the cache. On
// SQLite the next accounts opened get the very same ids; on PostgreSQL the ids simply do not
// exist. Either way the next posting must notice, look the accounts up again, and post right.
func TestStaleCachedAccountsAfterRollback(t *testing.T) {
	d, l := open(t)
	carol := addDistributor(t, d, 0)
	dave := addDistributor(t, d, 0)
	boom := errors.New("payment failed after posting")
	err := d.InTx(ctx, func(tx *db.Tx) error {
		if _, _, err := l.Post(ctx, tx, ledger.Posting{Key: "carol:1", Cause: "order_payment", CauseID: "1",
			Entries: []ledger.Entry{e(carol, frozen, 100), e(0, expense, -100)}}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("got %v, want the rollback", err)
	}
	if n := count(t, d, "ledger_accounts"); n != 0 {
		t.Fatalf("%d accounts after rollback", n)
	}
	// Dave's accounts (and the merchant's) now take the ids Carol's had on SQLite, through a
	// Ledger of its own so the stale one's cache stays stale.
	mustPost(t, d, ledger.New(d), ledger.Posting{Key: "dave:1", Cause: "order_payment", CauseID: "2",
		Entries: []ledger.Entry{e(dave, frozen, 40), e(0, expense, -40)}})
	// On SQLite Carol's stale frozen id is now Dave's frozen id, in one and the same posting.
	mustPost(t, d, l, ledger.Posting{Key: "carol:1", Cause: "order_payment", CauseID: "1",
		Entries: []ledger.Entry{e(carol, frozen, 100), e(dave, frozen, 7), e(0, expense, -107)}})
	mustPost(t, d, l, ledger.Posting{Key: "dave:2", Cause: "order_payment", CauseID: "3",
		Entries: []ledger.Entry{e(dave, available, 2), e(0, expense, -2)}})
	if got := balance(t, d, l, carol); got != (ledger.Balance{FrozenFen: 100}) {
		t.Errorf("Carol %+v, want 100 frozen", got)
	}
	if got := balance(t, d, l, dave); got != (ledger.Balance{FrozenFen: 47, AvailableFen: 2}) {
		t.Errorf("Dave %+v, want 40 + 7 = 47 frozen and 2 available", got)
	}
	if got := merchantFen(t, d, expense); got != -149 {
		t.Errorf("merchant commission_expense %d, want -40 - 107 - 2 = -149", got)
	}
	if b := breaches(t, d); len(b) > 0 {
		t.Fatalf("breaches: %+v", b)
	}
}

// On PostgreSQL BalanceForUpdate holds the distributor's accounts until its transaction ends:
// a posting to them waits.
func TestBalanceForUpdateLocks(t *testing.T) {
	if !dbtest.Postgres() {
		t.Skip("row locks are PostgreSQL's; SQLite has one writer: set " + dbtest.EnvURL)
	}
	d, l := open(t)
	bob := addDistributor(t, d, 0)
	credit := func(key string) ledger.Posting {
		return ledger.Posting{Key: key, Cause: "test", CauseID: key, Entries: []ledger.Entry{e(bob, available, 10), e(0, expense, -10)}}
	}
	mustPost(t, d, l, credit("first"))
	sqlTx, err := d.W.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sqlTx.Rollback()
	tx := &db.Tx{Tx: sqlTx, Dialect: d.Dialect, Now: d.Now()}
	if _, err := l.BalanceForUpdate(ctx, tx, bob); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, _, err := post(d, l, credit("second")); done <- err }()
	select {
	case err := <-done:
		t.Fatalf("posting finished while the accounts were locked: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	if err := sqlTx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := balance(t, d, l, bob); got != (ledger.Balance{AvailableFen: 20}) {
		t.Errorf("Bob %+v, want 20 available", got)
	}
}
