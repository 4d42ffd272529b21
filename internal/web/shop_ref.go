package web

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The referral cookie (DESIGN.md §3): a visit with ?ref=CODE remembers the distributor's code for
// 30 days, signed so that a customer cannot credit someone else by editing it. Which distributor
// an order finally credits is decided by internal/attribution when the order is placed.

const (
	refCookie = "fx_ref"
	refMaxAge = 30 * 24 * time.Hour
)

var refCodeRE = regexp.MustCompile(`^[A-Z0-9]{1,32}$`)

// shopPage wraps every shop page: a valid ?ref=CODE of an existing distributor sets the cookie,
// and a form posted to the page is parsed before the handler reads r.PostForm.
func (s *Server) shopPage(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			if err := r.ParseForm(); err != nil {
				http.Error(w, "unreadable form", http.StatusBadRequest)
				return
			}
		}
		if code := strings.ToUpper(strings.TrimSpace(r.URL.Query().Get("ref"))); code != "" {
			s.setRefCookie(w, r, code)
		}
		h(w, r)
	}
}

// setRefCookie remembers code when a distributor has it; an unknown code is ignored rather than
// left to fail the customer's checkout later.
func (s *Server) setRefCookie(w http.ResponseWriter, r *http.Request, code string) {
	if !refCodeRE.MatchString(code) {
		return
	}
	if _, err := s.Network.ByCode(r.Context(), code); err != nil {
		return
	}
	cfg, err := s.shopConfig(r.Context())
	if err != nil {
		s.Log.ErrorContext(r.Context(), "shop config", "err", err)
		return
	}
	s.putRefCookie(w, cfg, code)
}

// putRefCookie sets the signed referral cookie naming a distributor's code; /s/?ref= and /r/{code}
// both end here, so checkout reads one cookie whichever way the customer came.
func (s *Server) putRefCookie(w http.ResponseWriter, cfg ShopConfig, code string) {
	http.SetCookie(w, &http.Cookie{Name: refCookie, Value: cfg.ref.sign(code, s.DB.Now()), Path: "/",
		MaxAge: int(refMaxAge / time.Second), HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies})
}

// refFrom returns the distributor code of a valid, unexpired referral cookie, or "".
func (s *Server) refFrom(r *http.Request, cfg ShopConfig) string {
	c, err := r.Cookie(refCookie)
	if err != nil {
		return ""
	}
	code, ok := cfg.ref.read(c.Value, s.DB.Now())
	if !ok {
		return ""
	}
	return code
}

// refSigner signs and checks referral cookies under one secret. /r/{code} signs one per visit, so
// like link.Keyer it keeps HMACs whose Reset restores the keyed states instead of building one per
// cookie; the MAC is the same HMAC-SHA256 as ever, and so are the cookies.
type refSigner struct{ pool sync.Pool }

type refHash struct {
	mac hash.Hash
	buf []byte
}

func newRefSigner(secret []byte) *refSigner {
	secret = bytes.Clone(secret)
	s := &refSigner{}
	s.pool.New = func() any { return &refHash{mac: hmac.New(sha256.New, secret), buf: make([]byte, 0, 64)} }
	return s
}

// sign is "CODE.ISSUED.MAC": the code, the Unix second it was issued, and an HMAC of both.
func (s *refSigner) sign(code string, now time.Time) string {
	issued := now.Unix()
	var arr [128]byte
	v := append(arr[:0], code...)
	v = append(v, '.')
	v = strconv.AppendInt(v, issued, 10)
	v = append(v, '.')
	var mac [sha256.Size]byte
	v = base64.RawURLEncoding.AppendEncode(v, s.mac(mac[:0], code, issued))
	return string(v)
}

func (s *refSigner) read(value string, now time.Time) (string, bool) {
	parts := strings.Split(value, ".")
	if len(parts) != 3 || !refCodeRE.MatchString(parts[0]) {
		return "", false
	}
	issued, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return "", false
	}
	mac, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || !hmac.Equal(mac, s.mac(nil, parts[0], issued)) {
		return "", false
	}
	at := time.Unix(issued, 0)
	if now.Sub(at) > refMaxAge || at.Sub(now) > time.Minute {
		return "", false
	}
	return parts[0], true
}

// mac appends the MAC of code and issued to dst. It is domain-separated from payment
// notifications, which share the secret.
func (s *refSigner) mac(dst []byte, code string, issued int64) []byte {
	h := s.pool.Get().(*refHash)
	h.mac.Reset()
	b := append(h.buf[:0], "fx_ref\n"...)
	b = append(b, code...)
	b = append(b, '\n')
	b = strconv.AppendInt(b, issued, 10)
	h.mac.Write(b)
	b = h.mac.Sum(b[:0])
	dst = append(dst, b...)
	h.buf = b
	s.pool.Put(h)
	return dst
}
