package portfolio

import (
	"context"

	"github.com/rocca-project/rocca/internal/model"
)

// DependencyPath returns the chain of components from the SBOM's root
// (its subject) to the component, root first and the component last: the
// shortest path through the SBOM's dependency graph. It is nil when the
// graph does not connect the component to the root.
func (s *Service) DependencyPath(ctx context.Context, org string, c model.StoredComponent) ([]model.StoredComponent, error) {
	comps, err := s.store.Components(ctx, org, c.SBOMID)
	if err != nil {
		return nil, err
	}
	edges, err := s.store.Edges(ctx, org, c.SBOMID)
	if err != nil {
		return nil, err
	}
	byRef := make(map[string]model.StoredComponent, len(comps))
	var root string
	for _, x := range comps {
		if x.Ref == "" {
			continue
		}
		if _, ok := byRef[x.Ref]; !ok {
			byRef[x.Ref] = x
		}
		if x.Root && root == "" {
			root = x.Ref
		}
	}
	if root == "" || c.Ref == "" {
		return nil, nil
	}
	refs := model.NewGraph(edges, root).Path(c.Ref)
	if refs == nil {
		return nil, nil
	}
	out := make([]model.StoredComponent, 0, len(refs))
	for _, r := range refs {
		if x, ok := byRef[r]; ok {
			out = append(out, x)
		} else {
			out = append(out, model.StoredComponent{Component: model.Component{Ref: r, Name: r}})
		}
	}
	return out, nil
}
