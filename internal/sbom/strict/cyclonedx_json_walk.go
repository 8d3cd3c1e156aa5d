package strict

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// value checks n against val at pointer ptr.
func (w *jsonWalker) value(val *specVal, n *jsonNode, ptr string, depth int) {
	if depth > jsonMaxDepth {
		w.report(n, ptr, "nesting deeper than %d levels", jsonMaxDepth)
		return
	}
	val = val.at(w.ver)
	if len(val.either) > 0 {
		w.either(val, n, ptr, depth)
		return
	}
	if !w.typeOK(val.typ, n, ptr) {
		return
	}
	if val.custom != nil {
		val.custom(w, n, ptr, depth)
		return
	}
	switch val.typ {
	case specStr:
		w.str(val, n, ptr)
	case specInt, specNum:
		w.number(val, n, ptr)
	case specArr:
		w.array(val, n, ptr, depth)
	case specObj:
		if k, ok := w.kinds[val.kind]; ok {
			w.object(k, n, ptr, depth)
		}
	}
}

// either checks a value that may take one of several shapes, chosen by
// its JSON type.
func (w *jsonWalker) either(val *specVal, n *jsonNode, ptr string, depth int) {
	var names []string
	for _, alt := range val.either {
		a := alt.at(w.ver)
		if jsonTypeMatches(a.typ, n) {
			w.value(a, n, ptr, depth)
			return
		}
		names = append(names, specTypeName(a.typ))
	}
	w.report(n, ptr, "must be %s, not %s", strings.Join(names, " or "), jsonArticle(n.kind))
}

// typeOK reports a value of the wrong JSON type.
func (w *jsonWalker) typeOK(t specType, n *jsonNode, ptr string) bool {
	if jsonTypeMatches(t, n) {
		return true
	}
	w.report(n, ptr, "must be %s, not %s", specTypeName(t), jsonArticle(n.kind))
	return false
}

// jsonTypeMatches reports whether n has JSON type t (integers are numbers
// without a fractional part, as JSON Schema counts them).
func jsonTypeMatches(t specType, n *jsonNode) bool {
	switch t {
	case specStr:
		return n.kind == jsonString
	case specBool:
		return n.kind == jsonBool
	case specNum:
		return n.kind == jsonNumber
	case specInt:
		if n.kind != jsonNumber {
			return false
		}
		f, err := strconv.ParseFloat(n.str, 64)
		return err == nil && f == math.Trunc(f)
	case specObj:
		return n.kind == jsonObject
	case specArr:
		return n.kind == jsonArray
	}
	return true
}

// specTypeName names a type with its article.
func specTypeName(t specType) string {
	return [...]string{"any value", "a string", "a boolean", "an integer", "a number", "an object", "an array"}[t]
}

// number checks numeric bounds.
func (w *jsonWalker) number(val *specVal, n *jsonNode, ptr string) {
	f, err := strconv.ParseFloat(n.str, 64)
	if err != nil {
		w.report(n, ptr, "%s is not a number", n.str)
		return
	}
	if val.min != nil && f < *val.min {
		w.report(n, ptr, "%s is less than the minimum %g", n.str, *val.min)
	}
	if val.max != nil && f > *val.max {
		w.report(n, ptr, "%s is more than the maximum %g", n.str, *val.max)
	}
}

// array checks the items of an array.
func (w *jsonWalker) array(val *specVal, n *jsonNode, ptr string, depth int) {
	if len(n.elems) < val.minItems {
		w.report(n, ptr, "needs at least %d item(s)", val.minItems)
	}
	if val.maxItems > 0 && len(n.elems) > val.maxItems {
		w.report(n, ptr, "may hold at most %d item(s)", val.maxItems)
	}
	if val.unique && len(n.elems) > 1 {
		seen := make(map[string]int, len(n.elems))
		for i, e := range n.elems {
			var b strings.Builder
			jsonCanon(e, &b)
			if j, dup := seen[b.String()]; dup {
				w.report(e, jsonPtr(ptr, strconv.Itoa(i)), "repeats item %d; the items must be unique", j)
				continue
			}
			seen[b.String()] = i
		}
	}
	for i, e := range n.elems {
		w.value(val.elem, e, jsonPtr(ptr, strconv.Itoa(i)), depth+1)
	}
}

