package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/fenxiao/fenxiao/internal/link"
)

// UseLinks turns on tracked links: /r/{code}, the portal's "my links" and the console's
// promotion page. Call it before the server's Handler is built.
func (s *Server) UseLinks(l *link.Service) { s.links.Store(l) }

// linkRedirect serves /r/{code} (DESIGN.md §3). The code is resolved from the link cache, the
// visit handed to the click recorder (never waiting on the database), and the visitor sent on
// with 302:
//   - an approved distributor's shop or product link sets the signed referral cookie, exactly as
//     /s/?ref= does, and opens the shop or the product;
//   - an invite link opens the application with the invite code filled in, without the cookie
//     (it recruits distributors, not customers);
//   - a bot goes where the link goes (so link previews work) but gets no cookie and its click is
//     stored as not credited;
//   - a frozen, pending or rejected distributor's link opens the shop with no cookie; the click is
//     stored as not credited so the merchant can see it;
//   - an unknown code opens the shop and is not stored: there is no link to count it against.
func (s *Server) linkRedirect(w http.ResponseWriter, r *http.Request) {
	// Set by hand, the three headers share one allocation instead of one each.
	h, v := w.Header(), [...]string{"no-store", "no-referrer", "noindex"}
	h["Cache-Control"] = v[0:1:1] // a cached redirect would skip the click and the cookie
	h["Referrer-Policy"] = v[1:2:2]
	h["X-Robots-Tag"] = v[2:3:3]
	links := s.links.Load()
	if links == nil {
		http.Redirect(w, r, "/s/", http.StatusFound)
		return
	}
	ctx := r.Context()
	t, ok, err := links.Resolve(ctx, strings.ToUpper(r.PathValue("code")))
	if err != nil {
		s.Log.ErrorContext(ctx, "resolve link", "code", r.PathValue("code"), "err", err)
	}
	if !ok {
		http.Redirect(w, r, "/s/", http.StatusFound)
		return
	}
	cfg, err := s.shopConfig(ctx)
	if err != nil {
		s.Log.ErrorContext(ctx, "shop config", "err", err)
		http.Redirect(w, r, "/s/", http.StatusFound)
		return
	}
	ua := r.UserAgent()
	class := link.ClassifyUA(ua)
	credited := t.Credits() && class != link.UABot
	links.Clicks.Record(link.Click{LinkID: t.LinkID, DistributorID: t.DistributorID, ProductID: t.ProductID,
		At: s.DB.Now(), ReferrerHost: link.ReferrerHost(r.Referer()), UAClass: class,
		ClientKey: cfg.clickKeys.Key(r.RemoteAddr, ua), Credited: credited})
	if !t.Credits() {
		http.Redirect(w, r, "/s/", http.StatusFound)
		return
	}
	dest := "/s/"
	switch t.Kind {
	case link.Product:
		dest = "/s/p/" + strconv.FormatInt(t.ProductID, 10)
	case link.Invite:
		http.Redirect(w, r, "/m/apply?invite="+url.QueryEscape(t.InviteCode), http.StatusFound)
		return
	}
	if credited {
		s.putRefCookie(w, cfg, t.DistributorCode)
	}
	http.Redirect(w, r, dest, http.StatusFound)
}
