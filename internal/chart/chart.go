// Package chart draws charts as SVG on the server: lines for trends, horizontal bars for
// rankings, a funnel for clicks → orders → paid → completed. Pages embed the result as is
// (template.HTML); no JavaScript, no external files.
//
// Every chart has a viewBox and width 100%, so it scales to its container; its text is sized
// to stay readable when a 390-px phone shrinks it (MaxWidth keeps a desktop from blowing it
// up). It is an image to assistive technology (role="img" with <title> and <desc>), and its
// colours are set as attributes, dark enough to print, with dash patterns telling the series
// apart in black and white. Every caller-supplied text is escaped.
package chart

import (
	"fmt"
	"hash/fnv"
	"html/template"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Unit says what the values of a chart count and how to write them.
type Unit struct {
	// Scale is how many value units make one shown unit: 100 for fen shown as yuan, 1 for
	// counts.
	Scale int64
	// Decimals is how many decimals a full value shows (2 for yuan); ticks show what their
	// step needs.
	Decimals int
	// Prefix and Suffix wrap a number: "¥" before yuan, "次" or " 单" after counts.
	Prefix, Suffix string
}

// Yuan shows fen as ¥1,234.56; Count shows integers with suffix.
var Yuan = Unit{Scale: 100, Decimals: 2, Prefix: "¥"}

// Count is a Unit for whole numbers with a suffix such as "次" (times) or "单" (orders).
func Count(suffix string) Unit { return Unit{Scale: 1, Suffix: suffix} }

// Format writes a value exactly, in integer arithmetic: 123456 fen → ¥1,234.56.
func (u Unit) Format(v int64) string {
	scale := max(u.Scale, 1)
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	s := group(strconv.FormatInt(v/scale, 10))
	if u.Decimals > 0 {
		frac := strconv.FormatInt(v%scale, 10)
		frac = strings.Repeat("0", max(0, digits(scale)-len(frac))) + frac
		frac = (frac + strings.Repeat("0", u.Decimals))[:u.Decimals]
		s += "." + frac
	}
	return sign + u.Prefix + s + u.Suffix
}

// tick writes a tick value in shown units with the decimals its step needs.
func (u Unit) tick(v float64, decimals int) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	whole, frac, _ := strings.Cut(s, ".")
	s = group(whole)
	if frac != "" {
		s += "." + frac
	}
	return sign + u.Prefix + s + u.Suffix
}

func digits(scale int64) int { return len(strconv.FormatInt(scale, 10)) - 1 }

