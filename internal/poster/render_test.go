package poster

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/image/font/opentype"
)

// cjkFont is the system's CJK font. CI installs fonts-wqy-zenhei (.ci/run), so there a missing
// font fails the test; elsewhere the test says what to install and skips.
func cjkFont(t testing.TB) *Font {
	t.Helper()
	f, err := FindFont(os.Getenv(EnvFont))
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI must have a CJK font: %v", err)
		}
		t.Skipf("no CJK font on this machine (apt-get install fonts-wqy-zenhei): %v", err)
	}
	return f
}

const teaName = "西湖龙井 明前特级绿茶 250g 礼盒装（送长辈）"

// inkOf counts the dark pixels of img inside r.
func inkOf(img image.Image, r image.Rectangle, dark func(color.Color) bool) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if dark(img.At(x, y)) {
				n++
			}
		}
	}
	return n
}

func darker(limit uint32) func(color.Color) bool {
	return func(c color.Color) bool {
		r, g, b, _ := c.RGBA()
		return (r+g+b)/3>>8 < limit
	}
}

// Each Chinese character is found in the font and draws its own shape: non-empty ink, and no
// two characters the same bitmap (a font without them would draw one identical box for all).
func TestChineseCharactersHaveGlyphsAndInk(t *testing.T) {
	f := cjkFont(t)
	if miss := f.Missing(teaName + "¥…为你推荐长按识别二维码"); len(miss) > 0 {
		t.Fatalf("%s lacks %q", f.Path, string(miss))
	}
	face, err := f.Face(40)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]rune{}
	for _, r := range "西湖龙井明前特级绿茶礼盒装送长辈为你推荐" {
		img := image.NewGray(image.Rect(0, 0, 48, 48))
		draw := image.NewUniform(color.White)
		_ = draw
		text(img, face, color.White, 4, 40, string(r))
		n := inkOf(img, img.Bounds(), func(c color.Color) bool { return c.(color.Gray).Y > 128 })
		if n < 20 {
			t.Errorf("%q drew %d pixels of ink", r, n)
		}
		sig := string(img.Pix)
		if prev, dup := seen[sig]; dup {
			t.Errorf("%q and %q drew the same bitmap: a missing-glyph box", prev, r)
		}
		seen[sig] = r
	}
}

// A full poster with a Chinese name: every region carries ink where text was drawn, the
// picture fills the top, and the PNG is left in artifacts/screenshots/poster.png.
func TestRenderPoster(t *testing.T) {
	f := cjkFont(t)
	in := Input{Name: teaName, PriceFen: 12834, PriceSuffix: "起", Copy: "明前采摘，豆香浓郁，回甘持久。一杯好茶，送给最重要的人。",
		ByLine: "王小明 为你推荐", Hint: "长按识别二维码，立即购买", URL: "https://shop.example.com/s/p/7?ref=K7Q2M9",
		Image: gradient(1200, 900)}
	img, err := Render(f, in)
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds() != image.Rect(0, 0, Width, Height) {
		t.Fatalf("size %v", img.Bounds())
	}
	dark := darker(100)
	for _, c := range []struct {
		what string
		r    image.Rectangle
		min  int
	}{
		{"name, first line", image.Rect(margin, 780, Width-margin, 830), 500},
		{"name, second line", image.Rect(margin, 836, Width-margin, 886), 200},
		{"by-line", image.Rect(margin, 1115, 450, 1160), 200},
		{"QR code", image.Rect(Width-margin-240, 1078, Width-margin, 1318), 5000},
	} {
		if n := inkOf(img, c.r, dark); n < c.min {
			t.Errorf("%s: %d dark pixels in %v, want at least %d", c.what, n, c.r, c.min)
		}
	}
	if n := inkOf(img, image.Rect(margin, 910, 400, 970), func(c color.Color) bool {
		r, g, b, _ := c.RGBA()
		return r>>8 > 200 && g>>8 < 100 && b>>8 < 100
	}); n < 300 {
		t.Errorf("price: %d red pixels", n)
	}
	// The QR code keeps a white quiet zone: its outer ring of 8 px has no ink.
	if n := inkOf(img, image.Rect(Width-margin-240, 1078, Width-margin, 1086), dark); n != 0 {
		t.Errorf("QR quiet zone has %d dark pixels", n)
	}
	// The picture is drawn (not the placeholder's flat colour): its corners differ.
	if img.At(5, 5) == img.At(Width-5, Width-5) {
		t.Error("the product picture was not drawn")
	}
	b, err := Encode(img)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(bytes.NewReader(b)); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("..", "..", "artifacts", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "poster.png"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	in.Image, in.Name = nil, "云南普洱"
	img, err = Render(f, in)
	if err != nil {
		t.Fatal(err)
	}
	if n := inkOf(img, image.Rect(0, 0, Width, Width), func(c color.Color) bool { return c == color.Color(panelInk) }); n < 2000 {
		t.Errorf("placeholder panel shows no initial: %d pixels", n)
	}
	b, _ = Encode(img)
	_ = os.WriteFile(filepath.Join(dir, "poster-placeholder.png"), b, 0o644)
}

func gradient(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(60 + x*120/w), uint8(140 + y*80/h), 90, 255})
		}
	}
	return img
}

