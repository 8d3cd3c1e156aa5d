package strict

import (
	"fmt"
	"strings"
)

// specHashAlgs are the hash algorithms of CycloneDX 1.2–1.6 (all present
// since 1.2).
var specHashAlgs = [...]string{"MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512", "SHA3-256", "SHA3-384",
	"SHA3-512", "BLAKE2b-256", "BLAKE2b-384", "BLAKE2b-512", "BLAKE3"}

// format checks a string (s, the value of t) against a named format.
func (w *jsonWalker) format(f specFormat, s string, t *jsonTok) {
	off := t.off
	bad := func(what string) { w.report(off, "%q is not %s", s, what) }
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
		w.hashAlg(s, off)
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
		w.ref(f, s, t)
	}
}

// hashAlg checks a hash algorithm name.
func (w *jsonWalker) hashAlg(s string, off int) {
	for _, a := range specHashAlgs {
		if a == s {
			return
		}
	}
	w.report(off, "%q is not one of %s", s, jsonList(specHashAlgs[:]))
}

// ref checks a bom-ref declaration or a reference to one: non-empty from
// 1.5 (bom-refs in every version, since an empty one can be neither unique
// nor referenced), declarations unique, dependency references recorded
// for resolution.
func (w *jsonWalker) ref(f specFormat, s string, t *jsonTok) {
	if s == "" && (w.ver >= 5 || f == specFmtBOMRef || f == specFmtDepRef) {
		w.report(t.off, "a reference must not be empty")
		return
	}
	switch f {
	case specFmtBOMRef:
		if first, dup := w.refs[s]; dup {
			// The first declaration's pointer is found once the walk is over.
			if !w.full() {
				w.issues = append(w.issues, jsonIssue{ptr: string(w.ptr), off: t.off, need: int(first),
					msg: fmt.Sprintf("bom-ref %q is already used at %s; bom-refs must be unique", s, jsonPtrMark)})
			}
			return
		}
		w.refs[s] = uint32(t.off)
	case specFmtDepRef:
		// A reference to a bom-ref declared before it resolves now; the
		// others are kept (by offset alone) until all bom-refs are known.
		if _, ok := w.refs[s]; !ok && !strings.HasPrefix(s, "urn:cdx:") {
			w.later = append(jsonGrow(w.later, 1), uint32(t.off))
		}
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
func jsonHashLength(w *jsonWalker, o jsonObj) {
	alg, ok1 := o.get("alg")
	content, ok2 := o.get("content")
	if !ok1 || !ok2 || alg.kind != jsonString || content.kind != jsonString {
		return
	}
	a, c := alg.str(), content.str()
	if !isHashContent(c) {
		return
	}
	if want, known := hashHexLen(a); known && want != 0 && len(c) != want {
		w.reportChild(content.off, "content", "a %s hash has %d hexadecimal digits, not %d", a, want, len(c))
	}
}

// jsonLifecycle checks that a lifecycle is either a phase alone or a
// named one with an optional description.
func jsonLifecycle(w *jsonWalker, o jsonObj) {
	if !o.has("phase") {
		return
	}
	if d, ok := o.get("description"); ok {
		w.reportChild(d.off, "description", "a lifecycle phase takes no description (only a named lifecycle does)")
	}
}

// jsonDataset checks a model card dataset (an object, at t): inline
// component data or a reference to it.
func jsonDataset(w *jsonWalker, t jsonTok, depth int) uint64 {
	kind := "componentData"
	if w.sc.hasKey("ref", depth) {
		kind = "datasetRef"
	}
	return w.object(w.kinds[kind], &t, depth)
}

// jsonLicenseChoice checks a 1.5+ licence choice (an array, at t): either
// any number of {"license": ...} entries, or exactly one {"expression":
// ...} entry.
func jsonLicenseChoice(w *jsonWalker, t jsonTok, depth int) uint64 {
	s := &w.sc
	mark := len(w.issues)
	h := w.hs.arrayStart()
	n, exprs := 0, 0
	if s.arrayStart() {
		for {
			back := w.pushIndex(n)
			e, ok := s.next(depth + 1)
			if !ok {
				return 0
			}
			var eh uint64
			if !w.typeOK(specObj, &e) {
				eh = w.rest(&e, depth+1)
			} else {
				kind := "licenseEntry"
				if s.hasKey("expression", depth+1) {
					kind = "licenseExpression"
					exprs++
				}
				eh = w.object(w.kinds[kind], &e, depth+1)
			}
			w.pop(back)
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
	if exprs > 0 && n > 1 {
		w.insert(mark, []jsonIssue{{ptr: string(w.ptr), off: t.off, need: -1,
			msg: "a licence expression must be the only entry of the licence choice " +
				"(CycloneDX " + verName(w.ver) + " allows several licences or one expression, not both, nor several expressions)"}})
	}
	return h
}
