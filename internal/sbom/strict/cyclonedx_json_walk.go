package strict

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// value reads the value at the scanner's position (at depth), checks it
// against val and returns its hash.
func (w *jsonWalker) value(val *specVal, depth int) uint64 {
	if len(w.issues) >= jsonMaxIssues {
		// No further issue can be reported (the list only grows), so the
		// rest is only read for its syntax and the hashes open arrays need.
		w.capped = true
		return w.sc.skip(w.hs, depth)
	}
	t, ok := w.sc.next(depth)
	if !ok {
		return 0
	}
	val = val.at(w.ver)
	for len(val.either) > 0 {
		alt, ok := w.either(val, &t)
		if !ok {
			return w.rest(&t, depth)
		}
		val = alt
	}
	if !w.typeOK(val.typ, &t) {
		return w.rest(&t, depth)
	}
	if val.custom != nil {
		return val.custom(w, t, depth)
	}
	switch val.typ {
	case specStr:
		w.str(val, &t)
	case specInt, specNum:
		w.number(val, &t)
	case specArr:
		return w.array(val, &t, depth)
	case specObj:
		if k, ok := w.kinds[val.kind]; ok {
			return w.object(k, &t, depth)
		}
	}
	return w.rest(&t, depth)
}

// rest finishes reading a value without checking it further: a scalar is
// read already, a container is skipped.
func (w *jsonWalker) rest(t *jsonTok, depth int) uint64 {
	if t.kind == jsonArray || t.kind == jsonObject {
		return w.sc.skip(w.hs, depth)
	}
	return w.hs.scalar(t)
}

// either picks the shape of a value that may take one of several, chosen
// by its JSON type.
func (w *jsonWalker) either(val *specVal, t *jsonTok) (*specVal, bool) {
	var names []string
	for _, alt := range val.either {
		a := alt.at(w.ver)
		if jsonTypeMatches(a.typ, t) {
			return a, true
		}
		names = append(names, specTypeName(a.typ))
	}
	w.report(t.off, "must be %s, not %s", strings.Join(names, " or "), jsonArticle(t.kind))
	return nil, false
}

// typeOK reports a value of the wrong JSON type.
func (w *jsonWalker) typeOK(typ specType, t *jsonTok) bool {
	if jsonTypeMatches(typ, t) {
		return true
	}
	w.report(t.off, "must be %s, not %s", specTypeName(typ), jsonArticle(t.kind))
	return false
}

// jsonTypeMatches reports whether t has JSON type typ (integers are
// numbers without a fractional part, as JSON Schema counts them).
func jsonTypeMatches(typ specType, t *jsonTok) bool {
	switch typ {
	case specStr:
		return t.kind == jsonString
	case specBool:
		return t.kind == jsonBool
	case specNum:
		return t.kind == jsonNumber
	case specInt:
		if t.kind != jsonNumber {
			return false
		}
		f, err := strconv.ParseFloat(string(t.raw), 64)
		return err == nil && f == math.Trunc(f)
	case specObj:
		return t.kind == jsonObject
	case specArr:
		return t.kind == jsonArray
	}
	return true
}

// specTypeName names a type with its article.
func specTypeName(t specType) string {
	return [...]string{"any value", "a string", "a boolean", "an integer", "a number", "an object", "an array"}[t]
}

// number checks numeric bounds.
func (w *jsonWalker) number(val *specVal, t *jsonTok) {
	f, err := strconv.ParseFloat(string(t.raw), 64)
	if err != nil {
		w.report(t.off, "%s is not a number", t.raw)
		return
	}
	if val.min != nil && f < *val.min {
		w.report(t.off, "%s is less than the minimum %g", t.raw, *val.min)
	}
	if val.max != nil && f > *val.max {
		w.report(t.off, "%s is more than the maximum %g", t.raw, *val.max)
	}
}

