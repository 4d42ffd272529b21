package e2e_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"syscall"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/fenxiao/fenxiao/internal/account"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/db/dbtest"
	"github.com/fenxiao/fenxiao/internal/httpapi"
	"github.com/fenxiao/fenxiao/internal/network"
	"github.com/fenxiao/fenxiao/internal/payment"
	"github.com/fenxiao/fenxiao/internal/web"
)

const phoneUA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.40"

// linkServer is the program as serve wires it (API, web, links, a logger that formats every
// request line), with one approved distributor's shop link.
type linkServer struct {
	DB      *db.DB
	API     *httpapi.Server
	Handler http.Handler
	Code    string
}

func newLinkServer(tb testing.TB) *linkServer {
	tb.Helper()
	d, _ := dbtest.Open(tb)
	d.Clock = realClock{}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	api := httpapi.New(d, log)
	site, err := web.New(web.Deps{DB: d, Log: log, Network: api.Network, Catalog: api.Catalog, Orders: api.Orders,
		Accounts: &account.Service{DB: d, SMS: account.LogSMS{Log: log}}})
	if err != nil {
		tb.Fatal(err)
	}
	secret, err := payment.Secret(context.Background(), d, "")
	if err != nil {
		tb.Fatal(err)
	}
	site.ConfigureShop(web.ShopConfig{Secret: secret, Provider: payment.Sandbox{}})
	site.UseLinks(api.Links)
	api.Web = site
	ctx := context.Background()
	alice, err := api.Network.Apply(ctx, network.Application{Name: "爱丽丝", Phone: "13900000001"})
	if err == nil {
		alice, err = api.Network.Approve(ctx, alice.ID)
	}
	if err != nil {
		tb.Fatal(err)
	}
	l, err := api.Links.ForShop(ctx, alice.ID)
	if err != nil {
		tb.Fatal(err)
	}
	return &linkServer{DB: d, API: api, Handler: api.Handler(), Code: l.Code}
}

// bareRedirect is the yardstick: a handler that only redirects.
var bareRedirect = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/s/", http.StatusFound)
})

// serveLoopback serves h on 127.0.0.1 and returns its URL and the server for a graceful stop.
func serveLoopback(tb testing.TB, h http.Handler) (string, *http.Server) {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			tb.Error(err)
		}
	}()
	tb.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String(), srv
}

// attack sends as many requests as conns connections can for d, redirects not followed.
func attack(url string, conns int, d time.Duration) vegeta.Metrics {
	tr := vegeta.NewStaticTargeter(vegeta.Target{Method: http.MethodGet, URL: url, Header: http.Header{"User-Agent": {phoneUA}}})
	a := vegeta.NewAttacker(vegeta.Redirects(vegeta.NoFollow), vegeta.Connections(conns), vegeta.MaxConnections(conns),
		vegeta.Workers(uint64(conns)), vegeta.MaxWorkers(uint64(conns)), vegeta.KeepAlive(true), vegeta.Timeout(10*time.Second))
	var m vegeta.Metrics
	for res := range a.Attack(tr, vegeta.Rate{Freq: 0}, d, url) {
		m.Add(res)
	}
	m.Close()
	return m
}

