package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
)

// ingestTx implements store.IngestTx; every statement filters by org.
type ingestTx struct {
	tx  *sql.Tx
	d   dialect
	org string
	// stmts are the multi-row INSERTs prepared in this transaction, by
	// text: a batch of many rows is prepared once, not once per batch
	// (parsing a 100-row statement costs SQLite more than running it).
	stmts map[string]*sql.Stmt
}

// batchRows bounds the rows of one multi-row INSERT (17 columns × 100 rows
// stays far below both engines' parameter limits).
const batchRows = 100

func (t *ingestTx) SBOMByDigest(ctx context.Context, versionID, digest string) (model.StoredSBOM, error) {
	b, err := scanSBOM(t.tx.QueryRowContext(ctx, t.d.rebind(`SELECT `+sbomCols+` FROM sbom
		WHERE org_id = ? AND version_id = ? AND digest = ?`), t.org, versionID, digest))
	if err != nil {
		return b, notFound(err, "SBOM by digest")
	}
	return b, nil
}

func (t *ingestTx) Version(ctx context.Context, versionID string) (model.Version, error) {
	// PostgreSQL: lock the version row so concurrent ingestions of one
	// version reconcile one after the other. SQLite transactions take the
	// write lock when they begin (_txlock=immediate).
	suffix := ""
	if t.d.dollar {
		suffix = " FOR UPDATE"
	}
	return getVersion(ctx, t.tx, t.d, t.org, versionID, suffix)
}

func (t *ingestTx) PutSBOM(ctx context.Context, b *model.StoredSBOM, content []byte) error {
	newID(&b.ID)
	b.OrgID = t.org
	if b.Created.IsZero() {
		b.Created = now()
	}
	packed, err := compress(content)
	if err != nil {
		return fmt.Errorf("store: put SBOM: %w", err)
	}
	_, err = t.tx.ExecContext(ctx, t.d.rebind(`INSERT INTO sbom (`+sbomCols+`, compression, content)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'deflate', ?)`),
		b.ID, t.org, b.VersionID, b.Name, b.Digest, b.Size, b.Format, b.SpecVersion, b.Encoding, b.Serial, b.Components,
		stamp(b.Created), packed)
	switch {
	case isUniqueViolation(err):
		return fmt.Errorf("store: put SBOM: %w", store.ErrConflict)
	case isForeignKeyViolation(err):
		return fmt.Errorf("store: put SBOM: version: %w", store.ErrNotFound)
	case err != nil:
		return fmt.Errorf("store: put SBOM: %w", err)
	}
	return nil
}

// insertBatches inserts rows of ncol values each with multi-row INSERTs.
func (t *ingestTx) insertBatches(ctx context.Context, prefix, suffix string, ncol int, rows [][]any) error {
	return t.insertEach(ctx, prefix, suffix, ncol, len(rows), func(i int, args []any) []any { return append(args, rows[i]...) })
}

// insertEach inserts n rows of ncol values each with multi-row INSERTs;
// row appends the values of row i to args. The values are gathered one
// batch at a time, so that a large SBOM never has all its rows' arguments
// in memory at once.
func (t *ingestTx) insertEach(ctx context.Context, prefix, suffix string, ncol, n int, row func(i int, args []any) []any) error {
	var full string // the statement of a batch of batchRows rows
	args := make([]any, 0, min(n, batchRows)*ncol)
	for lo := 0; lo < n; lo += batchRows {
		k := min(n-lo, batchRows)
		q := full
		if q == "" || k < batchRows {
			q = t.d.rebind(prefix + strings.Repeat("("+placeholders(ncol)+"), ", k-1) + "(" + placeholders(ncol) + ")" + suffix)
			if k == batchRows {
				full = q
			}
		}
		args = args[:0]
		for i := lo; i < lo+k; i++ {
			args = row(i, args)
		}
		if len(args) != k*ncol {
			return fmt.Errorf("internal error: %d values for %d rows of %d columns", len(args), k, ncol)
		}
		if k < batchRows {
			// A last, shorter batch: its text is seldom seen again.
			if _, err := t.tx.ExecContext(ctx, q, args...); err != nil {
				return err
			}
			continue
		}
		st := t.stmts[q]
		if st == nil {
			var err error
			if st, err = t.tx.PrepareContext(ctx, q); err != nil {
				return err
			}
			if t.stmts == nil {
				t.stmts = map[string]*sql.Stmt{}
			}
			t.stmts[q] = st // closed with the transaction
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return err
		}
	}
	clear(args) // drop the references to the last batch's values
	return nil
}

// emptyJSONList is the stored form of a component without licences or
// hashes.
const emptyJSONList = "[]"

