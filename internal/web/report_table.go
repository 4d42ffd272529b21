package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/fenxiao/fenxiao/internal/export"
	"github.com/fenxiao/fenxiao/internal/money"
	"github.com/fenxiao/fenxiao/internal/report"
)

// A report table is described once — columns with a header key and a kind, rows of values in
// those kinds — and the same description draws the page and feeds the CSV and XLSX exports, so
// the page and the file can never disagree.

type reportCol struct {
	Key  string // catalog key of the header
	Kind export.Kind
}

type reportTable struct {
	Cols []reportCol
	Rows [][]any
	// Links, when set, is a console URL per row for its first cell.
	Links []string
}

func (t *reportTable) add(link string, cells ...any) {
	t.Rows = append(t.Rows, cells)
	t.Links = append(t.Links, link)
}

// reportCell writes one value as the page shows it: money as ¥, rates as %, counts grouped.
func reportCell(kind export.Kind, v any) string {
	switch x := v.(type) {
	case int64:
		switch kind {
		case export.Money:
			return Yuan(x)
		case export.Rate:
			return money.Percent(x)
		}
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case string:
		return x
	case time.Time:
		return x.In(Zone).Format("2006-01-02")
	}
	return ""
}

// exportReport sends t as ?format=csv|xlsx with translated headers.
func (s *Server) exportReport(w http.ResponseWriter, r *http.Request, p *Page, name string, t reportTable) {
	cols := make([]export.Column, len(t.Cols))
	for i, c := range t.Cols {
		cols[i] = export.Column{Header: p.T(c.Key), Kind: c.Kind}
	}
	s.adminExport(w, r, "report-"+name, p.T("admin.rep."+name), cols, func(ctx context.Context, emit func([]any) error) error {
		for _, row := range t.Rows {
			if err := emit(row); err != nil {
				return err
			}
		}
		return nil
	})
}

// reportFilter reads the report filter from the query: period, from, to, level, distributor,
// product, sort. Unparseable numbers are ignored; the report service validates the rest.
func reportFilter(r *http.Request) report.Filter {
	q := r.URL.Query()
	f := report.Filter{Period: q.Get("period"), Sort: q.Get("sort")}
	if t, err := time.Parse(time.DateOnly, q.Get("from")); err == nil {
		f.From = t
	}
	if f.Period == report.PeriodCustom {
		if t, err := time.Parse(time.DateOnly, q.Get("to")); err == nil {
			f.To = t
		}
	}
	f.Level, _ = strconv.Atoi(q.Get("level"))
	f.DistributorID, _ = strconv.ParseInt(q.Get("distributor"), 10, 64)
	f.ProductID, _ = strconv.ParseInt(q.Get("product"), 10, 64)
	return f
}

// parseDay reads a report bucket (YYYY-MM-DD) as that day's midnight in the merchant's zone.
func parseDay(s string) (time.Time, error) { return time.ParseInLocation(time.DateOnly, s, Zone) }
