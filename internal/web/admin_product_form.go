package web

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/errs"
)

// The product form, for creating and editing. SKUs are numbered rows ("sku.<row>.price"); a new
// product gets blank rows to fill, an existing one its SKUs plus blank rows for new ones. Prices
// are typed in yuan and commission rates in percent; this file turns them into fen and basis
// points and leaves every rule about them to the catalog.

const adminBlankSKURows = 3

var adminCommissionRoles = []string{"l1_direct", "l2_direct", "l1_override"}

type adminSKURow struct {
	Index int
	SKU   *catalog.SKU // nil for a new row
}

type adminProductFormData struct {
	Product  *catalog.Product // nil when creating
	Rows     []adminSKURow
	Roles    []string
	Statuses []string
	CanEdit  bool
}

// adminProductValues is an existing product as form values.
func adminProductValues(p catalog.Product) url.Values {
	v := url.Values{}
	v.Set("name", p.Name)
	v.Set("description", p.Description)
	v.Set("images", strings.Join(p.Images, "\n"))
	v.Set("status", string(p.Status))
	if p.Distributable {
		v.Set("distributable", "on")
	}
	if c := p.Commission; c != nil {
		for i, o := range []*catalog.CommissionOverride{c.L1Direct, c.L2Direct, c.L1Override} {
			role := adminCommissionRoles[i]
			switch {
			case o == nil:
			case o.FixedFen != nil:
				v.Set("c."+role+".mode", "fixed")
				v.Set("c."+role+".value", adminYuanInput(*o.FixedFen))
			case o.RateBP != nil:
				v.Set("c."+role+".mode", "rate")
				v.Set("c."+role+".value", adminPercentInput(*o.RateBP))
			}
		}
	}
	for i, k := range p.SKUs {
		row := fmt.Sprintf("sku.%d.", i)
		v.Set(row+"id", adminItoa(k.ID))
		v.Set(row+"spec", k.Spec)
		v.Set(row+"price", adminYuanInput(k.PriceFen))
		v.Set(row+"low", adminItoa(k.LowStockThreshold))
		if k.SKUCode != nil {
			v.Set(row+"code", *k.SKUCode)
		}
	}
	v.Set("rows", strconv.Itoa(len(p.SKUs)+adminBlankSKURows))
	return v
}

// adminSKUForm is one SKU row as typed.
type adminSKUForm struct {
	row                           int
	id                            int64
	spec, price, code, low, stock string
	remove                        bool
}

func (f adminSKUForm) blank() bool {
	return f.id == 0 && f.spec == "" && f.price == "" && f.code == "" && f.low == "" && f.stock == ""
}

func adminSKUForms(form url.Values) []adminSKUForm {
	n := min(max(0, adminAtoi(form.Get("rows"), 0)), catalog.MaxSKUs+adminBlankSKURows)
	out := make([]adminSKUForm, n)
	for i := range out {
		row := fmt.Sprintf("sku.%d.", i)
		id, _ := strconv.ParseInt(form.Get(row+"id"), 10, 64)
		out[i] = adminSKUForm{row: i, id: id, spec: strings.TrimSpace(form.Get(row + "spec")),
			price: strings.TrimSpace(form.Get(row + "price")), code: strings.TrimSpace(form.Get(row + "code")),
			low: strings.TrimSpace(form.Get(row + "low")), stock: strings.TrimSpace(form.Get(row + "stock")),
			remove: form.Get(row+"remove") != ""}
	}
	return out
}

func adminAtoi(s string, def int) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return def
	}
	return n
}

// adminUnits reads a whole number of units; empty is 0. Whether the number is allowed is the
// catalog's to say.
func adminUnits(s, field string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(strings.TrimPrefix(s, "+"), 10, 64)
	if err != nil {
		return 0, errs.Field(field, "invalid_units", "%q is not a whole number of units", s)
	}
	return n, nil
}

