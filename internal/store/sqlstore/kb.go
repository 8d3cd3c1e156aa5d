package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/rocca-project/rocca/internal/crashpoint"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
)

// chunk bounds the number of values bound in one IN (...) list; SQLite
// allows 32766 variables, PostgreSQL 65535.
const chunk = 500

var _ store.KnowledgeBase = (*Store)(nil)

// Import implements store.KnowledgeBase.
func (s *Store) Import(ctx context.Context, fn func(store.ImportTx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin import: %w", err)
	}
	if s.d.dollar {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, kbImportLock); err != nil {
			tx.Rollback()
			return fmt.Errorf("store: begin import: lock: %w", err)
		}
	}
	itx := &importTx{tx: tx, d: s.d}
	if err := fn(itx); err != nil {
		itx.close()
		tx.Rollback()
		return err
	}
	crashpoint.Hit("import.before-commit")
	if itx.dirty {
		if err := itx.storeSummary(ctx); err != nil {
			itx.close()
			tx.Rollback()
			return err
		}
	}
	if err := itx.writeChanges(ctx); err != nil {
		itx.close()
		tx.Rollback()
		return err
	}
	itx.close()
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit import: %w", err)
	}
	return nil
}

type importTx struct {
	tx    *sql.Tx
	d     dialect
	stmts map[string]*sql.Stmt
	// dirty is set when the transaction wrote advisories, KEV or EPSS
	// rows: the cached summary is then recounted before the commit.
	dirty bool
	// changes collects the change-log entries of the transaction.
	changes map[changeKey]struct{}
	// at is the time given to Touch, used for the change log.
	at time.Time
	// lastKEV and lastEPSS remember the last row read by KEV and EPSS:
	// an importer reads a row just before replacing it, and the change
	// log needs the old value.
	lastKEV  kevSeen
	lastEPSS epssSeen
}

type kevSeen struct {
	cve, added string
	found      bool
}

type epssSeen struct {
	cve   string
	score float64
	found bool
}

// stmt returns a prepared statement of the transaction, cached by query.
func (t *importTx) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := t.stmts[q]; ok {
		return st, nil
	}
	st, err := t.tx.PrepareContext(ctx, t.d.rebind(q))
	if err != nil {
		return nil, err
	}
	if t.stmts == nil {
		t.stmts = map[string]*sql.Stmt{}
	}
	t.stmts[q] = st
	return st, nil
}

func (t *importTx) close() {
	for _, st := range t.stmts {
		st.Close()
	}
}

func (t *importTx) exec(ctx context.Context, q string, args ...any) error {
	st, err := t.stmt(ctx, q)
	if err != nil {
		return err
	}
	_, err = st.ExecContext(ctx, args...)
	return err
}

func (t *importTx) AdvisoryState(ctx context.Context, id string) (store.AdvisoryState, error) {
	st, err := t.stmt(ctx, `SELECT modified, content_hash, withdrawn FROM advisory WHERE id = ?`)
	if err != nil {
		return store.AdvisoryState{}, fmt.Errorf("store: advisory state %s: %w", id, err)
	}
	var mod string
	var as store.AdvisoryState
	err = st.QueryRowContext(ctx, id).Scan(&mod, &as.Hash, &as.Withdrawn)
	if errors.Is(err, sql.ErrNoRows) {
		return as, store.ErrNotFound
	}
	if err != nil {
		return as, fmt.Errorf("store: advisory state %s: %w", id, err)
	}
	as.Modified = parseTime(mod)
	return as, nil
}

