package catalog_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/fenxiao/fenxiao/internal/audit"
	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/commission"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/db/dbtest"
	"github.com/fenxiao/fenxiao/internal/errs"
)

func ptr[T any](v T) *T { return &v }

func setup(t *testing.T) (context.Context, *catalog.Service, *db.DB) {
	t.Helper()
	d, _ := dbtest.Open(t)
	return audit.WithActor(context.Background(), "test:operator"), &catalog.Service{DB: d}, d
}

// coffee is a product with two SKUs: 500g at ¥99.90 with 10 units, 1kg at ¥188.00 with none.
func coffee() catalog.ProductInput {
	return catalog.ProductInput{
		Name:        "云南小粒咖啡豆",
		Description: "中度烘焙\n产地直发",
		Images:      []string{"https://img.example.com/coffee.jpg", "/uploads/2026/03/coffee-2.png"},
		SKUs: []catalog.SKUInput{
			{Spec: "500g", PriceFen: 9990, Stock: 10, SKUCode: "CF-500"},
			{Spec: "1kg", PriceFen: 18800, LowStockThreshold: 5},
		},
	}
}

func mustCreate(t *testing.T, ctx context.Context, s *catalog.Service, in catalog.ProductInput) catalog.Product {
	t.Helper()
	p, err := s.Create(ctx, in)
	if err != nil {
		t.Fatalf("create %q: %v", in.Name, err)
	}
	return p
}

func count(t *testing.T, d *db.DB, table string) int {
	t.Helper()
	var n int
	if err := d.R.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// counts is every table the catalog writes, so a refused change can be shown to change nothing.
func counts(t *testing.T, d *db.DB) string {
	t.Helper()
	var b strings.Builder
	for _, table := range []string{"products", "skus", "stock_movements", "audit_log"} {
		fmt.Fprintf(&b, "%s=%d ", table, count(t, d, table))
	}
	var stock, reserved, sold int64
	if err := d.R.QueryRow(`SELECT COALESCE(sum(stock), 0), COALESCE(sum(reserved), 0), COALESCE(sum(sold), 0) FROM skus`).Scan(&stock, &reserved, &sold); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "stock=%d reserved=%d sold=%d", stock, reserved, sold)
	return b.String()
}

func wantErr(t *testing.T, err error, kind errs.Kind, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want %s error %s, got none", kind, code)
	}
	if errs.KindOf(err) != kind || errs.CodeOf(err) != code {
		t.Fatalf("want %s error %s, got %s %s: %v", kind, code, errs.KindOf(err), errs.CodeOf(err), err)
	}
}

