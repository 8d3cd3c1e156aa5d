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
	comps, err := s.Store.Components(ctx, org, c.SBOMID)
	if err != nil {
		return nil, err
	}
	edges, err := s.Store.Edges(ctx, org, c.SBOMID)
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
	refs := shortestPath(edges, root, c.Ref)
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

// shortestPath runs a breadth-first search from one ref to another.
func shortestPath(edges []model.Dependency, from, to string) []string {
	next := make(map[string][]string, len(edges))
	for _, d := range edges {
		next[d.Ref] = append(next[d.Ref], d.DependsOn...)
	}
	prev := map[string]string{from: ""}
	queue := []string{from}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		if cur == to {
			var path []string
			for r := to; r != ""; r = prev[r] {
				path = append([]string{r}, path...)
				if r == from {
					break
				}
			}
			return path
		}
		for _, n := range next[cur] {
			if _, ok := prev[n]; !ok {
				prev[n] = cur
				queue = append(queue, n)
			}
		}
	}
	return nil
}
