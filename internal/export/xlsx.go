package export

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// WriteXLSX writes the header and the rows as one worksheet. Rows go through excelize's stream
// writer, which spills the sheet to a temporary file past 16 MB; the finished workbook is then
// zipped straight into w. (excelize's own File.Write zips into a bytes.Buffer first — the whole
// file in memory — so the zip writer it uses is replaced by one on w.) Nothing reaches w before
// every row is in: an error while producing rows leaves w untouched.
//
// Money cells are numbers in yuan with the format "¥"#,##0.00, rates numbers with 0.00%, times
// Excel date numbers with yyyy-mm-dd hh:mm:ss in the table's zone. A money amount of 10^15 fen
// or more is written as text: Excel keeps 15 significant digits and would change it.
func WriteXLSX(ctx context.Context, w io.Writer, t Table, rows Rows) (int64, error) {
	f := excelize.NewFile(excelize.Options{TmpDir: t.TempDir})
	defer f.Close()
	sheet := "Sheet1"
	if name := sheetName(t.Sheet); name != "" && name != sheet {
		if err := f.SetSheetName(sheet, name); err != nil {
			return 0, fmt.Errorf("name the worksheet %q: %w", name, err)
		}
		sheet = name
	}
	st, err := newStyles(f)
	if err != nil {
		return 0, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return 0, fmt.Errorf("start the worksheet: %w", err)
	}
	x := &sheetWriter{t: t, sw: sw, st: st, zone: t.zone(), widths: make([]float64, len(t.Columns))}
	n := counter{ctx: ctx, progress: t.Progress}
	err = rows(ctx, func(row []any) error {
		if n.n >= MaxXLSXRows {
			return ErrTooManyRows
		}
		cells, err := x.cells(row, n.n+1)
		if err != nil {
			return err
		}
		if err := x.write(cells); err != nil {
			return err
		}
		return n.add()
	})
	if err == nil {
		err = x.start() // a table shorter than the sample is still waiting
	}
	if err != nil {
		return n.n, err
	}
	if err := sw.Flush(); err != nil {
		return n.n, fmt.Errorf("finish the worksheet: %w", err)
	}
	n.done()
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	if err := f.Write(io.Discard); err != nil {
		return n.n, fmt.Errorf("write the workbook: %w", err)
	}
	return n.n, nil
}

// sampleRows are the rows held back to size the columns before the first is written: the
// stream writer needs widths before any row.
const sampleRows = 200

type sheetWriter struct {
	t       Table
	sw      *excelize.StreamWriter
	st      styles
	zone    *time.Location
	widths  []float64
	sample  [][]any
	started bool
	row     int // the last sheet row written
}

func (x *sheetWriter) write(cells []any) error {
	if !x.started {
		x.sample = append(x.sample, cells)
		if len(x.sample) < sampleRows {
			return nil
		}
		return x.start()
	}
	return x.setRow(cells)
}

func (x *sheetWriter) setRow(cells []any) error {
	x.row++
	if err := x.sw.SetRow("A"+strconv.Itoa(x.row), cells); err != nil {
		return fmt.Errorf("write sheet row %d: %w", x.row, err)
	}
	return nil
}

// start sizes the columns, freezes the header and writes it, then the sample rows.
func (x *sheetWriter) start() error {
	if x.started {
		return nil
	}
	x.started = true
	for i, c := range x.t.Columns {
		w := c.Width
		if w == 0 {
			w = min(max(x.widths[i], textWidth(c.Header)+2, kindWidth[c.Kind]), 60)
		}
		if err := x.sw.SetColWidth(i+1, i+1, w); err != nil {
			return fmt.Errorf("size column %d: %w", i+1, err)
		}
	}
	err := x.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}})
	if err != nil {
		return fmt.Errorf("freeze the header row: %w", err)
	}
	header := make([]any, len(x.t.Columns))
	for i, c := range x.t.Columns {
		header[i] = excelize.Cell{StyleID: x.st.header, Value: c.Header}
	}
	if err := x.setRow(header); err != nil {
		return err
	}
	for _, cells := range x.sample {
		if err := x.setRow(cells); err != nil {
			return err
		}
	}
	x.sample = nil
	return nil
}

// kindWidth is the least width of a column of each kind, in Excel character units.
var kindWidth = map[Kind]float64{Text: 8, Int: 8, Money: 12, Rate: 9, Time: 20, Date: 12}

