package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/export"
	"github.com/fenxiao/fenxiao/internal/material"
	"github.com/fenxiao/fenxiao/internal/material/materialhttp"
)

// Marketing materials in the console: operators upload images and videos, add copy texts, tag
// them by product and campaign, and delete them.

type adminMaterialsData struct {
	Items       []material.Material
	Pager       adminPager
	Products    []catalog.Product // for the forms' product choice
	Names       map[int64]string  // product names of the tags shown
	Tagged      []material.ProductTag
	Campaigns   []string
	Kind        string
	Campaign    string
	ProductID   int64
	MaxImageMiB int64
	MaxVideoMiB int64
}

func (s *Server) adminMaterials(w http.ResponseWriter, r *http.Request) {
	s.adminMaterialsPage(w, r, http.StatusOK, &Page{})
}

func (s *Server) adminMaterialsPage(w http.ResponseWriter, r *http.Request, status int, p *Page) {
	svc := s.promo.Materials
	if svc == nil {
		s.fail(w, r, "admin", errs.E(errs.NotFound, "materials_disabled", "material storage is not configured on this server"))
		return
	}
	ctx := r.Context()
	q := r.URL.Query()
	page := adminPageParam(r)
	f := material.Filter{Kind: material.Kind(q.Get("kind")), Campaign: q.Get("campaign"), Page: page, PerPage: adminPerPage}
	f.ProductID, _ = strconv.ParseInt(q.Get("product"), 10, 64)
	if f.Kind != material.Image && f.Kind != material.Video && f.Kind != material.Text {
		f.Kind = ""
	}
	if adminWantsExport(r) {
		s.adminMaterialsExport(w, r, f)
		return
	}
	list, err := svc.List(ctx, f)
	if err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	d := adminMaterialsData{Items: list.Items, Pager: newAdminPager(r.URL, page, list.Total), Kind: string(f.Kind), Campaign: f.Campaign,
		ProductID: f.ProductID, Names: map[int64]string{}}
	d.MaxImageMiB, d.MaxVideoMiB = limitMiB(svc, material.Image), limitMiB(svc, material.Video)
	products, err := s.Catalog.List(ctx, catalog.Filter{PerPage: 100})
	if err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	d.Products = products.Items
	if d.Tagged, err = svc.Products(ctx); err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	listed := map[int64]bool{}
	for _, p := range d.Products {
		listed[p.ID] = true
	}
	for _, t := range d.Tagged { // a tagged product past the first hundred still shows as chosen
		d.Names[t.ID] = t.Name
		if !listed[t.ID] {
			d.Products = append(d.Products, catalog.Product{ID: t.ID, Name: t.Name})
		}
	}
	if d.Campaigns, err = svc.Campaigns(ctx); err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	p.Title, p.Data = "admin.nav.materials", d
	s.render(w, r, status, "admin/materials", p)
}

func limitMiB(svc *material.Service, k material.Kind) int64 {
	if k == material.Video {
		if svc.VideoBytes > 0 {
			return svc.VideoBytes >> 20
		}
		return material.MaxVideoBytes >> 20
	}
	if svc.ImageBytes > 0 {
		return svc.ImageBytes >> 20
	}
	return material.MaxImageBytes >> 20
}

