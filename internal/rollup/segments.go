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

// tiling is the grains Segments tiles with, finest first; each one's boundaries are boundaries
// of the one before.
var tiling = []string{Day, Month, Quarter, Year}

// Segments tiles the days [from, to) — calendar dates, to exclusive — with the fewest buckets:
// the odd days up to the first month boundary, the odd months up to the first quarter boundary,
// the odd quarters up to the first year boundary, whole years, then quarters, months and days
// again. So a calendar month, quarter or year is one bucket. Only the date part of from and to
// is used.
func Segments(from, to time.Time) []Segment {
	a, b := civil(from), civil(to)
	if !a.Before(b) {
		return nil
	}
	var head, tail []Segment
	seg := func(out *[]Segment, g string, x, y time.Time) {
		if x.Before(y) {
			*out = append(*out, Segment{g, x.Format(time.DateOnly), y.Format(time.DateOnly)})
		}
	}
	// [a, b) is aligned to tiling[i]; the whole buckets of the next grain inside it are [up, down).
	for i, g := range tiling {
		if i == len(tiling)-1 {
			seg(&head, g, a, b)
			break
		}
		up, down := ceilTo(a, tiling[i+1]), floorTo(b, tiling[i+1])
		if !up.Before(down) { // no whole bucket of the next grain inside
			seg(&head, g, a, b)
			break
		}
		seg(&head, g, a, up)
		var t []Segment
		seg(&t, g, down, b)
		tail = append(t, tail...)
		a, b = up, down
	}
	return append(head, tail...)
}

// floorTo is the first day of t's bucket of grain g (month, quarter or year).
func floorTo(t time.Time, g string) time.Time {
	switch g {
	case Month:
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	case Quarter:
		return time.Date(t.Year(), (t.Month()-1)/3*3+1, 1, 0, 0, 0, 0, time.UTC)
	}
	return time.Date(t.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
}

// ceilTo is the first bucket boundary of grain g at or after t.
func ceilTo(t time.Time, g string) time.Time {
	f := floorTo(t, g)
	if f.Equal(t) {
		return f
	}
	return f.AddDate(0, span(g), 0)
}

// span is the months in one bucket of grain g (month, quarter or year).
func span(g string) int {
	switch g {
	case Month:
		return 1
	case Quarter:
		return 3
	}
	return 12
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

// single reports whether s is one bucket: a day, a month, a quarter or a year.
func (s Segment) single() bool {
	from, err1 := time.Parse(time.DateOnly, s.From)
	to, err2 := time.Parse(time.DateOnly, s.To)
	if err1 != nil || err2 != nil {
		return false
	}
	if s.Grain == Day {
		return to.Equal(from.AddDate(0, 0, 1))
	}
	return to.Equal(from.AddDate(0, span(s.Grain), 0))
}

// Single reports whether segs select one bucket, so each key has one row in it.
func Single(segs []Segment) bool { return len(segs) == 1 && segs[0].single() }
