package ledger_test

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/db/dbtest"
	"github.com/fenxiao/fenxiao/internal/ledger"
	"github.com/fenxiao/fenxiao/internal/verify"
)

var ctx = context.Background()

func open(tb testing.TB) (*db.DB, *ledger.Ledger) {
	tb.Helper()
	d, _ := dbtest.Open(tb)
	return d, ledger.New(d)
}

var seq atomic.Int64

// addDistributor inserts an approved distributor (level 2 when parent is not 0) straight into the
// table: the ledger only needs the row to exist.
func addDistributor(tb testing.TB, d *db.DB, parent int64) int64 {
	tb.Helper()
	n := seq.Add(1)
	level, parentID := 1, any(nil)
	if parent != 0 {
		level, parentID = 2, parent
	}
	var id int64
	err := d.InTx(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO distributors (code, name, phone, level, parent_id, status, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, 'approved', $6, $6) RETURNING id`,
			fmt.Sprintf("DT%06d", n), fmt.Sprintf("d%d", n), fmt.Sprintf("139%08d", n), level, parentID, tx.Now).Scan(&id)
	})
	if err != nil {
		tb.Fatal(err)
	}
	return id
}

// post posts p in a transaction of its own.
func post(d *db.DB, l *ledger.Ledger, p ledger.Posting) (id int64, posted bool, err error) {
	err = d.InTx(ctx, func(tx *db.Tx) error {
		id, posted, err = l.Post(ctx, tx, p)
		return err
	})
	return id, posted, err
}

func mustPost(tb testing.TB, d *db.DB, l *ledger.Ledger, p ledger.Posting) int64 {
	tb.Helper()
	id, posted, err := post(d, l, p)
	if err != nil || !posted {
		tb.Fatalf("post %s: posted=%v, %v", p.Key, posted, err)
	}
	return id
}

func balance(tb testing.TB, d *db.DB, l *ledger.Ledger, id int64) ledger.Balance {
	tb.Helper()
	b, err := l.Balance(ctx, d.R, id)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// merchantFen is the cached balance of one of the merchant's accounts.
func merchantFen(tb testing.TB, d *db.DB, kind ledger.Kind) int64 {
	tb.Helper()
	var fen int64
	err := d.R.QueryRowContext(ctx, `SELECT COALESCE(SUM(balance_fen), 0) FROM ledger_accounts WHERE owner_id = 0 AND kind = $1`,
		string(kind)).Scan(&fen)
	if err != nil {
		tb.Fatal(err)
	}
	return fen
}

func count(tb testing.TB, d *db.DB, table string) int {
	tb.Helper()
	var n int
	if err := d.R.QueryRowContext(ctx, `SELECT count(*) FROM `+table).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

func breaches(tb testing.TB, d *db.DB) []verify.Breach {
	tb.Helper()
	b, err := verify.RunStructural(ctx, d)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func checkNames(b []verify.Breach) []string {
	var out []string
	for _, x := range b {
		out = append(out, x.Check)
	}
	slices.Sort(out)
	return out
}

// e builds an entry.
func e(owner int64, kind ledger.Kind, fen int64) ledger.Entry {
	return ledger.Entry{OwnerID: owner, Kind: kind, AmountFen: fen}
}
