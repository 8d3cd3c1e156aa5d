package model

import (
	"cmp"
	"slices"
)

// Graph is a read-only index of a dependency graph: its roots, each
// node's distance from the nearest root, and the shortest paths from the
// roots to any node. Nodes are refs (CycloneDX bom-refs, SPDX ids).
//
// Build one with NewGraph or SBOM.Graph; it is not changed afterwards, so
// it may be shared between goroutines. Cycles are allowed: every query
// visits each node at most once.
type Graph struct {
	refs  []string
	ids   map[string]int32
	out   [][]int32 // direct dependencies, deduplicated, in declared order
	in    [][]int32 // direct dependants
	roots []int32
	// dist is each node's distance from the nearest root (-1 when no root
	// reaches it); order is the position at which breadth-first search
	// reached it, which orders equally short paths.
	dist, order []int32
}

// NewGraph indexes deps. roots are the graph's entry points (e.g. the
// product's ref); when none is given, the roots are the nodes nobody
// depends on, in order of first appearance. A root that deps does not
// mention is a node without edges. Repeated entries for a ref and
// repeated edges are merged.
func NewGraph(deps []Dependency, roots ...string) *Graph {
	g := &Graph{ids: make(map[string]int32, len(deps))}
	for _, d := range deps {
		from := g.node(d.Ref)
		for _, to := range d.DependsOn {
			g.edge(from, g.node(to))
		}
	}
	for _, r := range roots {
		g.node(r)
	}
	g.setRoots(roots)
	return g
}

// Graph returns the dependency graph of s. Its nodes are the refs of the
// Subject, of the components and of the Dependencies entries. The root is
// the Subject's ref when the Subject has a ref and depends on something;
// otherwise the roots are the nodes nobody depends on (components outside
// the graph included), the Subject first, then in document order.
func (s *SBOM) Graph() *Graph {
	g := &Graph{ids: make(map[string]int32, len(s.Components)+1)}
	var subject string
	if s.Subject != nil && s.Subject.Ref != "" {
		subject = s.Subject.Ref
		g.node(subject)
	}
	for _, c := range s.Components {
		if c.Ref != "" {
			g.node(c.Ref)
		}
	}
	for _, d := range s.Dependencies {
		from := g.node(d.Ref)
		for _, to := range d.DependsOn {
			g.edge(from, g.node(to))
		}
	}
	if subject != "" && len(g.out[g.ids[subject]]) > 0 {
		g.setRoots([]string{subject})
	} else {
		g.setRoots(nil)
	}
	return g
}

// node returns the id of ref, adding it when new.
func (g *Graph) node(ref string) int32 {
	if id, ok := g.ids[ref]; ok {
		return id
	}
	id := int32(len(g.refs))
	g.ids[ref] = id
	g.refs = append(g.refs, ref)
	g.out = append(g.out, nil)
	g.in = append(g.in, nil)
	return id
}

// edge adds from → to unless it is there already. Most nodes have few
// dependencies, so a linear check is cheaper than a set.
func (g *Graph) edge(from, to int32) {
	if slices.Contains(g.out[from], to) {
		return
	}
	g.out[from] = append(g.out[from], to)
	g.in[to] = append(g.in[to], from)
}

// setRoots sets the roots (the nodes without dependants when refs is
// empty) and runs one breadth-first search from all of them.
func (g *Graph) setRoots(refs []string) {
	if len(refs) > 0 {
		for _, r := range refs {
			if id := g.ids[r]; !slices.Contains(g.roots, id) {
				g.roots = append(g.roots, id)
			}
		}
	} else {
		for id := range g.refs {
			if len(g.in[id]) == 0 {
				g.roots = append(g.roots, int32(id))
			}
		}
	}
	n := len(g.refs)
	g.dist, g.order = make([]int32, n), make([]int32, n)
	for i := range g.dist {
		g.dist[i] = -1
	}
	queue := make([]int32, 0, n)
	for _, r := range g.roots {
		g.order[r] = int32(len(queue))
		g.dist[r] = 0
		queue = append(queue, r)
	}
	for i := 0; i < len(queue); i++ {
		cur := queue[i]
		for _, next := range g.out[cur] {
			if g.dist[next] < 0 {
				g.dist[next] = g.dist[cur] + 1
				g.order[next] = int32(len(queue))
				queue = append(queue, next)
			}
		}
	}
}