func TestCreateAndGet(t *testing.T) {
	ctx, s, d := setup(t)
	p := mustCreate(t, ctx, s, coffee())
	if p.ID == 0 || p.Name != "云南小粒咖啡豆" || p.Status != catalog.OnShelf || !p.Distributable || p.Commission != nil {
		t.Fatalf("created %+v", p)
	}
	if !p.CreatedAt.Equal(dbtest.Start) || !p.UpdatedAt.Equal(dbtest.Start) {
		t.Errorf("times %v %v, want %v", p.CreatedAt, p.UpdatedAt, dbtest.Start)
	}
	if len(p.Images) != 2 || p.Description != "中度烘焙\n产地直发" || len(p.SKUs) != 2 || p.SoldOut {
		t.Fatalf("created %+v", p)
	}
	k := p.SKUs[0]
	if k.ProductID != p.ID || *k.SKUCode != "CF-500" || k.Spec != "500g" || k.PriceFen != 9990 || k.Stock != 10 || k.SoldOut {
		t.Errorf("first sku %+v", k)
	}
	if k := p.SKUs[1]; k.SKUCode != nil || k.Stock != 0 || !k.SoldOut || k.LowStockThreshold != 5 {
		t.Errorf("second sku %+v", k)
	}
	got, err := s.Get(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(p)
	b, _ := json.Marshal(got)
	if string(a) != string(b) {
		t.Errorf("get differs from create:\n%s\n%s", b, a)
	}
	// Only the SKU with initial stock has a movement; the creation is audited once.
	if n := count(t, d, "stock_movements"); n != 1 {
		t.Errorf("stock movements %d, want 1", n)
	}
	rows, _, err := audit.List(ctx, d.R, audit.Filter{Entity: "product", EntityID: fmt.Sprint(p.ID)})
	if err != nil || len(rows) != 1 || rows[0].Action != "product.create" || rows[0].Actor != "test:operator" {
		t.Errorf("audit %+v %v", rows, err)
	}
	_, err = s.Get(ctx, p.ID+100)
	wantErr(t, err, errs.NotFound, "product_not_found")
}

func TestCreateWithCommissionAndEmoji(t *testing.T) {
	ctx, s, _ := setup(t)
	in := coffee()
	in.Name = "咖啡 ☕ 限量🎉"
	in.Distributable = ptr(false)
	in.Status = catalog.OffShelf
	in.Commission = &catalog.CommissionOverrides{
		L1Direct:   &catalog.CommissionOverride{RateBP: ptr[int64](1500)},
		L1Override: &catalog.CommissionOverride{FixedFen: ptr[int64](500)},
	}
	p := mustCreate(t, ctx, s, in)
	if p.Name != "咖啡 ☕ 限量🎉" || p.Status != catalog.OffShelf || p.Distributable {
		t.Fatalf("created %+v", p)
	}
	want := commission.ProductRules{Excluded: true, L1Direct: &commission.Rule{BP: 1500},
		L1Override: &commission.Rule{Fixed: true, FixedFenPerUnit: 500}}
	if got := p.Rules(); fmt.Sprint(got.Excluded, *got.L1Direct, got.L2Direct, *got.L1Override) !=
		fmt.Sprint(want.Excluded, *want.L1Direct, want.L2Direct, *want.L1Override) {
		t.Errorf("rules %+v", got)
	}
	b, _ := json.Marshal(p.Commission)
	if string(b) != `{"l1_direct":{"rate_bp":1500},"l1_override":{"fixed_fen":500}}` {
		t.Errorf("commission JSON %s", b)
	}
}

func TestCreateRejectsBadInput(t *testing.T) {
	ctx, s, d := setup(t)
	mustCreate(t, ctx, s, coffee()) // so a duplicate SKU code has something to collide with
	before := counts(t, d)
	many := make([]catalog.SKUInput, 60)
	for i := range many {
		many[i] = catalog.SKUInput{Spec: fmt.Sprint(i), PriceFen: 100}
	}
	tenImages := make([]string, 10)
	for i := range tenImages {
		tenImages[i] = fmt.Sprintf("https://img.example.com/%d.jpg", i)
	}
	rate := func(bp int64) *catalog.CommissionOverride { return &catalog.CommissionOverride{RateBP: &bp} }
	fixed := func(fen int64) *catalog.CommissionOverride { return &catalog.CommissionOverride{FixedFen: &fen} }
	cases := []struct {
		name  string
		edit  func(*catalog.ProductInput)
		kind  errs.Kind
		code  string
		field string
	}{
		{"empty name", func(p *catalog.ProductInput) { p.Name = "" }, errs.Invalid, "invalid_name", "name"},
		{"blank name", func(p *catalog.ProductInput) { p.Name = " \u3000 " }, errs.Invalid, "invalid_name", "name"},
		{"name of 101 characters", func(p *catalog.ProductInput) { p.Name = strings.Repeat("茶", 101) }, errs.Invalid, "invalid_name", "name"},
		{"zero width space in name", func(p *catalog.ProductInput) { p.Name = "咖\u200b啡" }, errs.Invalid, "invalid_name", "name"},
		{"description of 5001 characters", func(p *catalog.ProductInput) { p.Description = strings.Repeat("好", 5001) }, errs.Invalid, "text_too_long", "description"},
		{"NUL in description", func(p *catalog.ProductInput) { p.Description = "a\x00b" }, errs.Invalid, "invalid_text", "description"},
		{"price 0", func(p *catalog.ProductInput) { p.SKUs[0].PriceFen = 0 }, errs.Invalid, "invalid_price", "skus[0].price_fen"},
		{"negative price", func(p *catalog.ProductInput) { p.SKUs[1].PriceFen = -100 }, errs.Invalid, "invalid_price", "skus[1].price_fen"},
		{"absurd price", func(p *catalog.ProductInput) { p.SKUs[0].PriceFen = 100_000_000_01 }, errs.Invalid, "invalid_price", "skus[0].price_fen"},
		{"no SKUs", func(p *catalog.ProductInput) { p.SKUs = nil }, errs.Invalid, "invalid_sku_count", "skus"},
		{"60 SKUs", func(p *catalog.ProductInput) { p.SKUs = many }, errs.Invalid, "invalid_sku_count", "skus"},
		{"negative stock", func(p *catalog.ProductInput) { p.SKUs[0].Stock = -1 }, errs.Invalid, "invalid_stock", "skus[0].stock"},
		{"spec of 51 characters", func(p *catalog.ProductInput) { p.SKUs[0].Spec = strings.Repeat("x", 51) }, errs.Invalid, "text_too_long", "skus[0].spec"},
		{"same spec twice", func(p *catalog.ProductInput) { p.SKUs[1].Spec = "500g" }, errs.Invalid, "duplicate_spec", "skus[1].spec"},
		{"same code twice", func(p *catalog.ProductInput) {
			p.SKUs[0].SKUCode, p.SKUs[1].SKUCode = "NEW-1", "NEW-1"
		}, errs.Invalid, "duplicate_sku_code", "skus[1].sku_code"},
		{"code of another product", func(p *catalog.ProductInput) { p.SKUs[0].SKUCode, p.SKUs[1].SKUCode = "NEW-1", "CF-500" }, errs.Conflict, "duplicate_sku_code", "skus[1].sku_code"},
		{"negative threshold", func(p *catalog.ProductInput) { p.SKUs[0].LowStockThreshold = -1 }, errs.Invalid, "invalid_threshold", "skus[0].low_stock_threshold"},
		{"rate over 10000 bp", func(p *catalog.ProductInput) { p.Commission = &catalog.CommissionOverrides{L1Direct: rate(10001)} }, errs.Invalid, "invalid_commission", "commission.l1_direct.rate_bp"},
		{"negative rate", func(p *catalog.ProductInput) { p.Commission = &catalog.CommissionOverrides{L2Direct: rate(-1)} }, errs.Invalid, "invalid_commission", "commission.l2_direct.rate_bp"},
		{"negative fixed", func(p *catalog.ProductInput) { p.Commission = &catalog.CommissionOverrides{L1Override: fixed(-1)} }, errs.Invalid, "invalid_commission", "commission.l1_override.fixed_fen"},
		{"rate and fixed", func(p *catalog.ProductInput) {
			p.Commission = &catalog.CommissionOverrides{L1Direct: &catalog.CommissionOverride{RateBP: ptr[int64](100), FixedFen: ptr[int64](100)}}
		}, errs.Invalid, "invalid_commission", "commission.l1_direct"},
		{"neither rate nor fixed", func(p *catalog.ProductInput) {
			p.Commission = &catalog.CommissionOverrides{L1Direct: &catalog.CommissionOverride{}}
		}, errs.Invalid, "invalid_commission", "commission.l1_direct"},
		{"level-2 rates over 100%", func(p *catalog.ProductInput) {
			p.Commission = &catalog.CommissionOverrides{L2Direct: rate(6000), L1Override: rate(4001)}
		}, errs.Invalid, "invalid_commission", "commission"},
		{"ftp image", func(p *catalog.ProductInput) { p.Images = []string{"ftp://img.example.com/a.jpg"} }, errs.Invalid, "invalid_image", "images[0]"},
		{"javascript image", func(p *catalog.ProductInput) { p.Images = []string{"javascript:alert(1)"} }, errs.Invalid, "invalid_image", "images[0]"},
		{"relative image", func(p *catalog.ProductInput) { p.Images = []string{"https://ok.example.com/a.jpg", "img/a.jpg"} }, errs.Invalid, "invalid_image", "images[1]"},
		{"upload path escaping", func(p *catalog.ProductInput) { p.Images = []string{"/uploads/../etc/passwd"} }, errs.Invalid, "invalid_image", "images[0]"},
		{"image with a space", func(p *catalog.ProductInput) { p.Images = []string{"https://img.example.com/a b.jpg"} }, errs.Invalid, "invalid_image", "images[0]"},
		{"image URL of 501 characters", func(p *catalog.ProductInput) {
			p.Images = []string{"https://img.example.com/" + strings.Repeat("a", 477)}
		}, errs.Invalid, "invalid_image", "images[0]"},
		{"10 images", func(p *catalog.ProductInput) { p.Images = tenImages }, errs.Invalid, "too_many_images", "images"},
		{"archived at creation", func(p *catalog.ProductInput) { p.Status = catalog.Archived }, errs.Invalid, "invalid_status", "status"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := coffee()
			c.edit(&in)
			_, err := s.Create(ctx, in)
			wantErr(t, err, c.kind, c.code)
			var e *errs.Error
			if errors.As(err, &e) && e.Field != c.field {
				t.Errorf("field %q, want %q (%s)", e.Field, c.field, e.Message)
			}
			if after := counts(t, d); after != before {
				t.Errorf("a refused create changed the store:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

func TestList(t *testing.T) {
	ctx, s, _ := setup(t)
	tea := catalog.ProductInput{Name: "Longjing Green Tea 龙井", SKUs: []catalog.SKUInput{{Spec: "250g", PriceFen: 12800, SKUCode: "TEA-LJ-250"}}}
	cup := catalog.ProductInput{Name: "Tea cup 100%_ceramic", Distributable: ptr(false), SKUs: []catalog.SKUInput{{PriceFen: 3500}}}
	c := mustCreate(t, ctx, s, coffee())
	te := mustCreate(t, ctx, s, tea)
	cu := mustCreate(t, ctx, s, cup)
	if _, err := s.TakeOffShelf(ctx, te.ID); err != nil {
		t.Fatal(err)
	}
	ids := func(p catalog.ProductPage) string {
		var out []string
		for _, it := range p.Items {
			out = append(out, fmt.Sprint(it.ID))
		}
		return fmt.Sprintf("%s total=%d", strings.Join(out, ","), p.Total)
	}
	cases := []struct {
		name string
		f    catalog.Filter
		want string
	}{
		{"all, newest first", catalog.Filter{}, fmt.Sprintf("%d,%d,%d total=3", cu.ID, te.ID, c.ID)},
		{"name, any case", catalog.Filter{Q: "longjing"}, fmt.Sprintf("%d total=1", te.ID)},
		{"chinese name", catalog.Filter{Q: "咖啡"}, fmt.Sprintf("%d total=1", c.ID)},
		{"part of a SKU code", catalog.Filter{Q: "lj-250"}, fmt.Sprintf("%d total=1", te.ID)},
		{"LIKE wildcards are literal", catalog.Filter{Q: "%_c"}, fmt.Sprintf("%d total=1", cu.ID)},
		{"off shelf", catalog.Filter{Status: catalog.OffShelf}, fmt.Sprintf("%d total=1", te.ID)},
		{"not distributable", catalog.Filter{Distributable: ptr(false)}, fmt.Sprintf("%d total=1", cu.ID)},
		{"distributable", catalog.Filter{Distributable: ptr(true)}, fmt.Sprintf("%d,%d total=2", te.ID, c.ID)},
		{"second page of two", catalog.Filter{Page: 2, PerPage: 2}, fmt.Sprintf("%d total=3", c.ID)},
		{"nothing", catalog.Filter{Q: "nothing like this"}, " total=0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := s.List(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(p); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
	p, err := s.List(ctx, catalog.Filter{Q: "咖啡"})
	if err != nil || len(p.Items[0].SKUs) != 2 || p.Items[0].SKUs[0].Stock != 10 {
		t.Errorf("list carries SKUs: %+v %v", p, err)
	}
	_, err = s.List(ctx, catalog.Filter{Status: "deleted"})
	wantErr(t, err, errs.Invalid, "invalid_status")
	_, err = s.List(ctx, catalog.Filter{PerPage: 101})
	wantErr(t, err, errs.Invalid, "invalid_per_page")
}
