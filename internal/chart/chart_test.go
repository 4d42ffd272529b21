package chart

import (
	"encoding/xml"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestNiceTicks(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		n      int
		want   string
		dec    int
	}{
		{0, 100, 5, "0 20 40 60 80 100", 0},
		{0, 122.24, 5, "0 50 100 150", 0},
		{0, 109.9, 5, "0 50 100 150", 0},
		{-30, 70, 5, "-40 -20 0 20 40 60 80", 0},
		{0, 0.07, 5, "0 0.02 0.04 0.06 0.08", 2},
		{0.1, 0.3, 3, "0.1 0.2 0.3", 1}, // no 0.30000000000000004
		{5, 5, 5, "0 1 2 3 4 5", 0},     // a single value starts at zero
		{-5, -5, 5, "-5 -4 -3 -2 -1 0", 0},
		{0, 0, 5, "0 0.2 0.4 0.6 0.8 1", 1}, // nothing at all
		{0, 9999999999.99, 5, "0 2000000000 4000000000 6000000000 8000000000 10000000000", 0},
		{70, -30, 5, "-40 -20 0 20 40 60 80", 0}, // reversed
		{0, 3, 2, "0 5", 0},
	} {
		got := NiceTicks(c.lo, c.hi, c.n)
		var s []string
		for _, v := range got.Values {
			s = append(s, strconv.FormatFloat(v, 'f', -1, 64))
		}
		if strings.Join(s, " ") != c.want || got.Decimals != c.dec {
			t.Errorf("NiceTicks(%v, %v, %d) = %v (%d decimals), want %s (%d)", c.lo, c.hi, c.n, s, got.Decimals, c.want, c.dec)
		}
	}
	// Counts tick in whole numbers even when there are none.
	if got := Count("次").ticks(0, 0, 5); fmt.Sprint(got.Values) != "[0 1 2 3 4]" {
		t.Errorf("count ticks %v", got.Values)
	}
}

func TestUnitFormat(t *testing.T) {
	for _, c := range []struct {
		u    Unit
		v    int64
		want string
	}{
		{Yuan, 123456, "¥1,234.56"}, {Yuan, 5, "¥0.05"}, {Yuan, -5, "-¥0.05"}, {Yuan, 0, "¥0.00"}, {Yuan, 999999999999, "¥9,999,999,999.99"},
		{Count("次"), 1234, "1,234次"}, {Count(""), 0, "0"}, {Unit{Scale: 100, Decimals: 1, Suffix: " 元"}, 1299, "12.9 元"},
	} {
		if got := c.u.Format(c.v); got != c.want {
			t.Errorf("%+v.Format(%d) = %q, want %q", c.u, c.v, got, c.want)
		}
	}
	if got, want := Yuan.tick(1500.5, 1), "¥1,500.5"; got != want {
		t.Errorf("tick %q", got)
	}
}

func TestConversion(t *testing.T) {
	for _, c := range []struct {
		part, whole int64
		want        string
	}{{120, 1000, "12.0%"}, {100, 120, "83.3%"}, {90, 100, "90.0%"}, {1, 3, "33.3%"}, {2, 3, "66.7%"}, {0, 0, "–"}, {5, 0, "–"}, {3, 2, "150.0%"}} {
		if got := Conversion(c.part, c.whole); got != c.want {
			t.Errorf("Conversion(%d, %d) = %s, want %s", c.part, c.whole, got, c.want)
		}
	}
}

const hostile = `<script>alert("x")</script> & 'q'`

// parse checks the SVG is well-formed XML and returns its text content and attribute values.
func parse(t *testing.T, h template.HTML) (texts []string, root xml.StartElement) {
	t.Helper()
	out := string(h)
	for _, bad := range []string{"NaN", "Inf", "<script"} {
		if strings.Contains(out, bad) {
			t.Fatalf("SVG holds %q:\n%s", bad, out)
		}
	}
	d := xml.NewDecoder(strings.NewReader(out))
	first := true
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not XML: %v\n%s", err, out)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			if first {
				root, first = x, false
			}
		case xml.CharData:
			if s := strings.TrimSpace(string(x)); s != "" {
				texts = append(texts, s)
			}
		}
	}
	attr := map[string]string{}
	for _, a := range root.Attr {
		attr[a.Name.Local] = a.Value
	}
	if root.Name.Local != "svg" || attr["role"] != "img" || !strings.HasPrefix(attr["viewBox"], "0 0 480 ") || attr["width"] != "100%" ||
		!strings.Contains(attr["aria-labelledby"], "-title") {
		t.Fatalf("root %+v", attr)
	}
	return texts, root
}

func has(texts []string, want ...string) error {
	all := "\n" + strings.Join(texts, "\n") + "\n"
	for _, w := range want {
		if !strings.Contains(all, "\n"+w+"\n") {
			return fmt.Errorf("no text %q in %q", w, texts)
		}
	}
	return nil
}

func days(n int) []time.Time {
	var d []time.Time
	for i := range n {
		d = append(d, time.Date(2026, 2, 1+i, 0, 0, 0, 0, time.UTC))
	}
	return d
}

