package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// fieldErr matches an input named field followed by its error message.
func portalFieldErr(field, msg string) *regexp.Regexp {
	return regexp.MustCompile(`name="` + regexp.QuoteMeta(field) + `"[^>]*>(</label>)?\s*<p class="field-error">` + regexp.QuoteMeta(msg) + `</p>`)
}

func TestPortalCodeSignIn(t *testing.T) {
	e := newPortalEnv(t)
	amy := e.distributor("Amy", nil)
	b := e.browser()

	// Every portal page sends a stranger to the sign-in page.
	b.get("/m/orders").want(t, http.StatusSeeOther, "/m/login?next=%2Fm%2Forders")
	b.get("/m/login?mode=code").want(t, http.StatusOK, "").has(t, `action="/m/login/code"`)

	b.post("/m/login/code", url.Values{"action": {"send"}, "phone": {amy.Phone}}).want(t, http.StatusSeeOther, "/m/login?mode=code&next=")
	code := e.SMS.code(t, amy.Phone)
	// The page after sending keeps the phone (from the session, not the URL) and says so.
	b.get("/m/login?mode=code").want(t, http.StatusOK, "").has(t, `value="`+amy.Phone+`"`, "验证码已发送")

	// A code asked for again within the minute is refused, next to nothing but the form.
	b.post("/m/login/code", url.Values{"action": {"send"}, "phone": {amy.Phone}}).want(t, http.StatusUnprocessableEntity, "").
		has(t, "验证码发送太频繁")
	if n := e.SMS.count(amy.Phone); n != 1 {
		t.Fatalf("%d SMS sent, want 1", n)
	}

	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	r := b.post("/m/login/code", url.Values{"action": {"verify"}, "phone": {amy.Phone}, "code": {wrong}}).want(t, http.StatusUnauthorized, "")
	if !portalFieldErr("code", "验证码错误。").MatchString(r.Body) {
		t.Fatalf("wrong code: no message next to the code field\n%s", r.Body)
	}
	r.has(t, `value="`+amy.Phone+`"`)

	// The right code signs in; with no password yet the profile offers to set one.
	b.post("/m/login/code", url.Values{"action": {"verify"}, "phone": {amy.Phone}, "code": {code}}).want(t, http.StatusSeeOther, "/m/profile#password")
	b.get("/m/profile").want(t, http.StatusOK, "").has(t, "设置一个密码", "设置密码").lacks(t, `name="current"`)
	// The code is spent.
	e.browser().post("/m/login/code", url.Values{"action": {"verify"}, "phone": {amy.Phone}, "code": {code}}).want(t, http.StatusUnauthorized, "")

	// Set a password: mismatch and weak ones are refused and nothing is stored.
	b.post("/m/profile/password", url.Values{"password": {"abcdefgh1"}, "confirm": {"abcdefgh2"}}).want(t, http.StatusUnprocessableEntity, "").
		has(t, "两次输入的密码不一致")
	b.post("/m/profile/password", url.Values{"password": {"short"}, "confirm": {"short"}}).want(t, http.StatusUnprocessableEntity, "").
		has(t, "密码需为 8 至 200 个字符")
	if has, _ := e.S.portalHasPassword(context.Background(), amy.ID); has {
		t.Fatal("a refused password was stored")
	}
	b.post("/m/profile/password", url.Values{"password": {"new secret 1"}, "confirm": {"new secret 1"}}).want(t, http.StatusSeeOther, "/m/profile")
	// Changing it now needs the current one.
	b.get("/m/profile").has(t, "密码已保存", `name="current"`)
	b.post("/m/profile/password", url.Values{"current": {"nope nope"}, "password": {"new secret 2"}, "confirm": {"new secret 2"}}).
		want(t, http.StatusUnprocessableEntity, "").has(t, "手机号或密码错误")

	// Sign out ends the session.
	b.post("/m/logout", nil).want(t, http.StatusSeeOther, "/m/login")
	b.get("/m/").want(t, http.StatusSeeOther, "/m/login?next=%2Fm%2F")
	b.post("/m/login", url.Values{"phone": {amy.Phone}, "password": {"new secret 1"}}).want(t, http.StatusSeeOther, "/m/")
	b.get("/m/").want(t, http.StatusOK, "").has(t, "你好，Amy")
}

