package strict

// This file holds the vocabulary rocca uses to describe the CycloneDX XML
// schema of each version in Go: complex types with attributes and a
// content model of sequences and choices of elements, simple types as
// checking functions, and the version range in which each part exists.

// xUnbounded is maxOccurs="unbounded".
const xUnbounded = -1

// xVersion is a CycloneDX minor version, 12 for 1.2 … 16 for 1.6.
type xVersion int

// xType is a complex type: attributes, and either simple (text) content
// checked by text, or element content described by model.
type xType struct {
	attrs []xAttr
	// text names the simple type of the text content ("" = element-only
	// content: only white space may appear between child elements).
	text string
	// model is the content model; nil means no child elements.
	model *xGroup
	// anyAttr says which unknown attributes are allowed: xAttrNone,
	// xAttrOther (qualified ones of other namespaces) or xAttrAny.
	anyAttr xAttrWildcard
	// lax accepts any attributes and children without checking them.
	lax bool
}

// xAttrWildcard is the namespace constraint of xs:anyAttribute.
type xAttrWildcard int

const (
	xAttrNone xAttrWildcard = iota
	xAttrOther
	xAttrAny
)

// xAttr is one declared attribute.
type xAttr struct {
	name     string
	typ      string // simple type name
	required bool
	from, to xVersion
}

// xGroup is an xs:sequence or xs:choice with its occurrence bounds.
type xGroup struct {
	choice   bool
	min, max int
	parts    []xPart
}

// xPart is one particle of a group: an element, a nested group, or the
// xs:any ##other wildcard (elements of other namespaces, lax).
type xPart struct {
	elem     *xElem
	group    *xGroup
	anyOther bool
	min, max int
	from, to xVersion
}

// xElem is an element declaration: its name and its type, either named
// (typ: a complex or simple type of the schema) or anonymous (inline).
type xElem struct {
	name   string
	typ    string
	inline *xType
}

// in limits a part to versions from…to (0 = open end).
func (p xPart) in(from, to xVersion) xPart {
	p.from, p.to = from, to
	return p
}

// since limits a part to versions from onwards.
func (p xPart) since(from xVersion) xPart { return p.in(from, 0) }

// present reports whether a part exists in version v.
func xPresent(from, to, v xVersion) bool {
	return (from == 0 || v >= from) && (to == 0 || v <= to)
}

// xOcc turns an occurrence mark into bounds: "" exactly one, "?" optional,
// "*" any number, "+" at least one.
func xOcc(occ string) (int, int) {
	switch occ {
	case "?":
		return 0, 1
	case "*":
		return 0, xUnbounded
	case "+":
		return 1, xUnbounded
	}
	return 1, 1
}

// el declares a child element of a named type.
func el(name, typ, occ string) xPart {
	lo, hi := xOcc(occ)
	return xPart{elem: &xElem{name: name, typ: typ}, min: lo, max: hi}
}

// eli declares a child element of an anonymous complex type.
func eli(name, occ string, t *xType) xPart {
	lo, hi := xOcc(occ)
	return xPart{elem: &xElem{name: name, inline: t}, min: lo, max: hi}
}

// anyOther is xs:any namespace="##other" minOccurs="0" maxOccurs="unbounded".
func anyOther() xPart { return xPart{anyOther: true, min: 0, max: xUnbounded} }

// seq is an xs:sequence occurring once.
func seq(parts ...xPart) *xGroup { return &xGroup{min: 1, max: 1, parts: parts} }

// seqN is an xs:sequence with occurrence bounds.
func seqN(occ string, parts ...xPart) *xGroup {
	lo, hi := xOcc(occ)
	return &xGroup{min: lo, max: hi, parts: parts}
}

// choice is an xs:choice occurring once.
func choice(parts ...xPart) *xGroup { return &xGroup{choice: true, min: 1, max: 1, parts: parts} }

// grp nests a group as a particle.
func grp(g *xGroup) xPart { return xPart{group: g, min: 1, max: 1} }

// at declares an attribute: occ "" is optional, "!" required.
func at(name, typ, occ string) xAttr { return xAttr{name: name, typ: typ, required: occ == "!"} }

// atIn limits an attribute to versions from…to.
func (a xAttr) in(from, to xVersion) xAttr {
	a.from, a.to = from, to
	return a
}

// ct builds a complex type with element content.
func ct(model *xGroup, wild xAttrWildcard, attrs ...xAttr) *xType {
	return &xType{model: model, anyAttr: wild, attrs: attrs}
}

// st builds a complex type with simple content of type text.
func st(text string, wild xAttrWildcard, attrs ...xAttr) *xType {
	return &xType{text: text, anyAttr: wild, attrs: attrs}
}

// xList is a type holding only a repeated element: the many wrappers such
// as <hashes><hash/>…</hashes>.
func xList(name, typ string) *xType {
	return ct(seqN("*", el(name, typ, "")), xAttrNone)
}

// xListAny is xList with the ##other wildcard after each item and
// anyAttribute ##any, as the top-level collections have it.
func xListAny(name, typ string) *xType {
	return ct(seqN("*", el(name, typ, ""), anyOther()), xAttrAny)
}

// xSchema is the description of one version: its complex types by name.
// Simple types are looked up with xSimpleCheck.
type xSchema struct {
	v     xVersion
	types map[string]*xType
}
