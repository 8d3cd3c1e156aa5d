package web

import (
	"net/http"
	"slices"

	"github.com/rocca-project/rocca/internal/feeds"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
)

// severityOrder is the order of the severity rows, most severe first.
var severityOrder = []string{"critical", "high", "medium", "low", "none", "unknown"}

// sevCount is one row of the dashboard's severity table.
type sevCount struct {
	Severity string
	Open     int
	KEV      int
}

// dashboardData is the dashboard's data.
type dashboardData struct {
	Total, KEV int
	// Triaged counts the open findings decided not_affected or fixed
	// (not counted in Total).
	Triaged    int
	Severities []sevCount
	Urgent     []store.ProductRisk
	Top        []store.OrgFinding
	Chart      string
	Feeds      []feeds.SourceStatus
	FeedsError bool
	// Products is the number of products (for the empty state).
	Products int
	// Clocks is the open clocks panel of CRA reporting (nil when off).
	Clocks *openClocks
	// KB is the knowledge base's size and last update (nil: unknown).
	KB *model.DatabaseInfo
}

func (w *Web) dashboard(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	ctx := r.Context()
	org := p.Org.OrgID
	d, err := w.o.Portfolio.Dashboard(ctx, org, w.o.Now())
	if err != nil {
		return err
	}
	l := w.localizer(r)
	data := dashboardData{Urgent: d.Urgent, Top: d.Top, Chart: trendChart(l, d.Trend), Triaged: d.Triaged}
	bySev := map[string]*sevCount{}
	for _, s := range severityOrder {
		data.Severities = append(data.Severities, sevCount{Severity: s})
	}
	for i := range data.Severities {
		bySev[data.Severities[i].Severity] = &data.Severities[i]
	}
	for _, c := range d.Counts {
		row, ok := bySev[c.Severity]
		if !ok {
			row = bySev["unknown"]
		}
		row.Open += c.N
		data.Total += c.N
		if c.KEV {
			row.KEV += c.N
			data.KEV += c.N
		}
	}
	if data.Total == 0 && data.Triaged == 0 {
		ps, err := w.o.Portfolio.Products(ctx, org)
		if err != nil {
			return err
		}
		data.Products = len(ps)
	}
	if w.o.KBStats != nil {
		if kb, err := w.o.KBStats(ctx); err != nil {
			w.o.Log.Warn("knowledge-base statistics for the dashboard", "error", err)
		} else {
			data.KB = &kb
		}
	}
	if data.Clocks, err = w.openClocks(ctx, r, l, org); err != nil {
		return err
	}
	if w.o.FeedStatus != nil {
		fs, err := w.o.FeedStatus(ctx)
		if err != nil {
			w.o.Log.Warn("feed status for the dashboard", "error", err)
			data.FeedsError = true
		}
		data.Feeds = slices.DeleteFunc(fs, func(s feeds.SourceStatus) bool { return s.Source == "" })
	}
	return w.render(rw, r, http.StatusOK, "dashboard", view{L: l, Title: l.T("dashboard.title"), Nav: "dashboard", Data: data})
}
