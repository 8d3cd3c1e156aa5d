package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
)

var _ store.Overview = (*Store)(nil)

// orgFindingOrders are the version list's orders plus known exploited
// first (then EPSS), the organisation-wide default.
var orgFindingOrders = func() map[store.FindingSort][]sortKey {
	m := make(map[store.FindingSort][]sortKey, len(findingOrders)+1)
	for k, v := range findingOrders {
		m[k] = v
	}
	m[store.SortKEV] = []sortKey{
		{col: "kev", desc: true, val: func(f *model.TrackedFinding) any {
			if f.KEV {
				return int64(1)
			}
			return int64(0)
		}},
		{col: "epss_score", desc: true, val: func(f *model.TrackedFinding) any { return f.EPSS }},
		idKey}
	return m
}()

// likeEscape escapes s for a LIKE pattern with ESCAPE '\'.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// orgFindingWhere builds the filter of an organisation's findings query.
func (s *Store) orgFindingWhere(org string, q store.OrgFindingQuery) ([]string, []any) {
	where := []string{"org_id = ?"}
	args := []any{org}
	if q.VersionID != "" {
		where, args = append(where, "version_id = ?"), append(args, q.VersionID)
	}
	if q.ProductID != "" {
		where = append(where, "version_id IN (SELECT id FROM product_version WHERE org_id = ? AND product_id = ?)")
		args = append(args, org, q.ProductID)
	}
	if q.ComponentKey != "" {
		where, args = append(where, "component_key = ?"), append(args, q.ComponentKey)
	}
	if q.MinSeverity != "" {
		where, args = append(where, "severity_rank >= ?"), append(args, int64(q.MinSeverity.Rank()))
	}
	if q.KEV != nil {
		where, args = append(where, "kev = ?"), append(args, *q.KEV)
	}
	if q.MinEPSS > 0 {
		where, args = append(where, "epss_score >= ?"), append(args, q.MinEPSS)
	}
	if q.State != "" {
		where, args = append(where, "state = ?"), append(args, string(q.State))
	}
	if q.FixAvailable != nil {
		op := "<>"
		if !*q.FixAvailable {
			op = "="
		}
		where = append(where, "fixed_versions "+op+" '[]'")
	}
	if q.Search != "" {
		p := "%" + strings.ToLower(likeEscape(q.Search)) + "%"
		where = append(where, `(LOWER(vuln_id) LIKE ? ESCAPE '\' OR LOWER(component_name) LIKE ? ESCAPE '\' OR LOWER(package) LIKE ? ESCAPE '\' OR LOWER(vuln_ids) LIKE ? ESCAPE '\')`)
		args = append(args, p, p, p, p)
	}
	return analysisFilter(where, args, org, q.Analysis, q.Actionable, q.NeedsReview)
}

