package catalog

import (
	"strconv"
	"strings"
)

// All SQL of the catalog, in one place.

const (
	productColumns = `id, name, description, images, status, distributable, commission_rules, created_at, updated_at`
	skuColumns     = `id, product_id, sku_code, spec, price_fen, stock, reserved, sold, low_stock_threshold`
)

const (
	qInsertProduct = `INSERT INTO products (name, description, images, status, distributable, commission_rules, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`
	qUpdateProduct = `UPDATE products SET name = $2, description = $3, images = $4, status = $5, distributable = $6,
		commission_rules = $7, updated_at = $8 WHERE id = $1`
	qSetStatus     = `UPDATE products SET status = $2, updated_at = $3 WHERE id = $1`
	qProductByID   = `SELECT ` + productColumns + ` FROM products WHERE id = $1`
	qDeleteProduct = `DELETE FROM products WHERE id = $1`

	qInsertSKU = `INSERT INTO skus (product_id, sku_code, spec, price_fen, stock, low_stock_threshold)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`
	qUpdateSKU      = `UPDATE skus SET sku_code = $2, spec = $3, price_fen = $4, low_stock_threshold = $5 WHERE id = $1`
	qSKUsOf         = `SELECT ` + skuColumns + ` FROM skus WHERE product_id = $1 ORDER BY id`
	qSKUByID        = `SELECT ` + skuColumns + ` FROM skus WHERE id = $1`
	qSKUCodeOwner   = `SELECT p.name FROM skus k JOIN products p ON p.id = k.product_id WHERE k.sku_code = $1 AND k.id <> $2`
	qDeleteSKU      = `DELETE FROM skus WHERE id = $1`
	qDeleteSKUsOf   = `DELETE FROM skus WHERE product_id = $1`
	qProductInUse   = `SELECT count(*) FROM skus WHERE product_id = $1 AND (reserved > 0 OR sold > 0)`
	qMovementsOfSKU = `DELETE FROM stock_movements WHERE sku_id = $1`
	qMovementsOf    = `DELETE FROM stock_movements WHERE sku_id IN (SELECT id FROM skus WHERE product_id = $1)`

	qInsertMovement = `INSERT INTO stock_movements (sku_id, delta, reason, actor, at) VALUES ($1, $2, $3, $4, $5)`

	// AdjustStock: the WHERE refuses a result below zero even if a check above were wrong.
	qAdjustStock = `UPDATE skus SET stock = stock + $2 WHERE id = $1 AND stock + $2 >= 0 RETURNING ` + skuColumns

	// The order stock operations: one conditional UPDATE each; zero rows affected means the
	// counter it takes from holds too little (or the SKU does not exist).
	qReserve = `UPDATE skus SET stock = stock - $2, reserved = reserved + $2 WHERE id = $1 AND stock >= $2`
	qRelease = `UPDATE skus SET reserved = reserved - $2, stock = stock + $2 WHERE id = $1 AND reserved >= $2`
	qConsume = `UPDATE skus SET reserved = reserved - $2, sold = sold + $2 WHERE id = $1 AND reserved >= $2`
	qRestock = `UPDATE skus SET sold = sold - $2, stock = stock + $2 WHERE id = $1 AND sold >= $2`
	qUnsell  = `UPDATE skus SET sold = sold - $2 WHERE id = $1 AND sold >= $2`

	qSKUState = `SELECT p.name, k.spec, k.stock, k.reserved, k.sold FROM skus k JOIN products p ON p.id = k.product_id WHERE k.id = $1`

	// $1 status ('' = not archived, 'all' = any), $2 name or SKU code pattern ('' = any),
	// $3 distributable ('' = any, 'true', 'false').
	qFilter = ` FROM products WHERE ($1 = 'all' OR ($1 = '' AND status <> 'archived') OR status = $1)
		AND ($2 = '' OR name %[1]s $2 ESCAPE '\'
			OR EXISTS (SELECT 1 FROM skus k WHERE k.product_id = products.id AND k.sku_code %[1]s $2 ESCAPE '\'))
		AND ($3 = '' OR distributable = ($3 = 'true'))`

	// Sold out, or at or below a threshold the merchant set; archived products are gone from sale.
	qLowStock = `SELECT k.id, k.product_id, k.sku_code, k.spec, k.price_fen, k.stock, k.reserved, k.sold,
		k.low_stock_threshold, p.name, p.status
		FROM skus k JOIN products p ON p.id = k.product_id
		WHERE p.status <> 'archived' AND (k.stock = 0 OR k.stock <= k.low_stock_threshold)
		ORDER BY k.stock, k.id`

	qSaleItems = `SELECT k.id, k.product_id, p.name, k.spec, k.price_fen, p.status, p.distributable, p.commission_rules
		FROM skus k JOIN products p ON p.id = k.product_id WHERE k.id IN (%s)`

	qSKUsOfProducts = `SELECT ` + skuColumns + ` FROM skus WHERE product_id IN (%s) ORDER BY product_id, id`
)

// placeholders returns "$from, $from+1, …" for n parameters: the IN lists above take one
// parameter per id, which both engines plan well for the handful of ids an order or a page has.
func placeholders(from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("$")
		b.WriteString(strconv.Itoa(from + i))
	}
	return b.String()
}
