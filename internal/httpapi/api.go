// Package httpapi is fenxiao's JSON API under /api/v1 (OpenAPI 3.1 at /api/v1/openapi.json),
// plus the operational endpoints /healthz, /readyz and /metrics. Handlers only translate:
// the rules live in the domain packages.
package httpapi

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/fenxiao/fenxiao/internal/apikey"
	"github.com/fenxiao/fenxiao/internal/audit"
	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/link"
	"github.com/fenxiao/fenxiao/internal/material"
	"github.com/fenxiao/fenxiao/internal/network"
	"github.com/fenxiao/fenxiao/internal/order"
	"github.com/fenxiao/fenxiao/internal/payout"
	"github.com/fenxiao/fenxiao/internal/poster"
	"github.com/fenxiao/fenxiao/internal/settlement"
)

// Version is reported in the OpenAPI document.
var Version = "0.1.0"

// Server holds what the handlers need.
type Server struct {
	DB      *db.DB
	Log     *slog.Logger
	Keys    *apikey.Service
	Network *network.Service
	Catalog *catalog.Service
	Orders  *order.Service
	Payout  *payout.Service
	// Links makes tracked links and records their clicks; Close its Clicks on shutdown.
	Links *link.Service
	// BaseURL is the shop's public scheme://host for link URLs and QR codes; "": each request's.
	BaseURL string

	// Web mounts the HTML surfaces (console, portal, shop) on the same mux when set.
	Web interface{ Register(*http.ServeMux) }
	// Settlement settles commission and draws statements; its background runs outlive requests.
	Settlement *settlement.Service
	// Posters draws share posters; Materials keeps marketing materials (nil: their routes
	// answer 503).
	Posters   *poster.Service
	Materials *material.Service

	api     huma.API
	metrics *prometheus.Registry
	reqDur  *prometheus.HistogramVec
}

// New wires every route into one handler.
func New(d *db.DB, log *slog.Logger) *Server {
	orders := order.New(d)
	s := &Server{
		DB: d, Log: log,
		Keys:       &apikey.Service{DB: d},
		Network:    &network.Service{DB: d},
		Catalog:    &catalog.Service{DB: d, InUse: order.ProductInUse},
		Orders:     orders,
		Settlement: settlement.New(d, orders.Ledger, log),
		metrics:    prometheus.NewRegistry(),
	}
	s.Payout = payout.New(d, s.Orders.Ledger)
	s.Posters = poster.New(s.Catalog, s.Network, nil, poster.Images{}, os.Getenv(poster.EnvFont), log, 0)
	s.Links = link.New(d, log)
	s.reqDur = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "fenxiao_http_request_duration_seconds",
		Help:    "HTTP request latency by route and status.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
	}, []string{"route", "code"})
	s.metrics.MustRegister(s.Links.Clicks.Collectors()...)
	s.metrics.MustRegister(s.reqDur, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if d.Dialect == db.Postgres {
		s.metrics.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "fenxiao_db_retries_total",
			Help: "PostgreSQL transactions run again after a deadlock or serialization failure."},
			func() float64 { return float64(d.Retries()) }))
	}
	if d.Dialect == db.SQLite {
		s.metrics.MustRegister(
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "fenxiao_db_commits_total",
				Help: "SQLite commits of the single writer; concurrent write transactions share one (group commit)."},
				func() float64 { c, _ := d.GroupStats(); return float64(c) }),
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "fenxiao_db_transactions_total",
				Help: "SQLite write transactions run; divided by fenxiao_db_commits_total it is the average group."},
				func() float64 { _, n := d.GroupStats(); return float64(n) }))
	}
	return s
}

// Handler returns the root handler with logging and metrics around every request.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	cfg := huma.DefaultConfig("fenxiao API", Version)
	cfg.Components.Schemas = huma.NewMapRegistry("#/components/schemas/", schemaName)
	cfg.CreateHooks = nil // no $schema links in bodies: clients get plain JSON
	cfg.DocsPath = "/docs"
	cfg.Info.Description = "Two-level distribution (二级分销): distributors, products, orders, commissions, settlements and withdrawals. " +
		"Amounts are integer fen (`*_fen`), rates basis points (`*_bp`). Errors are RFC 9457 problem documents with a stable `code`."
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"apiKey": {Type: "http", Scheme: "bearer", Description: "an admin API key from `fenxiao apikey create`"},
	}
	cfg.Security = []map[string][]string{{"apiKey": {}}}
	api := humago.NewWithPrefix(mux, "/api/v1", cfg)
	api.UseMiddleware(s.authenticate)
	s.api = api

	s.routeDistributors()
	s.routeProducts()
	s.routeSettings()
	s.routeAudit()
	s.routeOrders()
	s.routeMoney()
	s.routeWithdrawals()
	s.routeSettlements()
	s.routeReports()
	s.routePosters()
	s.routeMaterials()
	s.routeLinks()

	mux.HandleFunc("/api/v1/", func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, newProblem(http.StatusNotFound, "route_not_found", "no API route "+r.Method+" "+r.URL.Path+"; see /api/v1/openapi.json"))
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", s.ready)
	if s.Web != nil {
		s.Web.Register(mux)
	}
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.metrics, promhttp.HandlerOpts{}))
	return s.observe(s.idempotent(mux))
}

