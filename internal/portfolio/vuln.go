package portfolio

import (
	"context"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
)

// Vulnerability looks a vulnerability up in the knowledge base by any of
// its ids (CVE, GHSA, OSV id...) and returns its alias group, merged. An
// id shared by several groups returns the first by preferred id; none is
// store.ErrNotFound.
func (s *Service) Vulnerability(ctx context.Context, id string) (model.Vulnerability, error) {
	ids, err := s.store.AdvisoriesKnownAs(ctx, id)
	if err != nil {
		return model.Vulnerability{}, err
	}
	vs, err := s.matcher().Describe(ctx, ids)
	if err != nil {
		return model.Vulnerability{}, err
	}
	if len(vs) == 0 {
		return model.Vulnerability{}, store.ErrNotFound
	}
	return vs[0], nil
}
