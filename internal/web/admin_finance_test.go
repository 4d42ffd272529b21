package web

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fenxiao/fenxiao/internal/ledger"
	"github.com/fenxiao/fenxiao/internal/payout"
	"github.com/fenxiao/fenxiao/internal/settings"
)

// An operator can neither open nor change withdrawals; finance and the owner can. Finance still
// cannot change products.
func TestAdminWithdrawalRoles(t *testing.T) {
	e := newAdminFinanceEnv(t)
	alice := e.distributor("Alice", nil)
	e.financeEarn(alice, 10000)
	wd := e.financeRequest(alice, 3000, payout.Wallet, payout.Account{})
	path := fmt.Sprintf("/admin/withdrawals/%d", wd.ID)

	for _, p := range []string{"/admin/withdrawals", "/admin/withdrawals?format=csv", path} {
		e.get("operator", p).must(t, http.StatusForbidden)
		e.get("finance", p).must(t, http.StatusOK)
		e.get("owner", p).must(t, http.StatusOK)
		if res := e.get("", p).must(t, http.StatusSeeOther); !strings.HasPrefix(res.Location, "/admin/login") {
			t.Fatalf("signed out %s redirects to %q", p, res.Location)
		}
	}
	for _, action := range []string{"approve", "reject", "pay", "fail"} {
		e.post("operator", path+"/"+action, url.Values{"reason": {"x"}, "reference": {"x"}}).must(t, http.StatusForbidden)
		e.post("", path+"/"+action, url.Values{"reason": {"x"}, "reference": {"x"}}).must(t, http.StatusSeeOther)
	}
	if got := e.financeGet(wd.ID); got.Status != payout.Requested {
		t.Fatalf("refused posts changed the withdrawal: %s", got.Status)
	}
	e.financeWantBalance(alice.ID, ledger.Balance{AvailableFen: 7000, WithdrawingFen: 3000})

	// The menu shows withdrawals to those who may open them.
	if !strings.Contains(e.get("finance", "/admin/").Body, `href="/admin/withdrawals"`) {
		t.Fatal("finance's menu lacks withdrawals")
	}
	if strings.Contains(e.get("operator", "/admin/").Body, `href="/admin/withdrawals"`) {
		t.Fatal("operator's menu shows withdrawals")
	}
	// Finance reads products but cannot change them.
	p := e.product("坚果", 1000, 5)
	e.post("finance", fmt.Sprintf("/admin/products/%d/stock", p.ID), url.Values{"delta": {"5"}}).must(t, http.StatusForbidden)

	// A server without the payout service has no withdrawal pages.
	bare := newAdminEnv(t)
	bare.get("finance", "/admin/withdrawals").must(t, http.StatusNotFound)
}

