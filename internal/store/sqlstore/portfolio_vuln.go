package sqlstore

import (
	"context"
	"fmt"

	"github.com/rocca-project/rocca/internal/store"
)

var _ store.AliasIndex = (*Store)(nil)

// AdvisoriesKnownAs implements store.AliasIndex: id is an advisory id, an
// alias, or an EUVD id of a CVE alias. The knowledge base is global: this
// query takes no organisation.
func (s *Store) AdvisoriesKnownAs(ctx context.Context, id string) ([]string, error) {
	// An EUVD id is an alias of its CVE's advisories (euvd_alias).
	rows, err := s.db.QueryContext(ctx, s.d.rebind(`WITH ids (id) AS (SELECT CAST(? AS TEXT) UNION SELECT cve FROM euvd_alias WHERE euvd_id = ?)
		SELECT v.id FROM advisory v JOIN ids ON ids.id = v.id WHERE v.withdrawn = ?
		UNION SELECT a.advisory_id FROM advisory_alias a JOIN ids ON ids.id = a.alias JOIN advisory v ON v.id = a.advisory_id
		WHERE v.withdrawn = ? ORDER BY 1`), id, id, false, false)
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
