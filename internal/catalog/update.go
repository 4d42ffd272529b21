package catalog

import (
	"context"
	"errors"
	"fmt"

	"github.com/fenxiao/fenxiao/internal/audit"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
)

// Update applies a patch. SKUs may be added, changed (code, spec, price, threshold) or removed
// when nothing of them is sold or reserved; a product keeps 1 to 50 SKUs. Price changes apply to
// new orders only: orders snapshot their price. An empty patch changes nothing.
// Errors: NotFound, Invalid, Conflict (duplicate_sku_code, sku_in_use).
func (s *Service) Update(ctx context.Context, id int64, p ProductPatch) (Product, error) {
	if p.empty() {
		return s.Get(ctx, id)
	}
	v, err := validPatch(p)
	if err != nil {
		return Product{}, err
	}
	var out Product
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		before, err := load(ctx, tx, id, tx.ForUpdate())
		if err != nil {
			return err
		}
		after := v.apply(before)
		plan, err := planSKUs(before, p, v)
		if err != nil {
			return err
		}
		images, rules, err := encode(after.Images, after.Commission)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, qUpdateProduct, id, after.Name, after.Description, images, after.Status,
			after.Distributable, rules, tx.Now); err != nil {
			return fmt.Errorf("update product %d: %w", id, err)
		}
		if err := plan.run(ctx, tx, id); err != nil {
			return err
		}
		if out, err = load(ctx, tx, id, ""); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "product.update", Entity: "product", EntityID: fmt.Sprint(id), Before: before, After: out})
	})
	if errors.Is(err, db.ErrForeignKey) {
		return Product{}, &errs.Error{Kind: errs.Conflict, Code: "sku_in_use", Field: "remove_skus", Err: err,
			Message: "a SKU to remove is referenced by orders; set its stock to 0 instead"}
	}
	return out, explain(err)
}

// patch is a ProductPatch whose fields are each valid on their own.
type patch struct {
	name, description *string
	images            []string
	status            *Status
	distributable     *bool
	commission        *CommissionOverrides
	setCommission     bool
	add               []sku
}

func validPatch(p ProductPatch) (patch, error) {
	v := patch{status: p.Status, distributable: p.Distributable}
	if p.Name != nil {
		n, err := validName(*p.Name)
		if err != nil {
			return patch{}, err
		}
		v.name = &n
	}
	if p.Description != nil {
		d, err := text("description", "description", *p.Description, MaxDescriptionRunes, true)
		if err != nil {
			return patch{}, err
		}
		v.description = &d
	}
	if p.Images != nil {
		imgs, err := validImages(*p.Images)
		if err != nil {
			return patch{}, err
		}
		v.images = imgs
	}
	if p.Status != nil {
		if err := validStatus(*p.Status, "status", true); err != nil {
			return patch{}, err
		}
	}
	if p.Commission != nil {
		c, err := validCommission(p.Commission)
		if err != nil {
			return patch{}, err
		}
		v.commission, v.setCommission = c, true
	}
	for i, k := range p.AddSKUs {
		s, err := validSKU(fmt.Sprintf("add_skus[%d]", i), k)
		if err != nil {
			return patch{}, err
		}
		v.add = append(v.add, s)
	}
	return v, nil
}

func (v patch) apply(p Product) Product {
	if v.name != nil {
		p.Name = *v.name
	}
	if v.description != nil {
		p.Description = *v.description
	}
	if v.images != nil {
		p.Images = v.images
	}
	if v.status != nil {
		p.Status = *v.status
	}
	if v.distributable != nil {
		p.Distributable = *v.distributable
	}
	if v.setCommission {
		p.Commission = v.commission
	}
	return p
}

// skuPlan is the SKU writes of a patch, checked against the product as it is.
type skuPlan struct {
	remove []int64
	change map[int64]sku // by id, the whole new state
	order  []int64       // change ids in request order, for stable writes and messages
	add    []sku
}

