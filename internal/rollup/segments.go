package rollup

import (
	"fmt"
	"strings"
	"time"
)

// Segment is a run of buckets of one grain: bucket >= From and bucket < To (YYYY-MM-DD).
type Segment struct {
	Grain    string
	From, To string
}

// Segments tiles the days [from, to) — calendar dates, to exclusive — with the fewest buckets:
// the odd days up to the first month boundary, the odd months up to the first year boundary,
// whole years, then months and days again. Only the date part of from and to is used.
func Segments(from, to time.Time) []Segment {
	a, b := civil(from), civil(to)
	if !a.Before(b) {
		return nil
	}
	var out []Segment
	seg := func(g string, x, y time.Time) {
		if x.Before(y) {
			out = append(out, Segment{g, x.Format(time.DateOnly), y.Format(time.DateOnly)})
		}
	}
	m1 := time.Date(a.Year(), a.Month(), 1, 0, 0, 0, 0, time.UTC)
	if m1.Before(a) {
		m1 = m1.AddDate(0, 1, 0)
	}
	m2 := time.Date(b.Year(), b.Month(), 1, 0, 0, 0, 0, time.UTC)
	if !m1.Before(m2) { // no whole month inside
		seg(Day, a, b)
		return out
	}
	seg(Day, a, m1)
	y1 := time.Date(m1.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	if y1.Before(m1) {
		y1 = y1.AddDate(1, 0, 0)
	}
	y2 := time.Date(m2.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	if y1.Before(y2) {
		seg(Month, m1, y1)
		seg(Year, y1, y2)
		seg(Month, y2, m2)
	} else {
		seg(Month, m1, m2)
	}
	seg(Day, m2, b)
	return out
}

func civil(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// Where is a SQL condition selecting the buckets of segs on the columns prefix.grain and
// prefix.bucket, with its arguments numbered from first. No segments select nothing.
func Where(prefix string, segs []Segment, first int) (string, []any) {
	if len(segs) == 0 {
		return "1 = 0", nil
	}
	if prefix != "" {
		prefix += "."
	}
	parts := make([]string, len(segs))
	args := make([]any, 0, 3*len(segs))
	for i, s := range segs {
		n := first + len(args)
		if s.single() {
			// An equality alone lets the engine read the bucket's rows in key order (grouped by
			// the next key column without sorting); the unused end keeps the numbering.
			parts[i] = fmt.Sprintf("(%sgrain = $%d AND %sbucket = $%d AND $%d <> '')", prefix, n, prefix, n+1, n+2)
		} else {
			parts[i] = fmt.Sprintf("(%sgrain = $%d AND %sbucket >= $%d AND %sbucket < $%d)", prefix, n, prefix, n+1, prefix, n+2)
		}
		args = append(args, s.Grain, s.From, s.To)
	}
	return "(" + strings.Join(parts, " OR ") + ")", args
}

// single reports whether s is one bucket: a day, a month or a year.
func (s Segment) single() bool {
	from, err1 := time.Parse(time.DateOnly, s.From)
	to, err2 := time.Parse(time.DateOnly, s.To)
	if err1 != nil || err2 != nil {
		return false
	}
	switch s.Grain {
	case Day:
		return to.Equal(from.AddDate(0, 0, 1))
	case Month:
		return to.Equal(from.AddDate(0, 1, 0))
	}
	return to.Equal(from.AddDate(1, 0, 0))
}

// Single reports whether segs select one bucket, so each key has one row in it.
func Single(segs []Segment) bool { return len(segs) == 1 && segs[0].single() }