// The load test of the issue, opt-in (FENXIAO_LOAD=1), on loopback only, a few seconds each:
// /r/{code} of the real server on SQLite against a bare redirect handler, same connections and
// duration in the same run; /r must reach 70% of the bare handler's requests per second. Then the
// server stops gracefully and every successful visit must be a stored click.
func TestLinkRedirectLoad(t *testing.T) {
	if os.Getenv("FENXIAO_LOAD") != "1" {
		t.Skip("set FENXIAO_LOAD=1 to run the load test")
	}
	const conns, dur, rounds = 16, 3 * time.Second, 3
	s := newLinkServer(t)
	realURL, srv := serveLoopback(t, s.Handler)
	bareURL, _ := serveLoopback(t, bareRedirect)

	attack(realURL+"/r/"+s.Code, conns, 300*time.Millisecond) // warm the link cache and connections
	attack(bareURL+"/r/x", conns, 300*time.Millisecond)
	// Alternate short rounds so that other work on the machine weighs on both alike.
	var bare, real vegeta.Metrics
	var bareCPU, realCPU time.Duration // the whole process's: attacker, server, recorder, GC
	for range rounds {
		c0 := processCPU()
		b := attack(bareURL+"/r/x", conns, dur/rounds)
		c1 := processCPU()
		r := attack(realURL+"/r/"+s.Code, conns, dur/rounds)
		c2 := processCPU()
		bare, bareCPU = merge(bare, b), bareCPU+c1-c0
		real, realCPU = merge(real, r), realCPU+c2-c1
	}
	ratio := real.Throughput / bare.Throughput
	// On a busy machine the requests per second swing with what else runs; the CPU each request
	// costs swings much less, and its ratio is what the throughput ratio tends to when the two
	// cores are this process's alone. Logged to explain a result, never to pass one.
	bareUS := float64(bareCPU.Microseconds()) / float64(bare.StatusCodes["302"])
	realUS := float64(realCPU.Microseconds()) / float64(real.StatusCodes["302"])
	t.Logf("CPU per request (attacker + server + recorder): bare %.1f µs, /r %.1f µs, ratio %.2f", bareUS, realUS, bareUS/realUS)
	t.Logf("bare redirect: %.0f req/s, p50 %v, p99 %v, success %.4f", bare.Throughput, bare.Latencies.P50, bare.Latencies.P99, bare.Success)
	t.Logf("/r/{code}:     %.0f req/s, p50 %v, p99 %v, success %.4f, codes %v", real.Throughput, real.Latencies.P50, real.Latencies.P99, real.Success, real.StatusCodes)
	t.Logf("ratio %.2f (target ≥ 0.70)", ratio)

	// Graceful stop: drain requests, then flush the recorder, as serve does.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.API.Links.Clicks.Close(ctx); err != nil {
		t.Fatal(err)
	}
	var rows int64
	if err := s.DB.R.QueryRow(`SELECT count(*) FROM link_clicks`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	warm := rows - int64(real.StatusCodes["302"])
	t.Logf("clicks stored %d = %d in the measured run + %d warming up", rows, real.StatusCodes["302"], warm)
	if real.Success != 1 || bare.Success != 1 {
		t.Fatalf("not every request succeeded: bare %.4f, /r %.4f (%v)", bare.Success, real.Success, real.Errors)
	}
	if warm < 0 {
		t.Fatalf("%d clicks stored, fewer than the %d successful visits", rows, real.StatusCodes["302"])
	}
	if ratio < 0.70 {
		t.Errorf("/r/{code} reached %.0f%% of the bare handler's requests per second, want at least 70%%", ratio*100)
	}
}

// TestLinkLoadNoClickLost counts exactly: every successful visit of one attack is one row.
func TestLinkLoadNoClickLost(t *testing.T) {
	if os.Getenv("FENXIAO_LOAD") != "1" {
		t.Skip("set FENXIAO_LOAD=1 to run the load test")
	}
	s := newLinkServer(t)
	url, srv := serveLoopback(t, s.Handler)
	m := attack(url+"/r/"+s.Code, 8, 2*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.API.Links.Clicks.Close(ctx); err != nil {
		t.Fatal(err)
	}
	var rows int
	if err := s.DB.R.QueryRow(`SELECT count(*) FROM link_clicks`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d visits at %.0f req/s, %d rows", m.Requests, m.Throughput, rows)
	if rows != m.StatusCodes["302"] || m.Success != 1 {
		t.Fatalf("%d rows for %d successful visits (success %.4f)", rows, m.StatusCodes["302"], m.Success)
	}
}

// processCPU is the user and system CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// merge adds b's counts to a; Throughput becomes successes per second of attack time.
func merge(a, b vegeta.Metrics) vegeta.Metrics {
	secs := a.Duration.Seconds() + b.Duration.Seconds()
	ok := a.Throughput*a.Duration.Seconds() + b.Throughput*b.Duration.Seconds()
	out := b
	out.Requests += a.Requests
	out.Duration += a.Duration
	out.Throughput = ok / secs
	out.Success = (a.Success*float64(a.Requests) + b.Success*float64(b.Requests)) / float64(out.Requests)
	out.StatusCodes = map[string]int{}
	for _, m := range []map[string]int{a.StatusCodes, b.StatusCodes} {
		for k, v := range m {
			out.StatusCodes[k] += v
		}
	}
	return out
}

// Benchmarks of the /r handler in process (no network) against the bare redirect.
func BenchmarkLinkRedirect(b *testing.B) {
	s := newLinkServer(b)
	defer s.API.Links.Clicks.Close(context.Background())
	benchRedirect(b, s.Handler, "/r/"+s.Code)
}

func BenchmarkBareRedirect(b *testing.B) { benchRedirect(b, bareRedirect, "/r/x") }

func benchRedirect(b *testing.B, h http.Handler, path string) {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("User-Agent", phoneUA)
	req.RemoteAddr = "127.0.0.1:5000"
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusFound {
			b.Fatalf("status %d", w.Code)
		}
	}
}
