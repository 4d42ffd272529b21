// Package poster draws a product's share poster for one distributor: the product image, name,
// price, a line of copy, who recommends it and a QR code of the distributor's link, as a PNG a
// phone can long-press and save. Text is drawn with a CJK font found on the server (font.go);
// a poster is never drawn with a font that lacks one of its characters (no tofu boxes).
package poster

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"

	"golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"github.com/fenxiao/fenxiao/internal/link"
	"github.com/fenxiao/fenxiao/internal/money"
)

// The poster's size: a phone screen's 9:16 at twice the CSS pixels of a 375-wide phone.
const (
	Width  = 750
	Height = 1334
	margin = 40
)

// Input is everything a poster shows. Every string is drawn as given.
type Input struct {
	Name        string      // the product's name, wrapped over at most two lines
	PriceFen    int64       // shown as ¥12.34
	PriceSuffix string      // e.g. "起" when the SKUs' prices differ and PriceFen is the lowest
	Copy        string      // one line of copy under the price
	ByLine      string      // who recommends it, e.g. "王小明 为你推荐"
	Hint        string      // next to the QR code, e.g. "长按识别二维码"
	URL         string      // what the QR code holds
	Image       image.Image // the product's picture; nil draws a placeholder panel
}

// Yuan formats fen as ¥1,234.56, as the web does.
func Yuan(fen int64) string { return money.Yuan(fen) }

var (
	white    = color.RGBA{0xff, 0xff, 0xff, 0xff}
	ink      = color.RGBA{0x22, 0x22, 0x22, 0xff}
	red      = color.RGBA{0xe4, 0x39, 0x3c, 0xff}
	grey     = color.RGBA{0x66, 0x66, 0x66, 0xff}
	light    = color.RGBA{0x99, 0x99, 0x99, 0xff}
	panel    = color.RGBA{0xf2, 0xf0, 0xed, 0xff}
	panelInk = color.RGBA{0xd0, 0xcb, 0xc4, 0xff}
	rule     = color.RGBA{0xee, 0xee, 0xee, 0xff}
)

// Render draws the poster. It fails, wrapping ErrNoFont, when f lacks a glyph for any
// character it would draw; when the URL cannot be put in a QR code.
func Render(f *Font, in Input) (*image.RGBA, error) {
	if in.URL == "" {
		return nil, fmt.Errorf("poster: no link for the QR code")
	}
	faces, err := newFaces(f)
	if err != nil {
		return nil, err
	}
	price := Yuan(in.PriceFen)
	nameLines := wrap(faces.name, in.Name, Width-2*margin, 2)
	copyLines := wrap(faces.copy, in.Copy, Width-2*margin, 1)
	byLines := wrap(faces.by, in.ByLine, 400, 2)
	hintLines := wrap(faces.hint, in.Hint, 400, 2)
	var all []string
	all = append(all, nameLines...)
	all = append(all, price, in.PriceSuffix)
	all = append(all, copyLines...)
	all = append(all, byLines...)
	all = append(all, hintLines...)
	initial := placeholderRune(in.Name)
	if in.Image == nil && initial != 0 {
		all = append(all, string(initial))
	}
	if miss := f.Missing(strings.Join(all, "")); len(miss) > 0 {
		return nil, fmt.Errorf("%w: the font %s (%s) has no glyph for %q", ErrNoFont, f.Name, f.Path, string(miss))
	}
	bits, err := link.QRModules(in.URL) // level Q, checked to read back, quiet zone included
	if err != nil {
		return nil, fmt.Errorf("poster: QR code for %q: %w", in.URL, err)
	}

	img := image.NewRGBA(image.Rect(0, 0, Width, Height))
	draw.Draw(img, img.Bounds(), image.NewUniform(white), image.Point{}, draw.Src)

	// The picture: a square, cropped to cover.
	pic := image.Rect(0, 0, Width, Width)
	if in.Image != nil {
		draw.CatmullRom.Scale(img, pic, in.Image, cover(in.Image.Bounds(), pic), draw.Src, nil)
	} else {
		draw.Draw(img, pic, image.NewUniform(panel), image.Point{}, draw.Src)
		if initial != 0 {
			s := string(initial)
			w := font.MeasureString(faces.initial, s).Round()
			text(img, faces.initial, panelInk, (Width-w)/2, Width/2+80, s)
		}
	}

	y := Width + 64
	for _, l := range nameLines {
		text(img, faces.name, ink, margin, y, l)
		y += 56
	}
	y += 36
	x := text(img, faces.price, red, margin, y, price)
	if in.PriceSuffix != "" {
		text(img, faces.copy, red, x+8, y, in.PriceSuffix)
	}
	y += 54
	for _, l := range copyLines {
		text(img, faces.copy, grey, margin, y, l)
	}
	draw.Draw(img, image.Rect(margin, 1060, Width-margin, 1062), image.NewUniform(rule), image.Point{}, draw.Src)

	// The QR code: whole pixels per module, the quiet zone included, on the right.
	const qrBox, qrX, qrY = 240, Width - margin - 240, 1078
	mod := qrBox / len(bits)
	off := (qrBox - mod*len(bits)) / 2
	black := image.NewUniform(color.Black)
	for row, line := range bits {
		for col, on := range line {
			if on {
				r := image.Rect(qrX+off+col*mod, qrY+off+row*mod, qrX+off+(col+1)*mod, qrY+off+(row+1)*mod)
				draw.Draw(img, r, black, image.Point{}, draw.Src)
			}
		}
	}

	y = 1150
	for _, l := range byLines {
		text(img, faces.by, ink, margin, y, l)
		y += 44
	}
	y += 20
	for _, l := range hintLines {
		text(img, faces.hint, light, margin, y, l)
		y += 36
	}
	return img, nil
}

