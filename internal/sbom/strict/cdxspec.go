package strict

// This file holds the vocabulary of rocca's description of the CycloneDX
// specification: object kinds with their properties, the shape of each
// property's value, and the spec version in which each property, enum value
// or rule appeared. The description itself is in cdxspec_*.go, written
// from the specification text for versions 1.2 to 1.6; the JSON walker
// (cyclonedx_json*.go) interprets it.

// specVer is a CycloneDX 1.x minor version: 2 means 1.2, 6 means 1.6.
type specVer uint8

// specType is the JSON type a value must have.
type specType uint8

const (
	specAny specType = iota
	specStr
	specBool
	specInt
	specNum
	specObj
	specArr
)

// specFormat names a string format or pattern the specification imposes.
type specFormat uint8

const (
	specFmtNone          specFormat = iota
	specFmtDateTime                 // RFC 3339 date-time
	specFmtEmail                    // idn-email
	specFmtIRI                      // iri-reference
	specFmtIRIOrLink                // iri-reference or BOM-Link (external reference URL)
	specFmtMedia                    // media type pattern
	specFmtLocale                   // language[-REGION]
	specFmtSerial                   // urn:uuid serial number
	specFmtHashAlg                  // hash algorithm enumeration
	specFmtHashValue                // hash content pattern
	specFmtSPDX                     // SPDX licence id enumeration
	specFmtBOMRef                   // a bom-ref declaration: non-empty from 1.5, unique in the document
	specFmtRef                      // a reference to a bom-ref (non-empty from 1.5)
	specFmtRefOrLink                // a reference to a bom-ref or a BOM-Link to an element
	specFmtDepRef                   // a dependency reference: must resolve to a bom-ref
	specFmtCRE                      // OpenCRE identifier "CRE:123-456"
	specFmtIRIOrLinkElem            // iri-reference or BOM-Link to an element (service data flow)
)

// specVal describes the value a property may hold.
type specVal struct {
	typ      specType
	kind     string     // specObj: the object kind
	elem     *specVal   // specArr: the element
	unique   bool       // specArr: elements must be distinct
	minItems int        // specArr
	maxItems int        // specArr, 0 = unbounded
	enum     []specEnum // specStr: allowed values
	format   specFormat // specStr
	minLen   int        // specStr, in characters
	maxLen   int        // specStr, 0 = unbounded
	min, max *float64   // specInt/specNum bounds
	byVer    []specAlt  // the shape differs by version: the last alternative whose since ≤ version applies
	either   []*specVal // one of several shapes, chosen by the value's JSON type
	custom   specCustom // a rule the vocabulary cannot say (licence choice)
}

// specAlt is the shape of a value from a version on.
type specAlt struct {
	since specVer
	val   *specVal
}

// specEnum is one enumeration value and the version that introduced it.
type specEnum struct {
	value string
	since specVer
}

// specCustom reads and checks a value (whose first token is t, of the
// right JSON type) by a rule of its own, reporting through the walker, and
// returns the value's hash.
type specCustom func(w *jsonWalker, t jsonTok, depth int) uint64

// specChecker checks a further rule on an object once its members are
// read; it reports through the walker.
type specChecker func(w *jsonWalker, o jsonObj)

// specProp is one property of an object kind.
type specProp struct {
	name  string
	since specVer
	val   *specVal
}

// specKind describes one kind of object.
type specKind struct {
	name     string
	props    []specProp
	required []specReq
	// closedFrom is the first version in which unknown properties are
	// refused (0: never).
	closedFrom specVer
	// exactlyOne lists groups of properties of which exactly one must be
	// present (the specification's oneOf of required sets).
	exactlyOne [][]string
	// check is a further rule on the whole object (hash length per
	// algorithm), nil when none.
	check specChecker
	// index maps each property name to its place in props, and reqIndex
	// gives the place of each required property (-1: not a property);
	// specBuild fills both.
	index    map[string]int
	reqIndex []int
}

// specReq is a required property and the versions that require it.
type specReq struct {
	name         string
	since, until specVer // until 0 = still required in 1.6
}

// at returns the shape of val in version v, resolving version alternatives.
func (val *specVal) at(v specVer) *specVal {
	if len(val.byVer) == 0 {
		return val
	}
	pick := val.byVer[0].val
	for _, a := range val.byVer {
		if a.since <= v {
			pick = a.val
		}
	}
	return pick.at(v)
}

// Constructors, so that the description reads compactly.

func specS() *specVal                      { return &specVal{typ: specStr} }
func specF(f specFormat) *specVal          { return &specVal{typ: specStr, format: f} }
func specB() *specVal                      { return &specVal{typ: specBool} }
func specI() *specVal                      { return &specVal{typ: specInt} }
func specN() *specVal                      { return &specVal{typ: specNum} }
func specO(kind string) *specVal           { return &specVal{typ: specObj, kind: kind} }
func specA(elem *specVal) *specVal         { return &specVal{typ: specArr, elem: elem} }
func specU(elem *specVal) *specVal         { return &specVal{typ: specArr, elem: elem, unique: true} }
func specStrs() *specVal                   { return specA(specS()) }
func specAO(kind string) *specVal          { return specA(specO(kind)) }
func specUO(kind string) *specVal          { return specU(specO(kind)) }
func specEither(alts ...*specVal) *specVal { return &specVal{either: alts} }

// specE is a string enumeration whose values all date from version since.
func specE(since specVer, values ...string) *specVal {
	v := &specVal{typ: specStr}
	for _, s := range values {
		v.enum = append(v.enum, specEnum{s, since})
	}
	return v
}

// specMore adds enumeration values introduced in version since.
func specMore(v *specVal, since specVer, values ...string) *specVal {
	for _, s := range values {
		v.enum = append(v.enum, specEnum{s, since})
	}
	return v
}

// specRange bounds a number.
func specRange(v *specVal, lo, hi float64, hasHi bool) *specVal {
	v.min = &lo
	if hasHi {
		v.max = &hi
	}
	return v
}

// specVers makes a value whose shape changed between versions: pairs of
// (since, shape) in increasing order.
func specVers(alts ...specAlt) *specVal { return &specVal{byVer: alts} }

// specP is a property present in every version (1.2+).
func specP(name string, val *specVal) specProp { return specProp{name, 2, val} }

// specPv is a property introduced in version since.
func specPv(name string, since specVer, val *specVal) specProp { return specProp{name, since, val} }

// specReqs makes required properties that every version requires.
func specReqs(names ...string) []specReq {
	r := make([]specReq, 0, len(names))
	for _, n := range names {
		r = append(r, specReq{name: n, since: 2})
	}
	return r
}