func (t *importTx) PutAdvisory(ctx context.Context, a *store.Advisory) error {
	t.dirty = true
	raw, err := compress(a.Raw)
	if err != nil {
		return fmt.Errorf("store: put advisory %s: %w", a.ID, err)
	}
	aliases, _ := json.Marshal(nonNil(a.Aliases))
	refs, _ := json.Marshal(nonNil(a.References))
	if err := t.logAffectedKeys(ctx, a.ID); err != nil {
		return fmt.Errorf("store: put advisory %s: %w", a.ID, err)
	}
	for _, row := range a.Affected {
		t.logChange(store.ChangePackage, row.Key)
	}
	if err := t.exec(ctx, `DELETE FROM affected WHERE advisory_id = ?`, a.ID); err != nil {
		return fmt.Errorf("store: put advisory %s: %w", a.ID, err)
	}
	if err := t.exec(ctx, `DELETE FROM advisory_alias WHERE advisory_id = ?`, a.ID); err != nil {
		return fmt.Errorf("store: put advisory %s: %w", a.ID, err)
	}
	err = t.exec(ctx, `INSERT INTO advisory (id, modified, published, withdrawn, content_hash, summary, aliases,
		severity_rating, severity_score, severity_vector, severity_source, refs, raw, source, group_id, imported_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET modified = excluded.modified, published = excluded.published,
		withdrawn = excluded.withdrawn, content_hash = excluded.content_hash, summary = excluded.summary,
		aliases = excluded.aliases, severity_rating = excluded.severity_rating, severity_score = excluded.severity_score,
		severity_vector = excluded.severity_vector, severity_source = excluded.severity_source, refs = excluded.refs,
		raw = excluded.raw, source = excluded.source, imported_at = excluded.imported_at`,
		a.ID, formatTime(a.Modified), formatTime(a.Published), a.Withdrawn, a.Hash, a.Summary, string(aliases),
		string(a.Severity.Rating), a.Severity.Score, a.Severity.Vector, a.Severity.Source, string(refs), raw, a.Source,
		a.ID, formatTime(time.Now()))
	if err != nil {
		return fmt.Errorf("store: put advisory %s: %w", a.ID, err)
	}
	for _, al := range a.Aliases {
		if err := t.exec(ctx, `INSERT INTO advisory_alias (advisory_id, alias) VALUES (?, ?) ON CONFLICT DO NOTHING`, a.ID, al); err != nil {
			return fmt.Errorf("store: put advisory %s alias %s: %w", a.ID, al, err)
		}
	}
	for i, row := range a.Affected {
		if err := t.exec(ctx, `INSERT INTO affected (advisory_id, ordinal, ecosystem, pkg_key, data) VALUES (?, ?, ?, ?, ?)`,
			a.ID, i, row.Ecosystem, row.Key, row.Data); err != nil {
			return fmt.Errorf("store: put advisory %s affected[%d]: %w", a.ID, i, err)
		}
	}
	return nil
}

func (t *importTx) KEV(ctx context.Context, cve string) (model.KEV, error) {
	st, err := t.stmt(ctx, `SELECT date_added, due_date, ransomware, name FROM kev WHERE cve = ?`)
	if err != nil {
		return model.KEV{}, fmt.Errorf("store: KEV %s: %w", cve, err)
	}
	k := model.KEV{CVE: cve}
	var added, due string
	err = st.QueryRowContext(ctx, cve).Scan(&added, &due, &k.Ransomware, &k.Name)
	if errors.Is(err, sql.ErrNoRows) {
		t.lastKEV = kevSeen{cve: cve}
		return k, store.ErrNotFound
	}
	if err != nil {
		return k, fmt.Errorf("store: KEV %s: %w", cve, err)
	}
	t.lastKEV = kevSeen{cve: cve, added: added, found: true}
	k.DateAdded, k.DueDate = parseTime(added), parseTime(due)
	return k, nil
}

func (t *importTx) EPSS(ctx context.Context, cve string) (model.EPSS, error) {
	st, err := t.stmt(ctx, `SELECT score, percentile FROM epss WHERE cve = ?`)
	if err != nil {
		return model.EPSS{}, fmt.Errorf("store: EPSS %s: %w", cve, err)
	}
	e := model.EPSS{CVE: cve}
	err = st.QueryRowContext(ctx, cve).Scan(&e.Score, &e.Percentile)
	if errors.Is(err, sql.ErrNoRows) {
		t.lastEPSS = epssSeen{cve: cve}
		return e, store.ErrNotFound
	}
	if err != nil {
		return e, fmt.Errorf("store: EPSS %s: %w", cve, err)
	}
	t.lastEPSS = epssSeen{cve: cve, score: e.Score, found: true}
	return e, nil
}

func (t *importTx) PutKEV(ctx context.Context, k model.KEV) error {
	t.dirty = true
	if t.lastKEV.cve != k.CVE {
		if _, err := t.KEV(ctx, k.CVE); err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("store: put KEV %s: %w", k.CVE, err)
		}
	}
	if added := formatDate(k.DateAdded); !t.lastKEV.found || t.lastKEV.added != added {
		t.logChange(store.ChangeExploited, k.CVE)
	}
	t.lastKEV = kevSeen{}
	err := t.exec(ctx, `INSERT INTO kev (cve, date_added, due_date, ransomware, name) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (cve) DO UPDATE SET date_added = excluded.date_added, due_date = excluded.due_date,
		ransomware = excluded.ransomware, name = excluded.name`,
		k.CVE, formatDate(k.DateAdded), formatDate(k.DueDate), k.Ransomware, k.Name)
	if err != nil {
		return fmt.Errorf("store: put KEV %s: %w", k.CVE, err)
	}
	return nil
}

