package sqlstore

import (
	"context"
	"fmt"

	"github.com/rocca-project/rocca/internal/store"
)

var _ store.AliasIndex = (*Store)(nil)

// AdvisoriesKnownAs implements store.AliasIndex. The knowledge base is
// global: this query takes no organisation.
func (s *Store) AdvisoriesKnownAs(ctx context.Context, id string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, s.d.rebind(`SELECT id FROM advisory WHERE withdrawn = ? AND id = ?
		UNION SELECT a.advisory_id FROM advisory_alias a JOIN advisory v ON v.id = a.advisory_id
		WHERE v.withdrawn = ? AND a.alias = ? ORDER BY 1`), false, id, false, id)
	if err != nil {
		return nil, fmt.Errorf("store: advisories known as %s: %w", id, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, fmt.Errorf("store: advisories known as %s: %w", id, err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
