package material_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/fenxiao/fenxiao/internal/audit"
	"github.com/fenxiao/fenxiao/internal/catalog"
	"github.com/fenxiao/fenxiao/internal/db"
	"github.com/fenxiao/fenxiao/internal/db/dbtest"
	"github.com/fenxiao/fenxiao/internal/errs"
	"github.com/fenxiao/fenxiao/internal/material"
)

var ctx = context.Background()

type env struct {
	t   *testing.T
	DB  *db.DB
	Dir string
	Svc *material.Service
}

func newEnv(t *testing.T) *env {
	t.Helper()
	d, _ := dbtest.Open(t)
	dir := t.TempDir()
	disk, err := material.NewDisk(dir)
	if err != nil {
		t.Fatal(err)
	}
	// Small limits so the oversize cases stay small.
	return &env{t: t, DB: d, Dir: dir, Svc: &material.Service{DB: d, Store: disk, ImageBytes: 64 << 10, VideoBytes: 128 << 10}}
}

// empty asserts the media dir holds no file (temporary ones included) and the table no row.
func (e *env) empty(label string) {
	e.t.Helper()
	entries, err := os.ReadDir(e.Dir)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, en := range entries {
		e.t.Errorf("%s: the media dir holds %s", label, en.Name())
	}
	var n int
	if err := e.DB.R.QueryRow(`SELECT count(*) FROM materials`).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	if n != 0 {
		e.t.Errorf("%s: %d material rows", label, n)
	}
}

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{uint8(x * 7), uint8(y * 13), uint8(x ^ y), 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var (
	mp4Head  = []byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom\x00\x00\x00\x08free")
	webmHead = []byte("\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08\x42\x82\x84webm\x42\x87\x81\x04\x42\x85\x81\x02")
	webpHead = []byte("RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00\x30\x01\x00\x9d\x01\x2a\x01\x00\x01\x00\x02\x00\x34\x25\xa4\x00\x03\x70\x00\xfe\xfb\x94\x00\x00")
)

// Every bad upload is refused with its own code and leaves nothing: no file, no temporary
// file, no row.
func TestBadUploadsLeaveNothing(t *testing.T) {
	e := newEnv(t)
	good := pngBytes(t, 8, 8)
	pe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"), make([]byte, 44)...)
	pe = append(pe, 0x40, 0, 0, 0) // e_lfanew → "PE\0\0" at 64
	pe = append(pe, []byte("PE\x00\x00\x4c\x01")...)
	pe = append(pe, make([]byte, 200)...)
	for _, c := range []struct {
		name, file string
		body       []byte
		code       string
		says       string
	}{
		{"HTML renamed .jpg", "photo.jpg", []byte("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"), "unsupported_type", "HTML"},
		{"text renamed .jpg", "photo.jpg", []byte("just some words, not a picture\n"), "unsupported_type", "text/plain"},
		{"EXE renamed .jpg", "setup.jpg", pe, "unsupported_type", "Windows program"},
		{"SVG with script", "logo.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect width="1" height="1"/></svg>`), "unsupported_type", "SVG"},
		{"SVG renamed .png", "logo.png", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>`), "unsupported_type", "SVG"},
		{"oversize image", "big.png", append(pngBytes(t, 8, 8), make([]byte, 64<<10)...), "file_too_large", "65536 bytes, the limit for images"},
		{"oversize video", "big.mp4", append(append([]byte{}, mp4Head...), make([]byte, 128<<10)...), "file_too_large", "131072 bytes, the limit for videos"},
		{"zero bytes", "empty.png", nil, "empty_file", "0 bytes"},
		{"parent path", "../../etc/passwd", good, "invalid_file_name", "path"},
		{"absolute path", "/abs/x.png", good, "invalid_file_name", "path"},
		{"NUL in name", "a\x00.png", good, "invalid_file_name", "control characters"},
		{"backslash path", `..\..\win.png`, good, "invalid_file_name", "path"},
		{"dot dot", "..", good, "invalid_file_name", "directory"},
		{"300-character name", strings.Repeat("图", 296) + ".png", good, "invalid_file_name", "300 characters"},
		{"bad UTF-8 name", "\xff\xfe.png", good, "invalid_file_name", "UTF-8"},
		{"unknown product", "ok.png", good, "product_not_found", "999"},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := material.FileInput{FileName: c.file}
			if c.code == "product_not_found" {
				pid := int64(999)
				in.ProductID = &pid
			}
			_, err := e.Svc.Upload(ctx, in, bytes.NewReader(c.body))
			if !errs.Is(err, c.code) || errs.KindOf(err) != errs.Invalid {
				t.Fatalf("want %s, got %v", c.code, err)
			}
			if c.says != "" && !strings.Contains(err.Error(), c.says) {
				t.Errorf("message %q does not say %q", err, c.says)
			}
			e.empty(c.name)
		})
	}
}

// Good uploads come back byte for byte, with the sniffed type and a hash; the stored name is
// generated, the uploaded one kept for display.
func TestGoodUploadsRoundTrip(t *testing.T) {
	e := newEnv(t)
	var jpg, gf bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	if err := jpeg.Encode(&jpg, img, nil); err != nil {
		t.Fatal(err)
	}
	if err := gif.Encode(&gf, img, nil); err != nil {
		t.Fatal(err)
	}
	big := append(pngBytes(t, 8, 8), make([]byte, 64<<10-len(pngBytes(t, 8, 8)))...) // exactly the limit
	for _, c := range []struct {
		file, ctype string
		kind        material.Kind
		body        []byte
		download    string
	}{
		{"龙井 海报.png", "image/png", material.Image, pngBytes(t, 40, 30), "龙井 海报.png"},
		{"photo.jpeg", "image/jpeg", material.Image, jpg.Bytes(), "photo.jpg"},
		{"anim.gif", "image/gif", material.Image, gf.Bytes(), "anim.gif"},
		{"pic.webp", "image/webp", material.Image, webpHead, "pic.webp"},
		{"clip.mp4", "video/mp4", material.Video, append(append([]byte{}, mp4Head...), make([]byte, 4000)...), "clip.mp4"},
		{"clip.webm", "video/webm", material.Video, append(append([]byte{}, webmHead...), make([]byte, 4000)...), "clip.webm"},
		{"really-a-png.gif", "image/png", material.Image, pngBytes(t, 4, 4), "really-a-png.png"},
		{"", "image/png", material.Image, big, ""},
	} {
		m, err := e.Svc.Upload(ctx, material.FileInput{FileName: c.file, Campaign: "618"}, bytes.NewReader(c.body))
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		sum := sha256.Sum256(c.body)
		if m.Kind != c.kind || m.ContentType != c.ctype || m.SizeBytes != int64(len(c.body)) || m.SHA256 != hex.EncodeToString(sum[:]) || m.FileName != c.file {
			t.Errorf("%s: %+v", c.file, m)
		}
		want := c.download
		if want == "" {
			want = "material-" + itoa(m.ID) + ".png"
		}
		if m.DownloadName() != want {
			t.Errorf("%s: download name %q, want %q", c.file, m.DownloadName(), want)
		}
		f, err := e.Svc.Open(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(f)
		f.Close()
		if !bytes.Equal(got, c.body) {
			t.Errorf("%s: %d bytes back, %d sent", c.file, len(got), len(c.body))
		}
	}
	entries, _ := os.ReadDir(e.Dir)
	for _, en := range entries {
		if strings.HasPrefix(en.Name(), ".") || len(en.Name()) < 33 {
			t.Errorf("stored name %q is not a generated one", en.Name())
		}
	}
	if len(entries) != 8 {
		t.Errorf("%d files stored, want 8", len(entries))
	}
}

// Texts, tags, filters, edits and deletion, each create and delete in the audit log.
func TestTextsTagsAndDelete(t *testing.T) {
	e := newEnv(t)
	cat := &catalog.Service{DB: e.DB}
	p, err := cat.Create(ctx, catalog.ProductInput{Name: "龙井", SKUs: []catalog.SKUInput{{PriceFen: 100, Stock: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Svc.CreateText(ctx, material.TextInput{Body: "  "}); !errs.Is(err, "invalid_body") {
		t.Errorf("empty text: %v", err)
	}
	if _, err := e.Svc.CreateText(ctx, material.TextInput{Body: strings.Repeat("字", 2001)}); !errs.Is(err, "invalid_body") {
		t.Errorf("long text: %v", err)
	}
	txt, err := e.Svc.CreateText(ctx, material.TextInput{Body: "明前龙井，一口回甘。\n限时 8 折！", ProductID: &p.ID, Campaign: "春茶"})
	if err != nil {
		t.Fatal(err)
	}
	if txt.Title != "明前龙井，一口回甘。 限时 8 折！" || *txt.ProductID != p.ID || txt.Campaign != "春茶" || txt.IsFile() {
		t.Errorf("text: %+v", txt)
	}
	img, err := e.Svc.Upload(ctx, material.FileInput{FileName: "a.png", Campaign: "618"}, bytes.NewReader(pngBytes(t, 4, 4)))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		f    material.Filter
		want int
	}{
		{material.Filter{}, 2},
		{material.Filter{ProductID: p.ID}, 1},
		{material.Filter{Campaign: "618"}, 1},
		{material.Filter{Kind: material.Text}, 1},
		{material.Filter{Q: "回甘"}, 1},
		{material.Filter{Q: "%"}, 0},
	} {
		pg, err := e.Svc.List(ctx, c.f)
		if err != nil || pg.Total != c.want || len(pg.Items) != c.want {
			t.Errorf("%+v: %d items (total %d), want %d; %v", c.f, len(pg.Items), pg.Total, c.want, err)
		}
	}
	if cs, err := e.Svc.Campaigns(ctx); err != nil || strings.Join(cs, ",") != "618,春茶" {
		t.Errorf("campaigns %v %v", cs, err)
	}
	title, zero, body := "主图", int64(0), "新文案"
	up, err := e.Svc.Update(ctx, img.ID, material.Patch{Title: &title, ProductID: &p.ID})
	if err != nil || up.Title != "主图" || up.ProductID == nil || *up.ProductID != p.ID {
		t.Fatalf("update: %+v %v", up, err)
	}
	if up, err = e.Svc.Update(ctx, img.ID, material.Patch{ProductID: &zero}); err != nil || up.ProductID != nil {
		t.Fatalf("clear product: %+v %v", up, err)
	}
	if _, err := e.Svc.Update(ctx, img.ID, material.Patch{Body: &body}); !errs.Is(err, "invalid_body") {
		t.Errorf("body of an image: %v", err)
	}
	if _, err := e.Svc.Update(ctx, 999, material.Patch{Title: &title}); !errs.Is(err, "material_not_found") {
		t.Errorf("missing: %v", err)
	}
	for _, id := range []int64{img.ID, txt.ID} {
		if err := e.Svc.Delete(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Svc.Delete(ctx, img.ID); !errs.Is(err, "material_not_found") {
		t.Errorf("second delete: %v", err)
	}
	e.empty("after deleting everything")
	rows, _, err := audit.List(ctx, e.DB.R, audit.Filter{Entity: "material"})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, r := range rows {
		actions = append([]string{r.Action}, actions...)
	}
	if strings.Join(actions, ",") != "material.create,material.create,material.update,material.update,material.delete,material.delete" {
		t.Errorf("audit: %v", actions)
	}
}