func TestLine(t *testing.T) {
	c := Line{Title: "每日销售额", Dates: days(30), Unit: Yuan, XLabel: "日期", YLabel: "销售额（元）", Series: []Series{
		{Name: "销售额", Values: make([]int64, 30)}, {Name: "佣金", Values: make([]int64, 30)}}}
	c.Series[0].Values[29], c.Series[0].Values[28], c.Series[1].Values[29] = 12224, 1234, 1098
	texts, _ := parse(t, c.SVG())
	// Title, legend, axis labels with units, ticks ¥0 … ¥150, the last date, a point's tooltip.
	if err := has(texts, "每日销售额", "销售额", "佣金", "日期", "销售额（元）", "¥0", "¥50", "¥150", "03-02", "销售额 2026-03-02 ¥122.24"); err != nil {
		t.Fatal(err)
	}
	out := string(c.SVG())
	if !strings.Contains(out, `stroke-dasharray="7 4"`) || strings.Count(out, "<polyline") != 2 {
		t.Fatal("the second series is not dashed, or a line is missing")
	}
	if !strings.Contains(out, "2026-02-01 – 2026-03-02; 销售额: ¥0.00 – ¥122.24; 佣金: ¥0.00 – ¥10.98") {
		t.Fatalf("description:\n%s", out)
	}

	// All zero, one point, no series, counts: still well-formed, with an axis.
	for _, c := range []Line{
		{Title: "空", Dates: days(7), Unit: Yuan, Series: []Series{{Name: "销售额", Values: make([]int64, 7)}}},
		{Title: "一点", Dates: days(1), Unit: Count("次"), Series: []Series{{Name: "点击", Values: []int64{42}}}},
		{Title: "无", Unit: Yuan},
		{Title: "负", Dates: days(3), Unit: Yuan, Series: []Series{{Name: "净额", Values: []int64{-500, 0, 300}}}},
	} {
		texts, _ := parse(t, c.SVG())
		if err := has(texts, c.Title); err != nil {
			t.Error(err)
		}
		if c.Title == "一点" {
			if err := has(texts, "0次", "50次", "02-01", "点击 2026-02-01 42次"); err != nil {
				t.Error(err)
			}
		}
		if c.Title == "负" {
			if err := has(texts, "-¥6", "¥0", "¥4"); err != nil {
				t.Error(err)
			}
		}
	}

	// Hostile names are escaped.
	texts, _ = parse(t, Line{Title: hostile, Desc: hostile, XLabel: hostile, Dates: days(2), Unit: Yuan,
		Series: []Series{{Name: hostile, Values: []int64{1, 2}}, {Name: "b", Values: []int64{3, 4}}}}.SVG())
	if err := has(texts, hostile); err != nil {
		t.Fatal(err)
	}
}

func TestBars(t *testing.T) {
	c := Bars{Title: "分销商销售额排行", Unit: Yuan, XLabel: "销售额（元）", Items: []Bar{
		{Label: "王小明", Value: 1234567}, {Label: "杭州西湖区茶叶专营店（旗舰）", Value: 500000}, {Label: hostile, Value: 1}, {Label: "退款多", Value: -300}}}
	out := c.SVG()
	texts, _ := parse(t, out)
	if err := has(texts, "分销商销售额排行", "销售额（元）", "王小明", "¥12,345.67", "杭州西湖区茶叶…", "杭州西湖区茶叶专营店（旗舰） ¥5,000.00",
		"¥0", "¥5,000", "¥15,000", "-¥3.00", `<script…`); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), `<title>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;q&#39; ¥0.01</title>`) {
		t.Fatalf("hostile label's tooltip:\n%s", out)
	}
	// Widths in proportion: the first bar is the longest, the negative one has none.
	if strings.Count(string(out), `width="0"`) != 1 {
		t.Fatalf("negative bar:\n%s", out)
	}
	parse(t, Bars{Title: "空", Unit: Count("单")}.SVG())
	parse(t, Bars{Title: "零", Unit: Count("单"), Items: []Bar{{Label: "a"}}}.SVG())
}

func TestFunnel(t *testing.T) {
	c := Funnel{Title: "转化漏斗", Steps: []Step{{"点击", 1000}, {"下单", 120}, {"付款", 100}, {"完成", 90}}}
	texts, _ := parse(t, c.SVG())
	if err := has(texts, "转化漏斗", "点击", "1,000", "↓ 12.0%", "↓ 83.3%", "↓ 90.0%", "完成 90"); err != nil {
		t.Fatal(err)
	}
	texts, _ = parse(t, Funnel{Title: "无", Steps: []Step{{"点击", 0}, {"下单", 0}}}.SVG())
	if err := has(texts, "↓ –"); err != nil {
		t.Fatal(err)
	}
	texts, _ = parse(t, Funnel{Title: hostile, Steps: []Step{{hostile, 1}}}.SVG())
	if err := has(texts, hostile); err != nil {
		t.Fatal(err)
	}
}