func TestPortalPasswordSignIn(t *testing.T) {
	e := newPortalEnv(t)
	bo := e.distributor("Bo", nil)
	if err := e.S.Accounts.SetDistributorPassword(context.Background(), bo.ID, portalTestPassword); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	r := b.post("/m/login", url.Values{"phone": {bo.Phone}, "password": {"wrong password"}, "next": {"/m/orders"}}).
		want(t, http.StatusUnauthorized, "")
	if !portalFieldErr("password", "手机号或密码错误。").MatchString(r.Body) {
		t.Fatalf("wrong password: no message next to the password field\n%s", r.Body)
	}
	r.has(t, `value="`+bo.Phone+`"`, `value="/m/orders"`).lacks(t, "wrong password")
	// An unknown phone gets the same answer.
	r = b.post("/m/login", url.Values{"phone": {"13700000000"}, "password": {"whatever1"}}).want(t, http.StatusUnauthorized, "")
	if !portalFieldErr("password", "手机号或密码错误。").MatchString(r.Body) {
		t.Fatalf("unknown phone: %s", r.Body)
	}
	b.post("/m/login", url.Values{"phone": {bo.Phone}, "password": {portalTestPassword}, "next": {"/m/orders"}}).want(t, http.StatusSeeOther, "/m/orders")
	// A next that leaves the site is ignored.
	e.browser().post("/m/login", url.Values{"phone": {bo.Phone}, "password": {portalTestPassword}, "next": {"//evil.example/"}}).
		want(t, http.StatusSeeOther, "/m/")
}

func TestPortalSignInRateLimit(t *testing.T) {
	e := newPortalEnv(t)
	b := e.browser()
	for range portalLoginLimit {
		b.post("/m/login", url.Values{"phone": {"13700000000"}, "password": {"guess guess"}}).want(t, http.StatusUnauthorized, "")
	}
	b.post("/m/login", url.Values{"phone": {"13700000000"}, "password": {"guess guess"}}).want(t, http.StatusTooManyRequests, "").
		has(t, "尝试次数太多", `value="13700000000"`)
}

func TestPortalPasswordReset(t *testing.T) {
	e := newPortalEnv(t)
	cy := e.distributor("Cy", nil)
	if err := e.S.Accounts.SetDistributorPassword(context.Background(), cy.ID, "old password"); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	b.post("/m/reset", url.Values{"action": {"send"}, "phone": {cy.Phone}}).want(t, http.StatusSeeOther, "/m/reset")
	code := e.SMS.code(t, cy.Phone)
	b.get("/m/reset").has(t, `value="`+cy.Phone+`"`)
	b.post("/m/reset", url.Values{"action": {"reset"}, "phone": {cy.Phone}, "code": {code}, "password": {"brand new pw"}, "confirm": {"brand new px"}}).
		want(t, http.StatusUnprocessableEntity, "").has(t, "两次输入的密码不一致")
	// A login code is not a reset code.
	e.Clock.Advance(2 * time.Minute) // one code a minute per phone
	b2 := e.browser()
	b2.post("/m/login/code", url.Values{"action": {"send"}, "phone": {cy.Phone}}).want(t, http.StatusSeeOther, "")
	loginCode := e.SMS.code(t, cy.Phone)
	r := b.post("/m/reset", url.Values{"action": {"reset"}, "phone": {cy.Phone}, "code": {loginCode + "x"}, "password": {"brand new pw"}, "confirm": {"brand new pw"}})
	r.want(t, http.StatusUnauthorized, "")
	if !portalFieldErr("code", "验证码错误。").MatchString(r.Body) {
		t.Fatalf("bad reset code: %s", r.Body)
	}
	b.post("/m/reset", url.Values{"action": {"reset"}, "phone": {cy.Phone}, "code": {code}, "password": {"brand new pw"}, "confirm": {"brand new pw"}}).
		want(t, http.StatusSeeOther, "/m/")
	b.get("/m/").want(t, http.StatusOK, "").has(t, "密码已重设")
	e.browser().post("/m/login", url.Values{"phone": {cy.Phone}, "password": {"old password"}}).want(t, http.StatusUnauthorized, "")
	e.browser().post("/m/login", url.Values{"phone": {cy.Phone}, "password": {"brand new pw"}}).want(t, http.StatusSeeOther, "/m/")
}

