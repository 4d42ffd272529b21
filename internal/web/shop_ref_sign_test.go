package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"testing"
	"time"
)

// The pooled signer makes the very cookie a fresh HMAC makes ("CODE.ISSUED.MAC"), so cookies set
// before and after it read alike; and it reads only what it signed, within 30 days.
func TestRefSignerCookieBytes(t *testing.T) {
	secret := []byte("test-secret-test-secret-test-secret!")
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("fx_ref\nALICE01\n" + strconv.FormatInt(now.Unix(), 10)))
	want := "ALICE01." + strconv.FormatInt(now.Unix(), 10) + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))

	s := newRefSigner(secret)
	for i := range 3 { // the second and third use a pooled, reset HMAC
		if got := s.sign("ALICE01", now); got != want {
			t.Fatalf("call %d: %q, want %q", i, got, want)
		}
	}
	tests := []struct {
		name, value string
		at          time.Time
		ok          bool
	}{
		{"as signed", want, now, true},
		{"29 days on", want, now.Add(29 * 24 * time.Hour), true},
		{"31 days on", want, now.Add(31 * 24 * time.Hour), false},
		{"another code", "BOB01" + want[len("ALICE01"):], now, false},
		{"another secret", newRefSigner([]byte("other")).sign("ALICE01", now), now, false},
		{"not three parts", "ALICE01." + strconv.FormatInt(now.Unix(), 10), now, false},
	}
	for _, tc := range tests {
		code, ok := s.read(tc.value, tc.at)
		if ok != tc.ok || (ok && code != "ALICE01") {
			t.Errorf("%s: read %q, %v; want ok=%v", tc.name, code, ok, tc.ok)
		}
	}
}
