package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/fenxiao/fenxiao/internal/order"
	"github.com/fenxiao/fenxiao/internal/payout"
	"github.com/fenxiao/fenxiao/internal/settings"
)

// Every list that exports CSV exports XLSX from the same rows and headers: numbers as numbers,
// money in yuan with the ¥ format to the fen (1 fen, 10 fen, the largest price, a negative
// balance after a clawback), a frozen bold header.
func TestAdminExportsXLSX(t *testing.T) {
	e := newAdminFinanceEnv(t)
	e.financeSetWithdrawal(settings.Withdrawal{MinFen: 100, DailyCount: 10})
	alice := e.distributor("Alice", nil)
	e.distributor("=cmd|' /C calc'!A0", &alice)
	e.product("一分", 1, 5)
	e.product("一角", 10, 5)
	e.product("贵", 9999999999, 1) // the catalog caps prices at 10^10 fen; internal/export tests 999,999,999,999
	tea := e.product("茶", 5800, 10)
	o := e.paidOrder(alice.Code, 0, 0, order.LineInput{SKUID: tea.SKUs[0].ID, Quantity: 1}) // Alice 580
	run1 := e.financeSettle()
	// Alice withdraws ¥5.00 of her ¥5.80, then the order is refunded: the clawback takes her
	// available balance to −¥5.00, and the next run's statement closes at −500 fen.
	e.financeRequest(alice, 500, payout.Wallet, payout.Account{})
	if _, err := e.S.Orders.Refund(e.ctx, o.ID, order.RefundInput{Reason: "退货", Lines: []order.RefundLineInput{{LineID: o.Lines[0].ID, Quantity: 1}}}); err != nil {
		t.Fatal(err)
	}
	e.Clock.Advance(time.Second)
	run2 := e.financeSettle()
	st1 := e.count(`SELECT id FROM statements WHERE run_id = $1 AND distributor_id = $2`, run1.ID, alice.ID)

	for _, path := range []string{"/admin/distributors", "/admin/review", "/admin/products", "/admin/products/low-stock",
		"/admin/orders", "/admin/withdrawals", "/admin/settlements", fmt.Sprintf("/admin/settlements/%d", run1.ID),
		fmt.Sprintf("/admin/settlements/%d", run2.ID), fmt.Sprintf("/admin/statements/%d", st1), "/admin/audit", "/admin/keys", "/admin/staff"} {
		t.Run(path, func(t *testing.T) {
			csvRows := adminFinanceCSV(t, e.get("owner", path+"?format=csv"))
			f, rows := adminXLSX(t, e.get("owner", path+"?format=xlsx"))
			if len(rows) != len(csvRows) || len(csvRows) < 2 && !strings.Contains("/admin/review /admin/keys /admin/products/low-stock", path) {
				t.Fatalf("%d XLSX rows, %d CSV rows", len(rows), len(csvRows))
			}
			if strings.Join(rows[0], "|") != strings.Join(csvRows[0], "|") {
				t.Fatalf("headers\nxlsx %q\n csv %q", rows[0], csvRows[0])
			}
			for i := 1; i < len(rows); i++ {
				for j, want := range csvRows[i] {
					cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
					if !adminSameCell(t, f, cell, want) {
						t.Errorf("%s: XLSX %q, CSV %q", cell, rows[i][j], want)
					}
				}
			}
		})
	}

	// The statement after the clawback, cell by cell.
	f, rows := adminXLSX(t, e.get("finance", fmt.Sprintf("/admin/settlements/%d?format=xlsx", run2.ID)))
	if len(rows) != 2 {
		t.Fatalf("run 2 sheet %q", rows)
	}
	// Opening 580 − clawed back 580 − withdrawn 500 = closing −500.
	for cell, want := range map[string]string{"F2": "5.8", "G2": "0", "J2": "5.8", "K2": "5", "L2": "-5"} {
		if !adminMoneyCell(t, f, cell, want) {
			t.Errorf("run 2 %s: want %s", cell, want)
		}
	}
	if shown, _ := f.GetCellValue(f.GetSheetName(0), "L2"); shown != "-¥5.00" {
		t.Errorf("closing shows %q", shown)
	}

	// The products: prices of 1 fen, 10 fen and 9,999,999,999 fen, exactly.
	f, rows = adminXLSX(t, e.get("owner", "/admin/products?format=xlsx&sort=price"))
	prices := map[string]string{}
	for i := 1; i < len(rows); i++ {
		raw, _ := f.GetCellValue(f.GetSheetName(0), fmt.Sprintf("F%d", i+1), excelize.Options{RawCellValue: true})
		shown, _ := f.GetCellValue(f.GetSheetName(0), fmt.Sprintf("F%d", i+1))
		prices[rows[i][1]] = raw + " " + shown
		if !adminMoneyCell(t, f, fmt.Sprintf("F%d", i+1), raw) {
			t.Errorf("price of %s is not a ¥ number", rows[i][1])
		}
	}
	for name, want := range map[string]string{"一分": "0.01 ¥0.01", "一角": "0.1 ¥0.10", "贵": "99999999.99 ¥99,999,999.99", "茶": "58 ¥58.00"} {
		if prices[name] != want {
			t.Errorf("%s: %q, want %q", name, prices[name], want)
		}
	}
	// The statement's lines: the rate is a percentage number.
	f, rows = adminXLSX(t, e.get("finance", fmt.Sprintf("/admin/statements/%d?format=xlsx", st1)))
	if raw, _ := f.GetCellValue(f.GetSheetName(0), "F2", excelize.Options{RawCellValue: true}); raw != "0.1" || rows[1][5] != "10.00%" {
		t.Errorf("rate cell %q shown %q", raw, rows[1][5])
	}
}

