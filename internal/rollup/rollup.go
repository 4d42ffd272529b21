// Package rollup keeps the additive counters that reports read instead of scanning raw rows.
//
// # Design
//
// Every rollup row is a set of counters keyed by (grain, bucket, dimensions…): grain is a day,
// a month or a year of the merchant's zone, bucket that period's first day as YYYY-MM-DD. A
// report over any range of days reads the whole years, whole months and odd days that tile it
// (Segments), so a year for one distributor is one row, a quarter three, and a custom range at
// most a few dozen — never the raw orders.
//
// The counters are written in the same database transaction as the raw rows they count. The
// write sites call AddOrder (order payment and refund), AddLedger (every ledger posting, from
// ledger.Post: commission accrual, reversal, clawback, settlement, withdrawals) and
// AddWithdrawal (each withdrawal state change); those only gather deltas on the transaction
// (db.Tx.BeforeCommit), which writes them as its last statements: one multi-row
// INSERT … ON CONFLICT DO UPDATE SET x = x + excluded.x per table on SQLite, all tables in one
// statement on PostgreSQL, rows in key order.
//
// Why that is exact: a rollup delta commits or rolls back with its raw rows, so at any snapshot
// the rollups equal a computation over the raw rows visible in that snapshot. Reports read in
// one read-only snapshot transaction (repeatable read on PostgreSQL), so figures drawn from
// several tables agree.
//
// Why that is safe with several PostgreSQL app nodes: there is no watermark and no job that
// must see rows in id order — transactions that commit out of sequence order each carry their
// own deltas, and the upsert is atomic under concurrency (a conflicting insert waits for the
// other transaction's row and then adds to it). Rows are upserted in key order, so two writers
// never wait on each other's rows in opposite orders. The cost is a row lock on the touched
// buckets (every payment touches the day's shop row) from that last statement until the
// commit: payments queue there for one statement, as they already queue on the merchant's
// commission_expense ledger account for theirs.
//
// The zone the buckets are drawn in lives in rollup_state; writers read it with a key-share
// lock, and Rebuild (which may switch zones) takes the row for update and locks the rollup
// tables, so no writer adds a delta in the old zone after a rebuild or loses one during it.
//
// Distinct customers are not additive: rollup_customers keeps one row per (bucket, distributor,
// customer) and reports count distinct customers over a range's few buckets; per product they
// come from the indexed order lines of that one product. Figures that are neither additive nor high-volume (median time to payout; distributor
// applications and approvals) are read from indexed raw rows by the report package.
//
// Writes that bypass the services (bulk SQL loads, a db.Tx committed by hand rather than by
// db.InTx) bypass the rollups too: run Rebuild after them; `fenxiao verify` names the drift.
package rollup

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fenxiao/fenxiao/internal/db"
)

// Grains of a bucket.
const (
	Day   = "d"
	Month = "m"
	Year  = "y"
)

var grains = []string{Day, Month, Year}

// DefaultZone is the merchant's zone until a rebuild names another.
const DefaultZone = "Asia/Shanghai"

var zones sync.Map // name → *time.Location

// LoadZone returns the named zone; Asia/Shanghai falls back to fixed UTC+8 (exact since 1991)
// where the system has no tz database.
func LoadZone(name string) (*time.Location, error) {
	if l, ok := zones.Load(name); ok {
		return l.(*time.Location), nil
	}
	l, err := time.LoadLocation(name)
	if err != nil && name == DefaultZone {
		l, err = time.FixedZone("CST", 8*3600), nil
	}
	if err != nil {
		return nil, fmt.Errorf("time zone %q: %w", name, err)
	}
	zones.Store(name, l)
	return l, nil
}

// Zone returns the zone the rollups are drawn in. lock is "" for readers; writers pass
// keyShare(tx) so a concurrent rebuild that changes the zone is waited for.
func Zone(ctx context.Context, q db.Querier, lock string) (*time.Location, error) {
	var name string
	if err := q.QueryRowContext(ctx, `SELECT zone FROM rollup_state WHERE id = 1`+lock).Scan(&name); err != nil {
		return nil, fmt.Errorf("read the rollups' time zone: %w", err)
	}
	return LoadZone(name)
}

func keyShare(tx *db.Tx) string {
	if tx.Dialect == db.Postgres {
		return " FOR KEY SHARE"
	}
	return ""
}

// Buckets are the day, month and year buckets of t in loc.
func Buckets(t time.Time, loc *time.Location) [3]string {
	d := t.In(loc).Format(time.DateOnly)
	return [3]string{d, d[:7] + "-01", d[:4] + "-01-01"}
}

// acc accumulates deltas of one table by key, so one statement never touches a row twice
// (PostgreSQL refuses that) and rows go in key order.
type acc struct {
	table string
	keys  []string // key columns after grain and bucket
	vals  []string
	rows  map[string]*accRow
}

