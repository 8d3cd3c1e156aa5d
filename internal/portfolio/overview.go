package portfolio

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rocca-project/rocca/internal/ecosystem"
	"github.com/rocca-project/rocca/internal/match"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/osv"
	"github.com/rocca-project/rocca/internal/sbom/quality"
	"github.com/rocca-project/rocca/internal/store"
)

// The organisation-wide reads behind the web application: the dashboard,
// the findings of every product, a finding's page, the knowledge-base
// search and an SBOM's quality grade.

// OrgFindings returns a page of org's findings, narrowed to one product
// or version when the query names one (ErrNotFound when it is not org's).
// The rules of Findings apply, and the sort may also be store.SortKEV
// (the default: known exploited first, then EPSS).
func (s *Service) OrgFindings(ctx context.Context, org string, q store.OrgFindingQuery) (store.OrgFindingPage, error) {
	if q.VersionID != "" {
		if _, err := s.store.Version(ctx, org, q.VersionID); err != nil {
			return store.OrgFindingPage{}, err
		}
	}
	if q.ProductID != "" {
		if _, err := s.store.Product(ctx, org, q.ProductID); err != nil {
			return store.OrgFindingPage{}, err
		}
	}
	sort := q.Sort
	if sort == store.SortKEV {
		q.Sort = ""
	}
	if err := checkFindingQuery(q.FindingQuery); err != nil {
		return store.OrgFindingPage{}, err
	}
	q.Sort = sort
	if len(q.Search) > 200 {
		return store.OrgFindingPage{}, inputf("portfolio.query_long", "q: at most 200 characters")
	}
	return s.store.OrgFindings(ctx, org, q)
}

// maxHistory bounds the events shown with one finding.
const maxHistory = 500

// FindingDetail is one finding with what its page shows.
type FindingDetail struct {
	Finding model.TrackedFinding
	Product model.Product
	Version model.Version
	// Vulnerability is the knowledge base's current description; its ID
	// is empty when the knowledge base no longer knows it.
	Vulnerability model.Vulnerability
	// Affected lists, per advisory of the finding, the affected entries
	// of the finding's package.
	Affected []AffectedEntry
	History  []model.FindingEvent
}

// AffectedEntry is one advisory's affected ranges for a package.
type AffectedEntry struct {
	Advisory string
	Ranges   []string
	Versions []string
}

// Finding returns one of org's findings with its product, version,
// vulnerability and history; ErrNotFound when it is not org's.
func (s *Service) Finding(ctx context.Context, org, id string) (FindingDetail, error) {
	f, err := s.store.Finding(ctx, org, id)
	if err != nil {
		return FindingDetail{}, err
	}
	d := FindingDetail{Finding: f}
	if d.Version, err = s.store.Version(ctx, org, f.VersionID); err != nil {
		return FindingDetail{}, err
	}
	if d.Product, err = s.store.Product(ctx, org, d.Version.ProductID); err != nil {
		return FindingDetail{}, err
	}
	if d.History, err = s.store.FindingHistory(ctx, org, id, maxHistory); err != nil {
		return FindingDetail{}, err
	}
	v, err := s.Vulnerability(ctx, f.VulnID)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return FindingDetail{}, err
	default:
		d.Vulnerability = v
	}
	if d.Affected, err = s.affected(ctx, f); err != nil {
		return FindingDetail{}, err
	}
	return d, nil
}

