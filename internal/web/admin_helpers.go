package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/export"
)

// What the console's pages share: paging, sorting, CSV switches, form errors on renamed fields.

// Roles of the console's pages (the owner passes every check).
var (
	adminAnyStaff  = []string{"operator", "finance"}
	adminOperators = []string{"operator"}
	adminReaders   = []string{"operator", "finance"} // finance reads orders and products, never changes them
	adminOwners    = []string{"owner"}
)

// adminPerPage is the console's page size.
const adminPerPage = 20

// adminPager is the paging of a list, with the links the _pager partial shows.
type adminPager struct {
	Page, PerPage, Total int
	PrevURL, NextURL     string
	CSVURL, XLSXURL      string
}

// Pages is the number of pages, at least one.
func (p adminPager) Pages() int { return max(1, (p.Total+p.PerPage-1)/max(p.PerPage, 1)) }

// adminPageParam is the requested page number, from 1.
func adminPageParam(r *http.Request) int { return min(intParam(r, "page", 1), 1_000_000) }

func adminOffset(page int) int { return (page - 1) * adminPerPage }

// newAdminPager pages the list at u (the request's URL, or the list's own on a refused POST).
func newAdminPager(u *url.URL, page, total int) adminPager {
	p := adminPager{Page: page, PerPage: adminPerPage, Total: total, CSVURL: adminURL(u, "format", "csv", "page", ""),
		XLSXURL: adminURL(u, "format", "xlsx", "page", "")}
	if page > 1 {
		p.PrevURL = adminURL(u, "page", strconv.Itoa(page-1))
	}
	if page < p.Pages() {
		p.NextURL = adminURL(u, "page", strconv.Itoa(page+1))
	}
	return p
}

// adminURL is u with some query parameters replaced ("" removes one).
func adminURL(u *url.URL, kv ...string) string {
	q := u.Query()
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			q.Del(kv[i])
		} else {
			q.Set(kv[i], kv[i+1])
		}
	}
	if len(q) == 0 {
		return u.Path
	}
	return u.Path + "?" + q.Encode()
}

// adminWantsExport reports whether a list was asked for as a download (?format=csv or xlsx).
func adminWantsExport(r *http.Request) bool {
	_, ok := export.ParseFormat(r.URL.Query().Get("format"))
	return ok
}

// adminSort picks the ORDER BY of a list from a whitelist; anything else is the first choice.
func adminSort(r *http.Request, choices [][2]string) (key, orderBy string) {
	want := r.URL.Query().Get("sort")
	for _, c := range choices {
		if c[0] == want {
			return c[0], c[1]
		}
	}
	return choices[0][0], choices[0][1]
}

// adminWhere collects the conditions of a list query, numbering parameters as they are added, so a
// filter left empty adds nothing and the planner sees only the conditions that apply.
type adminWhere struct {
	conds []string
	args  []any
}

// add appends cond. With one argument every "?" in cond stands for it; with several, "?1", "?2"…
// stand for the first, second….
func (w *adminWhere) add(cond string, args ...any) {
	if len(args) == 1 {
		w.args = append(w.args, args[0])
		w.conds = append(w.conds, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(w.args))))
		return
	}
	for i := len(args); i >= 1; i-- { // ?12 before ?1
		cond = strings.ReplaceAll(cond, "?"+strconv.Itoa(i), "$"+strconv.Itoa(len(w.args)+i))
	}
	w.args = append(w.args, args...)
	w.conds = append(w.conds, cond)
}

func (w *adminWhere) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// with is the WHERE clause with one more condition.
func (w *adminWhere) with(cond string) string {
	return " WHERE " + strings.Join(append(slices.Clone(w.conds), cond), " AND ")
}

// limit appends LIMIT and OFFSET parameters and returns the clause.
func (w *adminWhere) limit(n, off int) string {
	w.args = append(w.args, n, off)
	return " LIMIT $" + strconv.Itoa(len(w.args)-1) + " OFFSET $" + strconv.Itoa(len(w.args))
}

func adminLike(q string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q) + "%"
}

// adminFormError is formError with the domain's field name turned into the form's. A missing
// record is not a form error: the caller's s.fail answers 404.
func adminFormError(err error, p *Page, field func(string) string) bool {
	var de *errs.Error
	if !errors.As(err, &de) || de.Kind == errs.Internal || de.Kind == errs.NotFound {
		return false
	}
	c := *de
	c.Field = field(de.Field)
	return formError(&c, p)
}

// adminPage starts a Page for a handler that needs translations before rendering (flash messages,
// CSV headers).
func (s *Server) adminPage(w http.ResponseWriter, r *http.Request, title string, data any) *Page {
	p := &Page{Title: title, Data: data}
	p.Lang = lang(w, r)
	p.loc = i18n.NewLocalizer(s.bundle, p.Lang, languages[0])
	return p
}

// adminDone ends a successful POST: a message on the next page and a redirect to it.
func (s *Server) adminDone(w http.ResponseWriter, r *http.Request, to, msgID string, kv ...any) {
	s.flash(r, s.adminPage(w, r, "", nil).T(msgID, kv...))
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// adminRefuse re-renders a form that was refused, with what was typed and the messages.
func (s *Server) adminRefuse(w http.ResponseWriter, r *http.Request, name string, p *Page) {
	if p.Form == nil {
		p.Form = r.PostForm
	}
	s.render(w, r, http.StatusUnprocessableEntity, name, p)
}

// adminDay reads a merchant-zone date (2006-01-02) as the instant that day starts; ok is false
// when the value is absent or not a date.
func adminDay(r *http.Request, name string) (time.Time, bool) {
	t, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(r.URL.Query().Get(name)), Zone)
	return t, err == nil
}

// adminDayStart is the instant the merchant-zone day holding t began.
func adminDayStart(t time.Time) time.Time {
	y, m, d := t.In(Zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, Zone)
}

func adminItoa[T ~int | ~int64](n T) string { return strconv.FormatInt(int64(n), 10) }
