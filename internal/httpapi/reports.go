package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/report"
)

// reportIn is the filter every report takes.
type reportIn struct {
	Period        string `query:"period" enum:"day,week,month,quarter,year,custom," doc:"day, week (Monday–Sunday), month, quarter or year containing from (default today), or custom from–to; default month, or custom when to is given"`
	From          string `query:"from" doc:"a date, YYYY-MM-DD, in the merchant's zone (Asia/Shanghai)"`
	To            string `query:"to" doc:"last date of a custom period, YYYY-MM-DD, included"`
	Level         int    `query:"level" minimum:"0" maximum:"2" doc:"1 or 2: only distributors of that level"`
	DistributorID int64  `query:"distributor_id" minimum:"0"`
	ProductID     int64  `query:"product_id" minimum:"0"`
	Sort          string `query:"sort" doc:"a column of the rows, sorted descending (distributors, products)"`
	Limit         int    `query:"limit" minimum:"0" maximum:"100000" doc:"rows of a ranking; 0 = all"`
	Bucket        string `query:"bucket" enum:"day,week,month,quarter," doc:"commission report only: default day up to 62 days, month beyond"`
}

func (in reportIn) filter() (report.Filter, error) {
	f := report.Filter{Period: in.Period, Level: in.Level, DistributorID: in.DistributorID, ProductID: in.ProductID, Sort: in.Sort, Limit: in.Limit}
	for _, d := range []struct {
		name, v string
		dst     *time.Time
	}{{"from", in.From, &f.From}, {"to", in.To, &f.To}} {
		if d.v == "" {
			continue
		}
		t, err := time.Parse(time.DateOnly, d.v)
		if err != nil {
			return f, errs.Field(d.name, "invalid_date", "%s must be a date like 2026-03-01, not %q", d.name, d.v)
		}
		*d.dst = t
	}
	return f, nil
}

// reportPeriod says which dates a report covered.
type reportPeriod struct {
	Period string `json:"period"`
	From   string `json:"from" doc:"first day"`
	To     string `json:"to" doc:"last day, included"`
	Zone   string `json:"zone"`
}

type reportOut[T any] struct {
	Body struct {
		Period reportPeriod `json:"period"`
		Rows   T            `json:"rows"`
	}
}

// registerReport adds GET /reports/{name} answering with run's typed rows.
func registerReport[T any](s *Server, reports *report.Service, name, summary, description string, run func(context.Context, *reportIn, report.Filter) (T, error)) {
	o := op(http.MethodGet, "/reports/"+name, "report-"+name, summary, "reports", "operator", "finance")
	o.Description = description + " Amounts are fen, shares basis points; sales are line bases (goods after discounts, no shipping)."
	huma.Register(s.api, o, func(ctx context.Context, in *reportIn) (*reportOut[T], error) {
		f, err := in.filter()
		if err != nil {
			return nil, fail(ctx, s.Log, err)
		}
		r, err := reports.Resolve(ctx, f)
		if err != nil {
			return nil, fail(ctx, s.Log, err)
		}
		rows, err := run(ctx, in, f)
		if err != nil {
			return nil, fail(ctx, s.Log, err)
		}
		out := &reportOut[T]{}
		out.Body.Period = reportPeriod{Period: r.Period, From: r.From.Format(time.DateOnly), To: r.To.AddDate(0, 0, -1).Format(time.DateOnly), Zone: r.Zone.String()}
		out.Body.Rows = rows
		return out, nil
	})
}

func (s *Server) routeReports() {
	reports := &report.Service{DB: s.DB}
	registerReport(s, reports, "distributors", "Distributor performance and leaderboard",
		"Each distributor's sales of the period (orders paid in it, less what was refunded since), customers, commission on those sales, "+
			"money settled and withdrawn in the period, and for a level 1 its team's sales and override income. sort ranks by any column.",
		func(ctx context.Context, _ *reportIn, f report.Filter) ([]report.DistributorRow, error) {
			return reports.Distributors(ctx, f)
		})
	registerReport(s, reports, "products", "Product performance",
		"Units, sales, refunds and the commission cost of each product's sales in the period, and that cost as a share of net sales.",
		func(ctx context.Context, _ *reportIn, f report.Filter) ([]report.ProductRow, error) {
			return reports.Products(ctx, f)
		})
	registerReport(s, reports, "top-distributors", "Top distributors of a product",
		"The distributors who sold product_id (required) in the period, by net sales; limit defaults to 10.",
		func(ctx context.Context, _ *reportIn, f report.Filter) ([]report.ProductDistributorRow, error) {
			return reports.TopDistributors(ctx, f)
		})
	registerReport(s, reports, "commission", "Commission cost over time",
		"Commission on each bucket's sales by rate (level-1 direct, level-2 direct, level-1 override), net of reversals, against those sales.",
		func(ctx context.Context, in *reportIn, f report.Filter) ([]report.CostRow, error) {
			return reports.CommissionOverTime(ctx, f, in.Bucket)
		})
	registerReport(s, reports, "network", "Network growth",
		"Applications, approvals and rejections in the period; distributors active (with a paid order) in it and in the period before; churn.",
		func(ctx context.Context, _ *reportIn, f report.Filter) (report.NetworkRow, error) {
			return reports.Network(ctx, f)
		})
	registerReport(s, reports, "settlement", "Settlement report",
		"Each distributor's statements whose cutoff falls in the period, added up: they match the statements to the fen.",
		func(ctx context.Context, _ *reportIn, f report.Filter) ([]report.SettlementRow, error) {
			return reports.Settlement(ctx, f)
		})
	registerReport(s, reports, "withdrawals", "Withdrawals",
		"Withdrawals requested, approved, paid, rejected and failed in the period (each on the day it happened), fees, and time to payout.",
		func(ctx context.Context, _ *reportIn, f report.Filter) (report.WithdrawalReport, error) {
			return reports.Withdrawals(ctx, f)
		})
	registerReport(s, reports, "funnel", "Clicks to completed orders",
		"Credited link clicks in the period, the orders placed in it, and how many of those were paid and completed; distributor_id narrows it.",
		func(ctx context.Context, _ *reportIn, f report.Filter) (report.FunnelRow, error) {
			return reports.Funnel(ctx, f)
		})
}
