package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/fenxiao/fenxiao/internal/audit"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
)

// Service manages the catalog for merchant staff (role operator; finance may read). Every method
// that changes state writes an audit entry in the same transaction; callers name the actor with
// audit.WithActor.
type Service struct {
	DB *db.DB
	// InUse reports whether anything outside the catalog (order lines) references a product, in
	// which case Delete archives it instead. nil means nothing does yet.
	InUse func(ctx context.Context, q db.Querier, productID int64) (bool, error)
}

// product is a validated ProductInput.
type product struct {
	name, description string
	images            []string
	status            Status
	distributable     bool
	commission        *CommissionOverrides
	skus              []sku
}

func validInput(in ProductInput) (product, error) {
	var v product
	var err error
	if v.name, err = validName(in.Name); err != nil {
		return product{}, err
	}
	if v.description, err = text("description", "description", in.Description, MaxDescriptionRunes, true); err != nil {
		return product{}, err
	}
	if v.images, err = validImages(in.Images); err != nil {
		return product{}, err
	}
	v.status = in.Status
	if v.status == "" {
		v.status = OnShelf
	}
	if err = validStatus(v.status, "status", false); err != nil {
		return product{}, err
	}
	v.distributable = in.Distributable == nil || *in.Distributable
	if v.commission, err = validCommission(in.Commission); err != nil {
		return product{}, err
	}
	if len(in.SKUs) == 0 || len(in.SKUs) > MaxSKUs {
		return product{}, errs.Field("skus", "invalid_sku_count", "a product has 1 to %d SKUs, not %d", MaxSKUs, len(in.SKUs))
	}
	for i, k := range in.SKUs {
		s, err := validSKU(fmt.Sprintf("skus[%d]", i), k)
		if err != nil {
			return product{}, err
		}
		v.skus = append(v.skus, s)
	}
	if err := distinct("skus", v.skus); err != nil {
		return product{}, err
	}
	return v, nil
}

// distinct refuses two SKUs of one product with the same spec (a customer could not tell them
// apart) or the same code.
func distinct(field string, skus []sku) error {
	specs, codes := map[string]bool{}, map[string]bool{}
	for i, k := range skus {
		if specs[k.spec] {
			return errs.Field(fmt.Sprintf("%s[%d].spec", field, i), "duplicate_spec", "two SKUs have the spec %q; give each a different one", k.spec)
		}
		specs[k.spec] = true
		if k.code != nil {
			if codes[*k.code] {
				return errs.Field(fmt.Sprintf("%s[%d].sku_code", field, i), "duplicate_sku_code", "two SKUs have the code %q", *k.code)
			}
			codes[*k.code] = true
		}
	}
	return nil
}

// Create adds a product with its SKUs; initial stock is recorded as a stock movement.
// Errors: Invalid, Conflict (duplicate_sku_code).
func (s *Service) Create(ctx context.Context, in ProductInput) (Product, error) {
	v, err := validInput(in)
	if err != nil {
		return Product{}, err
	}
	images, rules, err := encode(v.images, v.commission)
	if err != nil {
		return Product{}, err
	}
	var out Product
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		var id int64
		if err := tx.QueryRowContext(ctx, qInsertProduct, v.name, v.description, images, v.status, v.distributable, rules, tx.Now).Scan(&id); err != nil {
			return fmt.Errorf("insert product: %w", err)
		}
		for i, k := range v.skus {
			if err := insertSKU(ctx, tx, id, fmt.Sprintf("skus[%d]", i), k); err != nil {
				return err
			}
		}
		if out, err = load(ctx, tx, id, ""); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "product.create", Entity: "product", EntityID: fmt.Sprint(id), After: out})
	})
	return out, explain(err)
}

func encode(images []string, c *CommissionOverrides) (string, *string, error) {
	b, err := json.Marshal(images)
	if err != nil {
		return "", nil, fmt.Errorf("encode images: %w", err)
	}
	if c.empty() {
		return string(b), nil, nil
	}
	r, err := json.Marshal(c)
	if err != nil {
		return "", nil, fmt.Errorf("encode commission rules: %w", err)
	}
	rules := string(r)
	return string(b), &rules, nil
}

