package ledger_test

import (
	"database/sql"
	"strconv"
	"testing"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/ledger"
)

// BenchmarkPost posts the worked order's commission (3 entries), one committed transaction per
// iteration, as a paid order would.
func BenchmarkPost(b *testing.B) {
	d, l := open(b)
	alice := addDistributor(b, d, 0)
	bob := addDistributor(b, d, alice)
	entries := []ledger.Entry{e(bob, frozen, 1598), e(alice, frozen, 599), e(0, expense, -2197)}
	i := 0
	for b.Loop() {
		i++
		id := strconv.Itoa(i)
		err := d.InTx(ctx, func(tx *db.Tx) error {
			_, _, err := l.Post(ctx, tx, ledger.Posting{Key: "order:" + id + ":commission", Cause: "order_payment", CauseID: id, Entries: entries})
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "posts/s")
}

// BenchmarkPostInBatches posts the same postings 100 to a transaction: Post's own cost, without
// the begin and commit that a paid order's transaction pays once for all its statements.
func BenchmarkPostInBatches(b *testing.B) {
	d, l := open(b)
	alice := addDistributor(b, d, 0)
	bob := addDistributor(b, d, alice)
	entries := []ledger.Entry{e(bob, frozen, 1598), e(alice, frozen, 599), e(0, expense, -2197)}
	var tx *db.Tx
	var sqlTx *sql.Tx
	var err error
	i := 0
	for b.Loop() {
		if i%100 == 0 {
			if sqlTx != nil {
				if err := sqlTx.Commit(); err != nil {
					b.Fatal(err)
				}
			}
			if sqlTx, err = d.W.BeginTx(ctx, nil); err != nil {
				b.Fatal(err)
			}
			tx = &db.Tx{Tx: sqlTx, Dialect: d.Dialect, Now: d.Now()}
		}
		i++
		id := strconv.Itoa(i)
		if _, _, err := l.Post(ctx, tx, ledger.Posting{Key: "order:" + id + ":commission", Cause: "order_payment", CauseID: id, Entries: entries}); err != nil {
			b.Fatal(err)
		}
	}
	if err := sqlTx.Commit(); err != nil {
		b.Fatal(err)
	}
}
