package chart

import (
	"fmt"
	"html/template"
)

// Bars is a ranking: one horizontal bar per item, in the order given (largest first, as a
// leaderboard reads).
type Bars struct {
	Title, Desc string
	Items       []Bar
	Unit        Unit
	// XLabel names the value axis with its unit ("销售额（元）").
	XLabel string
	// LabelRunes is how many characters of a label show before an ellipsis (the full label is
	// the bar's tooltip); 0 is 8.
	LabelRunes int
}

// Bar is one ranked item. A negative value draws no bar; its figure still shows.
type Bar struct {
	Label string
	Value int64
}

const (
	barsW   = 480.0
	barRow  = 30.0
	barSize = 20.0
)

// SVG draws the chart.
func (c Bars) SVG() template.HTML {
	runes := c.LabelRunes
	if runes <= 0 {
		runes = 8
	}
	var hi int64
	labelW, valueW := 0.0, 0.0
	labels := make([]string, len(c.Items))
	for i, it := range c.Items {
		hi = max(hi, it.Value)
		labels[i], _ = truncate(it.Label, runes) // the bar's <title> has it in full
		labelW = max(labelW, textWidth(labels[i]))
		valueW = max(valueW, textWidth(c.Unit.Format(it.Value)))
	}
	scale := float64(max(c.Unit.Scale, 1))
	ticks := c.Unit.ticks(0, float64(hi)/scale, 4)
	last := ticks.Values[len(ticks.Values)-1]
	top := 8.0
	left := labelW + 12
	right := barsW - valueW - 10
	bottom := top + float64(len(c.Items))*barRow
	h := bottom + fontSize + 12
	if c.XLabel != "" {
		h += fontSize + 6
	}
	desc := c.Desc
	if desc == "" {
		desc = c.describe()
	}
	s := open("bars", c.Title, desc, barsW, h, fmt.Sprint(c.Items))
	x := func(v float64) float64 { return left + v/last*(right-left) }
	for _, t := range ticks.Values {
		s.line(x(t), top, x(t), bottom, gridLine)
		s.text(x(t), bottom+fontSize+4, "middle", muted, c.Unit.tick(t, ticks.Decimals))
	}
	for i, it := range c.Items {
		y := top + float64(i)*barRow
		full := it.Label + " " + c.Unit.Format(it.Value)
		fmt.Fprintf(&s.b, `<g class="chart-item"><title>%s</title>`, esc(full))
		w := 0.0
		if it.Value > 0 {
			w = max(1, x(float64(it.Value)/scale)-left)
		}
		fmt.Fprintf(&s.b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`, num(left), num(y+(barRow-barSize)/2), num(w), num(barSize), palette[1])
		s.text(left-6, y+barRow/2+fontSize*0.35, "end", "#1d2129", labels[i])
		s.text(left+w+4, y+barRow/2+fontSize*0.35, "start", "#1d2129", c.Unit.Format(it.Value))
		s.b.WriteString(`</g>`)
	}
	s.line(left, top, left, bottom, muted)
	if c.XLabel != "" {
		s.text((left+right)/2, h-6, "middle", muted, c.XLabel)
	}
	return s.close()
}

func (c Bars) describe() string {
	out := ""
	for i, it := range c.Items {
		if i > 0 {
			out += "; "
		}
		out += fmt.Sprintf("%d. %s %s", i+1, it.Label, c.Unit.Format(it.Value))
	}
	return out
}