// adminXLSX reads an XLSX download: the type, the attachment, a frozen bold header row; rows
// are the cells as Excel shows them.
func adminXLSX(t *testing.T, res adminResponse) (*excelize.File, [][]string) {
	t.Helper()
	if res.Status != http.StatusOK || res.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ||
		!strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment; filename=") || !strings.HasSuffix(res.Header.Get("Content-Disposition"), ".xlsx") {
		t.Fatalf("xlsx: status %d, headers %v", res.Status, res.Header)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(res.Body)))
	if err != nil {
		t.Fatalf("the XLSX does not open: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	sheet := f.GetSheetName(0)
	rows, err := f.GetRows(sheet)
	if err != nil || len(rows) == 0 {
		t.Fatalf("rows %v: %v", rows, err)
	}
	if p, _ := f.GetPanes(sheet); !p.Freeze || p.YSplit != 1 || p.TopLeftCell != "A2" {
		t.Fatalf("header not frozen: %+v", p)
	}
	id, _ := f.GetCellStyle(sheet, "A1")
	if st, _ := f.GetStyle(id); st == nil || st.Font == nil || !st.Font.Bold {
		t.Fatal("header not bold")
	}
	return f, rows
}

// adminSameCell reports whether an XLSX cell holds what the CSV cell says: the same text, or a
// number of the same value (money 12.34, a rate 8.50 shown as 8.50%, a time shown as the CSV
// writes it).
func adminSameCell(t *testing.T, f *excelize.File, cell, want string) bool {
	t.Helper()
	sheet := f.GetSheetName(0)
	raw, _ := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
	shown, _ := f.GetCellValue(sheet, cell)
	typ, _ := f.GetCellType(sheet, cell)
	number := typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset && raw != ""
	switch {
	case shown == want || "'"+raw == want: // text, or a time (the CSV defuses formulas; XLSX text never runs)
		return true
	case shown == want+"%":
		return number
	}
	a, err1 := strconv.ParseFloat(raw, 64)
	b, err2 := strconv.ParseFloat(want, 64)
	return number && err1 == nil && err2 == nil && a == b
}

// adminMoneyCell reports whether a cell is a number equal to want (in yuan) with the ¥ format.
func adminMoneyCell(t *testing.T, f *excelize.File, cell, want string) bool {
	t.Helper()
	sheet := f.GetSheetName(0)
	raw, _ := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
	id, _ := f.GetCellStyle(sheet, cell)
	st, _ := f.GetStyle(id)
	return raw == want && st != nil && st.CustomNumFmt != nil && *st.CustomNumFmt == `"¥"#,##0.00;-"¥"#,##0.00`
}
