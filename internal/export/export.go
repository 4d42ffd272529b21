// Package export writes tables — a list of the console, a report — as XLSX or CSV downloads,
// streaming: rows go out (CSV) or into excelize's spill files (XLSX) as they are produced, so
// an export of a million rows needs no more memory than one of a hundred.
//
// A table is typed column by column: money is int64 fen, rates basis points, instants are shown
// in the merchant's zone. XLSX gets numbers as numbers (money in yuan with a ¥ format, rates as
// percentages), a bold frozen header row and column widths; CSV gets UTF-8 with a BOM so Excel
// opens Chinese text right, and text cells that a spreadsheet would run as formulas defused.
package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"time"
)

// Kind is what a column holds, which decides how its cells are written.
type Kind int

const (
	// Text: a string (or *string, nil for empty); anything else is written with fmt.Sprint.
	Text Kind = iota
	// Int: any Go integer (or a pointer to int64, nil for empty).
	Int
	// Money: int64 fen. XLSX: a number in yuan with the ¥ format; CSV: 12.34.
	Money
	// Rate: int64 basis points. XLSX: a number with a percentage format (850 → 8.50%);
	// CSV: the percentage without its sign, 8.50.
	Rate
	// Time: a time.Time (or *time.Time, nil for empty), shown to the second in the table's zone.
	Time
	// Date: a time.Time (or *time.Time), its day in the table's zone.
	Date
)

// Column is one column: its header, already translated, and what it holds.
type Column struct {
	Header string
	Kind   Kind
	// Width in Excel character units; 0 picks one from the header, the kind and the first rows.
	Width float64
}

// Rows produces a table's rows in order by calling emit once per row, cells in column order.
// It stops at the first error emit returns and returns it; emit keeps no reference to the
// slice, so a producer may reuse one. ctx is the export's (the request's, or a background
// job's): a producer reading a database uses it for its queries.
type Rows func(ctx context.Context, emit func(row []any) error) error

// FromSeq adapts an iterator that cannot fail.
func FromSeq(seq iter.Seq[[]any]) Rows {
	return func(_ context.Context, emit func([]any) error) error {
		for row := range seq {
			if err := emit(row); err != nil {
				return err
			}
		}
		return nil
	}
}

// FromSeq2 adapts an iterator of rows and errors, such as one over database rows.
func FromSeq2(seq iter.Seq2[[]any, error]) Rows {
	return func(_ context.Context, emit func([]any) error) error {
		for row, err := range seq {
			if err != nil {
				return err
			}
			if err := emit(row); err != nil {
				return err
			}
		}
		return nil
	}
}

// Table is what to write: the columns and how to show them.
type Table struct {
	Columns []Column
	// Sheet names the XLSX worksheet; "" is Sheet1.
	Sheet string
	// Zone shows instants; nil is the merchant's zone, Asia/Shanghai.
	Zone *time.Location
	// Progress, when set, is called with the rows written so far every ProgressEvery rows, and
	// with done once all are written. It runs on the writing goroutine: keep it quick.
	Progress func(rows int64, done bool)
	// TempDir holds XLSX spill files; "" is os.TempDir().
	TempDir string
}

// ProgressEvery is how many rows pass between two Progress calls.
const ProgressEvery = 10_000

// Format is a file format of an export.
type Format string

const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
)

// ParseFormat reads a ?format= value; ok is false for anything but csv and xlsx.
func ParseFormat(s string) (f Format, ok bool) {
	switch Format(s) {
	case CSV, XLSX:
		return Format(s), true
	}
	return "", false
}

// ContentType is the media type of a format.
func (f Format) ContentType() string {
	if f == XLSX {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/csv; charset=utf-8"
}

// MaxXLSXRows is how many data rows fit on a worksheet under the header (Excel's limit is
// 1,048,576 rows in all).
const MaxXLSXRows = 1_048_575

// ErrTooManyRows is returned when an XLSX export would not fit on one worksheet.
var ErrTooManyRows = errors.New("more rows than an Excel worksheet holds (1,048,575 under the header): narrow the filter or export CSV")

// Write writes the rows as f to w and returns how many data rows it wrote. XLSX writes nothing
// to w until every row is in (an error before then leaves w untouched, so an HTTP handler can
// still answer with an error page); CSV writes as it goes. ctx stops a long export early.
func Write(ctx context.Context, w io.Writer, f Format, t Table, rows Rows) (int64, error) {
	switch f {
	case CSV:
		return WriteCSV(ctx, w, t, rows)
	case XLSX:
		return WriteXLSX(ctx, w, t, rows)
	}
	return 0, fmt.Errorf("export format %q: only csv and xlsx are known", f)
}

// counter counts rows, reports progress and notices a cancelled context.
type counter struct {
	ctx      context.Context
	n        int64
	progress func(int64, bool)
}

func (c *counter) add() error {
	c.n++
	if c.n%1000 == 0 {
		if err := c.ctx.Err(); err != nil {
			return fmt.Errorf("export stopped after %d rows: %w", c.n, err)
		}
	}
	if c.progress != nil && c.n%ProgressEvery == 0 {
		c.progress(c.n, false)
	}
	return nil
}

func (c *counter) done() {
	if c.progress != nil {
		c.progress(c.n, true)
	}
}

func (t Table) zone() *time.Location {
	if t.Zone != nil {
		return t.Zone
	}
	return Shanghai
}

// Shanghai is the merchant's zone, fixed at UTC+8 when the system has no zone database (China
// has kept no daylight saving time since 1991).
var Shanghai = func() *time.Location {
	if l, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return l
	}
	return time.FixedZone("CST", 8*3600)
}()

// rowError names the row and column a bad cell came from.
func rowError(row int64, col int, c Column, v any) error {
	return fmt.Errorf("export row %d, column %d (%s): a %T cannot be written as %s", row, col+1, c.Header, v, c.Kind)
}

func (k Kind) String() string {
	switch k {
	case Text:
		return "text"
	case Int:
		return "an integer"
	case Money:
		return "money in fen"
	case Rate:
		return "a rate in basis points"
	case Time:
		return "a time"
	case Date:
		return "a date"
	}
	return fmt.Sprintf("kind %d", int(k))
}
