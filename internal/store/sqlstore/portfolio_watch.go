package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/model"
)

// The watch's reads and writes (migration 0006): the reverse index from
// package keys to versions, the change-log cursors and the outbox.

// ComponentsOfPackages returns the components of an SBOM of org whose
// package key is one of keys, in document order, the root excluded.
func (s *Store) ComponentsOfPackages(ctx context.Context, org, sbomID string, keys []string) ([]model.StoredComponent, error) {
	in, arg := anyOf(s.d, "pkg_key", keys)
	rows, err := s.reader().QueryContext(ctx, s.d.rebind(`SELECT `+componentCols+`, pkg_key FROM sbom_component
		WHERE org_id = ? AND sbom_id = ? AND is_root = ? AND `+in+` ORDER BY ordinal`), org, sbomID, false, arg)
	if err != nil {
		return nil, fmt.Errorf("store: components of packages: %w", err)
	}
	defer rows.Close()
	var out []model.StoredComponent
	for rows.Next() {
		var key sql.NullString
		c, err := scanComponent(rows, &key)
		if err != nil {
			return nil, fmt.Errorf("store: components of packages: %w", err)
		}
		c.PkgKey = key.String
		out = append(out, c)
	}
	return out, rows.Err()
}

// matchCols are the component columns a re-match needs (ComponentsOfSBOMs).
const matchCols = `id, sbom_id, version_id, name, version, grp, purl`

// componentsOfSBOMsQuery is the query of ComponentsOfSBOMs, rebound.
func componentsOfSBOMsQuery(d dialect, org string, sbomIDs, keys []string) (string, []any) {
	in, arg := anyOf(d, "sbom_id", sbomIDs)
	q, args := `SELECT `+matchCols+`, ordinal FROM sbom_component WHERE org_id = ? AND `+in+` AND is_root = ?`, []any{org, arg, false}
	if keys == nil {
		// Every row of the SBOMs, in the order of sbom_component_sbom.
		q += ` ORDER BY sbom_id, ordinal`
	} else {
		// The keys' rows through sbom_component_pkg_org (migration 0008),
		// sorted here: an ORDER BY would make SQLite prefer the SBOMs'
		// index and read every component of every SBOM.
		kin, karg := anyOf(d, "pkg_key", keys)
		q += ` AND ` + kin
		args = append(args, karg)
	}
	return d.rebind(q), args
}

// ComponentsOfSBOMs returns the components of several SBOMs of org, the
// roots excluded, by SBOM and in document order: all of them, or, when
// keys is not nil, those whose package key is one of keys. Only the
// columns matching and reconciliation read are filled (id, SBOM, version,
// name, version, group, purl): the many SBOMs of a re-match after a bulk
// import hold a million rows.
func (s *Store) ComponentsOfSBOMs(ctx context.Context, org string, sbomIDs, keys []string) ([]model.StoredComponent, error) {
	if len(sbomIDs) == 0 {
		return nil, nil
	}
	q, args := componentsOfSBOMsQuery(s.d, org, sbomIDs, keys)
	rows, err := s.reader().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: components of SBOMs: %w", err)
	}
	defer rows.Close()
	var out []model.StoredComponent
	var ordinals []int
	for rows.Next() {
		var c model.StoredComponent
		var ord int
		if err := rows.Scan(&c.ID, &c.SBOMID, &c.VersionID, &c.Name, &c.Version, &c.Group, &c.PURL, &ord); err != nil {
			return nil, fmt.Errorf("store: components of SBOMs: %w", err)
		}
		out = append(out, c)
		ordinals = append(ordinals, ord)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: components of SBOMs: %w", err)
	}
	if keys != nil {
		idx := make([]int, len(out))
		for i := range idx {
			idx[i] = i
		}
		slices.SortFunc(idx, func(a, b int) int {
			if c := strings.Compare(out[a].SBOMID, out[b].SBOMID); c != 0 {
				return c
			}
			return cmp.Compare(ordinals[a], ordinals[b])
		})
		sorted := make([]model.StoredComponent, len(out))
		for i, j := range idx {
			sorted[i] = out[j]
		}
		out = sorted
	}
	return out, nil
}

