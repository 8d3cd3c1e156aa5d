package sqlstore

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/rocca-project/rocca/internal/model"
)

// The knowledge-base summary a scan reports (numbers of advisories, KEV
// entries and EPSS scores) is counted once per import transaction that
// wrote any of them and kept in kb_meta under these keys, so that a scan
// reads four short rows instead of counting tens of thousands (migration
// 0003 fills them for databases imported before).
const (
	metaUpdated    = "updated_at"
	metaAdvisories = "count_advisories"
	metaKEV        = "count_kev"
	metaEPSS       = "count_epss"
)

// storeSummary recounts the summary inside the import transaction.
func (t *importTx) storeSummary(ctx context.Context) error {
	var adv, kev, epss int
	err := t.tx.QueryRowContext(ctx, t.d.rebind(`SELECT
		(SELECT COUNT(*) FROM advisory WHERE withdrawn = ?),
		(SELECT COUNT(*) FROM kev),
		(SELECT COUNT(*) FROM epss)`), false).Scan(&adv, &kev, &epss)
	if err != nil {
		return fmt.Errorf("store: count knowledge base: %w", err)
	}
	for _, kv := range []struct {
		key string
		n   int
	}{{metaAdvisories, adv}, {metaKEV, kev}, {metaEPSS, epss}} {
		if err := t.exec(ctx, `INSERT INTO kb_meta (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, kv.key, strconv.Itoa(kv.n)); err != nil {
			return fmt.Errorf("store: store knowledge-base summary: %w", err)
		}
	}
	return nil
}

// Stats implements store.KnowledgeBase: the summary kept by the imports,
// or, when a count is missing from kb_meta, the counts themselves.
func (s *Store) Stats(ctx context.Context) (model.DatabaseInfo, error) {
	var info model.DatabaseInfo
	rows, err := s.reader().QueryContext(ctx, s.d.rebind(`SELECT key, value FROM kb_meta WHERE key IN (?, ?, ?, ?)`),
		metaUpdated, metaAdvisories, metaKEV, metaEPSS)
	if err != nil {
		return info, fmt.Errorf("store: stats: %w", err)
	}
	defer rows.Close()
	found := 0
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return info, fmt.Errorf("store: stats: %w", err)
		}
		var n *int
		switch k {
		case metaUpdated:
			info.UpdatedAt = parseTime(v)
			continue
		case metaAdvisories:
			n = &info.Advisories
		case metaKEV:
			n = &info.KEVEntries
		case metaEPSS:
			n = &info.EPSSScores
		}
		c, err := strconv.Atoi(v)
		if err != nil {
			continue // counted below
		}
		*n = c
		found++
	}
	if err := rows.Err(); err != nil {
		return info, fmt.Errorf("store: stats: %w", err)
	}
	if found == 3 {
		return info, nil
	}
	return s.countStats(ctx, info.UpdatedAt)
}

// countStats counts the summary in the tables.
func (s *Store) countStats(ctx context.Context, updated time.Time) (model.DatabaseInfo, error) {
	info := model.DatabaseInfo{UpdatedAt: updated}
	err := s.reader().QueryRowContext(ctx, s.d.rebind(`SELECT
		(SELECT COUNT(*) FROM advisory WHERE withdrawn = ?),
		(SELECT COUNT(*) FROM kev),
		(SELECT COUNT(*) FROM epss)`), false).
		Scan(&info.Advisories, &info.KEVEntries, &info.EPSSScores)
	if err != nil {
		return info, fmt.Errorf("store: stats: %w", err)
	}
	return info, nil
}
