package model

import (
	"fmt"
	"reflect"
	"testing"
)

// product → a → c, product → b → c → d, c → a (a cycle), d → d (a loop),
// e → d with nobody depending on e, and an unconnected pair x → y.
var testDeps = []Dependency{
	{Ref: "product", DependsOn: []string{"a", "b"}},
	{Ref: "a", DependsOn: []string{"c"}},
	{Ref: "b", DependsOn: []string{"c", "c"}},
	{Ref: "c", DependsOn: []string{"d", "a"}},
	{Ref: "d", DependsOn: []string{"d"}},
	{Ref: "e", DependsOn: []string{"d"}},
	{Ref: "x", DependsOn: []string{"y"}},
	{Ref: "b"}, // repeated entry: merged
}

func TestGraphQueries(t *testing.T) {
	g := NewGraph(testDeps, "product")
	for _, tc := range []struct {
		ref       string
		depth     int
		direct    bool
		path      []string
		paths     [][]string
		dependsOn []string
	}{
		{ref: "product", depth: 0, path: []string{"product"}, paths: [][]string{{"product"}}, dependsOn: []string{"a", "b"}},
		{ref: "a", depth: 1, direct: true, path: []string{"product", "a"}, paths: [][]string{{"product", "a"}}, dependsOn: []string{"c"}},
		{ref: "c", depth: 2, path: []string{"product", "a", "c"}, paths: [][]string{{"product", "a", "c"}, {"product", "b", "c"}}, dependsOn: []string{"d", "a"}},
		{ref: "d", depth: 3, path: []string{"product", "a", "c", "d"}, paths: [][]string{{"product", "a", "c", "d"}, {"product", "b", "c", "d"}}, dependsOn: []string{"d"}},
		{ref: "e", depth: -1, dependsOn: []string{"d"}},
		{ref: "y", depth: -1},
		{ref: "missing", depth: -1},
	} {
		t.Run(tc.ref, func(t *testing.T) {
			if got := g.Depth(tc.ref); got != tc.depth {
				t.Errorf("Depth = %d, want %d", got, tc.depth)
			}
			if got := g.Direct(tc.ref); got != tc.direct {
				t.Errorf("Direct = %v, want %v", got, tc.direct)
			}
			if got, want := g.Transitive(tc.ref), tc.depth > 1; got != want {
				t.Errorf("Transitive = %v, want %v", got, want)
			}
			if got := g.Path(tc.ref); !reflect.DeepEqual(got, tc.path) {
				t.Errorf("Path = %q, want %q", got, tc.path)
			}
			if got := g.Paths(tc.ref, 10); !reflect.DeepEqual(got, tc.paths) {
				t.Errorf("Paths = %q, want %q", got, tc.paths)
			}
			if got := g.DependsOn(tc.ref); !reflect.DeepEqual(got, tc.dependsOn) {
				t.Errorf("DependsOn = %q, want %q", got, tc.dependsOn)
			}
		})
	}
	if got := g.Paths("d", 1); len(got) != 1 {
		t.Errorf("Paths limit 1: %q", got)
	}
	if got := g.Dependants("c"); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf("Dependants(c) = %q", got)
	}
	if g.Len() != 8 || g.Edges() != 9 {
		t.Errorf("Len %d Edges %d, want 8 and 9", g.Len(), g.Edges())
	}
}

func TestGraphRoots(t *testing.T) {
	for _, tc := range []struct {
		name string
		sbom SBOM
		want []string
	}{
		{"subject with dependencies", SBOM{Subject: &Component{Ref: "product"}, Dependencies: testDeps}, []string{"product"}},
		{"no subject: nobody depends on them", SBOM{Dependencies: testDeps}, []string{"product", "e", "x"}},
		{"subject without edges", SBOM{Subject: &Component{Ref: "p"}, Components: []Component{{Ref: "a"}, {Ref: "b"}, {Name: "no ref"}},
			Dependencies: []Dependency{{Ref: "a", DependsOn: []string{"b"}}, {Ref: "p"}}}, []string{"p", "a"}},
		{"subject without ref", SBOM{Subject: &Component{Name: "p"}, Components: []Component{{Ref: "a"}, {Ref: "b"}}}, []string{"a", "b"}},
		{"empty", SBOM{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.sbom.Graph().Roots(); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Roots = %q, want %q", got, tc.want)
			}
		})
	}
	// With several roots, a path starts at the nearest.
	g := NewGraph(testDeps)
	if got := g.Path("d"); !reflect.DeepEqual(got, []string{"e", "d"}) {
		t.Errorf("Path(d) = %q", got)
	}
}

// TestGraphPathsBounded checks that a graph with exponentially many
// shortest paths costs only what the limit asks for.
func TestGraphPathsBounded(t *testing.T) {
	// A ladder of 60 diamonds: 2^60 shortest paths from r to the end.
	var deps []Dependency
	prev := "r"
	for i := range 60 {
		l, r, j := fmt.Sprintf("l%d", i), fmt.Sprintf("r%d", i), fmt.Sprintf("j%d", i)
		deps = append(deps, Dependency{Ref: prev, DependsOn: []string{l, r}},
			Dependency{Ref: l, DependsOn: []string{j}}, Dependency{Ref: r, DependsOn: []string{j, prev}})
		prev = j
	}
	g := NewGraph(deps, "r")
	paths := g.Paths(prev, 5)
	if len(paths) != 5 {
		t.Fatalf("%d paths", len(paths))
	}
	for _, p := range paths {
		if len(p) != 121 || p[0] != "r" || p[120] != prev {
			t.Fatalf("path of %d nodes from %s to %s", len(p), p[0], p[len(p)-1])
		}
	}
	if reflect.DeepEqual(paths[0], paths[1]) {
		t.Error("paths repeat")
	}
}
