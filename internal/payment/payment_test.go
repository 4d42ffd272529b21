package payment_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fenxiao/fenxiao/internal/db/dbtest"
	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/payment"
)

var ctx = context.Background()

var (
	secret = []byte("0123456789abcdef0123456789abcdef")
	now    = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	good   = payment.Notification{OrderID: 7, OrderNo: "FX202603010000000042", AmountFen: 19980,
		Reference: "sandbox-FX202603010000000042", Provider: "sandbox", Timestamp: now.Unix()}
)

func TestSignVerify(t *testing.T) {
	sig := payment.Sign(secret, good)
	if len(sig) != 64 {
		t.Fatalf("signature %q is not hex SHA-256", sig)
	}
	tests := []struct {
		name   string
		n      func(payment.Notification) payment.Notification
		secret []byte
		sig    string // "" = the signature of good
		now    time.Time
		code   string // "" = accepted
	}{
		{name: "as signed", now: now},
		{name: "4m59s later", now: now.Add(4*time.Minute + 59*time.Second)},
		{name: "exactly 5 minutes later", now: now.Add(payment.MaxAge)},
		{name: "clock 5s behind the signer", now: now.Add(-5 * time.Second)},
		{name: "expired", now: now.Add(payment.MaxAge + time.Second), code: "notification_expired"},
		{name: "from the future", now: now.Add(-time.Minute), code: "notification_from_future"},
		{name: "wrong secret", secret: []byte("another-secret-another-secret-!!"), now: now, code: "bad_signature"},
		{name: "tampered amount", n: func(n payment.Notification) payment.Notification { n.AmountFen = 1; return n }, now: now, code: "bad_signature"},
		{name: "tampered order id", n: func(n payment.Notification) payment.Notification { n.OrderID = 8; return n }, now: now, code: "bad_signature"},
		{name: "tampered order no", n: func(n payment.Notification) payment.Notification { n.OrderNo += "1"; return n }, now: now, code: "bad_signature"},
		{name: "tampered reference", n: func(n payment.Notification) payment.Notification { n.Reference = "x"; return n }, now: now, code: "bad_signature"},
		{name: "tampered provider", n: func(n payment.Notification) payment.Notification { n.Provider = "wechat"; return n }, now: now, code: "bad_signature"},
		{name: "re-dated to look fresh", n: func(n payment.Notification) payment.Notification { n.Timestamp += 600; return n }, now: now.Add(10 * time.Minute), code: "bad_signature"},
		{name: "field boundary moved", n: func(n payment.Notification) payment.Notification {
			n.OrderNo, n.Reference = n.OrderNo+`"`+"\n"+`"`, strings.TrimPrefix(n.Reference, "s")
			return n
		}, now: now, code: "bad_signature"},
		{name: "not hex", sig: "zz" + sig[2:], now: now, code: "bad_signature"},
		{name: "truncated", sig: sig[:62], now: now, code: "bad_signature"},
		{name: "empty", sig: "-", now: now, code: "bad_signature"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := good
			if tc.n != nil {
				n = tc.n(n)
			}
			key := secret
			if tc.secret != nil {
				key = tc.secret
			}
			s := sig
			switch tc.sig {
			case "":
			case "-":
				s = ""
			default:
				s = tc.sig
			}
			err := payment.Verify(key, n, s, tc.now)
			if tc.code == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if errs.CodeOf(err) != tc.code || errs.KindOf(err) != errs.Unauthorized {
				t.Fatalf("got %v (%s), want %s", err, errs.CodeOf(err), tc.code)
			}
		})
	}
}

func TestFormRoundTrip(t *testing.T) {
	n, sig, err := payment.ParseForm(good.Form(secret))
	if err != nil || n != good {
		t.Fatalf("round trip: %+v %v", n, err)
	}
	if err := payment.Verify(secret, n, sig, now); err != nil {
		t.Fatal(err)
	}
	f := good.Form(secret)
	f.Set("amount_fen", "199.80")
	if _, _, err := payment.ParseForm(f); errs.CodeOf(err) != "bad_notification" {
		t.Fatalf("a fractional amount must be refused: %v", err)
	}
}

func TestSandboxCheckout(t *testing.T) {
	u, err := payment.Sandbox{}.Checkout(ctx, payment.Checkout{OrderNo: "FX1", BaseURL: "http://shop.test/"})
	if err != nil || u != "http://shop.test/s/sandbox/FX1" {
		t.Fatalf("got %q %v", u, err)
	}
	if _, err := (payment.Sandbox{}).Checkout(ctx, payment.Checkout{OrderNo: "FX1"}); err == nil {
		t.Fatal("no base URL must fail")
	}
}

func TestNotify(t *testing.T) {
	var got payment.Notification
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, sig, err := payment.ParseForm(func() map[string][]string { r.ParseForm(); return r.PostForm }())
		if err == nil {
			err = payment.Verify(secret, n, sig, now)
		}
		if err != nil {
			http.Error(w, "fail", http.StatusBadRequest)
			return
		}
		got = n
		w.Write([]byte(payment.Success))
	}))
	defer srv.Close()
	if err := payment.Notify(ctx, srv.Client(), srv.URL, secret, good); err != nil || got != good {
		t.Fatalf("notify: %v, server saw %+v", err, got)
	}
	if err := payment.Notify(ctx, srv.Client(), srv.URL, []byte("wrong-secret-wrong-secret-wrong!"), good); err == nil {
		t.Fatal("a refused notification must be an error")
	}
}

func TestSecret(t *testing.T) {
	d, _ := dbtest.Open(t)
	if _, err := payment.Secret(ctx, d, "short"); err == nil {
		t.Fatal("a short configured secret must be refused")
	}
	cfg := strings.Repeat("k", 40)
	if s, err := payment.Secret(ctx, d, cfg); err != nil || string(s) != cfg {
		t.Fatalf("configured: %q %v", s, err)
	}
	// Several nodes starting at once agree on one generated secret.
	var wg sync.WaitGroup
	got := make([]string, 6)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := payment.Secret(ctx, d, "")
			if err != nil {
				t.Error(err)
			}
			got[i] = string(s)
		}()
	}
	wg.Wait()
	for _, s := range got {
		if s != got[0] || len(s) != 64 {
			t.Fatalf("nodes disagree or the secret is short: %q", got)
		}
	}
	again, err := payment.Secret(ctx, d, "")
	if err != nil || string(again) != got[0] {
		t.Fatalf("secret changed on a later start: %q %v", again, err)
	}
}