// Approve, then pay with the transfer's reference, through the forms. Fee 1% with a ¥2.00
// floor: on ¥50.00 the rate gives 50 fen, so the floor applies: fee 200, net 4800.
func TestAdminWithdrawalApproveAndPay(t *testing.T) {
	e := newAdminFinanceEnv(t)
	e.financeSetWithdrawal(settings.Withdrawal{MinFen: 1000, DailyCount: 10, FeeBP: 100, FeeMinFen: 200})
	alice := e.distributor("Alice", nil)
	e.financeEarn(alice, 10000)
	wd := e.financeRequest(alice, 5000, payout.BankCard, payout.Account{BankName: "招商银行", AccountName: "王丽", CardNo: "4111 1111 1111 1111"})
	path := fmt.Sprintf("/admin/withdrawals/%d", wd.ID)
	// Requested: 10000 − 5000 available, 5000 withdrawing.
	e.financeWantBalance(alice.ID, ledger.Balance{AvailableFen: 5000, WithdrawingFen: 5000})

	page := e.get("finance", path).must(t, http.StatusOK).Body
	for _, want := range []string{`id="amount">¥50.00<`, `id="fee">¥2.00<`, `id="net"><b>¥48.00</b>`, `id="card">************1111<`,
		"招商银行", "王丽", "待审核", `id="withdrawing">¥50.00<`, "申请提现", `action="` + path + `/approve"`} {
		if !strings.Contains(page, want) {
			t.Fatalf("withdrawal page lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, "4111111111111111") || strings.Contains(page, "4111 1111") {
		t.Fatal("withdrawal page shows the whole card number")
	}

	res := e.post("finance", path+"/approve", url.Values{}).must(t, http.StatusSeeOther)
	if res.Location != path {
		t.Fatalf("approve redirects to %q", res.Location)
	}
	if got := e.financeGet(wd.ID); got.Status != payout.Approved || got.ApprovedAt == nil {
		t.Fatalf("after approve: %s", got.Status)
	}
	page = e.get("finance", path).Body
	if !strings.Contains(page, fmt.Sprintf("提现 #%d 已审核通过", wd.ID)) || !strings.Contains(page, `action="`+path+`/pay"`) {
		t.Fatalf("after approve: no flash or no pay form:\n%s", page)
	}
	e.financeWantBalance(alice.ID, ledger.Balance{AvailableFen: 5000, WithdrawingFen: 5000})

	// Approving again is refused at the top of the page; nothing changes.
	e.post("finance", path+"/approve", url.Values{}).must(t, http.StatusUnprocessableEntity).alert(t, "当前状态下不能进行此操作")

	// The manual provider needs the transfer's reference: refused next to the field.
	res = e.post("finance", path+"/pay", url.Values{"reference": {"  "}}).must(t, http.StatusUnprocessableEntity)
	res.near(t, "reference", "请填写转账流水号")
	res.inForm(t, path+"/pay", "请填写转账流水号")
	if got := e.financeGet(wd.ID); got.Status != payout.Approved {
		t.Fatalf("refused pay changed the withdrawal: %s", got.Status)
	}
	e.financeWantBalance(alice.ID, ledger.Balance{AvailableFen: 5000, WithdrawingFen: 5000})

	e.post("finance", path+"/pay", url.Values{"reference": {"CMB20260301-0001"}}).must(t, http.StatusSeeOther)
	got := e.financeGet(wd.ID)
	if got.Status != payout.Paid || got.Reference != "CMB20260301-0001" || got.Provider != "manual" || got.FinishedAt == nil {
		t.Fatalf("after pay: %+v", got)
	}
	// Paid: withdrawing 5000 → 0; paid_out +4800 (what was sent); the merchant keeps the 200 fee.
	e.financeWantBalance(alice.ID, ledger.Balance{AvailableFen: 5000, WithdrawingFen: 0, PaidOutFen: 4800})
	if fees := e.financeFees(); fees != 200 {
		t.Fatalf("merchant fees %d, want 200", fees)
	}
	page = e.get("finance", path).Body
	for _, want := range []string{fmt.Sprintf("提现 #%d 已打款", wd.ID), `id="reference">CMB20260301-0001<`, `id="paid_out">¥48.00<`,
		"已打款", "审核通过", "确认打款", "staff:"} {
		if !strings.Contains(page, want) {
			t.Fatalf("paid withdrawal page lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, `/pay"`) || strings.Contains(page, `/fail"`) {
		t.Fatal("a paid withdrawal still offers actions")
	}
	// Paying again: nothing left to do; the owner may do what finance does.
	e.post("owner", path+"/pay", url.Values{"reference": {"CMB20260301-0002"}}).must(t, http.StatusUnprocessableEntity)
	e.financeWantBalance(alice.ID, ledger.Balance{AvailableFen: 5000, WithdrawingFen: 0, PaidOutFen: 4800})
}

// Reject and fail need a reason; without one the form comes back with the message next to the
// field and nothing changes. Markup in a reason shows as text.
func TestAdminWithdrawalRejectAndFail(t *testing.T) {
	e := newAdminFinanceEnv(t)
	e.financeSetWithdrawal(settings.Withdrawal{MinFen: 1000, DailyCount: 10})
	alice := e.distributor("Alice", nil)
	e.financeEarn(alice, 10000)
	wd := e.financeRequest(alice, 3000, payout.Alipay, payout.Account{AccountName: "王丽", Account: "13800001111"})
	path := fmt.Sprintf("/admin/withdrawals/%d", wd.ID)
	e.financeWantBalance(alice.ID, ledger.Balance{AvailableFen: 7000, WithdrawingFen: 3000})
	audits := e.count(`SELECT count(*) FROM audit_log`)

	res := e.post("finance", path+"/reject", url.Values{"reason": {"   "}}).must(t, http.StatusUnprocessableEntity)
	res.near(t, "reason", "请填写原因，对方会看到。")
	res.inForm(t, path+"/reject", "请填写原因，对方会看到。")
	if got := e.financeGet(wd.ID); got.Status != payout.Requested || got.Reason != "" {
		t.Fatalf("refused reject changed the withdrawal: %+v", got)
	}
	e.financeWantBalance(alice.ID, ledger.Balance{AvailableFen: 7000, WithdrawingFen: 3000})
	if n := e.count(`SELECT count(*) FROM audit_log`); n != audits {
		t.Fatalf("refused reject wrote %d audit entries", n-audits)
	}

	evil := `<script>alert(1)</script>账户与实名不符`
	e.post("finance", path+"/reject", url.Values{"reason": {evil}}).must(t, http.StatusSeeOther)
	if got := e.financeGet(wd.ID); got.Status != payout.Rejected || got.Reason != evil {
		t.Fatalf("after reject: %+v", got)
	}
	// Rejected: the 3000 is back in available.
	e.financeWantBalance(alice.ID, ledger.Balance{AvailableFen: 10000})
	for _, p := range []string{path, "/admin/withdrawals?status=rejected"} {
		page := e.get("finance", p).must(t, http.StatusOK).Body
		if strings.Contains(page, "<script>alert") || !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;账户与实名不符") {
			t.Fatalf("%s: reason not escaped:\n%s", p, page)
		}
	}

	// An approved withdrawal that could not be paid is marked failed, with a reason.
	wd2 := e.financeRequest(alice, 4000, payout.Wallet, payout.Account{})
	path2 := fmt.Sprintf("/admin/withdrawals/%d", wd2.ID)
	e.post("finance", path2+"/approve", nil).must(t, http.StatusSeeOther)
	res = e.post("finance", path2+"/fail", url.Values{"reason": {""}}).must(t, http.StatusUnprocessableEntity)
	res.near(t, "reason", "请填写原因，对方会看到。")
	res.inForm(t, path2+"/fail", "请填写原因，对方会看到。")
	e.financeWantBalance(alice.ID, ledger.Balance{AvailableFen: 6000, WithdrawingFen: 4000})
	e.post("finance", path2+"/fail", url.Values{"reason": {"现金未领取"}}).must(t, http.StatusSeeOther)
	if got := e.financeGet(wd2.ID); got.Status != payout.Failed || got.Reason != "现金未领取" {
		t.Fatalf("after fail: %+v", got)
	}
	e.financeWantBalance(alice.ID, ledger.Balance{AvailableFen: 10000})
	if page := e.get("finance", path2).Body; !strings.Contains(page, "已标记为打款失败") || !strings.Contains(page, `id="reason">现金未领取<`) {
		t.Fatalf("failed withdrawal page:\n%s", page)
	}

	// A withdrawal of a frozen distributor cannot be approved: the reason is at the top.
	wd3 := e.financeRequest(alice, 2000, payout.Wallet, payout.Account{})
	if _, err := e.S.Network.Freeze(e.ctx, alice.ID, "核查中"); err != nil {
		t.Fatal(err)
	}
	e.post("finance", fmt.Sprintf("/admin/withdrawals/%d/approve", wd3.ID), nil).must(t, http.StatusUnprocessableEntity).alert(t, "该分销商已被冻结")
	if got := e.financeGet(wd3.ID); got.Status != payout.Requested {
		t.Fatalf("approved a frozen distributor's withdrawal: %s", got.Status)
	}
	e.get("finance", "/admin/withdrawals/999999").must(t, http.StatusNotFound)
}

// The list puts the work first, filters by status and distributor, pages, and exports to CSV.
func TestAdminWithdrawalsListAndCSV(t *testing.T) {
	e := newAdminFinanceEnv(t)
	e.financeSetWithdrawal(settings.Withdrawal{MinFen: 1000, DailyCount: 100, FeeBP: 100, FeeMinFen: 200})
	alice := e.distributor("Alice", nil)
	bob := e.distributor("Bob", nil)
	e.financeEarn(alice, 100000)
	e.financeEarn(bob, 100000)
	paid := e.financeRequest(alice, 30000, payout.Wallet, payout.Account{}) // fee 300, net 29700
	if _, err := e.Payout.Approve(e.ctx, paid.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Payout.Pay(e.ctx, paid.ID, payout.PayInput{Reference: "=HYPERLINK(1)"}); err != nil {
		t.Fatal(err)
	}
	toPay := e.financeRequest(bob, 2000, payout.Wallet, payout.Account{}) // fee 200 (the floor), net 1800
	if _, err := e.Payout.Approve(e.ctx, toPay.ID); err != nil {
		t.Fatal(err)
	}
	first := e.financeRequest(alice, 1500, payout.Wallet, payout.Account{})
	second := e.financeRequest(bob, 2500, payout.Wallet, payout.Account{})

	// Requested first, the longest waiting on top; then approved; then the finished.
	page := e.get("finance", "/admin/withdrawals").must(t, http.StatusOK).Body
	order := []int64{first.ID, second.ID, toPay.ID, paid.ID}
	last := -1
	for _, id := range order {
		at := strings.Index(page, fmt.Sprintf(`href="/admin/withdrawals/%d"`, id))
		if at < last {
			t.Fatalf("withdrawal %d out of order in the queue %v:\n%s", id, order, page)
		}
		last = at
	}
	if !strings.Contains(page, "共 4 笔，合计 ¥360.00") {
		t.Fatalf("totals missing:\n%s", page)
	}

	page = e.get("finance", "/admin/withdrawals?status=requested").Body
	if !strings.Contains(page, "共 2 笔，合计 ¥40.00") || strings.Contains(page, fmt.Sprintf(`/admin/withdrawals/%d"`, paid.ID)) {
		t.Fatalf("status filter:\n%s", page)
	}
	page = e.get("finance", "/admin/withdrawals?distributor="+bob.Code).Body
	if !strings.Contains(page, "共 2 笔，合计 ¥45.00") || strings.Contains(page, fmt.Sprintf(`/admin/withdrawals/%d"`, first.ID)) {
		t.Fatalf("distributor filter:\n%s", page)
	}
	res := e.get("finance", "/admin/withdrawals?distributor=NOPE").must(t, http.StatusOK)
	if !strings.Contains(res.Body, "没有这个分销商") || !strings.Contains(res.Body, "共 0 笔") {
		t.Fatalf("unknown distributor:\n%s", res.Body)
	}

	res = e.get("finance", "/admin/withdrawals?format=csv&status=paid").must(t, http.StatusOK)
	if !strings.HasPrefix(res.Body, "\xEF\xBB\xBF") || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv without BOM or type: %q", res.Header.Get("Content-Type"))
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.Body, "\xEF\xBB\xBF"))).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("withdrawals csv %q %v", rows, err)
	}
	if h := strings.Join(rows[0], ","); h != "ID,申请时间,编码,分销商,提现金额,手续费,实付金额,收款方式,状态,转账流水号,原因,完成时间" {
		t.Fatalf("csv header %s", h)
	}
	r := rows[1]
	if r[0] != fmt.Sprint(paid.ID) || r[2] != alice.Code || r[4] != "300.00" || r[5] != "3.00" || r[6] != "297.00" ||
		r[7] != "线下现金" || r[8] != "已打款" || r[9] != "'=HYPERLINK(1)" || r[11] == "" {
		t.Fatalf("csv row %q", r)
	}
	res = e.get("finance", "/admin/withdrawals?format=csv")
	if rows, _ := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.Body, "\xEF\xBB\xBF"))).ReadAll(); len(rows) != 5 {
		t.Fatalf("whole csv has %d rows, want header + 4", len(rows))
	}

	// Paging: 20 a page; 21 requested withdrawals make two pages.
	for range 17 {
		e.financeRequest(alice, 1000, payout.Wallet, payout.Account{})
	}
	page = e.get("finance", "/admin/withdrawals").Body
	if !strings.Contains(page, "1 / 2") || !strings.Contains(page, `rel="next"`) || strings.Contains(page, fmt.Sprintf(`/admin/withdrawals/%d"`, paid.ID)) {
		t.Fatalf("first page:\n%s", page)
	}
	if page = e.get("finance", "/admin/withdrawals?page=2").Body; !strings.Contains(page, fmt.Sprintf(`/admin/withdrawals/%d"`, paid.ID)) {
		t.Fatalf("second page lacks the paid withdrawal:\n%s", page)
	}
}

