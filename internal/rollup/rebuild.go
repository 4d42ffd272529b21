package rollup

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/fenxiao/fenxiao/internal/db"
)

// The direct computation of every rollup's day rows from raw rows. Rebuild writes them; Check
// compares them with what the writers maintained. Each query yields grain, bucket, the key
// columns and the counters, in the table's column order.

// dayExpr is the merchant-zone day (YYYY-MM-DD) of a timestamp column, as SQL. Zones change
// their offset only at transitions, so the expression is a CASE over the offsets in force from
// 2000 to 2100 — one branch for Asia/Shanghai, which has had none since 1991.
func dayExpr(d db.Dialect, col string, loc *time.Location) string {
	type span struct {
		until  time.Time
		offset int
	}
	var spans []span
	t := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
	for t.Before(end) {
		_, off := t.In(loc).Zone()
		_, next := t.In(loc).ZoneBounds()
		if next.IsZero() || !next.Before(end) {
			spans = append(spans, span{offset: off})
			break
		}
		spans = append(spans, span{until: next.UTC(), offset: off})
		t = next
	}
	day := func(off int) string {
		if d == db.Postgres {
			return fmt.Sprintf("to_char((%s AT TIME ZONE 'UTC') + interval '%d seconds', 'YYYY-MM-DD')", col, off)
		}
		return fmt.Sprintf("date(%s, '%+d seconds')", col, off)
	}
	if len(spans) == 1 {
		return day(spans[0].offset)
	}
	var sb strings.Builder
	sb.WriteString("CASE")
	for _, s := range spans[:len(spans)-1] {
		lit := s.until.Format("2006-01-02 15:04:05") + "+00:00"
		fmt.Fprintf(&sb, " WHEN %s < '%s' THEN %s", col, lit, day(s.offset))
	}
	fmt.Fprintf(&sb, " ELSE %s END", day(spans[len(spans)-1].offset))
	return sb.String()
}

// table describes one rollup table for rebuilds and checks.
type table struct {
	name string
	keys []string // after grain, bucket
	vals []string
	raw  func(d db.Dialect, loc *time.Location) string // day rows from raw rows
	// ups are the grains summed from finer rows, in the order they are built: month and year from
	// the day rows, and quarter from the month rows where a table has quarters.
	ups []string
	// derived, instead of raw and ups, is every row of every grain computed from the tables
	// before it (counts of rows, which are not sums of days).
	derived string
	// upFn, when set, gives the summed grains' rows instead of up (first and last are not sums).
	upFn func(grain string) string
}

var monthYear = []string{Month, Year}

const lineFigures = `
	FROM orders o JOIN order_lines l ON l.order_id = o.id
	LEFT JOIN (SELECT order_line_id, sum(amount_fen) AS fen FROM refund_lines GROUP BY order_line_id) r ON r.order_line_id = l.id
	LEFT JOIN (SELECT order_line_id,
			sum(CASE WHEN role = 'direct' THEN amount_fen ELSE 0 END) AS direct,
			sum(CASE WHEN role = 'override' THEN amount_fen ELSE 0 END) AS override,
			sum(CASE WHEN role = 'direct' THEN reversed_fen ELSE 0 END) AS direct_rev,
			sum(CASE WHEN role = 'override' THEN reversed_fen ELSE 0 END) AS override_rev
		FROM commissions GROUP BY order_line_id) c ON c.order_line_id = l.id
	WHERE o.paid_at IS NOT NULL`

const lineSums = `count(DISTINCT o.id), sum(l.quantity), sum(l.base_fen), sum(l.refunded_qty), sum(COALESCE(r.fen, 0)),
	sum(COALESCE(c.direct, 0)), sum(COALESCE(c.override, 0)), sum(COALESCE(c.direct_rev, 0)), sum(COALESCE(c.override_rev, 0))`

