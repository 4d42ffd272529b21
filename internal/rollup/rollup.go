// Package rollup keeps the additive counters that reports read instead of scanning raw rows.
//
// # Design
//
// Every rollup row is a set of counters keyed by (grain, bucket, dimensions…): grain is a day,
// a month, a quarter or a year of the merchant's zone, bucket that period's first day as
// YYYY-MM-DD. A report over any range of days reads the whole years, whole quarters, whole
// months and odd days that tile it (Segments), so a month, a quarter or a year for one
// distributor is one row, and a custom range at most a few dozen — never the raw orders. Every
// table a report tiles a range over has quarter rows; rollup_shop (whose reports read months),
// rollup_ledger and rollup_withdrawals (which reports read only through rollup_balances and
// rollup_withdrawal_totals) have none, so a payment writes no more rows than it must.
//
// The counters are written in the same database transaction as the raw rows they count. The
// write sites call AddOrder (order payment and refund), AddFunnel (an order placed, paid or
// completed, in the buckets of its creation), AddLedger (every ledger posting, from
// ledger.Post: commission accrual, reversal, clawback, settlement, withdrawals), AddWithdrawal
// (each withdrawal state change) and AddStatements (a settlement batch's statements); those only
// gather deltas on the transaction (db.Tx.BeforeCommit), which writes them as its last
// statements: one multi-row INSERT … ON CONFLICT DO UPDATE SET x = x + excluded.x per table on
// SQLite, all tables in one statement on PostgreSQL, rows in key order; then the customer counts
// and the statements (below).
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
// customer), and rollup_customer_counts the number of those rows per bucket and distributor — a
// customer row the upsert created (its orders equal what the transaction added) adds 1, in a
// second statement after the first (key order is kept: every writer locks counts after
// customers). So a day, month, quarter or year reads one count per
// distributor; other ranges count distinct customers over their few buckets; per product they
// come from the indexed order lines of that one product.
//
// Statements (AddStatements, from the settlement batch that writes them) are summed per bucket of
// their cutoff in rollup_statements, with the first statement's opening and the last's closing
// kept beside their ids (statements.go). rollup_balances holds, per bucket and distributor, what
// rollup_ledger has on its available account from settlements and withdrawals (the distributor
// report's settled and withdrawn), and rollup_withdrawal_totals holds rollup_withdrawals' events
// side by side, a row per distributor and bucket. Figures that are neither additive nor
// high-volume (median time to payout; distributor applications and approvals) are read from
// indexed raw rows by the report package.
//
// Writes that bypass the services (bulk SQL loads, a db.Tx committed by hand rather than by
// db.InTx) bypass the rollups too: run Rebuild after them; `fenxiao verify` names the drift.
package rollup

import (
	"context"
	"database/sql"
	"fmt"
	"math/bits"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fenxiao/fenxiao/internal/db"
)

// Grains of a bucket. Quarter buckets exist in the tables Segments tiles ranges over (see
// quarterTables); the others have day, month and year rows.
const (
	Day     = "d"
	Month   = "m"
	Quarter = "q"
	Year    = "y"
)

var grains = []string{Day, Month, Year}

// quarterTables are the tables with quarter rows: those a report reads over a tiling of its range
// (Segments), rollup_shop aside (the commission report reads its months). The writers add a
// quarter row beside the day, month and year rows; Rebuild and Check sum the quarters from the
// months.
var quarterTables = map[string]bool{
	"rollup_distributors": true, "rollup_sales": true, "rollup_customers": true, "rollup_funnel": true,
	"rollup_statements": true, "rollup_balances": true, "rollup_withdrawal_totals": true, "rollup_customer_counts": true,
}

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

// QuarterOf is the first day of the quarter of a YYYY-MM-DD date.
func QuarterOf(day string) string {
	m := (day[5]-'0')*10 + day[6] - '0'
	return fmt.Sprintf("%s-%02d-01", day[:4], (m-1)/3*3+1)
}

// acc accumulates deltas of one table by key, so one statement never touches a row twice
// (PostgreSQL refuses that) and rows go in key order.
type acc struct {
	table     string
	keys      []string // key columns after grain and bucket
	vals      []string
	rows      map[string]*accRow
	quarter   bool   // add a quarter bucket too
	returning string // columns the upsert returns
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
		a.addOne(g, b[i], string(kb), key, vals)
	}
	if a.quarter {
		a.addOne(Quarter, QuarterOf(b[1]), string(kb), key, vals)
	}
}