// adminMaterialUpload streams the upload form's file into the material service; the body may
// be as large as the video limit (bodyLimit), and a slow phone gets time to send it.
func (s *Server) adminMaterialUpload(w http.ResponseWriter, r *http.Request) {
	if s.promo.Materials == nil {
		s.fail(w, r, "admin", errs.E(errs.NotFound, "materials_disabled", "material storage is not configured on this server"))
		return
	}
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(10 * time.Minute))
	_, err := materialhttp.Upload(r.Context(), s.promo.Materials, r)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		err = errs.Field("file", "body_too_large", "the upload is larger than %d MiB", tooBig.Limit>>20)
	}
	if err != nil {
		p := &Page{}
		if !formError(err, p) {
			s.fail(w, r, "admin", err)
			return
		}
		s.adminMaterialsPage(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	s.adminDone(w, r, "/admin/materials", "admin.mat.uploaded")
}

func (s *Server) adminMaterialText(w http.ResponseWriter, r *http.Request) {
	if s.promo.Materials == nil || r.ParseForm() != nil {
		s.fail(w, r, "admin", errs.E(errs.Invalid, "bad_form", "the form could not be read"))
		return
	}
	in := material.TextInput{Title: r.PostFormValue("title"), Body: r.PostFormValue("body"), Campaign: r.PostFormValue("campaign")}
	if id, err := strconv.ParseInt(r.PostFormValue("product_id"), 10, 64); err == nil && id > 0 {
		in.ProductID = &id
	}
	if _, err := s.promo.Materials.CreateText(r.Context(), in); err != nil {
		p := &Page{Form: r.PostForm}
		if !formError(err, p) {
			s.fail(w, r, "admin", err)
			return
		}
		// The text form's fields carry a prefix so its errors do not show on the upload form.
		p.Errors = map[string]string{"text_" + firstKey(p.Errors): p.Errors[firstKey(p.Errors)]}
		p.codes = map[string]string{"text_" + firstKey(p.codes): p.codes[firstKey(p.codes)]}
		s.adminMaterialsPage(w, r, http.StatusUnprocessableEntity, p)
		return
	}
	s.adminDone(w, r, "/admin/materials", "admin.mat.text_added")
}

func firstKey(m map[string]string) string {
	for k := range m {
		return k
	}
	return ""
}

func (s *Server) adminMaterialUpdate(w http.ResponseWriter, r *http.Request) {
	if s.promo.Materials == nil || r.ParseForm() != nil {
		s.fail(w, r, "admin", errs.E(errs.Invalid, "bad_form", "the form could not be read"))
		return
	}
	title, campaign := r.PostFormValue("title"), r.PostFormValue("campaign")
	pid, _ := strconv.ParseInt(r.PostFormValue("product_id"), 10, 64)
	patch := material.Patch{Title: &title, Campaign: &campaign, ProductID: &pid}
	if _, err := s.promo.Materials.Update(r.Context(), pathID(r), patch); err != nil {
		var de *errs.Error
		if errors.As(err, &de) && de.Kind == errs.Invalid {
			s.flash(r, de.Message)
			http.Redirect(w, r, "/admin/materials", http.StatusSeeOther)
			return
		}
		s.fail(w, r, "admin", err)
		return
	}
	s.adminDone(w, r, "/admin/materials", "admin.mat.saved")
}

func (s *Server) adminMaterialDelete(w http.ResponseWriter, r *http.Request) {
	if s.promo.Materials == nil {
		s.fail(w, r, "admin", errs.E(errs.NotFound, "materials_disabled", "material storage is not configured on this server"))
		return
	}
	if err := s.promo.Materials.Delete(r.Context(), pathID(r)); err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	s.adminDone(w, r, "/admin/materials", "admin.mat.deleted")
}

func (s *Server) adminMaterialFile(w http.ResponseWriter, r *http.Request) {
	s.materialFile(w, r, "admin")
}

// adminMaterialsExport sends the whole filtered list, a hundred rows per query.
func (s *Server) adminMaterialsExport(w http.ResponseWriter, r *http.Request, f material.Filter) {
	q := s.adminPage(w, r, "", nil)
	names := map[int64]string{}
	if tagged, err := s.promo.Materials.Products(r.Context()); err == nil {
		for _, t := range tagged {
			names[t.ID] = t.Name
		}
	}
	cols := []export.Column{{Header: "ID", Kind: export.Int}, {Header: q.T("admin.mat.kind")}, {Header: q.T("admin.mat.title_field")},
		{Header: q.T("admin.mat.product")}, {Header: q.T("admin.mat.campaign")}, {Header: q.T("admin.mat.size"), Kind: export.Int},
		{Header: q.T("admin.mat.file")}, {Header: q.T("admin.mat.body")}, {Header: q.T("admin.mat.created"), Kind: export.Time}}
	s.adminExport(w, r, "materials", q.T("admin.nav.materials"), cols, func(ctx context.Context, emit func([]any) error) error {
		f.PerPage = 100
		for f.Page = 1; ; f.Page++ {
			page, err := s.promo.Materials.List(ctx, f)
			if err != nil {
				return err
			}
			for _, m := range page.Items {
				product := ""
				if m.ProductID != nil {
					product = names[*m.ProductID]
				}
				if err := emit([]any{m.ID, q.T("admin.mat.kind." + string(m.Kind)), m.Title, product, m.Campaign,
					m.SizeBytes, m.FileName, m.Body, m.CreatedAt}); err != nil {
					return err
				}
			}
			if f.Page*f.PerPage >= page.Total {
				return nil
			}
		}
	})
}
