package report

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/rollup"
)

// DistributorRow is one distributor's performance in a period: what it sold (a cohort of the
// period's payments), what it earned on that, the money that moved on its balance in the
// period, and for a level 1 its team's sales and its override income on them.
type DistributorRow struct {
	DistributorID int64  `json:"distributor_id"`
	Code          string `json:"code"`
	Name          string `json:"name"`
	Level         int    `json:"level" doc:"current level"`
	ParentID      int64  `json:"parent_id,omitempty" doc:"current parent (level 2)"`

	Orders       int64 `json:"orders" doc:"orders it sold (as the order's distributor) paid in the period"`
	Customers    int64 `json:"customers" doc:"distinct customers of those orders"`
	Units        int64 `json:"units"`
	SalesFen     int64 `json:"sales_fen" doc:"goods value paid (line bases, no shipping)"`
	RefundedFen  int64 `json:"refunded_fen" doc:"of those sales, refunded so far"`
	NetSalesFen  int64 `json:"net_sales_fen" doc:"sales − refunded"`
	Clicks       int64 `json:"clicks" doc:"credited clicks on its tracked links in the period"`
	ConversionBP int64 `json:"conversion_bp" doc:"orders per click, basis points; 0 without clicks"`

	CommissionFen         int64 `json:"commission_fen" doc:"commission accrued on the period's sales: its direct commission plus override on its team's"`
	CommissionReversedFen int64 `json:"commission_reversed_fen" doc:"of that, reversed by refunds so far"`
	CommissionNetFen      int64 `json:"commission_net_fen"`
	SettledFen            int64 `json:"settled_fen" doc:"commission settled (frozen → available) in the period; 0 with a product filter"`
	WithdrawnFen          int64 `json:"withdrawn_fen" doc:"withdrawals requested less those returned, in the period, as statements count them; 0 with a product filter"`

	TeamOrders      int64 `json:"team_orders" doc:"level 1: orders its level-2s sold, paid in the period"`
	TeamSalesFen    int64 `json:"team_sales_fen"`
	TeamNetSalesFen int64 `json:"team_net_sales_fen"`
	OverrideFen     int64 `json:"override_fen" doc:"level 1: override on its team's sales of the period, net of reversals"`
}

// DistributorSorts are the columns a distributor ranking may sort by (descending).
var DistributorSorts = []string{"orders", "customers", "units", "sales_fen", "refunded_fen", "net_sales_fen", "clicks",
	"conversion_bp", "commission_fen", "commission_reversed_fen", "commission_net_fen", "settled_fen", "withdrawn_fen",
	"team_orders", "team_sales_fen", "team_net_sales_fen", "override_fen"}

func (r DistributorRow) sortKey(col string) int64 {
	switch col {
	case "orders":
		return r.Orders
	case "customers":
		return r.Customers
	case "units":
		return r.Units
	case "sales_fen":
		return r.SalesFen
	case "refunded_fen":
		return r.RefundedFen
	case "clicks":
		return r.Clicks
	case "conversion_bp":
		return r.ConversionBP
	case "commission_fen":
		return r.CommissionFen
	case "commission_reversed_fen":
		return r.CommissionReversedFen
	case "commission_net_fen":
		return r.CommissionNetFen
	case "settled_fen":
		return r.SettledFen
	case "withdrawn_fen":
		return r.WithdrawnFen
	case "team_orders":
		return r.TeamOrders
	case "team_sales_fen":
		return r.TeamSalesFen
	case "team_net_sales_fen":
		return r.TeamNetSalesFen
	case "override_fen":
		return r.OverrideFen
	}
	return r.NetSalesFen
}

// Distributors is the distributor performance report and leaderboard: every distributor with
// any figure in the period (or just f.DistributorID), sorted by f.Sort (default net_sales_fen)
// descending, then by id, cut to f.Limit. Errors: Invalid.
func (s *Service) Distributors(ctx context.Context, f Filter) ([]DistributorRow, error) {
	r, err := s.Resolve(ctx, f)
	if err != nil {
		return nil, err
	}
	sortBy, err := checkSort(f.Sort, "net_sales_fen", DistributorSorts)
	if err != nil {
		return nil, err
	}
	var out []DistributorRow
	err = s.read(ctx, func(q db.Querier) error {
		rows, err := distributors(ctx, q, s.DB.Dialect, r, f)
		if err != nil {
			return err
		}
		// Without a level filter only the rows kept need their names: a leaderboard describes
		// its top few, not every distributor with a sale.
		late := f.Level == 0 && f.Limit > 0
		if !late {
			if err := describe(ctx, q, rows, f.DistributorID); err != nil {
				return err
			}
		}
		out = rank(rows, f, sortBy)
		if !late {
			return nil
		}
		kept := make(map[int64]*DistributorRow, len(out))
		for i := range out {
			kept[out[i].DistributorID] = &out[i]
		}
		return describe(ctx, q, kept, f.DistributorID)
	})
	if err != nil {
		return nil, err
	}
	// A row of a since-deleted distributor cannot happen (distributors are never deleted); drop
	// one rather than show it nameless.
	return slices.DeleteFunc(out, func(x DistributorRow) bool { return x.Code == "" }), nil
}