// CurrentSBOMs implements store.IngestTx.
func (t *ingestTx) CurrentSBOMs(ctx context.Context, versionIDs []string) (map[string]string, error) {
	out := make(map[string]string, len(versionIDs))
	if len(versionIDs) == 0 {
		return out, nil
	}
	suffix := ""
	if t.d.dollar {
		// The order every locker of several versions takes them in.
		suffix = " ORDER BY id FOR UPDATE"
	}
	in, arg := anyOf(t.d, "id", versionIDs)
	rows, err := t.tx.QueryContext(ctx, t.d.rebind(`SELECT id, current_sbom_id FROM product_version
		WHERE org_id = ? AND `+in+suffix), t.org, arg)
	if err != nil {
		return nil, fmt.Errorf("store: current SBOMs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, sbomID string
		if err := rows.Scan(&id, &sbomID); err != nil {
			return nil, fmt.Errorf("store: current SBOMs: %w", err)
		}
		out[id] = sbomID
	}
	return out, rows.Err()
}

// FindingsOfVersions implements store.IngestTx.
func (t *ingestTx) FindingsOfVersions(ctx context.Context, versionIDs, componentKeys []string) (map[string][]model.TrackedFinding, error) {
	out := make(map[string][]model.TrackedFinding, len(versionIDs))
	if len(versionIDs) == 0 || (componentKeys != nil && len(componentKeys) == 0) {
		return out, nil
	}
	in, arg := anyOf(t.d, "version_id", versionIDs)
	q, args := `SELECT `+findingCols+` FROM finding WHERE org_id = ? AND `+in, []any{t.org, arg}
	if componentKeys != nil {
		kin, karg := anyOf(t.d, "component_key", componentKeys)
		q += ` AND ` + kin
		args = append(args, karg)
	}
	rows, err := t.tx.QueryContext(ctx, t.d.rebind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("store: findings of versions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		f, err := scanFinding(rows)
		if err != nil {
			return nil, fmt.Errorf("store: findings of versions: %w", err)
		}
		out[f.VersionID] = append(out[f.VersionID], f)
	}
	return out, rows.Err()
}

// manyPackages is the number of package keys above which
// VersionsWithPackages probes every version rather than following the
// keys' rows.
const manyPackages = 1000

// versionsWithPackagesQuery is the query of VersionsWithPackages, rebound.
func versionsWithPackagesQuery(d dialect, keys []string) (string, any) {
	in, arg := anyOf(d, "c.pkg_key", keys)
	// Few keys (a new advisory): from the keys (sbom_component_pkg_org) to the
	// SBOMs holding them, to the versions whose current SBOM they are
	// (product_version_current, migration 0008): the work follows the rows
	// of those packages, not the size of the portfolio. Many keys (a bulk
	// import): the rows of those packages are most of the portfolio's, and
	// each version's current SBOM is probed until one of its components
	// is of a key.
	where := `(v.org_id, v.current_sbom_id) IN (SELECT c.org_id, c.sbom_id FROM sbom_component c WHERE ` + in + `)`
	if len(keys) > manyPackages {
		where = `v.current_sbom_id <> '' AND EXISTS (SELECT 1 FROM sbom_component c
			WHERE c.org_id = v.org_id AND c.sbom_id = v.current_sbom_id AND ` + in + `)`
	}
	return d.rebind(`SELECT v.org_id, v.product_id, v.id, v.current_sbom_id, v.lifecycle, p.support_end
		FROM product_version v JOIN product p ON p.org_id = v.org_id AND p.id = v.product_id
		WHERE ` + where + ` ORDER BY v.org_id, v.id`), arg
}

// VersionsWithPackages returns the versions, of every organisation, whose
// current SBOM contains a component of one of the package keys: the
// reverse index the watch re-matches from.
func (s *Store) VersionsWithPackages(ctx context.Context, keys []string) ([]model.VersionRef, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	q, arg := versionsWithPackagesQuery(s.d, keys)
	rows, err := s.reader().QueryContext(ctx, q, arg)
	if err != nil {
		return nil, fmt.Errorf("store: versions with packages: %w", err)
	}
	defer rows.Close()
	var out []model.VersionRef
	for rows.Next() {
		var r model.VersionRef
		var lc, end string
		if err := rows.Scan(&r.OrgID, &r.ProductID, &r.VersionID, &r.SBOMID, &lc, &end); err != nil {
			return nil, fmt.Errorf("store: versions with packages: %w", err)
		}
		r.Lifecycle, r.SupportEnd = model.Lifecycle(lc), parseTime(end)
		out = append(out, r)
	}
	return out, rows.Err()
}

// ComponentsWithoutPackageKey returns up to limit components stored before
// package keys were recorded (their key is NULL), for the backfill.
func (s *Store) ComponentsWithoutPackageKey(ctx context.Context, limit int) ([]model.StoredComponent, error) {
	rows, err := s.reader().QueryContext(ctx, s.d.rebind(`SELECT `+componentCols+` FROM sbom_component
		WHERE pkg_key IS NULL LIMIT ?`), limit)
	if err != nil {
		return nil, fmt.Errorf("store: components without package key: %w", err)
	}
	defer rows.Close()
	var out []model.StoredComponent
	for rows.Next() {
		c, err := scanComponent(rows)
		if err != nil {
			return nil, fmt.Errorf("store: components without package key: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// SetPackageKeys records the package key of components by id.
func (s *Store) SetPackageKeys(ctx context.Context, keys map[string]string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: set package keys: %w", err)
	}
	defer tx.Rollback()
	q := s.d.rebind(`UPDATE sbom_component SET pkg_key = ? WHERE id = ?`)
	for id, k := range keys {
		if _, err := tx.ExecContext(ctx, q, k, id); err != nil {
			return fmt.Errorf("store: set package keys: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: set package keys: %w", err)
	}
	return nil
}

// WatchCursor returns the last change-log sequence number the named
// consumer processed (0 when none).
func (s *Store) WatchCursor(ctx context.Context, name string) (int64, error) {
	var seq int64
	err := s.db.QueryRowContext(ctx, s.d.rebind(`SELECT seq FROM watch_cursor WHERE name = ?`), name).Scan(&seq)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: watch cursor %s: %w", name, err)
	}
	return seq, nil
}

// SetWatchCursor records that the named consumer processed the change log
// up to seq.
func (s *Store) SetWatchCursor(ctx context.Context, name string, seq int64, at time.Time) error {
	_, err := s.db.ExecContext(ctx, s.d.rebind(`INSERT INTO watch_cursor (name, seq, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET seq = excluded.seq, updated_at = excluded.updated_at`), name, seq, stamp(at))
	if err != nil {
		return fmt.Errorf("store: set watch cursor %s: %w", name, err)
	}
	return nil
}

// AddOutbox writes notification events in the transaction.
func (t *ingestTx) AddOutbox(ctx context.Context, evs []model.OutboxEvent) error {
	rows := make([][]any, len(evs))
	for i := range evs {
		e := &evs[i]
		newID(&e.ID)
		e.OrgID = t.org
		rows[i] = []any{e.ID, t.org, e.Type, e.ProductID, e.VersionID, string(e.Payload), stamp(e.Created)}
	}
	err := t.insertBatches(ctx, `INSERT INTO outbox (id, org_id, type, product_id, version_id, payload, created_at) VALUES `, "", 7, rows)
	if err != nil {
		return fmt.Errorf("store: add outbox events: %w", err)
	}
	return nil
}

// OpenFindingCounts counts the open findings of every organisation by
// severity rating and KEV flag (for metrics), leaving out those whose
// effective triage status is not_affected or fixed.
func (s *Store) OpenFindingCounts(ctx context.Context) ([]model.FindingCount, error) {
	rows, err := s.reader().QueryContext(ctx, s.d.rebind(`SELECT severity_rating, kev, COUNT(*) FROM finding
		WHERE state = ? AND analysis_status NOT IN (?, ?) GROUP BY severity_rating, kev ORDER BY 1, 2`),
		string(model.FindingOpen), string(model.StatusNotAffected), string(model.StatusFixed))
	if err != nil {
		return nil, fmt.Errorf("store: open finding counts: %w", err)
	}
	defer rows.Close()
	var out []model.FindingCount
	for rows.Next() {
		var c model.FindingCount
		if err := rows.Scan(&c.Severity, &c.KEV, &c.N); err != nil {
			return nil, fmt.Errorf("store: open finding counts: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// PruneWatch deletes what the watch and the notifications no longer need:
// change-log entries the named watch cursor has passed and that are older
// than before, outbox events dispatched before before, and deliveries
// finished (delivered or failed) before deliveredBefore. It returns the
// number of rows deleted.
func (s *Store) PruneWatch(ctx context.Context, cursor string, before, deliveredBefore time.Time) (int64, error) {
	var total int64
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`DELETE FROM kb_change WHERE at < ? AND seq <= COALESCE((SELECT seq FROM watch_cursor WHERE name = ?), 0)
			AND seq < (SELECT MAX(seq) FROM kb_change)`, []any{stamp(before), cursor}},
		{`DELETE FROM outbox WHERE dispatched_at IS NOT NULL AND dispatched_at < ?`, []any{stamp(before)}},
		{`DELETE FROM delivery WHERE state <> ? AND updated_at < ?`, []any{model.DeliveryPending, stamp(deliveredBefore)}},
	} {
		res, err := s.db.ExecContext(ctx, s.d.rebind(q.sql), q.args...)
		if err != nil {
			return total, fmt.Errorf("store: prune: %w", err)
		}
		n, _ := res.RowsAffected()
		total += n
	}
	return total, nil
}
