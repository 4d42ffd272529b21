package money

import (
	"math"
	"testing"
)

func TestYuan(t *testing.T) {
	for _, c := range []struct {
		fen  int64
		want string
	}{
		{0, "¥0.00"}, {1, "¥0.01"}, {10, "¥0.10"}, {1234, "¥12.34"}, {-1234, "¥-12.34"}, {-5, "¥-0.05"},
		{123456789, "¥1,234,567.89"}, {100000, "¥1,000.00"},
		{math.MaxInt64, "¥92,233,720,368,547,758.07"}, {math.MinInt64, "¥-92,233,720,368,547,758.08"},
	} {
		if got := Yuan(c.fen); got != c.want {
			t.Errorf("Yuan(%d) = %q, want %q", c.fen, got, c.want)
		}
	}
}

func TestPercent(t *testing.T) {
	for bp, want := range map[int64]string{0: "0.00%", 5: "0.05%", -5: "-0.05%", 1099: "10.99%", 10000: "100.00%", -12345: "-123.45%"} {
		if got := Percent(bp); got != want {
			t.Errorf("Percent(%d) = %q, want %q", bp, got, want)
		}
	}
}