var tables = withUps([]table{
	{"rollup_shop", []string{"level"}, salesCols, func(d db.Dialect, loc *time.Location) string {
		return `SELECT 'd', ` + dayExpr(d, "o.paid_at", loc) + `, COALESCE(o.distributor_level, 0), ` + lineSums + lineFigures + ` GROUP BY 2, 3`
	}, nil, "", nil},
	{"rollup_distributors", []string{"distributor_id", "parent_id", "level"}, salesCols, func(d db.Dialect, loc *time.Location) string {
		return `SELECT 'd', ` + dayExpr(d, "o.paid_at", loc) + `, COALESCE(o.distributor_id, 0), COALESCE(o.parent_id, 0), COALESCE(o.distributor_level, 0), ` +
			lineSums + lineFigures + ` GROUP BY 2, 3, 4, 5`
	}, nil, "", nil},
	{"rollup_sales", []string{"product_id", "distributor_id", "parent_id", "level"}, salesCols, func(d db.Dialect, loc *time.Location) string {
		return `SELECT 'd', ` + dayExpr(d, "o.paid_at", loc) + `, l.product_id, COALESCE(o.distributor_id, 0), COALESCE(o.parent_id, 0), COALESCE(o.distributor_level, 0), ` +
			lineSums + lineFigures + ` GROUP BY 2, 3, 4, 5, 6`
	}, nil, "", nil},
	{"rollup_customers", []string{"distributor_id", "customer_id"}, []string{"orders"}, func(d db.Dialect, loc *time.Location) string {
		return `SELECT 'd', ` + dayExpr(d, "o.paid_at", loc) + `, COALESCE(o.distributor_id, 0), o.customer_id, count(*)
			FROM orders o WHERE o.paid_at IS NOT NULL GROUP BY 2, 3, 4`
	}, nil, "", nil},
	{"rollup_funnel", []string{"distributor_id"}, funnelCols, func(d db.Dialect, loc *time.Location) string {
		return `SELECT 'd', ` + dayExpr(d, "created_at", loc) + `, COALESCE(distributor_id, 0), count(*), count(paid_at), count(completed_at)
			FROM orders GROUP BY 2, 3`
	}, nil, "", nil},
	{"rollup_ledger", []string{"owner_id", "kind", "cause"}, []string{"amount_fen", "entries"}, func(d db.Dialect, loc *time.Location) string {
		return `SELECT 'd', ` + dayExpr(d, "e.created_at", loc) + `, e.owner_id, a.kind, t.cause, sum(e.amount_fen), count(*)
			FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id JOIN ledger_transactions t ON t.id = e.transaction_id
			GROUP BY 2, 3, 4, 5`
	}, nil, "", nil},
	{"rollup_withdrawals", []string{"distributor_id", "event"}, []string{"withdrawals", "amount_fen", "fee_fen", "payout_seconds"}, func(d db.Dialect, loc *time.Location) string {
		secs := `CAST(strftime('%s', finished_at) AS INTEGER) - CAST(strftime('%s', requested_at) AS INTEGER)`
		if d == db.Postgres {
			secs = `CAST(floor(extract(epoch FROM finished_at)) - floor(extract(epoch FROM requested_at)) AS BIGINT)`
		}
		ev := func(event, at, where, s string) string {
			return `SELECT 'd' AS grain, ` + dayExpr(d, at, loc) + ` AS bucket, distributor_id, '` + event + `' AS event, count(*) AS n,
				sum(amount_fen) AS amount, sum(fee_fen) AS fee, sum(` + s + `) AS secs FROM withdrawals WHERE ` + where + ` GROUP BY 2, 3`
		}
		return ev(Requested, "requested_at", "1 = 1", "0") + " UNION ALL " +
			ev(Approved, "approved_at", "approved_at IS NOT NULL", "0") + " UNION ALL " +
			ev(Paid, "finished_at", "status = 'paid'", secs) + " UNION ALL " +
			ev(Rejected, "finished_at", "status = 'rejected'", "0") + " UNION ALL " +
			ev(Failed, "finished_at", "status = 'failed'", "0")
	}, nil, "", nil},
	{name: "rollup_statements", keys: []string{"distributor_id"}, vals: statementCols, upFn: statementsUp,
		raw: func(d db.Dialect, loc *time.Location) string { return statementsRaw(dayExpr(d, "period_end", loc)) }},
	{name: "rollup_balances", keys: []string{"distributor_id"}, vals: []string{"settled_fen", "withdrawn_fen"},
		derived: `SELECT grain, bucket, owner_id, sum(CASE WHEN cause = 'settlement' THEN amount_fen ELSE 0 END),
			-sum(CASE WHEN cause IN ('withdrawal', 'withdrawal_return') THEN amount_fen ELSE 0 END)
			FROM ` + withQuarters("rollup_ledger", "owner_id, kind, cause, amount_fen") + `
			WHERE owner_id <> 0 AND kind = 'available' AND cause IN ('settlement', 'withdrawal', 'withdrawal_return')
			GROUP BY grain, bucket, owner_id`},
	{name: "rollup_withdrawal_totals", keys: []string{"distributor_id"}, vals: withdrawalTotalCols,
		derived: `SELECT grain, bucket, distributor_id,
			sum(CASE WHEN event = 'requested' THEN withdrawals ELSE 0 END), sum(CASE WHEN event = 'requested' THEN amount_fen ELSE 0 END),
			sum(CASE WHEN event = 'approved' THEN withdrawals ELSE 0 END), sum(CASE WHEN event = 'approved' THEN amount_fen ELSE 0 END),
			sum(CASE WHEN event = 'paid' THEN withdrawals ELSE 0 END), sum(CASE WHEN event = 'paid' THEN amount_fen ELSE 0 END),
			sum(CASE WHEN event = 'paid' THEN fee_fen ELSE 0 END), sum(CASE WHEN event = 'paid' THEN payout_seconds ELSE 0 END),
			sum(CASE WHEN event = 'rejected' THEN withdrawals ELSE 0 END), sum(CASE WHEN event = 'rejected' THEN amount_fen ELSE 0 END),
			sum(CASE WHEN event = 'failed' THEN withdrawals ELSE 0 END), sum(CASE WHEN event = 'failed' THEN amount_fen ELSE 0 END)
			FROM ` + withQuarters("rollup_withdrawals", "distributor_id, event, withdrawals, amount_fen, fee_fen, payout_seconds") + `
			GROUP BY grain, bucket, distributor_id`},
	{name: "rollup_customer_counts", keys: []string{"distributor_id"}, vals: []string{"customers"},
		derived: `SELECT grain, bucket, distributor_id, count(*) FROM rollup_customers GROUP BY grain, bucket, distributor_id`},
})

