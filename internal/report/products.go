package report

import (
	"context"
	"fmt"
	"sort"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
)

// ProductRow is one product's sales in a period (a cohort of the period's payments, all
// orders, with or without a distributor) and the commission paid on them.
type ProductRow struct {
	ProductID     int64  `json:"product_id"`
	Name          string `json:"name"`
	Orders        int64  `json:"orders" doc:"paid orders with the product"`
	Units         int64  `json:"units"`
	RefundedUnits int64  `json:"refunded_units"`
	SalesFen      int64  `json:"sales_fen"`
	RefundedFen   int64  `json:"refunded_fen"`
	NetSalesFen   int64  `json:"net_sales_fen"`
	// Commission cost: accrued on these sales less what refunds reversed.
	CommissionFen     int64 `json:"commission_fen"`
	CommissionShareBP int64 `json:"commission_share_bp" doc:"commission_fen / net_sales_fen, basis points"`
}

// ProductSorts are the columns a product ranking may sort by (descending).
var ProductSorts = []string{"orders", "units", "refunded_units", "sales_fen", "refunded_fen", "net_sales_fen", "commission_fen", "commission_share_bp"}

func (r ProductRow) sortKey(col string) int64 {
	switch col {
	case "orders":
		return r.Orders
	case "units":
		return r.Units
	case "refunded_units":
		return r.RefundedUnits
	case "sales_fen":
		return r.SalesFen
	case "refunded_fen":
		return r.RefundedFen
	case "commission_fen":
		return r.CommissionFen
	case "commission_share_bp":
		return r.CommissionShareBP
	}
	return r.NetSalesFen
}

// Products is the product performance report: every product sold in the period (or just
// f.ProductID), optionally only through f.DistributorID or through distributors of f.Level (the
// level they sold at; level filters leave out orders without a distributor). Sorted by f.Sort
// (default net_sales_fen) descending, cut to f.Limit. Errors: Invalid.
func (s *Service) Products(ctx context.Context, f Filter) ([]ProductRow, error) {
	r, err := s.Resolve(ctx, f)
	if err != nil {
		return nil, err
	}
	sortBy, err := checkSort(f.Sort, "net_sales_fen", ProductSorts)
	if err != nil {
		return nil, err
	}
	var out []ProductRow
	err = s.read(ctx, func(q db.Querier) error {
		w := salesWhere(s.DB.Dialect, r, f)
		cond, args := w.build()
		return scanRows(ctx, q, `SELECT s.product_id, COALESCE(p.name, ''), sum(s.orders), sum(s.units), sum(s.refunded_units), sum(s.sales_fen),
				sum(s.refunded_fen), sum(s.direct_fen + s.override_fen - s.direct_reversed_fen - s.override_reversed_fen)
			FROM rollup_sales s LEFT JOIN products p ON p.id = s.product_id WHERE `+cond+` GROUP BY s.product_id, p.name`, args,
			func(sc scanner) error {
				var x ProductRow
				if err := sc.Scan(&x.ProductID, &x.Name, &x.Orders, &x.Units, &x.RefundedUnits, &x.SalesFen, &x.RefundedFen, &x.CommissionFen); err != nil {
					return err
				}
				x.NetSalesFen = x.SalesFen - x.RefundedFen
				x.CommissionShareBP = bp(x.CommissionFen, x.NetSalesFen)
				out = append(out, x)
				return nil
			})
	})
	if err != nil {
		return nil, fmt.Errorf("product report: %w", err)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].sortKey(sortBy), out[j].sortKey(sortBy)
		if a != b {
			return a > b
		}
		return out[i].ProductID < out[j].ProductID
	})
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

// salesWhere selects rollup_sales rows (alias s) of r and f.
func salesWhere(d db.Dialect, r Range, f Filter) *where {
	w := newWhere(d)
	w.segs("s", r.segments())
	if f.ProductID != 0 {
		w.dim("s.product_id = ?", f.ProductID)
	}
	if f.DistributorID != 0 {
		w.dim("s.distributor_id = ?", f.DistributorID)
	}
	if f.Level != 0 {
		w.add("s.level = ?", f.Level)
	}
	return w
}

// ProductDistributorRow is one distributor's sales of one product in a period.
type ProductDistributorRow struct {
	ProductID     int64  `json:"product_id"`
	DistributorID int64  `json:"distributor_id"`
	Code          string `json:"code"`
	Name          string `json:"name"`
	Orders        int64  `json:"orders"`
	Units         int64  `json:"units"`
	SalesFen      int64  `json:"sales_fen"`
	NetSalesFen   int64  `json:"net_sales_fen"`
	CommissionFen int64  `json:"commission_fen" doc:"direct and override on these sales, net of reversals"`
}

// TopDistributors ranks the distributors who sold f.ProductID in the period by net sales,
// f.Limit of them (default 10). A product is required: over every product at once the ranking
// would read a row per product and distributor. Errors: Invalid.
func (s *Service) TopDistributors(ctx context.Context, f Filter) ([]ProductDistributorRow, error) {
	if f.ProductID == 0 {
		return nil, errs.Field("product_id", "product_required", "top distributors are ranked per product: name a product_id")
	}
	r, err := s.Resolve(ctx, f)
	if err != nil {
		return nil, err
	}
	if f.Limit <= 0 {
		f.Limit = 10
	}
	var out []ProductDistributorRow
	err = s.read(ctx, func(q db.Querier) error {
		w := salesWhere(s.DB.Dialect, r, f)
		w.add("s.distributor_id <> 0")
		cond, args := w.build()
		return scanRows(ctx, q, `SELECT s.distributor_id, d.code, d.name, sum(s.orders), sum(s.units), sum(s.sales_fen), sum(s.sales_fen - s.refunded_fen),
				sum(s.direct_fen + s.override_fen - s.direct_reversed_fen - s.override_reversed_fen)
			FROM rollup_sales s JOIN distributors d ON d.id = s.distributor_id WHERE `+cond+`
			GROUP BY s.distributor_id, d.code, d.name`, args, func(sc scanner) error {
			x := ProductDistributorRow{ProductID: f.ProductID}
			if err := sc.Scan(&x.DistributorID, &x.Code, &x.Name, &x.Orders, &x.Units, &x.SalesFen, &x.NetSalesFen, &x.CommissionFen); err != nil {
				return err
			}
			out = append(out, x)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("top distributors of product %d: %w", f.ProductID, err)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].NetSalesFen != out[j].NetSalesFen {
			return out[i].NetSalesFen > out[j].NetSalesFen
		}
		return out[i].DistributorID < out[j].DistributorID
	})
	if len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}
