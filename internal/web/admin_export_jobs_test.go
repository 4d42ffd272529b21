package web

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/fenxiao/fenxiao/internal/order"
)

// The orders list exports in the background: the button starts a job with the list's filters,
// its page shows the rows written, and the finished file holds exactly the filtered orders.
func TestAdminOrdersBackgroundExport(t *testing.T) {
	e := newAdminEnv(t)
	t.Cleanup(e.S.CloseExports)
	alice := e.distributor("Alice", nil)
	tea := e.product("明前龙井", 9990, 100)
	for range 3 {
		e.paidOrder(alice.Code, 0, 0, order.LineInput{SKUID: tea.SKUs[0].ID, Quantity: 1})
	}
	e.paidOrder("", 0, 0, order.LineInput{SKUID: tea.SKUs[0].ID, Quantity: 2})

	e.get("operator", "/admin/orders").must(t, 200)
	start := e.post("operator", "/admin/orders/export?distributor="+alice.Code, nil)
	if start.Status != 303 || !strings.HasPrefix(start.Location, "/admin/exports/") {
		t.Fatalf("start: %d %q\n%s", start.Status, start.Location, start.Body)
	}
	var page adminResponse
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		page = e.get("operator", start.Location).must(t, 200)
		if strings.Contains(page.Body, "/download") || time.Now().After(deadline) {
			break
		}
	}
	if !strings.Contains(page.Body, "导出完成") {
		t.Fatalf("job page:\n%s", page.Body)
	}
	if other := e.get("finance", start.Location); other.Status == 200 {
		t.Errorf("another staff member sees the job: %d", other.Status)
	}
	file := e.get("operator", start.Location+"/download").must(t, 200)
	f, err := excelize.OpenReader(bytes.NewReader([]byte(file.Body)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil || len(rows) != 4 {
		t.Fatalf("want a header and Alice's 3 orders, got %d rows (%v)", len(rows), err)
	}
	for _, r := range rows[1:] {
		if !strings.Contains(strings.Join(r, "|"), alice.Code) {
			t.Errorf("row not Alice's: %q", r)
		}
	}
}
