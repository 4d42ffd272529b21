package export

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// A worked table: the kinds, empty cells, hostile text, and the money edge cases.
var (
	at    = time.Date(2026, 2, 28, 16, 0, 5, 0, time.UTC) // 2026-03-01 00:00:05 in Beijing
	name  = "王小明"
	table = Table{Sheet: "订单", Columns: []Column{
		{Header: "订单号", Kind: Text}, {Header: "数量", Kind: Int}, {Header: "金额", Kind: Money},
		{Header: "比例", Kind: Rate}, {Header: "下单时间", Kind: Time}, {Header: "日期", Kind: Date}, {Header: "分销商", Kind: Text},
	}}
	rows = [][]any{
		{"A1", 1, int64(1), int64(850), at, at, &name},
		{"A2", int64(-3), int64(10), int64(10000), &at, &at, (*string)(nil)},
		{"=HYPERLINK(\"x\")", nil, int64(999999999999), int64(1), nil, (*time.Time)(nil), "-5"},
		{"+1", 0, int64(-150), int64(-25), time.Time{}, nil, "@me"},
		{"-", int64(7), int64(-1), int64(0), at, at, "\tcmd"},
		{"big", 1, int64(1e15), nil, nil, nil, nil},
	}
)

func source(rows [][]any) Rows {
	return func(_ context.Context, emit func([]any) error) error {
		for _, r := range rows {
			if err := emit(r); err != nil {
				return err
			}
		}
		return nil
	}
}

func TestCSV(t *testing.T) {
	var buf bytes.Buffer
	var progress []int64
	tb := table
	tb.Progress = func(n int64, done bool) {
		if done {
			n = -n
		}
		progress = append(progress, n)
	}
	n, err := WriteCSV(context.Background(), &buf, tb, source(rows))
	if err != nil || n != 6 {
		t.Fatalf("%d rows, %v", n, err)
	}
	if len(progress) != 1 || progress[0] != -6 {
		t.Fatalf("progress %v", progress)
	}
	body := buf.String()
	if !strings.HasPrefix(body, "\xEF\xBB\xBF") {
		t.Fatal("no BOM")
	}
	got, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\xEF\xBB\xBF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"订单号", "数量", "金额", "比例", "下单时间", "日期", "分销商"},
		{"A1", "1", "0.01", "8.50", "2026-03-01 00:00:05", "2026-03-01", "王小明"},
		{"A2", "-3", "0.10", "100.00", "2026-03-01 00:00:05", "2026-03-01", ""},
		{`'=HYPERLINK("x")`, "", "9999999999.99", "0.01", "", "", "-5"},
		{"+1", "0", "-1.50", "-0.25", "", "", "'@me"},
		{"'-", "7", "-0.01", "0.00", "2026-03-01 00:00:05", "2026-03-01", "'\tcmd"},
		{"big", "1", "10000000000000.00", "", "", "", ""},
	}
	if len(got) != len(want) {
		t.Fatalf("%d records: %q", len(got), got)
	}
	for i := range want {
		if strings.Join(got[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("record %d\n got %q\nwant %q", i, got[i], want[i])
		}
	}
}

func TestYuanAndPercent(t *testing.T) {
	for _, c := range []struct {
		n    int64
		want string
	}{{0, "0.00"}, {1, "0.01"}, {10, "0.10"}, {100, "1.00"}, {-1, "-0.01"}, {-150, "-1.50"}, {123456, "1234.56"},
		{999999999999, "9999999999.99"}, {-9223372036854775808, "-92233720368547758.08"}} {
		if got := Yuan(c.n); got != c.want {
			t.Errorf("Yuan(%d) = %s, want %s", c.n, got, c.want)
		}
	}
}