// rank completes the rows (derived figures), keeps f.Level's, and sorts them by sortBy
// descending, then by id, cut to f.Limit.
func rank(rows map[int64]*DistributorRow, f Filter, sortBy string) []DistributorRow {
	// Sort small keys rather than the rows (a row is a few hundred bytes, and there may be a row
	// per distributor); the id breaks ties, so the order is total.
	type key struct{ v, id int64 }
	keys := make([]key, 0, len(rows))
	for id, x := range rows {
		if f.Level != 0 && x.Level != f.Level {
			continue
		}
		x.NetSalesFen = x.SalesFen - x.RefundedFen
		x.CommissionNetFen = x.CommissionFen - x.CommissionReversedFen
		x.ConversionBP = bp(x.Orders, x.Clicks)
		keys = append(keys, key{x.sortKey(sortBy), id})
	}
	slices.SortFunc(keys, func(a, b key) int {
		if a.v != b.v {
			return cmp.Compare(b.v, a.v)
		}
		return cmp.Compare(a.id, b.id)
	})
	if f.Limit > 0 && len(keys) > f.Limit {
		keys = keys[:f.Limit]
	}
	out := make([]DistributorRow, len(keys))
	for i, k := range keys {
		out[i] = *rows[k.id]
	}
	return out
}

func checkSort(col, def string, allowed []string) (string, error) {
	if col == "" {
		return def, nil
	}
	for _, a := range allowed {
		if a == col {
			return col, nil
		}
	}
	return "", errs.Field("sort", "invalid_sort", "sort must be one of %v, not %q", allowed, col)
}