// The finance pages build message ids from values (statuses, methods, audit actions, the state
// after an action, the payout service's error codes); every one has a zh-CN and an en message.
func TestAdminFinanceCatalogs(t *testing.T) {
	messages := map[string]map[string]string{} // lang → id → text, every catalog
	files, _ := fs.Glob(catalogs, "i18n/*.json")
	for _, f := range files {
		b, _ := fs.ReadFile(catalogs, f)
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		parts := strings.Split(f, ".")
		lang := parts[len(parts)-2]
		if messages[lang] == nil {
			messages[lang] = map[string]string{}
		}
		maps.Copy(messages[lang], m)
	}
	var ids []string
	for _, st := range adminWithdrawalStatuses {
		ids = append(ids, "admin.w.status."+st)
	}
	for _, m := range adminWithdrawalMethods {
		ids = append(ids, "admin.w.method."+m)
	}
	for _, a := range []string{"request", "approve", "reject", "pay", "fail"} {
		ids = append(ids, "admin.w.action.withdrawal."+a)
	}
	for _, st := range []string{"approved", "rejected", "paid", "failed"} {
		ids = append(ids, "admin.w.done."+st)
	}
	for _, code := range []string{"reference_required", "invalid_reference", "distributor_frozen", "not_approved", "payout_outcome_unknown"} {
		ids = append(ids, "admin.err."+code)
	}
	ids = append(ids, "err.reason_required", "err.invalid_reason", "err.invalid_transition")
	for _, lang := range languages {
		for _, id := range ids {
			if messages[lang][id] == "" {
				t.Errorf("%s has no %s message", id, lang)
			}
		}
	}
}