func planSKUs(before Product, p ProductPatch, v patch) (skuPlan, error) {
	plan := skuPlan{change: map[int64]sku{}, add: v.add}
	current := map[int64]SKU{}
	for _, k := range before.SKUs {
		current[k.ID] = k
	}
	removed := map[int64]bool{}
	for i, id := range p.RemoveSKUs {
		k, ok := current[id]
		field := fmt.Sprintf("remove_skus[%d]", i)
		switch {
		case !ok:
			return skuPlan{}, errs.Field(field, "sku_not_in_product", "SKU %d is not a SKU of product %d", id, before.ID)
		case removed[id]:
			return skuPlan{}, errs.Field(field, "duplicate_sku", "SKU %d is listed twice", id)
		case k.Reserved > 0 || k.Sold > 0:
			return skuPlan{}, &errs.Error{Kind: errs.Conflict, Code: "sku_in_use", Field: field, Message: fmt.Sprintf(
				"SKU %q has %d sold and %d reserved units, so orders need it; set its stock to 0 instead of removing it", k.Spec, k.Sold, k.Reserved)}
		}
		removed[id] = true
		plan.remove = append(plan.remove, id)
	}
	for i, c := range p.ChangeSKUs {
		field := fmt.Sprintf("change_skus[%d]", i)
		k, ok := current[c.ID]
		switch {
		case !ok:
			return skuPlan{}, errs.Field(field+".id", "sku_not_in_product", "SKU %d is not a SKU of product %d", c.ID, before.ID)
		case removed[c.ID]:
			return skuPlan{}, errs.Field(field+".id", "duplicate_sku", "SKU %d is both changed and removed", c.ID)
		}
		if _, twice := plan.change[c.ID]; twice {
			return skuPlan{}, errs.Field(field+".id", "duplicate_sku", "SKU %d is changed twice", c.ID)
		}
		n, err := changed(field, k, c)
		if err != nil {
			return skuPlan{}, err
		}
		plan.change[c.ID] = n
		plan.order = append(plan.order, c.ID)
	}
	count := len(before.SKUs) - len(plan.remove) + len(plan.add)
	if count < 1 || count > MaxSKUs {
		return skuPlan{}, errs.Field("skus", "invalid_sku_count", "a product has 1 to %d SKUs; this change would leave %d", MaxSKUs, count)
	}
	// The product's SKUs as they will be, in one list, so specs and codes stay distinct.
	var all []sku
	for _, k := range before.SKUs {
		if n, ok := plan.change[k.ID]; ok {
			all = append(all, n)
		} else if !removed[k.ID] {
			all = append(all, sku{code: k.SKUCode, spec: k.Spec})
		}
	}
	if err := distinct("skus", append(all, plan.add...)); err != nil {
		return skuPlan{}, err
	}
	return plan, nil
}

func changed(field string, k SKU, c SKUChange) (sku, error) {
	n := sku{code: k.SKUCode, spec: k.Spec, price: k.PriceFen, threshold: k.LowStockThreshold}
	var err error
	if c.SKUCode != nil {
		if n.code, err = validCode(field+".sku_code", *c.SKUCode); err != nil {
			return sku{}, err
		}
	}
	if c.Spec != nil {
		if n.spec, err = text(field+".spec", "spec", *c.Spec, MaxSpecRunes, false); err != nil {
			return sku{}, err
		}
	}
	if c.PriceFen != nil {
		if err = validPrice(field+".price_fen", *c.PriceFen); err != nil {
			return sku{}, err
		}
		n.price = *c.PriceFen
	}
	if c.LowStockThreshold != nil {
		if err = validThreshold(field+".low_stock_threshold", *c.LowStockThreshold); err != nil {
			return sku{}, err
		}
		n.threshold = *c.LowStockThreshold
	}
	return n, nil
}

// run writes removals first, so a code or spec freed by a removed SKU can be reused by an added one.
func (plan skuPlan) run(ctx context.Context, tx *db.Tx, productID int64) error {
	for _, id := range plan.remove {
		for _, q := range []string{qMovementsOfSKU, qDeleteSKU} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return fmt.Errorf("remove sku %d: %w", id, err)
			}
		}
	}
	for i, id := range plan.order {
		n := plan.change[id]
		if err := codeFree(ctx, tx, fmt.Sprintf("change_skus[%d]", i), n.code, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, qUpdateSKU, id, n.code, n.spec, n.price, n.threshold); err != nil {
			return fmt.Errorf("change sku %d: %w", id, err)
		}
	}
	for i, k := range plan.add {
		if err := insertSKU(ctx, tx, productID, fmt.Sprintf("add_skus[%d]", i), k); err != nil {
			return err
		}
	}
	return nil
}
