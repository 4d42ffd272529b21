package link

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"net"
	"net/url"
	"strings"
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
var botMarkers = []string{"bot", "spider", "crawl", "slurp", "curl/", "wget/", "python", "go-http-client",
	"java/", "okhttp", "httpclient", "facebookexternalhit", "preview", "scrapy", "monitor", "lighthouse"}

// ClassifyUA sorts a User-Agent header into wechat, mobile, desktop or bot. WeChat's in-app
// browser comes first: it is where most shared links are opened.
func ClassifyUA(ua string) string {
	l := strings.ToLower(ua)
	if strings.TrimSpace(l) == "" {
		return UABot
	}
	for _, m := range botMarkers {
		if strings.Contains(l, m) {
			return UABot
		}
	}
	switch {
	case strings.Contains(l, "micromessenger"):
		return UAWeChat
	case strings.Contains(l, "mobile") || strings.Contains(l, "android") || strings.Contains(l, "iphone") || strings.Contains(l, "ipad"):
		return UAMobile
	}
	return UADesktop
}

// ClientKey is a visitor's pseudonym: the first 8 bytes of an HMAC of the address and user agent
// under the server's secret, so the same phone on the same network has the same key without the
// address being stored or recoverable. remoteAddr may carry a port, which is dropped.
//
// 64 bits are plenty for what the key does — count distinct visitors and spot bursts: among a
// million visitors of one period the chance that any two share a key is about 3 in 100 million.
// As an integer it is 8 bytes in a row instead of 32 hex characters.
func ClientKey(secret []byte, remoteAddr, ua string) int64 {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("fx_click\n" + host + "\n" + ua))
	return int64(binary.BigEndian.Uint64(m.Sum(nil)))
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