// array checks the items of the array at t. Issues about the array itself
// (item counts, repeated items) are placed before its items' issues.
func (w *jsonWalker) array(val *specVal, t *jsonTok, depth int) uint64 {
	s := &w.sc
	mark := len(w.issues)
	var u *jsonUnique
	if val.unique {
		u = &jsonUnique{}
	}
	h := w.hs.arrayStart()
	n := 0
	if s.arrayStart() {
		for {
			s.ws()
			off := s.pos
			back := w.pushIndex(n)
			eh := w.value(val.elem, depth+1)
			if s.err != nil {
				return 0
			}
			w.pop(back)
			if u != nil {
				u.add(n, off, eh)
			}
			h = w.hs.elem(h, eh)
			n++
			if !s.arrayNext() {
				break
			}
		}
	}
	if s.err != nil {
		return 0
	}
	var own []jsonIssue
	if n < val.minItems {
		own = append(own, jsonIssue{ptr: string(w.ptr), off: t.off, need: -1, msg: "needs at least " + strconv.Itoa(val.minItems) + " item(s)"})
	}
	if val.maxItems > 0 && n > val.maxItems {
		own = append(own, jsonIssue{ptr: string(w.ptr), off: t.off, need: -1, msg: "may hold at most " + strconv.Itoa(val.maxItems) + " item(s)"})
	}
	if u != nil && n > 1 {
		dups, more := u.dups(s.data)
		if more {
			w.capped = true
		}
		for _, d := range dups {
			if mark+len(own) >= jsonMaxIssues {
				w.capped = true
				break
			}
			back := w.pushIndex(d.i)
			own = append(own, jsonIssue{ptr: string(w.ptr), off: d.off, need: -1,
				msg: "repeats item " + strconv.Itoa(d.first) + "; the items must be unique"})
			w.pop(back)
		}
	}
	w.insert(mark, own)
	return h
}

// jsonObj is what an object's rules need once its members are read:
// which properties are present, and the last value of each (a scalar's
// token, or a container's kind and offset) when the kind has a check.
type jsonObj struct {
	kind    *specKind
	off     int
	present uint64       // bit i: property i of the kind is present
	vals    []jsonMember // a window of the walker's member stack, while the check runs
}

// jsonMember is a property's value.
type jsonMember struct {
	prop int
	tok  jsonTok
}

// has reports whether the object has property name.
func (o *jsonObj) has(name string) bool {
	i, ok := o.kind.index[name]
	return ok && o.present&(1<<i) != 0
}

// get returns the last value of property name (kinds with a check only).
func (o *jsonObj) get(name string) (jsonTok, bool) {
	i, ok := o.kind.index[name]
	if !ok {
		return jsonTok{}, false
	}
	for j := len(o.vals) - 1; j >= 0; j-- {
		if o.vals[j].prop == i {
			return o.vals[j].tok, true
		}
	}
	return jsonTok{}, false
}

