package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fenxiao/fenxiao/internal/network"
)

func TestAdminReviewApproveReject(t *testing.T) {
	e := newAdminEnv(t)
	amy, err := e.S.Network.Apply(e.ctx, network.Application{Name: "Amy", Phone: "13800000001"})
	if err != nil {
		t.Fatal(err)
	}
	ben, err := e.S.Network.Apply(e.ctx, network.Application{Name: "Ben", Phone: "13800000002"})
	if err != nil {
		t.Fatal(err)
	}
	page := e.get("operator", "/admin/review").must(t, http.StatusOK)
	if !strings.Contains(page.Body, amy.Code) || !strings.Contains(page.Body, ben.Code) {
		t.Fatalf("queue lacks the applications:\n%s", page.Body)
	}

	res := e.post("operator", fmt.Sprintf("/admin/review/%d/approve", amy.ID), url.Values{}).must(t, http.StatusSeeOther)
	if res.Location != "/admin/review" {
		t.Fatalf("approve redirects to %q", res.Location)
	}
	if d, _ := e.S.Network.Get(e.ctx, amy.ID); d.Status != network.Approved || d.InviteCode == nil {
		t.Fatalf("after approve: %+v", d)
	}
	if flash := e.get("operator", "/admin/review").Body; !strings.Contains(flash, "已通过 Amy 的申请") {
		t.Fatalf("no flash after approve:\n%s", flash)
	}

	// A rejection without a reason is refused next to Ben's form, and Ben stays pending.
	res = e.post("operator", fmt.Sprintf("/admin/review/%d/reject", ben.ID), url.Values{"reason": {"   "}}).must(t, http.StatusUnprocessableEntity)
	row := res.Body[strings.Index(res.Body, `id="d`+fmt.Sprint(ben.ID)+`"`):]
	if !strings.Contains(row[:strings.Index(row, "</tr>")], "请填写原因") {
		t.Fatalf("no reason message in Ben's row:\n%s", row)
	}
	if d, _ := e.S.Network.Get(e.ctx, ben.ID); d.Status != network.Pending {
		t.Fatalf("refused rejection changed Ben: %s", d.Status)
	}

	e.post("operator", fmt.Sprintf("/admin/review/%d/reject", ben.ID), url.Values{"reason": {"资料不全，请补充身份证"}}).must(t, http.StatusSeeOther)
	d, _ := e.S.Network.Get(e.ctx, ben.ID)
	if d.Status != network.Rejected || d.StatusReason == nil || *d.StatusReason != "资料不全，请补充身份证" {
		t.Fatalf("after reject: %+v", d)
	}
	if body := e.get("operator", "/admin/review").Body; strings.Contains(body, ben.Code) || !strings.Contains(body, "没有待审核的申请") {
		t.Fatalf("queue still lists Ben:\n%s", body)
	}
	// Deciding twice is a conflict shown on the page; a missing application is a 404.
	e.post("operator", fmt.Sprintf("/admin/review/%d/approve", ben.ID), url.Values{}).must(t, http.StatusUnprocessableEntity).alert(t, "当前状态下不能进行此操作")
	e.post("operator", "/admin/review/99999/approve", url.Values{}).must(t, http.StatusNotFound)
	if n := e.count(`SELECT count(*) FROM audit_log WHERE action IN ('distributor.approve', 'distributor.reject') AND actor LIKE 'staff:%operator@shop'`); n != 2 {
		t.Fatalf("audited decisions by the operator: %d, want 2", n)
	}
}

func TestAdminDistributorListEscapesAndSorts(t *testing.T) {
	e := newAdminEnv(t)
	evil := e.distributor("<script>alert(1)</script>", nil)
	e.distributor("Zed", nil)
	e.distributor("Abe", &evil)
	body := e.get("operator", "/admin/distributors").must(t, http.StatusOK).Body
	if strings.Contains(body, "<script>alert(1)") {
		t.Fatal("a distributor's name is in the page as markup")
	}
	if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Fatalf("the name is not shown as text:\n%s", body)
	}
	detail := e.get("operator", fmt.Sprintf("/admin/distributors/%d", evil.ID)).must(t, http.StatusOK).Body
	if strings.Contains(detail, "<script>alert(1)") {
		t.Fatal("the detail page has the name as markup")
	}
	// Sorted by name: "<" sorts before letters.
	body = e.get("operator", "/admin/distributors?sort=name").Body
	a, z := strings.Index(body, ">Abe<"), strings.Index(body, ">Zed<")
	if a < 0 || z < 0 || a > z {
		t.Fatalf("sort by name: Abe at %d, Zed at %d", a, z)
	}
	// Filters: level 2 is only Abe; q finds by name; the team filter lists the evil one's team.
	body = e.get("operator", "/admin/distributors?level=2").Body
	if !strings.Contains(body, ">Abe<") || strings.Contains(body, ">Zed<") {
		t.Fatal("level filter")
	}
	body = e.get("operator", "/admin/distributors?q=ze").Body
	if !strings.Contains(body, ">Zed<") || strings.Contains(body, ">Abe<") {
		t.Fatal("search")
	}
	body = e.get("operator", fmt.Sprintf("/admin/distributors?parent=%d", evil.ID)).Body
	if !strings.Contains(body, ">Abe<") || strings.Contains(body, ">Zed<") {
		t.Fatal("team filter")
	}
}

