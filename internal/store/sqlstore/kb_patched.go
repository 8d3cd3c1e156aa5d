package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/rocca-project/rocca/internal/model"
)

// PatchedSince returns the EU KEV list's patchedSince date of the given
// CVE ids that have one, by CVE: the date ENISA gives since which a patch
// is available (a case's suggested fix date).
func (s *Store) PatchedSince(ctx context.Context, cves []string) (map[string]time.Time, error) {
	out := map[string]time.Time{}
	if len(cves) == 0 {
		return out, nil
	}
	in, arg := anyOf(s.d, "cve", cves)
	rows, err := s.reader().QueryContext(ctx, s.d.rebind(`SELECT cve, patched_since FROM exploited
		WHERE source = ? AND patched_since <> '' AND `+in), model.ExploitedEUKEV, arg)
	if err != nil {
		return nil, fmt.Errorf("store: patched since: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var cve, patched string
		if err := rows.Scan(&cve, &patched); err != nil {
			return nil, fmt.Errorf("store: patched since: %w", err)
		}
		if t := parseTime(patched); !t.IsZero() {
			out[cve] = t
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: patched since: %w", err)
	}
	return out, nil
}
