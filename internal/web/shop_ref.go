package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"regexp"
	"strconv"
	"strings"
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
	s.putRefCookie(w, cfg.Secret, code)
}

// putRefCookie sets the signed referral cookie naming a distributor's code; /s/?ref= and /r/{code}
// both end here, so checkout reads one cookie whichever way the customer came.
func (s *Server) putRefCookie(w http.ResponseWriter, secret []byte, code string) {
	http.SetCookie(w, &http.Cookie{Name: refCookie, Value: signRef(secret, code, s.DB.Now()), Path: "/",
		MaxAge: int(refMaxAge / time.Second), HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies})
}

// refFrom returns the distributor code of a valid, unexpired referral cookie, or "".
func (s *Server) refFrom(r *http.Request, secret []byte) string {
	c, err := r.Cookie(refCookie)
	if err != nil {
		return ""
	}
	code, ok := readRef(secret, c.Value, s.DB.Now())
	if !ok {
		return ""
	}
	return code
}

// signRef is "CODE.ISSUED.MAC": the code, the Unix second it was issued, and an HMAC of both.
func signRef(secret []byte, code string, now time.Time) string {
	issued := now.Unix()
	return code + "." + strconv.FormatInt(issued, 10) + "." + base64.RawURLEncoding.EncodeToString(refMAC(secret, code, issued))
}

func readRef(secret []byte, value string, now time.Time) (string, bool) {
	parts := strings.Split(value, ".")
	if len(parts) != 3 || !refCodeRE.MatchString(parts[0]) {
		return "", false
	}
	issued, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return "", false
	}
	mac, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || !hmac.Equal(mac, refMAC(secret, parts[0], issued)) {
		return "", false
	}
	at := time.Unix(issued, 0)
	if now.Sub(at) > refMaxAge || at.Sub(now) > time.Minute {
		return "", false
	}
	return parts[0], true
}

// refMAC is domain-separated from payment notifications, which share the secret.
func refMAC(secret []byte, code string, issued int64) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("fx_ref\n" + code + "\n" + strconv.FormatInt(issued, 10)))
	return m.Sum(nil)
}
