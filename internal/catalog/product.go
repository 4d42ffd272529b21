// Package catalog holds products, their SKUs and live stock (DESIGN.md §4, §7). Admin changes go
// through Service and are audited; the stock operations orders need (Reserve, Release, Consume,
// Restock, ItemsForSale) run inside the caller's transaction as one conditional UPDATE each, so
// stock is never oversold however many orders race for the last unit.
package catalog

import (
	"time"

	"github.com/fenxiao/fenxiao/internal/commission"
)

// Status of a product. Only on_shelf products can be ordered; archived is what a deleted product
// becomes when orders still reference it.
type Status string

const (
	OnShelf  Status = "on_shelf"
	OffShelf Status = "off_shelf"
	Archived Status = "archived"
)

// Limits a merchant meets in error messages.
const (
	MaxNameRunes        = 100
	MaxDescriptionRunes = 5000
	MaxImages           = 9
	MaxImageChars       = 500
	MaxSKUs             = 50
	MaxSpecRunes        = 50
	MaxSKUCodeRunes     = 64
	MaxPriceFen         = 100_000_000_00 // ¥100,000,000.00
	MaxStockDelta       = 1_000_000_000  // one adjustment, or a new SKU's initial stock
	MaxReasonRunes      = 500
)

// Product is a thing the merchant sells, in one or more SKUs.
type Product struct {
	ID            int64                `json:"id"`
	Name          string               `json:"name"`
	Description   string               `json:"description"`
	Images        []string             `json:"images" nullable:"false"`
	Status        Status               `json:"status" enum:"on_shelf,off_shelf,archived"`
	Distributable bool                 `json:"distributable" doc:"false: excluded from distribution, no commission on its sales"`
	Commission    *CommissionOverrides `json:"commission" doc:"per-product commission overrides; null means the plan's rates"`
	SoldOut       bool                 `json:"sold_out" doc:"every SKU has zero stock"`
	SKUs          []SKU                `json:"skus" nullable:"false"`
	CreatedAt     time.Time            `json:"created_at"`
	UpdatedAt     time.Time            `json:"updated_at"`
}

// Rules returns the product's commission overrides in the form the commission engine takes.
func (p Product) Rules() commission.ProductRules {
	return p.Commission.rules(p.Distributable)
}

// SKU is one sellable variant of a product. Its units are counted in three places: Stock (for
// sale), Reserved (held by unpaid orders) and Sold (paid, not refunded).
type SKU struct {
	ID                int64   `json:"id"`
	ProductID         int64   `json:"product_id"`
	SKUCode           *string `json:"sku_code" doc:"the merchant's own code, unique across the shop"`
	Spec              string  `json:"spec" doc:"e.g. \"500g 红色\"; empty for a product with one SKU"`
	PriceFen          int64   `json:"price_fen"`
	Stock             int64   `json:"stock" doc:"units available to sell"`
	Reserved          int64   `json:"reserved" doc:"units held by unpaid orders"`
	Sold              int64   `json:"sold" doc:"units paid for and not refunded"`
	LowStockThreshold int64   `json:"low_stock_threshold" doc:"listed as low stock at or below this; 0 = only when sold out"`
	SoldOut           bool    `json:"sold_out"`
}

// CommissionOverrides holds a product's overrides of the plan's three rates; a nil role uses the plan.
type CommissionOverrides struct {
	_          struct{}            `nullable:"true"`
	L1Direct   *CommissionOverride `json:"l1_direct,omitempty" doc:"a level-1 selling itself"`
	L2Direct   *CommissionOverride `json:"l2_direct,omitempty" doc:"a level-2 selling"`
	L1Override *CommissionOverride `json:"l1_override,omitempty" doc:"a level-1 on its level-2's sales"`
}

// CommissionOverride is either a rate or a fixed amount per unit sold; exactly one is set.
// A fixed_fen of 0 means no commission for that role.
type CommissionOverride struct {
	_        struct{} `nullable:"true"`
	RateBP   *int64   `json:"rate_bp,omitempty" doc:"basis points of the line's base, 0..10000"`
	FixedFen *int64   `json:"fixed_fen,omitempty" doc:"fen per unit, capped at sale time so a line never pays more than its base"`
}

