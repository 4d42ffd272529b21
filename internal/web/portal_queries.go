package web

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// The portal's own read queries: the figures a distributor sees that no domain service sums yet.
// Every one takes the signed-in distributor's id as $1 and reads nothing outside it (its own
// orders and commissions, and for a level 1 the orders whose snapshot names it as parent).

// Sales of an order: what its goods sold for after discounts, less what refunds took back of them
// (refund_lines carry the drop in each line's base). Shipping is never in it, as in a commission base.
const portalSales = `o.items_fen - o.discount_fen - COALESCE((SELECT sum(rl.amount_fen) FROM refund_lines rl
	JOIN refunds r ON r.id = rl.refund_id WHERE r.order_id = o.id), 0)`

const (
	// $1 me, $2 from, $3 to: paid orders credited to me directly and their sales.
	qPortalMonthOrders = `SELECT count(*), COALESCE(sum(` + portalSales + `), 0) FROM orders o
		WHERE o.distributor_id = $1 AND o.paid_at >= $2 AND o.paid_at < $3`
	// $1 me, $2 from, $3 to: commission accrued to me (direct and override) and what refunds took back of it.
	qPortalMonthCommission = `SELECT COALESCE(sum(amount_fen), 0), COALESCE(sum(reversed_fen), 0) FROM commissions
		WHERE distributor_id = $1 AND created_at >= $2 AND created_at < $3`

	// Orders credited to me, and orders of my team (whose snapshot names me as parent), kept apart
	// so each is a range of its own index — (distributor_id, created_at) and (parent_id,
	// created_at) — instead of an OR no index serves. $1 me, $2 status or ''.
	qPortalMine      = ` FROM orders o WHERE o.distributor_id = $1 AND ($2 = '' OR o.status = $2)`
	qPortalTeam      = ` FROM orders o WHERE o.parent_id = $1 AND ($2 = '' OR o.status = $2)`
	qPortalOrderCols = `SELECT o.id, o.order_no, o.customer_phone, o.status, o.total_fen, o.refunded_fen,
		COALESCE(o.distributor_id, 0) AS distributor_id, o.created_at`
	// One page of a branch or of both: each branch reads at most offset + limit rows ($3) from its
	// index; the outer query merges them and adds my commission on the page's orders only.
	// $4 limit, $5 offset.
	qPortalOrdersPage = `SELECT u.id, u.order_no, u.customer_phone, u.status, u.total_fen, u.refunded_fen, u.distributor_id, u.created_at,
		COALESCE((SELECT sum(c.amount_fen - c.reversed_fen) FROM commissions c WHERE c.order_id = u.id AND c.distributor_id = $1), 0)
		FROM (%s) u ORDER BY u.created_at DESC, u.id DESC LIMIT $4 OFFSET $5`
	qPortalBranch = `SELECT * FROM (` + qPortalOrderCols + `%s ORDER BY o.created_at DESC, o.id DESC LIMIT $3) %s`

	// $1 me (a level 1), $2 from, $3 to: each team member's paid orders and sales this month,
	// counting only orders whose snapshot names me as the parent.
	qPortalTeamSales = `SELECT o.distributor_id, count(*), COALESCE(sum(` + portalSales + `), 0) FROM orders o
		WHERE o.parent_id = $1 AND o.paid_at >= $2 AND o.paid_at < $3 GROUP BY o.distributor_id`
	// $1 me, $2 from, $3 to: my override income from each member, this month and in all.
	qPortalTeamOverride = `SELECT o.distributor_id,
		COALESCE(sum(CASE WHEN c.created_at >= $2 AND c.created_at < $3 THEN c.amount_fen - c.reversed_fen ELSE 0 END), 0),
		COALESCE(sum(c.amount_fen - c.reversed_fen), 0)
		FROM commissions c JOIN orders o ON o.id = c.order_id
		WHERE c.distributor_id = $1 AND c.role = 'override' GROUP BY o.distributor_id`

	// Order numbers of orders I earn on, for the commission list ($1 me, then the ids).
	qPortalOrderNos = `SELECT DISTINCT o.id, o.order_no FROM orders o JOIN commissions c ON c.order_id = o.id
		WHERE c.distributor_id = $1 AND o.id IN (%s)`

	// Whether I have a password yet (code sign-in offers to set one).
	qPortalHasPassword = `SELECT count(*) FROM distributor_credentials WHERE distributor_id = $1 AND password_hash IS NOT NULL`
)

// portalMonthFigures are a distributor's figures of one month.
type portalMonthFigures struct {
	Orders      int
	SalesFen    int64
	AccruedFen  int64
	ReversedFen int64
}

func (s *Server) portalMonthFigures(ctx context.Context, me int64, from, to time.Time) (portalMonthFigures, error) {
	var f portalMonthFigures
	if err := s.DB.R.QueryRowContext(ctx, qPortalMonthOrders, me, from, to).Scan(&f.Orders, &f.SalesFen); err != nil {
		return f, fmt.Errorf("month orders of distributor %d: %w", me, err)
	}
	if err := s.DB.R.QueryRowContext(ctx, qPortalMonthCommission, me, from, to).Scan(&f.AccruedFen, &f.ReversedFen); err != nil {
		return f, fmt.Errorf("month commission of distributor %d: %w", me, err)
	}
	return f, nil
}

