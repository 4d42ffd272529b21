package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/fenxiao/fenxiao/internal/audit"
	"github.com/fenxiao/fenxiao/internal/commission"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
)

// AdjustStock adds delta units (negative to remove) to a SKU's stock for sale, with a reason the
// stock history and the audit log keep. Units reserved by unpaid orders are not touched, and the
// result never goes below zero. Errors: Invalid, NotFound, Conflict (insufficient_stock).
func (s *Service) AdjustStock(ctx context.Context, skuID, delta int64, reason string) (SKU, error) {
	r, err := validReason(reason)
	if err != nil {
		return SKU{}, err
	}
	if delta == 0 || delta < -MaxStockDelta || delta > MaxStockDelta {
		return SKU{}, errs.Field("delta", "invalid_delta", "delta must be a non-zero number of units between -%d and %d", MaxStockDelta, MaxStockDelta)
	}
	var out SKU
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := scanSKU(tx.QueryRowContext(ctx, qSKUByID+tx.ForUpdate(), skuID))
		if errors.Is(err, sql.ErrNoRows) {
			return errs.E(errs.NotFound, "sku_not_found", "SKU %d does not exist", skuID)
		}
		if err != nil {
			return err
		}
		if before.Stock+delta < 0 {
			p, err := load(ctx, tx, before.ProductID, "")
			if err != nil {
				return err
			}
			return &errs.Error{Kind: errs.Conflict, Code: "insufficient_stock", Field: "delta", Message: fmt.Sprintf(
				"cannot remove %d units of %s: only %d available for sale (%d more are reserved by unpaid orders)",
				-delta, label(p.Name, before.Spec), before.Stock, before.Reserved)}
		}
		if out, err = scanSKU(tx.QueryRowContext(ctx, qAdjustStock, skuID, delta)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, qInsertMovement, skuID, delta, r, audit.Actor(ctx), tx.Now); err != nil {
			return fmt.Errorf("record stock movement: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "sku.adjust_stock", Entity: "sku", EntityID: fmt.Sprint(skuID),
			Before: before, After: out, Reason: r})
	})
	return out, err
}

// The stock operations of an order's life (DESIGN.md §7). Each runs inside the caller's
// transaction as one conditional UPDATE, so concurrent orders can never oversell: the database
// applies them one at a time per SKU and the WHERE refuses any that would go below zero. They
// write no audit entry; the order records that caused them are the history.

// Reserve holds qty units for a new, unpaid order: stock -= qty, reserved += qty.
// Errors: Invalid (qty), NotFound (sku_not_found), Conflict (sold_out, insufficient_stock).
func Reserve(ctx context.Context, tx *db.Tx, skuID, qty int64) error {
	return move(ctx, tx, qReserve, skuID, qty, func(name string, stock, _, _ int64) error {
		if stock == 0 {
			return errs.E(errs.Conflict, "sold_out", "%s is sold out", name)
		}
		return errs.E(errs.Conflict, "insufficient_stock", "only %d left of %s", stock, name)
	})
}

// Release returns the units of a cancelled or timed-out order to stock: reserved -= qty,
// stock += qty. Errors: Invalid, NotFound, Conflict (stock_mismatch: fewer units reserved).
func Release(ctx context.Context, tx *db.Tx, skuID, qty int64) error {
	return move(ctx, tx, qRelease, skuID, qty, func(name string, _, reserved, _ int64) error {
		return errs.E(errs.Conflict, "stock_mismatch", "cannot release %d units of %s: only %d are reserved", qty, name, reserved)
	})
}

// Consume turns reserved units into sold ones when an order is paid: reserved -= qty, sold += qty.
// Errors: Invalid, NotFound, Conflict (stock_mismatch).
func Consume(ctx context.Context, tx *db.Tx, skuID, qty int64) error {
	return move(ctx, tx, qConsume, skuID, qty, func(name string, _, reserved, _ int64) error {
		return errs.E(errs.Conflict, "stock_mismatch", "cannot mark %d units of %s sold: only %d are reserved", qty, name, reserved)
	})
}