func insertSKU(ctx context.Context, tx *db.Tx, productID int64, field string, k sku) error {
	if err := codeFree(ctx, tx, field, k.code, 0); err != nil {
		return err
	}
	var id int64
	if err := tx.QueryRowContext(ctx, qInsertSKU, productID, k.code, k.spec, k.price, k.stock, k.threshold).Scan(&id); err != nil {
		return fmt.Errorf("insert sku: %w", err)
	}
	if k.stock > 0 {
		if _, err := tx.ExecContext(ctx, qInsertMovement, id, k.stock, "initial stock", audit.Actor(ctx), tx.Now); err != nil {
			return fmt.Errorf("record initial stock: %w", err)
		}
	}
	return nil
}

// codeFree refuses a SKU code another SKU has, naming its product; field is the SKU's place in
// the request. The unique index stays the real guard against two requests racing.
func codeFree(ctx context.Context, tx *db.Tx, field string, code *string, skuID int64) error {
	if code == nil {
		return nil
	}
	var owner string
	err := tx.QueryRowContext(ctx, qSKUCodeOwner, *code, skuID).Scan(&owner)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("check sku code: %w", err)
	}
	return &errs.Error{Kind: errs.Conflict, Code: "duplicate_sku_code", Field: field + ".sku_code",
		Message: fmt.Sprintf("SKU code %q is already used by product %q; SKU codes are unique across the shop", *code, owner)}
}

func explain(err error) error {
	if db.IsDuplicate(err, "skus", "sku_code") {
		return &errs.Error{Kind: errs.Conflict, Code: "duplicate_sku_code", Err: err,
			Message: "a SKU code in this request was just taken by another product; SKU codes are unique across the shop"}
	}
	return err
}

// Get returns a product with its SKUs. Errors: NotFound.
func (s *Service) Get(ctx context.Context, id int64) (Product, error) {
	return load(ctx, s.DB.R, id, "")
}

// load reads a product and its SKUs; lock is tx.ForUpdate() when the caller will change it.
func load(ctx context.Context, q db.Querier, id int64, lock string) (Product, error) {
	p, err := scanProduct(q.QueryRowContext(ctx, qProductByID+lock, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Product{}, errs.E(errs.NotFound, "product_not_found", "product %d does not exist", id)
	}
	if err != nil {
		return Product{}, err
	}
	rows, err := q.QueryContext(ctx, qSKUsOf, id)
	if err != nil {
		return Product{}, fmt.Errorf("read skus of product %d: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		k, err := scanSKU(rows)
		if err != nil {
			return Product{}, err
		}
		p.SKUs = append(p.SKUs, k)
	}
	if err := rows.Err(); err != nil {
		return Product{}, fmt.Errorf("read skus of product %d: %w", id, err)
	}
	p.soldOut()
	return p, nil
}

func (p *Product) soldOut() {
	p.SoldOut = true
	for _, k := range p.SKUs {
		p.SoldOut = p.SoldOut && k.Stock == 0
	}
	if p.SKUs == nil {
		p.SKUs = []SKU{}
	}
}

type scanner interface{ Scan(...any) error }

// scanProduct returns sql.ErrNoRows unwrapped so callers can name what is missing.
func scanProduct(row scanner) (Product, error) {
	var p Product
	var images string
	var rules *string
	err := row.Scan(&p.ID, &p.Name, &p.Description, &images, &p.Status, &p.Distributable, &rules, &p.CreatedAt, &p.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Product{}, err
	}
	if err != nil {
		return Product{}, fmt.Errorf("read product: %w", err)
	}
	if err := json.Unmarshal([]byte(images), &p.Images); err != nil {
		return Product{}, fmt.Errorf("decode images of product %d: %w", p.ID, err)
	}
	if p.Commission, err = decodeRules(rules); err != nil {
		return Product{}, fmt.Errorf("decode commission rules of product %d: %w", p.ID, err)
	}
	if p.Images == nil {
		p.Images = []string{}
	}
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return p, nil
}

func decodeRules(rules *string) (*CommissionOverrides, error) {
	if rules == nil {
		return nil, nil
	}
	var c CommissionOverrides
	if err := json.Unmarshal([]byte(*rules), &c); err != nil {
		return nil, err
	}
	return &c, nil
}

func scanSKU(row scanner) (SKU, error) {
	var k SKU
	err := row.Scan(&k.ID, &k.ProductID, &k.SKUCode, &k.Spec, &k.PriceFen, &k.Stock, &k.Reserved, &k.Sold, &k.LowStockThreshold)
	if err != nil {
		return SKU{}, fmt.Errorf("read sku: %w", err)
	}
	k.SoldOut = k.Stock == 0
	return k, nil
}
