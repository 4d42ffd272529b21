package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/material"
	"github.com/fenxiao/fenxiao/internal/material/materialhttp"
	"github.com/fenxiao/fenxiao/internal/poster"
)

// The distributor's promotion tools: a poster per product, and the merchant's materials to
// download or copy with the distributor's own link appended.

// portalPoster answers the signed-in distributor's poster for a product as a PNG to long-press
// and save. Without a CJK font on the server it says so rather than draw boxes.
func (s *Server) portalPoster(w http.ResponseWriter, r *http.Request) {
	if s.promo.Posters == nil {
		s.portalFail(w, r, errs.E(errs.NotFound, "posters_disabled", "posters are not available"))
		return
	}
	d := DistributorFrom(r)
	pid, _ := strconv.ParseInt(r.PathValue("pid"), 10, 64)
	t := func(id string) string { return s.portalT(w, r, id) }
	words := poster.Words{ByLine: t("m.poster.by"), Hint: t("m.poster.hint"),
		Copy: t("m.poster.copy"), From: t("m.poster.from")}
	p, err := s.promo.Posters.Product(r.Context(), s.siteBase(r), d.ID, pid, words)
	if errors.Is(err, poster.ErrNoFont) {
		s.Log.ErrorContext(r.Context(), "poster font missing", "err", err)
		s.render(w, r, http.StatusServiceUnavailable, "m/error", &Page{Title: "error.title",
			Data: map[string]any{"Status": http.StatusServiceUnavailable, "Message": t("m.poster.font_missing")}})
		return
	}
	if err != nil {
		s.portalFail(w, r, err)
		return
	}
	etag := `"` + p.ETag + `"`
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", "private, max-age=300")
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", "image/png")
	h.Set("Content-Disposition", fmt.Sprintf(`inline; filename="poster-%d.png"`, pid))
	h.Set("Content-Length", strconv.Itoa(len(p.PNG)))
	_, _ = w.Write(p.PNG)
}

type portalMaterial struct {
	material.Material
	Share string // a text's copy with the distributor's link appended
}

type portalMaterialsData struct {
	Items     []portalMaterial
	Pager     portalPager
	Products  []material.ProductTag
	Campaigns []string
	Kind      string
	Campaign  string
	ProductID int64
}

// portalMaterials lists the merchant's materials, filtered by kind, product and campaign.
func (s *Server) portalMaterials(w http.ResponseWriter, r *http.Request) {
	if s.promo.Materials == nil {
		s.portalFail(w, r, errs.E(errs.NotFound, "materials_disabled", "materials are not available"))
		return
	}
	ctx, d := r.Context(), DistributorFrom(r)
	f := material.Filter{Kind: material.Kind(r.FormValue("kind")), Campaign: r.FormValue("campaign"), Page: portalPage(r), PerPage: portalPerPage}
	f.ProductID, _ = strconv.ParseInt(r.FormValue("product"), 10, 64)
	if f.Kind != material.Image && f.Kind != material.Video && f.Kind != material.Text {
		f.Kind = ""
	}
	list, err := s.promo.Materials.List(ctx, f)
	if err != nil {
		s.portalFail(w, r, err)
		return
	}
	data := portalMaterialsData{Pager: portalPagerFor(r, f.Page, list.Total), Kind: string(f.Kind), Campaign: f.Campaign, ProductID: f.ProductID}
	if data.Products, err = s.promo.Materials.Products(ctx); err != nil {
		s.portalFail(w, r, err)
		return
	}
	if data.Campaigns, err = s.promo.Materials.Campaigns(ctx); err != nil {
		s.portalFail(w, r, err)
		return
	}
	base, links := s.siteBase(r), map[int64]string{}
	for _, m := range list.Items {
		it := portalMaterial{Material: m}
		if m.Kind == material.Text {
			var pid int64
			if m.ProductID != nil {
				pid = *m.ProductID
			}
			link, ok := links[pid]
			if !ok {
				if link, err = s.promo.Links(ctx, base, d.ID, pid); err != nil {
					s.portalFail(w, r, err)
					return
				}
				links[pid] = link
			}
			it.Share = m.Body + "\n" + link
		}
		data.Items = append(data.Items, it)
	}
	s.portalRender(w, r, http.StatusOK, "m/materials", &Page{Title: "m.materials.title", Data: data})
}

// portalMaterialFile sends a material's file; ?inline=1 shows it in the page instead.
func (s *Server) portalMaterialFile(w http.ResponseWriter, r *http.Request) {
	s.materialFile(w, r, "m")
}

func (s *Server) materialFile(w http.ResponseWriter, r *http.Request, surface string) {
	if s.promo.Materials == nil {
		s.fail(w, r, surface, errs.E(errs.NotFound, "materials_disabled", "materials are not available"))
		return
	}
	m, err := s.promo.Materials.Get(r.Context(), pathID(r))
	if err != nil {
		s.fail(w, r, surface, err)
		return
	}
	f, err := s.promo.Materials.Open(r.Context(), m)
	if err != nil {
		s.fail(w, r, surface, err)
		return
	}
	defer f.Close()
	materialhttp.Serve(w, r, m, f, r.FormValue("inline") == "1")
}
