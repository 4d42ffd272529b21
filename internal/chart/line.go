package chart

import (
	"fmt"
	"html/template"
	"strings"
	"time"
)

// Line is a trend: one or more series over the same dates.
type Line struct {
	Title string // the accessible name, also shown by browsers as a tooltip
	Desc  string // a sentence for screen readers; "" describes the series' ranges
	// Dates are the x values, oldest first, one per point of every series, shown in their own
	// location: pass them in the merchant's zone.
	Dates  []time.Time
	Series []Series
	Unit   Unit
	// XLabel and YLabel name the axes with their units ("日期", "销售额（元）").
	XLabel, YLabel string
	// DateFormat writes x labels; "" is 01-02.
	DateFormat string
}

// Series is one line: its name for the legend and a value per date.
type Series struct {
	Name   string
	Values []int64
}

const (
	lineW, lineH = 480.0, 300.0
	markersUpTo  = 62 // points per series that still get a marker with a tooltip
)

// SVG draws the chart.
func (c Line) SVG() template.HTML {
	n := len(c.Dates)
	lo, hi := int64(0), int64(0)
	for _, s := range c.Series {
		for _, v := range s.Values[:min(len(s.Values), n)] {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	scale := float64(max(c.Unit.Scale, 1))
	ticks := c.Unit.ticks(float64(lo)/scale, float64(hi)/scale, 5)
	labelW := 0.0
	for _, t := range ticks.Values {
		labelW = max(labelW, textWidth(c.Unit.tick(t, ticks.Decimals)))
	}
	desc := c.Desc
	if desc == "" {
		desc = c.describe()
	}
	s := open("line", c.Title, desc, lineW, lineH, fmt.Sprint(c.Dates, c.Series))

	// Legend rows on top, the y axis label under them, the plot, the dates and x label below.
	legendH := c.legend(s)
	top := legendH + fontSize*1.6
	if c.YLabel != "" {
		s.text(4, top-6, "start", muted, c.YLabel)
		top += 6
	}
	left := labelW + 10
	right := lineW - 24 // room for half the last date, centred on the last point
	bottom := lineH - fontSize*1.5 - 8
	if c.XLabel != "" {
		bottom -= fontSize + 4
	}
	first, last := ticks.Values[0], ticks.Values[len(ticks.Values)-1]
	y := func(v float64) float64 { return bottom - (v-first)/(last-first)*(bottom-top) }
	x := func(i int) float64 {
		if n <= 1 {
			return (left + right) / 2
		}
		return left + float64(i)*(right-left)/float64(n-1)
	}

	// Grid and y ticks.
	for _, t := range ticks.Values {
		stroke := gridLine
		if t == 0 {
			stroke = muted
		}
		s.line(left, y(t), right, y(t), stroke)
		s.text(left-6, y(t)+fontSize*0.35, "end", muted, c.Unit.tick(t, ticks.Decimals))
	}
	s.line(left, top, left, bottom, muted)

	// Dates: at most six labels, always the last.
	layout := c.DateFormat
	if layout == "" {
		layout = "01-02"
	}
	every := max(1, (n+5)/6)
	for i := n - 1; i >= 0; i -= every {
		s.line(x(i), bottom, x(i), bottom+4, muted)
		s.text(x(i), bottom+fontSize+4, "middle", muted, c.Dates[i].Format(layout))
	}
	if c.XLabel != "" {
		s.text((left+right)/2, lineH-6, "middle", muted, c.XLabel)
	}

	// The series, each a polyline with markers carrying the exact value.
	for k, ser := range c.Series {
		colour, dash := palette[k%len(palette)], dashes[k%len(dashes)]
		var pts []string
		for i := 0; i < n && i < len(ser.Values); i++ {
			pts = append(pts, num(x(i))+","+num(y(float64(ser.Values[i])/scale)))
		}
		if len(pts) > 1 {
			fmt.Fprintf(&s.b, `<polyline fill="none" stroke="%s" stroke-width="2.5" stroke-linejoin="round"%s points="%s"/>`,
				colour, dashAttr(dash), strings.Join(pts, " "))
		}
		if len(pts) <= markersUpTo {
			for i := range pts {
				fmt.Fprintf(&s.b, `<circle cx="%s" cy="%s" r="3.5" fill="%s"><title>%s %s %s</title></circle>`,
					num(x(i)), num(y(float64(ser.Values[i])/scale)), colour, esc(ser.Name), esc(c.Dates[i].Format("2006-01-02")), esc(c.Unit.Format(ser.Values[i])))
			}
		}
	}
	return s.close()
}

func dashAttr(d string) string {
	if d == "" {
		return ""
	}
	return fmt.Sprintf(` stroke-dasharray="%s"`, d)
}

// legend writes the series' names with a sample of their line, wrapping as needed, and returns
// the height it took.
func (c Line) legend(s *svg) float64 {
	if len(c.Series) < 2 { // one line is named by the y axis label
		return 0
	}
	x, y := 4.0, fontSize+2.0
	for k, ser := range c.Series {
		name, cut := truncate(ser.Name, 16)
		w := 28 + textWidth(name) + 16
		if x > 4 && x+w > lineW {
			x, y = 4, y+fontSize+8
		}
		colour, dash := palette[k%len(palette)], dashes[k%len(dashes)]
		s.b.WriteString(`<g class="chart-legend">`)
		if cut {
			fmt.Fprintf(&s.b, `<title>%s</title>`, esc(ser.Name))
		}
		s.line(x, y-fontSize*0.35, x+22, y-fontSize*0.35, colour, ` stroke-width="2.5"`, dashAttr(dash))
		s.text(x+28, y, "start", "#1d2129", name)
		s.b.WriteString(`</g>`)
		x += w
	}
	return y + 4
}

// describe sums the chart up for screen readers: each series' range and last value.
func (c Line) describe() string {
	var parts []string
	for _, ser := range c.Series {
		if len(ser.Values) == 0 {
			continue
		}
		lo, hi := ser.Values[0], ser.Values[0]
		for _, v := range ser.Values {
			lo, hi = min(lo, v), max(hi, v)
		}
		parts = append(parts, fmt.Sprintf("%s: %s – %s", ser.Name, c.Unit.Format(lo), c.Unit.Format(hi)))
	}
	if len(c.Dates) > 0 {
		parts = append([]string{c.Dates[0].Format("2006-01-02") + " – " + c.Dates[len(c.Dates)-1].Format("2006-01-02")}, parts...)
	}
	return strings.Join(parts, "; ")
}
