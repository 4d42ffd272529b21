package web

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
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/material"
	"github.com/fenxiao/fenxiao/internal/poster"
)

const dejavu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

func promoPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{uint8(x*31 + y), uint8(y*17 ^ x), uint8(x * y), 255})
		}
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.NoCompression}).Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// usePromo turns posters (drawn with font; "" searches) and materials (in a temp dir) on for s.
func usePromo(t testing.TB, s *Server, font string) (*material.Service, string) {
	t.Helper()
	dir := t.TempDir()
	disk, err := material.NewDisk(dir)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	mats := &material.Service{DB: s.DB, Store: disk, Log: log}
	s.UsePromotion(Promotion{Posters: poster.New(s.Catalog, s.Network, nil, poster.Images{}, font, log, 0), Materials: mats})
	return mats, dir
}

// A distributor gets a poster button per product; the poster is a PNG; copied texts carry the
// distributor's own link; files download as uploaded, never sniffed.
func TestPortalPostersAndMaterials(t *testing.T) {
	e := newPortalEnv(t)
	mats, _ := usePromo(t, e.S, os.Getenv(poster.EnvFont))
	alice := e.distributor("王小明", nil)
	tea := e.product("西湖龙井", 12800, 5, nil, true)
	ctx := context.Background()
	txt, err := mats.CreateText(ctx, material.TextInput{Body: "明前龙井，一口回甘。", ProductID: &tea.ID, Campaign: "春茶"})
	if err != nil {
		t.Fatal(err)
	}
	shopTxt, err := mats.CreateText(ctx, material.TextInput{Body: "全店包邮"})
	if err != nil {
		t.Fatal(err)
	}
	pic := promoPNG(t, 20, 10)
	img, err := mats.Upload(ctx, material.FileInput{FileName: "tea.png", ProductID: &tea.ID}, bytes.NewReader(pic))
	if err != nil {
		t.Fatal(err)
	}
	b := e.signIn(alice)
	b.get("/m/products").want(t, 200, "").has(t, fmt.Sprintf(`href="/m/products/%d/poster.png"`, tea.ID), "生成海报", fmt.Sprintf(`href="/m/materials?product=%d"`, tea.ID))

	page := b.get("/m/materials").want(t, 200, "")
	link := fmt.Sprintf("%s/s/p/%d?ref=%s", e.URL, tea.ID, alice.Code)
	page.has(t, fmt.Sprintf(`<textarea id="mt-%d" readonly`, txt.ID), "明前龙井，一口回甘。\n"+link+"</textarea>",
		"全店包邮\n"+e.URL+"/s/?ref="+alice.Code+"</textarea>", fmt.Sprintf(`data-copy-target="mt-%d"`, shopTxt.ID),
		fmt.Sprintf(`src="/m/materials/%d/file?inline=1"`, img.ID), "一键复制文案")
	b.get(fmt.Sprintf("/m/materials?product=%d&kind=text", tea.ID)).want(t, 200, "").has(t, "明前龙井").lacks(t, "全店包邮")

	req, _ := http.NewRequest(http.MethodGet, e.URL+fmt.Sprintf("/m/materials/%d/file", img.ID), nil)
	res, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !bytes.Equal(got, pic) || res.Header.Get("Content-Type") != "image/png" ||
		res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("Content-Disposition") != `attachment; filename=tea.png` {
		t.Fatalf("download: %d %v", res.StatusCode, res.Header)
	}

	// The poster, when this machine has a CJK font.
	if _, err := poster.FindFont(os.Getenv(poster.EnvFont)); err == nil {
		req, _ = http.NewRequest(http.MethodGet, e.URL+fmt.Sprintf("/m/products/%d/poster.png", tea.ID), nil)
		res, err = b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("poster: %d %s", res.StatusCode, body)
		}
		if _, err := png.Decode(bytes.NewReader(body)); err != nil {
			t.Fatal(err)
		}
	} else if os.Getenv("CI") == "true" {
		t.Fatalf("CI must have a CJK font: %v", err)
	}
	// Signed out: to the sign-in page.
	e.browser().get("/m/materials").want(t, http.StatusSeeOther, "/m/login?next=%2Fm%2Fmaterials")
}

// Without a CJK font the poster route says what to install, as a page, never a PNG.
func TestPortalPosterFontMissing(t *testing.T) {
	if _, err := os.Stat(dejavu); err != nil {
		t.Skip("DejaVu is not installed")
	}
	e := newPortalEnv(t)
	usePromo(t, e.S, dejavu)
	alice := e.distributor("Alice", nil)
	tea := e.product("龙井", 100, 1, nil, true)
	b := e.signIn(alice)
	r := b.get(fmt.Sprintf("/m/products/%d/poster.png", tea.ID))
	r.want(t, http.StatusServiceUnavailable, "").has(t, "fonts-wqy-zenhei", "FENXIAO_POSTER_FONT")
}

