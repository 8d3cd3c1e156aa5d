package sqlstore

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
)

const findingCols = `id, org_id, version_id, component_id, component_key, component_name, component_version,
	component_group, component_purl, ecosystem, package, vuln_id, vuln_ids, advisories, summary, severity_rating,
	severity_rank, severity_score, severity_vector, severity_source, kev, kev_date_added, epss_score, epss_percentile,
	fixed_versions, state, first_seen, last_seen, resolved_at, analysis_id, analysis_status, analysis_scope, analysis_review`

func findingArgs(f *model.TrackedFinding) []any {
	ids, _ := json.Marshal(nonNil(f.VulnIDs))
	adv, _ := json.Marshal(nonNil(f.Advisories))
	fixed, _ := json.Marshal(nonNil(f.FixedVersions))
	c := f.Component
	var aID, aStatus, aScope, aReview string
	if a := f.Analysis; a != nil {
		aID, aStatus, aScope, aReview = a.ID, string(a.Status), string(a.Scope), a.ReviewReason
	}
	return []any{f.ID, f.OrgID, f.VersionID, f.ComponentID, f.ComponentKey, c.Name, c.Version, c.Group, c.PURL,
		f.Ecosystem, f.Package, f.VulnID, string(ids), string(adv), f.Summary, string(f.Severity.Rating),
		f.Severity.Rating.Rank(), f.Severity.Score, f.Severity.Vector, f.Severity.Source, f.KEV, formatDate(f.KEVAdded),
		f.EPSS, f.EPSSPercentile, string(fixed), string(f.State), stamp(f.FirstSeen), stamp(f.LastSeen), stamp(f.ResolvedAt),
		aID, aStatus, aScope, aReview}
}

func scanFinding(sc interface{ Scan(...any) error }) (model.TrackedFinding, error) {
	return scanFindingWith(sc)
}

// scanFindingWith scans a finding's columns followed by extra ones.
func scanFindingWith(sc interface{ Scan(...any) error }, extra ...any) (model.TrackedFinding, error) {
	var f model.TrackedFinding
	var ids, adv, fixed, rating, kevAdded, state, first, last, resolved string
	var aID, aStatus, aScope, aReview string
	var rank int
	c := &f.Component
	dst := []any{&f.ID, &f.OrgID, &f.VersionID, &f.ComponentID, &f.ComponentKey, &c.Name, &c.Version, &c.Group, &c.PURL,
		&f.Ecosystem, &f.Package, &f.VulnID, &ids, &adv, &f.Summary, &rating, &rank, &f.Severity.Score,
		&f.Severity.Vector, &f.Severity.Source, &f.KEV, &kevAdded, &f.EPSS, &f.EPSSPercentile, &fixed, &state,
		&first, &last, &resolved, &aID, &aStatus, &aScope, &aReview}
	err := sc.Scan(append(dst, extra...)...)
	if err != nil {
		return f, err
	}
	for _, p := range []struct {
		raw string
		dst *[]string
	}{{ids, &f.VulnIDs}, {adv, &f.Advisories}, {fixed, &f.FixedVersions}} {
		if err := json.Unmarshal([]byte(p.raw), p.dst); err != nil {
			return f, fmt.Errorf("finding %s: %w", f.ID, err)
		}
	}
	f.Severity.Rating, f.State = model.Rating(rating), model.FindingState(state)
	f.KEVAdded, f.FirstSeen, f.LastSeen, f.ResolvedAt = parseTime(kevAdded), parseTime(first), parseTime(last), parseTime(resolved)
	if aID != "" {
		// The rest of the decision is read by fillAnalyses when wanted.
		f.Analysis = &model.FindingAnalysis{Analysis: model.Analysis{ID: aID, Status: model.Status(aStatus),
			Scope: model.AnalysisScope(aScope)}, NeedsReview: aReview != "", ReviewReason: aReview}
	}
	return f, nil
}

// sortKey is one column of a keyset order.
type sortKey struct {
	col  string
	desc bool
	// val reads the column's value from a finding, for the next cursor.
	val func(f *model.TrackedFinding) any
}

var idKey = sortKey{col: "id", val: func(f *model.TrackedFinding) any { return f.ID }}

// findingOrders lists the keyset columns of each sort; the last is always
// the unique id so that the order is total.
var findingOrders = map[store.FindingSort][]sortKey{
	store.SortSeverity: {
		{col: "severity_rank", desc: true, val: func(f *model.TrackedFinding) any { return int64(f.Severity.Rating.Rank()) }},
		{col: "severity_score", desc: true, val: func(f *model.TrackedFinding) any { return f.Severity.Score }},
		idKey},
	store.SortEPSS: {
		{col: "epss_score", desc: true, val: func(f *model.TrackedFinding) any { return f.EPSS }},
		idKey},
	store.SortFirstSeen: {
		{col: "first_seen", desc: true, val: func(f *model.TrackedFinding) any { return stamp(f.FirstSeen) }},
		idKey},
	store.SortComponent: {
		{col: "component_key", val: func(f *model.TrackedFinding) any { return f.ComponentKey }},
		{col: "vuln_id", val: func(f *model.TrackedFinding) any { return f.VulnID }},
		idKey},
}

// cursor is the decoded form of a page cursor: the sort it belongs to and
// the last row's key values, typed per column so that both engines compare
// them as the columns' own types.
type cursor struct {
	Sort store.FindingSort `json:"s"`
	Ints []int64           `json:"i,omitempty"`
	Nums []float64         `json:"n,omitempty"`
	Strs []string          `json:"t,omitempty"`
}

