package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
)

// Triage decisions (migration 0009): the append-only analysis history and
// the effective decision kept on each finding row.

const analysisCols = `seq, id, scope, product_id, version_id, finding_id, component_key, pkg_key, ecosystem, vuln_id,
	vuln_ids, component_range, status, justification, impact, action, response, detail, review_date, decided_by,
	decided_by_id, decided_at, source`

func scanAnalysis(sc interface{ Scan(...any) error }) (model.Analysis, error) {
	var a model.Analysis
	var scope, status, ids, resp, review, at string
	o := &a.Origin
	err := sc.Scan(&a.Seq, &a.ID, &scope, &o.ProductID, &o.VersionID, &o.FindingID, &o.ComponentKey, &a.PkgKey,
		&a.Ecosystem, &o.VulnID, &ids, &a.ComponentRange, &status, &a.Justification, &a.Impact, &a.Action, &resp,
		&a.Detail, &review, &a.DecidedBy, &a.DecidedByID, &at, &a.Source)
	if err != nil {
		return a, err
	}
	if err := json.Unmarshal([]byte(ids), &a.VulnIDs); err != nil {
		return a, fmt.Errorf("analysis %s: %w", a.ID, err)
	}
	if err := json.Unmarshal([]byte(resp), &a.Response); err != nil {
		return a, fmt.Errorf("analysis %s: %w", a.ID, err)
	}
	if len(a.Response) == 0 {
		a.Response = nil
	}
	a.Scope, a.Status = model.AnalysisScope(scope), model.Status(status)
	a.ReviewDate, a.DecidedAt = parseTime(review), parseTime(at)
	return a, nil
}

