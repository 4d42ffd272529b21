package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/errs"
)

// The product pages: new, create, edit, update and stock adjustment. Parsing the form is in
// admin_product_form.go; the catalog checks and stores.

func (s *Server) adminProductNew(w http.ResponseWriter, r *http.Request) {
	form := url.Values{"status": {"on_shelf"}, "distributable": {"on"}, "rows": {strconv.Itoa(adminBlankSKURows)}}
	s.adminProductPage(w, r, http.StatusOK, &Page{Form: form}, nil)
}

func (s *Server) adminProductCreate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	f := adminParseProduct(r.PostForm)
	in := catalog.ProductInput{Name: f.name, Description: f.description, Images: f.images, Status: f.status,
		Distributable: &f.distributable, Commission: f.commission}
	rows := adminSKUFields{}
	for _, k := range adminSKUForms(r.PostForm) {
		if k.blank() {
			continue
		}
		in.SKUs = append(in.SKUs, f.adminSKUInput(k))
		rows["skus"] = append(rows["skus"], k.row)
	}
	p := &Page{Form: r.PostForm}
	if len(f.problems) > 0 {
		for _, e := range f.problems {
			formError(e, p)
		}
		s.adminProductPage(w, r, http.StatusUnprocessableEntity, p, nil)
		return
	}
	prod, err := s.Catalog.Create(r.Context(), in)
	if err != nil {
		if !adminFormError(err, p, rows.field) {
			s.fail(w, r, "admin", err)
			return
		}
		s.adminProductPage(w, r, http.StatusUnprocessableEntity, p, nil)
		return
	}
	s.adminDone(w, r, fmt.Sprintf("/admin/products/%d", prod.ID), "admin.p.created", "Name", prod.Name)
}

func (s *Server) adminProduct(w http.ResponseWriter, r *http.Request) {
	prod, err := s.Catalog.Get(r.Context(), pathID(r))
	if err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	s.adminProductPage(w, r, http.StatusOK, &Page{Form: adminProductValues(prod)}, &prod)
}

func (s *Server) adminProductUpdate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	prod, err := s.Catalog.Get(r.Context(), pathID(r))
	if err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	f := adminParseProduct(r.PostForm)
	commission := f.commission
	if commission == nil {
		commission = &catalog.CommissionOverrides{} // back to the plan's rates
	}
	patch := catalog.ProductPatch{Name: &f.name, Description: &f.description, Images: &f.images, Status: &f.status,
		Distributable: &f.distributable, Commission: commission}
	if f.images == nil {
		patch.Images = &[]string{}
	}
	rows := adminSKUFields{}
	var kept, added []int // rows in the order the catalog lists the product's SKUs when checking specs
	for _, k := range adminSKUForms(r.PostForm) {
		switch {
		case k.id != 0 && k.remove:
			patch.RemoveSKUs = append(patch.RemoveSKUs, k.id)
			rows["remove_skus"] = append(rows["remove_skus"], k.row)
		case k.id != 0:
			in := f.adminSKUInput(k)
			code, spec, price, low := in.SKUCode, in.Spec, in.PriceFen, in.LowStockThreshold
			patch.ChangeSKUs = append(patch.ChangeSKUs, catalog.SKUChange{ID: k.id, SKUCode: &code, Spec: &spec, PriceFen: &price, LowStockThreshold: &low})
			rows["change_skus"] = append(rows["change_skus"], k.row)
			kept = append(kept, k.row)
		case !k.blank():
			patch.AddSKUs = append(patch.AddSKUs, f.adminSKUInput(k))
			rows["add_skus"] = append(rows["add_skus"], k.row)
			added = append(added, k.row)
		}
	}
	rows["skus"] = append(kept, added...)
	p := &Page{Form: r.PostForm}
	if len(f.problems) > 0 {
		for _, e := range f.problems {
			formError(e, p)
		}
		s.adminProductPage(w, r, http.StatusUnprocessableEntity, p, &prod)
		return
	}
	updated, err := s.Catalog.Update(r.Context(), prod.ID, patch)
	if err != nil {
		if !adminFormError(err, p, rows.field) {
			s.fail(w, r, "admin", err)
			return
		}
		s.adminProductPage(w, r, http.StatusUnprocessableEntity, p, &prod)
		return
	}
	s.adminDone(w, r, fmt.Sprintf("/admin/products/%d", prod.ID), "admin.p.saved", "Name", updated.Name)
}

// adminStock adjusts one SKU's stock with a reason; the catalog records the movement and audits it.
func (s *Server) adminStock(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	prod, err := s.Catalog.Get(r.Context(), pathID(r))
	if err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	skuID, _ := strconv.ParseInt(r.PostFormValue("sku_id"), 10, 64)
	var sku *catalog.SKU
	for i := range prod.SKUs {
		if prod.SKUs[i].ID == skuID {
			sku = &prod.SKUs[i]
		}
	}
	if sku == nil {
		s.fail(w, r, "admin", errs.E(errs.NotFound, "sku_not_found", "SKU %d is not a SKU of this product", skuID))
		return
	}
	prefix := fmt.Sprintf("stock.%d", skuID)
	delta, err := adminUnits(strings.TrimSpace(r.PostFormValue("delta")), "delta")
	if err == nil {
		_, err = s.Catalog.AdjustStock(r.Context(), skuID, delta, r.PostFormValue("reason"))
	}
	if err != nil {
		p := &Page{Form: adminProductValues(prod)}
		p.Form.Set(prefix+".delta", r.PostFormValue("delta"))
		p.Form.Set(prefix+".reason", r.PostFormValue("reason"))
		if !adminFormError(err, p, func(f string) string {
			if f == "" {
				return prefix
			}
			return prefix + "." + f
		}) {
			s.fail(w, r, "admin", err)
			return
		}
		s.adminProductPage(w, r, http.StatusUnprocessableEntity, p, &prod)
		return
	}
	s.adminDone(w, r, fmt.Sprintf("/admin/products/%d", prod.ID), "admin.p.stock_adjusted")
}

// adminProductPage renders the form for p.Form, with prod's SKUs for an existing product.
func (s *Server) adminProductPage(w http.ResponseWriter, r *http.Request, status int, p *Page, prod *catalog.Product) {
	d := adminProductFormData{Product: prod, Roles: adminCommissionRoles, Statuses: []string{"on_shelf", "off_shelf"}}
	if st := staffFrom(r); st != nil {
		d.CanEdit = st.Role == "owner" || st.Role == "operator"
	}
	title := "admin.p.new"
	if prod != nil {
		title = "admin.p.edit"
		d.Statuses = append(d.Statuses, "archived")
	}
	for _, k := range adminSKUForms(p.Form) {
		row := adminSKURow{Index: k.row}
		if prod != nil {
			for i := range prod.SKUs {
				if prod.SKUs[i].ID == k.id {
					row.SKU = &prod.SKUs[i]
				}
			}
		}
		d.Rows = append(d.Rows, row)
	}
	p.Title, p.Data = title, d
	s.render(w, r, status, "admin/product", p)
}
