package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/fenxiao/fenxiao/internal/apikey"
	"github.com/fenxiao/fenxiao/internal/settings"
)

// settingsForm is the settings page's values with some replaced.
func (e *adminEnv) settingsForm(kv ...string) url.Values {
	e.t.Helper()
	v, err := e.S.adminSettingsValues(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			v.Del(kv[i])
		} else {
			v.Set(kv[i], kv[i+1])
		}
	}
	return v
}

func TestAdminSettings(t *testing.T) {
	e := newAdminEnv(t)
	page := e.get("owner", "/admin/settings").must(t, http.StatusOK).Body
	for _, want := range []string{`name="commission.l1_direct" inputmode="decimal" value="10.00"`, `value="30"`, `value="0.00"`} {
		if !strings.Contains(page, want) {
			t.Fatalf("settings page lacks %s", want)
		}
	}
	// Refused: a third decimal, a plan paying out more than a sale, bad numbers. Nothing is stored.
	res := e.post("owner", "/admin/settings/commission", e.settingsForm("commission.l1_direct", "12.345")).must(t, http.StatusUnprocessableEntity)
	res.near(t, "commission.l1_direct", "比例最多两位小数")
	if !strings.Contains(res.Body, `value="12.345"`) {
		t.Fatal("typed rate not kept")
	}
	res = e.post("owner", "/admin/settings/commission", e.settingsForm("commission.l2_direct", "80", "commission.l1_override", "30")).must(t, http.StatusUnprocessableEntity)
	res.inForm(t, "/admin/settings/commission", "佣金比例不正确")
	res = e.post("owner", "/admin/settings/commission", e.settingsForm("commission.freeze_days", "400")).must(t, http.StatusUnprocessableEntity)
	res.near(t, "commission.freeze_days", "冻结天数须在 0 到 365 之间")
	res = e.post("owner", "/admin/settings/network", e.settingsForm("network.spend_threshold", "abc")).must(t, http.StatusUnprocessableEntity)
	res.near(t, "network.spend_threshold", "金额格式不正确")
	res = e.post("owner", "/admin/settings/binding", e.settingsForm("binding.binding_days", "4000")).must(t, http.StatusUnprocessableEntity)
	res.near(t, "binding.binding_days", "绑定天数须在 0")
	if plans, _ := settings.PlanHistory(e.ctx, e.DB.R); len(plans) > 1 {
		t.Fatalf("refused forms made plans %+v", plans)
	}
	if n := e.count(`SELECT count(*) FROM settings`); n != 0 {
		t.Fatalf("refused forms stored %d sections", n)
	}

	// Accepted: percent to basis points, yuan to fen, unchecked boxes are off.
	e.post("owner", "/admin/settings/commission", e.settingsForm("commission.l1_override", "3.5", "commission.freeze_days", "14")).must(t, http.StatusSeeOther)
	c, _ := settings.LoadCommission(e.ctx, e.DB.R)
	if c.L1DirectBP != 1000 || c.L2DirectBP != 800 || c.L1OverrideBP != 350 || c.PlanVersion != 2 || c.FreezeDays != 14 {
		t.Fatalf("commission %+v", c)
	}
	e.post("owner", "/admin/settings/network", e.settingsForm("network.review_mode", "auto", "network.spend_threshold", "1,000",
		"network.level1_can_invite", "")).must(t, http.StatusSeeOther)
	n, _ := settings.LoadNetwork(e.ctx, e.DB.R)
	if n.ReviewMode != "auto" || n.SpendThresholdFen != 100000 || n.Level1CanInvite || !n.Level1SeesTeamOrders {
		t.Fatalf("network %+v", n)
	}
	e.post("owner", "/admin/settings/binding", e.settingsForm("binding.mode", "last", "binding.binding_days", "7", "binding.self_purchase", "on")).must(t, http.StatusSeeOther)
	b, _ := settings.LoadBinding(e.ctx, e.DB.R)
	if b != (settings.Binding{Mode: "last", BindingDays: 7, SelfPurchase: true}) {
		t.Fatalf("binding %+v", b)
	}
	page = e.get("owner", "/admin/settings").Body
	if !strings.Contains(page, "<td>v2</td><td class=\"num\">10.00%</td><td class=\"num\">8.00%</td><td class=\"num\">3.50%</td><td>staff:") {
		t.Fatalf("plan history lacks v2:\n%s", page)
	}
}

