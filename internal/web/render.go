package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/fenxiao/fenxiao/internal/account"
	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/identity"
	"github.com/fenxiao/fenxiao/internal/money"
	"github.com/fenxiao/fenxiao/internal/network"
)

//go:embed all:templates
var templateFS embed.FS

// Page is what every template gets. Pages call {{.T "id"}} for text in the visitor's language.
type Page struct {
	Title       string
	Lang        string
	Path        string
	Query       url.Values
	Staff       *account.Staff
	Distributor *network.Distributor
	Flash       string
	Errors      map[string]string // field → message, shown next to the field
	Form        url.Values        // what the person typed, kept on a refused form
	Data        any

	loc   *i18n.Localizer
	codes map[string]string // field → machine code of its error, for translation
}

// T translates a message id; extra arguments are key, value pairs for the message's template.
func (p *Page) T(id string, kv ...any) string {
	var data map[string]any
	if len(kv) > 1 {
		data = map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			data[fmt.Sprint(kv[i])] = kv[i+1]
		}
	}
	s, err := p.loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if err != nil || s == "" {
		return id
	}
	return s
}

// Value is what the person typed in a field, for refilling a refused form.
func (p *Page) Value(field string) string { return p.Form.Get(field) }

// Err is the message for a field, if any.
func (p *Page) Err(field string) string { return p.Errors[field] }

// With returns the current URL with some query parameters replaced (paging, sorting links).
func (p *Page) With(kv ...string) string {
	q := url.Values{}
	for k, v := range p.Query {
		q[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			q.Del(kv[i])
		} else {
			q.Set(kv[i], kv[i+1])
		}
	}
	if len(q) == 0 {
		return p.Path
	}
	return p.Path + "?" + q.Encode()
}

// Zone is the merchant's time zone for every time shown.
var Zone = func() *time.Location {
	if l, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return l
	}
	return time.FixedZone("CST", 8*3600)
}()

// Yuan formats fen as ¥12.34 (¥-12.34 for negatives); see internal/money.
func Yuan(fen int64) string { return money.Yuan(fen) }

var funcs = template.FuncMap{
	"yuan":  Yuan,
	"rcell": reportCell,
	"list":  func(v ...string) []string { return v },
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	},
	"bp": func(bp int64) string { return fmt.Sprintf("%d.%02d%%", bp/100, bp%100) },
	"datetime": func(t any) string {
		switch v := t.(type) {
		case time.Time:
			return v.In(Zone).Format("2006-01-02 15:04")
		case *time.Time:
			if v == nil {
				return ""
			}
			return v.In(Zone).Format("2006-01-02 15:04")
		}
		return ""
	},
	"date":      func(t time.Time) string { return t.In(Zone).Format("2006-01-02") },
	"maskPhone": identity.MaskPhone,
	"add":       func(a, b int) int { return a + b },
	"pages":     func(total, per int) int { return max(1, (total+per-1)/max(per, 1)) },
	"deref": func(p any) any {
		switch v := p.(type) {
		case *int64:
			if v == nil {
				return int64(0)
			}
			return *v
		case *string:
			if v == nil {
				return ""
			}
			return *v
		}
		return p
	},
}

// templates holds one parsed set per page: the surface's layout, the shared and the surface's
// partials, and the page.
type templates map[string]*template.Template

func parseTemplates() (templates, error) {
	out := templates{}
	shared, err := fs.Glob(templateFS, "templates/shared/*.html")
	if err != nil {
		return nil, err
	}
	for _, surface := range []string{"admin", "m", "s"} {
		pages, err := fs.Glob(templateFS, "templates/"+surface+"/*.html")
		if err != nil {
			return nil, err
		}
		// Files starting with _ are partials every page of the surface may use.
		partials, err := fs.Glob(templateFS, "templates/"+surface+"/_*.html")
		if err != nil {
			return nil, err
		}
		for _, p := range pages {
			name := path.Base(p)
			if name == "layout.html" || strings.HasPrefix(name, "_") {
				continue
			}
			files := append([]string{"templates/" + surface + "/layout.html"}, shared...)
			files = append(files, partials...)
			files = append(files, p)
			t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, files...)
			if err != nil {
				return nil, fmt.Errorf("parse %s: %w", p, err)
			}
			out[surface+"/"+strings.TrimSuffix(name, ".html")] = t
		}
	}
	return out, nil
}

// render writes a page with the surface layout; it renders to a buffer first so a template error
// becomes a clean 500 rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *Page) {
	t, ok := s.tmpl[name]
	if !ok {
		s.Log.Error("no template", "name", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	s.fill(w, r, p)
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		s.Log.Error("render", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	buf.WriteTo(w)
}

// fill sets what every page needs from the request.
func (s *Server) fill(w http.ResponseWriter, r *http.Request, p *Page) {
	p.Lang = lang(w, r)
	p.loc = i18n.NewLocalizer(s.bundle, p.Lang, languages[0])
	p.Path, p.Query = r.URL.Path, r.URL.Query()
	if p.Flash == "" {
		p.Flash = s.Sessions.PopString(r.Context(), "flash")
	}
	if p.Staff == nil {
		p.Staff = staffFrom(r)
	}
	if p.Distributor == nil {
		p.Distributor = DistributorFrom(r)
	}
	// Domain errors speak English; a catalog entry says it in the page's language: the surface's
	// own "<surface>.err.<code>" first (message ids share one bundle), then the shared "err.<code>".
	surface := strings.SplitN(strings.TrimPrefix(p.Path, "/"), "/", 2)[0]
	for field, code := range p.codes {
		for _, id := range []string{surface + ".err." + code, "err." + code} {
			if msg := p.T(id); msg != id {
				p.Errors[field] = msg
				break
			}
		}
	}
}

// flash shows a message on the next page.
func (s *Server) flash(r *http.Request, msg string) { s.Sessions.Put(r.Context(), "flash", msg) }

// formError turns a domain error into messages next to fields; false if it is not about input.
func formError(err error, p *Page) bool {
	var de *errs.Error
	if !errors.As(err, &de) || de.Kind == errs.Internal {
		return false
	}
	if p.Errors == nil {
		p.Errors = map[string]string{}
	}
	field := de.Field
	if field == "" {
		field = "_"
	}
	p.Errors[field] = de.Message
	if p.codes == nil {
		p.codes = map[string]string{}
	}
	p.codes[field] = de.Code
	return true
}

// fail renders an error page for errors that are not about a form field.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, surface string, err error) {
	status, msg := http.StatusInternalServerError, ""
	var de *errs.Error
	if errors.As(err, &de) && de.Kind != errs.Internal {
		msg = de.Message
		switch de.Kind {
		case errs.NotFound:
			status = http.StatusNotFound
		case errs.Forbidden:
			status = http.StatusForbidden
		case errs.Unauthorized:
			status = http.StatusUnauthorized
		case errs.Conflict:
			status = http.StatusConflict
		default:
			status = http.StatusUnprocessableEntity
		}
	} else {
		s.Log.ErrorContext(r.Context(), "page failed", "path", r.URL.Path, "err", err)
	}
	s.render(w, r, status, surface+"/error", &Page{Title: "error.title", Data: map[string]any{"Status": status, "Message": msg}})
}
