package httpapi_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/fenxiao/fenxiao/internal/order"
	"github.com/fenxiao/fenxiao/internal/settings"
	"github.com/fenxiao/fenxiao/internal/settlement"
)

func (a *testAPI) complete(o order.Order) {
	a.t.Helper()
	for _, step := range []struct {
		path string
		body any
	}{{"ship", map[string]any{"carrier": "顺丰", "tracking_no": "SF" + o.OrderNo}}, {"complete", nil}} {
		if r := a.do("POST", fmt.Sprintf("/api/v1/orders/%d/%s", o.ID, step.path), step.body); r.Status != 200 {
			a.t.Fatalf("%s: %d %s", step.path, r.Status, r.Body)
		}
	}
}

// waitRun polls a run until it is no longer running.
func (a *testAPI) waitRun(key string, id int64) settlement.Run {
	a.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var r settlement.Run
		res := a.doWith(key, "GET", fmt.Sprintf("/api/v1/settlements/%d", id), nil, nil)
		if res.Status != 200 {
			a.t.Fatalf("get run: %d %s", res.Status, res.Body)
		}
		res.json(a.t, &r)
		if r.Status != settlement.Running {
			return r
		}
		if time.Now().After(deadline) {
			a.t.Fatalf("run %d still running: %+v", id, r)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Finance settles through the API: a run for everyone is answered at once and polled; asking
// again for the same cutoff returns it with 200; statements are listed and read with lines.
func TestSettlementsThroughTheAPI(t *testing.T) {
	a := newAPI(t)
	finance := a.keyFor("finance")
	alice := a.distributor("Alice", "13900000001", "")
	carol := a.distributor("Carol", "13900000003", "")
	tea := a.product("明前龙井", 10000, 100, nil)
	o := a.pay(a.order(map[string]any{"customer_name": "顾客", "customer_phone": "13700000001", "ship_address": "杭州市西湖区1号",
		"lines": []map[string]any{{"sku_id": tea.ID, "quantity": 2}}, "ref": alice.Code})) // Alice 2000
	a.complete(o)
	o2 := a.pay(a.order(map[string]any{"customer_name": "顾客", "customer_phone": "13700000002", "ship_address": "杭州市西湖区2号",
		"lines": []map[string]any{{"sku_id": tea.ID, "quantity": 1}}, "ref": carol.Code})) // Carol 1000
	a.complete(o2)
	a.Clock.Advance(8 * 24 * time.Hour)

	// Carol asks first: settled at once, only her.
	var r settlement.Run
	res := a.doWith(finance, "POST", "/api/v1/settlements", map[string]any{"distributor_id": carol.ID}, nil)
	if res.Status != 201 {
		t.Fatalf("on request: %d %s", res.Status, res.Body)
	}
	res.json(t, &r)
	if r.Status != settlement.Completed || r.SettledFen != 1000 || r.DistributorID == nil || *r.DistributorID != carol.ID {
		t.Fatalf("on request: %+v", r)
	}
	if b := a.balance(alice.ID); b.AvailableFen != 0 || b.FrozenFen != 2000 {
		t.Fatalf("Alice after Carol's request: %+v", b)
	}

	a.Clock.Advance(time.Minute)
	cutoff := a.Clock.Now().Add(-time.Second)
	res = a.doWith(finance, "POST", "/api/v1/settlements", map[string]any{"cutoff": cutoff.Format(time.RFC3339)}, nil)
	if res.Status != 201 {
		t.Fatalf("start: %d %s", res.Status, res.Body)
	}
	res.json(t, &r)
	if !r.Cutoff.Equal(cutoff.Truncate(time.Second)) || r.ScopeKey != settlement.ScopeKey(cutoff, 0) {
		t.Fatalf("started run: %+v", r)
	}
	done := a.waitRun(finance, r.ID)
	if done.Status != settlement.Completed || done.SettledFen != 2000 || done.Total != 1 || done.Done != 1 || done.FinishedAt == nil {
		t.Fatalf("finished run: %+v", done)
	}
	res = a.doWith(finance, "POST", "/api/v1/settlements", map[string]any{"cutoff": cutoff.Format(time.RFC3339)}, nil)
	var same settlement.Run
	res.json(t, &same)
	if res.Status != 200 || same.ID != r.ID || same.Status != settlement.Completed {
		t.Fatalf("same cutoff again: %d %s", res.Status, res.Body)
	}

	var runs settlement.RunPage
	a.doWith(finance, "GET", "/api/v1/settlements?per_page=1", nil, nil).json(t, &runs)
	if runs.Total != 2 || len(runs.Items) != 1 || runs.Items[0].ID != r.ID {
		t.Errorf("runs: %+v", runs)
	}
	var page settlement.StatementPage
	a.doWith(finance, "GET", fmt.Sprintf("/api/v1/statements?distributor_id=%d", alice.ID), nil, nil).json(t, &page)
	if page.Total != 1 || page.Items[0].SettledFen != 2000 || page.Items[0].ClosingFen != 2000 || page.Items[0].Lines != nil {
		t.Fatalf("Alice's statements: %+v", page)
	}
	var st settlement.Statement
	a.doWith(finance, "GET", fmt.Sprintf("/api/v1/statements/%d", page.Items[0].ID), nil, nil).json(t, &st)
	if len(st.Lines) != 1 || st.Lines[0].OrderNo != o.OrderNo || st.Lines[0].ProductName != "明前龙井" || st.Lines[0].AmountFen != 2000 || st.Lines[0].RateBP != 1000 {
		t.Fatalf("statement: %+v", st)
	}
	month := a.Clock.Now().In(settings.Shanghai).Format("2006-01")
	a.doWith(finance, "GET", "/api/v1/statements?period="+month, nil, nil).json(t, &page)
	if page.Total != 2 {
		t.Errorf("statements of %s: %d, want 2", month, page.Total)
	}
	a.verify()
}

func TestSettlementsBadInputAndRoles(t *testing.T) {
	a := newAPI(t)
	finance := a.keyFor("finance")
	operator := a.keyFor("operator")
	future := a.Clock.Now().Add(time.Hour).Format(time.RFC3339)
	for _, c := range []struct {
		name   string
		key    string
		method string
		path   string
		body   any
		status int
		code   string
	}{
		{"operator may not settle", operator, "POST", "/api/v1/settlements", map[string]any{}, 403, ""},
		{"operator may not read statements", operator, "GET", "/api/v1/statements", nil, 403, ""},
		{"future cutoff", finance, "POST", "/api/v1/settlements", map[string]any{"cutoff": future}, 422, "cutoff_in_future"},
		{"not a time", finance, "POST", "/api/v1/settlements", map[string]any{"cutoff": "next monday"}, 422, "invalid_input"},
		{"unknown distributor", finance, "POST", "/api/v1/settlements", map[string]any{"distributor_id": 999}, 422, "distributor_not_found"},
		{"bad period", finance, "GET", "/api/v1/statements?period=March", nil, 422, "invalid_period"},
		{"too many per page", finance, "GET", "/api/v1/settlements?per_page=500", nil, 422, ""},
		{"no such run", finance, "GET", "/api/v1/settlements/42", nil, 404, "settlement_run_not_found"},
		{"no such statement", finance, "GET", "/api/v1/statements/42", nil, 404, "statement_not_found"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a.doWith(c.key, c.method, c.path, c.body, nil).mustProblem(t, c.status, c.code)
		})
	}
	if n := count(t, a, `SELECT count(*) FROM settlement_runs`); n != 0 {
		t.Errorf("%d runs written by bad requests", n)
	}
}

// The settlement schedule is a settings section like the others.
func TestSettlementSettings(t *testing.T) {
	a := newAPI(t)
	var s struct {
		Settlement settings.Settlement `json:"settlement"`
	}
	a.do("GET", "/api/v1/settings", nil).json(t, &s)
	if s.Settlement != settings.DefaultSettlement() {
		t.Fatalf("default: %+v", s.Settlement)
	}
	r := a.do("PUT", "/api/v1/settings", map[string]any{"settlement": map[string]any{"schedule": "quarterly", "day": 5, "hour": 3}})
	if r.Status != 200 {
		t.Fatalf("put: %d %s", r.Status, r.Body)
	}
	a.do("GET", "/api/v1/settings", nil).json(t, &s)
	if s.Settlement != (settings.Settlement{Schedule: "quarterly", Day: 5, Hour: 3}) {
		t.Fatalf("saved: %+v", s.Settlement)
	}
	a.do("PUT", "/api/v1/settings", map[string]any{"settlement": map[string]any{"schedule": "weekly", "day": 1, "hour": 2}}).mustProblem(t, 422, "")
	a.do("PUT", "/api/v1/settings", map[string]any{"settlement": map[string]any{"schedule": "monthly", "day": 31, "hour": 2}}).mustProblem(t, 422, "")
}

func count(t *testing.T, a *testAPI, query string) int64 {
	t.Helper()
	var n int64
	if err := a.DB.R.QueryRow(query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
