package export

import (
	"bufio"
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"
)

// bom starts every CSV: without it Excel reads UTF-8 as the system's legacy code page and
// Chinese text turns to mojibake.
const bom = "\xEF\xBB\xBF"

// WriteCSV writes the header and the rows as CSV, UTF-8 with a BOM. Money and rates are plain
// decimals (12.34, 8.50) so a spreadsheet reads them as numbers; instants are "2006-01-02
// 15:04:05" in the table's zone. Text that a spreadsheet would run as a formula is defused.
func WriteCSV(ctx context.Context, w io.Writer, t Table, rows Rows) (int64, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString(bom); err != nil {
		return 0, err
	}
	cw := csv.NewWriter(bw)
	rec := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		rec[i] = c.Header
	}
	if err := cw.Write(rec); err != nil {
		return 0, err
	}
	zone := t.zone()
	n := counter{ctx: ctx, progress: t.Progress}
	err := rows(ctx, func(row []any) error {
		for i, c := range t.Columns {
			var v any
			if i < len(row) {
				v = row[i]
			}
			s, ok := csvCell(c.Kind, v, zone)
			if !ok {
				return rowError(n.n+1, i, c, v)
			}
			rec[i] = s
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
		return n.add()
	})
	if err != nil {
		return n.n, err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return n.n, err
	}
	n.done()
	return n.n, bw.Flush()
}

func csvCell(k Kind, v any, zone *time.Location) (string, bool) {
	switch k {
	case Int, Money, Rate:
		n, present, ok := cellInt(v)
		if !ok || !present {
			return "", ok
		}
		switch k {
		case Money:
			return Yuan(n), true
		case Rate:
			return Percent(n), true
		}
		return strconv.FormatInt(n, 10), true
	case Time, Date:
		tm, present, ok := cellTime(v)
		if !ok || !present {
			return "", ok
		}
		if k == Date {
			return tm.In(zone).Format(dateLayout), true
		}
		return tm.In(zone).Format(timeLayout), true
	}
	return DefuseFormula(cellText(v)), true
}

// DefuseFormula keeps a text cell from running as a spreadsheet formula (CSV injection): text
// starting with = + - @, a tab or a carriage return gets a leading apostrophe, unless it is
// just a number such as -5 or ¥-1.50.
func DefuseFormula(s string) string {
	if s == "" || !strings.ContainsRune("=+-@\t\r", rune(s[0])) || isNumber(s) {
		return s
	}
	return "'" + s
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(strings.TrimPrefix(s, "¥"), 64)
	return err == nil
}
