package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fenxiao/fenxiao/internal/ledger"
	"github.com/fenxiao/fenxiao/internal/order"
	"github.com/fenxiao/fenxiao/internal/payout"
	"github.com/fenxiao/fenxiao/internal/settings"
	"github.com/fenxiao/fenxiao/internal/settlement"
)

// A run started from the form settles DESIGN.md §4's worked example, and its statements and
// lines carry the figures computed by hand; a second run after a withdrawal draws the statement
// that takes it off.
func TestAdminSettlementRunAndStatements(t *testing.T) {
	e := newAdminFinanceEnv(t)
	e.financeSetWithdrawal(settings.Withdrawal{MinFen: 100, DailyCount: 10})
	alice := e.distributor("Alice", nil)
	bob := e.distributor("Bob", &alice)
	nuts := e.product("坚果礼盒", 9990, 10)
	tea := e.product("<script>alert(1)</script>茶", 5800, 10)
	// Through level-2 Bob, 2 × ¥99.90: base 19980; Bob 1598, Alice (override) 599.
	o1 := e.paidOrder(bob.Code, 0, 1000, order.LineInput{SKUID: nuts.SKUs[0].ID, Quantity: 2})
	// Through Alice, 1 × ¥58.00: Alice 5800 × 1000 / 10000 = 580.
	o2 := e.paidOrder(alice.Code, 0, 0, order.LineInput{SKUID: tea.SKUs[0].ID, Quantity: 1})

	page := e.get("finance", "/admin/settlements").must(t, http.StatusOK).Body
	if !strings.Contains(page, "共 0 次结算") || strings.Contains(page, `http-equiv="refresh"`) {
		t.Fatalf("empty settlements page:\n%s", page)
	}

	e.financeMature()
	res := e.post("finance", "/admin/settlements", url.Values{"cutoff": {""}}).must(t, http.StatusSeeOther)
	e.Settle.Wait()
	run1 := adminFinanceRunID(t, res.Location)
	page = e.get("finance", res.Location).must(t, http.StatusOK).Body
	for _, want := range []string{fmt.Sprintf("结算 #%d 已开始", run1), "已完成", `id="settled">¥27.77<`, "2 / 2",
		alice.Code, bob.Code, "¥11.79", "¥15.98", "staff:"} {
		if !strings.Contains(page, want) {
			t.Fatalf("run page lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, `http-equiv="refresh"`) {
		t.Fatal("a finished run's page refreshes itself")
	}
	// Settled: Alice 599 + 580 = 1179, Bob 1598, all available now.
	e.financeWantBalance(alice.ID, ledger.Balance{AvailableFen: 1179})
	e.financeWantBalance(bob.ID, ledger.Balance{AvailableFen: 1598})

	st1 := e.count(`SELECT id FROM statements WHERE run_id = $1 AND distributor_id = $2`, run1, alice.ID)
	page = e.get("finance", fmt.Sprintf("/admin/statements/%d", st1)).must(t, http.StatusOK).Body
	for _, want := range []string{`id="opening">¥0.00<`, `id="settled">¥11.79<`, `id="clawed_back">¥0.00<`, `id="withdrawn">¥0.00<`,
		`id="closing"><b>¥11.79</b>`, o1.OrderNo, o2.OrderNo, "¥5.99", "¥5.80", "团队提成", "直推", "10.00%", "3.00%",
		"&lt;script&gt;alert(1)&lt;/script&gt;茶"} {
		if !strings.Contains(page, want) {
			t.Fatalf("statement page lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, "<script>alert") {
		t.Fatal("product name not escaped on the statement page")
	}
	rows := adminFinanceCSV(t, e.get("finance", fmt.Sprintf("/admin/statements/%d?format=csv", st1)))
	if len(rows) != 3 || strings.Join(rows[0], ",") != "佣金 ID,订单号,商品名称,类型,计佣基数,比例,每件固定佣金,结算金额" {
		t.Fatalf("statement csv %q", rows)
	}
	if r := rows[1]; r[1] != o1.OrderNo || r[3] != "团队提成" || r[4] != "199.80" || r[5] != "3.00" || r[7] != "5.99" {
		t.Fatalf("statement csv line %q", r)
	}
	if r := rows[2]; r[1] != o2.OrderNo || r[2] != "<script>alert(1)</script>茶" || r[7] != "5.80" {
		t.Fatalf("statement csv line %q", r)
	}
	rows = adminFinanceCSV(t, e.get("finance", fmt.Sprintf("/admin/settlements/%d?format=csv", run1)))
	if len(rows) != 3 || rows[1][1] != alice.Code || rows[1][8] != "11.79" || rows[1][11] != "11.79" || rows[2][1] != bob.Code || rows[2][8] != "15.98" {
		t.Fatalf("run csv %q", rows)
	}

	// Alice withdraws ¥5.00; the next run settles nothing new but draws her statement:
	// opening 1179 − withdrawn 500 = closing 679, her available balance.
	e.financeRequest(alice, 500, payout.Wallet, payout.Account{})
	e.Clock.Advance(time.Second)
	res = e.post("finance", "/admin/settlements", url.Values{}).must(t, http.StatusSeeOther)
	e.Settle.Wait()
	run2 := adminFinanceRunID(t, res.Location)
	if run2 == run1 {
		t.Fatal("a later cutoff reused the first run")
	}
	st2 := e.count(`SELECT id FROM statements WHERE run_id = $1 AND distributor_id = $2`, run2, alice.ID)
	page = e.get("finance", fmt.Sprintf("/admin/statements/%d", st2)).Body
	for _, want := range []string{`id="opening">¥11.79<`, `id="settled">¥0.00<`, `id="withdrawn">¥5.00<`, `id="closing"><b>¥6.79</b>`} {
		if !strings.Contains(page, want) {
			t.Fatalf("second statement lacks %q:\n%s", want, page)
		}
	}
	e.financeWantBalance(alice.ID, ledger.Balance{AvailableFen: 679, WithdrawingFen: 500})
	if n := e.count(`SELECT count(*) FROM statements WHERE run_id = $1`, run2); n != 1 {
		t.Fatalf("second run drew %d statements, want Alice's alone", n)
	}
	page = e.get("finance", "/admin/settlements").Body
	if !strings.Contains(page, "共 2 次结算，3 笔佣金，合计 ¥27.77") {
		t.Fatalf("settlements totals:\n%s", page)
	}
	rows = adminFinanceCSV(t, e.get("finance", "/admin/settlements?format=csv"))
	if len(rows) != 3 || rows[1][0] != fmt.Sprint(run2) || rows[2][0] != fmt.Sprint(run1) || rows[2][8] != "27.77" || rows[2][3] != "已完成" {
		t.Fatalf("settlements csv %q", rows)
	}
}

// While a run is running, the list and its page reload themselves (and only then); a failed run
// shows its error as text and can be resumed.
func TestAdminSettlementProgressAndResume(t *testing.T) {
	e := newAdminFinanceEnv(t)
	alice := e.distributor("Alice", nil)
	e.financeEarn(alice, 1000) // one run, settled by the helper
	run := e.count(`SELECT max(id) FROM settlement_runs`)
	runPath := fmt.Sprintf("/admin/settlements/%d", run)
	refresh := `<meta http-equiv="refresh" content="3">`

	// A run in progress, as another node would leave it between two batches.
	if _, err := e.DB.W.Exec(`UPDATE settlement_runs SET status = 'running', done = 0, finished_at = NULL WHERE id = $1`, run); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/admin/settlements", runPath} {
		page := e.get("finance", p).must(t, http.StatusOK).Body
		if !strings.Contains(page, refresh) || !strings.Contains(page, "0 / 1") || !strings.Contains(page, "进行中") {
			t.Fatalf("%s while running: no refresh or progress:\n%s", p, page)
		}
	}

	if _, err := e.DB.W.Exec(`UPDATE settlement_runs SET status = 'failed', error = $2, finished_at = started_at WHERE id = $1`,
		run, `<b>disk full</b>`); err != nil {
		t.Fatal(err)
	}
	page := e.get("finance", runPath).Body
	if strings.Contains(page, refresh) || !strings.Contains(page, "&lt;b&gt;disk full&lt;/b&gt;") || !strings.Contains(page, runPath+"/resume") {
		t.Fatalf("failed run page:\n%s", page)
	}
	e.post("operator", runPath+"/resume", nil).must(t, http.StatusForbidden)
	res := e.post("finance", runPath+"/resume", nil).must(t, http.StatusSeeOther)
	e.Settle.Wait()
	if res.Location != runPath {
		t.Fatalf("resume redirects to %q", res.Location)
	}
	got, err := e.Settle.GetRun(e.ctx, run)
	if err != nil || got.Status != settlement.Completed {
		t.Fatalf("resumed run: %v %+v", err, got)
	}
	if page := e.get("finance", runPath).Body; !strings.Contains(page, fmt.Sprintf("结算 #%d 已继续", run)) || strings.Contains(page, refresh) {
		t.Fatalf("after resume:\n%s", page)
	}
	// Resuming settled nothing twice.
	e.financeWantBalance(alice.ID, ledger.Balance{AvailableFen: 1000})
	if n := e.count(`SELECT count(*) FROM statement_lines`); n != 1 {
		t.Fatalf("%d statement lines after resume, want 1", n)
	}
}

// A bad or future cutoff is refused next to the field and starts nothing; the same cutoff twice
// is one run. Operators can reach none of it.
func TestAdminSettlementForm(t *testing.T) {
	e := newAdminFinanceEnv(t)
	alice := e.distributor("Alice", nil)
	e.paidOrder(alice.Code, 0, 0, order.LineInput{SKUID: e.product("茶", 5800, 10).SKUs[0].ID, Quantity: 1})
	e.financeMature()
	today := adminDayStart(e.DB.Now())

	for _, c := range []struct{ cutoff, msg string }{
		{today.AddDate(0, 0, 1).Format("2006-01-02"), "截止日期不能晚于今天"},
		{"31/03/2026", "日期格式应为 2026-03-31"},
	} {
		res := e.post("finance", "/admin/settlements", url.Values{"cutoff": {c.cutoff}}).must(t, http.StatusUnprocessableEntity)
		res.near(t, "cutoff", c.msg)
		if !strings.Contains(res.Body, `value="`+c.cutoff+`"`) {
			t.Fatalf("typed cutoff %q not kept", c.cutoff)
		}
	}
	if n := e.count(`SELECT count(*) FROM settlement_runs`); n != 0 {
		t.Fatalf("refused forms started %d runs", n)
	}

	// Yesterday's date: the cutoff is the start of today (Asia/Shanghai). Asked twice, one run.
	yesterday := today.AddDate(0, 0, -1).Format("2006-01-02")
	res := e.post("finance", "/admin/settlements", url.Values{"cutoff": {yesterday}}).must(t, http.StatusSeeOther)
	e.Settle.Wait()
	again := e.post("finance", "/admin/settlements", url.Values{"cutoff": {yesterday}}).must(t, http.StatusSeeOther)
	if again.Location != res.Location {
		t.Fatalf("same cutoff went to %q, then %q", res.Location, again.Location)
	}
	if page := e.get("finance", again.Location).Body; !strings.Contains(page, "该截止时间已有结算") {
		t.Fatalf("no message for the repeated cutoff:\n%s", page)
	}
	got, err := e.Settle.GetRun(e.ctx, adminFinanceRunID(t, res.Location))
	if err != nil || !got.Cutoff.Equal(today) || e.count(`SELECT count(*) FROM settlement_runs`) != 1 {
		t.Fatalf("run %+v (%v), want one with cutoff %v", got, err, today)
	}

	stID := e.count(`SELECT COALESCE(max(id), 0) FROM statements`)
	for _, p := range []string{"/admin/settlements", res.Location, "/admin/settlements?format=csv", fmt.Sprintf("/admin/statements/%d", stID)} {
		e.get("operator", p).must(t, http.StatusForbidden)
	}
	e.post("operator", "/admin/settlements", url.Values{}).must(t, http.StatusForbidden)
	if n := e.count(`SELECT count(*) FROM settlement_runs`); n != 1 {
		t.Fatalf("operator started a run: %d runs", n)
	}
	e.get("finance", "/admin/settlements/999999").must(t, http.StatusNotFound)
	e.get("finance", "/admin/statements/999999").must(t, http.StatusNotFound)
	if !strings.Contains(e.get("finance", "/admin/").Body, `href="/admin/settlements"`) ||
		strings.Contains(e.get("operator", "/admin/").Body, `href="/admin/settlements"`) {
		t.Fatal("settlements menu link shown to the wrong roles")
	}
	bare := newAdminEnv(t)
	bare.get("finance", "/admin/settlements").must(t, http.StatusNotFound)
}

// adminFinanceRunID reads the run id from a redirect to its page.
func adminFinanceRunID(t testing.TB, location string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(strings.TrimPrefix(location, "/admin/settlements/"), 10, 64)
	if err != nil {
		t.Fatalf("not a run page: %q", location)
	}
	return id
}

// adminFinanceCSV reads a CSV download, checking its BOM.
func adminFinanceCSV(t testing.TB, res adminResponse) [][]string {
	t.Helper()
	if res.Status != http.StatusOK || !strings.HasPrefix(res.Body, "\xEF\xBB\xBF") {
		t.Fatalf("csv: status %d, body %q", res.Status, res.Body[:min(len(res.Body), 200)])
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.Body, "\xEF\xBB\xBF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
