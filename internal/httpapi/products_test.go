package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fenxiao/fenxiao/internal/db/dbtest"
	"github.com/fenxiao/fenxiao/internal/httpapi"
)

// scenario is one request and what must come back; bodies are matched by substrings so a table
// row reads like the API documentation.
type scenario struct {
	name   string
	method string
	url    string
	body   string
	key    string // operator, finance, or none
	status int
	want   []string
}

func TestProductsAPI(t *testing.T) {
	d, _ := dbtest.Open(t)
	srv := httpapi.New(d, slog.New(slog.DiscardHandler))
	h := srv.Handler()
	keys := map[string]string{}
	for _, role := range []string{"operator", "finance"} {
		_, secret, err := srv.Keys.Create(context.Background(), role+"-key", role)
		if err != nil {
			t.Fatal(err)
		}
		keys[role] = secret
	}
	do := func(t *testing.T, sc scenario) string {
		t.Helper()
		req := httptest.NewRequest(sc.method, sc.url, strings.NewReader(sc.body))
		if sc.body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if k := keys[sc.key]; k != "" {
			req.Header.Set("Authorization", "Bearer "+k)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		b, _ := io.ReadAll(rec.Body)
		if rec.Code != sc.status {
			t.Fatalf("%s %s: status %d, want %d: %s", sc.method, sc.url, rec.Code, sc.status, b)
		}
		for _, w := range sc.want {
			if !strings.Contains(string(b), w) {
				t.Errorf("%s %s: body lacks %s:\n%s", sc.method, sc.url, w, b)
			}
		}
		return string(b)
	}

	created := do(t, scenario{method: "POST", url: "/api/v1/products", key: "operator", status: 201, body: `{
		"name": "云南小粒咖啡豆 ☕",
		"images": ["https://img.example.com/coffee.jpg"],
		"commission": {"l1_direct": {"rate_bp": 1500}, "l2_direct": {"fixed_fen": 500}, "l1_override": null},
		"skus": [{"spec": "500g", "price_fen": 9990, "stock": 10, "sku_code": "CF-500"}, {"spec": "1kg", "price_fen": 18800}]}`,
		want: []string{`"name":"云南小粒咖啡豆 ☕"`, `"status":"on_shelf"`, `"distributable":true`,
			`"commission":{"l1_direct":{"rate_bp":1500},"l2_direct":{"fixed_fen":500}}`, `"price_fen":9990`, `"stock":10`}})
	var p struct {
		ID   int64 `json:"id"`
		SKUs []struct {
			ID int64 `json:"id"`
		} `json:"skus"`
	}
	if err := json.Unmarshal([]byte(created), &p); err != nil {
		t.Fatal(err)
	}
	other := do(t, scenario{method: "POST", url: "/api/v1/products", key: "operator", status: 201,
		body: `{"name": "Tea", "distributable": false, "skus": [{"price_fen": 100}]}`})
	var o struct {
		ID   int64 `json:"id"`
		SKUs []struct {
			ID int64 `json:"id"`
		} `json:"skus"`
	}
	if err := json.Unmarshal([]byte(other), &o); err != nil {
		t.Fatal(err)
	}
	one := fmt.Sprintf("/api/v1/products/%d", p.ID)

	for _, sc := range []scenario{
		{"no key", "GET", "/api/v1/products", "", "none", 401, []string{`"code":"unauthorized"`}},
		{"finance may read", "GET", "/api/v1/products?q=咖啡", "", "finance", 200, []string{`"total":1`, `"name":"云南小粒咖啡豆 ☕"`}},
		{"finance may not write", "POST", "/api/v1/products", `{"name": "x", "skus": [{"price_fen": 1}]}`, "finance", 403, []string{"operator"}},
		{"filter distributable", "GET", "/api/v1/products?distributable=false", "", "operator", 200, []string{`"total":1`, `"name":"Tea"`}},
		{"bad distributable", "GET", "/api/v1/products?distributable=maybe", "", "operator", 422, []string{`"code":"invalid_distributable"`}},
		{"bad status", "GET", "/api/v1/products?status=gone", "", "operator", 422, []string{`"code":"invalid_status"`}},
		{"paging", "GET", "/api/v1/products?page=2&per_page=1", "", "operator", 200, []string{`"total":2`, `"page":2`, `"per_page":1`, `"name":"云南小粒咖啡豆 ☕"`}},
		{"get", "GET", one, "", "finance", 200, []string{`"sku_code":"CF-500"`, `"reserved":0`}},
		{"get missing", "GET", "/api/v1/products/99999", "", "operator", 404, []string{`"code":"product_not_found"`}},
		{"price 0", "POST", "/api/v1/products", `{"name": "x", "skus": [{"price_fen": 0}]}`, "operator", 422,
			[]string{`"code":"invalid_price"`, `"location":"body.skus[0].price_fen"`}},
		{"rate over 100%", "POST", "/api/v1/products", `{"name": "x", "commission": {"l1_direct": {"rate_bp": 10001}}, "skus": [{"price_fen": 1}]}`, "operator", 422,
			[]string{`"code":"invalid_commission"`, "10001"}},
		{"unknown field", "POST", "/api/v1/products", `{"name": "x", "colour": "red", "skus": [{"price_fen": 1}]}`, "operator", 422, []string{"colour"}},
		{"unknown rule field", "POST", "/api/v1/products", `{"name": "x", "commission": {"l1_direct": {"percent": 15}}, "skus": [{"price_fen": 1}]}`, "operator", 422, []string{"percent"}},
		{"malformed JSON", "POST", "/api/v1/products", `{"name": `, "operator", 400, []string{`"code":"malformed_request"`}},
		{"duplicate SKU code", "POST", "/api/v1/products", `{"name": "x", "skus": [{"price_fen": 1, "sku_code": "CF-500"}]}`, "operator", 409,
			[]string{`"code":"duplicate_sku_code"`, "云南小粒咖啡豆"}},
		{"patch", "PATCH", one, fmt.Sprintf(`{"name": "云南咖啡豆", "commission": null, "change_skus": [{"id": %d, "price_fen": 19800}]}`, p.SKUs[1].ID), "operator", 200,
			[]string{`"name":"云南咖啡豆"`, `"commission":null`, `"price_fen":19800`}},
		{"patch unknown field", "PATCH", one, `{"price": 1}`, "operator", 422, []string{"price"}},
		{"patch another product's SKU", "PATCH", one, fmt.Sprintf(`{"remove_skus": [%d]}`, o.SKUs[0].ID), "operator", 422, []string{`"code":"sku_not_in_product"`}},
		{"add stock", "POST", one + "/stock", fmt.Sprintf(`{"sku_id": %d, "delta": 5, "reason": "到货"}`, p.SKUs[1].ID), "operator", 200,
			[]string{`"stock":5`, `"sold_out":false`}},
		{"remove too much", "POST", one + "/stock", fmt.Sprintf(`{"sku_id": %d, "delta": -11, "reason": "盘点"}`, p.SKUs[0].ID), "operator", 409,
			[]string{`"code":"insufficient_stock"`, "only 10 available"}},
		{"no reason", "POST", one + "/stock", fmt.Sprintf(`{"sku_id": %d, "delta": 1, "reason": ""}`, p.SKUs[0].ID), "operator", 422, []string{`"code":"reason_required"`}},
		{"SKU of another product", "POST", one + "/stock", fmt.Sprintf(`{"sku_id": %d, "delta": 1, "reason": "x"}`, o.SKUs[0].ID), "operator", 404, []string{`"code":"sku_not_found"`}},
		{"low stock", "GET", "/api/v1/products/low-stock", "", "finance", 200, []string{`"product_name":"Tea"`, `"stock":0`}},
		{"finance may not adjust", "POST", one + "/stock", fmt.Sprintf(`{"sku_id": %d, "delta": 1, "reason": "x"}`, p.SKUs[0].ID), "finance", 403, nil},
		{"delete", "DELETE", fmt.Sprintf("/api/v1/products/%d", o.ID), "", "operator", 200, []string{`{"deleted":true}`}},
		{"deleted is gone", "GET", fmt.Sprintf("/api/v1/products/%d", o.ID), "", "operator", 404, nil},
	} {
		t.Run(sc.name, func(t *testing.T) { do(t, sc) })
	}

	// A product with reserved stock is archived, not deleted, and the answer says why.
	if _, err := d.W.Exec(`UPDATE skus SET stock = stock - 1, reserved = reserved + 1 WHERE id = $1`, p.SKUs[0].ID); err != nil {
		t.Fatal(err)
	}
	do(t, scenario{method: "DELETE", url: one, key: "operator", status: 200, want: []string{`"archived":true`, `"reason":"orders reference`}})
	do(t, scenario{method: "GET", url: one, key: "operator", status: 200, want: []string{`"status":"archived"`}})
}
