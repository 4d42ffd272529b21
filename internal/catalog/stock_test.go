package catalog_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/fenxiao/fenxiao/internal/audit"
	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/commission"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/errs"
)

// state returns a SKU's three counters as "stock/reserved/sold".
func state(t *testing.T, s *catalog.Service, productID, skuID int64) string {
	t.Helper()
	p, err := s.Get(context.Background(), productID)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range p.SKUs {
		if k.ID == skuID {
			return fmt.Sprintf("%d/%d/%d", k.Stock, k.Reserved, k.Sold)
		}
	}
	t.Fatalf("sku %d not in product %d", skuID, productID)
	return ""
}

// The crucial one: 200 orders race for 50 units; exactly 50 win and nothing is oversold.
func TestReserveUnderConcurrency(t *testing.T) {
	ctx, s, d := setup(t)
	p := mustCreate(t, ctx, s, catalog.ProductInput{Name: "限量月饼礼盒", SKUs: []catalog.SKUInput{{Spec: "6枚装", PriceFen: 16800, Stock: 50}}})
	skuID := p.SKUs[0].ID
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		ok    int
		codes = map[string]int{}
	)
	start := make(chan struct{})
	for range 200 {
		wg.Go(func() {
			<-start
			err := d.InTx(ctx, func(tx *db.Tx) error { return catalog.Reserve(ctx, tx, skuID, 1) })
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				ok++
				return
			}
			codes[errs.CodeOf(err)]++
			if c := errs.CodeOf(err); c != "sold_out" && c != "insufficient_stock" {
				t.Errorf("unexpected error: %v", err)
			}
		})
	}
	close(start)
	wg.Wait()
	if ok != 50 || codes["sold_out"]+codes["insufficient_stock"] != 150 {
		t.Errorf("%d reserved, refusals %v; want 50 and 150", ok, codes)
	}
	if got := state(t, s, p.ID, skuID); got != "0/50/0" {
		t.Errorf("stock/reserved/sold %s, want 0/50/0", got)
	}
}

func TestStockArithmetic(t *testing.T) {
	ctx, s, d := setup(t)
	p := mustCreate(t, ctx, s, coffee())
	skuID := p.SKUs[0].ID // 500g, 10 units
	run := func(op func(context.Context, *db.Tx, int64, int64) error, id, qty int64) error {
		return d.InTx(ctx, func(tx *db.Tx) error { return op(ctx, tx, id, qty) })
	}
	auditBefore := count(t, d, "audit_log")
	steps := []struct {
		name string
		op   func(context.Context, *db.Tx, int64, int64) error
		qty  int64
		want string // stock/reserved/sold after, or the error code
		msg  string // part of the error message
	}{
		{"reserve 3 for an order", catalog.Reserve, 3, "7/3/0", ""},
		{"reserve 4 for another", catalog.Reserve, 4, "3/7/0", ""},
		{"cancel the second", catalog.Release, 4, "7/3/0", ""},
		{"pay the first", catalog.Consume, 3, "7/0/3", ""},
		{"refund 1 with restock", catalog.Restock, 1, "8/0/2", ""},
		{"reserve more than is left", catalog.Reserve, 9, "insufficient_stock", "only 8 left of 云南小粒咖啡豆 500g"},
		{"release more than reserved", catalog.Release, 1, "stock_mismatch", "only 0 are reserved"},
		{"consume more than reserved", catalog.Consume, 1, "stock_mismatch", "only 0 are reserved"},
		{"restock more than sold", catalog.Restock, 3, "stock_mismatch", "only 2 are sold"},
		{"zero quantity", catalog.Reserve, 0, "invalid_quantity", ""},
		{"negative quantity", catalog.Release, -1, "invalid_quantity", ""},
		{"reserve the rest", catalog.Reserve, 8, "0/8/2", ""},
		{"reserve when sold out", catalog.Reserve, 1, "sold_out", "云南小粒咖啡豆 500g is sold out"},
	}
	for _, st := range steps {
		err := run(st.op, skuID, st.qty)
		got := state(t, s, p.ID, skuID)
		if err != nil {
			got = errs.CodeOf(err)
			if !strings.Contains(err.Error(), st.msg) {
				t.Errorf("%s: message %q does not say %q", st.name, err, st.msg)
			}
		}
		if got != st.want {
			t.Errorf("%s: got %s, want %s (%v)", st.name, got, st.want, err)
		}
	}
	for _, op := range []func(context.Context, *db.Tx, int64, int64) error{catalog.Reserve, catalog.Release, catalog.Consume, catalog.Restock} {
		wantErr(t, run(op, skuID+1000, 1), errs.NotFound, "sku_not_found")
	}
	if got := state(t, s, p.ID, skuID); got != "0/8/2" {
		t.Errorf("refusals changed the counters: %s", got)
	}
	if n := count(t, d, "audit_log"); n != auditBefore {
		t.Errorf("order stock operations wrote %d audit entries; they write none", n-auditBefore)
	}
	// Sold out shows on the SKU and, when every SKU is out, on the product.
	got, _ := s.Get(ctx, p.ID)
	if !got.SKUs[0].SoldOut || !got.SoldOut {
		t.Errorf("sold out flags %+v", got)
	}
}

