package sqlstore

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/rocca-project/rocca/internal/store"
)

// The knowledge base's change log (migration 0005): every import
// transaction collects what it changed (kind and key, each once) and
// writes it to kb_change just before committing, so the entries commit
// with the change they describe. On PostgreSQL the import transactions
// take kbImportLock first: they run one at a time, so a transaction that
// draws higher sequence numbers commits after every one that drew lower
// ones, and a reader that remembers the last seq it processed skips
// nothing. On SQLite the write lock taken at BEGIN (IMMEDIATE) does the
// same, across processes too.

// kbImportLock is the PostgreSQL advisory lock key that serialises
// knowledge-base import transactions.
const kbImportLock = 0x726f636361_01 // "rocca" 1

type changeKey struct{ kind, key string }

// logChange records that the transaction changed key of kind.
func (t *importTx) logChange(kind, key string) {
	if t.changes == nil {
		t.changes = map[changeKey]struct{}{}
	}
	t.changes[changeKey{kind, key}] = struct{}{}
}

// writeChanges inserts the collected changes, in (kind, key) order.
func (t *importTx) writeChanges(ctx context.Context) error {
	if len(t.changes) == 0 {
		return nil
	}
	list := make([]changeKey, 0, len(t.changes))
	for c := range t.changes {
		list = append(list, c)
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].kind != list[j].kind {
			return list[i].kind < list[j].kind
		}
		return list[i].key < list[j].key
	})
	at := t.at
	if at.IsZero() {
		at = now()
	}
	ts := stamp(at)
	// Multi-row inserts: a full EPSS file changes hundreds of thousands
	// of scores.
	const perInsert = 200
	for len(list) > 0 {
		n := min(len(list), perInsert)
		args := make([]any, 0, 3*n)
		q := make([]byte, 0, 64+10*n)
		q = append(q, "INSERT INTO kb_change (at, kind, key) VALUES "...)
		for i, c := range list[:n] {
			if i > 0 {
				q = append(q, ", "...)
			}
			q = append(q, "(?, ?, ?)"...)
			args = append(args, ts, c.kind, c.key)
		}
		if err := t.exec(ctx, string(q), args...); err != nil {
			return fmt.Errorf("store: write change log: %w", err)
		}
		list = list[n:]
	}
	return nil
}

// logAffectedKeys records a package change for each distinct package key
// of the advisory's stored affected rows.
func (t *importTx) logAffectedKeys(ctx context.Context, id string) error {
	st, err := t.stmt(ctx, `SELECT DISTINCT pkg_key FROM affected WHERE advisory_id = ?`)
	if err != nil {
		return err
	}
	rows, err := st.QueryContext(ctx, id)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return err
		}
		t.logChange(store.ChangePackage, k)
	}
	return rows.Err()
}

// Changes implements store.KnowledgeBase.
func (s *Store) Changes(ctx context.Context, after int64, limit int) ([]store.KBChange, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := s.reader().QueryContext(ctx, s.d.rebind(`SELECT seq, at, kind, key FROM kb_change
		WHERE seq > ? ORDER BY seq LIMIT ?`), after, limit)
	if err != nil {
		return nil, fmt.Errorf("store: changes after %d: %w", after, err)
	}
	defer rows.Close()
	var out []store.KBChange
	for rows.Next() {
		var c store.KBChange
		var at string
		if err := rows.Scan(&c.Seq, &at, &c.Kind, &c.Key); err != nil {
			return nil, fmt.Errorf("store: changes after %d: %w", after, err)
		}
		c.At = parseTime(at)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: changes after %d: %w", after, err)
	}
	return out, nil
}

// LatestChange implements store.KnowledgeBase.
func (s *Store) LatestChange(ctx context.Context) (int64, error) {
	var seq int64
	err := s.reader().QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM kb_change`).Scan(&seq)
	if err != nil {
		return 0, fmt.Errorf("store: latest change: %w", err)
	}
	return seq, nil
}

// PruneChanges implements store.KnowledgeBase.
func (s *Store) PruneChanges(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, s.d.rebind(`DELETE FROM kb_change WHERE at < ?
		AND seq < (SELECT MAX(seq) FROM kb_change)`), stamp(before))
	if err != nil {
		return 0, fmt.Errorf("store: prune change log: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}