func encodeCursor(sort store.FindingSort, keys []sortKey, f *model.TrackedFinding) string {
	c := cursor{Sort: sort}
	for _, k := range keys {
		switch v := k.val(f).(type) {
		case int64:
			c.Ints = append(c.Ints, v)
		case float64:
			c.Nums = append(c.Nums, v)
		case string:
			c.Strs = append(c.Strs, v)
		}
	}
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor returns the cursor's values in key order. A cursor comes
// from a client: its values are checked to be ones the columns can hold
// (an integer column is 32-bit on PostgreSQL, text holds no NUL), so that
// a forged cursor is ErrInvalidCursor, never a database error.
func decodeCursor(s string, sort store.FindingSort, keys []sortKey) ([]any, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, store.ErrInvalidCursor
	}
	var c cursor
	if err := json.Unmarshal(b, &c); err != nil || c.Sort != sort {
		return nil, store.ErrInvalidCursor
	}
	vals := make([]any, 0, len(keys))
	for _, k := range keys {
		switch k.val(&model.TrackedFinding{}).(type) {
		case int64:
			if len(c.Ints) == 0 || c.Ints[0] < math.MinInt32 || c.Ints[0] > math.MaxInt32 {
				return nil, store.ErrInvalidCursor
			}
			vals, c.Ints = append(vals, c.Ints[0]), c.Ints[1:]
		case float64:
			if len(c.Nums) == 0 || math.IsNaN(c.Nums[0]) || math.IsInf(c.Nums[0], 0) {
				return nil, store.ErrInvalidCursor
			}
			vals, c.Nums = append(vals, c.Nums[0]), c.Nums[1:]
		case string:
			if len(c.Strs) == 0 || !utf8.ValidString(c.Strs[0]) || strings.ContainsRune(c.Strs[0], 0) {
				return nil, store.ErrInvalidCursor
			}
			vals, c.Strs = append(vals, c.Strs[0]), c.Strs[1:]
		}
	}
	if len(c.Ints)+len(c.Nums)+len(c.Strs) != 0 {
		return nil, store.ErrInvalidCursor
	}
	return vals, nil
}

// after builds the keyset condition "row comes after vals" for keys:
// (k1 > v1) OR (k1 = v1 AND k2 > v2) OR ..., with < for descending keys.
func after(keys []sortKey, vals []any) (string, []any) {
	var ors []string
	var args []any
	for i, k := range keys {
		var ands []string
		for j := 0; j < i; j++ {
			ands = append(ands, keys[j].col+" = ?")
			args = append(args, vals[j])
		}
		op := " > ?"
		if k.desc {
			op = " < ?"
		}
		ands = append(ands, k.col+op)
		args = append(args, vals[i])
		ors = append(ors, "("+strings.Join(ands, " AND ")+")")
	}
	return "(" + strings.Join(ors, " OR ") + ")", args
}

// Findings implements store.FindingsReader.
func (s *Store) Findings(ctx context.Context, org string, q store.FindingQuery) (store.FindingPage, error) {
	if q.Sort == "" {
		q.Sort = store.SortSeverity
	}
	keys, ok := findingOrders[q.Sort]
	if !ok {
		return store.FindingPage{}, fmt.Errorf("store: findings: unknown sort %q", q.Sort)
	}
	where := []string{"org_id = ?", "version_id = ?"}
	args := []any{org, q.VersionID}
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
	where, args = analysisFilter(where, args, org, q.Analysis, q.Actionable, q.NeedsReview)
	if q.Cursor != "" {
		vals, err := decodeCursor(q.Cursor, q.Sort, keys)
		if err != nil {
			return store.FindingPage{}, err
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
		return store.FindingPage{}, fmt.Errorf("store: findings: %w", err)
	}
	defer rows.Close()
	var page store.FindingPage
	for rows.Next() {
		f, err := scanFinding(rows)
		if err != nil {
			return store.FindingPage{}, fmt.Errorf("store: findings: %w", err)
		}
		page.Findings = append(page.Findings, f)
	}
	if err := rows.Err(); err != nil {
		return store.FindingPage{}, fmt.Errorf("store: findings: %w", err)
	}
	if len(page.Findings) > limit {
		page.Findings = page.Findings[:limit]
		page.Next = encodeCursor(q.Sort, keys, &page.Findings[limit-1])
	}
	if err := s.fillAnalyses(ctx, org, page.Findings); err != nil {
		return store.FindingPage{}, err
	}
	return page, nil
}

// FindingEvents implements store.FindingsReader.
func (s *Store) FindingEvents(ctx context.Context, org, versionID string, afterSeq int64, limit int) ([]model.FindingEvent, error) {
	rows, err := s.reader().QueryContext(ctx, s.d.rebind(`SELECT seq, finding_id, version_id, sbom_id, kind, detail, at FROM finding_event
		WHERE org_id = ? AND version_id = ? AND seq > ? ORDER BY seq`+fmt.Sprintf(` LIMIT %d`, max(limit, 1))), org, versionID, afterSeq)
	if err != nil {
		return nil, fmt.Errorf("store: finding events: %w", err)
	}
	defer rows.Close()
	var out []model.FindingEvent
	for rows.Next() {
		var e model.FindingEvent
		var kind, at string
		if err := rows.Scan(&e.Seq, &e.FindingID, &e.VersionID, &e.SBOMID, &kind, &e.Detail, &at); err != nil {
			return nil, fmt.Errorf("store: finding events: %w", err)
		}
		e.Kind, e.At = model.FindingEventKind(kind), parseTime(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
