package order

// All SQL of orders, in one place.

const orderColumns = `id, order_no, external_id, customer_id, customer_name, customer_phone, ship_address, status,
	items_fen, discount_fen, shipping_fen, total_fen, refunded_fen, distributor_id, distributor_level, parent_id,
	plan_version, attribution, attribution_note, payment_provider, payment_ref, carrier, tracking_no, cancel_reason,
	created_at, updated_at, expires_at, paid_at, shipped_at, delivered_at, completed_at, cancelled_at`

const lineColumns = `id, line_no, product_id, sku_id, product_name, spec, unit_price_fen, quantity, amount_fen,
	discount_fen, base_fen, refunded_qty, rules`

const commissionColumns = `id, order_id, order_line_id, distributor_id, role, base_fen, rate_bp, fixed_fen_per_unit,
	quantity, amount_fen, reversed_fen, status, plan_version, created_at, settleable_at, settled_at`

const (
	qIDByExternal = `SELECT id FROM orders WHERE external_id = $1`
	qIDByIdemKey  = `SELECT id FROM orders WHERE idem_key = $1`

	qInsertOrder = `INSERT INTO orders (order_no, external_id, idem_key, customer_id, customer_name, customer_phone,
		ship_address, status, items_fen, discount_fen, shipping_fen, total_fen, distributor_id, distributor_level,
		parent_id, plan_version, attribution, attribution_note, created_at, updated_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 'created', $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18, $19)
		RETURNING id`
	qInsertLines = `INSERT INTO order_lines (order_id, line_no, product_id, sku_id, product_name, spec, unit_price_fen,
		quantity, amount_fen, discount_fen, base_fen, rules) VALUES `

	qOrder      = `SELECT ` + orderColumns + ` FROM orders WHERE id = $1`
	qLines      = `SELECT ` + lineColumns + ` FROM order_lines WHERE order_id = $1 ORDER BY line_no`
	qRefunds    = `SELECT id, amount_fen, reason, restock, created_at FROM refunds WHERE order_id = $1 ORDER BY id`
	qRefundLine = `SELECT rl.refund_id, rl.order_line_id, rl.quantity, rl.amount_fen FROM refund_lines rl
		JOIN refunds r ON r.id = rl.refund_id WHERE r.order_id = $1 ORDER BY rl.id`
	qOrderCommissions = `SELECT ` + commissionColumns + ` FROM commissions WHERE order_id = $1 ORDER BY order_line_id, role`

	qMarkPaid = `UPDATE orders SET status = 'paid', payment_provider = $2, payment_ref = $3, paid_at = $4, updated_at = $4,
		distributor_id = $5, distributor_level = $6, parent_id = $7, attribution_note = COALESCE($8, attribution_note)
		WHERE id = $1 AND status = 'created'`
	qInsertCommissions = `INSERT INTO commissions (order_id, order_line_id, distributor_id, role, base_fen, rate_bp,
		fixed_fen_per_unit, quantity, amount_fen, status, plan_version, created_at) VALUES `

	qShip     = `UPDATE orders SET status = 'shipped', carrier = $2, tracking_no = $3, shipped_at = $4, updated_at = $4 WHERE id = $1`
	qDeliver  = `UPDATE orders SET status = 'delivered', delivered_at = $2, updated_at = $2 WHERE id = $1`
	qComplete = `UPDATE orders SET status = 'completed', completed_at = $2, updated_at = $2 WHERE id = $1`
	qCancel   = `UPDATE orders SET status = 'cancelled', cancel_reason = $2, cancelled_at = $3, updated_at = $3 WHERE id = $1`
	// Commission becomes settleable freeze_days after completion.
	qSettleable = `UPDATE commissions SET settleable_at = $2 WHERE order_id = $1 AND status = 'frozen'`

	qInsertRefund     = `INSERT INTO refunds (order_id, idem_key, amount_fen, reason, restock, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`
	qInsertRefundLine = `INSERT INTO refund_lines (refund_id, order_line_id, quantity, amount_fen) VALUES ($1, $2, $3, $4)`
	qRefundLineQty    = `UPDATE order_lines SET refunded_qty = refunded_qty + $2 WHERE id = $1 AND refunded_qty + $2 <= quantity`
	qOrderRefunded    = `UPDATE orders SET refunded_fen = refunded_fen + $2, updated_at = $3 WHERE id = $1`
	qReverse          = `UPDATE commissions SET reversed_fen = reversed_fen + $2,
		status = CASE WHEN reversed_fen + $2 = amount_fen AND status = 'frozen' THEN 'reversed' ELSE status END
		WHERE id = $1`
	qRefundByKey = `SELECT order_id FROM refunds WHERE idem_key = $1`

	// Unpaid orders past their time, for the timeout job; completed-able delivered orders.
	qExpired       = `SELECT id FROM orders WHERE status = 'created' AND expires_at <= $1 ORDER BY expires_at LIMIT $2`
	qAutoCompletes = `SELECT id FROM orders WHERE status = 'delivered' AND delivered_at <= $1 ORDER BY delivered_at LIMIT $2`
)