// A font without Chinese (DejaVu) is refused, whether configured or handed to Render.
func TestFontWithoutCJKRefused(t *testing.T) {
	const dejavu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
	if _, err := os.Stat(dejavu); err != nil {
		t.Skip("DejaVu is not installed (apt-get install fonts-dejavu-core)")
	}
	_, err := FindFont(dejavu)
	if !errors.Is(err, ErrNoFont) || !strings.Contains(err.Error(), "fonts-wqy-zenhei") || !strings.Contains(err.Error(), dejavu) {
		t.Fatalf("configured DejaVu: %v", err)
	}
	src, err := os.ReadFile(dejavu)
	if err != nil {
		t.Fatal(err)
	}
	of, err := opentype.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	latin := &Font{Path: dejavu, Name: "DejaVu Sans", font: of}
	_, err = Render(latin, Input{Name: "龙井", PriceFen: 100, URL: "https://x.example/s/"})
	if !errors.Is(err, ErrNoFont) || !strings.Contains(err.Error(), "龙井") {
		t.Fatalf("render with DejaVu: %v", err)
	}
	// Latin text alone draws with it: the check is about the characters, not the font's name.
	if _, err := Render(latin, Input{Name: "Coffee", PriceFen: 100, URL: "https://x.example/s/"}); err != nil {
		t.Fatalf("latin poster: %v", err)
	}
	// A search with nothing but DejaVu to find says what to install.
	saved, savedDirs, savedFC := Candidates, FontDirs, fcMatch
	t.Cleanup(func() { Candidates, FontDirs, fcMatch = saved, savedDirs, savedFC })
	Candidates, FontDirs, fcMatch = []string{dejavu}, []string{filepath.Dir(dejavu)}, func() string { return dejavu }
	if f, err := FindFont(""); !errors.Is(err, ErrNoFont) || !strings.Contains(err.Error(), "fonts-wqy-zenhei") {
		t.Fatalf("search without a CJK font: %v %v", f, err)
	}
}

// Without the fixed candidates the walk of the font directories finds a CJK-named file, and
// fc-match's answer is used last.
func TestFindFontOrder(t *testing.T) {
	want := cjkFont(t)
	saved, savedDirs, savedFC := Candidates, FontDirs, fcMatch
	t.Cleanup(func() { Candidates, FontDirs, fcMatch = saved, savedDirs, savedFC })
	Candidates, FontDirs, fcMatch = nil, []string{filepath.Dir(filepath.Dir(want.Path))}, func() string { return "" }
	if f, err := FindFont(""); err != nil || f.Path != want.Path {
		t.Fatalf("walk: %v %v, want %s", f, err, want.Path)
	}
	FontDirs, fcMatch = nil, func() string { return want.Path }
	if f, err := FindFont(""); err != nil || f.Path != want.Path {
		t.Fatalf("fc-match: %v %v", f, err)
	}
	// A configured font is the only one tried.
	if _, err := FindFont("/nonexistent/font.ttc"); err == nil || !strings.Contains(err.Error(), "/nonexistent/font.ttc") {
		t.Fatalf("configured missing font: %v", err)
	}
}

func TestWrap(t *testing.T) {
	f := cjkFont(t)
	face, err := f.Face(40) // wqy-zenhei: a hanzi is 40 px wide at 40 px
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		text  string
		width int
		max   int
		want  []string
	}{
		{"fits", "龙井茶", 400, 2, []string{"龙井茶"}},
		{"two lines by rune", "一二三四五六七八九十", 200, 2, []string{"一二三四五", "六七八九十"}},
		{"cut with ellipsis", "一二三四五六七八九十甲乙", 200, 2, []string{"一二三四五", "六七八九…"}},
		{"one line", "一二三四五六", 200, 1, []string{"一二三四…"}},
		{"latin word kept whole", "Arabica beans", 200, 2, []string{"Arabica", "beans"}},
		{"empty", "  ", 200, 2, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := wrap(face, c.text, c.width, c.max)
			if strings.Join(got, "|") != strings.Join(c.want, "|") {
				t.Errorf("wrap(%q, %d) = %q, want %q", c.text, c.width, got, c.want)
			}
		})
	}
}

func TestYuan(t *testing.T) {
	for fen, want := range map[int64]string{1234: "¥12.34", 5: "¥0.05", 123456789: "¥1,234,567.89", -250: "¥-2.50"} {
		if got := Yuan(fen); got != want {
			t.Errorf("Yuan(%d) = %q, want %q", fen, got, want)
		}
	}
}

func TestCacheBound(t *testing.T) {
	c := NewCache(10)
	c.Put("a", make([]byte, 4))
	c.Put("b", make([]byte, 4))
	c.Get("a") // a is now the most recent
	c.Put("c", make([]byte, 4))
	if _, ok := c.Get("b"); ok {
		t.Error("b should have been dropped first")
	}
	if _, ok := c.Get("a"); !ok {
		t.Error("a was dropped")
	}
	c.Put("huge", make([]byte, 11))
	if _, ok := c.Get("huge"); ok || c.Len() != 2 {
		t.Errorf("an entry over the bound was kept; len %d", c.Len())
	}
}

// BenchmarkRender is one poster drawn and encoded, with a 1200×900 picture.
func BenchmarkRender(b *testing.B) {
	f := cjkFont(b)
	in := Input{Name: teaName, PriceFen: 12834, Copy: "明前采摘，豆香浓郁，回甘持久。", ByLine: "王小明 为你推荐",
		Hint: "长按识别二维码，立即购买", URL: "https://shop.example.com/s/p/7?ref=K7Q2M9", Image: gradient(1200, 900)}
	for b.Loop() {
		img, err := Render(f, in)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Encode(img); err != nil {
			b.Fatal(err)
		}
	}
}
