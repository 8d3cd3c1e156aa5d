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

// greedy tries the one derivation a deterministic content model (as XML
// Schema's unique particle attribution makes them) suggests: every
// particle takes as many children as it can, a choice takes the first
// alternative that takes any. It allocates nothing. Success proves the
// list matches; failure proves nothing, and the caller then runs the full
// simulation (which also finds where the list goes wrong).
func (m *xMatcher) greedy(g *xGroup) bool {
	pos, ok := m.greedyReps(g, 0, g.min, g.max)
	return ok && pos == len(m.kids)
}

// greedyReps matches between lo and hi (hi<0: unbounded) occurrences of
// g's body from pos.
func (m *xMatcher) greedyReps(g *xGroup, pos, lo, hi int) (int, bool) {
	n := 0
	for hi < 0 || n < hi {
		next, ok := m.greedyBody(g, pos)
		if !ok || next == pos {
			if n < lo && ok {
				n = lo // the remaining occurrences match nothing
			}
			break
		}
		pos = next
		n++
	}
	return pos, n >= lo
}

// greedyBody matches one occurrence of g's body from pos.
func (m *xMatcher) greedyBody(g *xGroup, pos int) (int, bool) {
	if g.choice {
		empty, any := false, false
		for _, p := range g.parts {
			if !xPresent(p.from, p.to, m.v) {
				continue
			}
			any = true
			next, ok := m.greedyPart(p, pos)
			if ok && next > pos {
				return next, true
			}
			empty = empty || ok
		}
		return pos, empty || !any
	}
	for _, p := range g.parts {
		if !xPresent(p.from, p.to, m.v) {
			continue
		}
		next, ok := m.greedyPart(p, pos)
		if !ok {
			return pos, false
		}
		pos = next
	}
	return pos, true
}

// greedyPart matches one particle with its occurrence bounds from pos.
func (m *xMatcher) greedyPart(p xPart, pos int) (int, bool) {
	if g := p.group; g != nil {
		switch {
		case p.min == 1 && p.max == 1:
			return m.greedyReps(g, pos, g.min, g.max)
		case g.min == 1 && g.max == 1:
			return m.greedyReps(g, pos, p.min, p.max)
		}
		return pos, false // nested bounds: left to the full simulation
	}
	k := 0
	for pos+k < len(m.kids) && (p.max < 0 || k < p.max) && m.fits(p, m.kids[pos+k]) {
		k++
	}
	return pos + k, k >= p.min
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