type accRow struct {
	grain, bucket string
	key           []any
	vals          []int64
}

func newAcc(table string, keys, vals []string) *acc {
	return &acc{table: table, keys: keys, vals: vals, rows: map[string]*accRow{}}
}

// add adds vals under key in all three buckets of b.
func (a *acc) add(b [3]string, key []any, vals ...int64) {
	var kb []byte
	for _, k := range key {
		switch v := k.(type) {
		case int64:
			kb = strconv.AppendInt(kb, v, 10)
		case string:
			kb = append(kb, v...)
		}
		kb = append(kb, 0)
	}
	for i, g := range grains {
		k := g + b[i] + string(kb)
		r := a.rows[k]
		if r == nil {
			r = &accRow{grain: g, bucket: b[i], key: key, vals: make([]int64, len(a.vals))}
			a.rows[k] = r
		}
		for j, v := range vals {
			r.vals[j] += v
		}
	}
}

// statement is the upsert of the accumulated rows, its placeholders numbered after n arguments;
// "" when there are none.
func (a *acc) statement(n int) (string, []any) {
	if len(a.rows) == 0 {
		return "", nil
	}
	ks := make([]string, 0, len(a.rows))
	for k := range a.rows {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	cols := append(append([]string{"grain", "bucket"}, a.keys...), a.vals...)
	var sb strings.Builder
	args := make([]any, 0, len(ks)*len(cols))
	sb.WriteString("INSERT INTO " + a.table + " (" + strings.Join(cols, ", ") + ") VALUES ")
	for i, k := range ks {
		r := a.rows[k]
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("(")
		vals := append(append([]any{r.grain, r.bucket}, r.key...), toAny(r.vals)...)
		for j, v := range vals {
			if j > 0 {
				sb.WriteString(", ")
			}
			args = append(args, v)
			sb.WriteByte('$')
			sb.WriteString(strconv.Itoa(n + len(args)))
		}
		sb.WriteString(")")
	}
	sb.WriteString(" ON CONFLICT (grain, bucket, " + strings.Join(a.keys, ", ") + ") DO UPDATE SET ")
	for i, v := range a.vals {
		if i > 0 {
			sb.WriteString(", ")
		}
		fmt.Fprintf(&sb, "%s = %s.%s + excluded.%s", v, a.table, v, v)
	}
	return sb.String(), args
}

// upsert writes the rows of accs: on PostgreSQL in one statement (one round trip while the
// shared rows are locked), on SQLite one statement per table.
func upsert(ctx context.Context, tx *db.Tx, accs ...*acc) error {
	if tx.Dialect == db.Postgres {
		var parts []string
		var args []any
		for _, a := range accs {
			q, as := a.statement(len(args))
			if q != "" {
				parts = append(parts, fmt.Sprintf("u%d AS (%s RETURNING 1)", len(parts), q))
				args = append(args, as...)
			}
		}
		if len(parts) == 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, "WITH "+strings.Join(parts, ", ")+" SELECT 1", args...); err != nil {
			return fmt.Errorf("add to the report rollups: %w", err)
		}
		return nil
	}
	for _, a := range accs {
		q, args := a.statement(0)
		if q == "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("add to %s: %w", a.table, err)
		}
	}
	return nil
}

func toAny(v []int64) []any {
	out := make([]any, len(v))
	for i, x := range v {
		out[i] = x
	}
	return out
}

// salesCols are the counters of rollup_shop, rollup_distributors and rollup_sales, in order.
var salesCols = []string{"orders", "units", "sales_fen", "refunded_units", "refunded_fen",
	"direct_fen", "override_fen", "direct_reversed_fen", "override_reversed_fen"}

// OrderDelta is what one payment or one refund of an order adds. Dimensions are the order's
// snapshot as stored on it after payment; 0 stands for none.
type OrderDelta struct {
	PaidAt        time.Time // the bucket: sales are a cohort of their payment day
	DistributorID int64
	ParentID      int64
	Level         int64
	CustomerID    int64
	Paid          bool // a payment: counts the order and its customer
	Lines         []LineDelta
}

// LineDelta is one order line's part. Commission amounts are the line's direct and override
// commissions accrued (payment) or reversed (refund).
type LineDelta struct {
	ProductID           int64
	Units, SalesFen     int64
	RefundedUnits       int64
	RefundedFen         int64
	DirectFen           int64
	OverrideFen         int64
	DirectReversedFen   int64
	OverrideReversedFen int64
}

// AddOrder adds a payment or refund to the sales rollups when tx commits.
func AddOrder(ctx context.Context, tx *db.Tx, d OrderDelta) error {
	p := pendingOf(tx)
	p.orders = append(p.orders, d)
	return nil
}