// withUps gives each raw table its summed grains: quarters too in quarterTables.
func withUps(ts []table) []table {
	for i := range ts {
		switch {
		case ts[i].derived != "":
		case quarterTables[ts[i].name]:
			ts[i].ups = []string{Month, Quarter, Year}
		default:
			ts[i].ups = monthYear
		}
	}
	return ts
}

// withQuarters is the rows of a table without quarter rows (its grain, bucket and cols) with the
// quarters summed from its months added, as a FROM item: a derived table with quarter rows reads
// them from this.
func withQuarters(table, cols string) string {
	return `(SELECT grain, bucket, ` + cols + ` FROM ` + table + ` UNION ALL
		SELECT 'q', ` + quarterOf("bucket") + `, ` + cols + ` FROM ` + table + ` WHERE grain = 'm') src`
}

func (t table) cols() []string {
	return append(append([]string{"grain", "bucket"}, t.keys...), t.vals...)
}

// up is the month, quarter or year rows of t: quarters summed from its month rows (a third of a
// quarter's day rows' cost, and the months are checked against their days), the others from its
// day rows.
func (t table) up(grain string) string {
	if t.upFn != nil {
		return t.upFn(grain)
	}
	from := Day
	if grain == Quarter {
		from = Month
	}
	bucket := bucketOf(grain, "bucket")
	sums := make([]string, len(t.vals))
	for i, v := range t.vals {
		sums[i] = "sum(" + v + ")"
	}
	return `SELECT '` + grain + `', ` + bucket + `, ` + strings.Join(t.keys, ", ") + `, ` + strings.Join(sums, ", ") +
		` FROM ` + t.name + ` WHERE grain = '` + from + `' GROUP BY ` + bucket + `, ` + strings.Join(t.keys, ", ")
}

// RebuildResult says what a rebuild did.
type RebuildResult struct {
	Zone     string         `json:"zone"`
	Rows     map[string]int `json:"rows"` // table → rows written
	Duration time.Duration  `json:"duration"`
}

// Rebuild recomputes every rollup from the raw rows in one transaction, drawing buckets in zone
// (empty: keep the current zone). Writers wait for it (PostgreSQL: the rollup tables are locked
// against writes; SQLite has one writer), readers keep seeing the old rollups until it commits.
func Rebuild(ctx context.Context, d *db.DB, zone string) (RebuildResult, error) {
	start := time.Now()
	res := RebuildResult{Rows: map[string]int{}}
	// Alone: on SQLite the rebuild must not share a commit whose earlier callers' deltas are
	// still waiting to be written (db.Merger), or they would count twice.
	err := d.InTx(db.Alone(ctx), func(tx *db.Tx) error {
		var current string
		if err := tx.QueryRowContext(ctx, `SELECT zone FROM rollup_state WHERE id = 1`+tx.ForUpdate()).Scan(&current); err != nil {
			return fmt.Errorf("read the rollups' time zone: %w", err)
		}
		if zone == "" {
			zone = current
		}
		loc, err := LoadZone(zone)
		if err != nil {
			return err
		}
		res.Zone = zone
		if tx.Dialect == db.Postgres {
			names := make([]string, len(tables))
			for i, t := range tables {
				names[i] = t.name
			}
			if _, err := tx.ExecContext(ctx, `LOCK TABLE `+strings.Join(names, ", ")+` IN EXCLUSIVE MODE`); err != nil {
				return fmt.Errorf("lock rollup tables: %w", err)
			}
		}
		for _, t := range tables {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t.name); err != nil {
				return fmt.Errorf("empty %s: %w", t.name, err)
			}
			ins := `INSERT INTO ` + t.name + ` (` + strings.Join(t.cols(), ", ") + `) `
			first := t.derived
			if first == "" {
				first = t.raw(tx.Dialect, loc)
			}
			r, err := tx.ExecContext(ctx, ins+first)
			if err != nil {
				return fmt.Errorf("rebuild %s: %w", t.name, err)
			}
			n, _ := r.RowsAffected()
			for _, g := range t.ups {
				r, err := tx.ExecContext(ctx, ins+t.up(g))
				if err != nil {
					return fmt.Errorf("rebuild %s (%s): %w", t.name, g, err)
				}
				m, _ := r.RowsAffected()
				n += m
			}
			res.Rows[t.name] = int(n)
		}
		_, err = tx.ExecContext(ctx, `UPDATE rollup_state SET zone = $1, rebuilt_at = $2 WHERE id = 1`, zone, tx.Now)
		return err
	})
	res.Duration = time.Since(start)
	return res, err
}