// Len returns the number of nodes.
func (g *Graph) Len() int { return len(g.refs) }

// Edges returns the number of distinct edges.
func (g *Graph) Edges() int {
	n := 0
	for _, o := range g.out {
		n += len(o)
	}
	return n
}

// Roots returns the refs of the roots.
func (g *Graph) Roots() []string { return g.names(g.roots) }

// DependsOn returns the refs ref directly depends on, nil when none or
// when ref is not in the graph.
func (g *Graph) DependsOn(ref string) []string {
	id, ok := g.ids[ref]
	if !ok {
		return nil
	}
	return g.names(g.out[id])
}

// Dependants returns the refs that directly depend on ref.
func (g *Graph) Dependants(ref string) []string {
	id, ok := g.ids[ref]
	if !ok {
		return nil
	}
	return g.names(g.in[id])
}

// Depth returns ref's distance from the nearest root: 0 for a root, 1 for
// a direct dependency, more for a transitive one, and -1 when ref is not
// in the graph or no root reaches it.
func (g *Graph) Depth(ref string) int {
	id, ok := g.ids[ref]
	if !ok {
		return -1
	}
	return int(g.dist[id])
}

// Direct reports whether a root depends on ref directly (and ref is not a
// root itself).
func (g *Graph) Direct(ref string) bool { return g.Depth(ref) == 1 }

// Transitive reports whether ref is reached from a root, but only through
// other components.
func (g *Graph) Transitive(ref string) bool { return g.Depth(ref) > 1 }

// Path returns a shortest path from a root to ref, root first and ref
// last ([ref] when ref is a root), or nil when no root reaches ref. Of
// several equally short paths it returns the first that breadth-first
// search in declared order finds, which is also Paths' first.
func (g *Graph) Path(ref string) []string {
	p := g.Paths(ref, 1)
	if len(p) == 0 {
		return nil
	}
	return p[0]
}

// Paths returns up to limit distinct shortest paths from the roots to ref
// (all of the same length, root first), or nil when no root reaches ref.
// A limit below 1 means 1. The work is bounded by limit times the path
// length, plus sorting each node's dependants once per visit.
func (g *Graph) Paths(ref string, limit int) [][]string {
	id, ok := g.ids[ref]
	if !ok || g.dist[id] < 0 {
		return nil
	}
	limit = max(limit, 1)
	// Walk back from ref: each step goes to a dependant one level closer
	// to the roots, so the walk cannot revisit a node. stack[i] is the
	// node at distance i from the root end of the path being built; next[i]
	// is which of its candidate predecessors to try next.
	depth := int(g.dist[id])
	path := make([]int32, depth+1)
	cands := make([][]int32, depth+1)
	next := make([]int, depth+1)
	path[depth] = id
	var out [][]string
	level := depth
	cands[level] = g.preds(id)
	for level <= depth && len(out) < limit {
		if level == 0 {
			out = append(out, g.names(path))
			level++
			continue
		}
		if next[level] >= len(cands[level]) {
			next[level] = 0
			level++
			continue
		}
		p := cands[level][next[level]]
		next[level]++
		level--
		path[level] = p
		if level > 0 {
			cands[level] = g.preds(p)
		}
	}
	return out
}

// preds returns the dependants of id one level closer to the roots, in the
// order breadth-first search reached them.
func (g *Graph) preds(id int32) []int32 {
	want := g.dist[id] - 1
	var ps []int32
	for _, p := range g.in[id] {
		if g.dist[p] == want {
			ps = append(ps, p)
		}
	}
	slices.SortFunc(ps, func(a, b int32) int { return cmp.Compare(g.order[a], g.order[b]) })
	return ps
}

func (g *Graph) names(ids []int32) []string {
	if len(ids) == 0 {
		return nil
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = g.refs[id]
	}
	return out
}