// Encode writes img as a PNG.
func Encode(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("encode poster: %w", err)
	}
	return buf.Bytes(), nil
}

type faces struct{ name, price, copy, by, hint, initial font.Face }

func newFaces(f *Font) (faces, error) {
	var out faces
	for _, s := range []struct {
		dst  *font.Face
		size float64
	}{{&out.name, 40}, {&out.price, 60}, {&out.copy, 28}, {&out.by, 32}, {&out.hint, 26}, {&out.initial, 240}} {
		face, err := f.Face(s.size)
		if err != nil {
			return out, err
		}
		*s.dst = face
	}
	return out, nil
}

// Face returns a face of f at size pixels. A face is not safe for concurrent use: make one per
// drawing.
func (f *Font) Face(size float64) (font.Face, error) {
	face, err := opentype.NewFace(f.font, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return nil, fmt.Errorf("poster font %s at %v px: %w", f.Path, size, err)
	}
	return face, nil
}

// text draws s with its baseline at y and returns the x where it ends.
func text(dst draw.Image, face font.Face, c color.Color, x, y int, s string) int {
	d := font.Drawer{Dst: dst, Src: image.NewUniform(c), Face: face, Dot: fixed.P(x, y)}
	d.DrawString(s)
	return d.Dot.X.Round()
}

// cover is the centred part of src with the shape of dst.
func cover(src, dst image.Rectangle) image.Rectangle {
	sw, sh, dw, dh := src.Dx(), src.Dy(), dst.Dx(), dst.Dy()
	if sw*dh > sh*dw { // wider than dst: crop the sides
		w := sh * dw / dh
		x := src.Min.X + (sw-w)/2
		return image.Rect(x, src.Min.Y, x+w, src.Max.Y)
	}
	h := sw * dh / dw
	y := src.Min.Y + (sh-h)/2
	return image.Rect(src.Min.X, y, src.Max.X, y+h)
}

func placeholderRune(name string) rune {
	for _, r := range name {
		if !strings.ContainsRune(" \t", r) {
			return r
		}
	}
	return 0
}

// wrap breaks s into lines no wider than width, by each rune's advance (Chinese has no spaces to
// break at); a Latin word is kept whole when the line has a space to break at. Text beyond
// maxLines is cut and the last line ends with an ellipsis.
func wrap(face font.Face, s string, width, maxLines int) []string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return nil
	}
	limit := fixed.I(width)
	var lines []string
	runes := []rune(s)
	for len(runes) > 0 && len(lines) < maxLines {
		n, w := 0, fixed.Int26_6(0)
		for n < len(runes) {
			adv, _ := face.GlyphAdvance(runes[n])
			if n > 0 {
				adv += face.Kern(runes[n-1], runes[n])
			}
			if w+adv > limit && n > 0 {
				break
			}
			w += adv
			n++
		}
		if n < len(runes) && latin(runes[n]) && latin(runes[n-1]) {
			for i := n - 1; i > 0; i-- {
				if runes[i] == ' ' {
					n = i
					break
				}
			}
		}
		lines = append(lines, strings.TrimSpace(string(runes[:n])))
		runes = []rune(strings.TrimLeft(string(runes[n:]), " "))
	}
	if len(runes) > 0 {
		last := []rune(lines[len(lines)-1])
		for len(last) > 0 && font.MeasureString(face, string(last)+"…") > limit {
			last = last[:len(last)-1]
		}
		lines[len(lines)-1] = strings.TrimSpace(string(last)) + "…"
	}
	return lines
}

func latin(r rune) bool { return r < 0x2E80 && r != ' ' }
