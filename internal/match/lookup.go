package match

import (
	"context"
	"sort"

	"github.com/rocca-project/rocca/internal/model"
)

// Describe returns the vulnerabilities the given advisory ids belong to,
// one per alias group, each merged from all its group's records with KEV
// and EPSS data, sorted by preferred id.
func (m *Matcher) Describe(ctx context.Context, advisoryIDs []string) ([]model.Vulnerability, error) {
	if len(advisoryIDs) == 0 {
		return nil, nil
	}
	_, vulns, err := m.describeAdvisories(ctx, dedupe(append([]string(nil), advisoryIDs...)))
	if err != nil {
		return nil, err
	}
	out := make([]model.Vulnerability, 0, len(vulns))
	for _, v := range vulns {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}
