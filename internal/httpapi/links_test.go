package httpapi_test

import (
	"fmt"
	"strings"
	"testing"
)

// The link routes: a distributor's links with full URLs, a product link made on first ask, QR
// images, stats and signals, and the operator role they need.
func TestLinkRoutes(t *testing.T) {
	a := newAPI(t)
	var alice, bob struct {
		ID         int64   `json:"id"`
		InviteCode *string `json:"invite_code"`
	}
	a.do("POST", "/api/v1/distributors", map[string]string{"name": "Alice", "phone": "13800000001"}).json(t, &alice)
	a.do("POST", fmt.Sprintf("/api/v1/distributors/%d/approve", alice.ID), nil)
	var product struct {
		ID int64 `json:"id"`
	}
	a.do("POST", "/api/v1/products", map[string]any{"name": "茶", "skus": []map[string]any{{"price_fen": 100, "stock": 1}}}).json(t, &product)

	var links []struct {
		Code string `json:"code"`
		Kind string `json:"kind"`
		URL  string `json:"url"`
	}
	r := a.do("GET", fmt.Sprintf("/api/v1/distributors/%d/links", alice.ID), nil)
	if r.Status != 200 {
		t.Fatalf("links: %d %s", r.Status, r.Body)
	}
	r.json(t, &links)
	if len(links) != 2 || links[0].Kind != "shop" || links[1].Kind != "invite" || links[0].URL != a.URL+"/r/"+links[0].Code {
		t.Fatalf("links %+v", links)
	}
	r = a.do("GET", fmt.Sprintf("/api/v1/distributors/%d/products/%d/link", alice.ID, product.ID), nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), `"kind":"product"`) {
		t.Fatalf("product link: %d %s", r.Status, r.Body)
	}
	if r := a.do("GET", "/api/v1/links/"+links[0].Code+"/qr.png?size=200", nil); r.Status != 200 || r.Header.Get("Content-Type") != "image/png" || len(r.Body) < 100 {
		t.Fatalf("qr.png: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	if r := a.do("GET", "/api/v1/links/"+links[0].Code+"/qr.svg", nil); r.Status != 200 || !strings.HasPrefix(string(r.Body), "<svg") {
		t.Fatalf("qr.svg: %d %s", r.Status, r.Body)
	}
	a.do("GET", "/api/v1/links/ZZZZZZZZ/qr.png", nil).mustProblem(t, 404, "link_not_found")
	a.do("GET", "/api/v1/links/"+links[0].Code+"/qr.png?size=50", nil).mustProblem(t, 422, "bad_qr_size")
	a.do("POST", "/api/v1/distributors", map[string]string{"name": "Bob", "phone": "13800000002"}).json(t, &bob)
	a.do("GET", fmt.Sprintf("/api/v1/distributors/%d/links", bob.ID), nil).mustProblem(t, 409, "distributor_not_approved")
	for _, path := range []string{"/api/v1/links/stats?from=2026-03-01&to=2026-03-02", "/api/v1/links/signals"} {
		if r := a.do("GET", path, nil); r.Status != 200 || !strings.Contains(string(r.Body), "{") {
			t.Fatalf("%s: %d %s", path, r.Status, r.Body)
		}
	}
	fin := a.keyFor("finance")
	a.doWith(fin, "GET", fmt.Sprintf("/api/v1/distributors/%d/links", alice.ID), nil, nil).mustProblem(t, 403, "")
}
