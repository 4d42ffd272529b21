package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/link"
)

// linkDays is the period the link pages show figures for.
const linkDays = 30

type portalLinkRow struct {
	link.Link
	ProductName string
	URL         string
	Figures     link.Figures
	Conversion  string
}

type portalLinksData struct {
	Links []portalLinkRow
	Total link.Figures
	Conv  string
	Days  int
}

// portalLinks is "my links": the shop link, the invite link (level 1) and a link per product open
// to distribution, each with a copy button, its QR code and its figures of the last 30 days.
func (s *Server) portalLinks(w http.ResponseWriter, r *http.Request) {
	links := s.links.Load()
	if links == nil {
		http.NotFound(w, r)
		return
	}
	d := DistributorFrom(r)
	ctx := r.Context()
	yes := true
	products, err := s.Catalog.List(ctx, catalog.Filter{Status: catalog.OnShelf, Distributable: &yes, PerPage: 50})
	if err != nil {
		s.portalFail(w, r, err)
		return
	}
	names := map[int64]string{}
	for _, p := range products.Items {
		if _, err := links.ForProduct(ctx, d.ID, p.ID); err != nil {
			s.portalFail(w, r, err)
			return
		}
		names[p.ID] = p.Name
	}
	all, err := links.List(ctx, d.ID)
	if err != nil {
		s.portalFail(w, r, err)
		return
	}
	to := s.DB.Now()
	st, err := links.Stats(ctx, link.Filter{DistributorID: d.ID, From: to.AddDate(0, 0, -linkDays), To: to})
	if err != nil {
		s.portalFail(w, r, err)
		return
	}
	byID := map[int64]link.Figures{}
	for _, l := range st.Links {
		byID[l.LinkID] = l.Figures
	}
	data := portalLinksData{Total: st.Total, Conv: percent(st.Total.Conversion), Days: linkDays}
	for _, l := range all {
		if l.Kind == link.Product {
			if _, open := names[*l.ProductID]; !open {
				continue // off the shelf or no longer distributed
			}
		}
		f := byID[l.ID]
		row := portalLinkRow{Link: l, URL: s.portalURL(r, l.Path()), Figures: f, Conversion: percent(f.Conversion)}
		if l.ProductID != nil {
			row.ProductName = names[*l.ProductID]
		}
		data.Links = append(data.Links, row)
	}
	s.portalRender(w, r, http.StatusOK, "m/links", &Page{Title: "m.links.title", Data: data})
}

// portalLinkQR serves the QR code of one of the signed-in distributor's own links.
func (s *Server) portalLinkQR(w http.ResponseWriter, r *http.Request) {
	links := s.links.Load()
	if links == nil {
		http.NotFound(w, r)
		return
	}
	l, err := links.ByCode(r.Context(), strings.ToUpper(r.PathValue("code")))
	if err == nil && l.DistributorID != DistributorFrom(r).ID {
		err = errs.E(errs.NotFound, "link_not_found", "no link of yours has the code %q", r.PathValue("code"))
	}
	if err != nil {
		s.portalFail(w, r, err)
		return
	}
	url := s.portalURL(r, l.Path())
	var img []byte
	ctype := "image/png"
	if strings.HasSuffix(r.URL.Path, ".svg") {
		ctype = "image/svg+xml"
		img, err = link.QRSVG(url)
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.svg"`, l.Code))
	} else {
		img, err = link.QRPNG(url, intParam(r, "size", link.DefaultQRSize))
	}
	if err != nil {
		s.portalFail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "private, max-age=3600")
	w.Write(img)
}

// percent shows a ratio as a percentage with one decimal.
func percent(r float64) string { return fmt.Sprintf("%.1f%%", r*100) }

// linkPeriod reads ?from=&to= (merchant-zone dates, to inclusive) or the last linkDays days.
func linkPeriod(r *http.Request, now time.Time) (from, to time.Time) {
	to = adminDayStart(now).AddDate(0, 0, 1)
	if t, ok := adminDay(r, "to"); ok {
		to = t.AddDate(0, 0, 1)
	}
	from = to.AddDate(0, 0, -linkDays)
	if t, ok := adminDay(r, "from"); ok && t.Before(to) {
		from = t
	}
	return from, to
}
