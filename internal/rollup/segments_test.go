package rollup

import (
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

func TestSegments(t *testing.T) {
	d := func(s string) time.Time {
		x, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	for _, tc := range []struct {
		from, to string
		want     []Segment
	}{
		{"2026-03-10", "2026-03-10", nil},
		{"2026-03-10", "2026-03-11", []Segment{{Day, "2026-03-10", "2026-03-11"}}},
		{"2026-03-10", "2026-04-05", []Segment{{Day, "2026-03-10", "2026-04-05"}}},
		{"2026-03-01", "2026-04-01", []Segment{{Month, "2026-03-01", "2026-04-01"}}},
		{"2026-04-01", "2026-07-01", []Segment{{Quarter, "2026-04-01", "2026-07-01"}}},
		{"2026-01-01", "2027-01-01", []Segment{{Year, "2026-01-01", "2027-01-01"}}},
		{"2026-02-01", "2026-04-01", []Segment{{Month, "2026-02-01", "2026-04-01"}}},
		{"2026-02-15", "2026-08-03", []Segment{{Day, "2026-02-15", "2026-03-01"}, {Month, "2026-03-01", "2026-04-01"},
			{Quarter, "2026-04-01", "2026-07-01"}, {Month, "2026-07-01", "2026-08-01"}, {Day, "2026-08-01", "2026-08-03"}}},
		{"2025-10-01", "2026-04-01", []Segment{{Quarter, "2025-10-01", "2026-04-01"}}},
		{"2024-11-20", "2027-05-02", []Segment{{Day, "2024-11-20", "2024-12-01"}, {Month, "2024-12-01", "2025-01-01"},
			{Year, "2025-01-01", "2027-01-01"}, {Quarter, "2027-01-01", "2027-04-01"}, {Month, "2027-04-01", "2027-05-01"},
			{Day, "2027-05-01", "2027-05-02"}}},
	} {
		if got := Segments(d(tc.from), d(tc.to)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s..%s: got %v, want %v", tc.from, tc.to, got, tc.want)
		}
	}

	// Any range: the segments cover each day once, in order, and no segment of a grain holds a
	// whole bucket of a coarser one.
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		from := d("2024-01-01").AddDate(0, 0, rng.IntN(1500))
		to := from.AddDate(0, 0, 1+rng.IntN(1200))
		next := from
		for _, s := range Segments(from, to) {
			a, b := d(s.From), d(s.To)
			if !a.Equal(next) || !a.Before(b) {
				t.Fatalf("%v..%v: segment %v does not follow %v", from, to, s, next)
			}
			switch s.Grain {
			case Day:
			case Month, Quarter, Year:
				if !floorTo(a, s.Grain).Equal(a) || !floorTo(b, s.Grain).Equal(b) {
					t.Fatalf("%v..%v: segment %v is not whole buckets", from, to, s)
				}
			default:
				t.Fatalf("%v..%v: segment %v of no grain", from, to, s)
			}
			i := map[string]int{Day: 0, Month: 1, Quarter: 2, Year: 3}[s.Grain]
			if i < 3 && ceilTo(a, tiling[i+1]).Before(floorTo(b, tiling[i+1])) {
				t.Fatalf("%v..%v: segment %v holds a whole %s", from, to, s, tiling[i+1])
			}
			next = b
		}
		if !next.Equal(to) {
			t.Fatalf("%v..%v: segments end at %v", from, to, next)
		}
	}
}
