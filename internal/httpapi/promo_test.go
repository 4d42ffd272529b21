package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http/httptest"
	"net/textproto"
	"os"
	"strings"
	"testing"

	"github.com/fenxiao/fenxiao/internal/apikey"
	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/db/dbtest"
	"github.com/fenxiao/fenxiao/internal/httpapi"
	"github.com/fenxiao/fenxiao/internal/material"
	"github.com/fenxiao/fenxiao/internal/network"
	"github.com/fenxiao/fenxiao/internal/poster"
)

// newPromoAPI is newAPI with material storage in a temp dir and posters drawn with font
// (empty: the search).
func newPromoAPI(t *testing.T, font string) (*testAPI, *httpapi.Server, string) {
	t.Helper()
	d, clk := dbtest.Open(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s := httpapi.New(d, log)
	dir := t.TempDir()
	disk, err := material.NewDisk(dir)
	if err != nil {
		t.Fatal(err)
	}
	s.Materials = &material.Service{DB: d, Store: disk, Log: log, ImageBytes: 64 << 10, VideoBytes: 128 << 10}
	s.Posters = poster.New(s.Catalog, s.Network, nil, poster.Images{}, font, log, 0)
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	_, key, err := (&apikey.Service{DB: d}).Create(context.Background(), "test", apikey.RoleOwner)
	if err != nil {
		t.Fatal(err)
	}
	return &testAPI{t: t, URL: srv.URL, Key: key, DB: d, Clock: clk}, s, dir
}

func approved(t *testing.T, s *httpapi.Server, name, phone string) network.Distributor {
	t.Helper()
	d, err := s.Network.Apply(ctx, network.Application{Name: name, Phone: phone})
	if err == nil {
		d, err = s.Network.Approve(ctx, d.ID)
	}
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestPosterRoute(t *testing.T) {
	if _, err := poster.FindFont(os.Getenv(poster.EnvFont)); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip("no CJK font here (apt-get install fonts-wqy-zenhei)")
	}
	a, s, _ := newPromoAPI(t, os.Getenv(poster.EnvFont))
	alice := approved(t, s, "王小明", "13700000011")
	p, err := s.Catalog.Create(ctx, catalog.ProductInput{Name: "西湖龙井", SKUs: []catalog.SKUInput{{PriceFen: 12800, Stock: 3}}})
	if err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/api/v1/distributors/%d/products/%d/poster.png", alice.ID, p.ID)
	res := a.do("GET", path, nil)
	if res.Status != 200 || res.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("poster: %d %s %s", res.Status, res.Header.Get("Content-Type"), res.Body)
	}
	img, err := png.Decode(bytes.NewReader(res.Body))
	if err != nil || img.Bounds().Dx() != 750 || img.Bounds().Dy() != 1334 {
		t.Fatalf("poster image: %v %v", err, img)
	}
	etag := res.Header.Get("ETag")
	if again := a.doWith(a.Key, "GET", path, nil, map[string]string{"If-None-Match": etag}); again.Status != 304 {
		t.Errorf("If-None-Match: %d", again.Status)
	}
	var pr problem
	if r := a.do("GET", fmt.Sprintf("/api/v1/distributors/%d/products/999/poster.png", alice.ID), nil); r.Status != 404 {
		t.Errorf("unknown product: %d", r.Status)
	} else if r.json(t, &pr); pr.Code != "product_not_found" {
		t.Errorf("unknown product code %q", pr.Code)
	}
	if r := a.doWith(a.keyFor("finance"), "GET", path, nil, nil); r.Status != 403 {
		t.Errorf("finance key: %d", r.Status)
	}
}

