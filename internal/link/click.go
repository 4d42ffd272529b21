package link

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
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
	ClientKey     string // ClientKey of address and user agent
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

// ClientKey is a visitor's pseudonym: an HMAC of the address and user agent under the server's
// secret, so the same phone on the same network has the same key without the address being
// stored or recoverable. remoteAddr may carry a port, which is dropped.
func ClientKey(secret []byte, remoteAddr, ua string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("fx_click\n" + host + "\n" + ua))
	return hex.EncodeToString(m.Sum(nil)[:16])
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
