package strict

import (
	"encoding/xml"
	"strconv"
)

// attributes checks an element's attributes against its type: declared
// ones by their simple type, required ones present, others only where
// xs:anyAttribute allows them.
func (w *xWalker) attributes(f *xFrame, attrs []xml.Attr) {
	f.attrs = attrs
	t := f.typ
	if t == nil || t.lax {
		return
	}
	seen := map[string]bool{}
	for _, a := range attrs {
		if a.Name.Space == "xmlns" || a.Name.Space == "" && a.Name.Local == "xmlns" || a.Name.Space == xXSINamespace {
			continue
		}
		if a.Name.Space != "" {
			if t.anyAttr == xAttrNone || t.anyAttr == xAttrOther && a.Name.Space == w.ns() {
				w.add(f.line, f.path, "attribute "+a.Name.Local+" of namespace "+strconv.Quote(a.Name.Space)+
					" is not allowed on <"+f.name+">")
			}
			continue
		}
		seen[a.Name.Local] = true
		w.attribute(f, a)
	}
	for _, d := range t.attrs {
		if d.required && xPresent(d.from, d.to, w.schema.v) && !seen[d.name] {
			w.add(f.line, f.path, "<"+f.name+"> lacks the required attribute "+d.name)
		}
	}
}

// attribute checks one unqualified attribute.
func (w *xWalker) attribute(f *xFrame, a xml.Attr) {
	for _, d := range f.typ.attrs {
		if d.name != a.Name.Local {
			continue
		}
		if !xPresent(d.from, d.to, w.schema.v) {
			continue
		}
		if msg := w.simple[d.typ](a.Value); msg != "" {
			w.add(f.line, f.path, "attribute "+d.name+": "+msg)
		}
		return
	}
	if f.typ.anyAttr == xAttrAny {
		return
	}
	w.add(f.line, f.path, "attribute "+a.Name.Local+" is not allowed on <"+f.name+"> in CycloneDX "+
		xVersionText(w.schema.v))
}

// collectRef records bom-ref values (which must be unique across the
// document, as the schema's xs:unique says) and dependency refs (which must
// name one of them).
func (w *xWalker) collectRef(t xml.StartElement) {
	parent := w.stack[len(w.stack)-1]
	for _, a := range t.Attr {
		if a.Name.Space != "" {
			continue
		}
		switch {
		case a.Name.Local == "bom-ref":
			if first, dup := w.refs[a.Value]; dup {
				w.add(w.line, parent.path+"/"+t.Name.Local, "bom-ref "+strconv.Quote(a.Value)+
					" is already used on line "+strconv.Itoa(first))
			} else {
				w.refs[a.Value] = w.line
			}
		case a.Name.Local == "ref" && (t.Name.Local == "dependency" || t.Name.Local == "provides") &&
			t.Name.Space == w.ns() && parent.typ != nil && !parent.typ.lax && w.isDependencyList(parent):
			w.deps = append(w.deps, xDepRef{ref: a.Value, path: parent.path + "/" + t.Name.Local, line: w.line})
		}
	}
}

// isDependencyList reports whether a frame holds <dependency> elements of
// the dependency graph (not the bom references of compositions).
func (w *xWalker) isDependencyList(f *xFrame) bool {
	return f.typ == w.schema.types["dependenciesType"] || f.typ == w.schema.types["dependencyType"]
}

// checkRefs reports dependency refs that name no bom-ref of the document.
// BOM-Links to other documents are not resolved.
func (w *xWalker) checkRefs() {
	for _, d := range w.deps {
		if d.ref == "" || isBOMLink(d.ref) {
			continue
		}
		if _, ok := w.refs[d.ref]; !ok {
			w.add(d.line, d.path, "dependency ref "+strconv.Quote(d.ref)+" names no bom-ref in this document")
		}
	}
}