// distributors gathers the figures of every distributor with any in r (or just f.DistributorID's),
// without names or derived figures.
func distributors(ctx context.Context, q db.Querier, dialect db.Dialect, r Range, f Filter) (map[int64]*DistributorRow, error) {
	rows := map[int64]*DistributorRow{}
	get := func(id int64) *DistributorRow {
		x := rows[id]
		if x == nil {
			x = &DistributorRow{DistributorID: id}
			rows[id] = x
		}
		return x
	}
	segs := r.segments()
	table, product := "rollup_distributors", ""
	if f.ProductID != 0 {
		table, product = "rollup_sales", "product_id"
	}

	// Own sales and direct commission, and the team's sales and the override on them. A row is
	// its distributor's own sale and, if it has a parent, the parent's team sale: for every
	// distributor that is one pass over the range's rows; for one, its own rows and its team's.
	sales := func(sc scanner) error {
		var id, parent, orders, units, sales, refunded, direct, directRev, over, overRev int64
		if err := sc.Scan(&id, &parent, &orders, &units, &sales, &refunded, &direct, &directRev, &over, &overRev); err != nil {
			return err
		}
		if id != 0 && (f.DistributorID == 0 || id == f.DistributorID) {
			x := get(id)
			x.Orders += orders
			x.Units += units
			x.SalesFen += sales
			x.RefundedFen += refunded
			x.CommissionFen += direct
			x.CommissionReversedFen += directRev
		}
		if parent != 0 && (f.DistributorID == 0 || parent == f.DistributorID) {
			x := get(parent)
			x.TeamOrders += orders
			x.TeamSalesFen += sales
			x.TeamNetSalesFen += sales - refunded
			x.OverrideFen += over - overRev
			x.CommissionFen += over
			x.CommissionReversedFen += overRev
		}
		return nil
	}
	dims := []string{"distributor_id <> 0"}
	if f.DistributorID != 0 {
		dims = []string{"distributor_id = ?", "parent_id = ?"}
	}
	for _, dim := range dims {
		w := newWhere(dialect)
		w.segs("", segs)
		if f.DistributorID != 0 {
			w.dim(dim, f.DistributorID)
		} else {
			w.add(dim)
		}
		if product != "" {
			w.dim("product_id = ?", f.ProductID)
		}
		cond, args := w.build()
		err := scanRows(ctx, q, `SELECT distributor_id, parent_id, sum(orders), sum(units), sum(sales_fen), sum(refunded_fen),
			sum(direct_fen), sum(direct_reversed_fen), sum(override_fen), sum(override_reversed_fen)
			FROM `+table+` WHERE `+cond+` GROUP BY distributor_id, parent_id`, args, sales)
		if err != nil {
			return nil, fmt.Errorf("distributor sales: %w", err)
		}
	}

	// Distinct customers over the range's buckets; for one product, from the orders among that
	// product's lines (a small share of all): the order ids come from the (product_id, order_id)
	// index alone, each order once, and each order is then read for its payment time.
	w := newWhere(dialect)
	query := `SELECT distributor_id, count(DISTINCT customer_id) FROM rollup_customers WHERE `
	group := ` GROUP BY 1`
	if f.ProductID != 0 {
		w.add("o.id IN (SELECT l.order_id FROM order_lines l WHERE l.product_id = ?)", f.ProductID)
		w.add("o.paid_at >= ?", r.Start())
		w.add("o.paid_at < ?", r.End())
		w.add("o.distributor_id IS NOT NULL")
		if f.DistributorID != 0 {
			w.add("o.distributor_id = ?", f.DistributorID)
		}
		query = `SELECT o.distributor_id, count(DISTINCT o.customer_id) FROM orders o WHERE `
	} else {
		if rollup.Single(segs) {
			// One bucket (a day, month, quarter or year): its distinct customers are counted
			// already, one row per distributor.
			query, group = `SELECT distributor_id, customers FROM rollup_customer_counts WHERE `, ""
			w.add("grain = ?", segs[0].Grain)
			w.add("bucket = ?", segs[0].From)
			w.add("distributor_id <> 0")
			if f.DistributorID != 0 {
				w.add("distributor_id = ?", f.DistributorID)
			}
		} else {
			w.segs("", segs)
			w.add("distributor_id <> 0")
			if f.DistributorID != 0 {
				w.dim("distributor_id = ?", f.DistributorID)
			}
		}
	}
	cond, args := w.build()
	err := scanRows(ctx, q, query+cond+group, args, func(sc scanner) error {
		var id, n int64
		if err := sc.Scan(&id, &n); err != nil {
			return err
		}
		get(id).Customers = n
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("distributor customers: %w", err)
	}

	// Money that moved on the distributor's balance (not attributable to a product).
	if f.ProductID == 0 {
		w = newWhere(dialect)
		w.segs("", segs)
		if f.DistributorID != 0 {
			w.dim("distributor_id = ?", f.DistributorID)
		}
		cond, args := w.build()
		err = scanRows(ctx, q, `SELECT distributor_id, sum(settled_fen), sum(withdrawn_fen)
			FROM rollup_balances WHERE `+cond+` GROUP BY distributor_id`, args, func(sc scanner) error {
			var id, settled, withdrawn int64
			if err := sc.Scan(&id, &settled, &withdrawn); err != nil {
				return err
			}
			if settled != 0 || withdrawn != 0 {
				x := get(id)
				x.SettledFen, x.WithdrawnFen = settled, withdrawn
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("distributor settlements: %w", err)
		}
	}

	clicks, err := clicksByDistributor(ctx, q, r, f.DistributorID)
	if err != nil {
		return nil, fmt.Errorf("distributor clicks: %w", err)
	}
	for id, n := range clicks {
		if n != 0 {
			get(id).Clicks = n
		}
	}

	return rows, nil
}

// describe fills code, name, level and parent of the rows' distributors: a few by id, many by
// reading them all.
func describe(ctx context.Context, q db.Querier, rows map[int64]*DistributorRow, only int64) error {
	if len(rows) == 0 {
		return nil
	}
	query, args := `SELECT id, code, name, level, COALESCE(parent_id, 0) FROM distributors`, []any{}
	if only != 0 || len(rows) == 1 {
		for id := range rows {
			only = id
		}
		query, args = query+` WHERE id = $1`, []any{only}
	} else if len(rows) <= 200 {
		marks := make([]string, 0, len(rows))
		for id := range rows {
			args = append(args, id)
			marks = append(marks, fmt.Sprintf("$%d", len(args)))
		}
		query += ` WHERE id IN (` + strings.Join(marks, ", ") + `)`
	}
	return scanRows(ctx, q, query, args, func(sc scanner) error {
		var id, parent int64
		var code, name string
		var level int
		if err := sc.Scan(&id, &code, &name, &level, &parent); err != nil {
			return err
		}
		if x := rows[id]; x != nil {
			x.Code, x.Name, x.Level, x.ParentID = code, name, level, parent
		}
		return nil
	})
}

type scanner interface{ Scan(...any) error }

func scanRows(ctx context.Context, q db.Querier, query string, args []any, fn func(scanner) error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