func (t *ingestTx) PutComponents(ctx context.Context, first int, cs []model.StoredComponent) error {
	err := t.insertEach(ctx, `INSERT INTO sbom_component (id, org_id, sbom_id, version_id, ordinal, is_root, ref, name,
		version, grp, purl, cpe, type, supplier, author, scope, licenses, hashes, pkg_key) VALUES `, "", 19, len(cs),
		func(i int, args []any) []any {
			c := &cs[i]
			newID(&c.ID)
			lic, hj := emptyJSONList, emptyJSONList
			if len(c.Licenses) > 0 {
				b, _ := json.Marshal(c.Licenses)
				lic = string(b)
			}
			if len(c.Hashes) > 0 {
				b, _ := json.Marshal(c.Hashes)
				hj = string(b)
			}
			return append(args, c.ID, t.org, c.SBOMID, c.VersionID, first+i, c.Root, c.Ref, c.Name, c.Version, c.Group, c.PURL, c.CPE,
				c.Type, c.Supplier, c.Author, c.Scope, lic, hj, c.PkgKey)
		})
	if err != nil {
		return fmt.Errorf("store: put components: %w", err)
	}
	return nil
}

func (t *ingestTx) PutEdges(ctx context.Context, versionID, sbomID string, deps []model.Dependency) error {
	// Edge i is deps[from[i]] → its (i - start[from[i]])th ref; the
	// entries are walked in order, so a cursor suffices.
	n := 0
	for _, d := range deps {
		n += len(d.DependsOn)
	}
	entry, ref := 0, 0
	err := t.insertEach(ctx, `INSERT INTO sbom_edge (org_id, sbom_id, from_ref, to_ref) VALUES `,
		` ON CONFLICT DO NOTHING`, 4, n, func(_ int, args []any) []any {
			for ref >= len(deps[entry].DependsOn) {
				entry, ref = entry+1, 0
			}
			d := &deps[entry]
			ref++
			return append(args, t.org, sbomID, d.Ref, d.DependsOn[ref-1])
		})
	if err != nil {
		return fmt.Errorf("store: put edges: %w", err)
	}
	return nil
}

func (t *ingestTx) SetCurrentSBOM(ctx context.Context, versionID, sbomID string) error {
	_, err := t.tx.ExecContext(ctx, t.d.rebind(`UPDATE product_version SET current_sbom_id = ? WHERE org_id = ? AND id = ?`),
		sbomID, t.org, versionID)
	if err != nil {
		return fmt.Errorf("store: set current SBOM: %w", err)
	}
	return nil
}

func (t *ingestTx) VersionFindings(ctx context.Context, versionID string) ([]model.TrackedFinding, error) {
	rows, err := t.tx.QueryContext(ctx, t.d.rebind(`SELECT `+findingCols+` FROM finding WHERE org_id = ? AND version_id = ?`),
		t.org, versionID)
	if err != nil {
		return nil, fmt.Errorf("store: version findings: %w", err)
	}
	defer rows.Close()
	var out []model.TrackedFinding
	for rows.Next() {
		f, err := scanFinding(rows)
		if err != nil {
			return nil, fmt.Errorf("store: version findings: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// findingUpsert is the conflict clause of finding inserts: a finding keeps
// its id, organisation, version, key and first_seen; the rest follows the
// latest match.
const findingUpsert = ` ON CONFLICT (id) DO UPDATE SET component_id = excluded.component_id,
	component_name = excluded.component_name, component_version = excluded.component_version,
	component_group = excluded.component_group, component_purl = excluded.component_purl,
	ecosystem = excluded.ecosystem, package = excluded.package, vuln_ids = excluded.vuln_ids,
	advisories = excluded.advisories, summary = excluded.summary, severity_rating = excluded.severity_rating,
	severity_rank = excluded.severity_rank, severity_score = excluded.severity_score,
	severity_vector = excluded.severity_vector, severity_source = excluded.severity_source, kev = excluded.kev,
	kev_date_added = excluded.kev_date_added, epss_score = excluded.epss_score,
	epss_percentile = excluded.epss_percentile, fixed_versions = excluded.fixed_versions, state = excluded.state,
	last_seen = excluded.last_seen, resolved_at = excluded.resolved_at
	WHERE finding.org_id = excluded.org_id`

func (t *ingestTx) PutFinding(ctx context.Context, f *model.TrackedFinding) error {
	return t.PutFindings(ctx, []*model.TrackedFinding{f})
}

func (t *ingestTx) PutFindings(ctx context.Context, fs []*model.TrackedFinding) error {
	rows := make([][]any, len(fs))
	for i, f := range fs {
		newID(&f.ID)
		f.OrgID = t.org
		rows[i] = findingArgs(f)
	}
	if len(rows) == 0 {
		return nil
	}
	err := t.insertBatches(ctx, `INSERT INTO finding (`+findingCols+`) VALUES `, findingUpsert, len(rows[0]), rows)
	if err != nil {
		return fmt.Errorf("store: put findings: %w", err)
	}
	return nil
}

func (t *ingestTx) AddEvents(ctx context.Context, evs []model.FindingEvent) error {
	rows := make([][]any, len(evs))
	for i, e := range evs {
		rows[i] = []any{t.org, e.VersionID, e.FindingID, e.SBOMID, string(e.Kind), e.Detail, stamp(e.At)}
	}
	err := t.insertBatches(ctx, `INSERT INTO finding_event (org_id, version_id, finding_id, sbom_id, kind, detail, at) VALUES `,
		"", 7, rows)
	if err != nil {
		return fmt.Errorf("store: add finding events: %w", err)
	}
	return nil
}
