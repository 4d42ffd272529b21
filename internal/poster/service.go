package poster

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/network"
)

// LinkFor returns the absolute URL that credits distributorID when a customer opens it: the
// product's page for productID > 0, the shop for 0. base is the site's public scheme://host as
// the caller knows it (configured, or from the request).
type LinkFor func(ctx context.Context, base string, distributorID, productID int64) (string, error)

// RefLinks is the LinkFor used until tracked links exist: the shop's own ?ref= URLs, which set
// the attribution cookie when opened.
func RefLinks(net *network.Service) LinkFor {
	return func(ctx context.Context, base string, distributorID, productID int64) (string, error) {
		d, err := net.Get(ctx, distributorID)
		if err != nil {
			return "", err
		}
		ref := "ref=" + url.QueryEscape(d.Code)
		if productID > 0 {
			return base + "/s/p/" + strconv.FormatInt(productID, 10) + "?" + ref, nil
		}
		return base + "/s/?" + ref, nil
	}
}

// Words are the poster's fixed phrases, in the language its readers speak.
type Words struct {
	ByLine string // {name} becomes the distributor's name
	Hint   string // beside the QR code
	Copy   string // under the price when the product has no description
	From   string // after the lowest price when SKU prices differ
}

// DefaultWords are the Chinese phrases posters carry unless the caller gives others.
var DefaultWords = Words{ByLine: "{name} 为你推荐", Hint: "长按识别二维码，立即购买", Copy: "好物分享，扫码即可下单", From: "起"}

// Service draws posters for distributors and keeps them cached.
type Service struct {
	Catalog *catalog.Service
	Network *network.Service
	Links   LinkFor
	Images  Images
	Log     *slog.Logger
	// FontPath is the configured font (FENXIAO_POSTER_FONT); "": FindFont's search.
	FontPath string

	cache *Cache
	slots chan struct{} // drawing is CPU-bound: at most a few at once

	mu     sync.Mutex
	font   *Font
	fontAt time.Time
	fontEr error
}

// New returns a service with a cache of cacheBytes (0: 64 MiB).
func New(cat *catalog.Service, net *network.Service, links LinkFor, imgs Images, fontPath string, log *slog.Logger, cacheBytes int) *Service {
	if cacheBytes <= 0 {
		cacheBytes = 64 << 20
	}
	if links == nil {
		links = RefLinks(net)
	}
	if log == nil {
		log = slog.Default()
	}
	return &Service{Catalog: cat, Network: net, Links: links, Images: imgs, FontPath: fontPath, Log: log,
		cache: NewCache(cacheBytes), slots: make(chan struct{}, 2)}
}

// Font returns the poster font, searching once; a failed search is tried again after a minute
// so installing a font needs no restart.
func (s *Service) Font() (*Font, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.font != nil {
		return s.font, nil
	}
	if s.fontEr != nil && time.Since(s.fontAt) < time.Minute {
		return nil, s.fontEr
	}
	s.font, s.fontEr = FindFont(s.FontPath)
	s.fontAt = time.Now()
	if s.fontEr != nil && !errors.Is(s.fontEr, ErrNoFont) {
		s.fontEr = fmt.Errorf("%w: %w", ErrNoFont, s.fontEr)
	}
	return s.font, s.fontEr
}

// Poster is a drawn poster.
type Poster struct {
	PNG    []byte
	ETag   string // a hash of everything drawn: equal tags, equal posters
	Cached bool
}

// Product draws (or takes from the cache) distributorID's poster for productID. The distributor
// must be approved and the product on sale and open to distribution. Errors: NotFound,
// Conflict; ErrNoFont (wrapped) when no font can draw the text.
func (s *Service) Product(ctx context.Context, base string, distributorID, productID int64, w Words) (Poster, error) {
	d, err := s.Network.Get(ctx, distributorID)
	if err != nil {
		return Poster{}, err
	}
	if d.Status != network.Approved {
		return Poster{}, errs.E(errs.Conflict, "distributor_not_approved",
			"distributor %s is %s: its links credit no one, so it has no posters", d.Code, d.Status)
	}
	p, err := s.Catalog.Get(ctx, productID)
	if err != nil {
		return Poster{}, err
	}
	if p.Status != catalog.OnShelf {
		return Poster{}, errs.E(errs.NotFound, "product_not_on_sale", "product %d is not on sale", productID)
	}
	if !p.Distributable {
		return Poster{}, errs.E(errs.Conflict, "product_not_distributable", "product %d is not open to distribution", productID)
	}
	link, err := s.Links(ctx, base, d.ID, p.ID)
	if err != nil {
		return Poster{}, fmt.Errorf("link for distributor %d, product %d: %w", d.ID, p.ID, err)
	}
	f, err := s.Font()
	if err != nil {
		return Poster{}, err
	}
	in := Input{Name: p.Name, URL: link, Hint: w.Hint, ByLine: strings.ReplaceAll(w.ByLine, "{name}", d.Name),
		Copy: strings.Join(strings.Fields(p.Description), " ")}
	if in.Copy == "" {
		in.Copy = w.Copy
	}
	for i, k := range p.SKUs {
		if i == 0 || k.PriceFen < in.PriceFen {
			in.PriceFen = k.PriceFen
		}
		if k.PriceFen != p.SKUs[0].PriceFen {
			in.PriceSuffix = w.From
		}
	}
	var src string
	if len(p.Images) > 0 {
		src = p.Images[0]
	}
	// The key names everything drawn; the product's updated_at stands for its picture's content.
	h := sha256.New()
	for _, part := range []string{"v1", f.Path, f.Name, in.Name, strconv.FormatInt(in.PriceFen, 10), in.PriceSuffix, in.Copy,
		in.ByLine, in.Hint, in.URL, src, p.UpdatedAt.UTC().Format(time.RFC3339Nano)} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	key := hex.EncodeToString(h.Sum(nil)[:16])
	if png, ok := s.cache.Get(key); ok {
		return Poster{PNG: png, ETag: key, Cached: true}, nil
	}
	if src != "" {
		b, err := s.Images.Load(ctx, src)
		if err == nil {
			in.Image, err = Decode(b)
		}
		if err != nil && !errors.Is(err, ErrNoImage) {
			s.Log.WarnContext(ctx, "poster picture not drawn; a placeholder is shown", "product", p.ID, "image", src, "err", err)
		}
	}
	select {
	case s.slots <- struct{}{}:
		defer func() { <-s.slots }()
	case <-ctx.Done():
		return Poster{}, ctx.Err()
	}
	img, err := Render(f, in)
	if err != nil {
		return Poster{}, err
	}
	png, err := Encode(img)
	if err != nil {
		return Poster{}, err
	}
	s.cache.Put(key, png)
	return Poster{PNG: png, ETag: key}, nil
}
