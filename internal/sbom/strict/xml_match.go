package strict

import "sort"

// xKid is one child element as the content model sees it: a CycloneDX
// element by local name, or an element of another namespace.
type xKid struct {
	name  string
	other bool
	line  int
}

// xMatcher decides whether a list of children fits a content model. It
// works on sets of positions in the list (a small NFA simulation), so
// nested sequences, choices and repetitions need no backtracking.
type xMatcher struct {
	v    xVersion
	kids []xKid
	far  int // furthest position any attempt consumed up to
}

// accepts reports whether the whole list matches group g.
func (m *xMatcher) accepts(g *xGroup) bool {
	if g == nil {
		return len(m.kids) == 0
	}
	if m.greedy(g) {
		return true
	}
	end := m.repeat([]int{0}, g.min, g.max, func(from []int) []int { return m.body(g, from) })
	for _, p := range end {
		if p == len(m.kids) {
			return true
		}
	}
	return false
}

// greedy tries the one derivation a plain sequence of element particles
// allows, each particle taking as many children as it can, without
// allocating. Success proves the list matches; failure proves nothing
// (the caller then runs the full simulation, which also finds where the
// list goes wrong).
func (m *xMatcher) greedy(g *xGroup) bool {
	if g.choice || g.min > 1 || g.max == 0 {
		return false
	}
	pos := 0
	for _, p := range g.parts {
		if p.group != nil {
			return false
		}
		if !xPresent(p.from, p.to, m.v) {
			continue
		}
		k := 0
		for pos+k < len(m.kids) && (p.max < 0 || k < p.max) && m.fits(p, m.kids[pos+k]) {
			k++
		}
		if k < p.min {
			return false
		}
		pos += k
	}
	return pos == len(m.kids)
}

// body matches one occurrence of a group's particles.
func (m *xMatcher) body(g *xGroup, from []int) []int {
	if g.choice {
		var out []int
		any := false
		for _, p := range g.parts {
			if !xPresent(p.from, p.to, m.v) {
				continue
			}
			any = true
			out = xUnion(out, m.part(p, from))
		}
		if !any {
			return from
		}
		return out
	}
	cur := from
	for _, p := range g.parts {
		if !xPresent(p.from, p.to, m.v) {
			continue
		}
		cur = m.part(p, cur)
		if len(cur) == 0 {
			break
		}
	}
	return cur
}

// part matches one particle with its occurrence bounds.
func (m *xMatcher) part(p xPart, from []int) []int {
	if p.group != nil {
		g := p.group
		once := func(f []int) []int {
			return m.repeat(f, g.min, g.max, func(ff []int) []int { return m.body(g, ff) })
		}
		return m.repeat(from, p.min, p.max, once)
	}
	var out []int
	for _, s := range from {
		k := 0
		if p.min == 0 {
			out = append(out, s)
		}
		for s+k < len(m.kids) && (p.max < 0 || k < p.max) && m.fits(p, m.kids[s+k]) {
			k++
			if s+k > m.far {
				m.far = s + k
			}
			if k >= p.min {
				out = append(out, s+k)
			}
		}
	}
	return xNormalize(out)
}

// fits reports whether a child matches an element particle.
func (m *xMatcher) fits(p xPart, k xKid) bool {
	if p.anyOther {
		return k.other
	}
	return !k.other && p.elem != nil && p.elem.name == k.name
}

// repeat applies once between lo and hi times (hi<0: unbounded).
func (m *xMatcher) repeat(from []int, lo, hi int, once func([]int) []int) []int {
	var out []int
	if lo == 0 {
		out = append(out, from...)
	}
	var seen map[int]bool // made when a second round may repeat positions
	cur := from
	for i := 1; hi < 0 || i <= hi; i++ {
		cur = once(cur)
		if i >= lo {
			if seen == nil && (hi < 0 || i < hi) {
				seen = map[int]bool{}
			}
			if seen != nil {
				fresh := cur[:0:0]
				for _, p := range cur {
					if !seen[p] {
						seen[p] = true
						fresh = append(fresh, p)
					}
				}
				cur = fresh
			}
			out = append(out, cur...)
		}
		if len(cur) == 0 || i > len(m.kids)+lo {
			break
		}
	}
	return xNormalize(out)
}

// xUnion merges two position sets.
func xUnion(a, b []int) []int { return xNormalize(append(append([]int(nil), a...), b...)) }

// xNormalize sorts and de-duplicates a position set.
func xNormalize(s []int) []int {
	if len(s) < 2 {
		return s
	}
	sort.Ints(s)
	out := s[:1]
	for _, p := range s[1:] {
		if p != out[len(out)-1] {
			out = append(out, p)
		}
	}
	return out
}

// xRequired lists the element names a group requires at its top level
// (min ≥ 1, outside choices) in version v.
func xRequired(g *xGroup, v xVersion) []string {
	if g == nil || g.choice || g.min == 0 {
		return nil
	}
	var out []string
	for _, p := range g.parts {
		if !xPresent(p.from, p.to, v) || p.min == 0 {
			continue
		}
		switch {
		case p.elem != nil:
			out = append(out, p.elem.name)
		case p.group != nil:
			out = append(out, xRequired(p.group, v)...)
		}
	}
	return out
}