// group writes 1234567 as 1,234,567.
func group(s string) string {
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// Ticks are nice axis values: a step of 1, 2 or 5 times a power of ten, from a multiple of the
// step at or below lo to one at or above hi (Heckbert, "Nice numbers for graph labels",
// Graphics Gems, 1990). Decimals is how many decimals the step needs. lo == hi widens to a
// range around the value; both zero gives 0 … 1.
type Ticks struct {
	Values   []float64
	Step     float64
	Decimals int
}

// NiceTicks spreads about n ticks (at least 2) over [lo, hi].
func NiceTicks(lo, hi float64, n int) Ticks {
	n = max(n, 2)
	if lo > hi {
		lo, hi = hi, lo
	}
	if lo == hi {
		switch {
		case hi == 0:
			hi = 1
		case hi > 0:
			lo = min(lo, 0)
			if lo == hi {
				hi *= 2
			}
		default:
			hi = 0
		}
	}
	span := niceNum(hi-lo, false)
	step := niceNum(span/float64(n-1), true)
	first := math.Floor(lo/step) * step
	last := math.Ceil(hi/step) * step
	t := Ticks{Step: step, Decimals: max(0, -int(math.Floor(math.Log10(step))))}
	for i := 0; ; i++ {
		v := first + float64(i)*step
		if v > last+step/2 {
			break
		}
		// Round away float residue (0.30000000000000004) at the step's precision.
		p := math.Pow(10, float64(t.Decimals))
		t.Values = append(t.Values, math.Round(v*p)/p+0) // +0 turns -0 into 0
	}
	return t
}

// ticks are NiceTicks for the unit: whole numbers for a unit without decimals (no 0.2 次).
func (u Unit) ticks(lo, hi float64, n int) Ticks {
	if u.Decimals == 0 && hi-lo < float64(n-1) {
		hi = max(hi, lo+float64(n-1))
	}
	return NiceTicks(lo, hi, n)
}

// niceNum is a 1, 2, 5 or 10 times a power of ten near x: rounded to the nearest when round,
// else the least not below x.
func niceNum(x float64, round bool) float64 {
	exp := math.Floor(math.Log10(x))
	f := x / math.Pow(10, exp)
	var nf float64
	switch {
	case round && f < 1.5:
		nf = 1
	case round && f < 3:
		nf = 2
	case round && f < 7:
		nf = 5
	case round:
		nf = 10
	case f <= 1:
		nf = 1
	case f <= 2:
		nf = 2
	case f <= 5:
		nf = 5
	default:
		nf = 10
	}
	return nf * math.Pow(10, exp)
}

// Colours of series, dark enough for print, with dash patterns for black and white.
var (
	palette = []string{"#c0392b", "#1f5fa8", "#2e7d32", "#6a3d9a", "#9a6700", "#37474f"}
	dashes  = []string{"", "7 4", "2 3", "9 3 2 3", "4 2", "1 2"}
)

const (
	fontSize = 14 // viewBox units; the charts are 480 wide, so 11.4 px on a 390-px phone
	muted    = "#5f6b7a"
	gridLine = "#d9dde3"
	// MaxWidth is how wide a chart grows on a large screen.
	MaxWidth = "720px"
)

// textWidth estimates how wide text runs at fontSize: East Asian characters are square, others
// about 0.6 of the size.
func textWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		if r >= 0x2E80 {
			w += fontSize
		} else {
			w += fontSize * 0.6
		}
	}
	return w
}

// truncate shortens s to at most n runes, the last an ellipsis.
func truncate(s string, n int) (string, bool) {
	if utf8.RuneCountInString(s) <= n {
		return s, false
	}
	r := []rune(s)
	return string(r[:max(n-1, 1)]) + "…", true
}

// esc escapes text for SVG (XML) content and attributes.
func esc(s string) string { return template.HTMLEscapeString(s) }

// num writes a coordinate with at most one decimal.
func num(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

// svg is a chart under construction.
type svg struct {
	b    strings.Builder
	id   string
	w, h float64
}

// open starts the document with its accessible name and description.
func open(kind, title, desc string, w, h float64, body string) *svg {
	hash := fnv.New32a()
	fmt.Fprint(hash, kind, title, desc, body)
	s := &svg{id: fmt.Sprintf("chart-%s-%08x", kind, hash.Sum32()), w: w, h: h}
	fmt.Fprintf(&s.b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-%s" viewBox="0 0 %s %s" width="100%%" `+
		`style="width:100%%;height:auto;max-width:%s" role="img" aria-labelledby="%s-title %s-desc" `+
		`font-family="system-ui, -apple-system, 'PingFang SC', 'Microsoft YaHei', sans-serif" font-size="%d">`,
		kind, num(w), num(h), MaxWidth, s.id, s.id, fontSize)
	fmt.Fprintf(&s.b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, s.id, esc(title), s.id, esc(desc))
	return s
}

func (s *svg) text(x, y float64, anchor, fill, text string, extra ...string) {
	fmt.Fprintf(&s.b, `<text x="%s" y="%s" text-anchor="%s" fill="%s"%s>%s</text>`, num(x), num(y), anchor, fill, strings.Join(extra, ""), esc(text))
}

func (s *svg) line(x1, y1, x2, y2 float64, stroke string, extra ...string) {
	fmt.Fprintf(&s.b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"%s/>`, num(x1), num(y1), num(x2), num(y2), stroke, strings.Join(extra, ""))
}

func (s *svg) close() template.HTML {
	s.b.WriteString(`</svg>`)
	return template.HTML(s.b.String()) //nolint:gosec // every text in it went through esc
}