// object checks the properties of the object at t, of kind k.
func (w *jsonWalker) object(k *specKind, t *jsonTok, depth int) uint64 {
	s := &w.sc
	closed := w.ver >= k.closedFrom
	o := jsonObj{kind: k, off: t.off}
	base := len(w.members)
	defer func() { w.members = w.members[:base] }()
	h := w.hs.objectStart()
	keys := s.notes.open() // a failed walk returns early: its keys no longer matter
	if s.objectStart() {
		for {
			raw, esc, koff := s.key()
			if s.err != nil {
				return 0
			}
			s.notes.noteDup(&keys, koff, raw, esc)
			key := raw
			if esc {
				w.key = jsonUnescape(w.key[:0], raw)
				key = w.key
			}
			kh := w.hs.bytes(key)
			back := w.push(key)
			i, isProp := k.index[string(key)]
			if isProp {
				o.present |= 1 << i
			}
			if k.check != nil || (depth == 0 && string(key) == "specVersion") {
				peek := *s
				peek.notes = nil
				if v, ok := peek.next(depth + 1); ok {
					if k.check != nil && isProp {
						w.members = append(w.members, jsonMember{prop: i, tok: v})
					}
					if depth == 0 && string(key) == "specVersion" {
						w.lastSV = v
					}
				}
			}
			var vh uint64
			if isProp && k.props[i].since <= w.ver {
				vh = w.value(k.props[i].val, depth+1)
			} else {
				if closed {
					s.ws()
					w.unknown(k, string(key), isProp, s.pos)
				}
				vh = s.skip(w.hs, depth+1)
			}
			w.pop(back)
			h = w.hs.member(h, kh, vh)
			if !s.objectNext() {
				break
			}
		}
	}
	if s.err != nil {
		return 0
	}
	s.notes.close(&keys)
	for j, r := range k.required {
		if r.since > w.ver || (r.until != 0 && w.ver > r.until) {
			continue
		}
		if i := k.reqIndex[j]; i < 0 || o.present&(1<<i) == 0 {
			w.report(t.off, "missing required property %q", r.name)
		}
	}
	if len(k.exactlyOne) > 0 {
		w.exactlyOne(k.exactlyOne, &o)
	}
	if k.check != nil {
		o.vals = w.members[base:]
		k.check(w, o)
	}
	return h
}

// unknown reports a property the kind does not have in this version.
func (w *jsonWalker) unknown(k *specKind, key string, later bool, off int) {
	if later {
		for _, p := range k.props {
			if p.name == key {
				w.report(off, "property %q is CycloneDX %s, not allowed in %s", key, verName(p.since), verName(w.ver))
				return
			}
		}
	}
	w.report(off, "unknown property %q (CycloneDX %s %s does not allow it)", key, verName(w.ver), k.name)
}

// exactlyOne checks that exactly one of the groups of properties is
// present in full.
func (w *jsonWalker) exactlyOne(groups [][]string, o *jsonObj) {
	count := 0
	var names []string
	for _, g := range groups {
		names = append(names, strings.Join(g, "+"))
		all := true
		for _, key := range g {
			if !o.has(key) {
				all = false
			}
		}
		if all {
			count++
		}
	}
	switch {
	case count == 0:
		w.report(o.off, "needs one of %s", strings.Join(names, ", "))
	case count > 1:
		w.report(o.off, "may have only one of %s", strings.Join(names, ", "))
	}
}

// str checks a string's enumeration, length and format.
func (w *jsonWalker) str(val *specVal, t *jsonTok) {
	if len(val.enum) == 0 && val.minLen == 0 && val.maxLen == 0 && val.format == specFmtNone {
		return
	}
	s := t.str()
	if len(val.enum) > 0 {
		w.enum(val.enum, s, t.off)
	}
	if val.minLen > 0 || val.maxLen > 0 {
		c := utf8.RuneCountInString(s)
		if c < val.minLen {
			w.report(t.off, "must not be empty")
		}
		if val.maxLen > 0 && c > val.maxLen {
			w.report(t.off, "is longer than %d characters", val.maxLen)
		}
	}
	if val.format != specFmtNone {
		w.format(val.format, s, t)
	}
}

// enum checks a value against an enumeration as of this version.
func (w *jsonWalker) enum(values []specEnum, s string, off int) {
	for _, e := range values {
		if e.value == s {
			if e.since > w.ver {
				w.report(off, "%q is a CycloneDX %s value, not allowed in %s", s, verName(e.since), verName(w.ver))
			}
			return
		}
	}
	var allowed []string
	for _, e := range values {
		if e.since <= w.ver {
			allowed = append(allowed, e.value)
		}
	}
	w.report(off, "%q is not one of %s", s, jsonList(allowed))
}

// jsonList renders allowed values, shortened when there are many.
func jsonList(values []string) string {
	if len(values) > 8 {
		return strings.Join(values[:8], ", ") + ", ..."
	}
	return strings.Join(values, ", ")
}