// Restock puts refunded units back on sale: sold -= qty, stock += qty.
// Errors: Invalid, NotFound, Conflict (stock_mismatch).
func Restock(ctx context.Context, tx *db.Tx, skuID, qty int64) error {
	return move(ctx, tx, qRestock, skuID, qty, func(name string, _, _, sold int64) error {
		return errs.E(errs.Conflict, "stock_mismatch", "cannot restock %d units of %s: only %d are sold", qty, name, sold)
	})
}

// Unsell records refunded units the merchant does not put back on sale (damaged, kept by the
// customer): sold -= qty, stock unchanged. Errors: Invalid, NotFound, Conflict (stock_mismatch).
func Unsell(ctx context.Context, tx *db.Tx, skuID, qty int64) error {
	return move(ctx, tx, qUnsell, skuID, qty, func(name string, _, _, sold int64) error {
		return errs.E(errs.Conflict, "stock_mismatch", "cannot take back %d sold units of %s: only %d are sold", qty, name, sold)
	})
}

// move runs one conditional UPDATE; only when it changes nothing does it read the SKU, to say why.
func move(ctx context.Context, tx *db.Tx, query string, skuID, qty int64,
	refuse func(name string, stock, reserved, sold int64) error) error {
	if qty <= 0 || qty > MaxStockDelta {
		return errs.Field("quantity", "invalid_quantity", "quantity must be between 1 and %d, not %d", MaxStockDelta, qty)
	}
	res, err := tx.ExecContext(ctx, query, skuID, qty)
	if err != nil {
		return fmt.Errorf("update stock of sku %d: %w", skuID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("update stock of sku %d: %w", skuID, err)
	}
	if n == 1 {
		return nil
	}
	var name, spec string
	var stock, reserved, sold int64
	err = tx.QueryRowContext(ctx, qSKUState, skuID).Scan(&name, &spec, &stock, &reserved, &sold)
	if errors.Is(err, sql.ErrNoRows) {
		return errs.E(errs.NotFound, "sku_not_found", "SKU %d does not exist", skuID)
	}
	if err != nil {
		return fmt.Errorf("read stock of sku %d: %w", skuID, err)
	}
	return refuse(label(name, spec), stock, reserved, sold)
}

// SaleItem is what an order needs to know about a SKU at checkout: the price and names to
// snapshot, whether it may be sold, and the commission rules to apply.
type SaleItem struct {
	SKUID, ProductID       int64
	ProductName, Spec      string
	PriceFen               int64
	OnShelf, Distributable bool
	Rules                  commission.ProductRules
}

// ItemsForSale reads the SKUs of an order's lines in one query. SKUs that do not exist are absent
// from the map; the caller says which line is at fault.
func ItemsForSale(ctx context.Context, q db.Querier, skuIDs []int64) (map[int64]SaleItem, error) {
	out := make(map[int64]SaleItem, len(skuIDs))
	if len(skuIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(skuIDs))
	for i, id := range skuIDs {
		args[i] = id
	}
	rows, err := q.QueryContext(ctx, fmt.Sprintf(qSaleItems, placeholders(1, len(args))), args...)
	if err != nil {
		return nil, fmt.Errorf("read skus for sale: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var it SaleItem
		var status Status
		var rules *string
		if err := rows.Scan(&it.SKUID, &it.ProductID, &it.ProductName, &it.Spec, &it.PriceFen, &status, &it.Distributable, &rules); err != nil {
			return nil, fmt.Errorf("read sku for sale: %w", err)
		}
		c, err := decodeRules(rules)
		if err != nil {
			return nil, fmt.Errorf("decode commission rules of product %d: %w", it.ProductID, err)
		}
		it.OnShelf, it.Rules = status == OnShelf, c.rules(it.Distributable)
		out[it.SKUID] = it
	}
	return out, rows.Err()
}
