package link

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"

	"github.com/makiuchi-d/gozxing"
	zxingqr "github.com/makiuchi-d/gozxing/qrcode"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/fenxiao/fenxiao/internal/errs"
)

// QR code sizes in pixels a caller may ask for: small enough for a list, large enough to print.
const (
	MinQRSize     = 128
	MaxQRSize     = 1024
	DefaultQRSize = 256
)

// QRLevel is Quartile (level Q: about 25% of the symbol may be lost and still read). Printed links
// end up on posters, flyers and parcels where they get creased, smudged, glossy or partly covered
// by a thumb; Low and Medium (7%, 15%) do not survive that. High (30%) would make the symbol of a
// short /r/ URL a version denser for 5% more, and denser symbols scan worse from a distance and
// on small prints. The library calls level Q "High".
const QRLevel = qrcode.High

// quietZone is the white border the QR standard asks for, in modules.
const quietZone = 4

// QRModules returns the code's modules, true for dark, with the 4-module quiet zone around them.
//
// The encoder picks the mask, and for a few contents (about one URL in four hundred, measured)
// its choice leaves a pattern that a finder-pattern detector mistakes for a corner, so a scanner
// cannot locate the symbol even though its data is intact. Each symbol is therefore read back
// with a real decoder (gozxing, the Go port of ZXing that Android scanners use) before it is
// served; one that does not read is encoded again at the next level, which changes the layout.
func QRModules(content string) ([][]bool, error) {
	var first [][]bool
	for _, level := range []qrcode.RecoveryLevel{QRLevel, qrcode.Highest, qrcode.Medium} {
		m, err := qrModules(content, level)
		if err != nil {
			return nil, err
		}
		if first == nil {
			first = m
		}
		if readsBack(m, content) {
			return m, nil
		}
	}
	return first, nil
}

func qrModules(content string, level qrcode.RecoveryLevel) ([][]bool, error) {
	q, err := qrcode.New(content, level)
	if err != nil {
		return nil, fmt.Errorf("encode QR code: %w", err)
	}
	q.DisableBorder = true
	inner := q.Bitmap()
	n := len(inner) + 2*quietZone
	out := make([][]bool, n)
	for y := range out {
		out[y] = make([]bool, n)
		if y >= quietZone && y < n-quietZone {
			copy(out[y][quietZone:], inner[y-quietZone])
		}
	}
	return out, nil
}

// readsBack reports whether the symbol, drawn at 4 pixels a module, decodes to content.
func readsBack(m [][]bool, content string) bool {
	const px = 4
	n := len(m)
	img := image.NewGray(image.Rect(0, 0, n*px, n*px))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for y, row := range m {
		for x, dark := range row {
			if dark {
				for dy := range px {
					for dx := range px {
						img.SetGray(x*px+dx, y*px+dy, color.Gray{})
					}
				}
			}
		}
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return false
	}
	r, err := zxingqr.NewQRCodeReader().Decode(bmp, nil)
	return err == nil && r.GetText() == content
}

// CheckQRSize refuses a size outside [MinQRSize, MaxQRSize]; 0 means DefaultQRSize.
// Errors: Invalid (bad_qr_size).
func CheckQRSize(size int) (int, error) {
	if size == 0 {
		return DefaultQRSize, nil
	}
	if size < MinQRSize || size > MaxQRSize {
		return 0, errs.Field("size", "bad_qr_size", "size must be between %d and %d pixels, not %d", MinQRSize, MaxQRSize, size)
	}
	return size, nil
}

// QRPNG draws content as a size×size PNG. Every module is the same whole number of pixels, so the
// edges are crisp; what does not divide evenly becomes extra white margin around the quiet zone.
func QRPNG(content string, size int) ([]byte, error) {
	size, err := CheckQRSize(size)
	if err != nil {
		return nil, err
	}
	m, err := QRModules(content)
	if err != nil {
		return nil, err
	}
	n := len(m)
	px := size / n
	if px < 1 {
		return nil, errs.Field("size", "bad_qr_size", "%d pixels cannot hold this code's %d modules", size, n)
	}
	off := (size - px*n) / 2
	img := image.NewPaletted(image.Rect(0, 0, size, size), color.Palette{color.White, color.Black})
	for y := range n {
		for x := range n {
			if !m[y][x] {
				continue
			}
			for dy := range px {
				row := img.PixOffset(off+x*px, off+y*px+dy)
				for dx := range px {
					img.Pix[row+dx] = 1
				}
			}
		}
	}
	var b bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&b, img); err != nil {
		return nil, fmt.Errorf("encode QR PNG: %w", err)
	}
	return b.Bytes(), nil
}

// QRSVG draws content as an SVG in module units: one path of unit squares (runs of dark modules
// merged into one rectangle each) on a white background, with crispEdges so a printer or browser
// never blurs a module boundary. It scales to any print size.
func QRSVG(content string) ([]byte, error) {
	m, err := QRModules(content)
	if err != nil {
		return nil, err
	}
	n := len(m)
	var p strings.Builder
	for y := range n {
		for x := 0; x < n; {
			if !m[y][x] {
				x++
				continue
			}
			run := 1
			for x+run < n && m[y][x+run] {
				run++
			}
			fmt.Fprintf(&p, "M%d %dh%dv1h-%dz", x, y, run, run)
			x += run
		}
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" shape-rendering="crispEdges">`, n, n, n*8, n*8)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="%s"/></svg>`, n, n, p.String())
	return b.Bytes(), nil
}