func (p *pending) addOrder(b [3]string, d OrderDelta) {
	var orders int64
	if d.Paid {
		orders = 1
		p.cust.add(b, []any{d.DistributorID, d.CustomerID}, 1)
	}
	p.shop.add(b, []any{d.Level}, orders)
	p.dist.add(b, []any{d.DistributorID, d.ParentID, d.Level}, orders)
	seen := map[int64]bool{}
	for _, l := range d.Lines {
		v := []int64{0, l.Units, l.SalesFen, l.RefundedUnits, l.RefundedFen, l.DirectFen, l.OverrideFen, l.DirectReversedFen, l.OverrideReversedFen}
		if d.Paid && !seen[l.ProductID] {
			seen[l.ProductID] = true
			v[0] = 1
		}
		p.sales.add(b, []any{l.ProductID, d.DistributorID, d.ParentID, d.Level}, v...)
		v[0] = 0
		p.shop.add(b, []any{d.Level}, v...)
		p.dist.add(b, []any{d.DistributorID, d.ParentID, d.Level}, v...)
	}
}

// pending gathers a transaction's deltas; they are written just before it commits, so the
// rows every payment shares (a day's shop totals) are locked only for the commit, and the
// zone is read once.
type pending struct {
	orders      []OrderDelta
	ledger      []ledgerDelta
	withdrawals []WithdrawalEvent

	shop, dist, sales, cust, led, wd *acc
}

type ledgerDelta struct {
	cause   string
	entries []LedgerEntry
}

type pendingKey struct{}

func pendingOf(tx *db.Tx) *pending {
	return tx.BeforeCommit(pendingKey{}, func() db.Committer { return &pending{} }).(*pending)
}

// BeforeCommit writes the gathered deltas.
func (p *pending) BeforeCommit(ctx context.Context, tx *db.Tx) error {
	if len(p.orders)+len(p.ledger)+len(p.withdrawals) == 0 {
		return nil
	}
	loc, err := Zone(ctx, tx, keyShare(tx))
	if err != nil {
		return err
	}
	p.shop = newAcc("rollup_shop", []string{"level"}, salesCols)
	p.dist = newAcc("rollup_distributors", []string{"distributor_id", "parent_id", "level"}, salesCols)
	p.sales = newAcc("rollup_sales", []string{"product_id", "distributor_id", "parent_id", "level"}, salesCols)
	p.cust = newAcc("rollup_customers", []string{"distributor_id", "customer_id"}, []string{"orders"})
	p.led = newAcc("rollup_ledger", []string{"owner_id", "kind", "cause"}, []string{"amount_fen", "entries"})
	p.wd = newAcc("rollup_withdrawals", []string{"distributor_id", "event"}, []string{"withdrawals", "amount_fen", "fee_fen", "payout_seconds"})
	for _, d := range p.orders {
		p.addOrder(Buckets(d.PaidAt, loc), d)
	}
	now := Buckets(tx.Now, loc)
	for _, l := range p.ledger {
		for _, e := range l.entries {
			p.led.add(now, []any{e.OwnerID, e.Kind, l.cause}, e.AmountFen, 1)
		}
	}
	for _, w := range p.withdrawals {
		var secs int64
		if w.Event == Paid {
			secs = PayoutSeconds(w.RequestedAt, tx.Now)
		}
		p.wd.add(now, []any{w.DistributorID, w.Event}, 1, w.AmountFen, w.FeeFen, secs)
	}
	p.orders, p.ledger, p.withdrawals = nil, nil, nil
	return upsert(ctx, tx, p.shop, p.dist, p.sales, p.cust, p.led, p.wd)
}

// LedgerEntry is one ledger entry as ledger.Post writes it.
type LedgerEntry struct {
	OwnerID   int64
	Kind      string
	AmountFen int64
}

// AddLedger adds the entries of one posting (cause) made at tx.Now, when tx commits.
func AddLedger(ctx context.Context, tx *db.Tx, cause string, entries []LedgerEntry) error {
	if len(entries) == 0 {
		return nil
	}
	p := pendingOf(tx)
	p.ledger = append(p.ledger, ledgerDelta{cause, entries})
	return nil
}

// Withdrawal events.
const (
	Requested = "requested"
	Approved  = "approved"
	Paid      = "paid"
	Rejected  = "rejected"
	Failed    = "failed"
)

// WithdrawalEvent is one state a withdrawal reached at tx.Now. RequestedAt times a payout.
type WithdrawalEvent struct {
	Event         string
	DistributorID int64
	AmountFen     int64
	FeeFen        int64
	RequestedAt   time.Time
}

// AddWithdrawal adds a withdrawal's new state (reached at tx.Now) when tx commits.
func AddWithdrawal(ctx context.Context, tx *db.Tx, w WithdrawalEvent) error {
	p := pendingOf(tx)
	p.withdrawals = append(p.withdrawals, w)
	return nil
}

// PayoutSeconds is request-to-payment time in whole seconds, each instant truncated to its
// second, as both engines' SQL computes it.
func PayoutSeconds(requested, paid time.Time) int64 { return paid.Unix() - requested.Unix() }
