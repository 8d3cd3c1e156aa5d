package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
)

// maxSBOMContent bounds an inflated SBOM document (the reader's own default
// limit).
const maxSBOMContent = 512 << 20

const sbomCols = `id, org_id, version_id, name, digest, size, format, spec_version, encoding, serial, component_count, created_at`

func scanSBOM(sc interface{ Scan(...any) error }) (model.StoredSBOM, error) {
	var b model.StoredSBOM
	var created string
	err := sc.Scan(&b.ID, &b.OrgID, &b.VersionID, &b.Name, &b.Digest, &b.Size, &b.Format, &b.SpecVersion,
		&b.Encoding, &b.Serial, &b.Components, &created)
	b.Created = parseTime(created)
	return b, err
}

// SBOM implements store.SBOMs.
func (s *Store) SBOM(ctx context.Context, org, id string) (model.StoredSBOM, error) {
	b, err := scanSBOM(s.reader().QueryRowContext(ctx, s.d.rebind(`SELECT `+sbomCols+` FROM sbom WHERE org_id = ? AND id = ?`), org, id))
	if err != nil {
		return b, notFound(err, "SBOM")
	}
	return b, nil
}

// SBOMs implements store.SBOMs.
func (s *Store) SBOMs(ctx context.Context, org, versionID string) ([]model.StoredSBOM, error) {
	rows, err := s.reader().QueryContext(ctx, s.d.rebind(`SELECT `+sbomCols+` FROM sbom WHERE org_id = ? AND version_id = ?
		ORDER BY created_at DESC, id`), org, versionID)
	if err != nil {
		return nil, fmt.Errorf("store: SBOMs: %w", err)
	}
	defer rows.Close()
	var out []model.StoredSBOM
	for rows.Next() {
		b, err := scanSBOM(rows)
		if err != nil {
			return nil, fmt.Errorf("store: SBOMs: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// SBOMContent implements store.SBOMs.
func (s *Store) SBOMContent(ctx context.Context, org, id string) ([]byte, error) {
	var compression string
	var content []byte
	err := s.reader().QueryRowContext(ctx, s.d.rebind(`SELECT compression, content FROM sbom WHERE org_id = ? AND id = ?`), org, id).
		Scan(&compression, &content)
	if err != nil {
		return nil, notFound(err, "SBOM content")
	}
	switch compression {
	case "none":
		return content, nil
	case "deflate":
		out, err := decompress(content, maxSBOMContent)
		if err != nil {
			return nil, fmt.Errorf("store: SBOM content %s: %w", id, err)
		}
		return out, nil
	}
	return nil, fmt.Errorf("store: SBOM content %s: unknown compression %q", id, compression)
}

const componentCols = `id, sbom_id, version_id, is_root, ref, name, version, grp, purl, cpe, type, supplier, author, scope, licenses, hashes`

// scanComponent reads the componentCols of a row, then extra columns into
// extra.
func scanComponent(sc interface{ Scan(...any) error }, extra ...any) (model.StoredComponent, error) {
	var c model.StoredComponent
	var lic, hashes string
	err := sc.Scan(append([]any{&c.ID, &c.SBOMID, &c.VersionID, &c.Root, &c.Ref, &c.Name, &c.Version, &c.Group, &c.PURL, &c.CPE,
		&c.Type, &c.Supplier, &c.Author, &c.Scope, &lic, &hashes}, extra...)...)
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal([]byte(lic), &c.Licenses); err != nil {
		return c, fmt.Errorf("licences of %s: %w", c.ID, err)
	}
	if err := json.Unmarshal([]byte(hashes), &c.Hashes); err != nil {
		return c, fmt.Errorf("hashes of %s: %w", c.ID, err)
	}
	return c, nil
}

// Components implements store.SBOMs.
func (s *Store) Components(ctx context.Context, org, sbomID string) ([]model.StoredComponent, error) {
	rows, err := s.reader().QueryContext(ctx, s.d.rebind(`SELECT `+componentCols+` FROM sbom_component
		WHERE org_id = ? AND sbom_id = ? ORDER BY ordinal`), org, sbomID)
	if err != nil {
		return nil, fmt.Errorf("store: components: %w", err)
	}
	defer rows.Close()
	var out []model.StoredComponent
	for rows.Next() {
		c, err := scanComponent(rows)
		if err != nil {
			return nil, fmt.Errorf("store: components: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// componentPageSQL reads an SBOM's components but the root in document
// order, through sbom_component_sbom.
const componentPageSQL = `SELECT ` + componentCols + ` FROM sbom_component
		WHERE org_id = ? AND sbom_id = ? AND is_root = ? ORDER BY ordinal`

// ComponentPage implements store.SBOMs in one pass over the SBOM's
// components: only the page's licences and hashes are decoded (decoding
// every component's made the components page cost 15-30 ms for 900
// components). A second read of the page's rows by id would let SQLite
// read them through sbom_component_sbom by organisation alone, every
// component of the organisation.
func (s *Store) ComponentPage(ctx context.Context, org, sbomID string, keep func(name, group, version, purl string) bool, offset, limit int) ([]model.StoredComponent, int, error) {
	rows, err := s.reader().QueryContext(ctx, s.d.rebind(componentPageSQL), org, sbomID, false)
	if err != nil {
		return nil, 0, fmt.Errorf("store: components: %w", err)
	}
	defer rows.Close()
	var out []model.StoredComponent
	var lic, hashes sql.RawBytes
	total := 0
	for rows.Next() {
		var c model.StoredComponent
		if err := rows.Scan(&c.ID, &c.SBOMID, &c.VersionID, &c.Root, &c.Ref, &c.Name, &c.Version, &c.Group, &c.PURL, &c.CPE,
			&c.Type, &c.Supplier, &c.Author, &c.Scope, &lic, &hashes); err != nil {
			return nil, 0, fmt.Errorf("store: components: %w", err)
		}
		if keep != nil && !keep(c.Name, c.Group, c.Version, c.PURL) {
			continue
		}
		if total >= offset && len(out) < limit {
			if err := json.Unmarshal(lic, &c.Licenses); err != nil {
				return nil, 0, fmt.Errorf("store: components: licences of %s: %w", c.ID, err)
			}
			if err := json.Unmarshal(hashes, &c.Hashes); err != nil {
				return nil, 0, fmt.Errorf("store: components: hashes of %s: %w", c.ID, err)
			}
			out = append(out, c)
		}
		total++
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("store: components: %w", err)
	}
	return out, total, nil
}

// Component implements store.SBOMs.
func (s *Store) Component(ctx context.Context, org, id string) (model.StoredComponent, error) {
	c, err := scanComponent(s.reader().QueryRowContext(ctx, s.d.rebind(`SELECT `+componentCols+` FROM sbom_component
		WHERE org_id = ? AND id = ?`), org, id))
	if err != nil {
		return c, notFound(err, "component")
	}
	return c, nil
}

// Edges implements store.SBOMs.
func (s *Store) Edges(ctx context.Context, org, sbomID string) ([]model.Dependency, error) {
	rows, err := s.reader().QueryContext(ctx, s.d.rebind(`SELECT from_ref, to_ref FROM sbom_edge
		WHERE org_id = ? AND sbom_id = ? ORDER BY from_ref, to_ref`), org, sbomID)
	if err != nil {
		return nil, fmt.Errorf("store: edges: %w", err)
	}
	defer rows.Close()
	var out []model.Dependency
	for rows.Next() {
		var from, to string
		if err := rows.Scan(&from, &to); err != nil {
			return nil, fmt.Errorf("store: edges: %w", err)
		}
		if n := len(out); n == 0 || out[n-1].Ref != from {
			out = append(out, model.Dependency{Ref: from})
		}
		out[len(out)-1].DependsOn = append(out[len(out)-1].DependsOn, to)
	}
	return out, rows.Err()
}

// Ingest implements store.Ingester.
func (s *Store) Ingest(ctx context.Context, org string, fn func(store.IngestTx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin ingest: %w", err)
	}
	if err := fn(&ingestTx{tx: tx, d: s.d, org: org}); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit ingest: %w", err)
	}
	return nil
}
