package web

import (
	"net/http"

	"github.com/fenxiao/fenxiao/internal/material"
	"github.com/fenxiao/fenxiao/internal/poster"
)

// Promotion is what the portal's posters and the materials pages use.
type Promotion struct {
	Posters   *poster.Service
	Materials *material.Service
	// Links gives the URL that credits a distributor for a product (0: the shop); nil: the
	// shop's own ?ref= links (poster.RefLinks). Tracked /r/ links plug in here.
	Links poster.LinkFor
}

// UsePromotion turns on posters and materials; call it before serving.
func (s *Server) UsePromotion(p Promotion) {
	if p.Links == nil {
		p.Links = poster.RefLinks(s.Network)
	}
	s.promo = p
}

// siteBase is the public scheme://host links are built on: the configured base URL, else the
// request's, as the portal's other links are.
func (s *Server) siteBase(r *http.Request) string {
	if cfg, err := s.shopConfig(r.Context()); err == nil && cfg.BaseURL != "" {
		if b, ok := baseURL(cfg, r); ok {
			return b
		}
	}
	return s.portalURL(r, "")
}

// bodyLimit is how large a request body may be: 1 MiB for every form, more for the console's
// upload of a material (its own size checks apply while it streams).
func (s *Server) bodyLimit(r *http.Request) int64 {
	if r.Method == http.MethodPost && r.URL.Path == "/admin/materials" && s.promo.Materials != nil {
		return s.promo.Materials.MaxUpload() + 1<<20
	}
	return 1 << 20
}
