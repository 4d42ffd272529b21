package web

import (
	"html/template"
	"net/http"
	"strconv"

	"github.com/fenxiao/fenxiao/internal/chart"
	"github.com/fenxiao/fenxiao/internal/export"
	"github.com/fenxiao/fenxiao/internal/report"
)

// portalFigure is one figure of "my figures": this period, the last, and the change.
type portalFigure struct {
	Key         string
	Now, Before string
	Change      string // "+12.5%", "−3.0%", "" when the last period had none
	Up          bool
}

type portalReportData struct {
	Period        string
	From, To      string
	PrevFrom      string
	PrevTo        string
	Mine, Team    []portalFigure
	Chart, Funnel template.HTML
}

// portalReport is "my figures": the distributor's own performance (and, for a level 1, its
// team's) in this week, month or quarter against the one before, from the same report service
// the console reads.
func (s *Server) portalReport(w http.ResponseWriter, r *http.Request) {
	if s.reports == nil {
		http.NotFound(w, r)
		return
	}
	d := DistributorFrom(r)
	ctx := r.Context()
	period := r.URL.Query().Get("period")
	if period != report.PeriodWeek && period != report.PeriodQuarter {
		period = report.PeriodMonth
	}
	f := report.Filter{Period: period, DistributorID: d.ID}
	now, err := s.reports.Resolve(ctx, f)
	if err != nil {
		s.portalFail(w, r, err)
		return
	}
	prev := now.Previous()
	pf := report.Filter{Period: report.PeriodCustom, From: prev.From, To: prev.To.AddDate(0, 0, -1), DistributorID: d.ID}
	cur, err := s.reports.Distributors(ctx, f)
	if err != nil {
		s.portalFail(w, r, err)
		return
	}
	old, err := s.reports.Distributors(ctx, pf)
	if err != nil {
		s.portalFail(w, r, err)
		return
	}
	var a, b report.DistributorRow
	if len(cur) > 0 {
		a = cur[0]
	}
	if len(old) > 0 {
		b = old[0]
	}
	p := &Page{Title: "m.report.title"}
	data := portalReportData{Period: period, From: now.From.Format("2006-01-02"), To: now.To.AddDate(0, 0, -1).Format("2006-01-02"),
		PrevFrom: prev.From.Format("2006-01-02"), PrevTo: prev.To.AddDate(0, 0, -1).Format("2006-01-02")}
	money := func(key string, x, y int64) portalFigure { return compare(key, Yuan(x), Yuan(y), x, y) }
	count := func(key string, x, y int64) portalFigure {
		return compare(key, strconv.FormatInt(x, 10), strconv.FormatInt(y, 10), x, y)
	}
	data.Mine = []portalFigure{money("m.report.net_sales", a.NetSalesFen, b.NetSalesFen), count("m.report.orders", a.Orders, b.Orders),
		count("m.report.customers", a.Customers, b.Customers), money("m.report.commission", a.CommissionNetFen, b.CommissionNetFen),
		count("m.report.clicks", a.Clicks, b.Clicks), compare("m.report.conversion", reportCell(export.Rate, a.ConversionBP), reportCell(export.Rate, b.ConversionBP), a.ConversionBP, b.ConversionBP),
		money("m.report.refunded", a.RefundedFen, b.RefundedFen)}
	if d.Level == 1 {
		data.Team = []portalFigure{count("m.report.team_orders", a.TeamOrders, b.TeamOrders),
			money("m.report.team_sales", a.TeamNetSalesFen, b.TeamNetSalesFen), money("m.report.override", a.OverrideFen, b.OverrideFen)}
	}
	bucket := report.BucketDay
	if period == report.PeriodQuarter {
		bucket = report.BucketWeek
	}
	rows, err := s.reports.CommissionOverTime(ctx, f, bucket)
	if err != nil {
		s.portalFail(w, r, err)
		return
	}
	line := chart.Line{Title: s.portalT(w, r, "m.report.chart"), Unit: chart.Yuan, XLabel: s.portalT(w, r, "m.report.axis.date"), YLabel: s.portalT(w, r, "m.report.axis.yuan"),
		Series: []chart.Series{{Name: s.portalT(w, r, "m.report.net_sales")}, {Name: s.portalT(w, r, "m.report.commission")}}}
	for _, x := range rows {
		t, err := parseDay(x.Bucket)
		if err != nil {
			continue
		}
		line.Dates = append(line.Dates, t)
		line.Series[0].Values = append(line.Series[0].Values, x.NetSalesFen)
		line.Series[1].Values = append(line.Series[1].Values, x.CommissionFen)
	}
	data.Chart = line.SVG()
	fn, err := s.reports.Funnel(ctx, f)
	if err != nil {
		s.portalFail(w, r, err)
		return
	}
	data.Funnel = chart.Funnel{Title: s.portalT(w, r, "m.report.funnel"), Steps: []chart.Step{
		{Label: s.portalT(w, r, "m.report.clicks"), Count: fn.Clicks}, {Label: s.portalT(w, r, "m.report.orders"), Count: fn.Orders},
		{Label: s.portalT(w, r, "m.report.paid"), Count: fn.Paid}, {Label: s.portalT(w, r, "m.report.completed"), Count: fn.Completed}}}.SVG()
	p.Data = data
	s.portalRender(w, r, http.StatusOK, "m/report", p)
}

// compare builds a figure with its change against the last period, in tenths of a percent,
// computed in integers.
func compare(key, now, before string, x, y int64) portalFigure {
	f := portalFigure{Key: key, Now: now, Before: before, Up: x >= y}
	if y == 0 {
		return f
	}
	tenths := (x - y) * 1000 / abs64(y)
	sign := "+"
	if tenths < 0 {
		sign, tenths = "−", -tenths
	}
	f.Change = sign + strconv.FormatInt(tenths/10, 10) + "." + strconv.FormatInt(tenths%10, 10) + "%"
	return f
}

func abs64(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
