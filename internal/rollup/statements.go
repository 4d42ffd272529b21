package rollup

import (
	"context"
	"fmt"
	"strings"

	"github.com/fenxiao/fenxiao/internal/db"
)

// Statements are counted by the day of their cutoff (period_end), as the statements list selects
// them: per bucket and distributor, how many, the sums of their figures, and the opening of the
// first (lowest id) and the closing of the last (highest id) — kept with those ids, so merging
// two rows keeps the opening of the lower first id and the closing of the higher last id,
// whichever order the rows come in. That is exact for any transaction order: a row's first and
// last are min and max over the statements counted in it.

// statementCols are rollup_statements' counters after grain, bucket and distributor_id.
var statementCols = []string{"statements", "accrued_fen", "reversed_fen", "clawed_back_fen", "settled_fen", "withdrawn_fen",
	"first_id", "opening_fen", "last_id", "closing_fen"}

// statementBatch is the statements one settlement batch wrote: one per distributor of the run.
type statementBatch struct {
	runID        int64
	distributors []int64
}

// AddStatements counts the statements that run runID wrote for distributors in tx (one each),
// when tx commits. They are read back from the statements table, which never changes them.
func AddStatements(ctx context.Context, tx *db.Tx, runID int64, distributors []int64) error {
	if len(distributors) == 0 {
		return nil
	}
	p := pendingOf(tx)
	p.statements = append(p.statements, statementBatch{runID, append([]int64(nil), distributors...)})
	return nil
}

// merge is the SET list adding excluded's counters to table's.
func statementMerge(table string) string {
	var sets []string
	for _, c := range statementCols[:6] {
		sets = append(sets, fmt.Sprintf("%s = %s.%s + excluded.%s", c, table, c, c))
	}
	lower := "excluded.first_id < " + table + ".first_id"
	higher := "excluded.last_id > " + table + ".last_id"
	sets = append(sets,
		fmt.Sprintf("first_id = CASE WHEN %s THEN excluded.first_id ELSE %s.first_id END", lower, table),
		fmt.Sprintf("opening_fen = CASE WHEN %s THEN excluded.opening_fen ELSE %s.opening_fen END", lower, table),
		fmt.Sprintf("last_id = CASE WHEN %s THEN excluded.last_id ELSE %s.last_id END", higher, table),
		fmt.Sprintf("closing_fen = CASE WHEN %s THEN excluded.closing_fen ELSE %s.closing_fen END", higher, table))
	return strings.Join(sets, ", ")
}

// bucketOf is the bucket of grain g of a YYYY-MM-DD day expression, as SQL.
func bucketOf(g, day string) string {
	switch g {
	case Month:
		return "substr(" + day + ", 1, 7) || '-01'"
	case Quarter:
		return quarterOf(day)
	case Year:
		return "substr(" + day + ", 1, 4) || '-01-01'"
	}
	return day
}

// quarterOf is the first day of the quarter of a YYYY-MM-DD expression, as SQL (QuarterOf).
func quarterOf(day string) string {
	m := "substr(" + day + ", 6, 2)"
	return "substr(" + day + ", 1, 5) || CASE WHEN " + m + " < '04' THEN '01' WHEN " + m + " < '07' THEN '04' WHEN " + m +
		" < '10' THEN '07' ELSE '10' END || '-01'"
}

// writeStatements upserts the day, month, quarter and year rows of the batches' statements, rows
// in key order.
func (p *pending) writeStatements(ctx context.Context, tx *db.Tx, day string) error {
	for _, b := range p.statements {
		args := []any{b.runID}
		ph := make([]string, len(b.distributors))
		for i, d := range b.distributors {
			args = append(args, d)
			ph[i] = fmt.Sprintf("$%d", i+2)
		}
		var sel []string
		for _, g := range []string{Day, Month, Quarter, Year} {
			sel = append(sel, `SELECT '`+g+`' AS grain, `+bucketOf(g, "s.day")+` AS bucket, s.distributor_id, 1 AS n, s.accrued_fen, s.reversed_fen,
				s.clawed_back_fen, s.settled_fen, s.withdrawn_fen, s.id AS first_id, s.opening_fen, s.id AS last_id, s.closing_fen FROM s`)
		}
		q := `WITH s AS (SELECT ` + strings.ReplaceAll(day, "period_end", "x.period_end") + ` AS day, x.* FROM statements x
				WHERE x.run_id = $1 AND x.distributor_id IN (` + strings.Join(ph, ", ") + `))
			INSERT INTO rollup_statements (grain, bucket, distributor_id, ` + strings.Join(statementCols, ", ") + `)
			SELECT * FROM (` + strings.Join(sel, " UNION ALL ") + `) u WHERE TRUE ORDER BY grain, bucket, distributor_id
			ON CONFLICT (grain, bucket, distributor_id) DO UPDATE SET ` + statementMerge("rollup_statements")
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("add statements of run %d to rollup_statements: %w", b.runID, err)
		}
	}
	p.statements = nil
	return nil
}

// statementsRaw is the day rows of rollup_statements from the statements.
func statementsRaw(day string) string {
	return `SELECT 'd', x.day, x.distributor_id, x.n, x.accrued, x.reversed, x.clawed, x.settled, x.withdrawn,
			x.first_id, f.opening_fen, x.last_id, l.closing_fen
		FROM (SELECT ` + day + ` AS day, distributor_id, count(*) AS n, sum(accrued_fen) AS accrued, sum(reversed_fen) AS reversed,
				sum(clawed_back_fen) AS clawed, sum(settled_fen) AS settled, sum(withdrawn_fen) AS withdrawn,
				min(id) AS first_id, max(id) AS last_id
			FROM statements GROUP BY 1, 2) x
		JOIN statements f ON f.id = x.first_id JOIN statements l ON l.id = x.last_id`
}

// statementsUp is the month, quarter or year rows of rollup_statements: quarters from the month
// rows (fewer to read), the others from the day rows.
func statementsUp(g string) string {
	from := Day
	if g == Quarter {
		from = Month
	}
	return `SELECT '` + g + `', x.b, x.distributor_id, x.n, x.accrued, x.reversed, x.clawed, x.settled, x.withdrawn,
			x.first_id, f.opening_fen, x.last_id, l.closing_fen
		FROM (SELECT ` + bucketOf(g, "bucket") + ` AS b, distributor_id, sum(statements) AS n, sum(accrued_fen) AS accrued,
				sum(reversed_fen) AS reversed, sum(clawed_back_fen) AS clawed, sum(settled_fen) AS settled, sum(withdrawn_fen) AS withdrawn,
				min(first_id) AS first_id, max(last_id) AS last_id
			FROM rollup_statements WHERE grain = '` + from + `' GROUP BY 1, 2) x
		JOIN statements f ON f.id = x.first_id JOIN statements l ON l.id = x.last_id`
}
