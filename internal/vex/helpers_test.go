package vex

import "strings"

// ids makes products of identifier strings, as readers do.
func ids(ss ...string) []Product {
	out := make([]Product, len(ss))
	for i, s := range ss {
		out[i] = productFromID(s, "")
	}
	return out
}

// unlocated returns a copy of ps without their Where and localID, for
// comparisons.
func unlocated(ps []Product) []Product {
	if ps == nil {
		return nil
	}
	out := make([]Product, len(ps))
	for i, p := range ps {
		p.Where, p.localID = "", false
		p.Subcomponents = unlocated(p.Subcomponents)
		out[i] = p
	}
	return out
}

// productLabels lists the products' labels.
func productLabels(ps []Product) string {
	var l []string
	for i := range ps {
		s := ps[i].label()
		for j := range ps[i].Subcomponents {
			s += "/" + ps[i].Subcomponents[j].label()
		}
		l = append(l, s)
	}
	return strings.Join(l, ",")
}
