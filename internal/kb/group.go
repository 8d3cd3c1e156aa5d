package kb

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/rocca-project/rocca/internal/store"
)

// Alias chains longer than these are not merged: real vulnerabilities carry
// a handful of ids (CVE, GHSA, GO-, PYSEC-, distro ids), while a chain that
// links dozens of records through shared aliases is almost always a data
// error that would merge unrelated vulnerabilities into one finding.
const (
	maxGroupRecords = 24
	maxGroupIDs     = 64
)

// GroupReport summarises alias grouping.
type GroupReport struct {
	Advisories int `json:"advisories"`
	Groups     int `json:"groups"`
	// Oversized describes alias chains left unmerged.
	Oversized []string `json:"oversized,omitempty"`
}

// Regroup recomputes the alias groups of all advisories: advisories that
// share an id (their own or an alias), directly or through a chain, form
// one group named after its smallest advisory id. Oversized chains are
// reported and their advisories kept apart.
func Regroup(ctx context.Context, kb store.KnowledgeBase) (GroupReport, error) {
	graph, err := kb.AliasGraph(ctx)
	if err != nil {
		return GroupReport{}, err
	}
	groups, rep := computeGroups(graph)
	if err := kb.SetGroups(ctx, groups); err != nil {
		return rep, fmt.Errorf("regroup aliases: %w", err)
	}
	return rep, nil
}

// computeGroups is the pure part of Regroup.
func computeGroups(graph []store.AdvisoryIDs) (map[string]string, GroupReport) {
	uf := newUnionFind()
	for _, a := range graph {
		root := uf.id(a.ID)
		for _, al := range a.Aliases {
			uf.union(root, uf.id(al))
		}
	}
	members := map[int][]int{} // root -> indexes into graph
	for i, a := range graph {
		r := uf.find(uf.id(a.ID))
		members[r] = append(members[r], i)
	}
	groups := make(map[string]string, len(graph))
	rep := GroupReport{Advisories: len(graph)}
	roots := make([]int, 0, len(members))
	for r := range members {
		roots = append(roots, r)
	}
	sort.Ints(roots)
	for _, r := range roots {
		idx := members[r]
		ids := map[string]bool{}
		for _, i := range idx {
			ids[graph[i].ID] = true
			for _, al := range graph[i].Aliases {
				ids[al] = true
			}
		}
		if len(idx) > maxGroupRecords || len(ids) > maxGroupIDs {
			names := make([]string, 0, len(idx))
			for _, i := range idx {
				names = append(names, graph[i].ID)
				groups[graph[i].ID] = graph[i].ID
			}
			sort.Strings(names)
			rep.Groups += len(idx)
			rep.Oversized = append(rep.Oversized, fmt.Sprintf("%d advisories sharing %d ids through aliases were kept apart: %s",
				len(idx), len(ids), sample(names, 6)))
			continue
		}
		name := ""
		for _, i := range idx {
			if name == "" || graph[i].ID < name {
				name = graph[i].ID
			}
		}
		for _, i := range idx {
			groups[graph[i].ID] = name
		}
		rep.Groups++
	}
	return groups, rep
}

func sample(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:n], ", ") + fmt.Sprintf(", … (%d more)", len(names)-n)
}

// unionFind is a disjoint-set forest over string ids.
type unionFind struct {
	index  map[string]int
	parent []int
}

func newUnionFind() *unionFind { return &unionFind{index: map[string]int{}} }

func (u *unionFind) id(s string) int {
	if i, ok := u.index[s]; ok {
		return i
	}
	i := len(u.parent)
	u.index[s] = i
	u.parent = append(u.parent, i)
	return i
}

func (u *unionFind) find(i int) int {
	for u.parent[i] != i {
		u.parent[i] = u.parent[u.parent[i]]
		i = u.parent[i]
	}
	return i
}

func (u *unionFind) union(a, b int) {
	ra, rb := u.find(a), u.find(b)
	if ra != rb {
		if ra < rb {
			u.parent[rb] = ra
		} else {
			u.parent[ra] = rb
		}
	}
}
