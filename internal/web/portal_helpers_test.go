package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/fenxiao/fenxiao/internal/account"
	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/clock"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/db/dbtest"
	"github.com/fenxiao/fenxiao/internal/network"
	"github.com/fenxiao/fenxiao/internal/order"
	"github.com/fenxiao/fenxiao/internal/settings"
)

// Helpers of the portal's tests: a real database (SQLite, or PostgreSQL with
// FENXIAO_TEST_DATABASE_URL), the whole web server behind httptest, and browsers with cookie jars.

func init() {
	account.Params = &argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
}

// portalOutbox is the SMS provider of the tests: it keeps every message.
type portalOutbox struct {
	mu   sync.Mutex
	sent map[string][]string // phone → texts
}

func (o *portalOutbox) Send(_ context.Context, phone, text string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.sent == nil {
		o.sent = map[string][]string{}
	}
	o.sent[phone] = append(o.sent[phone], text)
	return nil
}

// code is the last code sent to phone.
func (o *portalOutbox) code(t *testing.T, phone string) string {
	t.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	texts := o.sent[phone]
	if len(texts) == 0 {
		t.Fatalf("no SMS sent to %s", phone)
	}
	return regexp.MustCompile(`\d{6}`).FindString(texts[len(texts)-1])
}

func (o *portalOutbox) count(phone string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.sent[phone])
}

type portalEnv struct {
	t      *testing.T
	DB     *db.DB
	Clock  *clock.Manual
	S      *Server
	URL    string
	SMS    *portalOutbox
	phones int
}

func newPortalEnv(t *testing.T) *portalEnv {
	t.Helper()
	d, clk := dbtest.Open(t)
	sms := &portalOutbox{}
	s, err := New(Deps{DB: d, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Accounts: &account.Service{DB: d, SMS: sms}, Network: &network.Service{DB: d},
		Catalog: &catalog.Service{DB: d, InUse: order.ProductInUse}, Orders: order.New(d)})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	s.Register(mux)
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return &portalEnv{t: t, DB: d, Clock: clk, S: s, URL: ts.URL, SMS: sms}
}

// portalBrowser is one person's browser: its own cookies, redirects not followed so tests see them.
type portalBrowser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func (e *portalEnv) browser() *portalBrowser {
	jar, _ := cookiejar.New(nil)
	return &portalBrowser{t: e.t, base: e.URL, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// portalResp is a response read whole.
type portalResp struct {
	Status   int
	Body     string
	Location string
}

func (b *portalBrowser) do(req *http.Request) portalResp {
	b.t.Helper()
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return portalResp{Status: res.StatusCode, Body: string(body), Location: res.Header.Get("Location")}
}

func (b *portalBrowser) get(path string) portalResp {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.base+path, nil)
	return b.do(req)
}

func (b *portalBrowser) post(path string, form url.Values) portalResp {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// want checks a response's status and, for a redirect, where it goes.
func (r portalResp) want(t *testing.T, status int, location string) portalResp {
	t.Helper()
	if r.Status != status || (location != "" && r.Location != location) {
		t.Fatalf("got %d → %q, want %d → %q\n%s", r.Status, r.Location, status, location, r.Body)
	}
	return r
}

func (r portalResp) has(t *testing.T, parts ...string) portalResp {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(r.Body, p) {
			t.Fatalf("page lacks %q\n%s", p, r.Body)
		}
	}
	return r
}

func (r portalResp) lacks(t *testing.T, parts ...string) portalResp {
	t.Helper()
	for _, p := range parts {
		if strings.Contains(r.Body, p) {
			t.Fatalf("page shows %q\n%s", p, r.Body)
		}
	}
	return r
}

func (e *portalEnv) nextPhone() string {
	e.phones++
	return fmt.Sprintf("139%08d", e.phones)
}

// applicant makes a pending application, level 2 under parent when given.
func (e *portalEnv) applicant(name string, parent *network.Distributor) network.Distributor {
	e.t.Helper()
	app := network.Application{Name: name, Phone: e.nextPhone()}
	if parent != nil {
		app.InviteCode = *parent.InviteCode
	}
	d, err := e.S.Network.Apply(context.Background(), app)
	if err != nil {
		e.t.Fatalf("apply %s: %v", name, err)
	}
	return d
}

// distributor makes an approved distributor.
func (e *portalEnv) distributor(name string, parent *network.Distributor) network.Distributor {
	e.t.Helper()
	d, err := e.S.Network.Approve(context.Background(), e.applicant(name, parent).ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return d
}

const portalTestPassword = "correct horse"

// signIn gives d a password and returns a browser signed in as d.
func (e *portalEnv) signIn(d network.Distributor) *portalBrowser {
	e.t.Helper()
	if err := e.S.Accounts.SetDistributorPassword(context.Background(), d.ID, portalTestPassword); err != nil {
		e.t.Fatal(err)
	}
	b := e.browser()
	b.post("/m/login", url.Values{"phone": {d.Phone}, "password": {portalTestPassword}}).want(e.t, http.StatusSeeOther, "")
	return b
}

// product makes an on-shelf product with one SKU.
func (e *portalEnv) product(name string, priceFen, stock int64, c *catalog.CommissionOverrides, distributable bool) catalog.Product {
	e.t.Helper()
	p, err := e.S.Catalog.Create(context.Background(), catalog.ProductInput{Name: name, Distributable: &distributable,
		Commission: c, SKUs: []catalog.SKUInput{{PriceFen: priceFen, Stock: stock}}})
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// order places and pays an order through ref at the clock's current time.
func (e *portalEnv) order(ref string, sku, qty int64) order.Order {
	e.t.Helper()
	ctx := context.Background()
	o, _, err := e.S.Orders.Create(ctx, order.Input{CustomerName: "顾客", CustomerPhone: e.nextPhone(), ShipAddress: "杭州市西湖区",
		Ref: ref, Lines: []order.LineInput{{SKUID: sku, Quantity: qty}}})
	if err != nil {
		e.t.Fatal(err)
	}
	o, err = e.S.Orders.Pay(ctx, o.ID, order.PayInput{AmountFen: o.TotalFen, Provider: "sandbox", Reference: "P" + o.OrderNo})
	if err != nil {
		e.t.Fatal(err)
	}
	return o
}

func (e *portalEnv) setNetwork(change func(*settings.Network)) {
	e.t.Helper()
	n := settings.DefaultNetwork()
	change(&n)
	if err := e.DB.InTx(context.Background(), func(tx *db.Tx) error { return settings.SaveNetwork(context.Background(), tx, n) }); err != nil {
		e.t.Fatal(err)
	}
}

func (e *portalEnv) countDistributors() int {
	e.t.Helper()
	var n int
	if err := e.DB.R.QueryRow(`SELECT count(*) FROM distributors`).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// at moves the clock to a time of the merchant's zone.
func (e *portalEnv) at(year int, month time.Month, day, hour, minute int) {
	e.Clock.Set(time.Date(year, month, day, hour, minute, 0, 0, Zone))
}

// portalFind returns the first group of pattern in s.
func portalFind(t *testing.T, s, pattern string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no %s in\n%s", pattern, s)
	}
	return m[1]
}

func portalMatch(s, pattern string) bool { return regexp.MustCompile(pattern).MatchString(s) }