func (c *CommissionOverrides) empty() bool {
	return c == nil || (c.L1Direct == nil && c.L2Direct == nil && c.L1Override == nil)
}

// rules converts the API form to the engine's. Excluded always follows distributable, so the two
// can never disagree.
func (c *CommissionOverrides) rules(distributable bool) commission.ProductRules {
	r := commission.ProductRules{Excluded: !distributable}
	if c != nil {
		r.L1Direct, r.L2Direct, r.L1Override = c.L1Direct.rule(), c.L2Direct.rule(), c.L1Override.rule()
	}
	return r
}

func (o *CommissionOverride) rule() *commission.Rule {
	switch {
	case o == nil:
		return nil
	case o.FixedFen != nil:
		return &commission.Rule{Fixed: true, FixedFenPerUnit: *o.FixedFen}
	case o.RateBP != nil:
		return &commission.Rule{BP: *o.RateBP}
	}
	return nil
}

// ProductInput creates a product.
type ProductInput struct {
	Name          string               `json:"name" minLength:"1" maxLength:"400" doc:"1 to 100 characters"`
	Description   string               `json:"description,omitempty" maxLength:"20000" doc:"up to 5000 characters"`
	Images        []string             `json:"images,omitempty" maxItems:"9" doc:"up to 9 http(s) URLs or /uploads/ paths, the first is the cover"`
	Status        Status               `json:"status,omitempty" enum:"on_shelf,off_shelf" doc:"default on_shelf"`
	Distributable *bool                `json:"distributable,omitempty" doc:"default true; false excludes the product from distribution"`
	Commission    *CommissionOverrides `json:"commission,omitempty" doc:"overrides of the plan's rates; absent or null uses the plan"`
	SKUs          []SKUInput           `json:"skus" minItems:"1" maxItems:"50" doc:"1 to 50 variants"`
}

// SKUInput creates a SKU, with a product or added to one.
type SKUInput struct {
	SKUCode           string `json:"sku_code,omitempty" maxLength:"256"`
	Spec              string `json:"spec,omitempty" maxLength:"200" doc:"up to 50 characters, distinct within the product"`
	PriceFen          int64  `json:"price_fen" doc:"1 to 10000000000 fen"`
	Stock             int64  `json:"stock,omitempty" doc:"initial units for sale, recorded as a stock movement"`
	LowStockThreshold int64  `json:"low_stock_threshold,omitempty" minimum:"0"`
}

// ProductPatch changes a product; nil fields stay as they are. Stock is changed only through
// AdjustStock, which needs a reason.
type ProductPatch struct {
	Name          *string              `json:"name,omitempty" maxLength:"400"`
	Description   *string              `json:"description,omitempty" maxLength:"20000"`
	Images        *[]string            `json:"images,omitempty" maxItems:"9" doc:"replaces the list; [] removes every image"`
	Status        *Status              `json:"status,omitempty" enum:"on_shelf,off_shelf,archived"`
	Distributable *bool                `json:"distributable,omitempty"`
	Commission    *CommissionOverrides `json:"commission,omitempty" doc:"replaces every override; null or {} goes back to the plan's rates"`
	AddSKUs       []SKUInput           `json:"add_skus,omitempty" maxItems:"50"`
	ChangeSKUs    []SKUChange          `json:"change_skus,omitempty" maxItems:"50"`
	RemoveSKUs    []int64              `json:"remove_skus,omitempty" maxItems:"50" doc:"only SKUs with nothing sold or reserved"`
}

// SKUChange edits one SKU of the product; nil fields stay as they are.
type SKUChange struct {
	ID                int64   `json:"id"`
	SKUCode           *string `json:"sku_code,omitempty" maxLength:"256" doc:"\"\" removes the code"`
	Spec              *string `json:"spec,omitempty" maxLength:"200"`
	PriceFen          *int64  `json:"price_fen,omitempty" doc:"new orders only; existing orders keep their price"`
	LowStockThreshold *int64  `json:"low_stock_threshold,omitempty" minimum:"0"`
}

func (p ProductPatch) empty() bool {
	return p.Name == nil && p.Description == nil && p.Images == nil && p.Status == nil && p.Distributable == nil &&
		p.Commission == nil && len(p.AddSKUs) == 0 && len(p.ChangeSKUs) == 0 && len(p.RemoveSKUs) == 0
}
