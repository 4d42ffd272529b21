package link

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"
	"net"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Click is one visit of a link, as stored. There is no raw IP: ClientKey stands for the visitor.
type Click struct {
	LinkID        int64
	DistributorID int64
	ProductID     int64 // 0: not a product link
	At            time.Time
	ReferrerHost  string // host of the Referer header, "" when none
	UAClass       string // UAWeChat, UAMobile, UADesktop or UABot
	ClientKey     int64  // ClientKey of address and user agent
	// Credited: a person (not a bot) visited while the distributor could earn. Only credited
	// clicks count in the figures, and only they set the attribution cookie.
	Credited bool
}

// User-agent classes.
const (
	UAWeChat  = "wechat"
	UAMobile  = "mobile"
	UADesktop = "desktop"
	UABot     = "bot"
)

// botMarkers are substrings (lower case) of crawlers, link previewers and scripts. It is a best
// effort: a bot that pretends to be a phone counts as a phone. HeadlessChrome is deliberately not
// here: the browser tests drive it, and people rarely do, so it counts as the desktop it says.
var botMarkers = [][]byte{[]byte("bot"), []byte("spider"), []byte("crawl"), []byte("slurp"), []byte("curl/"),
	[]byte("wget/"), []byte("python"), []byte("go-http-client"), []byte("java/"), []byte("okhttp"),
	[]byte("httpclient"), []byte("facebookexternalhit"), []byte("preview"), []byte("scrapy"),
	[]byte("monitor"), []byte("lighthouse")}

var (
	markWeChat  = []byte("micromessenger")
	markMobiles = [][]byte{[]byte("mobile"), []byte("android"), []byte("iphone"), []byte("ipad")}
)

// ClassifyUA sorts a User-Agent header into wechat, mobile, desktop or bot. WeChat's in-app
// browser comes first: it is where most shared links are opened. Every marker is ASCII, so the
// header is lowered byte by byte into a buffer on the stack rather than a new string per visit.
func ClassifyUA(ua string) string {
	if strings.TrimSpace(ua) == "" {
		return UABot
	}
	var buf [512]byte
	var l []byte
	if len(ua) <= len(buf) {
		l = buf[:len(ua)]
	} else {
		l = make([]byte, len(ua))
	}
	for i := 0; i < len(ua); i++ {
		c := ua[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		l[i] = c
	}
	for _, m := range botMarkers {
		if bytes.Contains(l, m) {
			return UABot
		}
	}
	if bytes.Contains(l, markWeChat) {
		return UAWeChat
	}
	for _, m := range markMobiles {
		if bytes.Contains(l, m) {
			return UAMobile
		}
	}
	return UADesktop
}

// ClientKey is a visitor's pseudonym: the first 8 bytes of an HMAC of the address and user agent
// under the server's secret, so the same phone on the same network has the same key without the
// address being stored or recoverable. remoteAddr may carry a port, which is dropped. It builds
// the keyed HMAC afresh; the redirect uses a Keyer.
//
// 64 bits are plenty for what the key does — count distinct visitors and spot bursts: among a
// million visitors of one period the chance that any two share a key is about 3 in 100 million.
// As an integer it is 8 bytes in a row instead of 32 hex characters.
func ClientKey(secret []byte, remoteAddr, ua string) int64 {
	return NewKeyer(secret).Key(remoteAddr, ua)
}

// A Keyer computes ClientKeys under one secret, for every visit of /r/{code}. HMAC-SHA256 stays
// the construction — the key is a pseudonym, not an authenticator, but it must not let anyone
// who sees it (the merchant, a leaked table) test guesses of an address without the secret, which
// a keyed PRF gives and a plain or seeded non-cryptographic hash does not. What the Keyer saves
// is the setup: hmac.New allocates two SHA-256 states and hashes the key's inner and outer pads
// each time, while a pooled HMAC's Reset restores both keyed states from a saved copy, so a key
// costs only the compression of the message and of the outer hash, with no allocation.
type Keyer struct{ pool sync.Pool }

type keyHash struct {
	mac hash.Hash
	buf []byte
}

// NewKeyer returns a Keyer for secret; it is safe for concurrent use.
func NewKeyer(secret []byte) *Keyer {
	secret = bytes.Clone(secret)
	k := &Keyer{}
	k.pool.New = func() any { return &keyHash{mac: hmac.New(sha256.New, secret), buf: make([]byte, 0, 256)} }
	return k
}

// Key is the ClientKey of remoteAddr and ua.
func (k *Keyer) Key(remoteAddr, ua string) int64 {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	h := k.pool.Get().(*keyHash)
	h.mac.Reset()
	b := append(h.buf[:0], "fx_click\n"...)
	b = append(b, host...)
	b = append(b, '\n')
	b = append(b, ua...)
	h.mac.Write(b)
	b = h.mac.Sum(b[:0])
	key := int64(binary.BigEndian.Uint64(b))
	if cap(b) <= 4096 { // an absurd user agent does not stay in the pool
		h.buf = b
	}
	k.pool.Put(h)
	return key
}

// KeyString shows a client key as the merchant sees it: 16 hex digits.
func KeyString(k int64) string {
	return fmt.Sprintf("%016x", uint64(k))
}

// ReferrerHost keeps only the host of a Referer header, at most 255 bytes.
func ReferrerHost(referer string) string {
	if referer == "" {
		return ""
	}
	u, err := url.Parse(referer)
	if err != nil {
		return ""
	}
	h := strings.ToLower(u.Hostname())
	if len(h) > 255 {
		h = h[:255]
	}
	return h
}
