package catalog_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/fenxiao/fenxiao/internal/audit"
	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
)

func reserve(t *testing.T, ctx context.Context, d *db.DB, skuID, qty int64) {
	t.Helper()
	if err := d.InTx(ctx, func(tx *db.Tx) error { return catalog.Reserve(ctx, tx, skuID, qty) }); err != nil {
		t.Fatalf("reserve %d of sku %d: %v", qty, skuID, err)
	}
}

func TestUpdateFields(t *testing.T) {
	ctx, s, d := setup(t)
	p := mustCreate(t, ctx, s, coffee())
	got, err := s.Update(ctx, p.ID, catalog.ProductPatch{
		Name:          ptr("  云南咖啡豆 新季  "),
		Description:   ptr(""),
		Images:        &[]string{},
		Distributable: ptr(false),
		Commission:    &catalog.CommissionOverrides{L2Direct: &catalog.CommissionOverride{RateBP: ptr[int64](800)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "云南咖啡豆 新季" || got.Description != "" || len(got.Images) != 0 || got.Distributable ||
		got.Commission == nil || *got.Commission.L2Direct.RateBP != 800 || !got.Rules().Excluded {
		t.Fatalf("updated %+v", got)
	}
	if len(got.SKUs) != 2 || got.SKUs[0].Stock != 10 {
		t.Errorf("SKUs changed by a field patch: %+v", got.SKUs)
	}
	rows, _, _ := audit.List(ctx, d.R, audit.Filter{Entity: "product", EntityID: fmt.Sprint(p.ID)})
	if len(rows) != 2 || rows[0].Action != "product.update" || string(rows[0].Before) == string(rows[0].After) {
		t.Errorf("audit %+v", rows)
	}

	// JSON null resets the overrides, as {} does; an absent commission leaves them alone.
	var keep, reset catalog.ProductPatch
	if err := json.Unmarshal([]byte(`{"name": "云南咖啡豆"}`), &keep); err != nil {
		t.Fatal(err)
	}
	if got, err = s.Update(ctx, p.ID, keep); err != nil || got.Commission == nil || got.Name != "云南咖啡豆" {
		t.Fatalf("absent commission: %+v %v", got, err)
	}
	if err := json.Unmarshal([]byte(`{"commission": null}`), &reset); err != nil {
		t.Fatal(err)
	}
	if got, err = s.Update(ctx, p.ID, reset); err != nil || got.Commission != nil || got.Rules().L2Direct != nil {
		t.Fatalf("null commission: %+v %v", got, err)
	}

	// Status: archived and back.
	if got, err = s.Update(ctx, p.ID, catalog.ProductPatch{Status: ptr(catalog.Archived)}); err != nil || got.Status != catalog.Archived {
		t.Fatalf("archive by patch: %+v %v", got, err)
	}
	if got, err = s.Update(ctx, p.ID, catalog.ProductPatch{Status: ptr(catalog.OnShelf)}); err != nil || got.Status != catalog.OnShelf {
		t.Fatalf("restore by patch: %+v %v", got, err)
	}

	// An empty patch changes nothing and is not audited.
	auditBefore := count(t, d, "audit_log")
	if _, err := s.Update(ctx, p.ID, catalog.ProductPatch{}); err != nil || count(t, d, "audit_log") != auditBefore {
		t.Errorf("empty patch: %v", err)
	}
	_, err = s.Update(ctx, p.ID+100, catalog.ProductPatch{Name: ptr("x")})
	wantErr(t, err, errs.NotFound, "product_not_found")
}

func TestUpdateSKUs(t *testing.T) {
	ctx, s, d := setup(t)
	p := mustCreate(t, ctx, s, coffee())
	half, kilo := p.SKUs[0], p.SKUs[1]
	got, err := s.Update(ctx, p.ID, catalog.ProductPatch{
		AddSKUs:    []catalog.SKUInput{{Spec: "2kg", PriceFen: 35000, Stock: 3, SKUCode: "CF-2KG"}},
		ChangeSKUs: []catalog.SKUChange{{ID: kilo.ID, Spec: ptr("1kg 袋装"), PriceFen: ptr[int64](19800), SKUCode: ptr("CF-1KG")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.SKUs) != 3 || got.SKUs[1].Spec != "1kg 袋装" || got.SKUs[1].PriceFen != 19800 || *got.SKUs[1].SKUCode != "CF-1KG" ||
		got.SKUs[1].LowStockThreshold != 5 || got.SKUs[2].Spec != "2kg" || got.SKUs[2].Stock != 3 {
		t.Fatalf("skus %+v", got.SKUs)
	}
	if n := count(t, d, "stock_movements"); n != 2 {
		t.Errorf("stock movements %d, want 2 (both initial stocks)", n)
	}
	// Removing a SKU frees its code for the SKU added in the same patch.
	got, err = s.Update(ctx, p.ID, catalog.ProductPatch{
		RemoveSKUs: []int64{got.SKUs[2].ID},
		AddSKUs:    []catalog.SKUInput{{Spec: "2kg 新包装", PriceFen: 36000, SKUCode: "CF-2KG"}},
	})
	if err != nil || len(got.SKUs) != 3 || got.SKUs[2].Spec != "2kg 新包装" || count(t, d, "stock_movements") != 1 {
		t.Fatalf("remove and re-add: %+v %v", got.SKUs, err)
	}
	// A SKU with units reserved by an order cannot go.
	reserve(t, ctx, d, half.ID, 2)
	other := mustCreate(t, ctx, s, catalog.ProductInput{Name: "Tea", SKUs: []catalog.SKUInput{{PriceFen: 100, SKUCode: "TEA-1"}}})
	before := counts(t, d)
	cases := []struct {
		name  string
		patch catalog.ProductPatch
		kind  errs.Kind
		code  string
	}{
		{"remove a reserved SKU", catalog.ProductPatch{RemoveSKUs: []int64{half.ID}}, errs.Conflict, "sku_in_use"},
		{"remove another product's SKU", catalog.ProductPatch{RemoveSKUs: []int64{other.SKUs[0].ID}}, errs.Invalid, "sku_not_in_product"},
		{"change another product's SKU", catalog.ProductPatch{ChangeSKUs: []catalog.SKUChange{{ID: other.SKUs[0].ID, PriceFen: ptr[int64](1)}}}, errs.Invalid, "sku_not_in_product"},
		{"change and remove", catalog.ProductPatch{RemoveSKUs: []int64{kilo.ID}, ChangeSKUs: []catalog.SKUChange{{ID: kilo.ID, PriceFen: ptr[int64](1)}}}, errs.Invalid, "duplicate_sku"},
		{"price 0", catalog.ProductPatch{ChangeSKUs: []catalog.SKUChange{{ID: kilo.ID, PriceFen: ptr[int64](0)}}}, errs.Invalid, "invalid_price"},
		{"code of another product", catalog.ProductPatch{ChangeSKUs: []catalog.SKUChange{{ID: kilo.ID, SKUCode: ptr("TEA-1")}}}, errs.Conflict, "duplicate_sku_code"},
		{"spec of a sibling", catalog.ProductPatch{ChangeSKUs: []catalog.SKUChange{{ID: kilo.ID, Spec: ptr("500g")}}}, errs.Invalid, "duplicate_spec"},
		{"added spec of a sibling", catalog.ProductPatch{AddSKUs: []catalog.SKUInput{{Spec: "500g", PriceFen: 1}}}, errs.Invalid, "duplicate_spec"},
		{"added with absurd price", catalog.ProductPatch{AddSKUs: []catalog.SKUInput{{Spec: "5kg", PriceFen: 1 << 40}}}, errs.Invalid, "invalid_price"},
		{"too many SKUs", catalog.ProductPatch{AddSKUs: adds(48)}, errs.Invalid, "invalid_sku_count"},
		{"bad name with good SKUs", catalog.ProductPatch{Name: ptr(""), AddSKUs: []catalog.SKUInput{{Spec: "5kg", PriceFen: 1}}}, errs.Invalid, "invalid_name"},
		{"rate over 100%", catalog.ProductPatch{Commission: &catalog.CommissionOverrides{L1Direct: &catalog.CommissionOverride{RateBP: ptr[int64](10001)}}}, errs.Invalid, "invalid_commission"},
		{"status unknown", catalog.ProductPatch{Status: ptr(catalog.Status("deleted"))}, errs.Invalid, "invalid_status"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.Update(ctx, p.ID, c.patch)
			wantErr(t, err, c.kind, c.code)
			if after := counts(t, d); after != before {
				t.Errorf("a refused patch changed the store:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

// adds returns n new SKUs; 48 and the coffee's 3 make 51, one too many.
func TestUpdateKeepsOneSKU(t *testing.T) {
	ctx, s, d := setup(t)
	p := mustCreate(t, ctx, s, catalog.ProductInput{Name: "Tea", SKUs: []catalog.SKUInput{{PriceFen: 100, Stock: 1}}})
	before := counts(t, d)
	_, err := s.Update(ctx, p.ID, catalog.ProductPatch{Name: ptr("Green tea"), RemoveSKUs: []int64{p.SKUs[0].ID}})
	wantErr(t, err, errs.Invalid, "invalid_sku_count")
	if after := counts(t, d); after != before {
		t.Errorf("a refused patch changed the store:\nbefore %s\nafter  %s", before, after)
	}
	// Replacing the only SKU in one patch is fine.
	got, err := s.Update(ctx, p.ID, catalog.ProductPatch{RemoveSKUs: []int64{p.SKUs[0].ID}, AddSKUs: []catalog.SKUInput{{Spec: "100g", PriceFen: 200}}})
	if err != nil || len(got.SKUs) != 1 || got.SKUs[0].Spec != "100g" {
		t.Fatalf("replace: %+v %v", got, err)
	}
}

func adds(n int) []catalog.SKUInput {
	out := make([]catalog.SKUInput, n)
	for i := range out {
		out[i] = catalog.SKUInput{Spec: fmt.Sprint("size ", i), PriceFen: 100}
	}
	return out
}

func TestShelf(t *testing.T) {
	ctx, s, d := setup(t)
	p := mustCreate(t, ctx, s, coffee())
	onShelf := func() bool {
		items, err := catalog.ItemsForSale(ctx, d.R, []int64{p.SKUs[0].ID})
		if err != nil {
			t.Fatal(err)
		}
		return items[p.SKUs[0].ID].OnShelf
	}
	if !onShelf() {
		t.Fatal("a new product is on shelf")
	}
	for range 2 { // the second time is a no-op
		got, err := s.TakeOffShelf(ctx, p.ID)
		if err != nil || got.Status != catalog.OffShelf {
			t.Fatalf("take off shelf: %+v %v", got, err)
		}
	}
	if onShelf() {
		t.Error("off shelf product sold")
	}
	if got, err := s.PutOnShelf(ctx, p.ID); err != nil || got.Status != catalog.OnShelf || !onShelf() {
		t.Fatalf("put on shelf: %+v %v", got, err)
	}
	rows, _, _ := audit.List(ctx, d.R, audit.Filter{Entity: "product"})
	if len(rows) != 3 || rows[0].Action != "product.put_on_shelf" || rows[1].Action != "product.take_off_shelf" {
		t.Errorf("audit %+v", rows)
	}
	_, err := s.PutOnShelf(ctx, p.ID+100)
	wantErr(t, err, errs.NotFound, "product_not_found")
}

func TestDeleteOrArchive(t *testing.T) {
	ctx, s, d := setup(t)
	unused := mustCreate(t, ctx, s, coffee())
	ordered := mustCreate(t, ctx, s, catalog.ProductInput{Name: "Ordered", SKUs: []catalog.SKUInput{{PriceFen: 100, Stock: 5}}})
	reserved := mustCreate(t, ctx, s, catalog.ProductInput{Name: "Reserved", SKUs: []catalog.SKUInput{{PriceFen: 100, Stock: 5}}})
	referenced := mustCreate(t, ctx, s, catalog.ProductInput{Name: "Referenced", SKUs: []catalog.SKUInput{{PriceFen: 100}}})
	reserve(t, ctx, d, reserved.SKUs[0].ID, 1)
	// The fake plays the orders service: it reads through the transaction it is given.
	s.InUse = func(ctx context.Context, q db.Querier, id int64) (bool, error) {
		var n int
		err := q.QueryRowContext(ctx, `SELECT count(*) FROM products WHERE id = $1 AND name = 'Ordered'`, id).Scan(&n)
		return n > 0, err
	}
	// A table the catalog does not know about references a SKU: the foreign key keeps it.
	if _, err := d.W.Exec(`CREATE TABLE order_lines_fake (sku_id BIGINT NOT NULL REFERENCES skus (id))`); err != nil {
		t.Fatal(err)
	}
	if _, err := d.W.Exec(`INSERT INTO order_lines_fake (sku_id) VALUES ($1)`, referenced.SKUs[0].ID); err != nil {
		t.Fatal(err)
	}

	archived, err := s.Delete(ctx, unused.ID)
	if err != nil || archived {
		t.Fatalf("delete unused: archived=%v %v", archived, err)
	}
	_, err = s.Get(ctx, unused.ID)
	wantErr(t, err, errs.NotFound, "product_not_found")
	var left int
	if err := d.R.QueryRow(`SELECT count(*) FROM skus WHERE product_id = $1`, unused.ID).Scan(&left); err != nil || left != 0 {
		t.Errorf("skus left %d %v", left, err)
	}
	if n := count(t, d, "stock_movements"); n != 2 {
		t.Errorf("stock movements %d, want the 2 of the other products", n)
	}

	for _, p := range []catalog.Product{ordered, reserved, referenced} {
		archived, err := s.Delete(ctx, p.ID)
		if err != nil || !archived {
			t.Fatalf("delete %s: archived=%v %v", p.Name, archived, err)
		}
		got, err := s.Get(ctx, p.ID)
		if err != nil || got.Status != catalog.Archived || len(got.SKUs) != 1 {
			t.Errorf("%s after delete: %+v %v", p.Name, got, err)
		}
	}
	rows, _, _ := audit.List(ctx, d.R, audit.Filter{Entity: "product", EntityID: fmt.Sprint(ordered.ID)})
	if len(rows) != 2 || rows[0].Action != "product.archive" || rows[0].Reason != catalog.ArchiveReason {
		t.Errorf("audit %+v", rows)
	}
	page, err := s.List(ctx, catalog.Filter{})
	if err != nil || page.Total != 0 {
		t.Errorf("archived products listed by default: %+v %v", page, err)
	}
	page, err = s.List(ctx, catalog.Filter{Status: catalog.All})
	if err != nil || page.Total != 3 {
		t.Errorf("all: %+v %v", page, err)
	}
	_, err = s.Delete(ctx, unused.ID)
	wantErr(t, err, errs.NotFound, "product_not_found")
}
