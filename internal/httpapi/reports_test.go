package httpapi_test

import (
	"testing"
	"time"

	"github.com/fenxiao/fenxiao/internal/report"
)

// Reports through the API: operator and finance keys read them with the period the server
// resolved; a bad period or a sort column that does not exist is refused naming the field.
func TestReportsThroughTheAPI(t *testing.T) {
	a := newAPI(t)
	a.Clock.Set(time.Date(2026, 3, 10, 4, 0, 0, 0, time.UTC)) // 12:00 in Beijing
	alice := a.distributor("Alice", "13900000001", "")
	tea := a.product("明前龙井", 10000, 100, nil)
	a.pay(a.order(map[string]any{"customer_name": "顾客", "customer_phone": "13700000001", "ship_address": "杭州市西湖区1号",
		"lines": []map[string]any{{"sku_id": tea.ID, "quantity": 2}}, "ref": alice.Code}))

	for _, role := range []string{"operator", "finance"} {
		var out struct {
			Period struct{ Period, From, To, Zone string }
			Rows   []report.DistributorRow
		}
		r := a.doWith(a.keyFor(role), "GET", "/api/v1/reports/distributors?period=month&from=2026-03-10&sort=sales_fen&limit=5", nil, nil)
		if r.Status != 200 {
			t.Fatalf("%s: %d %s", role, r.Status, r.Body)
		}
		r.json(t, &out)
		if out.Period.From != "2026-03-01" || out.Period.To != "2026-03-31" || out.Period.Zone != "Asia/Shanghai" {
			t.Errorf("period %+v", out.Period)
		}
		if len(out.Rows) != 1 || out.Rows[0].SalesFen != 20000 || out.Rows[0].CommissionFen != 2000 || out.Rows[0].Customers != 1 {
			t.Errorf("rows %+v", out.Rows)
		}
	}
	var cost struct{ Rows []report.CostRow }
	r := a.do("GET", "/api/v1/reports/commission?period=custom&from=2026-03-09&to=2026-03-10&bucket=day", nil)
	if r.Status != 200 {
		t.Fatalf("commission: %d %s", r.Status, r.Body)
	}
	r.json(t, &cost)
	if len(cost.Rows) != 2 || cost.Rows[1].L1DirectFen != 2000 || cost.Rows[1].CostShareBP != 1000 {
		t.Errorf("commission rows %+v", cost.Rows)
	}
	for _, path := range []string{"products", "top-distributors?product_id=1", "network", "settlement", "withdrawals"} {
		if r := a.do("GET", "/api/v1/reports/"+path, nil); r.Status != 200 {
			t.Errorf("%s: %d %s", path, r.Status, r.Body)
		}
	}
	for _, bad := range []string{"distributors?period=custom&from=2026-03-01", "distributors?sort=nonsense", "distributors?from=March",
		"top-distributors", "commission?bucket=day&period=custom&from=2024-01-01&to=2026-01-01"} {
		if r := a.do("GET", "/api/v1/reports/"+bad, nil); r.Status != 400 && r.Status != 422 {
			t.Errorf("%s: %d %s, want a refusal", bad, r.Status, r.Body)
		}
	}
}