func TestAdjustStock(t *testing.T) {
	ctx, s, d := setup(t)
	p := mustCreate(t, ctx, s, coffee())
	skuID := p.SKUs[0].ID // 10 units
	reserve(t, ctx, d, skuID, 4)
	k, err := s.AdjustStock(ctx, skuID, 5, "  到货  ")
	if err != nil || k.Stock != 11 || k.Reserved != 4 {
		t.Fatalf("add 5: %+v %v", k, err)
	}
	if k, err = s.AdjustStock(ctx, skuID, -11, "盘点"); err != nil || k.Stock != 0 || !k.SoldOut {
		t.Fatalf("remove 11: %+v %v", k, err)
	}
	before := counts(t, d)
	_, err = s.AdjustStock(ctx, skuID, -1, "damaged")
	wantErr(t, err, errs.Conflict, "insufficient_stock")
	if !strings.Contains(err.Error(), "only 0 available for sale (4 more are reserved") {
		t.Errorf("message %q", err)
	}
	_, err = s.AdjustStock(ctx, skuID, 1, " ")
	wantErr(t, err, errs.Invalid, "reason_required")
	_, err = s.AdjustStock(ctx, skuID, 0, "nothing")
	wantErr(t, err, errs.Invalid, "invalid_delta")
	_, err = s.AdjustStock(ctx, skuID+1000, 1, "lost")
	wantErr(t, err, errs.NotFound, "sku_not_found")
	if after := counts(t, d); after != before {
		t.Errorf("refused adjustments changed the store:\nbefore %s\nafter  %s", before, after)
	}

	var deltas, reasons, actors []string
	rows, err := d.R.Query(`SELECT delta, reason, actor FROM stock_movements WHERE sku_id = $1 ORDER BY id`, skuID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var delta int64
		var reason, actor string
		if err := rows.Scan(&delta, &reason, &actor); err != nil {
			t.Fatal(err)
		}
		deltas, reasons, actors = append(deltas, fmt.Sprint(delta)), append(reasons, reason), append(actors, actor)
	}
	if got := fmt.Sprintf("%v %v %s", deltas, reasons, actors[len(actors)-1]); got != "[10 5 -11] [initial stock 到货 盘点] test:operator" {
		t.Errorf("movements %s", got)
	}
	entries, _, _ := audit.List(ctx, d.R, audit.Filter{Entity: "sku", EntityID: fmt.Sprint(skuID)})
	if len(entries) != 2 || entries[0].Action != "sku.adjust_stock" || entries[0].Reason != "盘点" {
		t.Errorf("audit %+v", entries)
	}
}

func TestLowStock(t *testing.T) {
	ctx, s, _ := setup(t)
	p := mustCreate(t, ctx, s, coffee()) // 500g: 10 units, no threshold; 1kg: 0 units, threshold 5
	gone := mustCreate(t, ctx, s, catalog.ProductInput{Name: "Old", SKUs: []catalog.SKUInput{{PriceFen: 1}}})
	// Archived products are gone from sale: their empty SKUs need no restocking.
	if _, err := s.Update(ctx, gone.ID, catalog.ProductPatch{Status: ptr(catalog.Archived)}); err != nil {
		t.Fatal(err)
	}
	list := func() string {
		items, err := s.LowStock(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, it := range items {
			out = append(out, fmt.Sprintf("%s %s:%d", it.ProductName, it.Spec, it.Stock))
		}
		return strings.Join(out, ", ")
	}
	if got := list(); got != "云南小粒咖啡豆 1kg:0" {
		t.Errorf("low stock %q", got)
	}
	if _, err := s.AdjustStock(ctx, p.SKUs[1].ID, 6, "restock"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Update(ctx, p.ID, catalog.ProductPatch{ChangeSKUs: []catalog.SKUChange{{ID: p.SKUs[0].ID, LowStockThreshold: ptr[int64](10)}}}); err != nil {
		t.Fatal(err)
	}
	if got := list(); got != "云南小粒咖啡豆 500g:10" {
		t.Errorf("low stock %q", got)
	}
}

func TestItemsForSale(t *testing.T) {
	ctx, s, d := setup(t)
	in := coffee()
	in.Commission = &catalog.CommissionOverrides{L2Direct: &catalog.CommissionOverride{FixedFen: ptr[int64](0)}, L1Override: &catalog.CommissionOverride{RateBP: ptr[int64](300)}}
	p := mustCreate(t, ctx, s, in)
	other := mustCreate(t, ctx, s, catalog.ProductInput{Name: "Cup", Distributable: ptr(false), Status: catalog.OffShelf, SKUs: []catalog.SKUInput{{PriceFen: 3500}}})
	items, err := catalog.ItemsForSale(ctx, d.R, []int64{p.SKUs[1].ID, other.SKUs[0].ID, 99999, p.SKUs[1].ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 2 {
		t.Fatalf("items %+v", items)
	}
	kilo := items[p.SKUs[1].ID]
	if kilo.ProductID != p.ID || kilo.ProductName != "云南小粒咖啡豆" || kilo.Spec != "1kg" || kilo.PriceFen != 18800 ||
		!kilo.OnShelf || !kilo.Distributable || kilo.Rules.Excluded || kilo.Rules.L1Direct != nil ||
		*kilo.Rules.L2Direct != (commission.Rule{Fixed: true}) || *kilo.Rules.L1Override != (commission.Rule{BP: 300}) {
		t.Errorf("kilo %+v", kilo)
	}
	cup := items[other.SKUs[0].ID]
	if cup.OnShelf || cup.Distributable || !cup.Rules.Excluded || cup.Rules.L2Direct != nil {
		t.Errorf("cup %+v", cup)
	}
	// Inside a transaction, as an order would call it.
	err = d.InTx(ctx, func(tx *db.Tx) error {
		items, err := catalog.ItemsForSale(ctx, tx, []int64{p.SKUs[0].ID})
		if err == nil && items[p.SKUs[0].ID].PriceFen != 9990 {
			err = fmt.Errorf("items %+v", items)
		}
		return err
	})
	if err != nil {
		t.Error(err)
	}
	if items, err := catalog.ItemsForSale(ctx, d.R, nil); err != nil || len(items) != 0 {
		t.Errorf("no ids: %v %v", items, err)
	}
}