// affected reads the affected entries of the finding's package in its
// advisories.
func (s *Service) affected(ctx context.Context, f model.TrackedFinding) ([]AffectedEntry, error) {
	key := match.PackageKey(f.Component)
	if key == "" {
		return nil, nil
	}
	rows, err := s.store.AffectedByKeys(ctx, []string{key})
	if err != nil {
		return nil, err
	}
	var out []AffectedEntry
	for _, r := range rows {
		if !slices.Contains(f.Advisories, r.AdvisoryID) {
			continue
		}
		e, err := describeAffected(r)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// Dashboard is what the dashboard shows of an organisation.
type Dashboard struct {
	// Counts are the open findings that need work (effective status
	// neither not_affected nor fixed) by severity and KEV flag.
	Counts []model.FindingCount
	// Triaged counts the open findings whose effective status is
	// not_affected or fixed: decided, no open work.
	Triaged int
	// Urgent are the products with the most urgent open findings.
	Urgent []store.ProductRisk
	// Top are the most urgent open findings that need work (known
	// exploited, then EPSS).
	Top []store.OrgFinding
	// Trend is the number of open findings (triaged or not) at the end of
	// each of the last TrendDays days, oldest first.
	Trend []TrendPoint
}

// TrendPoint is the number of open findings at the end of a UTC day.
type TrendPoint struct {
	Day  time.Time
	Open int
}

// TrendDays is the span of the dashboard's trend.
const TrendDays = 30

// dashCache keeps each organisation's dashboard figures (counts, urgent
// products, trend), which read every open finding and the month's events,
// with the organisation's latest finding event and the day they were
// computed for: any change of the findings writes an event, so a newer
// one (or a new day) makes them recomputed. It belongs to the Service
// (one per server); two servers each keep their own, both correct.
type dashCache struct {
	mu sync.Mutex
	m  map[string]dashEntry
	// computing holds one lock per organisation, so that a page and the
	// warmer (WarmDashboards) never compute the same figures twice.
	computing map[string]*sync.Mutex
	// viewed is when each organisation's dashboard was last viewed: the
	// warmer keeps only those viewed within warmViewed up to date.
	viewed map[string]time.Time
}

// warmViewed is how long after its last view an organisation's dashboard
// figures are still kept up to date in the background.
const warmViewed = time.Hour

type dashEntry struct {
	latest, day time.Time
	d           Dashboard
}

// Dashboard reads an organisation's dashboard at now. The counts, urgent
// products and trend come from the service's cache while the
// organisation's findings have not changed (see dashCache); the most
// urgent findings are read each time (their EPSS scores change without
// an event).
func (s *Service) Dashboard(ctx context.Context, org string, now time.Time) (Dashboard, error) {
	today := now.UTC().Truncate(24 * time.Hour)
	latest, err := s.store.LatestFindingEvent(ctx, org)
	if err != nil {
		return Dashboard{}, err
	}
	s.dash.view(org, now)
	d, err := s.cachedFigures(ctx, org, latest, today)
	if err != nil {
		return Dashboard{}, err
	}
	page, err := s.store.OrgFindings(ctx, org, store.OrgFindingQuery{FindingQuery: store.FindingQuery{
		State: model.FindingOpen, Actionable: true, Sort: store.SortKEV, Limit: 5}})
	if err != nil {
		return Dashboard{}, err
	}
	d.Top = page.Findings
	return d, nil
}

// cachedFigures returns the organisation's figures for the latest
// finding event and day from the cache, computing them when it has none.
func (s *Service) cachedFigures(ctx context.Context, org string, latest, today time.Time) (Dashboard, error) {
	if d, ok := s.dash.get(org, latest, today); ok {
		return d, nil
	}
	unlock := s.dash.lock(org)
	defer unlock()
	if d, ok := s.dash.get(org, latest, today); ok { // computed while waiting
		return d, nil
	}
	d, err := s.dashboardFigures(ctx, org, today)
	if err != nil {
		return Dashboard{}, err
	}
	s.dash.put(org, dashEntry{latest: latest, day: today, d: d})
	return d, nil
}

// WarmDashboards keeps the figures of every organisation whose dashboard
// was viewed in the last hour up to date until ctx ends: every interval it looks up each
// one's latest finding event (one index seek) and recomputes the figures
// when the findings changed or the day turned. So the first view after
// an upload, a re-match or a triage finds them ready instead of paying
// the read of every open finding (BENCHMARKS.md, "web pages during an
// upload"); a view that comes before the warmer still computes them
// itself, so the figures are never older than the findings.
func (s *Service) WarmDashboards(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := s.warmDashboards(ctx); err != nil && ctx.Err() == nil {
			s.Log.Warn("dashboard figures not refreshed", "error", err)
		}
	}
}

// warmDashboards refreshes the cached organisations' figures once.
func (s *Service) warmDashboards(ctx context.Context) error {
	now := s.now()
	today := now.Truncate(24 * time.Hour)
	var errs []error
	for _, org := range s.dash.orgs(now.Add(-warmViewed)) {
		latest, err := s.store.LatestFindingEvent(ctx, org)
		if err == nil {
			_, err = s.cachedFigures(ctx, org, latest, today)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("organisation %s: %w", org, err))
		}
	}
	return errors.Join(errs...)
}

