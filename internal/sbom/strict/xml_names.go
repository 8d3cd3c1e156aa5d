package strict

// xDecl is what a content model says about one child element name.
type xDecl struct {
	elem *xElem
	many bool // the name may occur more than once (its path gets an index)
}

// xNames indexes the element declarations of a content model valid in
// version v by local name.
func xNames(g *xGroup, v xVersion) map[string]xDecl {
	out := map[string]xDecl{}
	xCollectNames(g, v, false, out)
	return out
}

// xCollectNames walks a group for xNames; many tells whether an enclosing
// group repeats.
func xCollectNames(g *xGroup, v xVersion, many bool, out map[string]xDecl) {
	if g == nil {
		return
	}
	many = many || g.max != 1
	for _, p := range g.parts {
		if !xPresent(p.from, p.to, v) {
			continue
		}
		switch {
		case p.group != nil:
			xCollectNames(p.group, v, many || p.max != 1, out)
		case p.elem != nil:
			d := out[p.elem.name]
			if d.elem == nil {
				d.elem = p.elem
			}
			d.many = d.many || many || p.max != 1
			out[p.elem.name] = d
		}
	}
}

// xAllowsOther reports whether a content model has the ##other wildcard in
// version v.
func xAllowsOther(g *xGroup, v xVersion) bool {
	if g == nil {
		return false
	}
	for _, p := range g.parts {
		if !xPresent(p.from, p.to, v) {
			continue
		}
		if p.anyOther || p.group != nil && xAllowsOther(p.group, v) {
			return true
		}
	}
	return false
}

// xSinceVersion finds the versions in which a content model declares name,
// for messages about elements of another version; ok is false when no
// version has it.
func xSinceVersion(g *xGroup, name string) (from, to xVersion, ok bool) {
	if g == nil {
		return 0, 0, false
	}
	for _, p := range g.parts {
		switch {
		case p.group != nil:
			if f, t, found := xSinceVersion(p.group, name); found {
				return f, t, true
			}
		case p.elem != nil && p.elem.name == name:
			return p.from, p.to, true
		}
	}
	return 0, 0, false
}
