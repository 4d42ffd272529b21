package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fenxiao/fenxiao/internal/catalog"
)

// productForm is a valid new-product form with three SKU rows; edit changes it.
func productForm(edit func(url.Values)) url.Values {
	v := url.Values{"name": {"龙井茶"}, "description": {"明前"}, "images": {"https://img.example.com/a.jpg"}, "status": {"on_shelf"},
		"distributable": {"on"}, "rows": {"3"}, "sku.0.spec": {"250g"}, "sku.0.price": {"12.30"}, "sku.0.stock": {"5"}}
	if edit != nil {
		edit(v)
	}
	return v
}

func TestAdminProductCreateRefusesBadInput(t *testing.T) {
	e := newAdminEnv(t)
	cases := []struct {
		name  string
		edit  func(url.Values)
		field string // the input the message must follow
		msg   string
		kept  string // a typed value the refused form shows again
	}{
		{"empty name", func(v url.Values) { v.Set("name", "  ") }, "name", "请填写名称", `value="12.30"`},
		{"price abc", func(v url.Values) { v.Set("sku.0.price", "abc") }, "sku.0.price", "金额格式不正确", `value="abc"`},
		{"price 1.234", func(v url.Values) { v.Set("sku.0.price", "1.234") }, "sku.0.price", "金额最多两位小数", `value="1.234"`},
		{"negative price", func(v url.Values) { v.Set("sku.0.price", "-1") }, "sku.0.price", "金额不能为负数", `value="-1"`},
		{"zero price", func(v url.Values) { v.Set("sku.0.price", "0") }, "sku.0.price", "价格须在 0.01 元到 1 亿元之间", `value="龙井茶"`},
		{"missing price on a second row", func(v url.Values) { v.Set("sku.2.spec", "500g") }, "sku.2.price", "请填写金额", `value="500g"`},
		{"stock not a number", func(v url.Values) { v.Set("sku.0.stock", "many") }, "sku.0.stock", "请填写整数件数", `value="many"`},
		{"same spec twice", func(v url.Values) { v.Set("sku.1.spec", "250g"); v.Set("sku.1.price", "20") }, "sku.1.spec", "两个规格名称相同", `value="20"`},
		{"rate with 3 decimals", func(v url.Values) { v.Set("c.l1_direct.mode", "rate"); v.Set("c.l1_direct.value", "12.345") },
			"c.l1_direct.value", "比例最多两位小数", `value="12.345"`},
		{"rate over 100%", func(v url.Values) { v.Set("c.l2_direct.mode", "rate"); v.Set("c.l2_direct.value", "101") },
			"c.l2_direct.value", "佣金设置不正确", `value="101"`},
		{"script URL as image", func(v url.Values) { v.Set("images", "javascript:alert(1)") }, "images", "图片须为 http(s) 网址", "javascript:alert(1)"},
		{"markup in name kept as text", func(v url.Values) { v.Set("name", "<b>茶</b>"); v.Set("sku.0.price", "x") },
			"sku.0.price", "金额格式不正确", `value="&lt;b&gt;茶&lt;/b&gt;"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := e.post("operator", "/admin/products", productForm(c.edit)).must(t, http.StatusUnprocessableEntity)
			res.near(t, c.field, c.msg)
			if !strings.Contains(res.Body, c.kept) {
				t.Fatalf("typed %s not kept", c.kept)
			}
			if strings.Contains(res.Body, "<b>茶</b>") {
				t.Fatal("typed markup rendered as markup")
			}
		})
	}
	// Several parse problems are shown at once.
	res := e.post("operator", "/admin/products", productForm(func(v url.Values) {
		v.Set("sku.0.price", "abc")
		v.Set("sku.1.spec", "1kg")
		v.Set("sku.1.price", "1.234")
	})).must(t, http.StatusUnprocessableEntity)
	res.near(t, "sku.0.price", "金额格式不正确")
	res.near(t, "sku.1.price", "金额最多两位小数")
	if n := e.count(`SELECT count(*) FROM products`); n != 0 {
		t.Fatalf("%d products created by refused forms", n)
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE entity = 'product'`); n != 0 {
		t.Fatalf("%d audit entries from refused forms", n)
	}
}

func TestAdminProductCreateAndEdit(t *testing.T) {
	e := newAdminEnv(t)
	res := e.post("operator", "/admin/products", productForm(func(v url.Values) {
		v.Set("sku.2.spec", "1kg") // row 1 stays blank and is skipped
		v.Set("sku.2.price", "1,000.5")
		v.Set("sku.2.code", "LJ-1KG")
		v.Set("sku.2.low", "3")
		v.Set("c.l1_direct.mode", "rate")
		v.Set("c.l1_direct.value", "12.5")
		v.Set("c.l2_direct.mode", "fixed")
		v.Set("c.l2_direct.value", "1.5")
	})).must(t, http.StatusSeeOther)
	var id int64
	if _, err := fmt.Sscanf(res.Location, "/admin/products/%d", &id); err != nil {
		t.Fatalf("redirect to %q", res.Location)
	}
	p, err := e.S.Catalog.Get(e.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.SKUs) != 2 || p.SKUs[0].PriceFen != 1230 || p.SKUs[0].Stock != 5 || p.SKUs[1].PriceFen != 100050 ||
		p.SKUs[1].Spec != "1kg" || *p.SKUs[1].SKUCode != "LJ-1KG" || p.SKUs[1].LowStockThreshold != 3 {
		t.Fatalf("created SKUs %+v", p.SKUs)
	}
	c := p.Commission
	if c == nil || *c.L1Direct.RateBP != 1250 || *c.L2Direct.FixedFen != 150 || c.L1Override != nil || !p.Distributable {
		t.Fatalf("commission %+v", c)
	}
	// The edit form shows the stored values in yuan and percent.
	page := e.get("operator", res.Location).must(t, http.StatusOK).Body
	for _, want := range []string{`value="12.30"`, `value="1000.50"`, `value="12.50"`, `value="1.50"`, `value="LJ-1KG"`} {
		if !strings.Contains(page, want) {
			t.Fatalf("edit form lacks %s", want)
		}
	}
	// A bad edit changes nothing.
	form := adminProductValues(p)
	form.Set("sku.0.price", "9.999")
	form.Set("name", "改名")
	e.post("operator", res.Location, form).must(t, http.StatusUnprocessableEntity).near(t, "sku.0.price", "金额最多两位小数")
	if q, _ := e.S.Catalog.Get(e.ctx, id); q.Name != "龙井茶" || q.SKUs[0].PriceFen != 1230 {
		t.Fatalf("refused edit changed the product: %q %d", q.Name, q.SKUs[0].PriceFen)
	}
	// A good edit: new price, a SKU removed, one added, commission back to the plan, off shelf.
	form = adminProductValues(p)
	form.Set("sku.0.price", "15")
	form.Set("sku.1.remove", "1")
	form.Set("sku.2.spec", "50g")
	form.Set("sku.2.price", "0.29")
	form.Set("c.l1_direct.mode", "")
	form.Set("c.l2_direct.mode", "")
	form.Set("status", "off_shelf")
	form.Del("distributable")
	e.post("operator", res.Location, form).must(t, http.StatusSeeOther)
	q, _ := e.S.Catalog.Get(e.ctx, id)
	if len(q.SKUs) != 2 || q.SKUs[0].PriceFen != 1500 || q.SKUs[1].Spec != "50g" || q.SKUs[1].PriceFen != 29 ||
		q.Commission != nil || q.Status != catalog.OffShelf || q.Distributable {
		t.Fatalf("after edit: %+v", q)
	}
}

func TestAdminStockAndMarks(t *testing.T) {
	e := newAdminEnv(t)
	p := e.product("白茶", 9900, 2)
	empty := e.product("红茶", 5000, 0)
	path := fmt.Sprintf("/admin/products/%d/stock", p.ID)
	sku := fmt.Sprint(p.SKUs[0].ID)
	res := e.post("operator", path, url.Values{"sku_id": {sku}, "delta": {"-5"}, "reason": {"破损"}}).must(t, http.StatusUnprocessableEntity)
	res.inForm(t, path, "可售库存不足")
	if !strings.Contains(res.Body, `value="-5"`) {
		t.Fatal("typed delta not kept")
	}
	res = e.post("operator", path, url.Values{"sku_id": {sku}, "delta": {"+5"}, "reason": {""}}).must(t, http.StatusUnprocessableEntity)
	res.inForm(t, path, "请填写原因")
	e.post("operator", path, url.Values{"sku_id": {sku}, "delta": {"+5"}, "reason": {"盘点"}}).must(t, http.StatusSeeOther)
	if q, _ := e.S.Catalog.Get(e.ctx, p.ID); q.SKUs[0].Stock != 7 {
		t.Fatalf("stock %d, want 7", q.SKUs[0].Stock)
	}
	// A SKU of another product is not this product's to adjust.
	e.post("operator", path, url.Values{"sku_id": {fmt.Sprint(empty.SKUs[0].ID)}, "delta": {"1"}, "reason": {"x"}}).must(t, http.StatusNotFound)

	list := e.get("finance", "/admin/products").must(t, http.StatusOK).Body
	row := list[strings.Index(list, ">红茶<"):]
	if !strings.Contains(row[:strings.Index(row, "</tr>")], "售罄") {
		t.Fatal("sold-out product not marked")
	}
	if !strings.Contains(e.get("finance", "/admin/products/low-stock").Body, ">红茶<") {
		t.Fatal("low-stock list lacks the sold-out product")
	}
	csvBody := e.get("finance", "/admin/products?format=csv").Body
	if !strings.HasPrefix(csvBody, "\xEF\xBB\xBFID,") || !strings.Contains(csvBody, "白茶,在售,true,1,99.00,99.00,7,0,0,0") {
		t.Fatalf("products csv:\n%s", csvBody)
	}
	// Finance reads the product page without a way to save.
	page := e.get("finance", fmt.Sprintf("/admin/products/%d", p.ID)).Body
	if !strings.Contains(page, "<fieldset disabled>") || strings.Contains(page, "/stock\"") {
		t.Fatal("finance sees product controls")
	}
}
