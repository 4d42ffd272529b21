package catalog

import (
	"context"
	"errors"
	"fmt"

	"github.com/fenxiao/fenxiao/internal/audit"
	"github.com/fenxiao/fenxiao/internal/db"
)

// A product's status: on_shelf ↔ off_shelf, and archived when it is deleted while orders still
// point at it. Any status may be set again by the merchant, an archived product restored included.

// TakeOffShelf hides a product from distributors and customers: ItemsForSale reports it off shelf,
// so orders refuse it. Taking an off-shelf product off is a no-op. Errors: NotFound.
func (s *Service) TakeOffShelf(ctx context.Context, id int64) (Product, error) {
	return s.setStatus(ctx, id, OffShelf, "product.take_off_shelf", "")
}

// PutOnShelf offers a product for sale again, an archived one included. Errors: NotFound.
func (s *Service) PutOnShelf(ctx context.Context, id int64) (Product, error) {
	return s.setStatus(ctx, id, OnShelf, "product.put_on_shelf", "")
}

func (s *Service) setStatus(ctx context.Context, id int64, to Status, action, reason string) (Product, error) {
	var out Product
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		out, err = setStatus(ctx, tx, id, to, action, reason)
		return err
	})
	return out, err
}

func setStatus(ctx context.Context, tx *db.Tx, id int64, to Status, action, reason string) (Product, error) {
	before, err := load(ctx, tx, id, tx.ForUpdate())
	if err != nil || before.Status == to {
		return before, err
	}
	if _, err := tx.ExecContext(ctx, qSetStatus, id, to, tx.Now); err != nil {
		return Product{}, fmt.Errorf("set product status: %w", err)
	}
	after, err := load(ctx, tx, id, "")
	if err != nil {
		return Product{}, err
	}
	return after, audit.Record(ctx, tx, audit.Entry{Action: action, Entity: "product", EntityID: fmt.Sprint(id),
		Before: before, After: after, Reason: reason})
}

// ArchiveReason is why Delete archived a product instead of deleting it.
const ArchiveReason = "orders reference this product (reserved, sold or past order lines), so it was archived instead of deleted: " +
	"it is hidden from the shop and kept for order history"

// Delete removes a product, its SKUs and their stock history. A product that orders reference is
// archived instead, and archived reports so: order history must keep what it points at.
// Errors: NotFound.
func (s *Service) Delete(ctx context.Context, id int64) (archived bool, err error) {
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := load(ctx, tx, id, tx.ForUpdate())
		if err != nil {
			return err
		}
		used, err := s.inUse(ctx, tx, id)
		if err != nil {
			return err
		}
		if used {
			archived = true
			_, err := setStatus(ctx, tx, id, Archived, "product.archive", ArchiveReason)
			return err
		}
		for _, q := range []string{qMovementsOf, qDeleteSKUsOf, qDeleteProduct} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return fmt.Errorf("delete product %d: %w", id, err)
			}
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "product.delete", Entity: "product", EntityID: fmt.Sprint(id), Before: before})
	})
	if errors.Is(err, db.ErrForeignKey) {
		// A table InUse does not know about still points at the product or a SKU: keep it.
		archived = true
		_, err = s.setStatus(ctx, id, Archived, "product.archive", ArchiveReason)
	}
	return archived, err
}

func (s *Service) inUse(ctx context.Context, tx *db.Tx, id int64) (bool, error) {
	var n int
	if err := tx.QueryRowContext(ctx, qProductInUse, id).Scan(&n); err != nil {
		return false, fmt.Errorf("check product use: %w", err)
	}
	if n > 0 || s.InUse == nil {
		return n > 0, nil
	}
	used, err := s.InUse(ctx, tx, id)
	if err != nil {
		return false, fmt.Errorf("check orders of product %d: %w", id, err)
	}
	return used, nil
}
