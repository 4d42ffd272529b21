package identity_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/fenxiao/fenxiao/internal/identity"
)

func TestNameValid(t *testing.T) {
	tests := []struct {
		name, in string
		max      int
		want     string
	}{
		{"chinese", "张三", 64, "张三"},
		{"latin", "Zhang San", 64, "Zhang San"},
		{"trimmed", "  李四 \t\n", 64, "李四"},
		{"ideographic space trimmed", "\u3000王五\u3000", 64, "王五"},
		{"nbsp trimmed", "\u00a0赵六\u00a0", 64, "赵六"},
		{"emoji", "小店🛒", 64, "小店🛒"},
		{"emoji only", "😀", 1, "😀"},
		{"emoji with variation selector", "❤️ 好物", 64, "❤️ 好物"},
		{"skin tone", "👍🏽", 2, "👍🏽"},
		{"flag", "🇨🇳 优选", 64, "🇨🇳 优选"},
		{"accents", "José Müller", 64, "José Müller"},
		{"combining accent", "Jose\u0301", 64, "Jose\u0301"},
		{"middle dot", "阿卜杜·热合曼", 64, "阿卜杜·热合曼"},
		{"exactly max", strings.Repeat("好", 64), 64, strings.Repeat("好", 64)},
		{"exactly max emoji", strings.Repeat("😀", 64), 64, strings.Repeat("😀", 64)},
		{"max counts after trim", "  " + strings.Repeat("a", 64) + "  ", 64, strings.Repeat("a", 64)},
		{"sql is just text", "Robert'); DROP TABLE users;--", 64, "Robert'); DROP TABLE users;--"},
		{"inner ideographic space", "王\u3000五", 64, "王\u3000五"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := identity.Name(tt.in, tt.max)
			if err != nil {
				t.Fatalf("Name(%q, %d) error: %v", tt.in, tt.max, err)
			}
			if got != tt.want {
				t.Errorf("Name(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
		})
	}
}

func TestNameInvalid(t *testing.T) {
	tests := []struct {
		name, in string
		max      int
		reason   string
		msg      string
	}{
		{"empty", "", 64, identity.ReasonRequired, "name is required"},
		{"spaces only", "    ", 64, identity.ReasonRequired, "only spaces"},
		{"whitespace only", " \t\n\r\u3000\u00a0", 64, identity.ReasonRequired, ""},
		{"65 runes at max 64", strings.Repeat("好", 65), 64, identity.ReasonNameTooLong, "65 characters, at most 64 allowed"},
		{"65 ascii at max 64", strings.Repeat("a", 65), 64, identity.ReasonNameTooLong, "at most 64"},
		{"65 emoji at max 64", strings.Repeat("😀", 65), 64, identity.ReasonNameTooLong, "65 characters"},
		{"2 at max 1", "张三", 1, identity.ReasonNameTooLong, "2 characters, at most 1 allowed"},
		{"NUL", "张\x00三", 64, identity.ReasonNameInvisibleChar, "U+0000 at position 2"},
		{"bell", "abc\a", 64, identity.ReasonNameInvisibleChar, "U+0007 at position 4"},
		{"inner tab", "张\t三", 64, identity.ReasonNameInvisibleChar, "U+0009"},
		{"inner newline", "张\n三", 64, identity.ReasonNameInvisibleChar, "U+000A"},
		{"escape", "\x1b[31mred", 64, identity.ReasonNameInvisibleChar, "U+001B at position 1"},
		{"DEL", "ab\x7f", 64, identity.ReasonNameInvisibleChar, "U+007F"},
		{"C1 control", "ab\u0085cd", 64, identity.ReasonNameInvisibleChar, "U+0085"},
		{"zero width space", "张\u200b三", 64, identity.ReasonNameInvisibleChar, "U+200B"},
		{"zero width space at end", "张三\u200b", 64, identity.ReasonNameInvisibleChar, "U+200B at position 3"},
		{"zero width joiner", "👨\u200d👩\u200d👧", 64, identity.ReasonNameInvisibleChar, "U+200D"},
		{"zero width non-joiner", "a\u200cb", 64, identity.ReasonNameInvisibleChar, "U+200C"},
		{"BOM", "\ufeff张三", 64, identity.ReasonNameInvisibleChar, "U+FEFF at position 1"},
		{"RTL override", "abc\u202edcba", 64, identity.ReasonNameInvisibleChar, "U+202E"},
		{"LTR mark", "abc\u200e", 64, identity.ReasonNameInvisibleChar, "U+200E"},
		{"soft hyphen", "ab\u00adcd", 64, identity.ReasonNameInvisibleChar, "U+00AD"},
		{"word joiner", "ab\u2060cd", 64, identity.ReasonNameInvisibleChar, "U+2060"},
		{"tag character", "🏴\U000E0067\U000E0062\U000E007F", 64, identity.ReasonNameInvisibleChar, "U+E0067"},
		{"line separator", "ab\u2028cd", 64, identity.ReasonNameInvisibleChar, "U+2028"},
		{"paragraph separator", "ab\u2029cd", 64, identity.ReasonNameInvisibleChar, "U+2029"},
		{"invalid utf8", "张\xff三", 64, identity.ReasonNameEncoding, "not valid UTF-8"},
		{"truncated utf8", "张三"[:4], 64, identity.ReasonNameEncoding, ""},
		{"surrogate half", "a\xed\xa0\x80b", 64, identity.ReasonNameEncoding, ""},
		{"invalid utf8 at edge", " \xff ", 64, identity.ReasonNameEncoding, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := identity.Name(tt.in, tt.max)
			if got != "" {
				t.Errorf("Name(%q) returned %q with error", tt.in, got)
			}
			checkInvalid(t, err, identity.FieldName, tt.reason, tt.msg)
		})
	}
}

func TestNameBadMax(t *testing.T) {
	for _, max := range []int{0, -1} {
		got, err := identity.Name("张三", max)
		if err == nil || got != "" {
			t.Fatalf("Name(_, %d) = %q, %v; want error", max, got, err)
		}
		if errors.Is(err, identity.ErrInvalid) {
			t.Errorf("Name(_, %d): programming error %v matches ErrInvalid", max, err)
		}
	}
}
