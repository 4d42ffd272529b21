package identity

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

const phoneExample = "e.g. 13812345678"

// NormalizePhone normalises and validates a mainland China mobile number and
// returns its 11-digit form.
//
// Surrounding whitespace, and spaces and dashes anywhere, are removed. A
// leading "+86" is then dropped (the rest must be 11 digits), and so is a
// leading "86" when it is followed by exactly 11 digits. So "13812345678",
// "+86 138 1234 5678", "86-138-1234-5678" and "+8613812345678" all give
// "13812345678". The result must match ^1[3-9]\d{9}$ (ASCII digits only).
func NormalizePhone(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", invalid(FieldPhone, ReasonRequired,
			"phone is required: enter a mainland China mobile number of 11 digits, "+phoneExample)
	}
	t := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, s)

	afterPlus86 := false
	switch {
	case strings.HasPrefix(t, "+86"):
		t = t[len("+86"):]
		afterPlus86 = true
	case strings.HasPrefix(t, "+"):
		return "", invalid(FieldPhone, ReasonPhoneFormat,
			"phone must be a mainland China mobile number: the only country code accepted is +86, "+phoneExample)
	case len(t) == 13 && strings.HasPrefix(t, "86") && allDigits(t):
		t = t[len("86"):]
	}

	if !allDigits(t) {
		return "", invalid(FieldPhone, ReasonPhoneFormat,
			"phone may contain only digits, spaces, dashes and an optional +86 prefix, "+phoneExample)
	}
	if len(t) != 11 {
		where := ""
		if afterPlus86 {
			where = " after +86"
		}
		return "", invalid(FieldPhone, ReasonPhoneLength, fmt.Sprintf(
			"phone must be a mainland China mobile number of 11 digits starting with 1, %s; got %d digits%s",
			phoneExample, len(t), where))
	}
	if t[0] != '1' || t[1] < '3' {
		return "", invalid(FieldPhone, ReasonPhonePrefix,
			"phone must be a mainland China mobile number of 11 digits starting with 13 to 19, "+phoneExample)
	}
	return t, nil
}

// MaskPhone returns a number masked for display to other people, such as
// "138****5678": the first 3 and last 4 digits stay visible. The input is
// normalised first, so "+86 138 1234 5678" also gives "138****5678". If the
// input is not a valid phone number, every character is masked, so nothing
// leaks.
func MaskPhone(p string) string {
	n, err := NormalizePhone(p)
	if err != nil {
		return strings.Repeat("*", utf8.RuneCountInString(strings.TrimSpace(p)))
	}
	return n[:3] + "****" + n[7:]
}

// allDigits reports whether s consists only of ASCII digits (true for "").
func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
