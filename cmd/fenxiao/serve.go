package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/fenxiao/fenxiao/internal/account"
	"github.com/fenxiao/fenxiao/internal/httpapi"
	"github.com/fenxiao/fenxiao/internal/payment"
	"github.com/fenxiao/fenxiao/internal/poster"
	"github.com/fenxiao/fenxiao/internal/report"
	"github.com/fenxiao/fenxiao/internal/web"
)

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", "Runs the HTTP server. Migrations are applied at start (several nodes may start at once on\nPostgreSQL: one migrates, the others wait). SIGTERM or Ctrl-C drains requests and stops.", stderr)
	var c common
	c.register(fs)
	addr := fs.String("addr", env("FENXIAO_ADDR", "127.0.0.1:8080"), "address to listen on (FENXIAO_ADDR)")
	grace := fs.Duration("shutdown-timeout", 15*time.Second, "how long to let requests finish on shutdown")
	demoMode := fs.Bool("demo", env("FENXIAO_DEMO", "false") == "true", "fill an empty shop with demo data (products, distributors, 60 days of orders) and print the logins; never touches a shop that has an owner (FENXIAO_DEMO)")
	baseURL := fs.String("base-url", env("FENXIAO_BASE_URL", ""), "public URL of the shop, e.g. https://shop.example.com; empty: taken from each request (FENXIAO_BASE_URL)")
	secure := fs.Bool("secure-cookies", env("FENXIAO_SECURE_COOKIES", "false") == "true", "mark session cookies Secure; set when served over HTTPS (FENXIAO_SECURE_COOKIES)")
	mediaDir := fs.String("media-dir", env("FENXIAO_MEDIA_DIR", ""), "directory for uploaded marketing materials; empty: materials/ in --data-dir (FENXIAO_MEDIA_DIR)")
	posterFont := fs.String("poster-font", env(poster.EnvFont, ""), "font file with Chinese glyphs for posters (.ttf/.ttc/.otf); empty: searched among the system's fonts (FENXIAO_POSTER_FONT)")
	posterRemote := fs.Bool("poster-fetch-remote", env("FENXIAO_POSTER_FETCH_REMOTE", "false") == "true", "let posters fetch http(s) product pictures from public hosts (5 s, 10 MiB); off: such pictures show as a placeholder (FENXIAO_POSTER_FETCH_REMOTE)")
	runJobs := fs.Bool("jobs", env("FENXIAO_JOBS", "true") == "true", "run scheduled work (unpaid-order timeout, auto-complete, settlement) on this node; safe on several nodes (FENXIAO_JOBS)")
	if err := parse(fs, args); err != nil {
		return err
	}
	log := c.logger(stderr)
	d, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Migrate(ctx, log); err != nil {
		return err
	}
	api := httpapi.New(d, log)
	api.BaseURL = *baseURL
	// Runs after the server has drained (below) and before the database closes (above): every
	// click a finished request queued is written.
	defer func() {
		fctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := api.Links.Clicks.Close(fctx); err != nil {
			log.Error("link clicks not all written", "err", err)
		}
	}()
	site, err := web.New(web.Deps{DB: d, Log: log, Network: api.Network, Catalog: api.Catalog, Orders: api.Orders,
		Accounts: &account.Service{DB: d, SMS: account.LogSMS{Log: log}}, Secure: *secure})
	if err != nil {
		return err
	}
	defer site.CloseExports() // after the server drains: unfinished export files are removed
	site.UsePortalMoney(web.SettlementStatements{Svc: api.Settlement}, web.PayoutWithdrawals{Svc: api.Payout})
	site.UsePayout(api.Payout)
	site.UseSettlement(api.Settlement)
	site.UseLinks(api.Links)
	site.UseReports(&report.Service{DB: api.DB})
	secret, err := payment.Secret(ctx, d, secretEnv("FENXIAO_PAYMENT_SECRET"))
	if err != nil {
		return err
	}
	site.ConfigureShop(web.ShopConfig{Secret: secret, Provider: payment.Sandbox{}, BaseURL: *baseURL})
	log.Warn("the shop takes payments through the SANDBOX provider: pressing Pay marks an order paid and no money moves; connect a real payment provider before selling")
	if err := usePromotion(api, site, c.dataDir, *mediaDir, *posterFont, *posterRemote, *baseURL, log); err != nil {
		return err
	}
	api.Web = site
	isDemo := false
	if *demoMode {
		if isDemo, err = seedDemo(ctx, d, api, site, stdout); err != nil {
			return err
		}
	}
	srv := &http.Server{
		Handler:           api.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	log.Info("fenxiao serving", "url", "http://"+ln.Addr().String(), "database", string(d.Dialect), "api", "http://"+ln.Addr().String()+"/api/v1/openapi.json")
	base := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "fenxiao is listening on %s — shop %s/s/, console %s/admin/, API %s/api/v1/openapi.json\n", base, base, base, base)
	if has, err := site.Accounts.HasOwner(ctx); err == nil && !has {
		fmt.Fprintf(stdout, "First start: open %s/admin/ to create the owner account (or run `fenxiao user create`).\n", base)
	}
	if isDemo {
		printDemo(stdout, base)
	}
	if keys, err := api.Keys.List(ctx); err == nil && len(keys) == 0 {
		fmt.Fprintln(stdout, "No API keys yet: create one with `fenxiao apikey create --name me` (same --data-dir or FENXIAO_DATABASE_URL)")
	}

	jobsCtx, stopJobs := context.WithCancel(context.WithoutCancel(ctx))
	jobsDone := make(chan struct{})
	go func() {
		defer close(jobsDone)
		if *runJobs {
			if err := scheduled(d, api, log).Run(jobsCtx); err != nil {
				log.Error("jobs stopped", "err", err)
			}
		}
	}()
	defer func() { stopJobs(); <-jobsDone; api.Settlement.Wait() }()

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down", "grace", *grace)
	sctx, cancel := context.WithTimeout(context.Background(), *grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}
