package web

import (
	"cmp"
	"net/http"
	"slices"

	"github.com/fenxiao/fenxiao/internal/link"
)

// adminTop is how many rows each "top" table of the promotion page shows.
const adminTop = 10

type adminPromoRow struct {
	Name, Sub  string
	Figures    link.Figures
	Conversion string
}

// adminPromoTable is one "top" table; P lets the shared template translate.
type adminPromoTable struct {
	P    *Page
	Head string
	Rows []adminPromoRow
}

type adminPromotionData struct {
	From, To       string // merchant-zone dates, to inclusive
	Total          link.Figures
	Conv           string
	TopLinks       adminPromoTable
	TopProducts    adminPromoTable // by clicks
	BestConverting adminPromoTable // products by conversion, among those with visitors
	Signals        link.Signals
	BurstClicks    int
	BurstMinutes   int
	WindowDays     int
}

// adminPromotion is the console's promotion page: the period's figures, the top links and
// products, and the fraud signals (self-referral orders, bursts of clicks, orders with no click).
func (s *Server) adminPromotion(w http.ResponseWriter, r *http.Request) {
	links := s.links.Load()
	if links == nil {
		http.NotFound(w, r)
		return
	}
	ctx := r.Context()
	from, to := linkPeriod(r, s.DB.Now())
	st, err := links.Stats(ctx, link.Filter{From: from, To: to})
	if err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	sg, err := links.Signals(ctx, from, to)
	if err != nil {
		s.fail(w, r, "admin", err)
		return
	}
	p := &Page{Title: "admin.promo.title"}
	d := adminPromotionData{From: from.In(Zone).Format("2006-01-02"), To: to.AddDate(0, 0, -1).In(Zone).Format("2006-01-02"),
		Total: st.Total, Conv: percent(st.Total.Conversion), Signals: sg,
		TopLinks: adminPromoTable{P: p, Head: "admin.promo.link"}, TopProducts: adminPromoTable{P: p, Head: "admin.promo.product"},
		BestConverting: adminPromoTable{P: p, Head: "admin.promo.product"},
		BurstClicks:    link.BurstClicks, BurstMinutes: int(link.BurstWindow.Minutes()), WindowDays: int(link.AttributionWindow.Hours() / 24)}
	for _, l := range st.Links[:min(adminTop, len(st.Links))] {
		name := l.ProductName
		if name == "" {
			name = string(l.Kind)
		}
		d.TopLinks.Rows = append(d.TopLinks.Rows, adminPromoRow{Name: l.Code + " · " + name, Sub: l.DistributorName + " (" + l.DistributorCode + ")",
			Figures: l.Figures, Conversion: percent(l.Conversion)})
	}
	for _, p := range st.Products[:min(adminTop, len(st.Products))] {
		d.TopProducts.Rows = append(d.TopProducts.Rows, adminPromoRow{Name: p.Name, Figures: p.Figures, Conversion: percent(p.Conversion)})
	}
	conv := slices.Clone(st.Products)
	conv = slices.DeleteFunc(conv, func(p link.ProductRow) bool { return p.Visitors == 0 })
	slices.SortStableFunc(conv, func(a, b link.ProductRow) int {
		return cmp.Or(cmp.Compare(b.Conversion, a.Conversion), cmp.Compare(b.Visitors, a.Visitors))
	})
	for _, p := range conv[:min(adminTop, len(conv))] {
		d.BestConverting.Rows = append(d.BestConverting.Rows, adminPromoRow{Name: p.Name, Figures: p.Figures, Conversion: percent(p.Conversion)})
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "admin/promotion", p)
}