// cells converts a row to the stream writer's values (nil for an empty cell) and, while the
// sample lasts, widens the columns to fit.
func (x *sheetWriter) cells(row []any, n int64) ([]any, error) {
	out := make([]any, len(x.t.Columns))
	for i, c := range x.t.Columns {
		var v any
		if i < len(row) {
			v = row[i]
		}
		var width float64
		switch c.Kind {
		case Int, Money, Rate:
			k, present, ok := cellInt(v)
			if !ok {
				return nil, rowError(n, i, c, v)
			}
			if !present {
				continue
			}
			switch c.Kind {
			case Int:
				out[i], width = k, float64(len(strconv.FormatInt(k, 10))+1)
			case Money:
				out[i], width = x.money(k), float64(len(Yuan(k))*4/3+2) // ¥ and thousands separators
			case Rate:
				out[i] = excelize.Cell{StyleID: x.st.rate, Value: float64(k) / 10000}
			}
		case Time, Date:
			tm, present, ok := cellTime(v)
			if !ok {
				return nil, rowError(n, i, c, v)
			}
			if !present {
				continue
			}
			if c.Kind == Date {
				out[i] = excelize.Cell{StyleID: x.st.date, Value: excelDay(tm, x.zone)}
			} else {
				out[i] = excelize.Cell{StyleID: x.st.time, Value: excelTime(tm, x.zone)}
			}
		default:
			s := cellText(v)
			if s == "" {
				continue
			}
			out[i], width = s, textWidth(s)+2
		}
		if !x.started {
			x.widths[i] = max(x.widths[i], width)
		}
	}
	return out, nil
}

// money is fen as a number of yuan. float64(fen)/100 is the double nearest to the exact
// decimal (fen is exact below 2^53 and IEEE division rounds correctly), and excelize writes
// the shortest decimal that reads back as that double — the exact yuan amount — so the sheet
// holds 12.34, never 12.339999999999.
func (x *sheetWriter) money(fen int64) any {
	if fen >= 1e15 || fen <= -1e15 {
		return Yuan(fen)
	}
	return excelize.Cell{StyleID: x.st.money, Value: float64(fen) / 100}
}

// excelEpoch is day 0 of Excel's 1900 date system (as Excel counts from March 1900 on).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// excelTime is an instant as an Excel date number of its wall clock in zone, to the second.
func excelTime(t time.Time, zone *time.Location) float64 {
	y, mo, d := t.In(zone).Date()
	h, mi, s := t.In(zone).Clock()
	wall := time.Date(y, mo, d, h, mi, s, 0, time.UTC)
	secs := int64(wall.Sub(excelEpoch) / time.Second)
	return float64(secs/86400) + float64(secs%86400)/86400
}

// excelDay is the day of an instant in zone as an Excel date number.
func excelDay(t time.Time, zone *time.Location) int64 {
	y, mo, d := t.In(zone).Date()
	return int64(time.Date(y, mo, d, 0, 0, 0, 0, time.UTC).Sub(excelEpoch) / (24 * time.Hour))
}

type styles struct{ header, money, rate, time, date int }

// Number formats. The money format puts the minus sign before ¥ and keeps two decimals.
const (
	moneyFormat = `"¥"#,##0.00;-"¥"#,##0.00`
	rateFormat  = `0.00%`
	timeFormat  = `yyyy-mm-dd hh:mm:ss`
	dateFormat  = `yyyy-mm-dd`
)

func newStyles(f *excelize.File) (styles, error) {
	var s styles
	var err error
	num := func(format string) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = f.NewStyle(&excelize.Style{CustomNumFmt: &format})
		return id
	}
	s.money, s.rate, s.time, s.date = num(moneyFormat), num(rateFormat), num(timeFormat), num(dateFormat)
	if err == nil {
		s.header, err = f.NewStyle(&excelize.Style{
			Font:      &excelize.Font{Bold: true},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7E6E6"}},
			Border:    []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}},
			Alignment: &excelize.Alignment{Vertical: "center"},
		})
	}
	if err != nil {
		return s, fmt.Errorf("make the sheet's styles: %w", err)
	}
	return s, nil
}

// sheetName makes a worksheet name Excel accepts: at most 31 characters, none of : \ / ? * [ ].
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '_'
		}
		return r
	}, strings.TrimSpace(s))
	if utf8.RuneCountInString(s) > 31 {
		s = string([]rune(s)[:31])
	}
	return strings.Trim(s, "'")
}

// textWidth is how wide text shows in Excel character units: East Asian characters take two.
func textWidth(s string) float64 {
	w := 0
	for _, r := range s {
		if r >= 0x2E80 {
			w += 2
		} else {
			w++
		}
	}
	return float64(w)
}
