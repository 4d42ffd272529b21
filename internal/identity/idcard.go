package identity

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// idWeights are the ISO 7064 MOD 11-2 weights for the first 17 digits
// (2^(17-i) mod 11), as listed in GB 11643-1999.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// idCheckChars maps (weighted sum mod 11) to the check character.
const idCheckChars = "10X98765432"

// chinaTime is China Standard Time (UTC+8, no daylight saving). A fixed zone
// is used so the package does not depend on tzdata being installed.
var chinaTime = time.FixedZone("CST", 8*60*60)

// idProvince reports whether the two-digit code is a province-level region
// code allowed at the start of an ID card number: 11-15, 21-23, 31-37, 41-46,
// 50-54, 61-65, 71, 81, 82.
func idProvince(code int) bool {
	switch {
	case code >= 11 && code <= 15,
		code >= 21 && code <= 23,
		code >= 31 && code <= 37,
		code >= 41 && code <= 46,
		code >= 50 && code <= 54,
		code >= 61 && code <= 65,
		code == 71, code == 81, code == 82:
		return true
	}
	return false
}

// idCheckChar returns the GB 11643-1999 check character for the 17-digit
// prefix d, which must consist of ASCII digits.
func idCheckChar(d string) byte {
	sum := 0
	for i := range 17 {
		sum += int(d[i]-'0') * idWeights[i]
	}
	return idCheckChars[sum%11]
}

// NormalizeIDCard validates an 18-character resident identity card number per
// GB 11643-1999 and returns it with a lowercase check character x turned into
// X. Surrounding whitespace is ignored.
//
// The number must be 17 ASCII digits followed by a digit or X (x accepted);
// the first two digits must be a province code (11-15, 21-23, 31-37, 41-46,
// 50-54, 61-65, 71, 81, 82); positions 7-14 must be a real birth date YYYYMMDD
// in or after 1900 and not after today's date in China (UTC+8) at the instant
// now; and the last character must be the ISO 7064 MOD 11-2 check character.
// The checks run in that order, so the first problem found is reported.
// 15-digit first-generation numbers are refused.
func NormalizeIDCard(s string, now time.Time) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", invalid(FieldIDCard, ReasonRequired,
			"ID card number is required: enter the 18-character resident identity card number")
	}
	if len(s) == 15 && allDigits(s) {
		return "", invalid(FieldIDCard, ReasonIDCard15Digit,
			"ID card number has 15 digits, the old first-generation format; only 18-digit numbers are accepted, "+
				"use the number on a current (second-generation) card")
	}
	if n := utf8.RuneCountInString(s); n != 18 {
		return "", invalid(FieldIDCard, ReasonIDCardLength, fmt.Sprintf(
			"ID card number must be 18 characters (17 digits followed by a digit or X); got %d", n))
	}
	// 18 runes; if any of them is not ASCII the byte length differs and a
	// byte below fails the digit test.
	for i := range 17 {
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return "", invalid(FieldIDCard, ReasonIDCardFormat, fmt.Sprintf(
				"ID card number must be 17 digits followed by a digit or X; character %d is not a digit", i+1))
		}
	}
	if len(s) != 18 || !(s[17] >= '0' && s[17] <= '9' || s[17] == 'X' || s[17] == 'x') {
		return "", invalid(FieldIDCard, ReasonIDCardFormat,
			"ID card number must be 17 digits followed by a digit or X; the last character is neither")
	}
	if s[17] == 'x' {
		s = s[:17] + "X"
	}

	province := int(s[0]-'0')*10 + int(s[1]-'0')
	if !idProvince(province) {
		return "", invalid(FieldIDCard, ReasonIDCardProvince, fmt.Sprintf(
			"ID card number starts with %s, which is not a valid province code", s[:2]))
	}

	birth := s[6:14]
	year := atoi(birth[0:4])
	month := atoi(birth[4:6])
	day := atoi(birth[6:8])
	if month < 1 || month > 12 || day < 1 || day > daysIn(year, month) {
		return "", invalid(FieldIDCard, ReasonIDCardBirthDate,
			"ID card number has an impossible birth date "+birth)
	}
	if year < 1900 {
		return "", invalid(FieldIDCard, ReasonIDCardBirthDate,
			"ID card number has a birth date "+birth+" before 1900")
	}
	ty, tm, td := now.In(chinaTime).Date()
	if year > ty || year == ty && (month > int(tm) || month == int(tm) && day > td) {
		return "", invalid(FieldIDCard, ReasonIDCardBirthDateFuture,
			"ID card number has a birth date "+birth+" in the future")
	}

	if want := idCheckChar(s); s[17] != want {
		return "", invalid(FieldIDCard, ReasonIDCardChecksum, fmt.Sprintf(
			"ID card number fails its check digit: the last character should be %c, or one of the other digits is mistyped",
			want))
	}
	return s, nil
}

// MaskIDCard masks an ID card number for display, keeping the first 6 and the
// last 4 characters: "11010519491231002X" gives "110105********002X". A
// lowercase x is shown as X. Input that is not 18 characters long (after
// trimming surrounding whitespace) is masked completely, so nothing leaks.
func MaskIDCard(s string) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) != 18 {
		return strings.Repeat("*", len(r))
	}
	if r[17] == 'x' {
		r[17] = 'X'
	}
	return string(r[:6]) + "********" + string(r[14:])
}

// atoi converts a string of ASCII digits (already checked) to an int.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// daysIn returns the number of days in month (1-12) of the Gregorian year.
func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