// API exposes the huma API, e.g. for tests that read the OpenAPI document.
func (s *Server) API() huma.API { return s.api }

func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.DB.W.PingContext(ctx); err != nil {
		http.Error(w, "database unreachable: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	if n, err := s.DB.Pending(ctx); err != nil || n > 0 {
		http.Error(w, fmt.Sprintf("migrations pending: %d (%v)", n, err), http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	fmt.Fprintln(w, "ready")
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// statusLabels are the status codes as metric labels, made once rather than formatted on every
// request.
var statusLabels = func() (l [600]string) {
	for i := range l {
		l[i] = strconv.Itoa(i)
	}
	return l
}()

func statusLabel(code int) string {
	if code >= 0 && code < len(statusLabels) {
		return statusLabels[code]
	}
	return strconv.Itoa(code)
}

func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		took := time.Since(start)
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		s.reqDur.WithLabelValues(route, statusLabel(rec.status)).Observe(took.Seconds())
		level := slog.LevelInfo
		if rec.status >= 500 {
			level = slog.LevelError
		}
		// Link visits are counted in link_clicks and the request metrics; a log line each would
		// cost the redirect more than the redirect itself.
		if r.URL.Path != "/healthz" && r.URL.Path != "/metrics" && (rec.status >= 500 || !strings.HasPrefix(r.URL.Path, "/r/")) {
			s.Log.Log(r.Context(), level, "http", "method", r.Method, "path", r.URL.Path, "status", rec.status, "took", took)
		}
	})
}

// schemaName qualifies our types by package (order.Commission → OrderCommission) so two packages
// may use the same type name without clashing in the OpenAPI document.
func schemaName(t reflect.Type, hint string) string {
	name := huma.DefaultSchemaNamer(t, hint)
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	pkg, ok := strings.CutPrefix(t.PkgPath(), "github.com/fenxiao/fenxiao/internal/")
	if !ok || t.Name() == "" || pkg == "httpapi" {
		return name
	}
	prefix := strings.ToUpper(pkg[:1]) + pkg[1:]
	if strings.HasPrefix(name, prefix) {
		return name
	}
	return prefix + name
}

type keyCtx struct{}

// authenticate checks the bearer API key of every /api/v1 operation and the role the operation
// asks for (Metadata["roles"]); the key becomes the audit actor.
func (s *Server) authenticate(ctx huma.Context, next func(huma.Context)) {
	h := ctx.Header("Authorization")
	secret, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || secret == "" {
		huma.WriteErr(s.api, ctx, http.StatusUnauthorized, "send an admin API key as \"Authorization: Bearer fx_…\"; create one with `fenxiao apikey create`")
		return
	}
	key, err := s.Keys.Authenticate(ctx.Context(), strings.TrimSpace(secret))
	if err != nil {
		p := fail(ctx.Context(), s.Log, err).(*Problem)
		huma.WriteErr(s.api, ctx, p.Status, p.Detail)
		return
	}
	if roles, ok := ctx.Operation().Metadata["roles"].([]string); ok && key.Role != apikey.RoleOwner && !slices.Contains(roles, key.Role) {
		huma.WriteErr(s.api, ctx, http.StatusForbidden, fmt.Sprintf("this needs the %s role; the key %q has %s", strings.Join(roles, " or "), key.Name, key.Role))
		return
	}
	c := audit.WithActor(ctx.Context(), fmt.Sprintf("apikey:%d:%s", key.ID, key.Name))
	c = context.WithValue(c, keyCtx{}, key)
	next(huma.WithContext(ctx, c))
}

// op describes an operation with the defaults every route shares: a small body limit and roles.
func op(method, path, id, summary, tag string, roles ...string) huma.Operation {
	o := huma.Operation{
		OperationID:  id,
		Method:       method,
		Path:         path,
		Summary:      summary,
		Tags:         []string{tag},
		MaxBodyBytes: 64 << 10,
		Errors:       []int{400, 401, 403, 422},
	}
	if len(roles) > 0 {
		o.Metadata = map[string]any{"roles": roles}
	}
	return o
}
