package identity_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fenxiao/fenxiao/internal/identity"
)

// testNow is 2025-06-15 12:00 UTC, i.e. 2025-06-15 20:00 in China (UTC+8).
var testNow = time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC)

// Check characters below are computed by hand with the GB 11643-1999 weights
//
//	7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
//
// S = sum(digit_i * weight_i) over the first 17 digits, and the check
// character is "10X98765432"[S mod 11].

func TestNormalizeIDCardValid(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		// Known valid example (Beijing Chaoyang, born 1949-12-31).
		// 1*7+1*9+0*10+1*5+0*8+5*4+1*2+9*1+4*6+9*3+1*7+2*9+3*10+1*5+0*8+0*4+2*2
		// = 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167; 167 mod 11 = 2 -> X.
		{"known X", "11010519491231002X", "11010519491231002X"},
		{"lowercase x", "11010519491231002x", "11010519491231002X"},
		{"surrounding spaces", "  11010519491231002x\n", "11010519491231002X"},
		// Shenzhen, 1990-01-01.
		// 4*7+4*9+0*10+3*5+0*8+1*4+1*2+9*1+9*6+0*3+0*7+1*9+0*10+1*5+1*8+2*4+3*2
		// = 28+36+0+15+0+4+2+9+54+0+0+9+0+5+8+8+6 = 184; 184 mod 11 = 8 -> 4.
		{"digit check", "440301199001011234", "440301199001011234"},
		// Shanghai Xuhui, 2000-02-29 (2000 is a leap year).
		// 3*7+1*9+0*10+1*5+0*8+4*4+2*2+0*1+0*6+0*3+0*7+2*9+2*10+9*5+0*8+0*4+1*2
		// = 21+9+0+5+0+16+4+0+0+0+0+18+20+45+0+0+2 = 140; 140 mod 11 = 8 -> 4.
		{"leap day 2000", "310104200002290014", "310104200002290014"},
		// Chengdu, 1900-01-01 (earliest accepted year).
		// 5*7+1*9+0*10+1*5+0*8+5*4+1*2+9*1+0*6+0*3+0*7+1*9+0*10+1*5+0*8+0*4+1*2
		// = 35+9+0+5+0+20+2+9+0+0+0+9+0+5+0+0+2 = 96; 96 mod 11 = 8 -> 4.
		{"year 1900", "510105190001010014", "510105190001010014"},
		// Beijing, 1990-01-01.
		// 7+9+0+5+0+20+2+9+54+0+0+9+0+5+0+0+2 = 122; 122 mod 11 = 1 -> 0.
		{"check 0", "110105199001010010", "110105199001010010"},
		// Born today (2025-06-15 in China).
		// 7+9+0+5+0+20+4+0+12+15+0+54+10+25+0+0+2 = 163; 163 mod 11 = 9 -> 3.
		{"born today", "110105202506150013", "110105202506150013"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := identity.NormalizeIDCard(tt.in, testNow)
			if err != nil {
				t.Fatalf("NormalizeIDCard(%q) error: %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("NormalizeIDCard(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizeIDCardInvalid(t *testing.T) {
	tests := []struct {
		name, in, reason, msg string
	}{
		{"empty", "", identity.ReasonRequired, "is required"},
		{"spaces", "  \t ", identity.ReasonRequired, ""},
		{"15 digit old format", "110105491231002", identity.ReasonIDCard15Digit, "only 18-digit numbers are accepted"},
		{"17 digits", "11010519491231002", identity.ReasonIDCardLength, "got 17"},
		{"19 chars", "11010519491231002X0", identity.ReasonIDCardLength, "got 19"},
		{"16 digits", "1101051949123100", identity.ReasonIDCardLength, "must be 18 characters"},
		{"inner spaces", "110105 19491231 002X", identity.ReasonIDCardLength, "got 20"},
		{"sql", "110105'; DROP TABLE", identity.ReasonIDCardLength, ""},
		{"sql 18 chars", "1101051949'; DROP-", identity.ReasonIDCardFormat, "character 11 is not a digit"},
		{"letter in body", "11010519491231A02X", identity.ReasonIDCardFormat, "character 15 is not a digit"},
		{"X in body", "1101051949123100X2", identity.ReasonIDCardFormat, "character 17 is not a digit"},
		{"bad last char", "11010519491231002Y", identity.ReasonIDCardFormat, "last character"},
		{"full-width digits", "１１０１０５１９４９１２３１００２Ｘ", identity.ReasonIDCardFormat, "character 1 is not a digit"},
		{"emoji last", "11010519491231002😀", identity.ReasonIDCardFormat, "last character"},
		{"invalid utf8", "11010519491231002\xff", identity.ReasonIDCardFormat, "last character"},
		// Wrong check characters. The correct ones are derived in
		// TestNormalizeIDCardValid.
		{"checksum want X", "110105194912310021", identity.ReasonIDCardChecksum, "the last character should be X"},
		{"checksum want X got 0", "110105194912310020", identity.ReasonIDCardChecksum, "should be X"},
		{"checksum want 4", "440301199001011235", identity.ReasonIDCardChecksum, "the last character should be 4"},
		{"checksum want 4 got X", "44030119900101123X", identity.ReasonIDCardChecksum, "should be 4"},
		{"checksum want 0", "110105199001010011", identity.ReasonIDCardChecksum, "should be 0"},
		// Transposed digits in the body (1949 -> 1994): S = 7+9+0+5+0+20+2+9+
		// 54+12+7+18+30+5+0+0+4 = 182; 182 mod 11 = 6 -> 6, so X is wrong.
		{"transposed digits", "11010519941231002X", identity.ReasonIDCardChecksum, "should be 6"},
		// Bad provinces. The first two have a correct check character so only
		// the province is wrong; the province is checked before the check
		// character, so the others need not. TestEveryProvinceCode covers all
		// 100 codes with correct check characters.
		// 9*7+9*9+0+5+0+20+2+9+54+0+0+9+0+5+0+0+2 = 250; 250 mod 11 = 8 -> 4.
		{"province 99", "990105199001010014", identity.ReasonIDCardProvince, "starts with 99, which is not a valid province code"},
		// 8*7+3*9+0+5+0+20+2+9+54+0+0+9+0+5+0+0+2 = 189; 189 mod 11 = 2 -> X.
		{"province 83", "83010519900101001X", identity.ReasonIDCardProvince, "starts with 83"},
		{"province 00", "000105199001010010", identity.ReasonIDCardProvince, "starts with 00"},
		{"province 10", "100105199001010010", identity.ReasonIDCardProvince, ""},
		{"province 16", "160105199001010010", identity.ReasonIDCardProvince, ""},
		{"province 20", "200105199001010010", identity.ReasonIDCardProvince, ""},
		{"province 24", "240105199001010010", identity.ReasonIDCardProvince, ""},
		{"province 38", "380105199001010010", identity.ReasonIDCardProvince, ""},
		{"province 47", "470105199001010010", identity.ReasonIDCardProvince, ""},
		{"province 55", "550105199001010010", identity.ReasonIDCardProvince, ""},
		{"province 60", "600105199001010010", identity.ReasonIDCardProvince, ""},
		{"province 66", "660105199001010010", identity.ReasonIDCardProvince, ""},
		{"province 72", "720105199001010010", identity.ReasonIDCardProvince, ""},
		{"province 80", "800105199001010010", identity.ReasonIDCardProvince, ""},
		{"province 91", "910105199001010010", identity.ReasonIDCardProvince, ""},
		// Impossible birth dates, each with a correct check character.
		// 31 Feb 1999: 7+9+0+5+0+20+2+9+54+27+0+18+30+5+0+0+2 = 188;
		// 188 mod 11 = 1 -> 0.
		{"31 Feb", "110105199902310010", identity.ReasonIDCardBirthDate, "impossible birth date 19990231"},
		// 29 Feb 1900 (1900 is not a leap year): 7+9+0+5+0+20+2+9+0+0+0+18+20+
		// 45+0+0+2 = 137; 137 mod 11 = 5 -> 7.
		{"29 Feb 1900", "110105190002290017", identity.ReasonIDCardBirthDate, "impossible birth date 19000229"},
		// 31 Apr 1990: 7+9+0+5+0+20+2+9+54+0+0+36+30+5+0+0+2 = 179;
		// 179 mod 11 = 3 -> 9.
		{"31 Apr", "110105199004310019", identity.ReasonIDCardBirthDate, "impossible birth date 19900431"},
		// Month 13: 7+9+0+5+0+20+2+9+54+0+7+27+0+5+0+0+2 = 147; 147 mod 11 = 4 -> 8.
		{"month 13", "110105199013010018", identity.ReasonIDCardBirthDate, "impossible birth date 19901301"},
		// Day 00: 7+9+0+5+0+20+2+9+54+0+0+9+0+0+0+0+2 = 117; 117 mod 11 = 7 -> 5.
		{"day 00", "110105199001000015", identity.ReasonIDCardBirthDate, "impossible birth date 19900100"},
		{"month 00", "110105199000010010", identity.ReasonIDCardBirthDate, "impossible birth date 19900001"},
		// 1899-12-31: 7+9+0+5+0+20+2+8+54+27+7+18+30+5+0+0+2 = 194;
		// 194 mod 11 = 7 -> 5.
		{"before 1900", "110105189912310015", identity.ReasonIDCardBirthDate, "birth date 18991231 before 1900"},
		// 2099-01-01: 7+9+0+5+0+20+4+0+54+27+0+9+0+5+0+0+2 = 142;
		// 142 mod 11 = 10 -> 2.
		{"future", "110105209901010012", identity.ReasonIDCardBirthDateFuture, "birth date 20990101 in the future"},
		// 2025-06-17, the day after tomorrow in China.
		// 7+9+0+5+0+20+4+0+12+15+0+54+10+35+0+0+2 = 173; 173 mod 11 = 8 -> 4.
		{"day after tomorrow", "110105202506170014", identity.ReasonIDCardBirthDateFuture, "in the future"},
		// 2025-06-16, tomorrow in China: 6*7+5*9+0+1*5+0+2*4+2*2+0+2*6+5*3+0+6*9+1*10+6*5+0+0+1*2
		// = 42+45+0+5+0+8+4+0+12+15+0+54+10+30+0+0+2 = 227; 227 mod 11 = 7 -> 5.
		{"tomorrow", "650102202506160015", identity.ReasonIDCardBirthDateFuture, "20250616 in the future"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := identity.NormalizeIDCard(tt.in, testNow)
			if got != "" {
				t.Errorf("NormalizeIDCard(%q) returned %q with error", tt.in, got)
			}
			checkInvalid(t, err, identity.FieldIDCard, tt.reason, tt.msg)
		})
	}
}

// The birth date is compared with today's date in China (UTC+8), whatever the
// location of now.
func TestNormalizeIDCardChinaDate(t *testing.T) {
	const bornJune16 = "650102202506160015" // check character derived above
	// 2025-06-15 15:59:59 UTC is 23:59:59 on 15 June in China: still future.
	before := time.Date(2025, 6, 15, 15, 59, 59, 0, time.UTC)
	if _, err := identity.NormalizeIDCard(bornJune16, before); err == nil {
		t.Errorf("born 2025-06-16 accepted at %v", before)
	}
	// 2025-06-15 16:00 UTC is 00:00 on 16 June in China: born today.
	after := time.Date(2025, 6, 15, 16, 0, 0, 0, time.UTC)
	if _, err := identity.NormalizeIDCard(bornJune16, after); err != nil {
		t.Errorf("born 2025-06-16 refused at %v: %v", after, err)
	}
	// The same instant expressed in New York (still 15 June there) gives
	// the same answer.
	ny := time.FixedZone("EDT", -4*60*60)
	if _, err := identity.NormalizeIDCard(bornJune16, after.In(ny)); err != nil {
		t.Errorf("born 2025-06-16 refused at %v: %v", after.In(ny), err)
	}
}

func TestNormalizeIDCardMessageDoesNotEchoNumber(t *testing.T) {
	for _, in := range []string{"110105194912310021", "990105199001010014", "110105199902310010", "110105491231002"} {
		_, err := identity.NormalizeIDCard(in, testNow)
		if err == nil {
			t.Fatalf("NormalizeIDCard(%q) succeeded", in)
		}
		if strings.Contains(err.Error(), in) {
			t.Errorf("message %q echoes the whole number", err.Error())
		}
	}
}

func TestMaskIDCard(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"11010519491231002X", "110105********002X"},
		{"11010519491231002x", "110105********002X"},
		{"440301199001011234", "440301********1234"},
		{" 440301199001011234 ", "440301********1234"},
		{"", ""},
		{"110105491231002", "***************"},
		{"11010519491231002X0", "*******************"},
		{"身份证", "***"},
	}
	for _, tt := range tests {
		if got := identity.MaskIDCard(tt.in); got != tt.want {
			t.Errorf("MaskIDCard(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// provinces is the list of accepted province codes, spelled out
// independently of the implementation.
var provinces = []int{
	11, 12, 13, 14, 15,
	21, 22, 23,
	31, 32, 33, 34, 35, 36, 37,
	41, 42, 43, 44, 45, 46,
	50, 51, 52, 53, 54,
	61, 62, 63, 64, 65,
	71, 81, 82,
}

// checkChar computes the check character independently of the
// implementation: weight_i = 2^(17-i) mod 11 for position i = 0..16, and the
// check value c satisfies S + c ≡ 1 (mod 11), with c = 10 written as X.
func checkChar(prefix string) byte {
	s, w := 0, 1
	for i := 16; i >= 0; i-- {
		w = w * 2 % 11 // 2^(17-i) mod 11
		s += int(prefix[i]-'0') * w
	}
	c := (12 - s%11) % 11
	if c == 10 {
		return 'X'
	}
	return byte('0' + c)
}

func TestCheckCharHelper(t *testing.T) {
	// The test helper agrees with the hand-computed examples.
	for _, id := range []string{"11010519491231002X", "440301199001011234", "310104200002290014", "510105190001010014", "110105199001010010"} {
		if got := checkChar(id[:17]); got != id[17] {
			t.Errorf("checkChar(%s) = %c, want %c", id[:17], got, id[17])
		}
	}
}

func TestEveryProvinceCode(t *testing.T) {
	ok := map[int]bool{}
	for _, p := range provinces {
		ok[p] = true
	}
	for code := range 100 {
		prefix := fmt.Sprintf("%02d0105199001010", code) + "01"
		id := prefix + string(checkChar(prefix))
		_, err := identity.NormalizeIDCard(id, testNow)
		if ok[code] && err != nil {
			t.Errorf("province %02d refused: %v", code, err)
		}
		if !ok[code] {
			checkInvalid(t, err, identity.FieldIDCard, identity.ReasonIDCardProvince, fmt.Sprintf("starts with %02d", code))
		}
	}
}