func TestPortalApply(t *testing.T) {
	e := newPortalEnv(t)
	alice := e.distributor("Alice", nil)
	b := e.browser()
	b.get("/m/apply?invite="+*alice.InviteCode).want(t, http.StatusOK, "").has(t, `name="invite_code" autocomplete="off" autocapitalize="characters" maxlength="32" value="`+*alice.InviteCode+`"`)

	before := e.countDistributors()
	bad := []struct {
		name        string
		form        url.Values
		field, msg  string
		keep        []string
		translation bool
	}{
		{"bad phone", url.Values{"name": {"小王"}, "phone": {"12345"}, "id_card": {"11010519491231002X"}},
			"phone", "手机号应为 11 位数字。", []string{`value="小王"`, `value="12345"`, `value="11010519491231002X"`}, true},
		{"bad ID checksum", url.Values{"name": {"小王"}, "phone": {"13812345678"}, "real_name": {"王小明"}, "id_card": {"110105194912310021"}},
			"id_card", "身份证号校验位不正确，请检查是否输错。", []string{`value="小王"`, `value="13812345678"`, `value="王小明"`, `value="110105194912310021"`}, true},
		{"unknown invite", url.Values{"name": {"小王"}, "phone": {"13812345678"}, "invite_code": {"NOPE99"}},
			"invite_code", "邀请码不存在，请向邀请你的人确认。", []string{`value="NOPE99"`}, true},
		{"no name", url.Values{"phone": {"13812345678"}}, "name", "此项必填。", []string{`value="13812345678"`}, true},
	}
	for _, c := range bad {
		r := b.post("/m/apply", c.form).want(t, http.StatusUnprocessableEntity, "")
		if !portalFieldErr(c.field, c.msg).MatchString(r.Body) {
			t.Fatalf("%s: no %q next to %s\n%s", c.name, c.msg, c.field, r.Body)
		}
		r.has(t, c.keep...)
	}
	if n := e.countDistributors(); n != before {
		t.Fatalf("refused applications created %d distributors", n-before)
	}

	// A good application through the invite: level 2 under Alice, pending; the browser sees its
	// status without being signed in, and the name shows as text.
	name := `<script>alert("x")</script>`
	b.post("/m/apply", url.Values{"name": {name}, "phone": {"13812345678"}, "invite_code": {strings.ToLower(*alice.InviteCode)}}).
		want(t, http.StatusSeeOther, "/m/status")
	r := b.get("/m/status").want(t, http.StatusOK, "").has(t, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;", "正在审核中", "138****5678").lacks(t, name)
	r.lacks(t, `class="tabbar`)
	b.get("/m/").want(t, http.StatusSeeOther, "/m/login?next=%2Fm%2F")
	var level int
	var parent int64
	if err := e.DB.R.QueryRow(`SELECT level, parent_id FROM distributors WHERE phone = '13812345678'`).Scan(&level, &parent); err != nil || level != 2 || parent != alice.ID {
		t.Fatalf("applicant: level %d parent %d (%v), want level 2 under %d", level, parent, err, alice.ID)
	}
	// The same phone again is refused next to the phone.
	r = e.browser().post("/m/apply", url.Values{"name": {"又一个"}, "phone": {"13812345678"}}).want(t, http.StatusUnprocessableEntity, "")
	if !portalFieldErr("phone", "这个手机号已经申请过，请直接登录查看状态。").MatchString(r.Body) {
		t.Fatalf("duplicate phone: %s", r.Body)
	}
}

// A pending or rejected applicant who signs in sees only the status page.
func TestPortalApplicantSeesOnlyStatus(t *testing.T) {
	e := newPortalEnv(t)
	pat := e.applicant("Pat", nil)
	b := e.browser()
	b.post("/m/login/code", url.Values{"action": {"send"}, "phone": {pat.Phone}}).want(t, http.StatusSeeOther, "")
	b.post("/m/login/code", url.Values{"action": {"verify"}, "phone": {pat.Phone}, "code": {e.SMS.code(t, pat.Phone)}}).
		want(t, http.StatusSeeOther, "/m/status")
	for _, path := range []string{"/m/", "/m/products", "/m/orders", "/m/orders/1", "/m/commissions", "/m/team", "/m/profile", "/m/statements", "/m/withdraw"} {
		b.get(path).want(t, http.StatusSeeOther, "/m/status")
	}
	b.post("/m/profile/password", url.Values{"password": {"abcdefgh"}, "confirm": {"abcdefgh"}}).want(t, http.StatusSeeOther, "/m/status")
	b.get("/m/status").want(t, http.StatusOK, "").has(t, "正在审核中", "Pat")

	if _, err := e.S.Network.Reject(context.Background(), pat.ID, "资料不全 <请补充>"); err != nil {
		t.Fatal(err)
	}
	b.get("/m/").want(t, http.StatusSeeOther, "/m/status")
	b.get("/m/status").want(t, http.StatusOK, "").has(t, "申请未通过", "原因：资料不全 &lt;请补充&gt;")

	// Approved, the same session reaches the portal.
	q := e.applicant("Quinn", nil)
	if _, err := e.S.Network.Approve(context.Background(), q.ID); err != nil {
		t.Fatal(err)
	}
	qb := e.signIn(q)
	qb.get("/m/").want(t, http.StatusOK, "")
	qb.get("/m/status").want(t, http.StatusOK, "").has(t, "已通过")
}
