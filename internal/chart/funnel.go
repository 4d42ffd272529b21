package chart

import (
	"fmt"
	"html/template"
	"strconv"
)

// Funnel shows how many of each step reach the next: clicks → orders → paid → completed.
type Funnel struct {
	Title, Desc string
	Steps       []Step
	Unit        Unit // Count("") when zero
}

// Step is one stage with its count.
type Step struct {
	Label string
	Count int64
}

const (
	funnelW    = 480.0
	funnelStep = 34.0
	funnelGap  = 22.0
)

// Conversion is part/whole as a percentage with one decimal ("12.5%"), rounded half up in
// integer arithmetic; "–" when whole is zero.
func Conversion(part, whole int64) string {
	if whole <= 0 {
		return "–"
	}
	permille := (part*1000 + whole/2) / whole
	return strconv.FormatInt(permille/10, 10) + "." + strconv.FormatInt(permille%10, 10) + "%"
}

// SVG draws the funnel: a centred bar per step, as wide as its share of the widest, its count
// on it, and the conversion from the step above between them.
func (c Funnel) SVG() template.HTML {
	u := c.Unit
	if u.Scale == 0 {
		u = Count("")
	}
	var most int64
	labelW := 0.0
	labels := make([]string, len(c.Steps))
	for i, st := range c.Steps {
		most = max(most, st.Count)
		labels[i], _ = truncate(st.Label, 6)
		labelW = max(labelW, textWidth(labels[i]))
	}
	left, right := labelW+12, funnelW-8
	h := 8 + float64(len(c.Steps))*funnelStep + float64(max(len(c.Steps)-1, 0))*funnelGap + 8
	desc := c.Desc
	if desc == "" {
		desc = c.describe(u)
	}
	s := open("funnel", c.Title, desc, funnelW, h, fmt.Sprint(c.Steps))
	mid := (left + right) / 2
	y := 8.0
	for i, st := range c.Steps {
		if i > 0 {
			s.text(mid, y+funnelGap*0.7, "middle", muted, "↓ "+Conversion(st.Count, c.Steps[i-1].Count))
			y += funnelGap
		}
		w := 0.0
		if most > 0 && st.Count > 0 {
			w = max(2, float64(st.Count)/float64(most)*(right-left))
		}
		fmt.Fprintf(&s.b, `<g class="chart-item"><title>%s %s</title>`, esc(st.Label), esc(u.Format(st.Count)))
		fmt.Fprintf(&s.b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`, num(mid-w/2), num(y), num(w), num(funnelStep), palette[(i+1)%len(palette)])
		s.text(left-6, y+funnelStep/2+fontSize*0.35, "end", "#1d2129", labels[i])
		// The count sits on the bar in white when it fits, beside it in black when it does not.
		count := u.Format(st.Count)
		if textWidth(count)+8 < w {
			s.text(mid, y+funnelStep/2+fontSize*0.35, "middle", "#ffffff", count, ` font-weight="bold"`)
		} else {
			s.text(mid+w/2+4, y+funnelStep/2+fontSize*0.35, "start", "#1d2129", count)
		}
		s.b.WriteString(`</g>`)
		y += funnelStep
	}
	return s.close()
}

func (c Funnel) describe(u Unit) string {
	out := ""
	for i, st := range c.Steps {
		if i > 0 {
			out += " → " + Conversion(st.Count, c.Steps[i-1].Count) + " → "
		}
		out += st.Label + " " + u.Format(st.Count)
	}
	return out
}
