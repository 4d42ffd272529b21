package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/fenxiao/fenxiao/internal/poster"
)

type posterIn struct {
	ID          int64  `path:"id" minimum:"1" doc:"the distributor"`
	ProductID   int64  `path:"pid" minimum:"1" doc:"the product"`
	IfNoneMatch string `header:"If-None-Match"`

	base string
}

// Resolve notes the site's public URL, which the poster's QR code links to.
func (in *posterIn) Resolve(ctx huma.Context) []error {
	r, _ := humago.Unwrap(ctx)
	in.base = requestBase(r)
	return nil
}

type posterOut struct {
	Status       int
	ContentType  string `header:"Content-Type"`
	ETag         string `header:"ETag"`
	CacheControl string `header:"Cache-Control"`
	Body         []byte
}

func (s *Server) routePosters() {
	o := op(http.MethodGet, "/distributors/{id}/products/{pid}/poster.png", "get-poster",
		"A product's share poster for a distributor (PNG, 750×1334)", "promotion", "operator")
	o.Description = "Product picture, name, price, a line of copy, the distributor's name and a QR code of the " +
		"distributor's link for the product. Cached until the product changes (ETag). " +
		"503 with code `poster_font_missing` when the server has no font that can draw the text."
	o.Errors = append(o.Errors, 404, 409, 503)
	o.Responses = map[string]*huma.Response{"200": {Description: "the poster", Content: map[string]*huma.MediaType{"image/png": {}}}}
	huma.Register(s.api, o, func(ctx context.Context, in *posterIn) (*posterOut, error) {
		if s.Posters == nil {
			return nil, newProblem(http.StatusServiceUnavailable, "posters_disabled", "posters are not configured on this server")
		}
		base := in.base
		if s.BaseURL != "" {
			base = strings.TrimRight(s.BaseURL, "/")
		}
		p, err := s.Posters.Product(ctx, base, in.ID, in.ProductID, poster.DefaultWords)
		if err != nil {
			return nil, posterFail(ctx, s, err)
		}
		out := &posterOut{Status: http.StatusOK, ContentType: "image/png", ETag: `"` + p.ETag + `"`, CacheControl: "private, max-age=300"}
		if in.IfNoneMatch == out.ETag {
			out.Status = http.StatusNotModified
			return out, nil
		}
		out.Body = p.PNG
		return out, nil
	})
}

func posterFail(ctx context.Context, s *Server, err error) error {
	if errors.Is(err, poster.ErrNoFont) {
		s.Log.ErrorContext(ctx, "poster font missing", "err", err)
		return newProblem(http.StatusServiceUnavailable, "poster_font_missing",
			"the server has no font that can draw this poster's text: install fonts-wqy-zenhei (apt-get install fonts-wqy-zenhei) or set FENXIAO_POSTER_FONT to a font with Chinese glyphs. "+
				"Details: "+err.Error())
	}
	return fail(ctx, s.Log, err)
}

// requestBase is scheme://host of r, "" when the Host header is not a plain host[:port].
func requestBase(r *http.Request) string {
	if r == nil || r.Host == "" || strings.ContainsAny(r.Host, "/\\@?#") {
		return ""
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