// Breach is a rollup that differs from the raw rows.
type Breach struct {
	Check  string
	Detail []string
}

// Check compares every rollup with the raw rows: day rows against the direct computation, month
// and year rows against their days, quarter rows against their months. It returns one breach
// per table and grain that differs, naming up to 20 differing rows (the rollup's and the raw
// rows' values).
func Check(ctx context.Context, q db.Querier, dialect db.Dialect) ([]Breach, error) {
	loc, err := Zone(ctx, q, "")
	if err != nil {
		return nil, err
	}
	var out []Breach
	for _, t := range tables {
		cols := strings.Join(t.cols(), ", ")
		stored := func(g string) string {
			if g == "" {
				return `SELECT ` + cols + ` FROM ` + t.name
			}
			return `SELECT ` + cols + ` FROM ` + t.name + ` WHERE grain = '` + g + `'`
		}
		type want struct{ grain, want string }
		wants := []want{{"", t.derived}}
		if t.derived == "" {
			wants = []want{{Day, t.raw(dialect, loc)}}
			for _, g := range t.ups {
				wants = append(wants, want{g, t.up(g)})
			}
		}
		for i, c := range wants {
			c := struct{ name, grain, want string }{checkNames(t)[i], c.grain, c.want}
			q2 := `SELECT 'rollup has', x.* FROM (` + stored(c.grain) + ` EXCEPT SELECT * FROM (` + c.want + `) w1) x
				UNION ALL SELECT 'raw rows give', y.* FROM (SELECT * FROM (` + c.want + `) w2 EXCEPT ` + stored(c.grain) + `) y`
			detail, err := differences(ctx, q, q2, len(t.cols())+1, t.cols())
			if err != nil {
				return nil, fmt.Errorf("check %s: %w", c.name, err)
			}
			if len(detail) > 0 {
				out = append(out, Breach{Check: c.name, Detail: detail})
			}
		}
	}
	return out, nil
}

func checkNames(t table) []string {
	if t.derived != "" {
		of := "the customer rows of each bucket"
		switch t.name {
		case "rollup_withdrawal_totals":
			of = "rollup_withdrawals by distributor"
		case "rollup_balances":
			of = "rollup_ledger's settlements and withdrawals by distributor"
		}
		return []string{t.name + " equal " + of}
	}
	out := []string{t.name + " day rows equal the raw rows"}
	for _, g := range t.ups {
		of := "days"
		if g == Quarter {
			of = "months"
		}
		out = append(out, t.name+" "+map[string]string{Month: "month", Quarter: "quarter", Year: "year"}[g]+" rows equal the sum of their "+of)
	}
	return out
}

// CheckNames lists what Check checks, for `fenxiao verify --list`.
func CheckNames() []string {
	var out []string
	for _, t := range tables {
		out = append(out, checkNames(t)...)
	}
	return out
}

func differences(ctx context.Context, q db.Querier, query string, n int, cols []string) ([]string, error) {
	rows, err := q.QueryContext(ctx, query+` LIMIT 20`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		vals := make([]any, n)
		ptrs := make([]any, n)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		parts := []string{fmt.Sprint(text(vals[0]))}
		for i, c := range cols {
			parts = append(parts, fmt.Sprintf("%s=%v", c, text(vals[i+1])))
		}
		out = append(out, strings.Join(parts, " "))
	}
	return out, rows.Err()
}

func text(v any) any {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	return v
}