func (a *acc) addOne(g, bucket, kb string, key []any, vals []int64) {
	k := g + bucket + kb
	r := a.rows[k]
	if r == nil {
		r = &accRow{grain: g, bucket: bucket, key: key, vals: make([]int64, len(a.vals))}
		a.rows[k] = r
	}
	for j, v := range vals {
		r.vals[j] += v
	}
}

// statement is the upsert of the accumulated rows, its placeholders numbered after n arguments;
// "" when there are none.
func (a *acc) statement(n int) (string, []any) {
	return a.statementOf(a.sortedKeys(), n)
}

func (a *acc) sortedKeys() []string {
	ks := make([]string, 0, len(a.rows))
	for k := range a.rows {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// chunks splits keys (in order) into runs of a power of two rows, at most maxChunk: a commit
// group's merged deltas (db.Merger) have any number of rows, and every distinct number would be
// another statement for SQLite's writer to parse and keep prepared; this way each table has at
// most 7 shapes.
func chunks(ks []string) [][]string {
	const maxChunk = 64
	var out [][]string
	for len(ks) > 0 {
		c := min(maxChunk, 1<<(bits.Len(uint(len(ks)))-1))
		out = append(out, ks[:c])
		ks = ks[c:]
	}
	return out
}

// statementOf is the upsert of the rows under ks.
func (a *acc) statementOf(ks []string, n int) (string, []any) {
	if len(ks) == 0 {
		return "", nil
	}
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
	if a.returning != "" {
		sb.WriteString(" RETURNING " + a.returning)
	}
	return sb.String(), args
}

// upsert writes the rows of accs: on PostgreSQL in one statement (one round trip while the
// shared rows are locked), on SQLite one statement per table. Then it adds the customer rows
// that upsert created to rollup_customer_counts, in a second statement: a row is new when its
// orders equal what this transaction added (orders only grow, and a row exists only with some).
func upsert(ctx context.Context, tx *db.Tx, cust *acc, accs ...*acc) error {
	var created [][]any // grain, bucket, distributor_id, customer_id, orders
	collect := func(rows interface {
		Next() bool
		Scan(...any) error
		Err() error
		Close() error
	}) error {
		defer rows.Close()
		for rows.Next() {
			var g, b string
			var dist, custID, orders int64
			if err := rows.Scan(&g, &b, &dist, &custID, &orders); err != nil {
				return err
			}
			created = append(created, []any{g, b, dist, custID, orders})
		}
		return rows.Err()
	}
	cust.returning = "grain, bucket, distributor_id, customer_id, orders"
	all := append(accs, cust)
	if tx.Dialect == db.Postgres {
		var parts []string
		var args []any
		final := "SELECT '', '', 0, 0, 0 WHERE FALSE"
		for _, a := range all {
			q, as := a.statement(len(args))
			if q == "" {
				continue
			}
			name := fmt.Sprintf("u%d", len(parts))
			if a == cust {
				final = "SELECT grain, bucket, distributor_id, customer_id, orders FROM " + name
			} else {
				q += " RETURNING 1"
			}
			parts = append(parts, fmt.Sprintf("%s AS (%s)", name, q))
			args = append(args, as...)
		}
		if len(parts) == 0 {
			return nil
		}
		rows, err := tx.QueryContext(ctx, "WITH "+strings.Join(parts, ", ")+" "+final, args...)
		if err == nil {
			err = collect(rows)
		}
		if err != nil {
			return fmt.Errorf("add to the report rollups: %w", err)
		}
	} else {
		for _, a := range all {
			for _, ks := range chunks(a.sortedKeys()) {
				q, args := a.statementOf(ks, 0)
				var err error
				if a == cust {
					var rows *sql.Rows
					if rows, err = tx.QueryContext(ctx, q, args...); err == nil {
						err = collect(rows)
					}
				} else {
					_, err = tx.ExecContext(ctx, q, args...)
				}
				if err != nil {
					return fmt.Errorf("add to %s: %w", a.table, err)
				}
			}
		}
	}
	counts := newAcc("rollup_customer_counts", []string{"distributor_id"}, []string{"customers"})
	for _, c := range created {
		g, b, dist, custID, orders := c[0].(string), c[1].(string), c[2].(int64), c[3].(int64), c[4].(int64)
		dk := string(strconv.AppendInt(nil, dist, 10)) + "\x00"
		ck := string(strconv.AppendInt(nil, custID, 10)) + "\x00"
		if r := cust.rows[g+b+dk+ck]; r != nil && r.vals[0] == orders {
			counts.addOne(g, b, dk, []any{dist}, []int64{1})
		}
	}
	for _, ks := range chunks(counts.sortedKeys()) {
		q, args := counts.statementOf(ks, 0)
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("add to rollup_customer_counts: %w", err)
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
	funnel      []FunnelDelta
	ledger      []ledgerDelta
	withdrawals []withdrawalAt
	statements  []statementBatch

	shop, dist, sales, cust, led, wd, wdd, bal, fun *acc

	loc *time.Location // the zone, when read ahead (ReadZoneEarly)
}

type ledgerDelta struct {
	at      time.Time // the posting's tx.Now: its bucket
	cause   string
	entries []LedgerEntry
}

type withdrawalAt struct {
	WithdrawalEvent
	at time.Time // tx.Now
}

type pendingKey struct{}

func pendingOf(tx *db.Tx) *pending {
	return tx.BeforeCommit(pendingKey{}, func() db.Committer { return &pending{} }).(*pending)
}

// Merge takes a later transaction's deltas that share this one's commit (db.Merger), so one
// statement per table writes the whole group's.
func (p *pending) Merge(later db.Merger) {
	l := later.(*pending)
	p.orders = append(p.orders, l.orders...)
	p.funnel = append(p.funnel, l.funnel...)
	p.ledger = append(p.ledger, l.ledger...)
	p.withdrawals = append(p.withdrawals, l.withdrawals...)
	p.statements = append(p.statements, l.statements...)
}

// BeforeCommit writes the gathered deltas. It may run for several transactions that share one
// commit, so each delta carries its own time rather than reading tx.Now.
func (p *pending) BeforeCommit(ctx context.Context, tx *db.Tx) error {
	if len(p.orders)+len(p.funnel)+len(p.ledger)+len(p.withdrawals)+len(p.statements) == 0 {
		return nil
	}
	loc := p.loc
	if loc == nil {
		var err error
		if loc, err = Zone(ctx, tx, keyShare(tx)); err != nil {
			return err
		}
	}
	p.shop = newAcc("rollup_shop", []string{"level"}, salesCols)
	p.dist = newAcc("rollup_distributors", []string{"distributor_id", "parent_id", "level"}, salesCols)
	p.sales = newAcc("rollup_sales", []string{"product_id", "distributor_id", "parent_id", "level"}, salesCols)
	p.cust = newAcc("rollup_customers", []string{"distributor_id", "customer_id"}, []string{"orders"})
	p.led = newAcc("rollup_ledger", []string{"owner_id", "kind", "cause"}, []string{"amount_fen", "entries"})
	p.wd = newAcc("rollup_withdrawals", []string{"distributor_id", "event"}, []string{"withdrawals", "amount_fen", "fee_fen", "payout_seconds"})
	p.bal = newAcc("rollup_balances", []string{"distributor_id"}, []string{"settled_fen", "withdrawn_fen"})
	p.wdd = newAcc("rollup_withdrawal_totals", []string{"distributor_id"}, withdrawalTotalCols)
	p.fun = newAcc("rollup_funnel", []string{"distributor_id"}, funnelCols)
	for _, a := range []*acc{p.dist, p.sales, p.cust, p.bal, p.wdd, p.fun} {
		a.quarter = quarterTables[a.table]
	}
	for _, d := range p.orders {
		p.addOrder(Buckets(d.PaidAt, loc), d)
	}
	for _, d := range p.funnel {
		p.fun.add(Buckets(d.CreatedAt, loc), []any{d.DistributorID}, d.Orders, d.Paid, d.Completed)
	}
	for _, l := range p.ledger {
		now := Buckets(l.at, loc)
		for _, e := range l.entries {
			p.led.add(now, []any{e.OwnerID, e.Kind, l.cause}, e.AmountFen, 1)
			if e.OwnerID != 0 && e.Kind == "available" {
				switch l.cause {
				case "settlement":
					p.bal.add(now, []any{e.OwnerID}, e.AmountFen, 0)
				case "withdrawal", "withdrawal_return":
					p.bal.add(now, []any{e.OwnerID}, 0, -e.AmountFen)
				}
			}
		}
	}
	for _, w := range p.withdrawals {
		now := Buckets(w.at, loc)
		var secs int64
		if w.Event == Paid {
			secs = PayoutSeconds(w.RequestedAt, w.at)
		}
		p.wd.add(now, []any{w.DistributorID, w.Event}, 1, w.AmountFen, w.FeeFen, secs)
		p.wdd.add(now, []any{w.DistributorID}, withdrawalTotals(w.Event, 1, w.AmountFen, w.FeeFen, secs)...)
	}
	p.orders, p.funnel, p.ledger, p.withdrawals = nil, nil, nil, nil
	if err := upsert(ctx, tx, p.cust, p.shop, p.dist, p.sales, p.fun, p.led, p.bal, p.wd, p.wdd); err != nil {
		return err
	}
	if err := p.pruneFunnel(ctx, tx); err != nil {
		return err
	}
	return p.writeStatements(ctx, tx, dayExpr(tx.Dialect, "period_end", loc))
}

// funnelCols are rollup_funnel's counters, in order.
var funnelCols = []string{"orders", "paid", "completed"}

// FunnelDelta is what placing, paying or completing one order adds to the funnel: counts in the
// buckets of the order's creation (the funnel is a cohort of the day orders were placed) under
// the order's distributor (0: none).
type FunnelDelta struct {
	CreatedAt     time.Time
	DistributorID int64
	Orders        int64 // placed: 1 when placed; -1 and +1 when payment moves it to another distributor
	Paid          int64
	Completed     int64
}

// pruneFunnel deletes the funnel rows an order moved out of and left empty (orders 0: paid and
// completed are never more than orders), so the rollup holds exactly the rows a rebuild makes.
// Only a payment that drops a frozen distributor moves an order, so this is rarely a statement.
func (p *pending) pruneFunnel(ctx context.Context, tx *db.Tx) error {
	var conds []string
	var args []any
	for _, r := range p.fun.rows {
		if r.vals[0] < 0 {
			n := len(args)
			conds = append(conds, fmt.Sprintf("(grain = $%d AND bucket = $%d AND distributor_id = $%d)", n+1, n+2, n+3))
			args = append(args, r.grain, r.bucket, r.key[0])
		}
	}
	if len(conds) == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM rollup_funnel WHERE orders = 0 AND (`+strings.Join(conds, " OR ")+`)`, args...); err != nil {
		return fmt.Errorf("prune rollup_funnel: %w", err)
	}
	return nil
}

// ReadZoneEarly reads the rollups' time zone now instead of just before the commit. On
// PostgreSQL a transaction that will lock rows every order queues on (a popular SKU) reads it
// first, so the read is not one more round trip made while others wait. SQLite's single writer
// takes no row locks: there it leaves the read to the commit, once per commit group.
func ReadZoneEarly(ctx context.Context, tx *db.Tx) error {
	if tx.Dialect != db.Postgres {
		return nil
	}
	p := pendingOf(tx)
	if p.loc != nil {
		return nil
	}
	loc, err := Zone(ctx, tx, keyShare(tx))
	p.loc = loc
	return err
}

// AddFunnel adds an order's step to the funnel rollup when tx commits.
func AddFunnel(ctx context.Context, tx *db.Tx, d FunnelDelta) error {
	p := pendingOf(tx)
	p.funnel = append(p.funnel, d)
	return nil
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
	p.ledger = append(p.ledger, ledgerDelta{tx.Now, cause, entries})
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
	p.withdrawals = append(p.withdrawals, withdrawalAt{w, tx.Now})
	return nil
}

// withdrawalTotalCols are rollup_withdrawal_totals' counters: rollup_withdrawals' events of a
// distributor side by side, so a report reads one row per distributor and bucket.
var withdrawalTotalCols = []string{"requested", "requested_fen", "approved", "approved_fen", "paid", "paid_fen", "fees_fen",
	"payout_seconds", "rejected", "rejected_fen", "failed", "failed_fen"}

// withdrawalTotals places one event's counters in withdrawalTotalCols' order.
func withdrawalTotals(event string, n, amount, fee, secs int64) []int64 {
	v := make([]int64, len(withdrawalTotalCols))
	switch event {
	case Requested:
		v[0], v[1] = n, amount
	case Approved:
		v[2], v[3] = n, amount
	case Paid:
		v[4], v[5], v[6], v[7] = n, amount, fee, secs
	case Rejected:
		v[8], v[9] = n, amount
	case Failed:
		v[10], v[11] = n, amount
	}
	return v
}

// PayoutSeconds is request-to-payment time in whole seconds, each instant truncated to its
// second, as both engines' SQL computes it.
func PayoutSeconds(requested, paid time.Time) int64 { return paid.Unix() - requested.Unix() }
