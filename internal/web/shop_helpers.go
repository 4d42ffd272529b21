package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"slices"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/fenxiao/fenxiao/internal/errs"
)

// shopT translates a message for the visitor outside a page, e.g. for a flash.
func (s *Server) shopT(w http.ResponseWriter, r *http.Request, id string, kv ...any) string {
	p := &Page{loc: i18n.NewLocalizer(s.bundle, lang(w, r), languages[0])}
	return p.T(id, kv...)
}

// The order numbers this session placed or unlocked with the phone's last digits; only these
// order pages are shown to it.
const (
	ordersKey     = "shop_orders"
	maxRemembered = 20
)

func (s *Server) ownsOrder(ctx context.Context, orderNo string) bool {
	return orderNo != "" && slices.Contains(strings.Split(s.Sessions.GetString(ctx, ordersKey), ","), orderNo)
}

func (s *Server) rememberOrder(ctx context.Context, orderNo string) {
	if s.ownsOrder(ctx, orderNo) {
		return
	}
	nos := []string{orderNo}
	if old := s.Sessions.GetString(ctx, ordersKey); old != "" {
		nos = append(nos, strings.Split(old, ",")...)
	}
	if len(nos) > maxRemembered {
		nos = nos[:maxRemembered]
	}
	s.Sessions.Put(ctx, ordersKey, strings.Join(nos, ","))
}

// newToken is a random hex string: the checkout form's idempotency key, so that a double
// submission places one order.
func newToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// shopFail is s.fail for customers: "not found" shows the translated page rather than the
// domain's English message, which is written for the merchant.
func (s *Server) shopFail(w http.ResponseWriter, r *http.Request, err error) {
	if errs.KindOf(err) == errs.NotFound {
		err = &errs.Error{Kind: errs.NotFound, Code: errs.CodeOf(err), Err: err}
	}
	s.fail(w, r, "s", err)
}