// object checks the properties of an object of kind k.
func (w *jsonWalker) object(k *specKind, n *jsonNode, ptr string, depth int) {
	closed := w.ver >= k.closedFrom
	for i, key := range n.keys {
		p := jsonPtr(ptr, key)
		val, ok := k.prop(key, w.ver)
		if !ok {
			if closed {
				w.unknown(k, key, val != nil, n.vals[i], p)
			}
			continue
		}
		w.value(val, n.vals[i], p, depth+1)
	}
	for _, r := range k.required {
		if r.since > w.ver || (r.until != 0 && w.ver > r.until) {
			continue
		}
		if _, ok := n.get(r.name); !ok {
			w.report(n, ptr, "missing required property %q", r.name)
		}
	}
	if len(k.exactlyOne) > 0 {
		w.exactlyOne(k.exactlyOne, n, ptr)
	}
	if k.check != nil {
		k.check(w, n, ptr, depth)
	}
}

// unknown reports a property the kind does not have in this version.
func (w *jsonWalker) unknown(k *specKind, key string, later bool, n *jsonNode, ptr string) {
	if later {
		for _, p := range k.props {
			if p.name == key {
				w.report(n, ptr, "property %q is CycloneDX %s, not allowed in %s", key, verName(p.since), verName(w.ver))
				return
			}
		}
	}
	w.report(n, ptr, "unknown property %q (CycloneDX %s %s does not allow it)", key, verName(w.ver), k.name)
}

// exactlyOne checks that exactly one of the groups of properties is
// present in full.
func (w *jsonWalker) exactlyOne(groups [][]string, n *jsonNode, ptr string) {
	count := 0
	var names []string
	for _, g := range groups {
		names = append(names, strings.Join(g, "+"))
		all := true
		for _, key := range g {
			if _, ok := n.get(key); !ok {
				all = false
			}
		}
		if all {
			count++
		}
	}
	switch {
	case count == 0:
		w.report(n, ptr, "needs one of %s", strings.Join(names, ", "))
	case count > 1:
		w.report(n, ptr, "may have only one of %s", strings.Join(names, ", "))
	}
}

// str checks a string's enumeration, length and format.
func (w *jsonWalker) str(val *specVal, n *jsonNode, ptr string) {
	s := n.str
	if len(val.enum) > 0 {
		w.enum(val.enum, n, ptr)
	}
	if val.minLen > 0 || val.maxLen > 0 {
		c := utf8.RuneCountInString(s)
		if c < val.minLen {
			w.report(n, ptr, "must not be empty")
		}
		if val.maxLen > 0 && c > val.maxLen {
			w.report(n, ptr, "is longer than %d characters", val.maxLen)
		}
	}
	if val.format != specFmtNone {
		w.format(val.format, n, ptr)
	}
}

// enum checks a value against an enumeration as of this version.
func (w *jsonWalker) enum(values []specEnum, n *jsonNode, ptr string) {
	var allowed []string
	for _, e := range values {
		if e.value == n.str {
			if e.since <= w.ver {
				return
			}
			w.report(n, ptr, "%q is a CycloneDX %s value, not allowed in %s", n.str, verName(e.since), verName(w.ver))
			return
		}
		if e.since <= w.ver {
			allowed = append(allowed, e.value)
		}
	}
	w.report(n, ptr, "%q is not one of %s", n.str, jsonList(allowed))
}

// jsonList renders allowed values, shortened when there are many.
func jsonList(values []string) string {
	if len(values) > 8 {
		return strings.Join(values[:8], ", ") + ", ..."
	}
	return strings.Join(values, ", ")
}
