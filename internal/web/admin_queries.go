package web

import (
	"fmt"
	"strings"
)

// All SQL of the console, in one place. These are read models for lists and figures: every state
// change goes through the domain services, which keep the rules and write the audit log.

// Distributors list: one row per distributor with its parent's code and its team size.
const (
	adminDistributorColumns = `d.id, d.code, d.name, d.phone, d.level, d.parent_id, p.code, d.status, d.status_reason,
		d.created_at, d.approved_at, (SELECT count(*) FROM distributors t WHERE t.parent_id = d.id)`
	adminDistributorFrom = ` FROM distributors d LEFT JOIN distributors p ON p.id = d.parent_id`
	// The q filter of network.List: part of a name or phone, or an exact share or invite code.
	adminDistributorSearch = `(d.name %s ?1 ESCAPE '\' OR d.phone LIKE ?1 ESCAPE '\' OR d.code = ?2 OR d.invite_code = ?2)`
)

// Orders list: the order with the code and name of the distributor it credits.
const (
	adminOrderColumns = `o.id, o.order_no, o.customer_name, o.customer_phone, o.status, o.total_fen, o.refunded_fen,
		o.distributor_id, d.code, d.name, o.created_at, o.paid_at`
	adminOrderFrom = ` FROM orders o LEFT JOIN distributors d ON d.id = o.distributor_id`
)

// Products list: one row per product with its SKUs summed, so a page is one query. low counts
// SKUs sold out or at or below their threshold (catalog.LowStock's rule).
const (
	adminProductColumns = `pr.id, pr.name, pr.status, pr.distributable, pr.created_at,
		count(k.id), COALESCE(min(k.price_fen), 0), COALESCE(max(k.price_fen), 0),
		COALESCE(sum(k.stock), 0), COALESCE(sum(k.reserved), 0), COALESCE(sum(k.sold), 0),
		COALESCE(sum(CASE WHEN k.stock = 0 OR k.stock <= k.low_stock_threshold THEN 1 ELSE 0 END), 0)`
	adminProductFrom   = ` FROM products pr LEFT JOIN skus k ON k.product_id = pr.id`
	adminProductGroup  = ` GROUP BY pr.id, pr.name, pr.status, pr.distributable, pr.created_at`
	adminProductSearch = `(pr.name %s ? ESCAPE '\' OR EXISTS (SELECT 1 FROM skus c WHERE c.product_id = pr.id AND c.sku_code %[1]s ? ESCAPE '\'))`
)

// Staff accounts, newest first.
const adminQStaff = `SELECT id, login, name, role, disabled, created_at FROM staff_users ORDER BY id DESC`

// Dashboard figures. Orders count toward the merchant-zone day they were placed on (the
// orders_created_ix range), and an order's refunds come off that day's sales: unpaid orders are
// cancelled within the unpaid timeout, so a placed day is its paid day in practice.
const (
	// One day's paid orders and sales; adminSalesByDay joins one per day, so each is a plain
	// index range with no per-row bucketing.
	adminQSalesDay = `SELECT %d, count(*), COALESCE(sum(total_fen - refunded_fen), 0) FROM orders
		WHERE created_at >= $%d AND created_at < $%d AND paid_at IS NOT NULL`
	// Commission accrued in [$1, $3), and in [$2, $3), net of what refunds reversed. Accrual is
	// when the order was paid. commissions_created_money_ix covers it.
	adminQCommission = `SELECT COALESCE(sum(amount_fen - reversed_fen), 0),
		COALESCE(sum(CASE WHEN created_at >= $2 THEN amount_fen - reversed_fen ELSE 0 END), 0)
		FROM commissions WHERE created_at >= $1 AND created_at < $3`
	adminQNewDistributors = `SELECT count(*), COALESCE(sum(CASE WHEN approved_at >= $2 THEN 1 ELSE 0 END), 0),
		COALESCE(sum(CASE WHEN approved_at >= $3 THEN 1 ELSE 0 END), 0)
		FROM distributors WHERE approved_at >= $1`
	adminQPending = `SELECT count(*) FROM distributors WHERE status = 'pending'`
	adminQToShip  = `SELECT count(*) FROM orders WHERE status = 'paid'`
	// Withdrawals waiting for review or payout; the table arrives with the payout feature.
	adminQPendingWithdrawals = `SELECT count(*), COALESCE(sum(amount_fen), 0) FROM withdrawals WHERE status IN ('requested', 'approved')`
	adminQTableSQLite        = `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $1`
	adminQTablePostgres      = `SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1`
)

// adminSalesByDay is adminQSalesDay for days consecutive days whose starts (and the end of the
// last) are parameters $1 … $days+1.
func adminSalesByDay(days int) string {
	parts := make([]string, days)
	for i := range parts {
		parts[i] = fmt.Sprintf(adminQSalesDay, i, i+1, i+2)
	}
	return strings.Join(parts, "\nUNION ALL ")
}