func TestAdminKeys(t *testing.T) {
	e := newAdminEnv(t)
	e.post("owner", "/admin/keys", url.Values{"name": {""}, "role": {"finance"}}).must(t, http.StatusUnprocessableEntity).near(t, "name", "请填写名称")
	res := e.post("owner", "/admin/keys", url.Values{"name": {"erp-sync"}, "role": {"finance"}}).must(t, http.StatusOK)
	secret := regexp.MustCompile(`<code id="secret">(fx_[a-z0-9]+)</code>`).FindStringSubmatch(res.Body)
	if secret == nil {
		t.Fatalf("no secret on the page:\n%s", res.Body)
	}
	if res.Header.Get("Cache-Control") != "no-store" {
		t.Fatal("the page with the secret may be cached")
	}
	k, err := (&apikey.Service{DB: e.DB}).Authenticate(e.ctx, secret[1])
	if err != nil || k.Role != "finance" || k.Name != "erp-sync" {
		t.Fatalf("the shown secret: %+v %v", k, err)
	}
	if strings.Contains(e.get("owner", "/admin/keys").Body, secret[1]) {
		t.Fatal("the secret is shown again")
	}
	e.post("owner", fmt.Sprintf("/admin/keys/%d/revoke", k.ID), url.Values{}).must(t, http.StatusSeeOther)
	if _, err := (&apikey.Service{DB: e.DB}).Authenticate(e.ctx, secret[1]); err == nil {
		t.Fatal("a revoked key still works")
	}
	e.post("owner", "/admin/keys/9999/revoke", url.Values{}).must(t, http.StatusNotFound)
	if csvBody := e.get("owner", "/admin/keys?format=csv").Body; !strings.Contains(csvBody, "erp-sync,"+k.Prefix+",finance,") || strings.Contains(csvBody, secret[1]) {
		t.Fatalf("keys csv:\n%s", csvBody)
	}
}

func TestAdminStaff(t *testing.T) {
	e := newAdminEnv(t)
	form := func(kv ...string) url.Values {
		v := url.Values{"login": {"ops2@shop"}, "name": {"小王"}, "role": {"operator"}, "password": {"long-enough-1"}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	e.post("owner", "/admin/staff", form("role", "owner")).must(t, http.StatusUnprocessableEntity).near(t, "role", "这里只能创建运营或财务账号")
	res := e.post("owner", "/admin/staff", form("password", "short")).must(t, http.StatusUnprocessableEntity)
	res.near(t, "password", "密码须为 8 到 200 个字符")
	if !strings.Contains(res.Body, `value="ops2@shop"`) || strings.Contains(res.Body, `value="short"`) {
		t.Fatal("refused staff form: login not kept, or password shown")
	}
	e.post("owner", "/admin/staff", form("login", "operator@shop")).must(t, http.StatusUnprocessableEntity).near(t, "login", "该账号已被使用")
	e.post("owner", "/admin/staff", form()).must(t, http.StatusSeeOther)
	st, err := e.S.Accounts.LoginStaff(e.ctx, "ops2@shop", "long-enough-1")
	if err != nil || st.Role != "operator" {
		t.Fatalf("new staff: %+v %v", st, err)
	}
	if body := e.get("owner", "/admin/staff").Body; !strings.Contains(body, "ops2@shop") {
		t.Fatal("staff list lacks the new account")
	}
}

func TestAdminAudit(t *testing.T) {
	e := newAdminEnv(t)
	d := e.distributor("<i>Ivy</i>", nil)
	e.post("operator", fmt.Sprintf("/admin/distributors/%d/freeze", d.ID), url.Values{"reason": {"核查"}}).must(t, http.StatusSeeOther)
	body := e.get("owner", "/admin/audit?entity=distributor").must(t, http.StatusOK).Body
	if !strings.Contains(body, "distributor.freeze") || !strings.Contains(body, "staff:") || !strings.Contains(body, "核查") {
		t.Fatalf("audit page:\n%s", body)
	}
	if strings.Contains(body, "<i>Ivy</i>") {
		t.Fatal("audit page renders stored markup")
	}
	if strings.Contains(e.get("owner", "/admin/audit?entity=settings").Body, "distributor.freeze") {
		t.Fatal("entity filter")
	}
	res := e.get("owner", "/admin/audit?format=csv&entity=distributor")
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.Body, "\xEF\xBB\xBF"))).ReadAll()
	if err != nil || len(rows) != 4 || rows[1][3] != "distributor.freeze" { // header, freeze, approve, apply
		t.Fatalf("audit csv %q %v", rows, err)
	}
}
