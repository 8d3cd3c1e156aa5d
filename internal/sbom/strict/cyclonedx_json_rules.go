package strict

import (
	"strconv"
	"strings"
)

// specHashAlgs are the hash algorithms of CycloneDX 1.2–1.6 (all present
// since 1.2).
var specHashAlgs = [...]string{"MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512", "SHA3-256", "SHA3-384",
	"SHA3-512", "BLAKE2b-256", "BLAKE2b-384", "BLAKE2b-512", "BLAKE3"}

// format checks a string against a named format.
func (w *jsonWalker) format(f specFormat, n *jsonNode, ptr string) {
	s := n.str
	bad := func(what string) { w.report(n, ptr, "%q is not %s", s, what) }
	switch f {
	case specFmtDateTime:
		if !isDateTime(s) {
			bad("an RFC 3339 date-time (e.g. 2024-05-01T12:00:00Z)")
		}
	case specFmtEmail:
		if !isEmail(s) {
			bad("an e-mail address")
		}
	case specFmtIRI, specFmtIRIOrLink, specFmtIRIOrLinkElem:
		if !isIRIReference(s) {
			bad("an IRI reference")
		}
	case specFmtMedia:
		if !isMediaType(s) {
			bad(`a media type ("type/subtype", lower case)`)
		}
	case specFmtLocale:
		if !isLocale(s) {
			bad(`a locale ("en" or "en-US")`)
		}
	case specFmtSerial:
		if !isSerialNumber(s) {
			bad("a serial number (urn:uuid: and a lower-case UUID)")
		}
	case specFmtHashAlg:
		w.hashAlg(n, ptr)
	case specFmtHashValue:
		if !isHashContent(s) {
			bad("a hash value (32, 40, 64, 96 or 128 hexadecimal digits)")
		}
	case specFmtSPDX:
		if !isSPDXLicenseID(s) {
			bad("an SPDX licence identifier (use name for other licences)")
		}
	case specFmtCRE:
		if !isOpenCRE(s) {
			bad(`an OpenCRE identifier ("CRE:123-456")`)
		}
	case specFmtBOMRef, specFmtRef, specFmtRefOrLink, specFmtDepRef:
		w.ref(f, n, ptr)
	}
}

// hashAlg checks a hash algorithm name.
func (w *jsonWalker) hashAlg(n *jsonNode, ptr string) {
	for _, a := range specHashAlgs {
		if a == n.str {
			return
		}
	}
	w.report(n, ptr, "%q is not one of %s", n.str, jsonList(specHashAlgs[:]))
}

// ref checks a bom-ref declaration or a reference to one: non-empty from
// 1.5 (bom-refs in every version, since an empty one can be neither unique
// nor referenced), declarations unique, dependency references recorded
// for resolution.
func (w *jsonWalker) ref(f specFormat, n *jsonNode, ptr string) {
	if n.str == "" && (w.ver >= 5 || f == specFmtBOMRef || f == specFmtDepRef) {
		w.report(n, ptr, "a reference must not be empty")
		return
	}
	switch f {
	case specFmtBOMRef:
		if first, dup := w.refs[n.str]; dup {
			w.report(n, ptr, "bom-ref %q is already used at %s; bom-refs must be unique", n.str, first)
			return
		}
		w.refs[n.str] = ptr
	case specFmtDepRef:
		w.uses = append(w.uses, jsonRefUse{ref: n.str, ptr: ptr, off: n.off})
	}
}

// isOpenCRE checks "CRE:" digits "-" digits.
func isOpenCRE(s string) bool {
	rest, ok := strings.CutPrefix(s, "CRE:")
	if !ok {
		return false
	}
	a, b, ok := strings.Cut(rest, "-")
	_, okA := digits(a)
	_, okB := digits(b)
	return ok && okA && okB
}

// jsonHashLength checks that a hash value has the length its algorithm
// produces.
func jsonHashLength(w *jsonWalker, n *jsonNode, ptr string, _ int) {
	alg, ok1 := n.get("alg")
	content, ok2 := n.get("content")
	if !ok1 || !ok2 || alg.kind != jsonString || content.kind != jsonString || !isHashContent(content.str) {
		return
	}
	if want, known := hashHexLen(alg.str); known && want != 0 && len(content.str) != want {
		w.report(content, jsonPtr(ptr, "content"), "a %s hash has %d hexadecimal digits, not %d", alg.str, want, len(content.str))
	}
}

// jsonLifecycle checks that a lifecycle is either a phase alone or a
// named one with an optional description.
func jsonLifecycle(w *jsonWalker, n *jsonNode, ptr string, _ int) {
	if _, phase := n.get("phase"); !phase {
		return
	}
	if d, ok := n.get("description"); ok {
		w.report(d, jsonPtr(ptr, "description"), "a lifecycle phase takes no description (only a named lifecycle does)")
	}
}

// jsonDataset checks a model card dataset: inline component data or a
// reference to it.
func jsonDataset(w *jsonWalker, n *jsonNode, ptr string, depth int) {
	kind := "componentData"
	if _, ok := n.get("ref"); ok {
		kind = "datasetRef"
	}
	w.object(w.kinds[kind], n, ptr, depth)
}

// jsonLicenseChoice checks a 1.5+ licence choice: either any number of
// {"license": ...} entries, or exactly one {"expression": ...} entry.
func jsonLicenseChoice(w *jsonWalker, n *jsonNode, ptr string, depth int) {
	exprs := 0
	for _, e := range n.elems {
		if _, ok := e.get("expression"); ok {
			exprs++
		}
	}
	if exprs > 0 && len(n.elems) > 1 {
		w.report(n, ptr, "a licence expression must be the only entry of the licence choice "+
			"(CycloneDX %s allows several licences or one expression, not both, nor several expressions)", verName(w.ver))
	}
	for i, e := range n.elems {
		p := jsonPtr(ptr, strconv.Itoa(i))
		if !w.typeOK(specObj, e, p) {
			continue
		}
		kind := "licenseEntry"
		if _, ok := e.get("expression"); ok {
			kind = "licenseExpression"
		}
		w.object(w.kinds[kind], e, p, depth+1)
	}
}