func TestAdminDistributorsPaging(t *testing.T) {
	e := newAdminEnv(t)
	for i := range adminPerPage + 5 {
		e.distributor(fmt.Sprintf("分销商%02d", i), nil)
	}
	first := e.get("operator", "/admin/distributors?sort=name").Body
	second := e.get("operator", "/admin/distributors?sort=name&page=2").Body
	if !strings.Contains(first, ">分销商00<") || strings.Contains(first, ">分销商20<") || !strings.Contains(first, "page=2") {
		t.Fatal("first page")
	}
	if !strings.Contains(second, ">分销商20<") || !strings.Contains(second, ">分销商24<") || strings.Contains(second, ">分销商19<") {
		t.Fatal("second page")
	}
	if !strings.Contains(first, "共 25 条") {
		t.Fatal("total")
	}
}

func TestAdminDistributorsCSV(t *testing.T) {
	e := newAdminEnv(t)
	alice := e.distributor("=HYPERLINK(\"x\")", nil)
	e.distributor("Bob, \"the\" seller", &alice)
	res := e.get("operator", "/admin/distributors?format=csv&page=3").must(t, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Fatalf("content type %q", ct)
	}
	if !strings.HasPrefix(res.Body, "\xEF\xBB\xBF") {
		t.Fatal("no BOM")
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.Body, "\xEF\xBB\xBF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows, want header + 2 (page is ignored): %q", len(rows), rows)
	}
	if rows[0][0] != "ID" || rows[0][1] != "编码" || rows[0][2] != "名称" {
		t.Fatalf("header %q", rows[0])
	}
	byName := map[string][]string{}
	for _, r := range rows[1:] {
		byName[r[2]] = r
	}
	bob := byName[`Bob, "the" seller`]
	if bob == nil || bob[4] != "2" || bob[5] != alice.Code || bob[6] != "已通过" || bob[3] != "13900000002" {
		t.Fatalf("Bob's row %q", bob)
	}
	if byName[`'=HYPERLINK("x")`] == nil {
		t.Fatalf("a formula-like name is not defused: %q", rows)
	}
	// The filters apply to the export.
	res = e.get("operator", "/admin/distributors?format=csv&level=1")
	if n := strings.Count(strings.TrimSpace(res.Body), "\n"); n != 1 {
		t.Fatalf("level-1 export has %d rows", n)
	}
}

func TestAdminDistributorActions(t *testing.T) {
	e := newAdminEnv(t)
	alice := e.distributor("Alice", nil)
	carl := e.distributor("Carl", nil)
	bob := e.distributor("Bob", &alice)
	path := fmt.Sprintf("/admin/distributors/%d", bob.ID)

	// Freeze needs a reason, shown next to the freeze form.
	res := e.post("operator", path+"/freeze", url.Values{"reason": {""}}).must(t, http.StatusUnprocessableEntity)
	res.near(t, "reason", "请填写原因")
	e.post("operator", path+"/freeze", url.Values{"reason": {"刷单嫌疑"}}).must(t, http.StatusSeeOther)
	if d, _ := e.S.Network.Get(e.ctx, bob.ID); d.Status != network.Frozen {
		t.Fatalf("after freeze: %s", d.Status)
	}
	e.post("operator", path+"/unfreeze", url.Values{}).must(t, http.StatusSeeOther)

	// Moving under an unknown code, or under a level 2, is refused next to the parent field.
	res = e.post("operator", path+"/move", url.Values{"parent": {"DNOSUCH"}, "reason": {"调整"}}).must(t, http.StatusUnprocessableEntity)
	res.near(t, "parent", "没有这个编码的分销商")
	if strings.Contains(res.Body, `value="DNOSUCH"`) == false {
		t.Fatal("typed parent code not kept")
	}
	e.post("operator", path+"/move", url.Values{"parent": {carl.Code}, "reason": {"团队调整"}}).must(t, http.StatusSeeOther)
	if d, _ := e.S.Network.Get(e.ctx, bob.ID); d.ParentID == nil || *d.ParentID != carl.ID {
		t.Fatalf("after move: %+v", d)
	}
	e.post("operator", path+"/move", url.Values{"promote": {"1"}, "reason": {"业绩优秀"}}).must(t, http.StatusSeeOther)
	if d, _ := e.S.Network.Get(e.ctx, bob.ID); d.Level != 1 || d.ParentID != nil {
		t.Fatalf("after promote: %+v", d)
	}
	// A level-1 with a team cannot go under another: the service's conflict shows at the top.
	e.distributor("Dan", &alice)
	res = e.post("operator", fmt.Sprintf("/admin/distributors/%d/move", alice.ID), url.Values{"parent": {carl.Code}}).must(t, http.StatusUnprocessableEntity)
	res.alert(t, "该分销商有自己的团队")
	if n := e.count(`SELECT count(*) FROM audit_log WHERE entity = 'distributor' AND entity_id = $1 AND action IN ('distributor.move', 'distributor.freeze', 'distributor.unfreeze')`, fmt.Sprint(bob.ID)); n != 4 {
		t.Fatalf("audited actions on Bob: %d, want 4", n)
	}
}
