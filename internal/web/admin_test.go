package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fenxiao/fenxiao/internal/order"
)

// Every console page renders for the owner, and each role reaches exactly its pages.
func TestAdminRoleMatrix(t *testing.T) {
	e := newAdminEnv(t)
	alice := e.distributor("Alice", nil)
	p := e.product("茶叶", 5800, 10)
	o := e.paidOrder(alice.Code, 0, 0, order.LineInput{SKUID: p.SKUs[0].ID, Quantity: 1})
	pages := map[string][]string{ // path → roles that may open it (owner always may)
		"/admin/":             {"operator", "finance"},
		"/admin/review":       {"operator"},
		"/admin/distributors": {"operator"},
		fmt.Sprintf("/admin/distributors/%d", alice.ID): {"operator"},
		"/admin/products":                       {"operator", "finance"},
		"/admin/products/low-stock":             {"operator", "finance"},
		"/admin/products/new":                   {"operator"},
		fmt.Sprintf("/admin/products/%d", p.ID): {"operator", "finance"},
		"/admin/orders":                         {"operator", "finance"},
		fmt.Sprintf("/admin/orders/%d", o.ID):   {"operator", "finance"},
		"/admin/settings":                       {},
		"/admin/audit":                          {},
		"/admin/keys":                           {},
		"/admin/staff":                          {},
	}
	for path, roles := range pages {
		for _, role := range []string{"owner", "operator", "finance"} {
			want := http.StatusForbidden
			if role == "owner" || contains(roles, role) {
				want = http.StatusOK
			}
			if got := e.get(role, path); got.Status != want {
				t.Errorf("%s GET %s: %d, want %d\n%s", role, path, got.Status, want, got.Body)
			}
		}
		if got := e.get("", path); got.Status != http.StatusSeeOther || !strings.HasPrefix(got.Location, "/admin/login") {
			t.Errorf("signed out GET %s: %d %s, want a redirect to sign in", path, got.Status, got.Location)
		}
	}
	// Changes: finance may not edit products or act on orders; operator may not change settings.
	posts := []struct {
		role, path string
		form       url.Values
	}{
		{"finance", "/admin/products", url.Values{"name": {"新品"}, "rows": {"1"}, "sku.0.price": {"1.00"}, "status": {"on_shelf"}}},
		{"finance", fmt.Sprintf("/admin/products/%d", p.ID), url.Values{"name": {"改名"}, "rows": {"0"}, "status": {"on_shelf"}}},
		{"finance", fmt.Sprintf("/admin/products/%d/stock", p.ID), url.Values{"sku_id": {fmt.Sprint(p.SKUs[0].ID)}, "delta": {"5"}, "reason": {"盘点"}}},
		{"finance", fmt.Sprintf("/admin/orders/%d/ship", o.ID), url.Values{"carrier": {"顺丰"}, "tracking_no": {"SF1"}}},
		{"finance", fmt.Sprintf("/admin/review/%d/approve", alice.ID), nil},
		{"operator", "/admin/settings/commission", url.Values{"commission.l1_direct": {"20"}}},
		{"operator", "/admin/keys", url.Values{"name": {"x"}, "role": {"owner"}}},
		{"operator", "/admin/staff", url.Values{"login": {"x@shop"}, "name": {"x"}, "role": {"operator"}, "password": {"long-enough"}}},
	}
	audits := e.count(`SELECT count(*) FROM audit_log`)
	for _, c := range posts {
		if got := e.post(c.role, c.path, c.form); got.Status != http.StatusForbidden {
			t.Errorf("%s POST %s: %d, want 403", c.role, c.path, got.Status)
		}
	}
	if n := e.count(`SELECT count(*) FROM audit_log`); n != audits {
		t.Fatalf("forbidden posts changed something: %d audit entries, want %d", n, audits)
	}
	got, _ := e.S.Catalog.Get(e.ctx, p.ID)
	if got.Name != "茶叶" || got.SKUs[0].Stock != 9 {
		t.Fatalf("product after forbidden posts: %q stock %d", got.Name, got.SKUs[0].Stock)
	}
	// The nav shows each role its pages only.
	if body := e.get("finance", "/admin/").Body; strings.Contains(body, `href="/admin/settings"`) || strings.Contains(body, `href="/admin/distributors"`) {
		t.Fatal("finance's nav links to pages it cannot open")
	}
	if body := e.get("owner", "/admin/").Body; !strings.Contains(body, `href="/admin/settings"`) {
		t.Fatal("owner's nav has no settings link")
	}
	// Unknown console paths are a 404 page, after sign-in.
	e.get("operator", "/admin/nothing-here").must(t, http.StatusNotFound)
	e.get("operator", "/admin/orders/99999").must(t, http.StatusNotFound)
}