// dashboardFigures computes the counts, urgent products and trend. Its
// two reads each visit about the organisation's open findings or the
// month's events: they run at once (on SQLite, on two connections of the
// read pool).
func (s *Service) dashboardFigures(ctx context.Context, org string, today time.Time) (Dashboard, error) {
	var d Dashboard
	var stats []store.FindingStat
	var evs []store.DayEvents
	var statsErr, evsErr error
	var wg sync.WaitGroup
	wg.Go(func() { stats, statsErr = s.store.OpenFindingStats(ctx, org) })
	wg.Go(func() { evs, evsErr = s.store.EventCounts(ctx, org, today.AddDate(0, 0, -(TrendDays-1))) })
	wg.Wait()
	if err := errors.Join(statsErr, evsErr); err != nil {
		return d, err
	}
	d.Counts, d.Urgent, d.Triaged = summarise(stats, 5)
	open := d.Triaged
	for _, c := range d.Counts {
		open += c.N
	}
	d.Trend = trend(open, today, evs)
	return d, nil
}

func (c *dashCache) get(org string, latest, day time.Time) (Dashboard, bool) {
	if c == nil {
		return Dashboard{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[org]
	if !ok || !e.latest.Equal(latest) || !e.day.Equal(day) {
		return Dashboard{}, false
	}
	return e.d, true
}

// lock takes the organisation's computing lock and returns its release.
func (c *dashCache) lock(org string) (unlock func()) {
	if c == nil {
		return func() {}
	}
	c.mu.Lock()
	if c.computing == nil {
		c.computing = map[string]*sync.Mutex{}
	}
	l := c.computing[org]
	if l == nil {
		l = &sync.Mutex{}
		c.computing[org] = l
	}
	c.mu.Unlock()
	l.Lock()
	return l.Unlock
}

// view records that the organisation's dashboard was viewed at t.
func (c *dashCache) view(org string, t time.Time) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.viewed == nil {
		c.viewed = map[string]time.Time{}
	}
	c.viewed[org] = t
}

// orgs lists the organisations whose dashboard was viewed since since;
// the others are forgotten.
func (c *dashCache) orgs(since time.Time) []string {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var orgs []string
	for org, t := range c.viewed {
		if t.Before(since) {
			delete(c.viewed, org)
			delete(c.m, org)
			continue
		}
		orgs = append(orgs, org)
	}
	return orgs
}

func (c *dashCache) put(org string, e dashEntry) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]dashEntry{}
	}
	c.m[org] = e
}

// ratingOfRank names the severity of a rank (model.Rating.Rank).
var ratingOfRank = map[int]model.Rating{1: model.RatingNone, 2: model.RatingLow, 3: model.RatingMedium,
	4: model.RatingHigh, 5: model.RatingCritical}

