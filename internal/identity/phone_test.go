package identity_test

import (
	"strings"
	"testing"

	"github.com/fenxiao/fenxiao/internal/identity"
)

func TestNormalizePhoneValid(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"13812345678", "13812345678"},
		{"+86 138 1234 5678", "13812345678"},
		{"86-138-1234-5678", "13812345678"},
		{"+8613812345678", "13812345678"},
		{"8613812345678", "13812345678"},
		{"+86-138-1234-5678", "13812345678"},
		{"+86 13812345678", "13812345678"},
		{"138 1234 5678", "13812345678"},
		{"138-1234-5678", "13812345678"},
		{"  13812345678\t\n", "13812345678"},
		{"1 3 8 1 2 3 4 5 6 7 8", "13812345678"},
		// Every second digit 3-9 is accepted.
		{"13000000000", "13000000000"},
		{"14700000000", "14700000000"},
		{"15012345678", "15012345678"},
		{"16612345678", "16612345678"},
		{"17712345678", "17712345678"},
		{"18612345678", "18612345678"},
		{"19912345678", "19912345678"},
		// 11 digits that happen to start with 86 are not a prefix: "86" is
		// only dropped when 11 digits follow it.
		{"+86 186 1234 5678", "18612345678"},
		{"8618612345678", "18612345678"},
	}
	for _, tt := range tests {
		got, err := identity.NormalizePhone(tt.in)
		if err != nil {
			t.Errorf("NormalizePhone(%q) error: %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("NormalizePhone(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormalizePhoneInvalid(t *testing.T) {
	tests := []struct {
		name, in, reason, msg string
	}{
		{"empty", "", identity.ReasonRequired, "phone is required"},
		{"spaces only", "   ", identity.ReasonRequired, "phone is required"},
		{"10 digits", "1381234567", identity.ReasonPhoneLength, "got 10 digits"},
		{"12 digits", "138123456789", identity.ReasonPhoneLength, "got 12 digits"},
		{"starts 12", "12812345678", identity.ReasonPhonePrefix, "starting with 13 to 19"},
		{"starts 11", "11812345678", identity.ReasonPhonePrefix, "e.g. 13812345678"},
		{"starts 10", "10086000000", identity.ReasonPhonePrefix, ""},
		{"starts 2", "23812345678", identity.ReasonPhonePrefix, ""},
		{"landline", "01012345678", identity.ReasonPhonePrefix, ""},
		{"letters", "1381234567a", identity.ReasonPhoneFormat, "only digits"},
		{"all letters", "phone", identity.ReasonPhoneFormat, ""},
		{"emoji", "138123456📱", identity.ReasonPhoneFormat, ""},
		{"emoji only", "📱", identity.ReasonPhoneFormat, ""},
		{"sql", "1381234567'; DROP TABLE", identity.ReasonPhoneFormat, ""},
		{"sql after valid", "13812345678'; DROP TABLE distributors;--", identity.ReasonPhoneFormat, ""},
		{"sql or", "13812345678 OR 1=1", identity.ReasonPhoneFormat, ""},
		{"full-width digits", "１３８１２３４５６７８", identity.ReasonPhoneFormat, ""},
		{"parentheses", "(138) 1234 5678", identity.ReasonPhoneFormat, ""},
		{"dots", "138.1234.5678", identity.ReasonPhoneFormat, ""},
		{"plus in middle", "138+12345678", identity.ReasonPhoneFormat, ""},
		{"invalid utf8", "138\xff12345678", identity.ReasonPhoneFormat, ""},
		{"interior tab", "138\t12345678", identity.ReasonPhoneFormat, ""},
		{"other country", "+852 9123 4567", identity.ReasonPhoneFormat, "only country code accepted is +86"},
		{"us", "+1 415 555 0100", identity.ReasonPhoneFormat, "+86"},
		{"plus86 10 digits", "+86 138 1234 567", identity.ReasonPhoneLength, "got 10 digits after +86"},
		{"plus86 12 digits", "+86138123456789", identity.ReasonPhoneLength, "got 12 digits after +86"},
		{"plus86 only", "+86", identity.ReasonPhoneLength, "got 0 digits after +86"},
		{"plus86 bad prefix", "+86 128 1234 5678", identity.ReasonPhonePrefix, ""},
		{"86 with 10 digits", "86-138-1234-567", identity.ReasonPhoneLength, "got 12 digits"},
		{"86 with bad prefix", "8612812345678", identity.ReasonPhonePrefix, ""}, // 86 dropped, then 12812345678
		{"double 86", "+868613812345678", identity.ReasonPhoneLength, "got 13 digits after +86"},
		{"0086", "0086 138 1234 5678", identity.ReasonPhoneLength, "got 15 digits"},
		{"dashes only", "---", identity.ReasonPhoneLength, "got 0 digits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := identity.NormalizePhone(tt.in)
			if got != "" {
				t.Errorf("NormalizePhone(%q) returned %q with error", tt.in, got)
			}
			checkInvalid(t, err, identity.FieldPhone, tt.reason, tt.msg)
		})
	}
}

func TestNormalizePhoneMessageDoesNotEchoInput(t *testing.T) {
	// Inputs chosen so they are not substrings of the example 13812345678.
	for _, in := range []string{"1397654321", "12876543210", "1397654321'; DROP TABLE", "+86139765432101"} {
		_, err := identity.NormalizePhone(in)
		if err == nil {
			t.Fatalf("NormalizePhone(%q) succeeded", in)
		}
		if strings.Contains(err.Error(), in) || strings.Contains(err.Error(), "DROP") {
			t.Errorf("message %q echoes the input", err.Error())
		}
	}
}

func TestMaskPhone(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"13812345678", "138****5678"},
		{"+86 138 1234 5678", "138****5678"},
		{"86-199-0000-1111", "199****1111"},
		{"", ""},
		{"12812345678", "***********"},
		{"1381234567", "**********"},
		{"abc", "***"},
		{"电话号码", "****"},
	}
	for _, tt := range tests {
		if got := identity.MaskPhone(tt.in); got != tt.want {
			t.Errorf("MaskPhone(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