// adminUpload posts the console's upload form with a raw file name.
func (e *adminEnv) upload(role string, fields map[string]string, filename string, body []byte) adminResponse {
	e.t.Helper()
	// CreateFormFile escapes the name; the part is written by hand so the test controls it.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	h := make(map[string][]string)
	h["Content-Disposition"] = []string{`form-data; name="file"; filename="` + filename + `"`}
	h["Content-Type"] = []string{"image/jpeg"}
	pw, err := mw.CreatePart(h)
	if err != nil {
		e.t.Fatal(err)
	}
	pw.Write(body)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, e.URL+"/admin/materials", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept-Language", "zh-CN")
	res, err := e.clients[role].Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return adminResponse{Status: res.StatusCode, Body: string(b), Location: res.Header.Get("Location"), Header: res.Header}
}

// The console uploads a file past the pages' 1 MiB body limit, refuses a disguised one in
// words, lists with thumbnails, edits tags and deletes; finance may not.
func TestAdminMaterials(t *testing.T) {
	e := newAdminEnv(t)
	_, dir := usePromo(t, e.S, "")
	tea := e.product("西湖龙井", 12800, 5)
	big := promoPNG(t, 800, 600) // ~1.9 MB uncompressed PNG
	if len(big) < 1<<20 {
		t.Fatalf("test picture is only %d bytes", len(big))
	}
	e.upload("operator", map[string]string{"title": "主图", "product_id": fmt.Sprint(tea.ID), "campaign": "春茶"}, "主图.png", big).
		must(t, http.StatusSeeOther)
	if n := e.count(`SELECT count(*) FROM materials WHERE kind = 'image' AND size_bytes = $1`, len(big)); n != 1 {
		t.Fatalf("%d rows for the upload", n)
	}
	bad := e.upload("operator", map[string]string{"title": "x"}, "photo.jpg", []byte("<html><script>alert(1)</script></html>")).
		must(t, http.StatusUnprocessableEntity)
	if !strings.Contains(bad.Body, "不支持这种文件") {
		t.Errorf("refusal not explained:\n%s", bad.Body)
	}
	e.upload("operator", nil, "../../etc/passwd", promoPNG(t, 2, 2)).must(t, http.StatusUnprocessableEntity)
	e.upload("finance", nil, "a.png", promoPNG(t, 2, 2)).must(t, http.StatusForbidden)
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("media dir holds %d files, want 1", len(entries))
	}
	e.post("operator", "/admin/materials/text", url.Values{"body": {"明前龙井，一口回甘。"}, "campaign": {"春茶"}}).must(t, http.StatusSeeOther)
	e.post("operator", "/admin/materials/text", url.Values{"body": {" "}}).must(t, http.StatusUnprocessableEntity)

	var id int64
	if err := e.DB.R.QueryRow(`SELECT id FROM materials WHERE kind = 'image'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	list := e.get("operator", "/admin/materials").must(t, 200)
	for _, want := range []string{fmt.Sprintf(`src="/admin/materials/%d/file?inline=1"`, id), "主图.png", "明前龙井，一口回甘。", "春茶", `href="/admin/materials"`} {
		if !strings.Contains(list.Body, want) {
			t.Errorf("list lacks %s", want)
		}
	}
	csv := e.get("operator", "/admin/materials?format=csv&kind=text").must(t, 200)
	if !strings.Contains(csv.Body, "明前龙井，一口回甘。") || strings.Contains(csv.Body, "主图.png") {
		t.Errorf("CSV of texts:\n%s", csv.Body)
	}
	e.post("operator", fmt.Sprintf("/admin/materials/%d", id), url.Values{"title": {"新标题"}, "campaign": {"618"}, "product_id": {"0"}}).must(t, http.StatusSeeOther)
	if n := e.count(`SELECT count(*) FROM materials WHERE title = '新标题' AND campaign = '618' AND product_id IS NULL`); n != 1 {
		t.Error("edit not saved")
	}
	e.post("operator", fmt.Sprintf("/admin/materials/%d/delete", id), url.Values{}).must(t, http.StatusSeeOther)
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("delete left %d files", len(entries))
	}
	e.get("finance", "/admin/materials").must(t, http.StatusForbidden)
}

// A shared product link previews well: Open Graph and the tags WeChat reads, absolute image.
func TestProductShareTags(t *testing.T) {
	e := newAdminEnv(t)
	p, err := e.S.Catalog.Create(e.ctx, productWithImage("明前龙井", "https://img.example.com/tea.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	page := e.get("", fmt.Sprintf("/s/p/%d", p.ID)).must(t, 200)
	for _, want := range []string{
		`<meta name="description" content="明前龙井 一口回甘">`,
		`<meta itemprop="name" content="明前龙井">`,
		`<meta itemprop="description" content="明前龙井 一口回甘">`,
		`<meta itemprop="image" content="https://img.example.com/tea.jpg">`,
		`<meta property="og:title" content="明前龙井">`,
		`<meta property="og:description" content="明前龙井 一口回甘">`,
		`<meta property="og:image" content="https://img.example.com/tea.jpg">`,
		fmt.Sprintf(`<meta property="og:url" content="%s/s/p/%d">`, e.URL, p.ID),
	} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("product page lacks %s", want)
		}
	}
}

func productWithImage(name, img string) catalog.ProductInput {
	return catalog.ProductInput{Name: name, Description: name + "\n一口回甘", Images: []string{img},
		SKUs: []catalog.SKUInput{{PriceFen: 100, Stock: 1}}}
}
