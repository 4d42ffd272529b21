package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/fenxiao/fenxiao/internal/link"
	"github.com/fenxiao/fenxiao/internal/payment"
)

// ShopConfig is how the shop takes payments. Zero fields are filled in on first use.
type ShopConfig struct {
	// Secret signs payment notifications and the referral cookie; nil: payment.Secret with no
	// configured value, i.e. the one generated and kept in the settings table.
	Secret []byte
	// Provider is where checkout sends the customer; nil: the sandbox, which moves no money.
	Provider payment.Provider
	// BaseURL is the shop's public scheme://host; "": taken from each request.
	BaseURL string
	// Client sends the sandbox's notifications; nil: 10 s timeout, redirects not followed.
	Client *http.Client

	// Made from Secret on first use, so each visit of /r/{code} reuses keyed HMAC states.
	clickKeys *link.Keyer
	ref       *refSigner
}

type shopState struct {
	mu  sync.Mutex
	cfg ShopConfig
}

// ConfigureShop sets how the shop takes payments; call it before serving.
func (s *Server) ConfigureShop(c ShopConfig) {
	st := s.shopState()
	st.mu.Lock()
	defer st.mu.Unlock()
	st.cfg = c
}

func (s *Server) shopState() *shopState { return &s.shop }

// shopConfig returns the configuration with its defaults; the generated secret is read from the
// database once.
func (s *Server) shopConfig(ctx context.Context) (ShopConfig, error) {
	st := s.shopState()
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.cfg.Secret == nil {
		secret, err := payment.Secret(ctx, s.DB, "")
		if err != nil {
			return ShopConfig{}, err
		}
		st.cfg.Secret = secret
	}
	if st.cfg.ref == nil {
		st.cfg.clickKeys, st.cfg.ref = link.NewKeyer(st.cfg.Secret), newRefSigner(st.cfg.Secret)
	}
	if st.cfg.Provider == nil {
		st.cfg.Provider = payment.Sandbox{}
	}
	if st.cfg.Client == nil {
		st.cfg.Client = &http.Client{Timeout: 10 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	return st.cfg, nil
}

// baseURL is the configured public URL, or the request's scheme and Host. A Host that is not a
// plain host[:port] is refused, so it cannot smuggle a path or credentials into the URLs built
// from it.
func baseURL(cfg ShopConfig, r *http.Request) (string, bool) {
	if cfg.BaseURL != "" {
		return strings.TrimRight(cfg.BaseURL, "/"), true
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	u, err := url.Parse(scheme + "://" + r.Host)
	if err != nil || r.Host == "" || u.Host != r.Host || u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" {
		return "", false
	}
	return scheme + "://" + r.Host, true
}
