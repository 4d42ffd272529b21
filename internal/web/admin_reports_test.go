package web

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/order"
	"github.com/fenxiao/fenxiao/internal/report"
)

// The report pages show the report service's figures — here DESIGN.md §4's worked example,
// 2 × ¥99.90 through level-2 Bob under Alice: sales ¥199.80, Bob 1598 fen, Alice's override 599
// — and export the same table.
func TestAdminReports(t *testing.T) {
	e := newAdminFinanceEnv(t)
	e.S.UseReports(&report.Service{DB: e.DB})
	alice := e.distributor("Alice", nil)
	bob := e.distributor("Bob", &alice)
	yes := true
	tea, err := e.S.Catalog.Create(e.ctx, catalog.ProductInput{Name: "明前龙井", Distributable: &yes,
		SKUs: []catalog.SKUInput{{PriceFen: 9990, Stock: 10}}})
	if err != nil {
		t.Fatal(err)
	}
	e.paidOrder(bob.Code, 0, 1000, order.LineInput{SKUID: tea.SKUs[0].ID, Quantity: 2})

	q := "?period=month&from=2026-03-01"
	for _, c := range []struct {
		path string
		want []string
	}{
		{"/admin/reports/distributors" + q, []string{"Bob", "¥199.80", "¥15.98", "¥5.99", "2026-03-01", "2026-03-31", "<svg"}},
		{"/admin/reports/distributors" + q + "&sort=override_fen", []string{"Alice", "¥5.99"}},
		{"/admin/reports/products" + q, []string{"明前龙井", "¥199.80", "¥21.97", "10.99%"}},
		{"/admin/reports/products" + q + "&product=" + itoa(tea.ID), []string{"Bob", "¥21.97"}},
		{"/admin/reports/commission" + q, []string{"¥15.98", "¥5.99", "¥21.97", "<svg"}},
		{"/admin/reports/network" + q, []string{"<svg"}},
		{"/admin/reports/settlement" + q, []string{"<table"}},
		{"/admin/reports/withdrawals" + q, []string{"<svg"}},
	} {
		for _, role := range []string{"owner", "operator", "finance"} {
			res := e.get(role, c.path).must(t, 200)
			for _, w := range c.want {
				if !strings.Contains(res.Body, w) {
					t.Errorf("%s as %s lacks %q", c.path, role, w)
				}
			}
		}
	}

	csv := e.get("owner", "/admin/reports/distributors"+q+"&format=csv").must(t, 200)
	if !strings.Contains(csv.Body, "Bob") || !strings.Contains(csv.Body, "199.80") || !strings.HasPrefix(csv.Body, "\uFEFF") {
		t.Errorf("CSV:\n%s", csv.Body)
	}
	x := e.get("owner", "/admin/reports/products"+q+"&format=xlsx").must(t, 200)
	f, err := excelize.OpenReader(bytes.NewReader([]byte(x.Body)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0), excelize.Options{RawCellValue: true})
	if err != nil || len(rows) != 2 || rows[1][0] != "明前龙井" || rows[1][4] != "199.8" {
		t.Errorf("XLSX rows %q (%v)", rows, err)
	}

	bad := e.get("owner", "/admin/reports/distributors?period=fortnight")
	if bad.Status < 400 || bad.Status >= 500 || !strings.Contains(bad.Body, "fortnight") {
		t.Errorf("bad period: %d\n%s", bad.Status, bad.Body)
	}
	e.get("owner", "/admin/reports/nosuch").must(t, 404)
}

func itoa(n int64) string { return adminItoa(n) }