// adminProductFields are the fields create and edit share; problems collects every parse error
// so the form shows them all at once.
type adminProductFields struct {
	name, description string
	images            []string
	status            catalog.Status
	distributable     bool
	commission        *catalog.CommissionOverrides // nil: the plan's rates
	problems          []error
}

func adminParseProduct(form url.Values) adminProductFields {
	f := adminProductFields{name: form.Get("name"), description: form.Get("description"),
		status: catalog.Status(form.Get("status")), distributable: form.Get("distributable") != ""}
	for _, line := range strings.Split(form.Get("images"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			f.images = append(f.images, line)
		}
	}
	c := &catalog.CommissionOverrides{}
	for _, role := range adminCommissionRoles {
		field, value := "c."+role, form.Get("c."+role+".value")
		var o *catalog.CommissionOverride
		switch form.Get(field + ".mode") {
		case "":
			continue
		case "rate":
			bp, err := adminParsePercent(value)
			if err != nil {
				f.problems = append(f.problems, adminInField(err, field))
				continue
			}
			o = &catalog.CommissionOverride{RateBP: &bp}
		case "fixed":
			fen, err := parseYuan(value)
			if err != nil {
				f.problems = append(f.problems, adminInField(err, field))
				continue
			}
			o = &catalog.CommissionOverride{FixedFen: &fen}
		default:
			f.problems = append(f.problems, errs.Field(field, "invalid_commission", "choose the plan's rate, a rate or a fixed amount"))
			continue
		}
		switch role {
		case "l1_direct":
			c.L1Direct = o
		case "l2_direct":
			c.L2Direct = o
		case "l1_override":
			c.L1Override = o
		}
	}
	if c.L1Direct != nil || c.L2Direct != nil || c.L1Override != nil {
		f.commission = c
	}
	return f
}

// adminSKUInput parses a row into what the catalog takes.
func (f *adminProductFields) adminSKUInput(k adminSKUForm) catalog.SKUInput {
	in := catalog.SKUInput{SKUCode: k.code, Spec: k.spec}
	var err error
	prefix := fmt.Sprintf("sku.%d.", k.row)
	if in.PriceFen, err = parseYuan(k.price); err != nil {
		f.problems = append(f.problems, adminInField(err, prefix+"price"))
	}
	if in.Stock, err = adminUnits(k.stock, prefix+"stock"); err != nil {
		f.problems = append(f.problems, err)
	}
	if in.LowStockThreshold, err = adminUnits(k.low, prefix+"low"); err != nil {
		f.problems = append(f.problems, err)
	}
	return in
}

// adminSKUFields maps the catalog's field names to the form's: "skus[2].price_fen" is the price
// of the row that was the request's third SKU. rows names the form row of each index of each list.
type adminSKUFields map[string][]int

var (
	adminSKUFieldRE        = regexp.MustCompile(`^(skus|add_skus|change_skus|remove_skus)\[(\d+)\](?:\.(\w+))?$`)
	adminCommissionFieldRE = regexp.MustCompile(`^commission\.(l1_direct|l2_direct|l1_override)`)
	adminSKUSuffix         = map[string]string{"price_fen": ".price", "sku_code": ".code", "spec": ".spec",
		"stock": ".stock", "low_stock_threshold": ".low", "id": ""}
)

func (rows adminSKUFields) field(f string) string {
	if m := adminSKUFieldRE.FindStringSubmatch(f); m != nil {
		i, _ := strconv.Atoi(m[2])
		list := rows[m[1]]
		if i >= len(list) {
			return "skus"
		}
		if m[1] == "remove_skus" {
			return fmt.Sprintf("sku.%d.remove", list[i])
		}
		return fmt.Sprintf("sku.%d", list[i]) + adminSKUSuffix[m[3]]
	}
	if m := adminCommissionFieldRE.FindStringSubmatch(f); m != nil {
		return "c." + m[1]
	}
	if strings.HasPrefix(f, "images") {
		return "images"
	}
	switch f {
	case "remove_skus", "add_skus", "change_skus":
		return "skus"
	case "":
		return "_"
	}
	return f
}
