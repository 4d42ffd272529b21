package web

import (
	"strconv"
	"strings"

	"github.com/fenxiao/fenxiao/internal/errs"
)

// Money and rates typed into console forms. People type yuan ("12.3", "1,234.56") and percent
// ("8.5"); the domain takes fen and basis points. The decimal string is converted digit by digit,
// never through a float, so "0.29" is 29 fen and not 28.999….

// parseYuan reads a non-negative amount in yuan with at most two decimals and returns fen.
// A leading ¥ and thousands separators in groups of three are accepted; signs, exponents, a third
// decimal and amounts beyond int64 are refused with errors whose codes the catalogs translate.
func parseYuan(s string) (int64, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(s, "¥"), "￥"))
	if s == "" {
		return 0, errs.Field("", "amount_required", "enter an amount in yuan, e.g. 12.80")
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if strings.Contains(whole, ",") {
		var ok bool
		if whole, ok = adminUngroup(whole); !ok {
			return 0, errs.Field("", "invalid_amount", "%q is not an amount in yuan: write it like 1234.56 or 1,234.56", s)
		}
	}
	if !adminDigits(whole) || (hasDot && !adminDigits(frac)) {
		if strings.HasPrefix(s, "-") && adminDigits(strings.TrimPrefix(whole, "-")) {
			return 0, errs.Field("", "negative_amount", "the amount cannot be negative")
		}
		return 0, errs.Field("", "invalid_amount", "%q is not an amount in yuan: write it like 12.80", s)
	}
	if len(frac) > 2 {
		return 0, errs.Field("", "too_many_decimals", "%q has more than two decimals: amounts are in yuan and fen (0.01)", s)
	}
	fen, err := strconv.ParseInt(whole+(frac + "00")[:2], 10, 64)
	if err != nil {
		return 0, errs.Field("", "amount_too_large", "%q is too large", s)
	}
	return fen, nil
}

// adminParsePercent reads a rate in percent with at most two decimals ("8", "12.5", "0.25") and
// returns basis points (800, 1250, 25). Whether the rate is allowed is the domain's to say.
func adminParsePercent(s string) (int64, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	if s == "" {
		return 0, errs.Field("", "rate_required", "enter a rate in percent, e.g. 8.5")
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if !adminDigits(whole) || (hasDot && !adminDigits(frac)) {
		return 0, errs.Field("", "invalid_rate", "%q is not a rate in percent: write it like 8.5", s)
	}
	if len(frac) > 2 {
		return 0, errs.Field("", "too_many_decimals_rate", "%q has more than two decimals: rates go down to 0.01%%", s)
	}
	bp, err := strconv.ParseInt(whole+(frac + "00")[:2], 10, 64)
	if err != nil {
		return 0, errs.Field("", "invalid_rate", "%q is too large for a rate", s)
	}
	return bp, nil
}

// adminUngroup removes thousands separators, refusing groups that are not three digits ("1,23" is
// more likely a mistyped 1.23 than a thousand).
func adminUngroup(s string) (string, bool) {
	parts := strings.Split(s, ",")
	if len(parts[0]) == 0 || len(parts[0]) > 3 {
		return "", false
	}
	for _, p := range parts[1:] {
		if len(p) != 3 {
			return "", false
		}
	}
	return strings.Join(parts, ""), true
}

// adminDigits reports whether s is one or more ASCII digits.
func adminDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// adminYuanInput writes fen as a form value ("1234.50"): what parseYuan reads back to the same fen.
func adminYuanInput(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return sign + strconv.FormatInt(fen/100, 10) + "." + adminTwoDigits(fen%100)
}

// adminPercentInput writes basis points as a form value ("8.50").
func adminPercentInput(bp int64) string {
	return strconv.FormatInt(bp/100, 10) + "." + adminTwoDigits(bp%100)
}

func adminTwoDigits(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

// adminInField puts a parse error on a form field.
func adminInField(err error, field string) error {
	if e, ok := err.(*errs.Error); ok {
		c := *e
		c.Field = field
		return &c
	}
	return err
}
