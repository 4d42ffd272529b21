// Package web serves fenxiao's three surfaces on the one server: the merchant console (/admin),
// the distributor portal (/m) and the customer shop (/s). Pages are server-rendered templates
// that work without JavaScript; the rules stay in the domain packages, handlers only translate.
package web

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/alexedwards/scs/v2"
	"github.com/nicksnyder/go-i18n/v2/i18n"

	"github.com/fenxiao/fenxiao/internal/account"
	"github.com/fenxiao/fenxiao/internal/audit"
	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/export"
	"github.com/fenxiao/fenxiao/internal/link"
	"github.com/fenxiao/fenxiao/internal/network"
	"github.com/fenxiao/fenxiao/internal/order"
	"github.com/fenxiao/fenxiao/internal/report"
)

//go:embed static
var staticFS embed.FS

// Server holds the services the pages use.
type Server struct {
	DB       *db.DB
	Log      *slog.Logger
	Accounts *account.Service
	Network  *network.Service
	Catalog  *catalog.Service
	Orders   *order.Service
	Sessions *scs.SessionManager
	// SecureCookies marks cookies Secure; set it when served over HTTPS.
	SecureCookies bool

	bundle *i18n.Bundle
	tmpl   templates
	money  portalMoneySources // statements and withdrawals for the portal, see UsePortalMoney
	shop   shopState          // how the shop takes payments, see ConfigureShop
	// dash keeps the console dashboard's closed days; a refund of an old order shows within
	// adminDashTTL.
	dash  atomic.Pointer[adminClosedDays]
	funds adminFunds // withdrawals and settlements for the console, see UsePayout
	promo Promotion  // posters and materials, see UsePromotion
	// links are the tracked links, QR codes and their figures, see UseLinks.
	links atomic.Pointer[link.Service]
	// jobs are the console's background exports, see exportJobs.
	jobs     *export.JobHandlers
	jobsOnce sync.Once
	// reports reads the report rollups, see UseReports.
	reports *report.Service
}

// Deps are the services the web needs; New builds the rest.
type Deps struct {
	DB       *db.DB
	Log      *slog.Logger
	Accounts *account.Service
	Network  *network.Service
	Catalog  *catalog.Service
	Orders   *order.Service
	Secure   bool
}

// New parses the templates and catalogs; it fails at start rather than on a visitor's request.
func New(d Deps) (*Server, error) {
	s := &Server{DB: d.DB, Log: d.Log, Accounts: d.Accounts, Network: d.Network, Catalog: d.Catalog, Orders: d.Orders,
		SecureCookies: d.Secure, Sessions: newSessions(d.DB, d.Secure)}
	var err error
	if s.bundle, err = newBundle(); err != nil {
		return nil, fmt.Errorf("load translations: %w", err)
	}
	if s.tmpl, err = parseTemplates(); err != nil {
		return nil, err
	}
	return s, nil
}

// Register mounts the three surfaces and the static files on mux.
func (s *Server) Register(mux *http.ServeMux) {
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", cacheStatic(http.FileServerFS(static))))
	wrap := func(h http.Handler) http.Handler { return s.protect(h) }
	admin := http.NewServeMux()
	s.routeAdmin(admin)
	mux.Handle("/admin/", wrap(admin))
	mux.Handle("/admin", http.RedirectHandler("/admin/", http.StatusFound))
	portal := http.NewServeMux()
	s.routePortal(portal)
	mux.Handle("/m/", wrap(portal))
	mux.Handle("/m", http.RedirectHandler("/m/", http.StatusFound))
	shop := http.NewServeMux()
	s.routeShop(shop)
	mux.Handle("/s/", wrap(shop))
	mux.Handle("/s", http.RedirectHandler("/s/", http.StatusFound))
	mux.Handle("GET /{$}", http.RedirectHandler("/s/", http.StatusFound))
	// Outside protect: a redirect needs no session, and sharing one would cost a read per visit.
	mux.HandleFunc("GET /r/{code}", s.linkRedirect)
}

