package link

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"regexp"
	"strconv"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

const testURL = "https://shop.example.cn/r/ABCD2345"

// decodeQR reads a QR code back with a real decoder.
func decodeQR(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: false})
	if err != nil {
		t.Fatalf("decode QR: %v", err)
	}
	return res.GetText()
}

func TestQRPNGDecodes(t *testing.T) {
	for _, size := range []int{128, 200, 256, 512, 1024} {
		t.Run(strconv.Itoa(size), func(t *testing.T) {
			b, err := QRPNG(testURL, size)
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if r := img.Bounds(); r.Dx() != size || r.Dy() != size {
				t.Fatalf("image %v, want %d×%d", r, size, size)
			}
			if got := decodeQR(t, img); got != testURL {
				t.Fatalf("decoded %q, want %q", got, testURL)
			}
			// The quiet zone: a border of at least 4 modules is white.
			m, _ := QRModules(testURL)
			border := 4 * (size / len(m))
			for i := 0; i < size; i++ {
				for _, p := range [][2]int{{i, border - 1}, {border - 1, i}, {i, size - border}, {size - border, i}} {
					if r, _, _, _ := img.At(p[0], p[1]).RGBA(); r == 0 {
						t.Fatalf("dark pixel at %v inside the quiet zone", p)
					}
				}
			}
		})
	}
	for _, size := range []int{-1, 1, 127, 1025} {
		if _, err := QRPNG(testURL, size); err == nil {
			t.Errorf("size %d accepted", size)
		}
	}
}

// The SVG is rasterised from its own path data (not compared as text) and decoded.
func TestQRSVGDecodes(t *testing.T) {
	b, err := QRSVG(testURL)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		ViewBox string `xml:"viewBox,attr"`
		Shape   string `xml:"shape-rendering,attr"`
		Paths   []struct {
			D string `xml:"d,attr"`
		} `xml:"path"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("SVG is not XML: %v", err)
	}
	var n int
	if _, err := fmt.Sscanf(doc.ViewBox, "0 0 %d %d", &n, &n); err != nil || len(doc.Paths) != 1 || doc.Shape != "crispEdges" {
		t.Fatalf("viewBox %q, %d paths, shape-rendering %q", doc.ViewBox, len(doc.Paths), doc.Shape)
	}
	for _, scale := range []int{3, 8} {
		img := rasterise(t, doc.Paths[0].D, n, scale)
		if got := decodeQR(t, img); got != testURL {
			t.Fatalf("scale %d: decoded %q, want %q", scale, got, testURL)
		}
	}
}

var runRE = regexp.MustCompile(`^M(\d+) (\d+)h(\d+)v1h-(\d+)z`)

// rasterise fills the path's unit rectangles (each "Mx yhNv1h-Nz") on white, scale px a module.
func rasterise(t *testing.T, d string, n, scale int) image.Image {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, n*scale, n*scale))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for len(d) > 0 {
		m := runRE.FindStringSubmatch(d)
		if m == nil {
			t.Fatalf("unexpected path data at %.30q", d)
		}
		x, _ := strconv.Atoi(m[1])
		y, _ := strconv.Atoi(m[2])
		w, _ := strconv.Atoi(m[3])
		if m[3] != m[4] || x+w > n || y >= n {
			t.Fatalf("bad run %q", m[0])
		}
		for py := y * scale; py < (y+1)*scale; py++ {
			for px := x * scale; px < (x+w)*scale; px++ {
				img.SetGray(px, py, color.Gray{})
			}
		}
		d = d[len(m[0]):]
	}
	return img
}
