package web

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/fenxiao/fenxiao/internal/chart"
	"github.com/fenxiao/fenxiao/internal/export"
	"github.com/fenxiao/fenxiao/internal/report"
)

// UseReports turns on the console's reports and the portal's "my figures".
func (s *Server) UseReports(r *report.Service) { s.reports = r }

// adminReports are the report tabs, in the order the console shows them.
var adminReports = []string{"distributors", "products", "commission", "network", "settlement", "withdrawals"}

type reportCard struct {
	Key   string
	Value string
}

type adminReportData struct {
	Name, Tabs         any
	Query              url.Values
	From, To           string // the resolved period, to inclusive
	Period, Bucket     string
	Sort               string // the ranking's column, defaulted
	Sorts              []string
	Cards              []reportCard
	Chart, Funnel      template.HTML
	Table              reportTable
	Second             *reportTable
	SecondTitle, Notes string
	ExportCSV          string
	ExportXLSX         string
}

// adminReport serves /admin/reports/{name}: the filter, a chart, the table, and the same table
// as CSV or XLSX (?format=). Every figure comes from internal/report.
func (s *Server) adminReport(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if s.reports == nil || !slices.Contains(adminReports, name) {
		http.NotFound(w, r)
		return
	}
	ctx := r.Context()
	f := reportFilter(r)
	rng, err := s.reports.Resolve(ctx, f)
	if err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	p := s.adminPage(w, r, "admin.rep."+name, nil)
	q := r.URL.Query()
	q.Del("format")
	d := adminReportData{Name: name, Tabs: adminReports, Query: q, Period: rng.Period,
		From: rng.From.Format("2006-01-02"), To: rng.To.AddDate(0, 0, -1).Format("2006-01-02")}
	if f.Period == "" {
		d.Query.Set("period", rng.Period)
	}
	csv, xlsx := cloneValues(q), cloneValues(q)
	csv.Set("format", "csv")
	xlsx.Set("format", "xlsx")
	d.ExportCSV, d.ExportXLSX = "?"+csv.Encode(), "?"+xlsx.Encode()

	switch name {
	case "distributors":
		err = s.reportDistributors(r, p, f, &d)
	case "products":
		err = s.reportProducts(r, p, f, &d)
	case "commission":
		err = s.reportCommission(r, p, f, &d)
	case "network":
		err = s.reportNetwork(r, p, f, &d)
	case "settlement":
		err = s.reportSettlement(r, p, f, &d)
	case "withdrawals":
		err = s.reportWithdrawals(r, p, f, &d)
	}
	if err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	if adminWantsExport(r) {
		s.exportReport(w, r, p, name, d.Table)
		return
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "admin/report", p)
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

func (s *Server) reportDistributors(r *http.Request, p *Page, f report.Filter, d *adminReportData) error {
	ctx := r.Context()
	rows, err := s.reports.Distributors(ctx, f)
	if err != nil {
		return err
	}
	fn, err := s.reports.Funnel(ctx, f)
	if err != nil {
		return err
	}
	d.Sorts = report.DistributorSorts
	sortBy := f.Sort
	if sortBy == "" {
		sortBy = "net_sales_fen"
	}
	d.Sort = sortBy
	d.Funnel = chart.Funnel{Title: p.T("admin.rep.funnel"), Steps: []chart.Step{
		{Label: p.T("admin.rep.col.clicks"), Count: fn.Clicks}, {Label: p.T("admin.rep.col.orders_placed"), Count: fn.Orders},
		{Label: p.T("admin.rep.col.paid"), Count: fn.Paid}, {Label: p.T("admin.rep.col.completed"), Count: fn.Completed}}}.SVG()
	d.Table.Cols = []reportCol{{"admin.rep.col.distributor", export.Text}, {"admin.rep.col.code", export.Text}, {"admin.rep.col.level", export.Int},
		{"admin.rep.col.orders", export.Int}, {"admin.rep.col.customers", export.Int}, {"admin.rep.col.units", export.Int},
		{"admin.rep.col.sales", export.Money}, {"admin.rep.col.refunded", export.Money}, {"admin.rep.col.net_sales", export.Money},
		{"admin.rep.col.clicks", export.Int}, {"admin.rep.col.conversion", export.Rate},
		{"admin.rep.col.commission", export.Money}, {"admin.rep.col.reversed", export.Money}, {"admin.rep.col.commission_net", export.Money},
		{"admin.rep.col.settled", export.Money}, {"admin.rep.col.withdrawn", export.Money},
		{"admin.rep.col.team_orders", export.Int}, {"admin.rep.col.team_sales", export.Money}, {"admin.rep.col.team_net_sales", export.Money},
		{"admin.rep.col.override", export.Money}}
	var bars []chart.Bar
	for i, x := range rows {
		d.Table.add("/admin/distributors/"+strconv.FormatInt(x.DistributorID, 10), x.Name, x.Code, int64(x.Level),
			x.Orders, x.Customers, x.Units, x.SalesFen, x.RefundedFen, x.NetSalesFen, x.Clicks, x.ConversionBP,
			x.CommissionFen, x.CommissionReversedFen, x.CommissionNetFen, x.SettledFen, x.WithdrawnFen,
			x.TeamOrders, x.TeamSalesFen, x.TeamNetSalesFen, x.OverrideFen)
		if i < 10 {
			bars = append(bars, chart.Bar{Label: x.Name, Value: d.Table.Rows[i][sortColumn(d.Table.Cols, sortBy)].(int64)})
		}
	}
	unit := chart.Yuan
	if k := d.Table.Cols[sortColumn(d.Table.Cols, sortBy)].Kind; k == export.Int {
		unit = chart.Count("")
	} else if k == export.Rate {
		unit = chart.Unit{Scale: 100, Decimals: 2, Suffix: "%"}
	}
	label := p.T(d.Table.Cols[sortColumn(d.Table.Cols, sortBy)].Key)
	d.Chart = chart.Bars{Title: p.T("admin.rep.top10", "By", label), Items: bars, Unit: unit, XLabel: label}.SVG()
	d.Notes = "admin.rep.distributors.note"
	return nil
}

// sortColumn maps a report sort name to its column in the distributors table.
func sortColumn(cols []reportCol, sort string) int {
	key := map[string]string{"orders": "orders", "customers": "customers", "units": "units", "sales_fen": "sales",
		"refunded_fen": "refunded", "net_sales_fen": "net_sales", "clicks": "clicks", "conversion_bp": "conversion",
		"commission_fen": "commission", "commission_reversed_fen": "reversed", "commission_net_fen": "commission_net",
		"settled_fen": "settled", "withdrawn_fen": "withdrawn", "team_orders": "team_orders", "team_sales_fen": "team_sales",
		"team_net_sales_fen": "team_net_sales", "override_fen": "override", "refunded_units": "refunded_units",
		"commission_share_bp": "commission_share"}[sort]
	for i, c := range cols {
		if c.Key == "admin.rep.col."+key {
			return i
		}
	}
	for i, c := range cols {
		if c.Key == "admin.rep.col.net_sales" {
			return i
		}
	}
	return 0
}

func (s *Server) reportProducts(r *http.Request, p *Page, f report.Filter, d *adminReportData) error {
	ctx := r.Context()
	rows, err := s.reports.Products(ctx, f)
	if err != nil {
		return err
	}
	d.Sorts = report.ProductSorts
	sortBy := f.Sort
	if sortBy == "" {
		sortBy = "net_sales_fen"
	}
	d.Sort = sortBy
	d.Table.Cols = []reportCol{{"admin.rep.col.product", export.Text}, {"admin.rep.col.orders", export.Int}, {"admin.rep.col.units", export.Int},
		{"admin.rep.col.refunded_units", export.Int}, {"admin.rep.col.sales", export.Money}, {"admin.rep.col.refunded", export.Money},
		{"admin.rep.col.net_sales", export.Money}, {"admin.rep.col.commission", export.Money}, {"admin.rep.col.commission_share", export.Rate}}
	var bars []chart.Bar
	col := sortColumn(d.Table.Cols, sortBy)
	for i, x := range rows {
		d.Table.add("/admin/reports/products?"+withValue(d.Query, "product", x.ProductID), x.Name, x.Orders, x.Units, x.RefundedUnits,
			x.SalesFen, x.RefundedFen, x.NetSalesFen, x.CommissionFen, x.CommissionShareBP)
		if i < 10 {
			bars = append(bars, chart.Bar{Label: x.Name, Value: d.Table.Rows[i][col].(int64)})
		}
	}
	unit := chart.Yuan
	switch d.Table.Cols[col].Kind {
	case export.Int:
		unit = chart.Count("")
	case export.Rate:
		unit = chart.Unit{Scale: 100, Decimals: 2, Suffix: "%"}
	}
	label := p.T(d.Table.Cols[col].Key)
	d.Chart = chart.Bars{Title: p.T("admin.rep.top10", "By", label), Items: bars, Unit: unit, XLabel: label}.SVG()
	if f.ProductID != 0 {
		top, err := s.reports.TopDistributors(ctx, f)
		if err != nil {
			return err
		}
		t := &reportTable{Cols: []reportCol{{"admin.rep.col.distributor", export.Text}, {"admin.rep.col.code", export.Text},
			{"admin.rep.col.orders", export.Int}, {"admin.rep.col.units", export.Int}, {"admin.rep.col.sales", export.Money},
			{"admin.rep.col.net_sales", export.Money}, {"admin.rep.col.commission", export.Money}}}
		for _, x := range top {
			t.add("/admin/distributors/"+strconv.FormatInt(x.DistributorID, 10), x.Name, x.Code, x.Orders, x.Units, x.SalesFen, x.NetSalesFen, x.CommissionFen)
		}
		d.Second, d.SecondTitle = t, "admin.rep.top_distributors"
	}
	d.Notes = "admin.rep.products.note"
	return nil
}

func withValue(q url.Values, key string, v int64) string {
	c := cloneValues(q)
	c.Set(key, strconv.FormatInt(v, 10))
	return c.Encode()
}

func (s *Server) reportCommission(r *http.Request, p *Page, f report.Filter, d *adminReportData) error {
	bucket := r.URL.Query().Get("bucket")
	if bucket == "" {
		bucket = report.BucketDay
		if f.Period == report.PeriodYear || f.Period == report.PeriodQuarter {
			bucket = report.BucketWeek
		}
	}
	d.Bucket = bucket
	rows, err := s.reports.CommissionOverTime(r.Context(), f, bucket)
	if err != nil {
		return err
	}
	d.Table.Cols = []reportCol{{"admin.rep.col.bucket", export.Text}, {"admin.rep.col.orders", export.Int}, {"admin.rep.col.sales", export.Money},
		{"admin.rep.col.net_sales", export.Money}, {"admin.rep.col.l1_direct", export.Money}, {"admin.rep.col.l2_direct", export.Money},
		{"admin.rep.col.l1_override", export.Money}, {"admin.rep.col.commission", export.Money}, {"admin.rep.col.cost_share", export.Rate}}
	line := chart.Line{Title: p.T("admin.rep.commission"), Unit: chart.Yuan, XLabel: p.T("admin.rep.axis.date"), YLabel: p.T("admin.rep.axis.yuan")}
	series := make([]chart.Series, 4)
	for i, k := range []string{"admin.rep.col.net_sales", "admin.rep.col.l1_direct", "admin.rep.col.l2_direct", "admin.rep.col.l1_override"} {
		series[i].Name = p.T(k)
	}
	var totals [6]int64
	for _, x := range rows {
		d.Table.add("", x.Bucket, x.Orders, x.SalesFen, x.NetSalesFen, x.L1DirectFen, x.L2DirectFen, x.L1OverrideFen, x.CommissionFen, x.CostShareBP)
		if t, err := parseDay(x.Bucket); err == nil {
			line.Dates = append(line.Dates, t)
			for i, v := range []int64{x.NetSalesFen, x.L1DirectFen, x.L2DirectFen, x.L1OverrideFen} {
				series[i].Values = append(series[i].Values, v)
			}
		}
		for i, v := range []int64{x.Orders, x.SalesFen, x.NetSalesFen, x.L1DirectFen + x.L2DirectFen + x.L1OverrideFen, x.CommissionFen, 0} {
			totals[i] += v
		}
	}
	line.Series = series
	d.Chart = line.SVG()
	d.Cards = []reportCard{{"admin.rep.col.net_sales", Yuan(totals[2])}, {"admin.rep.col.commission", Yuan(totals[4])},
		{"admin.rep.col.cost_share", reportCell(export.Rate, shareBP(totals[4], totals[2]))}}
	d.Notes = "admin.rep.commission.note"
	return nil
}

// shareBP is part/whole in basis points, truncated; 0 for an empty whole.
func shareBP(part, whole int64) int64 {
	if whole <= 0 {
		return 0
	}
	return part * 10000 / whole
}

func (s *Server) reportNetwork(r *http.Request, p *Page, f report.Filter, d *adminReportData) error {
	x, err := s.reports.Network(r.Context(), f)
	if err != nil {
		return err
	}
	d.Table.Cols = []reportCol{{"admin.rep.col.from", export.Text}, {"admin.rep.col.to", export.Text}, {"admin.rep.col.applications", export.Int},
		{"admin.rep.col.approvals", export.Int}, {"admin.rep.col.rejections", export.Int}, {"admin.rep.col.active", export.Int},
		{"admin.rep.col.previous_active", export.Int}, {"admin.rep.col.newly_active", export.Int}, {"admin.rep.col.churned", export.Int},
		{"admin.rep.col.churn", export.Rate}}
	d.Table.add("", x.From, x.To, x.Applications, x.Approvals, x.Rejections, x.Active, x.PreviousActive, x.NewlyActive, x.Churned, x.ChurnBP)
	for i, c := range d.Table.Cols[2:] {
		d.Cards = append(d.Cards, reportCard{c.Key, reportCell(c.Kind, d.Table.Rows[0][i+2])})
	}
	d.Chart = chart.Bars{Title: p.T("admin.rep.network"), Unit: chart.Count(""), XLabel: p.T("admin.rep.axis.people"), Items: []chart.Bar{
		{Label: p.T("admin.rep.col.applications"), Value: x.Applications}, {Label: p.T("admin.rep.col.approvals"), Value: x.Approvals},
		{Label: p.T("admin.rep.col.rejections"), Value: x.Rejections}, {Label: p.T("admin.rep.col.active"), Value: x.Active},
		{Label: p.T("admin.rep.col.newly_active"), Value: x.NewlyActive}, {Label: p.T("admin.rep.col.churned"), Value: x.Churned}}}.SVG()
	d.Notes = "admin.rep.network.note"
	return nil
}

func (s *Server) reportSettlement(r *http.Request, p *Page, f report.Filter, d *adminReportData) error {
	rows, err := s.reports.Settlement(r.Context(), f)
	if err != nil {
		return err
	}
	d.Table.Cols = []reportCol{{"admin.rep.col.distributor", export.Text}, {"admin.rep.col.code", export.Text}, {"admin.rep.col.level", export.Int},
		{"admin.rep.col.statements", export.Int}, {"admin.rep.col.opening", export.Money}, {"admin.rep.col.accrued", export.Money},
		{"admin.rep.col.reversed", export.Money}, {"admin.rep.col.clawed_back", export.Money}, {"admin.rep.col.settled", export.Money},
		{"admin.rep.col.withdrawn", export.Money}, {"admin.rep.col.closing", export.Money}}
	var settled, withdrawn, clawed int64
	for _, x := range rows {
		d.Table.add("/admin/distributors/"+strconv.FormatInt(x.DistributorID, 10), x.Name, x.Code, int64(x.Level), x.Statements,
			x.OpeningFen, x.AccruedFen, x.ReversedFen, x.ClawedBackFen, x.SettledFen, x.WithdrawnFen, x.ClosingFen)
		settled, withdrawn, clawed = settled+x.SettledFen, withdrawn+x.WithdrawnFen, clawed+x.ClawedBackFen
	}
	d.Cards = []reportCard{{"admin.rep.col.distributors", strconv.Itoa(len(rows))}, {"admin.rep.col.settled", Yuan(settled)},
		{"admin.rep.col.clawed_back", Yuan(clawed)}, {"admin.rep.col.withdrawn", Yuan(withdrawn)}}
	d.Notes = "admin.rep.settlement.note"
	return nil
}

func (s *Server) reportWithdrawals(r *http.Request, p *Page, f report.Filter, d *adminReportData) error {
	x, err := s.reports.Withdrawals(r.Context(), f)
	if err != nil {
		return err
	}
	sm := x.Summary
	d.Cards = []reportCard{{"admin.rep.col.requested", strconv.FormatInt(sm.Requested, 10) + " · " + Yuan(sm.RequestedFen)},
		{"admin.rep.col.approved", strconv.FormatInt(sm.Approved, 10) + " · " + Yuan(sm.ApprovedFen)},
		{"admin.rep.col.paid_out", strconv.FormatInt(sm.Paid, 10) + " · " + Yuan(sm.PaidFen)},
		{"admin.rep.col.fees", Yuan(sm.FeesFen)},
		{"admin.rep.col.rejected", strconv.FormatInt(sm.Rejected, 10) + " · " + Yuan(sm.RejectedFen)},
		{"admin.rep.col.failed", strconv.FormatInt(sm.Failed, 10) + " · " + Yuan(sm.FailedFen)},
		{"admin.rep.col.avg_payout", hours(sm.AvgPayoutSeconds)}, {"admin.rep.col.median_payout", hours(sm.MedianPayoutSeconds)}}
	d.Table.Cols = []reportCol{{"admin.rep.col.distributor", export.Text}, {"admin.rep.col.code", export.Text},
		{"admin.rep.col.requested", export.Int}, {"admin.rep.col.requested_fen", export.Money}, {"admin.rep.col.approved", export.Int},
		{"admin.rep.col.paid_out", export.Int}, {"admin.rep.col.paid_fen", export.Money}, {"admin.rep.col.fees", export.Money},
		{"admin.rep.col.rejected", export.Int}, {"admin.rep.col.failed", export.Int}, {"admin.rep.col.avg_payout_hours", export.Text}}
	for _, w := range x.ByDistributor {
		d.Table.add("/admin/distributors/"+strconv.FormatInt(w.DistributorID, 10), w.Name, w.Code, w.Requested, w.RequestedFen,
			w.Approved, w.Paid, w.PaidFen, w.FeesFen, w.Rejected, w.Failed, hours(w.AvgPayoutSeconds))
	}
	d.Chart = chart.Funnel{Title: p.T("admin.rep.withdrawals"), Steps: []chart.Step{{Label: p.T("admin.rep.col.requested"), Count: sm.Requested},
		{Label: p.T("admin.rep.col.approved"), Count: sm.Approved}, {Label: p.T("admin.rep.col.paid_out"), Count: sm.Paid}}}.SVG()
	d.Notes = "admin.rep.withdrawals.note"
	return nil
}

// hours writes a duration in seconds as hours with one decimal, "" for none.
func hours(sec int64) string {
	if sec <= 0 {
		return "—"
	}
	tenths := (sec*10 + 1800) / 3600
	return strconv.FormatInt(tenths/10, 10) + "." + strconv.FormatInt(tenths%10, 10) + " h"
}
