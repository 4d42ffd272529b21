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
	"strings"
	"testing"

	"github.com/alexedwards/argon2id"

	"github.com/fenxiao/fenxiao/internal/account"
	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/clock"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/db/dbtest"
	"github.com/fenxiao/fenxiao/internal/network"
	"github.com/fenxiao/fenxiao/internal/order"
)

func init() {
	account.Params = &argon2id.Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
}

// adminEnv is a running console on a fresh database with one signed-in client per role.
type adminEnv struct {
	t       testing.TB
	ctx     context.Context
	DB      *db.DB
	Clock   *clock.Manual
	S       *Server
	URL     string
	clients map[string]*http.Client // by role; "" is signed out
	phones  int
}

func newAdminEnv(t testing.TB) *adminEnv {
	t.Helper()
	d, clk := dbtest.Open(t)
	log := slog.New(slog.NewTextHandler(adminTestLog{t}, nil)) // server errors show in the test's output
	s, err := New(Deps{DB: d, Log: log,
		Accounts: &account.Service{DB: d, SMS: account.LogSMS{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}},
		Network:  &network.Service{DB: d}, Catalog: &catalog.Service{DB: d, InUse: order.ProductInUse}, Orders: order.New(d)})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	s.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	e := &adminEnv{t: t, ctx: context.Background(), DB: d, Clock: clk, S: s, URL: srv.URL, clients: map[string]*http.Client{"": adminNewClient()}}
	for _, role := range []string{"owner", "operator", "finance"} {
		if _, err := s.Accounts.CreateStaff(e.ctx, role+"@shop", role+" 员工", role, "password-"+role); err != nil {
			t.Fatal(err)
		}
		c := adminNewClient()
		res, err := c.PostForm(srv.URL+"/admin/login", url.Values{"login": {role + "@shop"}, "password": {"password-" + role}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/" {
			t.Fatalf("sign in %s: %d %s", role, res.StatusCode, res.Header.Get("Location"))
		}
		e.clients[role] = c
	}
	return e
}

type adminTestLog struct{ t testing.TB }

func (l adminTestLog) Write(b []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// adminNewClient keeps cookies and does not follow redirects, so tests see the 303 of a form.
func adminNewClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

type adminResponse struct {
	Status   int
	Body     string
	Location string
	Header   http.Header
}

func (e *adminEnv) get(role, path string) adminResponse {
	e.t.Helper()
	return e.do(role, http.MethodGet, path, nil)
}

func (e *adminEnv) post(role, path string, form url.Values) adminResponse {
	e.t.Helper()
	return e.do(role, http.MethodPost, path, form)
}

func (e *adminEnv) do(role, method, path string, form url.Values) adminResponse {
	e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, e.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Accept-Language", "zh-CN")
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := e.clients[role].Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return adminResponse{Status: res.StatusCode, Body: string(b), Location: res.Header.Get("Location"), Header: res.Header}
}

// must checks the status of a response.
func (r adminResponse) must(t testing.TB, status int) adminResponse {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d; location %q; body:\n%s", r.Status, status, r.Location, r.Body)
	}
	return r
}

// near checks that msg appears in the page after the field's input and before the next input:
// the message is shown next to its field.
func (r adminResponse) near(t testing.TB, field, msg string) {
	t.Helper()
	at := strings.Index(r.Body, `name="`+field+`"`)
	if at < 0 {
		t.Fatalf("no input %s in page:\n%s", field, r.Body)
	}
	rest := r.Body[at+len(field)+7:]
	end := strings.Index(rest, "<input")
	if end < 0 {
		end = len(rest)
	}
	if sel := strings.Index(rest, "<select"); sel >= 0 && sel < end {
		end = sel
	}
	if !strings.Contains(rest[:end], msg) {
		t.Fatalf("message %q not next to field %s; after the field:\n%s", msg, field, rest[:min(len(rest), 600)])
	}
}

// inForm checks that msg appears inside the form posting to action.
func (r adminResponse) inForm(t testing.TB, action, msg string) {
	t.Helper()
	at := strings.Index(r.Body, `action="`+action+`"`)
	if at < 0 {
		t.Fatalf("no form for %s in page:\n%s", action, r.Body)
	}
	form := r.Body[at:]
	form = form[:strings.Index(form, "</form>")]
	if !strings.Contains(form, msg) {
		t.Fatalf("message %q not in the form for %s:\n%s", msg, action, form)
	}
}

// alert checks that msg is the page's message at the top (about no field in particular).
func (r adminResponse) alert(t testing.TB, msg string) {
	t.Helper()
	at := strings.Index(r.Body, `<p class="error" role="alert">`)
	if at < 0 || !strings.Contains(r.Body[at:at+strings.Index(r.Body[at:], "</p>")], msg) {
		t.Fatalf("no alert %q in page:\n%s", msg, r.Body)
	}
}

// count returns a single number from SQL.
func (e *adminEnv) count(query string, args ...any) int64 {
	e.t.Helper()
	var n int64
	if err := e.DB.R.QueryRowContext(e.ctx, query, args...).Scan(&n); err != nil {
		e.t.Fatalf("%s: %v", query, err)
	}
	return n
}

// distributor applies and approves a distributor; parent makes it a level 2.
func (e *adminEnv) distributor(name string, parent *network.Distributor) network.Distributor {
	e.t.Helper()
	e.phones++
	app := network.Application{Name: name, Phone: fmt.Sprintf("139%08d", e.phones)}
	if parent != nil {
		app.InviteCode = *parent.InviteCode
	}
	d, err := e.S.Network.Apply(e.ctx, app)
	if err != nil {
		e.t.Fatal(err)
	}
	if d, err = e.S.Network.Approve(e.ctx, d.ID); err != nil {
		e.t.Fatal(err)
	}
	return d
}

// product makes an on-shelf product with one SKU and returns it.
func (e *adminEnv) product(name string, priceFen, stock int64) catalog.Product {
	e.t.Helper()
	p, err := e.S.Catalog.Create(e.ctx, catalog.ProductInput{Name: name, SKUs: []catalog.SKUInput{{PriceFen: priceFen, Stock: stock}}})
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// paidOrder places and pays an order through ref.
func (e *adminEnv) paidOrder(ref string, discount, shipping int64, lines ...order.LineInput) order.Order {
	e.t.Helper()
	e.phones++
	o, _, err := e.S.Orders.Create(e.ctx, order.Input{CustomerName: "顾客", CustomerPhone: fmt.Sprintf("137%08d", e.phones),
		ShipAddress: "杭州市西湖区", Ref: ref, DiscountFen: discount, ShippingFen: shipping, Lines: lines})
	if err != nil {
		e.t.Fatal(err)
	}
	o, err = e.S.Orders.Pay(e.ctx, o.ID, order.PayInput{AmountFen: o.TotalFen, Provider: "sandbox", Reference: "P" + o.OrderNo})
	if err != nil {
		e.t.Fatal(err)
	}
	return o
}
