package httpapi

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/fenxiao/fenxiao/internal/link"
)

// linkOut is a link with its full URL on this shop.
type linkOut struct {
	link.Link
	URL string `json:"url" doc:"the link to share: the shop's base URL + /r/{code}"`
}

type linksOut struct {
	Body []linkOut `nullable:"false"`
}

type statsIn struct {
	DistributorID int64  `query:"distributor_id" minimum:"0"`
	ProductID     int64  `query:"product_id" minimum:"0"`
	From          string `query:"from" doc:"RFC 3339 time or YYYY-MM-DD; default: 30 days before to"`
	To            string `query:"to" doc:"exclusive; RFC 3339 time or YYYY-MM-DD; default: now"`
}

type statsOut struct{ Body link.Stats }

type signalsOut struct{ Body link.Signals }

type qrIn struct {
	Code string `path:"code" maxLength:"32"`
	Size int    `query:"size" minimum:"0" maximum:"1024" doc:"pixels, 128–1024; default 256"`
}

type imageOut struct {
	ContentType  string `header:"Content-Type"`
	CacheControl string `header:"Cache-Control"`
	Body         []byte
}

type baseKey struct{}

// withBase remembers the request's scheme://host for operations that build absolute link URLs,
// unless a base URL is configured.
func (s *Server) withBase(ctx huma.Context, next func(huma.Context)) {
	base := s.BaseURL
	if base == "" {
		scheme := "http"
		if ctx.TLS() != nil {
			scheme = "https"
		}
		// A Host that is not a plain host[:port] is refused rather than put into a QR code.
		if u, err := url.Parse(scheme + "://" + ctx.Host()); err == nil && u.Host == ctx.Host() && u.Path == "" && u.User == nil {
			base = scheme + "://" + ctx.Host()
		}
	}
	next(huma.WithValue(ctx, baseKey{}, strings.TrimRight(base, "/")))
}

func baseFrom(ctx context.Context) string {
	b, _ := ctx.Value(baseKey{}).(string)
	return b
}

func (s *Server) routeLinks() {
	ops := []string{"operator"}
	withBase := func(o huma.Operation) huma.Operation {
		o.Middlewares = huma.Middlewares{s.withBase}
		return o
	}
	list := withBase(op(http.MethodGet, "/distributors/{id}/links", "list-distributor-links",
		"A distributor's tracked links: shop, invite (level 1) and the product links made so far", "links", ops...))
	list.Errors = append(list.Errors, 404, 409)
	huma.Register(s.api, list, func(ctx context.Context, in *idIn) (*linksOut, error) {
		ls, err := s.Links.List(ctx, in.ID)
		if err != nil {
			return nil, fail(ctx, s.Log, err)
		}
		out := &linksOut{Body: make([]linkOut, 0, len(ls))}
		for _, l := range ls {
			out.Body = append(out.Body, linkOut{Link: l, URL: l.URL(baseFrom(ctx))})
		}
		return out, nil
	})
	product := withBase(op(http.MethodGet, "/distributors/{id}/products/{pid}/link", "get-product-link",
		"A distributor's link to one product, made on first ask", "links", ops...))
	product.Errors = append(product.Errors, 404, 409)
	huma.Register(s.api, product, func(ctx context.Context, in *struct {
		ID  int64 `path:"id" minimum:"1"`
		PID int64 `path:"pid" minimum:"1"`
	}) (*struct{ Body linkOut }, error) {
		l, err := s.Links.ForProduct(ctx, in.ID, in.PID)
		if err != nil {
			return nil, fail(ctx, s.Log, err)
		}
		return &struct{ Body linkOut }{Body: linkOut{Link: l, URL: l.URL(baseFrom(ctx))}}, nil
	})
	huma.Register(s.api, op(http.MethodGet, "/links/stats", "link-stats",
		"Clicks, unique visitors, orders and conversion by distributor, link, product and day", "links", ops...),
		func(ctx context.Context, in *statsIn) (*statsOut, error) {
			from, to, err := period(in.From, in.To)
			if err != nil {
				return nil, err
			}
			st, err := s.Links.Stats(ctx, link.Filter{DistributorID: in.DistributorID, ProductID: in.ProductID, From: from, To: to})
			if err != nil {
				return nil, fail(ctx, s.Log, err)
			}
			return &statsOut{Body: st}, nil
		})
	huma.Register(s.api, op(http.MethodGet, "/links/signals", "link-signals",
		"Fraud signals: self-referral orders, bursts of clicks from one client, attributed orders with no click", "links", ops...),
		func(ctx context.Context, in *statsIn) (*signalsOut, error) {
			from, to, err := period(in.From, in.To)
			if err != nil {
				return nil, err
			}
			sg, err := s.Links.Signals(ctx, from, to)
			if err != nil {
				return nil, fail(ctx, s.Log, err)
			}
			return &signalsOut{Body: sg}, nil
		})
	qr := func(ext, summary string, draw func(content string, size int) ([]byte, error), ctype string) {
		o := withBase(op(http.MethodGet, "/links/{code}/qr."+ext, "link-qr-"+ext, summary, "links", ops...))
		o.Errors = append(o.Errors, 404)
		o.Responses = map[string]*huma.Response{"200": {Description: ctype, Content: map[string]*huma.MediaType{ctype: {}}}}
		huma.Register(s.api, o, func(ctx context.Context, in *qrIn) (*imageOut, error) {
			l, err := s.Links.ByCode(ctx, strings.ToUpper(in.Code))
			if err != nil {
				return nil, fail(ctx, s.Log, err)
			}
			img, err := draw(l.URL(baseFrom(ctx)), in.Size)
			if err != nil {
				return nil, fail(ctx, s.Log, err)
			}
			return &imageOut{ContentType: ctype, CacheControl: "private, max-age=3600", Body: img}, nil
		})
	}
	qr("png", "The link's QR code as a PNG (level Q, 4-module quiet zone)", link.QRPNG, "image/png")
	qr("svg", "The link's QR code as an SVG for print", func(c string, _ int) ([]byte, error) { return link.QRSVG(c) }, "image/svg+xml")
}

// period reads from and to; the default is the 30 days up to now.
func period(fromQ, toQ string) (time.Time, time.Time, error) {
	to := time.Now().UTC()
	if t, err := parseDay("to", toQ); err != nil {
		return time.Time{}, time.Time{}, err
	} else if t != nil {
		to = *t
	}
	from := to.AddDate(0, 0, -30)
	if t, err := parseDay("from", fromQ); err != nil {
		return time.Time{}, time.Time{}, err
	} else if t != nil {
		from = *t
	}
	return from, to, nil
}