func (t *importTx) PutEPSS(ctx context.Context, e model.EPSS, scoreDate string) error {
	t.dirty = true
	if t.lastEPSS.cve != e.CVE {
		if _, err := t.EPSS(ctx, e.CVE); err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("store: put EPSS %s: %w", e.CVE, err)
		}
	}
	if !t.lastEPSS.found || t.lastEPSS.score != e.Score {
		t.logChange(store.ChangeEPSS, e.CVE)
	}
	t.lastEPSS = epssSeen{}
	err := t.exec(ctx, `INSERT INTO epss (cve, score, percentile, score_date) VALUES (?, ?, ?, ?)
		ON CONFLICT (cve) DO UPDATE SET score = excluded.score, percentile = excluded.percentile, score_date = excluded.score_date`,
		e.CVE, e.Score, e.Percentile, scoreDate)
	if err != nil {
		return fmt.Errorf("store: put EPSS %s: %w", e.CVE, err)
	}
	return nil
}

func (t *importTx) Touch(ctx context.Context, at time.Time) error {
	t.at = at
	err := t.exec(ctx, `INSERT INTO kb_meta (key, value) VALUES ('updated_at', ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, formatTime(at))
	if err != nil {
		return fmt.Errorf("store: touch: %w", err)
	}
	return nil
}

// maxRawAdvisory bounds an inflated advisory document.
const maxRawAdvisory = 64 << 20

// RawAdvisory returns the OSV document of an advisory as imported, or
// store.ErrNotFound.
func (s *Store) RawAdvisory(ctx context.Context, id string) ([]byte, error) {
	var raw []byte
	err := s.reader().QueryRowContext(ctx, s.d.rebind(`SELECT raw FROM advisory WHERE id = ?`), id).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: advisory %s: %w", id, err)
	}
	out, err := decompress(raw, maxRawAdvisory)
	if err != nil {
		return nil, fmt.Errorf("store: advisory %s: %w", id, err)
	}
	return out, nil
}

// AliasGraph implements store.KnowledgeBase.
func (s *Store) AliasGraph(ctx context.Context) ([]store.AdvisoryIDs, error) {
	rows, err := s.reader().QueryContext(ctx, s.d.rebind(`SELECT id, aliases FROM advisory WHERE withdrawn = ? ORDER BY id`), false)
	if err != nil {
		return nil, fmt.Errorf("store: alias graph: %w", err)
	}
	defer rows.Close()
	var out []store.AdvisoryIDs
	for rows.Next() {
		var a store.AdvisoryIDs
		var aliases string
		if err := rows.Scan(&a.ID, &aliases); err != nil {
			return nil, fmt.Errorf("store: alias graph: %w", err)
		}
		if err := json.Unmarshal([]byte(aliases), &a.Aliases); err != nil {
			return nil, fmt.Errorf("store: alias graph: aliases of %s: %w", a.ID, err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: alias graph: %w", err)
	}
	return out, nil
}

// SetGroups implements store.KnowledgeBase.
func (s *Store) SetGroups(ctx context.Context, groups map[string]string) error {
	return s.Import(ctx, func(it store.ImportTx) error {
		t := it.(*importTx)
		for id, g := range groups {
			st, err := t.stmt(ctx, `UPDATE advisory SET group_id = ? WHERE id = ? AND group_id <> ?`)
			if err != nil {
				return fmt.Errorf("store: set group of %s: %w", id, err)
			}
			res, err := st.ExecContext(ctx, g, id, g)
			if err != nil {
				return fmt.Errorf("store: set group of %s: %w", id, err)
			}
			// A finding's identity is its alias group: the packages of
			// a regrouped advisory need matching again.
			if n, _ := res.RowsAffected(); n > 0 {
				if err := t.logAffectedKeys(ctx, id); err != nil {
					return fmt.Errorf("store: set group of %s: %w", id, err)
				}
			}
		}
		return nil
	})
}

// AffectedByKeys implements store.KnowledgeBase.
func (s *Store) AffectedByKeys(ctx context.Context, keys []string) ([]store.AffectedRow, error) {
	var out []store.AffectedRow
	err := inChunks(keys, func(part []string) error {
		q := s.d.rebind(`SELECT f.advisory_id, f.ecosystem, f.pkg_key, f.data FROM affected f
			WHERE f.pkg_key IN (` + placeholders(len(part)) + `) ORDER BY f.advisory_id, f.ordinal`)
		rows, err := s.reader().QueryContext(ctx, q, anys(part)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r store.AffectedRow
			if err := rows.Scan(&r.AdvisoryID, &r.Ecosystem, &r.Key, &r.Data); err != nil {
				return err
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: affected packages: %w", err)
	}
	return out, nil
}

// GroupsOf implements store.KnowledgeBase.
func (s *Store) GroupsOf(ctx context.Context, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	err := inChunks(ids, func(part []string) error {
		rows, err := s.reader().QueryContext(ctx, s.d.rebind(`SELECT id, group_id FROM advisory WHERE id IN (`+placeholders(len(part))+`)`), anys(part)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, g string
			if err := rows.Scan(&id, &g); err != nil {
				return err
			}
			if g == "" {
				g = id
			}
			out[id] = g
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: groups: %w", err)
	}
	return out, nil
}

// AdvisoriesByGroups implements store.KnowledgeBase.
func (s *Store) AdvisoriesByGroups(ctx context.Context, groups []string) ([]store.AdvisoryInfo, error) {
	var out []store.AdvisoryInfo
	err := inChunks(groups, func(part []string) error {
		rows, err := s.reader().QueryContext(ctx, s.d.rebind(`SELECT id, group_id, aliases, summary, severity_rating, severity_score,
			severity_vector, severity_source, refs, modified, published FROM advisory
			WHERE withdrawn = ? AND (group_id IN (`+placeholders(len(part))+`) OR (group_id = '' AND id IN (`+placeholders(len(part))+`)))`),
			append(append([]any{false}, anys(part)...), anys(part)...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var a store.AdvisoryInfo
			var aliases, refs, rating, mod, pub string
			if err := rows.Scan(&a.ID, &a.Group, &aliases, &a.Summary, &rating, &a.Severity.Score,
				&a.Severity.Vector, &a.Severity.Source, &refs, &mod, &pub); err != nil {
				return err
			}
			if a.Group == "" {
				a.Group = a.ID
			}
			a.Severity.Rating = model.Rating(rating)
			if err := json.Unmarshal([]byte(aliases), &a.Aliases); err != nil {
				return fmt.Errorf("aliases of %s: %w", a.ID, err)
			}
			if err := json.Unmarshal([]byte(refs), &a.References); err != nil {
				return fmt.Errorf("references of %s: %w", a.ID, err)
			}
			a.Modified, a.Published = parseTime(mod), parseTime(pub)
			out = append(out, a)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: advisories by group: %w", err)
	}
	return out, nil
}

// KEV implements store.KnowledgeBase.
func (s *Store) KEV(ctx context.Context, cves []string) (map[string]model.KEV, error) {
	out := map[string]model.KEV{}
	err := inChunks(cves, func(part []string) error {
		rows, err := s.reader().QueryContext(ctx, s.d.rebind(`SELECT cve, date_added, due_date, ransomware, name FROM kev WHERE cve IN (`+placeholders(len(part))+`)`), anys(part)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k model.KEV
			var added, due string
			if err := rows.Scan(&k.CVE, &added, &due, &k.Ransomware, &k.Name); err != nil {
				return err
			}
			k.DateAdded, k.DueDate = parseTime(added), parseTime(due)
			out[k.CVE] = k
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: KEV: %w", err)
	}
	return out, nil
}

// EPSS implements store.KnowledgeBase.
func (s *Store) EPSS(ctx context.Context, cves []string) (map[string]model.EPSS, error) {
	out := map[string]model.EPSS{}
	err := inChunks(cves, func(part []string) error {
		rows, err := s.reader().QueryContext(ctx, s.d.rebind(`SELECT cve, score, percentile FROM epss WHERE cve IN (`+placeholders(len(part))+`)`), anys(part)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e model.EPSS
			if err := rows.Scan(&e.CVE, &e.Score, &e.Percentile); err != nil {
				return err
			}
			out[e.CVE] = e
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: EPSS: %w", err)
	}
	return out, nil
}

func inChunks(vals []string, fn func([]string) error) error {
	for len(vals) > 0 {
		n := min(len(vals), chunk)
		if err := fn(vals[:n]); err != nil {
			return err
		}
		vals = vals[n:]
	}
	return nil
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func nonNil(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func formatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t
	}
	return time.Time{}
}
