package web

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/fenxiao/fenxiao/internal/errs"
)

// Helpers of the portal's handlers. Nothing here knows a business rule; the rules stay in the
// domain packages.

// portalPerPage is the length of every list in the portal: short pages for phones.
const portalPerPage = 20

// portalPager is what the "m-pager" partial needs; list pages carry it as Data.Pager.
type portalPager struct {
	Page, Pages, Total int
	Prev, Next         string // URLs; "" at either end
}

// portalPagerFor builds the paging links of a list from the request's own URL, keeping its filters.
func portalPagerFor(r *http.Request, page, total int) portalPager {
	pages := max(1, (total+portalPerPage-1)/portalPerPage)
	link := func(n int) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(n))
		return r.URL.Path + "?" + q.Encode()
	}
	pg := portalPager{Page: page, Pages: pages, Total: total}
	if page > 1 {
		pg.Prev = link(min(page-1, pages))
	}
	if page < pages {
		pg.Next = link(page + 1)
	}
	return pg
}

// portalURL is a link to share: scheme and host of the request the distributor made, so a copied
// link opens the same site whatever domain the merchant serves it on.
func (s *Server) portalURL(r *http.Request, path string) string {
	scheme := "http"
	if r.TLS != nil || s.SecureCookies {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}

// portalMonth is the current calendar month in the merchant's zone (Asia/Shanghai), as UTC
// instants [from, to) for queries.
func portalMonth(now time.Time) (from, to time.Time) {
	n := now.In(Zone)
	start := time.Date(n.Year(), n.Month(), 1, 0, 0, 0, 0, Zone)
	return start.UTC(), start.AddDate(0, 1, 0).UTC()
}

// portalFieldError puts a domain error next to field (for errors the domain reports without one, such
// as a wrong password); false if err is not about input.
func portalFieldError(err error, p *Page, field string) bool {
	var de *errs.Error
	if !errors.As(err, &de) || de.Kind == errs.Internal {
		return false
	}
	cp := *de
	cp.Field = field
	return formError(&cp, p)
}

// portalAllow counts a hit against a per-IP bucket; on refusal or a database error it puts a message
// on the form and reports false.
func (s *Server) portalAllow(r *http.Request, p *Page, bucket string, limit int, window time.Duration) bool {
	ok, err := s.Accounts.Allow(r.Context(), bucket+":"+clientIP(r), limit, window)
	if err != nil {
		s.Log.ErrorContext(r.Context(), "rate limit", "bucket", bucket, "err", err)
	}
	if err != nil || !ok {
		formError(errs.E(errs.Conflict, "rate_limited", "too many attempts from this network; wait a few minutes"), p)
		return false
	}
	return true
}

// portalFail renders the portal's error page for an error that is not about a form field. A
// domain error shows in the visitor's language when the catalogs have "m.err.<code>"; anything
// else is logged and shown as an internal error by s.fail.
func (s *Server) portalFail(w http.ResponseWriter, r *http.Request, err error) {
	var de *errs.Error
	if !errors.As(err, &de) || de.Kind == errs.Internal {
		s.fail(w, r, "m", err)
		return
	}
	status := http.StatusUnprocessableEntity
	switch de.Kind {
	case errs.NotFound:
		status = http.StatusNotFound
	case errs.Forbidden:
		status = http.StatusForbidden
	case errs.Unauthorized:
		status = http.StatusUnauthorized
	case errs.Conflict:
		status = http.StatusConflict
	}
	s.portalRender(w, r, status, "m/error", &Page{Title: "error.title",
		Data: map[string]any{"Status": status, "Message": de.Message, "Code": "m.err." + de.Code}})
}

// portalNotFound is the answer to an id that is not the distributor's: the same as one that does not
// exist, so tampering with a URL tells nothing.
var portalNotFound = errs.E(errs.NotFound, "not_found", "not found")

// portalT translates a message for the visitor outside a page render, e.g. a flash before a
// redirect.
func (s *Server) portalT(w http.ResponseWriter, r *http.Request, id string) string {
	p := &Page{loc: i18n.NewLocalizer(s.bundle, lang(w, r), languages[0])}
	return p.T(id)
}

// portalPage is the ?page= of a list, from 1; absurd values are capped so the offset stays sane.
func portalPage(r *http.Request) int { return min(intParam(r, "page", 1), 100_000) }

// portalRender renders a portal page. Domain errors on its form are shown in the visitor's
// language from the portal's own "m.err.<code>" messages, so the portal's wording never replaces
// another surface's "err.<code>" (all catalogs share one bundle); codes the portal has no message
// for fall back to the shared "err.<code>" in s.render.
func (s *Server) portalRender(w http.ResponseWriter, r *http.Request, status int, name string, p *Page) {
	for field, code := range p.codes {
		if msg := s.portalT(w, r, "m.err."+code); msg != "m.err."+code {
			p.Errors[field] = msg
			delete(p.codes, field)
		}
	}
	s.render(w, r, status, name, p)
}
