package identity_test

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"pgregory.net/rapid"

	"github.com/fenxiao/fenxiao/internal/identity"
)

// For a random 17-digit prefix with a valid province and birth date, the
// computed check character always validates and every other check character
// fails with a message naming the right one.
func TestIDCardCheckCharacterProperty(t *testing.T) {
	first := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	days := int(time.Date(2025, 6, 15, 0, 0, 0, 0, time.UTC).Sub(first).Hours() / 24)
	rapid.Check(t, func(t *rapid.T) {
		province := rapid.SampledFrom(provinces).Draw(t, "province")
		area := rapid.IntRange(0, 9999).Draw(t, "area")
		birth := first.AddDate(0, 0, rapid.IntRange(0, days).Draw(t, "day"))
		seq := rapid.IntRange(0, 999).Draw(t, "seq")
		prefix := fmt.Sprintf("%02d%04d%s%03d", province, area, birth.Format("20060102"), seq)
		want := checkChar(prefix)

		got, err := identity.NormalizeIDCard(prefix+string(want), testNow)
		if err != nil {
			t.Fatalf("valid %s%c refused: %v", prefix, want, err)
		}
		if got != prefix+string(want) {
			t.Fatalf("NormalizeIDCard(%s%c) = %s", prefix, want, got)
		}
		if want == 'X' {
			if got, err := identity.NormalizeIDCard(prefix+"x", testNow); err != nil || got != prefix+"X" {
				t.Fatalf("lowercase %sx: got %q, %v", prefix, got, err)
			}
		}

		for _, c := range []byte("0123456789X") {
			if c == want {
				continue
			}
			_, err := identity.NormalizeIDCard(prefix+string(c), testNow)
			var ve *identity.Error
			if !errors.As(err, &ve) || ve.Reason != identity.ReasonIDCardChecksum {
				t.Fatalf("%s%c with wrong check character: got %v, want checksum error", prefix, c, err)
			}
			if !strings.Contains(ve.Message, fmt.Sprintf("should be %c", want)) {
				t.Fatalf("message %q does not name check character %c", ve.Message, want)
			}
		}
	})
}

// Changing any single digit of a valid number is always caught.
func TestIDCardSingleDigitErrorProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		valid := "11010519491231002X"
		pos := rapid.IntRange(0, 16).Draw(t, "pos")
		d := byte('0' + rapid.IntRange(0, 9).Draw(t, "digit"))
		if valid[pos] == d {
			t.Skip("same digit")
		}
		changed := valid[:pos] + string(d) + valid[pos+1:]
		if _, err := identity.NormalizeIDCard(changed, testNow); !errors.Is(err, identity.ErrInvalid) {
			t.Fatalf("%s accepted (err %v)", changed, err)
		}
	})
}

var phoneRE = regexp.MustCompile(`^1[3-9]\d{9}$`)

// A valid number written with any mix of spaces, dashes and a +86/86 prefix
// normalises back to itself.
func TestPhoneFormattingProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var b strings.Builder
		b.WriteByte('1')
		b.WriteByte(byte('0' + rapid.IntRange(3, 9).Draw(t, "second")))
		for i := range 9 {
			b.WriteByte(byte('0' + rapid.IntRange(0, 9).Draw(t, fmt.Sprint("d", i))))
		}
		phone := b.String()

		sep := rapid.SampledFrom([]string{"", " ", "-", "  ", " - "})
		var in strings.Builder
		in.WriteString(rapid.SampledFrom([]string{"", "+86", "86", "+86 ", "86-", "+86-"}).Draw(t, "prefix"))
		for i := range len(phone) {
			if i > 0 {
				in.WriteString(sep.Draw(t, fmt.Sprint("sep", i)))
			}
			in.WriteByte(phone[i])
		}
		got, err := identity.NormalizePhone(in.String())
		if err != nil || got != phone {
			t.Fatalf("NormalizePhone(%q) = %q, %v; want %q", in.String(), got, err, phone)
		}
		if m := identity.MaskPhone(in.String()); m != phone[:3]+"****"+phone[7:] {
			t.Fatalf("MaskPhone(%q) = %q", in.String(), m)
		}
	})
}

// Any input either is refused with an *Error matching ErrInvalid, or gives
// an 11-digit number that normalises to itself.
func TestPhoneArbitraryInputProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := rapid.OneOf(
			rapid.String(),
			rapid.StringOf(rapid.RuneFrom([]rune("0123456789+- 86"))),
		).Draw(t, "in")
		got, err := identity.NormalizePhone(in)
		if err != nil {
			var ve *identity.Error
			if !errors.As(err, &ve) || !errors.Is(err, identity.ErrInvalid) || got != "" {
				t.Fatalf("NormalizePhone(%q) = %q, %v (%T)", in, got, err, err)
			}
			if strings.Repeat("*", utf8.RuneCountInString(strings.TrimSpace(in))) != identity.MaskPhone(in) {
				t.Fatalf("MaskPhone(%q) = %q for an invalid number", in, identity.MaskPhone(in))
			}
			return
		}
		if !phoneRE.MatchString(got) {
			t.Fatalf("NormalizePhone(%q) = %q, not a mobile number", in, got)
		}
		if again, err := identity.NormalizePhone(got); err != nil || again != got {
			t.Fatalf("not idempotent: %q -> %q, %v", got, again, err)
		}
	})
}

// Any input to NormalizeIDCard is either refused with an *Error, or gives an
// 18-character number that normalises to itself.
func TestIDCardArbitraryInputProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := rapid.OneOf(
			rapid.String(),
			rapid.StringOf(rapid.RuneFrom([]rune("0123456789Xx "))),
		).Draw(t, "in")
		got, err := identity.NormalizeIDCard(in, testNow)
		if err != nil {
			var ve *identity.Error
			if !errors.As(err, &ve) || !errors.Is(err, identity.ErrInvalid) || got != "" {
				t.Fatalf("NormalizeIDCard(%q) = %q, %v (%T)", in, got, err, err)
			}
			return
		}
		if len(got) != 18 || got[17] != checkChar(got[:17]) {
			t.Fatalf("NormalizeIDCard(%q) = %q", in, got)
		}
		if again, err := identity.NormalizeIDCard(got, testNow); err != nil || again != got {
			t.Fatalf("not idempotent: %q -> %q, %v", got, again, err)
		}
	})
}

// Any accepted name is trimmed, within the limit, free of control and format
// characters, and validates to itself.
func TestNameArbitraryInputProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := rapid.String().Draw(t, "in")
		max := rapid.IntRange(1, 20).Draw(t, "max")
		got, err := identity.Name(in, max)
		if err != nil {
			var ve *identity.Error
			if !errors.As(err, &ve) || !errors.Is(err, identity.ErrInvalid) || got != "" {
				t.Fatalf("Name(%q) = %q, %v (%T)", in, got, err, err)
			}
			return
		}
		if got == "" || got != strings.TrimSpace(got) || utf8.RuneCountInString(got) > max || !utf8.ValidString(got) {
			t.Fatalf("Name(%q, %d) = %q", in, max, got)
		}
		for _, r := range got {
			if unicode.In(r, unicode.Cc, unicode.Cf) {
				t.Fatalf("Name(%q) = %q contains U+%04X", in, got, r)
			}
		}
		if again, err := identity.Name(got, max); err != nil || again != got {
			t.Fatalf("not idempotent: %q -> %q, %v", got, again, err)
		}
	})
}