// OrgFindings implements store.Overview.
func (s *Store) OrgFindings(ctx context.Context, org string, q store.OrgFindingQuery) (store.OrgFindingPage, error) {
	if q.Sort == "" {
		q.Sort = store.SortKEV
	}
	keys, ok := orgFindingOrders[q.Sort]
	if !ok {
		return store.OrgFindingPage{}, fmt.Errorf("store: findings: unknown sort %q", q.Sort)
	}
	where, args := s.orgFindingWhere(org, q)
	if q.Cursor != "" {
		vals, err := decodeCursor(q.Cursor, q.Sort, keys)
		if err != nil {
			return store.OrgFindingPage{}, err
		}
		if q.Sort == store.SortKEV {
			// The cursor carries the flag as 0 or 1; PostgreSQL compares
			// a boolean column only with a boolean.
			vals[0] = vals[0] != int64(0)
		}
		cond, cargs := after(keys, vals)
		where, args = append(where, cond), append(args, cargs...)
	}
	order := make([]string, len(keys))
	for i, k := range keys {
		order[i] = k.col
		if k.desc {
			order[i] += " DESC"
		}
	}
	limit := max(q.Limit, 1)
	query := `SELECT ` + findingCols + ` FROM finding WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY ` + strings.Join(order, ", ") + fmt.Sprintf(` LIMIT %d`, limit+1)
	rows, err := s.reader().QueryContext(ctx, s.d.rebind(query), args...)
	if err != nil {
		return store.OrgFindingPage{}, fmt.Errorf("store: org findings: %w", err)
	}
	defer rows.Close()
	var page store.OrgFindingPage
	for rows.Next() {
		f, err := scanFinding(rows)
		if err != nil {
			return store.OrgFindingPage{}, fmt.Errorf("store: org findings: %w", err)
		}
		page.Findings = append(page.Findings, store.OrgFinding{TrackedFinding: f})
	}
	if err := rows.Err(); err != nil {
		return store.OrgFindingPage{}, fmt.Errorf("store: org findings: %w", err)
	}
	if len(page.Findings) > limit {
		page.Findings = page.Findings[:limit]
		page.Next = encodeCursor(q.Sort, keys, &page.Findings[limit-1].TrackedFinding)
	}
	if q.Decisions {
		// fillAnalyses completes the decisions through their pointers,
		// which the copies share.
		fs := make([]model.TrackedFinding, len(page.Findings))
		for i := range page.Findings {
			fs[i] = page.Findings[i].TrackedFinding
		}
		if err := s.fillAnalyses(ctx, org, fs); err != nil {
			return store.OrgFindingPage{}, err
		}
	}
	return page, s.nameFindings(ctx, org, page.Findings)
}

// nameFindings fills in the product and version names of a page of
// findings: one query for the page's distinct versions.
func (s *Store) nameFindings(ctx context.Context, org string, fs []store.OrgFinding) error {
	if len(fs) == 0 {
		return nil
	}
	seen := map[string]bool{}
	var ids []any
	for _, f := range fs {
		if !seen[f.VersionID] {
			seen[f.VersionID] = true
			ids = append(ids, f.VersionID)
		}
	}
	rows, err := s.reader().QueryContext(ctx, s.d.rebind(`SELECT v.id, v.name, p.id, p.name FROM product_version v
		JOIN product p ON p.org_id = v.org_id AND p.id = v.product_id
		WHERE v.org_id = ? AND v.id IN (`+placeholders(len(ids))+`)`), append([]any{org}, ids...)...)
	if err != nil {
		return fmt.Errorf("store: finding names: %w", err)
	}
	defer rows.Close()
	type names struct{ version, productID, product string }
	byID := map[string]names{}
	for rows.Next() {
		var id string
		var n names
		if err := rows.Scan(&id, &n.version, &n.productID, &n.product); err != nil {
			return fmt.Errorf("store: finding names: %w", err)
		}
		byID[id] = n
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: finding names: %w", err)
	}
	for i := range fs {
		n := byID[fs[i].VersionID]
		fs[i].VersionName, fs[i].ProductID, fs[i].ProductName = n.version, n.productID, n.product
	}
	return nil
}

// Finding implements store.Overview.
func (s *Store) Finding(ctx context.Context, org, id string) (model.TrackedFinding, error) {
	f, err := scanFinding(s.reader().QueryRowContext(ctx, s.d.rebind(`SELECT `+findingCols+` FROM finding WHERE org_id = ? AND id = ?`), org, id))
	if err != nil {
		return f, notFound(err, "finding")
	}
	return f, nil
}

// findingHistorySQL reads a finding's events in order, through
// finding_event_finding (migration 0016).
const findingHistorySQL = `SELECT seq, finding_id, version_id, sbom_id, kind, detail, at FROM finding_event
		WHERE org_id = ? AND finding_id = ? ORDER BY seq`