// openXLSX reads a written workbook back.
func openXLSX(t *testing.T, b []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestXLSX(t *testing.T) {
	var buf bytes.Buffer
	n, err := WriteXLSX(context.Background(), &buf, table, source(rows))
	if err != nil || n != 6 {
		t.Fatalf("%d rows, %v", n, err)
	}
	f := openXLSX(t, buf.Bytes())
	if sheets := f.GetSheetList(); len(sheets) != 1 || sheets[0] != "订单" {
		t.Fatalf("sheets %q", sheets)
	}
	const sh = "订单"
	// Header: the labels, bold, frozen.
	for i, c := range table.Columns {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		if v, _ := f.GetCellValue(sh, cell); v != c.Header {
			t.Errorf("header %s = %q, want %q", cell, v, c.Header)
		}
		id, _ := f.GetCellStyle(sh, cell)
		if st, _ := f.GetStyle(id); st == nil || st.Font == nil || !st.Font.Bold {
			t.Errorf("header %s is not bold", cell)
		}
	}
	p, err := f.GetPanes(sh)
	if err != nil || !p.Freeze || p.YSplit != 1 || p.XSplit != 0 || p.TopLeftCell != "A2" {
		t.Fatalf("panes %+v, %v", p, err)
	}
	// Cells: raw value, type, number format, and what Excel shows.
	for _, c := range []struct {
		cell, raw, shown, format string
		number                   bool
	}{
		{"A2", "A1", "A1", "", false},
		{"B2", "1", "1", "", true},
		{"C2", "0.01", "¥0.01", moneyFormat, true},
		{"C3", "0.1", "¥0.10", moneyFormat, true},
		{"C4", "9999999999.99", "¥9,999,999,999.99", moneyFormat, true},
		{"C5", "-1.5", "-¥1.50", moneyFormat, true},
		{"C6", "-0.01", "-¥0.01", moneyFormat, true},
		{"C7", "10000000000000.00", "10000000000000.00", "", false}, // too long for Excel's 15 digits: text
		{"D2", "0.085", "8.50%", rateFormat, true},
		{"D3", "1", "100.00%", rateFormat, true},
		{"D5", "-0.0025", "-0.25%", rateFormat, true},
		{"E2", "46082.0000578703", "2026-03-01 00:00:05", timeFormat, true},
		{"F2", "46082", "2026-03-01", dateFormat, true},
		{"G2", "王小明", "王小明", "", false},
		{"A4", `=HYPERLINK("x")`, `=HYPERLINK("x")`, "", false}, // text, never a formula
	} {
		raw, _ := f.GetCellValue(sh, c.cell, excelize.Options{RawCellValue: true})
		shown, _ := f.GetCellValue(sh, c.cell)
		typ, _ := f.GetCellType(sh, c.cell)
		id, _ := f.GetCellStyle(sh, c.cell)
		st, _ := f.GetStyle(id)
		format := ""
		if st != nil && st.CustomNumFmt != nil {
			format = *st.CustomNumFmt
		}
		isNum := typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset && raw != ""
		if raw != c.raw || shown != c.shown || format != c.format || isNum != c.number {
			t.Errorf("%s: raw %q shown %q format %q number %v (type %v); want %q %q %q %v",
				c.cell, raw, shown, format, isNum, typ, c.raw, c.shown, c.format, c.number)
		}
		if formula, _ := f.GetCellFormula(sh, c.cell); formula != "" {
			t.Errorf("%s holds a formula %q", c.cell, formula)
		}
	}
	// Empty cells stay empty.
	for _, cell := range []string{"B4", "E4", "F4", "G3", "E5", "F5", "D7"} {
		if v, _ := f.GetCellValue(sh, cell); v != "" {
			t.Errorf("%s = %q, want empty", cell, v)
		}
	}
	if w, _ := f.GetColWidth(sh, "E"); w < 19 {
		t.Errorf("the time column is %v wide", w)
	}
}

// Money survives the trip through float64 for every amount a shop can hold: the double nearest
// fen/100 prints back as the exact decimal.
func TestXLSXMoneyExact(t *testing.T) {
	var amounts []int64
	for _, base := range []int64{0, 1e3, 1e6, 1e9, 1e12, 1e15 - 1000} {
		for d := int64(0); d < 1000; d++ {
			amounts = append(amounts, base+d, -(base + d))
		}
	}
	var buf bytes.Buffer
	tb := Table{Columns: []Column{{Header: "金额", Kind: Money}}}
	_, err := WriteXLSX(context.Background(), &buf, tb, func(_ context.Context, emit func([]any) error) error {
		for _, a := range amounts {
			if err := emit([]any{a}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	f := openXLSX(t, buf.Bytes())
	got, err := f.GetRows("Sheet1", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range amounts {
		want := strings.TrimRight(strings.TrimRight(Yuan(a), "0"), ".")
		if want == "" || want == "-" {
			want = "0"
		}
		if g := got[i+1][0]; g != want {
			t.Fatalf("%d fen written as %s, want %s", a, g, want)
		}
	}
}

func TestErrors(t *testing.T) {
	tb := Table{Columns: []Column{{Header: "金额", Kind: Money}}}
	for _, f := range []Format{CSV, XLSX} {
		// A cell of the wrong type names its row and column.
		var buf bytes.Buffer
		_, err := Write(context.Background(), &buf, f, tb, source([][]any{{int64(1)}, {"12.34"}}))
		if err == nil || !strings.Contains(err.Error(), "row 2, column 1 (金额)") {
			t.Errorf("%s: %v", f, err)
		}
		if f == XLSX && buf.Len() != 0 {
			t.Errorf("a failed XLSX wrote %d bytes", buf.Len())
		}
		// The producer's error comes back; a cancelled context stops the export.
		boom := errors.New("boom")
		if _, err := Write(context.Background(), &buf, f, tb, func(context.Context, func([]any) error) error { return boom }); !errors.Is(err, boom) {
			t.Errorf("%s: %v", f, err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		n, err := Write(ctx, &buf, f, tb, func(_ context.Context, emit func([]any) error) error {
			for {
				if err := emit([]any{int64(1)}); err != nil {
					return err
				}
			}
		})
		if !errors.Is(err, context.Canceled) || n != 1000 {
			t.Errorf("%s: %d rows, %v", f, n, err)
		}
	}
	if _, ok := ParseFormat("pdf"); ok {
		t.Error("pdf parsed")
	}
}
