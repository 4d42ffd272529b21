package web

import (
	"testing"

	"github.com/fenxiao/fenxiao/internal/report"
)

// "My figures" shows a distributor its own period against the last, and a level 1 its team:
// the worked example of DESIGN.md §4 — 2 × ¥99.90 through Bob (level 2 under Alice) — gives Bob
// ¥199.80 of sales and ¥15.98 of commission, and Alice ¥5.99 of override on her team's ¥199.80.
func TestPortalReport(t *testing.T) {
	e := newPortalEnv(t)
	e.S.UseReports(&report.Service{DB: e.DB})
	alice := e.distributor("Alice", nil)
	bob := e.distributor("Bob", &alice)
	tea := e.product("明前龙井", 9990, 10, nil, true)
	e.order(bob.Code, tea.SKUs[0].ID, 2)

	e.signIn(bob).get("/m/report").want(t, 200, "").has(t, "¥199.80", "¥15.98", "2026-03-01", "2026-03-31", "<svg")
	page := e.signIn(alice).get("/m/report?period=quarter").want(t, 200, "")
	page.has(t, "¥5.99", "¥199.80", "2026-01-01", "2026-03-31", "2025-10-01")
	e.signIn(bob).get("/m/report?period=week").want(t, 200, "").has(t, "2026-02-23", "2026-03-01")
}
