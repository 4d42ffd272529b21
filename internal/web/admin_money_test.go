package web

import (
	"testing"

	"github.com/fenxiao/fenxiao/internal/errs"
)

func TestParseYuan(t *testing.T) {
	cases := []struct {
		in   string
		fen  int64
		code string // "" = accepted
	}{
		{"12.3", 1230, ""},
		{"0.01", 1, ""},
		{"0.29", 29, ""}, // 0.29 as a float64 is 0.28999…; digit by digit it is 29 fen
		{"19.99", 1999, ""},
		{"1,234.56", 123456, ""},
		{"1,234,567", 123456700, ""},
		{" ¥58 ", 5800, ""},
		{"￥0.5", 50, ""},
		{"0", 0, ""},
		{"007.10", 710, ""},
		{"92233720368547758.07", 9223372036854775807, ""}, // the largest int64
		{"92233720368547758.08", 0, "amount_too_large"},
		{"99999999999999999999", 0, "amount_too_large"},
		{"-1", 0, "negative_amount"},
		{"-0.5", 0, "negative_amount"},
		{"1.234", 0, "too_many_decimals"},
		{"0.001", 0, "too_many_decimals"},
		{"abc", 0, "invalid_amount"},
		{"1e3", 0, "invalid_amount"},
		{"12.", 0, "invalid_amount"},
		{".5", 0, "invalid_amount"},
		{"1.2.3", 0, "invalid_amount"},
		{"+5", 0, "invalid_amount"},
		{"1,23", 0, "invalid_amount"},     // a mistyped 1.23, not a thousand
		{"1234,567", 0, "invalid_amount"}, // first group longer than three
		{"1,234.5,6", 0, "invalid_amount"},
		{"１２", 0, "invalid_amount"}, // full-width digits
		{"", 0, "amount_required"},
		{"  ", 0, "amount_required"},
	}
	for _, c := range cases {
		fen, err := parseYuan(c.in)
		if c.code == "" {
			if err != nil || fen != c.fen {
				t.Errorf("parseYuan(%q) = %d, %v; want %d", c.in, fen, err, c.fen)
			}
			continue
		}
		if !errs.Is(err, c.code) || errs.KindOf(err) != errs.Invalid {
			t.Errorf("parseYuan(%q) = %d, %v; want code %s", c.in, fen, err, c.code)
		}
	}
}

func TestParsePercent(t *testing.T) {
	cases := []struct {
		in   string
		bp   int64
		code string
	}{
		{"8", 800, ""},
		{"12.5", 1250, ""},
		{"0.25", 25, ""},
		{"100", 10000, ""},
		{"8.5%", 850, ""},
		{"0", 0, ""},
		{"12.345", 0, "too_many_decimals_rate"},
		{"-1", 0, "invalid_rate"},
		{"ten", 0, "invalid_rate"},
		{"", 0, "rate_required"},
		{"999999999999999999999", 0, "invalid_rate"},
	}
	for _, c := range cases {
		bp, err := adminParsePercent(c.in)
		if c.code == "" {
			if err != nil || bp != c.bp {
				t.Errorf("adminParsePercent(%q) = %d, %v; want %d", c.in, bp, err, c.bp)
			}
			continue
		}
		if !errs.Is(err, c.code) {
			t.Errorf("adminParsePercent(%q) = %d, %v; want code %s", c.in, bp, err, c.code)
		}
	}
}

// What the forms show parses back to the same amount.
func TestYuanInputRoundTrip(t *testing.T) {
	for _, fen := range []int64{0, 1, 10, 99, 100, 1230, 5800, 123456789} {
		got, err := parseYuan(adminYuanInput(fen))
		if err != nil || got != fen {
			t.Errorf("parseYuan(adminYuanInput(%d)) = %d, %v", fen, got, err)
		}
	}
	for _, bp := range []int64{0, 1, 25, 800, 1250, 10000} {
		got, err := adminParsePercent(adminPercentInput(bp))
		if err != nil || got != bp {
			t.Errorf("adminParsePercent(adminPercentInput(%d)) = %d, %v", bp, got, err)
		}
	}
}
