package poster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"

	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
)

// EnvFont names the font file an operator chooses (FENXIAO_POSTER_FONT).
const EnvFont = "FENXIAO_POSTER_FONT"

// ErrNoFont is returned (wrapped, with the details) when no font can draw the poster's text.
// The HTTP layers answer it with 503 and the code poster_font_missing.
var ErrNoFont = errors.New("no CJK font for posters: install fonts-wqy-zenhei (apt-get install fonts-wqy-zenhei) or set " + EnvFont + " to a .ttf/.ttc/.otf with Chinese glyphs")

// probe is text every poster font must draw: common hanzi, the yuan sign and digits. A font
// without them is not a CJK font, whatever its name says.
const probe = "的一是不了人我在有这中大来上个们和你好品新价元商店买卖扫码推荐长按识别二维码¥0123456789."

// Font is a parsed font file that can draw Chinese.
type Font struct {
	Path string
	Name string
	font *opentype.Font
}

// Missing returns the runes of text that f has no glyph for (drawing them would show tofu
// boxes). White space and invisible format characters are never drawn, so never missing.
func (f *Font) Missing(text string) []rune {
	var buf sfnt.Buffer
	var out []rune
	for _, r := range text {
		if unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Mn, r) || unicode.IsControl(r) || slices.Contains(out, r) {
			continue
		}
		if gi, err := f.font.GlyphIndex(&buf, r); err != nil || gi == 0 {
			out = append(out, r)
		}
	}
	return out
}

// LoadFont reads path (a .ttf, .otf, .ttc or .otc) and returns its first face that draws the
// probe text; an error that says why when none does.
func LoadFont(path string) (*Font, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read poster font: %w", err)
	}
	faces := 1
	coll, collErr := opentype.ParseCollection(src)
	if collErr == nil {
		faces = coll.NumFonts()
	}
	var lacks []rune
	for i := range faces {
		var f *opentype.Font
		err := collErr
		if coll != nil {
			f, err = coll.Font(i)
		}
		if err != nil {
			// Tables off four-byte boundaries (see alignedFace) are the usual cause.
			b, aerr := alignedFace(src, i)
			if aerr != nil {
				return nil, fmt.Errorf("parse poster font %s face %d: %w", path, i, err)
			}
			if f, err = opentype.Parse(b); err != nil {
				return nil, fmt.Errorf("parse poster font %s face %d: %w", path, i, err)
			}
		}
		var buf sfnt.Buffer
		name, _ := f.Name(&buf, sfnt.NameIDFull)
		ft := &Font{Path: path, Name: name, font: f}
		if lacks = ft.Missing(probe); len(lacks) == 0 {
			return ft, nil
		}
	}
	return nil, fmt.Errorf("%w (%s has no glyph for %q)", ErrNoFont, path, string(lacks[:min(len(lacks), 8)]))
}

// Candidates are the font files tried, in order, when no font is configured: the Debian
// packages' paths first (fonts-wqy-zenhei, fonts-wqy-microhei, fonts-noto-cjk), then any file
// under the font directories whose name says CJK.
var Candidates = []string{
	"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
	"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
	"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
	"/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
	"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
	"/System/Library/Fonts/PingFang.ttc",
	"/System/Library/Fonts/STHeiti Medium.ttc",
}

// FontDirs are walked after the fixed candidates.
var FontDirs = []string{"/usr/share/fonts", "/usr/local/share/fonts"}

var cjkNameHints = []string{"cjk", "wqy", "sourcehan", "source-han", "hei", "song", "kai", "ming", "fallback", "pingfang", "yahei", "simsun", "simhei", "noto sans sc", "notosanssc", "sc-", "zh"}

// FindFont returns the poster font: the configured path when set (and only it, so an operator's
// mistake is reported rather than papered over), else the first usable of Candidates, of the
// CJK-named files under FontDirs, and of what fc-match proposes for Chinese.
func FindFont(configured string) (*Font, error) {
	if configured != "" {
		return LoadFont(configured)
	}
	tried := map[string]bool{}
	try := func(p string) *Font {
		if p == "" || tried[p] {
			return nil
		}
		tried[p] = true
		if _, err := os.Stat(p); err != nil {
			return nil
		}
		f, err := LoadFont(p)
		if err != nil {
			return nil
		}
		return f
	}
	for _, p := range Candidates {
		if f := try(p); f != nil {
			return f, nil
		}
	}
	for _, dir := range FontDirs {
		var found []string
		_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			name := strings.ToLower(d.Name())
			ext := filepath.Ext(name)
			if ext != ".ttf" && ext != ".ttc" && ext != ".otf" && ext != ".otc" {
				return nil
			}
			for _, h := range cjkNameHints {
				if strings.Contains(name, h) {
					found = append(found, p)
					break
				}
			}
			return nil
		})
		slices.Sort(found)
		for _, p := range found {
			if f := try(p); f != nil {
				return f, nil
			}
		}
	}
	if f := try(fcMatch()); f != nil {
		return f, nil
	}
	return nil, ErrNoFont
}

// fcMatch asks fontconfig, when installed, for its best Chinese font file (a variable so
// tests can take it away).
var fcMatch = func() string {
	bin, err := exec.LookPath("fc-match")
	if err != nil {
		return ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "-f", "%{file}", ":lang=zh-cn").Output()
	if err != nil {
		return ""
	}
	return string(bytes.TrimSpace(out))
}