// portalOrderRow is one order in my list.
type portalOrderRow struct {
	ID            int64
	OrderNo       string
	CustomerPhone string
	Status        string
	TotalFen      int64
	RefundedFen   int64
	DistributorID int64
	Team          bool // credited to a member of my team, not to me
	CreatedAt     time.Time
	MyFen         int64
}

// portalOrderList returns a page of the orders a distributor may see, and how many there are.
func (s *Server) portalOrderList(ctx context.Context, me int64, withTeam bool, status, scope string, page int) ([]portalOrderRow, int, error) {
	var branches []string
	total := 0
	for _, b := range []struct {
		on    bool
		where string
		alias string
	}{
		{scope == "" || scope == "mine", qPortalMine, "mine"},
		{withTeam && (scope == "" || scope == "team"), qPortalTeam, "team"},
	} {
		if !b.on {
			continue
		}
		var n int
		if err := s.DB.R.QueryRowContext(ctx, `SELECT count(*)`+b.where, me, status).Scan(&n); err != nil {
			return nil, 0, fmt.Errorf("count orders of distributor %d: %w", me, err)
		}
		total += n
		branches = append(branches, fmt.Sprintf(qPortalBranch, b.where, b.alias))
	}
	if len(branches) == 0 {
		return nil, 0, nil
	}
	offset := (page - 1) * portalPerPage
	query := fmt.Sprintf(qPortalOrdersPage, strings.Join(branches, " UNION ALL "))
	rows, err := s.DB.R.QueryContext(ctx, query, me, status, offset+portalPerPage, portalPerPage, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("list orders of distributor %d: %w", me, err)
	}
	defer rows.Close()
	var out []portalOrderRow
	for rows.Next() {
		var o portalOrderRow
		if err := rows.Scan(&o.ID, &o.OrderNo, &o.CustomerPhone, &o.Status, &o.TotalFen, &o.RefundedFen,
			&o.DistributorID, &o.CreatedAt, &o.MyFen); err != nil {
			return nil, 0, fmt.Errorf("read order of distributor %d: %w", me, err)
		}
		o.Team = o.DistributorID != me
		out = append(out, o)
	}
	return out, total, rows.Err()
}

// portalTeamFigures are one member's figures as its level 1 sees them.
type portalTeamFigures struct {
	Orders           int
	SalesFen         int64
	OverrideMonthFen int64
	OverrideFen      int64
}

// portalTeamFigures returns, by member id, the figures of a level 1's team this month.
func (s *Server) portalTeamFigures(ctx context.Context, me int64, from, to time.Time) (map[int64]portalTeamFigures, error) {
	out := map[int64]portalTeamFigures{}
	rows, err := s.DB.R.QueryContext(ctx, qPortalTeamSales, me, from, to)
	if err != nil {
		return nil, fmt.Errorf("team sales of distributor %d: %w", me, err)
	}
	for rows.Next() {
		var id int64
		var f portalTeamFigures
		if err := rows.Scan(&id, &f.Orders, &f.SalesFen); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read team sales of distributor %d: %w", me, err)
		}
		out[id] = f
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = s.DB.R.QueryContext(ctx, qPortalTeamOverride, me, from, to)
	if err != nil {
		return nil, fmt.Errorf("override income of distributor %d: %w", me, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, month, all int64
		if err := rows.Scan(&id, &month, &all); err != nil {
			return nil, fmt.Errorf("read override income of distributor %d: %w", me, err)
		}
		f := out[id]
		f.OverrideMonthFen, f.OverrideFen = month, all
		out[id] = f
	}
	return out, rows.Err()
}

// portalOrderNos returns the order numbers of orders me earns on, by order id.
func (s *Server) portalOrderNos(ctx context.Context, me int64, orderIDs []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(orderIDs) == 0 {
		return out, nil
	}
	args := []any{me}
	ph := make([]string, len(orderIDs))
	for i, id := range orderIDs {
		args = append(args, id)
		ph[i] = fmt.Sprintf("$%d", i+2)
	}
	rows, err := s.DB.R.QueryContext(ctx, fmt.Sprintf(qPortalOrderNos, strings.Join(ph, ", ")), args...)
	if err != nil {
		return nil, fmt.Errorf("order numbers for distributor %d: %w", me, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var no string
		if err := rows.Scan(&id, &no); err != nil {
			return nil, err
		}
		out[id] = no
	}
	return out, rows.Err()
}

func (s *Server) portalHasPassword(ctx context.Context, me int64) (bool, error) {
	var n int
	err := s.DB.R.QueryRowContext(ctx, qPortalHasPassword, me).Scan(&n)
	return n > 0, err
}
