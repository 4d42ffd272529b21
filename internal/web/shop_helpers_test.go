package web_test

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
	"testing"

	"github.com/fenxiao/fenxiao/internal/account"
	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/clock"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/db/dbtest"
	"github.com/fenxiao/fenxiao/internal/network"
	"github.com/fenxiao/fenxiao/internal/order"
	"github.com/fenxiao/fenxiao/internal/verify"
	"github.com/fenxiao/fenxiao/internal/web"
)

// shopEnv is the whole site on a fresh database, served over real HTTP.
type shopEnv struct {
	t       *testing.T
	URL     string
	DB      *db.DB
	Clock   *clock.Manual
	Site    *web.Server
	Orders  *order.Service
	Catalog *catalog.Service
	Network *network.Service
	phones  int
}

func newShopEnv(t *testing.T) *shopEnv {
	t.Helper()
	d, clk := dbtest.Open(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	e := &shopEnv{t: t, DB: d, Clock: clk, Orders: order.New(d), Network: &network.Service{DB: d}}
	e.Catalog = &catalog.Service{DB: d, InUse: order.ProductInUse}
	site, err := web.New(web.Deps{DB: d, Log: log, Accounts: &account.Service{DB: d, SMS: account.LogSMS{Log: log}},
		Network: e.Network, Catalog: e.Catalog, Orders: e.Orders})
	if err != nil {
		t.Fatal(err)
	}
	e.Site = site
	mux := http.NewServeMux()
	site.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	e.URL = srv.URL
	return e
}

// product makes an on-shelf product; each price is a SKU with the given stock.
func (e *shopEnv) product(name string, stock int64, prices ...int64) catalog.Product {
	e.t.Helper()
	in := catalog.ProductInput{Name: name, Description: name + " 的介绍", Images: []string{"/uploads/" + fmt.Sprint(len(name)) + ".jpg"}}
	for i, p := range prices {
		in.SKUs = append(in.SKUs, catalog.SKUInput{Spec: fmt.Sprintf("规格%d", i+1), PriceFen: p, Stock: stock})
	}
	p, err := e.Catalog.Create(context.Background(), in)
	if err != nil {
		e.t.Fatalf("create product %s: %v", name, err)
	}
	return p
}

// distributor makes an approved distributor, level 2 when parent is given.
func (e *shopEnv) distributor(name string, parent *network.Distributor) network.Distributor {
	e.t.Helper()
	e.phones++
	app := network.Application{Name: name, Phone: fmt.Sprintf("137%08d", e.phones)}
	if parent != nil {
		app.InviteCode = *parent.InviteCode
	}
	d, err := e.Network.Apply(context.Background(), app)
	if err == nil {
		d, err = e.Network.Approve(context.Background(), d.ID)
	}
	if err != nil {
		e.t.Fatal(err)
	}
	return d
}

func (e *shopEnv) count(table string) int {
	e.t.Helper()
	var n int
	if err := e.DB.R.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func (e *shopEnv) order(no string) order.Order {
	e.t.Helper()
	var id int64
	if err := e.DB.R.QueryRow(`SELECT id FROM orders WHERE order_no = $1`, no).Scan(&id); err != nil {
		e.t.Fatalf("order %s: %v", no, err)
	}
	o, err := e.Orders.Get(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return o
}

func (e *shopEnv) verify() {
	e.t.Helper()
	b, err := verify.Run(context.Background(), e.DB)
	if err != nil || len(b) > 0 {
		e.t.Fatalf("verify: %v %+v", err, b)
	}
}

// shopBrowser is one customer's browser: its own cookies, redirects not followed so each step
// can be checked.
type shopBrowser struct {
	t    *testing.T
	e    *shopEnv
	jar  *cookiejar.Jar
	http *http.Client
}

func (e *shopEnv) browser() *shopBrowser {
	jar, _ := cookiejar.New(nil)
	return &shopBrowser{t: e.t, e: e, jar: jar, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type shopResp struct {
	Status   int
	Body     string
	Location string
	Header   http.Header
}

func (b *shopBrowser) do(method, path string, form url.Values) shopResp {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	if !strings.HasPrefix(path, "http") {
		path = b.e.URL + path
	}
	req, err := http.NewRequest(method, path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Accept-Language", "zh-CN")
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := b.http.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return shopResp{Status: res.StatusCode, Body: string(out), Location: res.Header.Get("Location"), Header: res.Header}
}

func (b *shopBrowser) get(path string) shopResp { return b.do(http.MethodGet, path, nil) }

func (b *shopBrowser) post(path string, form url.Values) shopResp {
	return b.do(http.MethodPost, path, form)
}

// follow GETs where a redirect points.
func (b *shopBrowser) follow(r shopResp) shopResp {
	b.t.Helper()
	if r.Status < 300 || r.Status > 399 {
		b.t.Fatalf("want a redirect, got %d: %s", r.Status, r.Body)
	}
	return b.get(r.Location)
}

func (b *shopBrowser) cookie(name string) *http.Cookie {
	u, _ := url.Parse(b.e.URL)
	for _, c := range b.jar.Cookies(u) {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func (b *shopBrowser) setCookie(name, value string) {
	u, _ := url.Parse(b.e.URL)
	b.jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

var shopTokenRE = regexp.MustCompile(`name="token" value="([0-9a-f]{32})"`)

// checkout opens the checkout for lines (nil: the cart) and submits it with the customer fields;
// it returns the response to the submission.
func (b *shopBrowser) checkout(lines url.Values, name, phone, address string) shopResp {
	b.t.Helper()
	path := "/s/checkout"
	if lines != nil {
		path += "?" + lines.Encode()
	}
	page := b.get(path)
	if page.Status != http.StatusOK {
		b.t.Fatalf("checkout page: %d %s", page.Status, page.Body)
	}
	m := shopTokenRE.FindStringSubmatch(page.Body)
	if m == nil {
		b.t.Fatalf("no token on the checkout page: %s", page.Body)
	}
	form := url.Values{"token": {m[1]}, "customer_name": {name}, "customer_phone": {phone}, "ship_address": {address}}
	for _, f := range regexp.MustCompile(`name="(sku|qty|from)" value="([^"]*)"`).FindAllStringSubmatch(page.Body, -1) {
		form.Add(f[1], f[2])
	}
	return b.post("/s/checkout", form)
}

var shopOrderNoRE = regexp.MustCompile(`/s/(?:sandbox|o)/(FX\d+)`)

// orderNo is the order number in a redirect to the sandbox or the order page.
func orderNo(t *testing.T, r shopResp) string {
	t.Helper()
	m := shopOrderNoRE.FindStringSubmatch(r.Location)
	if m == nil {
		t.Fatalf("no order number in the redirect (%d %q): %s", r.Status, r.Location, r.Body)
	}
	return m[1]
}

func line(sku int64, qty int) url.Values {
	return url.Values{"sku": {fmt.Sprint(sku)}, "qty": {fmt.Sprint(qty)}}
}
