package sbom

import (
	"fmt"

	"github.com/rocca-project/rocca/internal/model"
)

// tree tells flatten how to walk the components of one decoding path.
type tree[T any] struct {
	model    func(*T) model.Component
	ref      func(*T) string // the bom-ref as model gives it, without the rest
	children func(*T) []T
}

// flatten appends the components of list, nested ones after their parent,
// to s.Components, then the subject's nested components not already listed
// (matched by bom-ref), and sets s.Subject. It enforces MaxComponents
// before allocating. It returns the nesting as dependency entries: one per
// component with a bom-ref whose nested components have bom-refs, listing
// them (the subject's included, even those dropped as already listed).
func flatten[T any](d *document, s *model.SBOM, t tree[T], list []T, subject *T) ([]model.Dependency, error) {
	n := t.count(list)
	var sub []T
	if subject != nil {
		sub = t.children(subject)
		n += t.count(sub)
	}
	if n > d.lim.MaxComponents {
		return nil, d.errorAt(-1, "", wrapf(ErrTooManyComponents, "sbom.too_many_components", "%d components, more than the limit of %d", n, d.lim.MaxComponents))
	}
	var nest []model.Dependency
	s.Components = make([]model.Component, 0, n)
	s.Components = t.appendAll(s.Components, list, &nest)
	return addSubject(s, t, subject, nest), nil
}

// addSubject sets s.Subject from subject and appends the subject's nested
// components not already listed in s.Components (matched by bom-ref) to
// it, recording their nesting in nest, which it returns.
func addSubject[T any](s *model.SBOM, t tree[T], subject *T, nest []model.Dependency) []model.Dependency {
	if subject != nil {
		c := t.model(subject)
		s.Subject = &c
		if sub := t.children(subject); len(sub) > 0 {
			listed := make(map[string]bool, len(s.Components))
			for _, c := range s.Components {
				if c.Ref != "" {
					listed[c.Ref] = true
				}
			}
			if c.Ref != "" {
				if refs := t.childRefs(sub); refs != nil {
					nest = append(nest, model.Dependency{Ref: c.Ref, DependsOn: refs})
				}
			}
			for _, c := range t.appendAll(nil, sub, &nest) {
				if c.Ref == "" || !listed[c.Ref] {
					s.Components = append(s.Components, c)
				}
			}
		}
	}
	if len(s.Components) == 0 {
		s.Warnings = append(s.Warnings, "the document lists no components")
	}
	return nest
}

func (t tree[T]) count(list []T) int {
	n := len(list)
	for i := range list {
		n += t.count(t.children(&list[i]))
	}
	return n
}

// appendAll appends the components of list, each followed by its nested
// ones, to out, and records the nesting of those with bom-refs in nest.
func (t tree[T]) appendAll(out []model.Component, list []T, nest *[]model.Dependency) []model.Component {
	for i := range list {
		c := t.model(&list[i])
		out = append(out, c)
		kids := t.children(&list[i])
		if len(kids) == 0 {
			continue
		}
		if c.Ref != "" {
			if refs := t.childRefs(kids); refs != nil {
				*nest = append(*nest, model.Dependency{Ref: c.Ref, DependsOn: refs})
			}
		}
		out = t.appendAll(out, kids, nest)
	}
	return out
}

// childRefs returns the bom-refs of the components of list that have one.
func (t tree[T]) childRefs(list []T) []string {
	var refs []string
	for i := range list {
		if r := t.ref(&list[i]); r != "" {
			refs = append(refs, r)
		}
	}
	return refs
}

// buildDependencies merges the dependencies the document declares with
// the edges its nesting implies into one entry per ref: declared entries
// first, in document order, then entries for parents that declared
// nothing. Repeated entries for a ref are merged, repeated refs in an
// entry and nesting edges already declared are dropped, empty refs are
// ignored (entries without a ref are counted in a warning). An entry
// listing nothing is kept: "depends on nothing" is information. The total
// (entries plus the refs they list, declared and nested) is bounded by
// Limits.MaxDependencies.
func buildDependencies(d *document, s *model.SBOM, declared, nest []model.Dependency) error {
	total := len(declared) + len(nest)
	for _, list := range [][]model.Dependency{declared, nest} {
		for _, e := range list {
			total += len(e.DependsOn)
		}
	}
	if total > d.lim.MaxDependencies {
		return d.errorAt(-1, "dependencies", wrapf(ErrTooManyDependencies, "sbom.too_many_dependencies", "%d dependency entries and references, more than the limit of %d", total, d.lim.MaxDependencies))
	}
	if len(declared)+len(nest) == 0 {
		return nil
	}
	out := make([]model.Dependency, 0, len(declared)+len(nest))
	index := make(map[string]int, len(declared)+len(nest))
	noRef := 0
	for _, list := range [][]model.Dependency{declared, nest} {
		for _, e := range list {
			if e.Ref == "" {
				noRef++
				continue
			}
			i, ok := index[e.Ref]
			if !ok {
				index[e.Ref] = len(out)
				out = append(out, model.Dependency{Ref: e.Ref, DependsOn: addRefs(nil, e.DependsOn)})
				continue
			}
			out[i].DependsOn = addRefs(out[i].DependsOn, e.DependsOn)
		}
	}
	if noRef > 0 {
		s.Warnings = append(s.Warnings, fmt.Sprintf("%d dependencies entries without a ref ignored", noRef))
	}
	s.Dependencies = out
	return nil
}

// smallRefs is the list length up to which addRefs looks for duplicates
// by scanning rather than with a set.
const smallRefs = 32

// addRefs returns dst with the non-empty refs of src it does not hold yet
// appended, in order. When dst is empty and src holds neither duplicates
// nor empty refs, src itself is returned; an empty result is nil.
func addRefs(dst, src []string) []string {
	if len(dst) == 0 && uniqueRefs(src) {
		if len(src) == 0 {
			return nil
		}
		return src
	}
	var seen map[string]bool
	if len(dst)+len(src) > smallRefs {
		seen = make(map[string]bool, len(dst)+len(src))
		for _, r := range dst {
			seen[r] = true
		}
	}
	dst = dst[:len(dst):len(dst)] // never write into a caller's array
	for _, r := range src {
		switch {
		case r == "":
			continue
		case seen != nil:
			if seen[r] {
				continue
			}
			seen[r] = true
		case hasRef(dst, r):
			continue
		}
		dst = append(dst, r)
	}
	if len(dst) == 0 {
		return nil
	}
	return dst
}

// uniqueRefs reports whether refs holds no empty ref and no ref twice.
func uniqueRefs(refs []string) bool {
	if len(refs) > smallRefs {
		seen := make(map[string]bool, len(refs))
		for _, r := range refs {
			if r == "" || seen[r] {
				return false
			}
			seen[r] = true
		}
		return true
	}
	for i, r := range refs {
		if r == "" || hasRef(refs[:i], r) {
			return false
		}
	}
	return true
}

func hasRef(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
