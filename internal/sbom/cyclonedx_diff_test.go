package sbom

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/rocca-project/rocca/internal/model"
)

// sbomDiff describes how got differs from want, field by field and
// component by component ("" when they are equal), so that a failing
// comparison of two large SBOMs says what differs rather than printing
// both.
func sbomDiff(got, want *model.SBOM) string {
	var b strings.Builder
	diffFields(&b, "", reflect.ValueOf(*got), reflect.ValueOf(*want), "Components", "Subject", "Dependencies")
	switch {
	case (got.Subject == nil) != (want.Subject == nil):
		fmt.Fprintf(&b, "Subject: got %+v, want %+v\n", got.Subject, want.Subject)
	case got.Subject != nil:
		diffFields(&b, "Subject.", reflect.ValueOf(*got.Subject), reflect.ValueOf(*want.Subject))
	}
	diffComponents(&b, got.Components, want.Components)
	diffDependencies(&b, got.Dependencies, want.Dependencies)
	return b.String()
}

// diffFields writes the fields of the structs got and want that differ,
// except those named in skip.
func diffFields(b *strings.Builder, prefix string, got, want reflect.Value, skip ...string) {
	for i := range got.NumField() {
		name := got.Type().Field(i).Name
		if contains := func() bool {
			for _, s := range skip {
				if s == name {
					return true
				}
			}
			return false
		}(); contains {
			continue
		}
		g, w := got.Field(i).Interface(), want.Field(i).Interface()
		if !reflect.DeepEqual(g, w) {
			fmt.Fprintf(b, "%s%s: got %#v, want %#v\n", prefix, name, g, w)
		}
	}
}

// diffComponents pairs components by position and reports, per field,
// how many differ with the first few examples, then the extra ones on
// either side.
func diffComponents(b *strings.Builder, got, want []model.Component) {
	const examples = 3
	type fieldDiffs struct {
		n     int
		lines []string
	}
	byField := map[string]*fieldDiffs{}
	var order []string
	n := min(len(got), len(want))
	for i := range n {
		g, w := reflect.ValueOf(got[i]), reflect.ValueOf(want[i])
		for f := range g.NumField() {
			gv, wv := g.Field(f).Interface(), w.Field(f).Interface()
			if reflect.DeepEqual(gv, wv) {
				continue
			}
			name := g.Type().Field(f).Name
			fd := byField[name]
			if fd == nil {
				fd = &fieldDiffs{}
				byField[name] = fd
				order = append(order, name)
			}
			fd.n++
			if len(fd.lines) < examples {
				fd.lines = append(fd.lines, fmt.Sprintf("  Components[%d] (%s): got %#v, want %#v", i, want[i].Key(), gv, wv))
			}
		}
	}
	for _, name := range order {
		fd := byField[name]
		fmt.Fprintf(b, "%s differs in %d of %d components:\n%s\n", name, fd.n, n, strings.Join(fd.lines, "\n"))
	}
	for _, c := range got[n:] {
		fmt.Fprintf(b, "extra component %+v\n", c)
	}
	for _, c := range want[n:] {
		fmt.Fprintf(b, "missing component %+v\n", c)
	}
}

// diffDependencies compares the graphs as sets of edges per ref, then
// the order of the entries.
func diffDependencies(b *strings.Builder, got, want []model.Dependency) {
	index := func(deps []model.Dependency) map[string][]string {
		m := make(map[string][]string, len(deps))
		for _, d := range deps {
			m[d.Ref] = d.DependsOn
		}
		return m
	}
	g, w := index(got), index(want)
	for _, d := range want {
		if gd, ok := g[d.Ref]; !ok {
			fmt.Fprintf(b, "Dependencies: missing entry %q → %q\n", d.Ref, d.DependsOn)
		} else if !reflect.DeepEqual(gd, d.DependsOn) {
			fmt.Fprintf(b, "Dependencies[%q]: got %q, want %q\n", d.Ref, gd, d.DependsOn)
		}
	}
	for _, d := range got {
		if _, ok := w[d.Ref]; !ok {
			fmt.Fprintf(b, "Dependencies: extra entry %q → %q\n", d.Ref, d.DependsOn)
		}
	}
	if b.Len() == 0 && !reflect.DeepEqual(got, want) {
		fmt.Fprintf(b, "Dependencies: same edges in another order or shape:\ngot  %q\nwant %q\n", got, want)
	}
}