// protect adds what every page needs: sessions, cross-origin protection against CSRF on every
// unsafe method, and headers that keep the pages from being framed or fed foreign scripts.
func (s *Server) protect(h http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	return cop.Handler(s.Sessions.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: https: http:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		r.Body = http.MaxBytesReader(w, r.Body, s.bodyLimit(r))
		h.ServeHTTP(w, r)
	})))
}

func cacheStatic(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}

type staffKey struct{}

func staffFrom(r *http.Request) *account.Staff {
	st, _ := r.Context().Value(staffKey{}).(*account.Staff)
	return st
}

// staff guards a console page: signed-in staff with one of roles (the owner may do anything).
func (s *Server) staff(roles []string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := s.Sessions.GetInt64(r.Context(), "staff_id")
		if id == 0 {
			http.Redirect(w, r, "/admin/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		st, err := s.Accounts.StaffByID(r.Context(), id)
		if err != nil {
			s.Sessions.Remove(r.Context(), "staff_id")
			http.Redirect(w, r, "/admin/login", http.StatusSeeOther)
			return
		}
		ctx := context.WithValue(r.Context(), staffKey{}, &st)
		ctx = audit.WithActor(ctx, fmt.Sprintf("staff:%d:%s", st.ID, st.Login))
		r = r.WithContext(ctx)
		if st.Role != "owner" && len(roles) > 0 && !contains(roles, st.Role) {
			s.render(w, r, http.StatusForbidden, "admin/error", &Page{Title: "error.title", Data: map[string]any{"Status": 403, "Message": ""}})
			return
		}
		h(w, r)
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

type distributorKey struct{}

// DistributorFrom returns the signed-in distributor of a portal request.
func DistributorFrom(r *http.Request) *network.Distributor {
	d, _ := r.Context().Value(distributorKey{}).(*network.Distributor)
	return d
}

// distributor guards a portal page: a signed-in distributor, loaded fresh so a freeze applies at once.
func (s *Server) distributor(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := s.Sessions.GetInt64(r.Context(), "distributor_id")
		if id == 0 {
			http.Redirect(w, r, "/m/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		d, err := s.Network.Get(r.Context(), id)
		if err != nil {
			s.Sessions.Remove(r.Context(), "distributor_id")
			http.Redirect(w, r, "/m/login", http.StatusSeeOther)
			return
		}
		ctx := context.WithValue(r.Context(), distributorKey{}, &d)
		ctx = audit.WithActor(ctx, fmt.Sprintf("distributor:%d:%s", d.ID, d.Code))
		h(w, r.WithContext(ctx))
	}
}

// signIn renews the session token (against fixation) and records who signed in.
func (s *Server) signIn(r *http.Request, key string, id int64) error {
	if err := s.Sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	s.Sessions.Put(r.Context(), key, id)
	return nil
}

// intParam reads a positive integer query or form value, def when absent or bad.
func intParam(r *http.Request, name string, def int) int {
	v, err := strconv.Atoi(r.FormValue(name))
	if err != nil || v <= 0 {
		return def
	}
	return v
}

// pathID reads the {id} of a route.
func pathID(r *http.Request) int64 {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id
}

// safeNext keeps a post-login redirect on this site.
func safeNext(next, def string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return def
	}
	return next
}

// adminExport sends a whole list as the download its ?format= asks for, CSV or XLSX, through
// internal/export — the one path of every list's export. title names the XLSX sheet. An error
// before the first byte gets the console's error page; one after it can only be logged.
func (s *Server) adminExport(w http.ResponseWriter, r *http.Request, name, title string, cols []export.Column, rows export.Rows) {
	f, _ := export.ParseFormat(r.URL.Query().Get("format"))
	t := export.Table{Columns: cols, Sheet: title, Zone: Zone, Progress: export.LogProgress(r.Context(), s.Log, name+"."+string(f))}
	_, started, err := export.Serve(w, r, f, export.Download{Name: name, Table: t, Rows: rows})
	if err == nil {
		return
	}
	if !started {
		s.fail(w, r, "admin", err)
		return
	}
	s.Log.ErrorContext(r.Context(), "export", "file", name, "format", f, "err", err)
}
