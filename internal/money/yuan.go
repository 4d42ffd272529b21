// Package money writes amounts for people: integer fen become yuan text in one place, so the
// console, the portal, the shop and the posters can never show the same amount two ways.
package money

import (
	"strconv"
	"strings"
)

// Yuan formats fen as ¥1,234.56 (¥-12.34 for negatives), exactly: integer arithmetic only.
func Yuan(fen int64) string {
	neg := fen < 0
	u := uint64(fen)
	if neg {
		u = -u // two's complement: exact even for the smallest int64
	}
	whole := strconv.FormatUint(u/100, 10)
	var b strings.Builder
	b.WriteString("¥")
	if neg {
		b.WriteByte('-')
	}
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	cents := u % 100
	b.WriteByte('.')
	b.WriteByte(byte('0' + cents/10))
	b.WriteByte(byte('0' + cents%10))
	return b.String()
}

// Percent formats basis points as 12.34% (-0.05% for -5), exactly.
func Percent(bp int64) string {
	sign := ""
	u := uint64(bp)
	if bp < 0 {
		sign, u = "-", -u
	}
	return sign + strconv.FormatUint(u/100, 10) + "." + string([]byte{byte('0' + u%100/10), byte('0' + u%10)}) + "%"
}
