package identity

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Name validates a display name or real name and returns it with surrounding
// whitespace (including the ideographic space U+3000) removed.
//
// The name must be valid UTF-8, must not be empty or whitespace-only, must be
// at most maxRunes Unicode code points long after trimming, and must not
// contain control characters (category Cc, which includes tabs and newlines),
// invisible format characters (category Cf, for example U+200B zero width
// space, U+200D zero width joiner, U+FEFF, bidirectional overrides and soft
// hyphens) or line and paragraph separators (U+2028, U+2029). Chinese, Latin
// and other scripts, inner spaces and emoji are allowed; as a consequence of
// refusing U+200D, emoji joined into ZWJ sequences (such as family emoji) are
// refused, while single emoji, skin tones, flags and U+FE0F are fine. Note
// that the length counts code points, so an emoji with a skin tone counts as
// two.
//
// Errors carry Field FieldName; callers validating e.g. a real name may
// overwrite Field after errors.As. maxRunes < 1 is a programming error and
// yields an error that does not match ErrInvalid.
func Name(s string, maxRunes int) (string, error) {
	if maxRunes < 1 {
		return "", fmt.Errorf("identity.Name: maxRunes must be at least 1, got %d", maxRunes)
	}
	if !utf8.ValidString(s) {
		return "", invalid(FieldName, ReasonNameEncoding,
			"name contains bytes that are not valid UTF-8 text; retype it")
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return "", invalid(FieldName, ReasonRequired, "name is required and cannot be only spaces")
	}
	pos := 0
	for _, r := range s {
		pos++
		if unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp) {
			return "", invalid(FieldName, ReasonNameInvisibleChar, fmt.Sprintf(
				"name contains an invisible or control character U+%04X at position %d; remove it", r, pos))
		}
	}
	if pos > maxRunes {
		return "", invalid(FieldName, ReasonNameTooLong, fmt.Sprintf(
			"name is too long: %d characters, at most %d allowed", pos, maxRunes))
	}
	return s, nil
}