// FindingHistory implements store.Overview.
func (s *Store) FindingHistory(ctx context.Context, org, findingID string, limit int) ([]model.FindingEvent, error) {
	rows, err := s.reader().QueryContext(ctx, s.d.rebind(findingHistorySQL+fmt.Sprintf(` LIMIT %d`, max(limit, 1))), org, findingID)
	if err != nil {
		return nil, fmt.Errorf("store: finding history: %w", err)
	}
	defer rows.Close()
	var out []model.FindingEvent
	for rows.Next() {
		var e model.FindingEvent
		var kind, at string
		if err := rows.Scan(&e.Seq, &e.FindingID, &e.VersionID, &e.SBOMID, &kind, &e.Detail, &at); err != nil {
			return nil, fmt.Errorf("store: finding history: %w", err)
		}
		e.Kind, e.At = model.FindingEventKind(kind), parseTime(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// LatestFindingEvent implements store.Overview: the end of
// finding_event_org_at for the organisation, one index seek.
func (s *Store) LatestFindingEvent(ctx context.Context, org string) (time.Time, error) {
	var at sql.NullString
	err := s.reader().QueryRowContext(ctx, s.d.rebind(`SELECT MAX(at) FROM finding_event WHERE org_id = ?`), org).Scan(&at)
	if err != nil {
		return time.Time{}, fmt.Errorf("store: latest finding event: %w", err)
	}
	return parseTime(at.String), nil
}

// OpenFindingStats implements store.Overview. The inner grouping follows
// finding_org_overview (organisation, state, version, rank, KEV,
// effective status), so it streams through the index without sorting;
// only its few rows per version are joined to their products. Findings
// whose effective status is not_affected or fixed come in their own rows
// (Settled): triaged, not open work. A product may have several rows of
// one rank, KEV flag and settlement (one per status); they add up.
func (s *Store) OpenFindingStats(ctx context.Context, org string) ([]store.FindingStat, error) {
	rows, err := s.reader().QueryContext(ctx, s.d.rebind(`SELECT p.id, p.name, f.severity_rank, f.kev,
			CASE WHEN f.analysis_status IN (?, ?) THEN 1 ELSE 0 END, SUM(f.n)
		FROM (SELECT version_id, severity_rank, kev, analysis_status, COUNT(*) AS n
			FROM finding WHERE org_id = ? AND state = ? GROUP BY version_id, severity_rank, kev, analysis_status) f
		JOIN product_version v ON v.org_id = ? AND v.id = f.version_id
		JOIN product p ON p.org_id = v.org_id AND p.id = v.product_id
		GROUP BY p.id, p.name, f.severity_rank, f.kev, f.analysis_status`),
		string(model.StatusNotAffected), string(model.StatusFixed), org, string(model.FindingOpen), org)
	if err != nil {
		return nil, fmt.Errorf("store: open finding stats: %w", err)
	}
	defer rows.Close()
	var out []store.FindingStat
	for rows.Next() {
		var st store.FindingStat
		var settled int
		if err := rows.Scan(&st.ProductID, &st.ProductName, &st.Rank, &st.KEV, &settled, &st.N); err != nil {
			return nil, fmt.Errorf("store: open finding stats: %w", err)
		}
		st.Settled = settled != 0
		out = append(out, st)
	}
	return out, rows.Err()
}

// EventCounts implements store.Overview.
func (s *Store) EventCounts(ctx context.Context, org string, since time.Time) ([]store.DayEvents, error) {
	rows, err := s.reader().QueryContext(ctx, s.d.rebind(`SELECT SUBSTR(at, 1, 10), kind, COUNT(*) FROM finding_event
		WHERE org_id = ? AND at >= ? GROUP BY SUBSTR(at, 1, 10), kind ORDER BY 1, 2`), org, stamp(since))
	if err != nil {
		return nil, fmt.Errorf("store: event counts: %w", err)
	}
	defer rows.Close()
	var out []store.DayEvents
	for rows.Next() {
		var day, kind string
		var d store.DayEvents
		if err := rows.Scan(&day, &kind, &d.N); err != nil {
			return nil, fmt.Errorf("store: event counts: %w", err)
		}
		t, err := time.Parse(time.DateOnly, day)
		if err != nil {
			return nil, fmt.Errorf("store: event counts: day %q: %w", day, err)
		}
		d.Day, d.Kind = t, model.FindingEventKind(kind)
		out = append(out, d)
	}
	return out, rows.Err()
}