func queryAnalyses(ctx context.Context, q queryer, d dialect, where string, args ...any) ([]model.Analysis, error) {
	rows, err := q.QueryContext(ctx, d.rebind(`SELECT `+analysisCols+` FROM analysis WHERE `+where+` ORDER BY seq`), args...)
	if err != nil {
		return nil, fmt.Errorf("store: analyses: %w", err)
	}
	defer rows.Close()
	var out []model.Analysis
	for rows.Next() {
		a, err := scanAnalysis(rows)
		if err != nil {
			return nil, fmt.Errorf("store: analyses: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Triage implements store.Analyses.
func (s *Store) Triage(ctx context.Context, org string, fn func(store.AnalysisTx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin triage: %w", err)
	}
	if s.d.dollar {
		// Triages of one organisation run one at a time, so that the
		// decisions a triage reads on its findings before it locks their
		// versions (LockVersions) are still theirs when it writes.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('rocca-triage-record:' || $1))`, org); err != nil {
			tx.Rollback()
			return fmt.Errorf("store: triage lock: %w", err)
		}
	}
	if err := fn(&ingestTx{tx: tx, d: s.d, org: org}); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit triage: %w", err)
	}
	return nil
}

// triageLock is the PostgreSQL advisory lock of an organisation's
// decisions: a triage holds it exclusively (after locking the versions it
// reaches), a reconciliation that makes findings shares it while reading
// the decisions they inherit. So a triage and an upload committing at the
// same time never miss each other (the new findings are either reached or
// inherit), and neither waits for the other while holding what the other
// waits for: the triage takes its versions before this lock (holding only
// the organisation's record lock, which reconciliations never take), and
// updates only findings of versions it locked.
const triageLock = `hashtext('rocca-triage:' || ?)`

// Analysis implements store.Analyses.
func (s *Store) Analysis(ctx context.Context, org, id string) (model.Analysis, error) {
	as, err := queryAnalyses(ctx, s.reader(), s.d, `org_id = ? AND id = ?`, org, id)
	if err != nil {
		return model.Analysis{}, err
	}
	if len(as) == 0 {
		return model.Analysis{}, store.ErrNotFound
	}
	return as[0], nil
}

// AnalysesOfVulnerability implements store.Analyses.
func (s *Store) AnalysesOfVulnerability(ctx context.Context, org string, ids []string) ([]model.Analysis, error) {
	in, arg := anyOf(s.d, "vuln_id", ids)
	return queryAnalyses(ctx, s.reader(), s.d, `org_id = ? AND id IN (SELECT analysis_id FROM analysis_alias
		WHERE org_id = ? AND `+in+`)`, org, org, arg)
}

// AnalysesOfPackage implements store.Analyses.
func (s *Store) AnalysesOfPackage(ctx context.Context, org, pkgKey string) ([]model.Analysis, error) {
	return queryAnalyses(ctx, s.reader(), s.d, `org_id = ? AND pkg_key = ?`, org, pkgKey)
}

// productOf is the select expression of a finding row's product.
const productOf = `(SELECT pv.product_id FROM product_version pv WHERE pv.org_id = finding.org_id AND pv.id = finding.version_id)`

func scanTargets(rows *sql.Rows) ([]store.TriageTarget, error) {
	defer rows.Close()
	var out []store.TriageTarget
	for rows.Next() {
		var t store.TriageTarget
		var product sql.NullString
		f, err := scanFindingWith(rows, &product)
		if err != nil {
			return nil, err
		}
		t.TrackedFinding, t.ProductID = f, product.String
		out = append(out, t)
	}
	return out, rows.Err()
}

// FindingProduct implements store.Analyses.
func (s *Store) FindingProduct(ctx context.Context, org, id string) (model.TrackedFinding, string, error) {
	rows, err := s.reader().QueryContext(ctx, s.d.rebind(`SELECT `+findingCols+`, `+productOf+` FROM finding
		WHERE org_id = ? AND id = ?`), org, id)
	if err != nil {
		return model.TrackedFinding{}, "", fmt.Errorf("store: finding: %w", err)
	}
	ts, err := scanTargets(rows)
	if err != nil {
		return model.TrackedFinding{}, "", fmt.Errorf("store: finding: %w", err)
	}
	if len(ts) == 0 {
		return model.TrackedFinding{}, "", store.ErrNotFound
	}
	fs := []model.TrackedFinding{ts[0].TrackedFinding}
	if err := s.fillAnalyses(ctx, org, fs); err != nil {
		return model.TrackedFinding{}, "", err
	}
	return fs[0], ts[0].ProductID, nil
}

// EffectiveStatus implements store.FindingsReader.
func (s *Store) EffectiveStatus(ctx context.Context, org, findingID string) (model.Status, error) {
	var st string
	err := s.reader().QueryRowContext(ctx, s.d.rebind(`SELECT analysis_status FROM finding WHERE org_id = ? AND id = ?`),
		org, findingID).Scan(&st)
	if err != nil {
		return "", notFound(err, "effective status")
	}
	return model.Status(st), nil
}

// analysisFilter adds the conditions of effective-status filters.
func analysisFilter(where []string, args []any, org string, statuses []string, actionable, review bool) ([]string, []any) {
	if len(statuses) > 0 {
		ph := make([]string, len(statuses))
		for i, st := range statuses {
			if st == store.AnalysisNone {
				st = ""
			}
			ph[i], args = "?", append(args, st)
		}
		where = append(where, "analysis_status IN ("+strings.Join(ph, ", ")+")")
	}
	if actionable {
		where, args = append(where, "analysis_status NOT IN (?, ?)"), append(args, string(model.StatusNotAffected), string(model.StatusFixed))
	}
	if review {
		where = append(where, `(analysis_review <> '' OR (analysis_id <> '' AND analysis_id IN
			(SELECT id FROM analysis WHERE org_id = ? AND review_date <> '' AND review_date <= ?)))`)
		args = append(args, org, stamp(now()))
	}
	return where, args
}

// SelectFindings implements store.Analyses.
func (s *Store) SelectFindings(ctx context.Context, org string, f store.FindingFilter, limit int) ([]string, error) {
	where, args := []string{"org_id = ?"}, []any{org}
	if f.VersionID != "" {
		where, args = append(where, "version_id = ?"), append(args, f.VersionID)
	}
	if f.ProductID != "" {
		where, args = append(where, "version_id IN (SELECT id FROM product_version WHERE org_id = ? AND product_id = ?)"),
			append(args, org, f.ProductID)
	}
	if f.Package != "" {
		where, args = append(where, "package = ?"), append(args, f.Package)
	}
	if f.MinSeverity != "" {
		where, args = append(where, "severity_rank >= ?"), append(args, int64(f.MinSeverity.Rank()))
	}
	if f.State != "" {
		where, args = append(where, "state = ?"), append(args, string(f.State))
	}
	where, args = analysisFilter(where, args, org, f.Analysis, false, false)
	if f.Vulnerability != "" {
		// The preferred id, or any alias (vuln_ids is a JSON list of
		// quoted ids, on both engines).
		b, _ := json.Marshal(f.Vulnerability)
		where, args = append(where, "(vuln_id = ? OR vuln_ids LIKE ? ESCAPE '\\')"),
			append(args, f.Vulnerability, "%"+likeEscape(string(b))+"%")
	}
	q := `SELECT id FROM finding WHERE ` + strings.Join(where, " AND ") + fmt.Sprintf(` ORDER BY id LIMIT %d`, max(limit, 1))
	rows, err := s.reader().QueryContext(ctx, s.d.rebind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("store: select findings: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: select findings: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// reviewDue is the condition of the open findings not flagged for review
// whose effective decision's review date passed (review_date is a stamp:
// its text orders as the time).
const reviewDue = `state = 'open' AND analysis_review = '' AND analysis_id <> '' AND analysis_id IN
	(SELECT id FROM analysis WHERE org_id = finding.org_id AND review_date <> '' AND review_date <= ?)`

// ReviewDueOrgs implements store.Analyses.
func (s *Store) ReviewDueOrgs(ctx context.Context, at time.Time) ([]string, error) {
	rows, err := s.reader().QueryContext(ctx, s.d.rebind(`SELECT DISTINCT org_id FROM finding WHERE `+reviewDue+` ORDER BY org_id`), stamp(at))
	if err != nil {
		return nil, fmt.Errorf("store: review due: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var org string
		if err := rows.Scan(&org); err != nil {
			return nil, fmt.Errorf("store: review due: %w", err)
		}
		out = append(out, org)
	}
	return out, rows.Err()
}

// ReviewDue implements store.AnalysisTx.
func (t *ingestTx) ReviewDue(ctx context.Context, at time.Time, limit int) ([]store.TriageTarget, error) {
	rows, err := t.tx.QueryContext(ctx, t.d.rebind(`SELECT id FROM finding WHERE org_id = ? AND `+reviewDue+
		fmt.Sprintf(` ORDER BY id LIMIT %d`, max(limit, 1))), t.org, stamp(at))
	if err != nil {
		return nil, fmt.Errorf("store: review due: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: review due: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: review due: %w", err)
	}
	ts, err := t.triageTargets(ctx, "id", ids)
	if err != nil || len(ts) == 0 {
		return nil, err
	}
	var aIDs []string
	for i := range ts {
		if ts[i].Analysis != nil {
			aIDs = append(aIDs, ts[i].Analysis.ID)
		}
	}
	in, arg := anyOf(t.d, "id", aIDs)
	as, err := queryAnalyses(ctx, t.tx, t.d, `org_id = ? AND `+in, t.org, arg)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]model.Analysis, len(as))
	for _, a := range as {
		byID[a.ID] = a
	}
	for i := range ts {
		if fa := ts[i].Analysis; fa != nil {
			if a, ok := byID[fa.ID]; ok {
				fa.Analysis = a
				fa.Inherited = a.Origin.FindingID != ts[i].ID
			}
		}
	}
	return ts, nil
}

// fillAnalyses replaces the effective decisions of findings read from
// their rows (id, status, scope, review reason) by the whole decisions,
// in one query, and tells which need review because their review date
// passed.
func (s *Store) fillAnalyses(ctx context.Context, org string, fs []model.TrackedFinding) error {
	var ids []string
	for i := range fs {
		if fs[i].Analysis != nil {
			ids = append(ids, fs[i].Analysis.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	in, arg := anyOf(s.d, "id", ids)
	as, err := queryAnalyses(ctx, s.reader(), s.d, `org_id = ? AND `+in, org, arg)
	if err != nil {
		return err
	}
	byID := make(map[string]*model.Analysis, len(as))
	for i := range as {
		byID[as[i].ID] = &as[i]
	}
	at := now()
	for i := range fs {
		fa := fs[i].Analysis
		if fa == nil {
			continue
		}
		if a := byID[fa.ID]; a != nil {
			fa.Analysis = *a
			fa.Inherited = a.Origin.FindingID != fs[i].ID
		}
		if !fa.ReviewDate.IsZero() && !fa.ReviewDate.After(at) {
			fa.NeedsReview = true
			if fa.ReviewReason == "" {
				fa.ReviewReason = model.ReviewDatePassed(fa.ReviewDate).English
			}
		}
	}
	return nil
}

// ApplicableAnalyses implements store.IngestTx.
func (t *ingestTx) ApplicableAnalyses(ctx context.Context, productID string, pkgKeys []string) ([]model.Analysis, error) {
	if len(pkgKeys) == 0 {
		return nil, nil
	}
	if t.d.dollar {
		if _, err := t.tx.ExecContext(ctx, t.d.rebind(`SELECT pg_advisory_xact_lock_shared(`+triageLock+`)`), t.org); err != nil {
			return nil, fmt.Errorf("store: triage lock: %w", err)
		}
	}
	in, arg := anyOf(t.d, "pkg_key", pkgKeys)
	return queryAnalyses(ctx, t.tx, t.d, `org_id = ? AND `+in+` AND (scope = ? OR (scope = ? AND product_id = ?))`,
		t.org, arg, string(model.ScopeOrganisation), string(model.ScopeProduct), productID)
}

// FlagReview implements store.IngestTx.
func (t *ingestTx) FlagReview(ctx context.Context, flags []model.ReviewFlag) error {
	st, err := t.tx.PrepareContext(ctx, t.d.rebind(`UPDATE finding SET analysis_review = ? WHERE org_id = ? AND id = ? AND analysis_id <> ''`))
	if err != nil {
		return fmt.Errorf("store: flag review: %w", err)
	}
	defer st.Close()
	for _, f := range flags {
		if _, err := st.ExecContext(ctx, f.Reason, t.org, f.FindingID); err != nil {
			return fmt.Errorf("store: flag review: %w", err)
		}
	}
	return nil
}

func (t *ingestTx) triageTargets(ctx context.Context, col string, vals []string) ([]store.TriageTarget, error) {
	if len(vals) == 0 {
		return nil, nil
	}
	in, arg := anyOf(t.d, col, vals)
	rows, err := t.tx.QueryContext(ctx, t.d.rebind(`SELECT `+findingCols+`, `+productOf+` FROM finding
		WHERE org_id = ? AND `+in+` ORDER BY id`), t.org, arg)
	if err != nil {
		return nil, fmt.Errorf("store: triage findings: %w", err)
	}
	out, err := scanTargets(rows)
	if err != nil {
		return nil, fmt.Errorf("store: triage findings: %w", err)
	}
	return out, nil
}

// TriageTargets implements store.AnalysisTx.
func (t *ingestTx) TriageTargets(ctx context.Context, ids []string) ([]store.TriageTarget, error) {
	return t.triageTargets(ctx, "id", ids)
}

// LockVersions implements store.AnalysisTx. SQLite's write lock, taken
// at BEGIN, already keeps every other writer out.
func (t *ingestTx) LockVersions(ctx context.Context, versionIDs, productIDs []string, all bool) error {
	if !t.d.dollar {
		return nil
	}
	q, args := `SELECT id FROM product_version WHERE org_id = ?`, []any{t.org}
	if !all {
		vin, varg := anyOf(t.d, "id", versionIDs)
		pin, parg := anyOf(t.d, "product_id", productIDs)
		q, args = q+` AND (`+vin+` OR `+pin+`)`, append(args, varg, parg)
	}
	rows, err := t.tx.QueryContext(ctx, t.d.rebind(q+` ORDER BY id FOR UPDATE`), args...)
	if err != nil {
		return fmt.Errorf("store: lock versions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: lock versions: %w", err)
	}
	rows.Close()
	if _, err := t.tx.ExecContext(ctx, t.d.rebind(`SELECT pg_advisory_xact_lock(`+triageLock+`)`), t.org); err != nil {
		return fmt.Errorf("store: triage lock: %w", err)
	}
	return nil
}

// TriageCandidates implements store.AnalysisTx.
func (t *ingestTx) TriageCandidates(ctx context.Context, packages, exclude []string) ([]store.TriageTarget, error) {
	if len(packages) == 0 {
		return nil, nil
	}
	in, arg := anyOf(t.d, "package", packages)
	notIn, notArg := anyOf(t.d, "id", exclude)
	rows, err := t.tx.QueryContext(ctx, t.d.rebind(`SELECT id, version_id, component_key, component_name, component_version,
		component_purl, ecosystem, package, vuln_id, vuln_ids, analysis_id, analysis_scope, `+productOf+` FROM finding
		WHERE org_id = ? AND `+in+` AND NOT (`+notIn+`)`), t.org, arg, notArg)
	if err != nil {
		return nil, fmt.Errorf("store: triage candidates: %w", err)
	}
	defer rows.Close()
	var out []store.TriageTarget
	for rows.Next() {
		var c store.TriageTarget
		var ids, aID, aScope string
		var product sql.NullString
		f := &c.TrackedFinding
		if err := rows.Scan(&f.ID, &f.VersionID, &f.ComponentKey, &f.Component.Name, &f.Component.Version, &f.Component.PURL,
			&f.Ecosystem, &f.Package, &f.VulnID, &ids, &aID, &aScope, &product); err != nil {
			return nil, fmt.Errorf("store: triage candidates: %w", err)
		}
		if f.VulnIDs, err = stringList(ids); err != nil {
			return nil, fmt.Errorf("store: triage candidates: finding %s: %w", f.ID, err)
		}
		if aID != "" {
			f.Analysis = &model.FindingAnalysis{Analysis: model.Analysis{ID: aID, Scope: model.AnalysisScope(aScope)}}
		}
		c.ProductID = product.String
		out = append(out, c)
	}
	return out, rows.Err()
}

// AddAnalyses implements store.AnalysisTx.
func (t *ingestTx) AddAnalyses(ctx context.Context, as []model.Analysis) error {
	rows := make([][]any, len(as))
	var aliases [][]any
	for i := range as {
		a := &as[i]
		newID(&a.ID)
		ids, _ := json.Marshal(nonNil(a.VulnIDs))
		resp, _ := json.Marshal(nonNil(a.Response))
		o := a.Origin
		rows[i] = []any{a.ID, t.org, string(a.Scope), o.ProductID, o.VersionID, o.FindingID, o.ComponentKey,
			a.PkgKey, a.Ecosystem, o.VulnID, string(ids), a.ComponentRange, string(a.Status), a.Justification, a.Impact,
			a.Action, string(resp), a.Detail, stamp(a.ReviewDate), a.DecidedBy, a.DecidedByID, stamp(a.DecidedAt), a.Source}
		seen := map[string]bool{}
		for _, id := range append([]string{o.VulnID}, a.VulnIDs...) {
			if !seen[id] {
				seen[id] = true
				aliases = append(aliases, []any{t.org, id, a.ID})
			}
		}
	}
	if len(rows) == 0 {
		return nil
	}
	err := t.insertBatches(ctx, `INSERT INTO analysis (id, org_id, scope, product_id, version_id, finding_id,
		component_key, pkg_key, ecosystem, vuln_id, vuln_ids, component_range, status, justification, impact, action,
		response, detail, review_date, decided_by, decided_by_id, decided_at, source) VALUES `, "", 23, rows)
	if err != nil {
		return fmt.Errorf("store: add analyses: %w", err)
	}
	if err := t.insertBatches(ctx, `INSERT INTO analysis_alias (org_id, vuln_id, analysis_id) VALUES `, "", 3, aliases); err != nil {
		return fmt.Errorf("store: add analysis aliases: %w", err)
	}
	return nil
}

// SetAnalyses implements store.AnalysisTx.
func (t *ingestTx) SetAnalyses(ctx context.Context, sets []store.AnalysisSet) error {
	if len(sets) == 0 {
		return nil
	}
	// Many rows per statement: UPDATE … FROM a VALUES list (SQLite 3.33
	// and PostgreSQL both name its columns column1, column2…).
	const per = 200
	var stmts map[int]*sql.Stmt
	defer func() {
		for _, st := range stmts {
			st.Close()
		}
	}()
	args := make([]any, 0, 4*per+1)
	for lo := 0; lo < len(sets); lo += per {
		batch := sets[lo:min(lo+per, len(sets))]
		st := stmts[len(batch)]
		if st == nil {
			q := `UPDATE finding SET analysis_id = v.column2, analysis_status = v.column3, analysis_scope = v.column4,
				analysis_review = '' FROM (VALUES ` + strings.Repeat("(?, ?, ?, ?), ", len(batch)-1) + `(?, ?, ?, ?)) AS v
				WHERE finding.org_id = ? AND finding.id = v.column1`
			var err error
			if st, err = t.tx.PrepareContext(ctx, t.d.rebind(q)); err != nil {
				return fmt.Errorf("store: set analyses: %w", err)
			}
			if stmts == nil {
				stmts = map[int]*sql.Stmt{}
			}
			stmts[len(batch)] = st
		}
		args = args[:0]
		for _, s := range batch {
			args = append(args, s.FindingID, s.Analysis.ID, string(s.Analysis.Status), string(s.Analysis.Scope))
		}
		if _, err := st.ExecContext(ctx, append(args, t.org)...); err != nil {
			return fmt.Errorf("store: set analyses: %w", err)
		}
	}
	return nil
}

// FindingSummary implements store.FindingsReader.
func (s *Store) FindingSummary(ctx context.Context, org, versionID string) (model.FindingSummary, error) {
	sum := model.FindingSummary{BySeverity: map[model.Rating]int{}, ByAnalysis: map[string]int{}}
	rows, err := s.reader().QueryContext(ctx, s.d.rebind(`SELECT severity_rating, kev, analysis_status, COUNT(*) FROM finding
		WHERE org_id = ? AND version_id = ? AND state = ? GROUP BY severity_rating, kev, analysis_status`),
		org, versionID, string(model.FindingOpen))
	if err != nil {
		return sum, fmt.Errorf("store: finding summary: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var rating, status string
		var kev bool
		var n int
		if err := rows.Scan(&rating, &kev, &status, &n); err != nil {
			return sum, fmt.Errorf("store: finding summary: %w", err)
		}
		sum.Open += n
		if status == "" {
			status = store.AnalysisNone
		}
		sum.ByAnalysis[status] += n
		if model.SettledStatus(model.Status(status)) {
			continue
		}
		sum.Actionable += n
		sum.BySeverity[model.Rating(rating)] += n
		if kev {
			sum.KEV += n
		}
	}
	if err := rows.Err(); err != nil {
		return sum, fmt.Errorf("store: finding summary: %w", err)
	}
	where, args := analysisFilter([]string{"org_id = ?", "version_id = ?", "state = ?"}, []any{org, versionID, string(model.FindingOpen)},
		org, nil, false, true)
	err = s.reader().QueryRowContext(ctx, s.d.rebind(`SELECT COUNT(*) FROM finding WHERE `+strings.Join(where, " AND ")), args...).Scan(&sum.NeedsReview)
	if err != nil {
		return sum, fmt.Errorf("store: finding summary: %w", err)
	}
	return sum, nil
}
