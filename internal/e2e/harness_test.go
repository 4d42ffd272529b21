package e2e_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/fenxiao/fenxiao/internal/account"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/db/dbtest"
	"github.com/fenxiao/fenxiao/internal/httpapi"
	"github.com/fenxiao/fenxiao/internal/material"
	"github.com/fenxiao/fenxiao/internal/payment"
	"github.com/fenxiao/fenxiao/internal/report"
	"github.com/fenxiao/fenxiao/internal/web"
)

// app is the whole program on a test server: the API and the three web surfaces, as serve wires them.
type app struct {
	URL  string
	DB   *db.DB
	API  *httpapi.Server
	Site *web.Server
}

func newApp(t *testing.T) *app {
	t.Helper()
	account.Params = &argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
	d, _ := dbtest.Open(t)
	d.Clock = realClock{} // the browser waits on real time; the server must agree with it
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	api := httpapi.New(d, log)
	site, err := web.New(web.Deps{DB: d, Log: log, Network: api.Network, Catalog: api.Catalog, Orders: api.Orders,
		Accounts: &account.Service{DB: d, SMS: account.LogSMS{Log: log}}})
	if err != nil {
		t.Fatal(err)
	}
	site.UsePortalMoney(web.SettlementStatements{Svc: api.Settlement}, web.PayoutWithdrawals{Svc: api.Payout})
	site.UsePayout(api.Payout)
	site.UseSettlement(api.Settlement)
	site.UseLinks(api.Links)
	site.UseReports(&report.Service{DB: api.DB})
	secret, err := payment.Secret(context.Background(), d, "")
	if err != nil {
		t.Fatal(err)
	}
	site.ConfigureShop(web.ShopConfig{Secret: secret, Provider: payment.Sandbox{}})
	media, err := material.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	api.Materials = &material.Service{DB: d, Store: media, Log: log}
	site.UsePromotion(web.Promotion{Posters: api.Posters, Materials: api.Materials})
	api.Web = site
	srv := httptest.NewServer(api.Handler())
	t.Cleanup(srv.Close)
	return &app{URL: srv.URL, DB: d, API: api, Site: site}
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now().UTC() }

// browser is a headless Chromium tab that records console errors and uncaught exceptions.
type browser struct {
	t      *testing.T
	ctx    context.Context
	mu     sync.Mutex
	errors []string
}

// chromium finds the browser; without one the test is skipped on a developer's machine and
// fails in CI, where .ci/run installs Debian's chromium.
func chromium(t *testing.T) string {
	for _, p := range []string{os.Getenv("FENXIAO_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("Chromium not found: CI must run the browser tests (install the chromium package)")
	}
	t.Skip("Chromium not found: install Debian's chromium (apt-get install chromium) to run the browser tests")
	return ""
}

func newBrowser(t *testing.T, width, height int64) *browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("no-first-run", true), chromedp.Flag("disable-quic", true), chromedp.Flag("lang", "zh-CN"), chromedp.Flag("accept-lang", "zh-CN,zh"),
		chromedp.WindowSize(int(width), int(height)), chromedp.UserDataDir(t.TempDir()))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	b := &browser{t: t}
	ctx, cancelCtx := chromedp.NewContext(actx, chromedp.WithListener(func(ev any) {
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError {
				b.mu.Lock()
				b.errors = append(b.errors, fmt.Sprintf("console.error %v", e.Args))
				b.mu.Unlock()
			}
		case *runtime.EventExceptionThrown:
			b.mu.Lock()
			b.errors = append(b.errors, fmt.Sprintf("exception %s at %s:%d", e.ExceptionDetails.Text, e.ExceptionDetails.URL, e.ExceptionDetails.LineNumber))
			b.mu.Unlock()
		}
	}))
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	// The first Run starts the browser and must not carry a timeout (it would stop the browser).
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height)); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	b.ctx = ctx
	return b
}

// do runs steps with a time limit.
func (b *browser) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

// text returns the visible text of the first element matching a CSS selector.
func (b *browser) text(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("read %s: %v", sel, err)
	}
	return s
}

// shot writes a full-page screenshot to artifacts/screenshots (not committed).
func (b *browser) shot(name string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := filepath.Join("..", "..", "artifacts", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	engine := "sqlite"
	if dbtest.Postgres() {
		engine = "postgres"
	}
	if err := os.WriteFile(filepath.Join(dir, engine+"-"+name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// noErrors fails the test if any page logged an error or threw.
func (b *browser) noErrors() {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.errors) > 0 {
		b.t.Fatalf("the pages reported errors:\n%s", strings.Join(b.errors, "\n"))
	}
}
