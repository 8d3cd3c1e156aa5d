package strict

import (
	"bytes"
	"encoding/xml"
	"strconv"
	"strings"
)

// xXSINamespace is the XML Schema instance namespace (xsi:schemaLocation),
// whose attributes schema processors always allow.
const xXSINamespace = "http://www.w3.org/2001/XMLSchema-instance"

// ns is the CycloneDX namespace of the document being checked.
func (w *xWalker) ns() string { return w.nsName }

// start opens a child element of the innermost frame.
func (w *xWalker) start(t xml.StartElement) {
	if len(w.stack) == 0 {
		w.add(w.line, "/"+t.Name.Local, "a document has one root element; <"+t.Name.Local+"> follows </bom>")
		w.stack = append(w.stack, &xFrame{name: t.Name.Local, path: "/" + t.Name.Local, line: w.line})
		return
	}
	parent := w.stack[len(w.stack)-1]
	w.collectRef(t)
	f := w.frame()
	f.name, f.line = t.Name.Local, w.line
	w.stack = append(w.stack, f)
	if parent.typ == nil || parent.typ.lax {
		f.path = parent.path + "/" + t.Name.Local
		return
	}
	idx := "[" + strconv.Itoa(parent.count(t.Name)) + "]"
	if t.Name.Space != w.ns() {
		f.path = parent.path + "/" + t.Name.Local + idx
		if xAllowsOther(parent.typ.model, w.schema.v) {
			parent.kids = append(parent.kids, xKid{other: true, line: w.line})
			return
		}
		w.add(w.line, f.path, "element <"+t.Name.Local+"> of namespace "+strconv.Quote(t.Name.Space)+
			" is not allowed in <"+parent.name+">")
		return
	}
	decl, ok := w.declsOf(parent.typ)[t.Name.Local]
	if !ok {
		f.path = parent.path + "/" + t.Name.Local + idx
		w.add(w.line, f.path, w.unknownMessage(parent, t.Name.Local))
		return
	}
	f.path = parent.path + "/" + t.Name.Local
	if decl.many {
		f.path += idx
	}
	parent.kids = append(parent.kids, xKid{name: t.Name.Local, line: w.line})
	f.typ = w.typeOf(decl.elem)
	w.attributes(f, t.Attr)
}

// frame returns a cleared frame, reusing one of a closed element.
func (w *xWalker) frame() *xFrame {
	if len(w.free) == 0 {
		return &xFrame{}
	}
	f := w.free[len(w.free)-1]
	w.free = w.free[:len(w.free)-1]
	*f = xFrame{kids: f.kids[:0], counts: f.counts[:0]}
	return f
}

// count adds a child named n to the frame and returns how many children
// of that name it has had.
func (f *xFrame) count(n xml.Name) int {
	for i := range f.counts {
		if f.counts[i].name == n {
			f.counts[i].n++
			return f.counts[i].n
		}
	}
	f.counts = append(f.counts, xCount{name: n, n: 1})
	return 1
}

// unknownMessage explains why a CycloneDX element is not allowed.
func (w *xWalker) unknownMessage(parent *xFrame, name string) string {
	from, to, ok := xSinceVersion(parent.typ.model, name)
	if !ok {
		return "unknown element <" + name + "> in <" + parent.name + ">"
	}
	span := "version " + xVersionText(from) + " on"
	if to != 0 {
		span = "versions " + xVersionText(from) + " to " + xVersionText(to)
	}
	return "element <" + name + "> in <" + parent.name + "> is not part of CycloneDX " +
		xVersionText(w.schema.v) + " (it exists in " + span + ")"
}

// xVersionText renders 15 as "1.5" (0 as "1.2", the first described).
func xVersionText(v xVersion) string {
	if v == 0 {
		v = 12
	}
	return "1." + strconv.Itoa(int(v)-10)
}

// declsOf returns (and caches) the name index of a type's content model.
func (w *xWalker) declsOf(t *xType) map[string]xDecl {
	m, ok := w.names[t]
	if !ok {
		m = xNames(t.model, w.schema.v)
		w.names[t] = m
	}
	return m
}

// typeOf resolves an element declaration to its type; a simple type
// becomes a text-only complex type.
func (w *xWalker) typeOf(e *xElem) *xType {
	if e.inline != nil {
		return e.inline
	}
	if t, ok := w.schema.types[e.typ]; ok {
		return t
	}
	if _, ok := w.simple[e.typ]; ok {
		t := &xType{text: e.typ}
		w.schema.types[e.typ] = t
		return t
	}
	return xLaxType() // unreachable while TestXMLSchemaTypesResolve passes
}

// chars collects text content, or reports text where only elements may be.
func (w *xWalker) chars(data xml.CharData) {
	if len(w.stack) == 0 {
		if len(bytes.TrimSpace(data)) > 0 {
			w.add(w.line, "", "text outside the <bom> element")
		}
		return
	}
	f := w.stack[len(w.stack)-1]
	if f.typ == nil || f.typ.lax {
		return
	}
	if f.typ.text != "" {
		if f.text.Len() < 1<<20 {
			f.text.Write(data)
		}
		return
	}
	if len(bytes.TrimSpace(data)) > 0 && f.textLine == 0 {
		f.textLine = w.line
		w.add(w.line, f.path, "text is not allowed in <"+f.name+">, which holds only elements")
	}
}

// end closes the innermost element and checks its content.
func (w *xWalker) end() {
	f := w.stack[len(w.stack)-1]
	w.stack = w.stack[:len(w.stack)-1]
	defer func() { w.free = append(w.free, f) }()
	if f.typ == nil || f.typ.lax {
		return
	}
	if f.typ.text != "" {
		w.checkText(f)
		return
	}
	m := &xMatcher{v: w.schema.v, kids: f.kids}
	if m.accepts(f.typ.model) {
		return
	}
	w.contentIssue(f, m)
}

// contentIssue reports children that do not fit the content model.
func (w *xWalker) contentIssue(f *xFrame, m *xMatcher) {
	if m.far < len(f.kids) {
		k := f.kids[m.far]
		name := "an element of another namespace"
		if !k.other {
			name = "<" + k.name + ">"
		}
		w.add(k.line, f.path, name+" is not allowed here in <"+f.name+
			"> (out of order, repeated too often, or excluded by a choice)")
		return
	}
	var missing []string
	have := map[string]bool{}
	for _, k := range f.kids {
		have[k.name] = true
	}
	for _, r := range xRequired(f.typ.model, w.schema.v) {
		if !have[r] {
			missing = append(missing, "<"+r+">")
		}
	}
	msg := "content of <" + f.name + "> is incomplete"
	if len(missing) > 0 {
		msg = "<" + f.name + "> lacks required " + strings.Join(missing, ", ")
	}
	w.add(f.line, f.path, msg)
}

// checkText checks a simple-content element's text, and a hash's length
// against its algorithm.
func (w *xWalker) checkText(f *xFrame) {
	text := f.text.String()
	if msg := w.simple[f.typ.text](text); msg != "" {
		w.add(f.line, f.path, msg)
		return
	}
	if f.typ == w.schema.types["hashType"] {
		for _, a := range f.attrs {
			if a.Name.Space == "" && a.Name.Local == "alg" {
				if n, ok := hashHexLen(a.Value); ok && n > 0 && len(xCollapse(text)) != n {
					w.add(f.line, f.path, a.Value+" hash must have "+strconv.Itoa(n)+" hexadecimal digits, has "+
						strconv.Itoa(len(xCollapse(text))))
				}
			}
		}
	}
}