// summarise turns per-product statistics into the counts by severity and
// KEV flag and the urgent most urgent products: known exploited first,
// then critical, then high, then open findings, then name. Settled
// findings (not_affected, fixed) count only as triaged: in the total
// returned and in each product's Triaged.
func summarise(stats []store.FindingStat, urgent int) ([]model.FindingCount, []store.ProductRisk, int) {
	type key struct {
		rating string
		kev    bool
	}
	counts := map[key]int{}
	risks := map[string]*store.ProductRisk{}
	triaged := 0
	for _, st := range stats {
		r, ok := ratingOfRank[st.Rank]
		if !ok {
			r = "unknown"
		}
		pr := risks[st.ProductID]
		if pr == nil {
			pr = &store.ProductRisk{ProductID: st.ProductID, ProductName: st.ProductName}
			risks[st.ProductID] = pr
		}
		if st.Settled {
			pr.Triaged += st.N
			triaged += st.N
			continue
		}
		counts[key{string(r), st.KEV}] += st.N
		pr.Open += st.N
		if st.KEV {
			pr.KEV += st.N
		}
		switch r {
		case model.RatingCritical:
			pr.Critical += st.N
		case model.RatingHigh:
			pr.High += st.N
		}
	}
	var cs []model.FindingCount
	for k, n := range counts {
		cs = append(cs, model.FindingCount{Severity: k.rating, KEV: k.kev, N: n})
	}
	slices.SortFunc(cs, func(a, b model.FindingCount) int {
		if c := strings.Compare(a.Severity, b.Severity); c != 0 {
			return c
		}
		return cmp.Compare(boolRank(a.KEV), boolRank(b.KEV))
	})
	var rs []store.ProductRisk
	for _, pr := range risks {
		if pr.Open > 0 {
			rs = append(rs, *pr)
		}
	}
	slices.SortFunc(rs, func(a, b store.ProductRisk) int {
		for _, c := range []int{cmp.Compare(b.KEV, a.KEV), cmp.Compare(b.Critical, a.Critical), cmp.Compare(b.High, a.High),
			cmp.Compare(b.Open, a.Open)} {
			if c != 0 {
				return c
			}
		}
		return strings.Compare(a.ProductName, b.ProductName)
	})
	return cs, rs[:min(urgent, len(rs))], triaged
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// trend walks back from today's open count: a day's new findings were not
// open the day before, its resolved ones were.
func trend(open int, today time.Time, evs []store.DayEvents) []TrendPoint {
	delta := map[time.Time]int{}
	for _, e := range evs {
		switch e.Kind {
		case model.EventNew:
			delta[e.Day] += e.N
		case model.EventResolved, model.EventWithdrawn:
			delta[e.Day] -= e.N
		}
	}
	out := make([]TrendPoint, TrendDays)
	n := open
	for i := TrendDays - 1; i >= 0; i-- {
		day := today.AddDate(0, 0, i-(TrendDays-1))
		out[i] = TrendPoint{Day: day, Open: max(n, 0)}
		n -= delta[day]
	}
	return out
}

// SearchKnowledgeBase finds vulnerabilities by any of their ids (CVE,
// GHSA, EUVD, OSV id) or by package: a purl (pkg:npm/lodash) or
// ECOSYSTEM:NAME (npm:lodash, PyPI:requests). It returns at most limit.
func (s *Service) SearchKnowledgeBase(ctx context.Context, q string, limit int) ([]model.Vulnerability, error) {
	vs, _, err := s.SearchKnowledgeBasePage(ctx, q, 0, limit)
	return vs, err
}

// SearchKnowledgeBasePage is SearchKnowledgeBase from the offset-th
// result on (ordered by id, the latest first), with the number of results
// in all: the pages of a search (at most limit results each).
func (s *Service) SearchKnowledgeBasePage(ctx context.Context, q string, offset, limit int) ([]model.Vulnerability, int, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil, 0, nil
	}
	if len(q) > 300 {
		return nil, 0, inputf("portfolio.query_long", "q: at most 300 characters")
	}
	key := packageKeyOf(q)
	if key == "" {
		v, err := s.Vulnerability(ctx, q)
		if errors.Is(err, store.ErrNotFound) {
			return nil, 0, nil
		}
		if err != nil {
			return nil, 0, err
		}
		if offset > 0 {
			return nil, 1, nil
		}
		return []model.Vulnerability{v}, 1, nil
	}
	rows, err := s.store.AffectedByKeys(ctx, []string{key})
	if err != nil {
		return nil, 0, err
	}
	var ids []string
	seen := make(map[string]bool, len(rows))
	for _, r := range rows {
		if !seen[r.AdvisoryID] {
			seen[r.AdvisoryID] = true
			ids = append(ids, r.AdvisoryID)
		}
	}
	vs, err := s.matcher().Describe(ctx, ids)
	if err != nil {
		return nil, 0, err
	}
	slices.SortFunc(vs, func(a, b model.Vulnerability) int { return strings.Compare(b.ID, a.ID) })
	from := min(max(offset, 0), len(vs))
	return vs[from:min(from+max(limit, 0), len(vs))], len(vs), nil
}

// packageKeyOf returns the knowledge-base key of a package query, or ""
// when q does not name a package.
func packageKeyOf(q string) string {
	if strings.HasPrefix(q, "pkg:") {
		p := q
		if !strings.Contains(p[strings.LastIndex(p, "/")+1:], "@") {
			// The key does not depend on the version, but the look-up
			// wants one.
			p += "@0"
		}
		return match.PackageKey(model.Component{PURL: p})
	}
	eco, name, ok := strings.Cut(q, ":")
	if !ok || eco == "" || name == "" || strings.ContainsAny(eco, " -") || strings.HasPrefix(name, "//") {
		return ""
	}
	base := ecosystem.Base(eco)
	if base == "" {
		return ""
	}
	return store.PackageKey(base, ecosystem.NormalizeName(base, name))
}

