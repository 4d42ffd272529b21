package rollup

import (
	"fmt"
	"slices"
	"testing"
)

// Merged deltas are written in runs of a power of two rows, at most 64, in key order: a table
// has at most 7 statement shapes whatever the size of a commit group.
func TestChunks(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 9, 28, 63, 64, 65, 200, 1000} {
		ks := make([]string, n)
		for i := range ks {
			ks[i] = fmt.Sprintf("%05d", i)
		}
		var got []string
		sizes := map[int]bool{}
		for _, c := range chunks(ks) {
			if len(c) > 64 || len(c)&(len(c)-1) != 0 {
				t.Errorf("n=%d: a chunk of %d rows", n, len(c))
			}
			sizes[len(c)] = true
			got = append(got, c...)
		}
		if !slices.Equal(got, ks) {
			t.Errorf("n=%d: chunks lose or reorder keys", n)
		}
		if len(sizes) > 7 {
			t.Errorf("n=%d: %d shapes", n, len(sizes))
		}
	}
}
