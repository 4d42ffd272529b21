package export

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// What a cell's Go value means for each kind, shared by both formats. ok is false for a value
// the kind cannot take; present is false for an empty cell (nil, a nil pointer).

func cellInt(v any) (n int64, present, ok bool) {
	switch x := v.(type) {
	case nil:
		return 0, false, true
	case int:
		return int64(x), true, true
	case int8:
		return int64(x), true, true
	case int16:
		return int64(x), true, true
	case int32:
		return int64(x), true, true
	case int64:
		return x, true, true
	case uint8:
		return int64(x), true, true
	case uint16:
		return int64(x), true, true
	case uint32:
		return int64(x), true, true
	case *int64:
		if x == nil {
			return 0, false, true
		}
		return *x, true, true
	case *int:
		if x == nil {
			return 0, false, true
		}
		return int64(*x), true, true
	}
	return 0, false, false
}

func cellTime(v any) (t time.Time, present, ok bool) {
	switch x := v.(type) {
	case nil:
		return t, false, true
	case time.Time:
		return x, !x.IsZero(), true
	case *time.Time:
		if x == nil || x.IsZero() {
			return t, false, true
		}
		return *x, true, true
	}
	return t, false, false
}

func cellText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case *string:
		if x == nil {
			return ""
		}
		return *x
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

// Yuan writes fen as a plain decimal in yuan, 1234 → "12.34", -5 → "-0.05": what CSV cells
// hold, and the exact decimal an XLSX number is parsed from.
func Yuan(fen int64) string {
	return hundredths(fen)
}

// Percent writes basis points as a percentage without its sign, 850 → "8.50".
func Percent(bp int64) string {
	return hundredths(bp)
}

func hundredths(n int64) string {
	var b strings.Builder
	u := uint64(n)
	if n < 0 {
		b.WriteByte('-')
		u = uint64(-n) // two's complement keeps MinInt64 right
	}
	b.WriteString(strconv.FormatUint(u/100, 10))
	b.WriteByte('.')
	r := u % 100
	b.WriteByte(byte('0' + r/10))
	b.WriteByte(byte('0' + r%10))
	return b.String()
}

const (
	timeLayout = "2006-01-02 15:04:05"
	dateLayout = "2006-01-02"
)