// SBOMQuality grades one of org's stored SBOMs against a profile of the
// `sbom check` command (quality.NTIA, quality.CRA).
func (s *Service) SBOMQuality(ctx context.Context, org, id string, p quality.Profile) (*quality.Report, error) {
	st, raw, err := s.SBOMContent(ctx, org, id)
	if err != nil {
		return nil, err
	}
	doc, err := s.Parse(raw, st.Name)
	if err != nil {
		return nil, err
	}
	return quality.Grade(doc, p)
}

// describeAffected writes an affected row's ranges as intervals
// ("≥ 1.0, < 1.2.3"), language-neutral, for people to read.
func describeAffected(r store.AffectedRow) (AffectedEntry, error) {
	var a osv.Affected
	if err := osv.DecodeCompact(r.Data, &a); err != nil {
		if jerr := json.Unmarshal(r.Data, &a); jerr != nil {
			return AffectedEntry{}, fmt.Errorf("advisory %s: affected entry: %w", r.AdvisoryID, err)
		}
	}
	e := AffectedEntry{Advisory: r.AdvisoryID, Versions: a.Versions}
	for _, rg := range a.Ranges {
		var parts []string
		flush := func() {
			if len(parts) > 0 {
				e.Ranges = append(e.Ranges, strings.Join(parts, ", "))
				parts = nil
			}
		}
		for _, ev := range rg.Events {
			switch {
			case ev.Introduced != "":
				flush()
				if ev.Introduced != "0" {
					parts = append(parts, "≥ "+ev.Introduced)
				} else {
					parts = append(parts, "≥ 0")
				}
			case ev.Fixed != "":
				parts = append(parts, "< "+ev.Fixed)
				flush()
			case ev.LastAffected != "":
				parts = append(parts, "≤ "+ev.LastAffected)
				flush()
			case ev.Limit != "":
				parts = append(parts, "< "+ev.Limit+" (limit)")
				flush()
			}
		}
		flush()
	}
	return e, nil
}

// ComponentMatches is one page of a component search.
type ComponentMatches struct {
	Components []model.StoredComponent
	// Total counts every match.
	Total int
}

// SearchComponents returns the components of one of org's versions'
// current SBOM (the subject excluded) whose name, group, version or purl
// contains q (case-insensitively; every component when q is empty), from
// offset, at most limit.
func (s *Service) SearchComponents(ctx context.Context, org, versionID, q string, offset, limit int) (ComponentMatches, error) {
	v, err := s.store.Version(ctx, org, versionID)
	if err != nil {
		return ComponentMatches{}, err
	}
	if err := checkLimit(limit); err != nil {
		return ComponentMatches{}, err
	}
	if offset < 0 {
		return ComponentMatches{}, inputf("portfolio.page", "page: want a positive number")
	}
	if v.CurrentSBOM == "" {
		return ComponentMatches{}, nil
	}
	var keep func(name, group, version, purl string) bool
	if q = strings.ToLower(strings.TrimSpace(q)); q != "" {
		keep = func(name, group, version, purl string) bool {
			return strings.Contains(strings.ToLower(name+"\x00"+group+"\x00"+version+"\x00"+purl), q)
		}
	}
	var out ComponentMatches
	out.Components, out.Total, err = s.store.ComponentPage(ctx, org, v.CurrentSBOM, keep, offset, limit)
	return out, err
}

// ComponentFindings returns the findings of one stored component (open
// and resolved, most urgent first).
func (s *Service) ComponentFindings(ctx context.Context, org string, c model.StoredComponent) ([]store.OrgFinding, error) {
	page, err := s.store.OrgFindings(ctx, org, store.OrgFindingQuery{FindingQuery: store.FindingQuery{
		VersionID: c.VersionID, Sort: store.SortSeverity, Limit: MaxPageLimit}, ComponentKey: c.Key()})
	return page.Findings, err
}