// A server whose only font has no Chinese says so: 503, poster_font_missing, and what to install.
func TestPosterRouteFontMissing(t *testing.T) {
	const dejavu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
	if _, err := os.Stat(dejavu); err != nil {
		t.Skip("DejaVu is not installed")
	}
	a, s, _ := newPromoAPI(t, dejavu)
	alice := approved(t, s, "Alice", "13700000012")
	p, err := s.Catalog.Create(ctx, catalog.ProductInput{Name: "龙井", SKUs: []catalog.SKUInput{{PriceFen: 100, Stock: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	res := a.do("GET", fmt.Sprintf("/api/v1/distributors/%d/products/%d/poster.png", alice.ID, p.ID), nil)
	var pr problem
	res.json(t, &pr)
	if res.Status != 503 || pr.Code != "poster_font_missing" || !strings.Contains(pr.Detail, "fonts-wqy-zenhei") ||
		!strings.Contains(pr.Detail, "FENXIAO_POSTER_FONT") || strings.HasPrefix(res.Header.Get("Content-Type"), "image/") {
		t.Fatalf("%d %s %+v", res.Status, res.Header.Get("Content-Type"), pr)
	}
}

// upload sends one file part with the raw Content-Disposition file name given.
func (a *testAPI) upload(fields map[string]string, filename string, body []byte) response {
	a.t.Helper()
	return a.uploadWith(nil, fields, filename, body)
}

func (a *testAPI) uploadWith(headers, fields map[string]string, filename string, body []byte) response {
	a.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+filename+`"`)
	h.Set("Content-Type", "image/jpeg") // a lie the server must ignore
	w, err := mw.CreatePart(h)
	if err != nil {
		a.t.Fatal(err)
	}
	w.Write(body)
	mw.Close()
	h2 := map[string]string{"Content-Type": mw.FormDataContentType()}
	for k, v := range headers {
		h2[k] = v
	}
	return a.doWith(a.Key, "POST", "/api/v1/materials", buf.Bytes(), h2)
}

// An upload larger than a JSON body, retried with the same Idempotency-Key, is stored once and
// the retry gets the first answer.
func TestMaterialUploadIdempotent(t *testing.T) {
	a, s, dir := newPromoAPI(t, "")
	s.Materials.ImageBytes = 3 << 20
	var pic bytes.Buffer
	if err := png.Encode(&pic, gradient()); err != nil {
		t.Fatal(err)
	}
	big := append(pic.Bytes(), make([]byte, 3<<19)...) // 1.5 MiB: past the 1 MiB kept in memory
	key := map[string]string{"Idempotency-Key": "upload-1"}
	var first, again material.Material
	r1 := a.uploadWith(key, map[string]string{"title": "大图"}, "big.png", big)
	r1.json(t, &first)
	r2 := a.uploadWith(key, map[string]string{"title": "大图"}, "big.png", big)
	r2.json(t, &again)
	if r1.Status != 201 || r2.Status != 201 || first.ID == 0 || again.ID != first.ID || r2.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("first %d %s, retry %d %s", r1.Status, r1.Body, r2.Status, r2.Body)
	}
	other := a.uploadWith(key, map[string]string{"title": "另一张"}, "big.png", big)
	if other.Status != 409 {
		t.Errorf("the key reused for another upload: %d %s", other.Status, other.Body)
	}
	var rows int
	if err := a.DB.R.QueryRow(`SELECT count(*) FROM materials`).Scan(&rows); err != nil || rows != 1 {
		t.Errorf("%d rows (%v), want 1", rows, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d files, want 1", len(entries))
	}
}

func TestMaterialsAPI(t *testing.T) {
	a, s, dir := newPromoAPI(t, "")
	p, err := s.Catalog.Create(ctx, catalog.ProductInput{Name: "龙井", SKUs: []catalog.SKUInput{{PriceFen: 100, Stock: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	var pic bytes.Buffer
	if err := png.Encode(&pic, gradient()); err != nil {
		t.Fatal(err)
	}

	// Refused uploads: each with its code, none leaving a file or a row.
	for _, c := range []struct {
		name, file string
		body       []byte
		status     int
		code       string
	}{
		{"HTML as .jpg", "a.jpg", []byte("<html><script>alert(1)</script></html>"), 422, "unsupported_type"},
		{"SVG", "x.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), 422, "unsupported_type"},
		{"zero bytes", "a.png", nil, 422, "empty_file"},
		{"over the image limit", "a.png", append(pic.Bytes(), make([]byte, 64<<10)...), 422, "file_too_large"},
		{"over the video limit", "a.mp4", append([]byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"), make([]byte, 128<<10)...), 422, "file_too_large"},
		{"parent path", "../../etc/passwd", pic.Bytes(), 422, "invalid_file_name"},
		{"absolute path", "/abs/x.png", pic.Bytes(), 422, "invalid_file_name"},
		{"backslashes", `..\\..\\win.png`, pic.Bytes(), 422, "invalid_file_name"},
		{"300 characters", strings.Repeat("a", 296) + ".png", pic.Bytes(), 422, "invalid_file_name"},
	} {
		res := a.upload(map[string]string{"title": "x"}, c.file, c.body)
		var pr problem
		res.json(t, &pr)
		if res.Status != c.status || pr.Code != c.code {
			t.Errorf("%s: %d %s (%s), want %d %s", c.name, res.Status, pr.Code, pr.Detail, c.status, c.code)
		}
	}
	// A body past every limit is cut off while it arrives.
	huge := a.upload(map[string]string{"title": strings.Repeat("x", 1<<20+128<<10)}, "a.png", pic.Bytes())
	if huge.Status != 413 || !strings.Contains(string(huge.Body), "body_too_large") {
		t.Errorf("huge body: %d %s", huge.Status, huge.Body)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("refused uploads left %d files", len(entries))
	}
	var rows int
	if err := a.DB.R.QueryRow(`SELECT count(*) FROM materials`).Scan(&rows); err != nil || rows != 0 {
		t.Errorf("refused uploads left %d rows (%v)", rows, err)
	}

	res := a.upload(map[string]string{"title": "主图", "product_id": fmt.Sprint(p.ID), "campaign": "618"}, "龙井.png", pic.Bytes())
	var m material.Material
	res.json(t, &m)
	if res.Status != 201 || m.Kind != material.Image || m.ContentType != "image/png" || m.ProductID == nil || *m.ProductID != p.ID || m.FileName != "龙井.png" {
		t.Fatalf("upload: %d %s", res.Status, res.Body)
	}
	dl := a.do("GET", fmt.Sprintf("/api/v1/materials/%d/file", m.ID), nil)
	if dl.Status != 200 || !bytes.Equal(dl.Body, pic.Bytes()) {
		t.Fatalf("download: %d, %d bytes", dl.Status, len(dl.Body))
	}
	for k, want := range map[string]string{
		"Content-Type":           "image/png",
		"X-Content-Type-Options": "nosniff",
		"Content-Disposition":    "attachment; filename*=utf-8''%E9%BE%99%E4%BA%95.png",
	} {
		if got := dl.Header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	txt := a.do("POST", "/api/v1/materials", map[string]any{"body": "明前龙井，一口回甘。", "campaign": "618"})
	if txt.Status != 201 {
		t.Fatalf("text: %d %s", txt.Status, txt.Body)
	}
	var page material.Page
	a.do("GET", "/api/v1/materials?campaign=618&kind=text", nil).json(t, &page)
	if page.Total != 1 || page.Items[0].Body != "明前龙井，一口回甘。" {
		t.Errorf("list: %+v", page)
	}
	if r := a.do("PATCH", fmt.Sprintf("/api/v1/materials/%d", m.ID), map[string]any{"campaign": "双十一"}); r.Status != 200 || !strings.Contains(string(r.Body), "双十一") {
		t.Errorf("patch: %d %s", r.Status, r.Body)
	}
	if r := a.do("DELETE", fmt.Sprintf("/api/v1/materials/%d", m.ID), nil); r.Status != 204 {
		t.Errorf("delete: %d %s", r.Status, r.Body)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("delete left %d files", len(entries))
	}
	if r := a.do("GET", fmt.Sprintf("/api/v1/materials/%d/file", m.ID), nil); r.Status != 404 {
		t.Errorf("deleted file: %d", r.Status)
	}
}

func gradient() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, 32, 24))
	for y := range 24 {
		for x := range 32 {
			img.Set(x, y, color.RGBA{uint8(x * 8), uint8(y * 10), 99, 255})
		}
	}
	return img
}
