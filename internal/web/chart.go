package web

import (
	"fmt"
	"html"
	"strings"

	"github.com/rocca-project/rocca/internal/portfolio"
)

// trendChart draws the open findings over time as an SVG line chart with
// a text alternative (title and desc) and the first and last values
// written out, so the chart is readable without seeing it. Only numbers
// and HTML-escaped catalogue texts enter the markup.
func trendChart(l *Localizer, pts []portfolio.TrendPoint) string {
	const w, h, left, right, top, bottom = 640.0, 200.0, 48.0, 12.0, 12.0, 28.0
	if len(pts) == 0 {
		return ""
	}
	peak := 1
	for _, p := range pts {
		peak = max(peak, p.Open)
	}
	// A round top for the axis: 1, 2, 5 × 10^n.
	top10 := 1
	for top10*10 <= peak {
		top10 *= 10
	}
	axisMax := top10
	for _, m := range []int{1, 2, 5, 10} {
		if top10*m >= peak {
			axisMax = top10 * m
			break
		}
	}
	x := func(i int) float64 {
		if len(pts) == 1 {
			return left
		}
		return left + float64(i)*(w-left-right)/float64(len(pts)-1)
	}
	y := func(v int) float64 { return top + (h-top-bottom)*(1-float64(v)/float64(axisMax)) }
	var b strings.Builder
	first, last := pts[0], pts[len(pts)-1]
	title := html.EscapeString(l.T("dashboard.trend_title"))
	desc := html.EscapeString(l.T("dashboard.trend_desc", l.Date(first.Day), l.Num(first.Open), l.Date(last.Day), l.Num(last.Open), l.Num(peak)))
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %g %g" role="img" aria-labelledby="trend-title trend-desc" xmlns="http://www.w3.org/2000/svg">`, w, h)
	fmt.Fprintf(&b, `<title id="trend-title">%s</title><desc id="trend-desc">%s</desc>`, title, desc)
	for _, v := range []int{0, axisMax / 2, axisMax} {
		fmt.Fprintf(&b, `<line class="grid" x1="%g" y1="%.1f" x2="%g" y2="%.1f"/>`, left, y(v), w-right, y(v))
		fmt.Fprintf(&b, `<text class="axis" x="%g" y="%.1f" text-anchor="end">%s</text>`, left-6, y(v)+4, html.EscapeString(l.Num(v)))
	}
	var pts2 []string
	for i, p := range pts {
		pts2 = append(pts2, fmt.Sprintf("%.1f,%.1f", x(i), y(p.Open)))
	}
	fmt.Fprintf(&b, `<polyline class="line" points="%s"/>`, strings.Join(pts2, " "))
	fmt.Fprintf(&b, `<circle class="dot" cx="%.1f" cy="%.1f" r="4"/>`, x(len(pts)-1), y(last.Open))
	fmt.Fprintf(&b, `<text class="axis" x="%g" y="%g">%s</text>`, left, h-8, html.EscapeString(l.Date(first.Day)))
	fmt.Fprintf(&b, `<text class="axis" x="%g" y="%g" text-anchor="end">%s</text>`, w-right, h-8, html.EscapeString(l.Date(last.Day)))
	b.WriteString(`</svg>`)
	return b.String()
}
