package strict

import (
	"fmt"
	"hash/maphash"
	"math"
	"strconv"
	"strings"
)

// jsonMaxIssues bounds the issues reported for one document.
const jsonMaxIssues = 1000

// jsonMaxSize is the largest document checked: the walk keeps offsets in
// 32 bits (package sbom refuses documents far smaller than this).
const jsonMaxSize = math.MaxUint32

// CycloneDXJSON checks a CycloneDX JSON document against the rules of its declared specVersion.
//
// It returns every departure found, each with the JSON pointer and the line
// of the value at fault; nil means the document conforms. Versions 1.2 to
// 1.6 are checked; a document declaring another version yields one Issue
// saying so.
//
// The document is checked in one pass over its tokens, without building a
// tree: memory beyond the document is the set of bom-refs, the dependency
// references to resolve and the item hashes of arrays whose items must be
// unique.
func CycloneDXJSON(data []byte) []Issue {
	if uint64(len(data)) > jsonMaxSize {
		return []Issue{{Pointer: "", Line: 1, Message: fmt.Sprintf("a document of %d bytes is too large for strict validation", len(data))}}
	}
	s := jsonScanner{data: data}
	root, ok := s.next(0)
	if !ok {
		return jsonFatal(data, s.err)
	}
	if root.kind != jsonObject {
		if err := jsonSyntax(data); err != nil {
			return jsonFatal(data, err)
		}
		return []Issue{{Pointer: "", Line: jsonLine(data, root.off), Message: "a CycloneDX document is a JSON object, not " + jsonArticle(root.kind)}}
	}
	// The version decides every rule, so it is read first; when the
	// specVersion member is repeated the last one counts, which the walk
	// notices.
	sv, found := jsonRootMember(data, "specVersion", false)
	ver, _, ok := jsonSpecVersion(data, root.off, sv, found)
	if !ok {
		if err := jsonSyntax(data); err != nil {
			return jsonFatal(data, err)
		}
		sv, found = jsonRootMember(data, "specVersion", true)
		var issue Issue
		if ver, issue, ok = jsonSpecVersion(data, root.off, sv, found); !ok {
			return []Issue{issue}
		}
	}
	for {
		w := newJSONWalker(data, ver)
		w.value(&specVal{typ: specObj, kind: "bom"}, 0)
		w.sc.end()
		if w.sc.err != nil {
			return jsonFatal(data, w.sc.err)
		}
		if w.lastSV.off == sv.off {
			w.resolveRefs()
			return w.result()
		}
		// A later specVersion member overrides the first one.
		sv = w.lastSV
		v, issue, ok := jsonSpecVersion(data, root.off, sv, true)
		if !ok {
			return []Issue{issue}
		}
		if v == ver {
			w.resolveRefs()
			return w.result()
		}
		ver = v
	}
}

// jsonFatal is the single issue of a document that is not JSON.
func jsonFatal(data []byte, err *jsonDecodeError) []Issue {
	return []Issue{{Pointer: "", Line: jsonLine(data, err.off), Message: err.msg}}
}

// jsonRootMember finds the first (or, with last, the final) value of a
// member of the root object, reading only as far as it must.
func jsonRootMember(data []byte, key string, last bool) (jsonTok, bool) {
	s := jsonScanner{data: data}
	var found jsonTok
	ok := false
	if _, open := s.next(0); !open || !s.objectStart() {
		return found, false
	}
	for {
		raw, esc, _ := s.key()
		if s.err != nil {
			return found, ok
		}
		if jsonKeyIs(raw, esc, key) {
			t := s
			if v, good := t.next(1); good {
				found, ok = v, true
				if !last {
					return found, ok
				}
			}
		}
		s.skip(nil, 1)
		if !s.objectNext() {
			return found, ok
		}
	}
}

// jsonSpecVersion maps the specVersion value to a version strict
// validation covers.
func jsonSpecVersion(data []byte, rootOff int, sv jsonTok, found bool) (specVer, Issue, bool) {
	if !found {
		return 0, Issue{Pointer: "", Line: jsonLine(data, rootOff), Message: `missing required property "specVersion"`}, false
	}
	line := jsonLine(data, sv.off)
	if sv.kind != jsonString {
		return 0, Issue{Pointer: "/specVersion", Line: line,
			Message: "specVersion must be a string, not " + jsonArticle(sv.kind)}, false
	}
	switch v := sv.str(); v {
	case "1.2", "1.3", "1.4", "1.5", "1.6":
		return specVer(v[2] - '0'), Issue{}, true
	case "1.7":
		return 0, Issue{Pointer: "/specVersion", Line: line,
			Message: "strict validation covers CycloneDX 1.2–1.6; 1.7 is read leniently only"}, false
	default:
		return 0, Issue{Pointer: "/specVersion", Line: line,
			Message: fmt.Sprintf("strict validation covers CycloneDX 1.2–1.6, not %q", v)}, false
	}
}

// jsonWalker checks the document's tokens against the description as it
// reads them and collects issues, declared bom-refs and the references
// that must resolve.
type jsonWalker struct {
	ver   specVer
	kinds map[string]*specKind // the description (specTable)
	sc    jsonScanner
	hs    *jsonHasher
	ptr   []byte // JSON pointer of the value being checked
	key   []byte // scratch for unescaped keys
	// members holds the values of the open objects whose kind has a
	// check, innermost last.
	members []jsonMember
	issues  []jsonIssue
	refs    map[string]uint32 // bom-ref value → offset of its first declaration
	later   []uint32          // offsets of dependency references to resolve at the end
	capped  bool
	lastSV  jsonTok // the last root specVersion member read
}

// jsonIssue is an issue whose line is not yet known (off < 0: no line).
// When need ≥ 0, jsonPtrMark in ptr or msg stands for the pointer of the
// value at offset need, which a last pass over the document finds (so
// that references are kept by offset alone while the walk runs).
type jsonIssue struct {
	ptr, msg string
	off      int
	need     int
}

// jsonPtrMark is the place of a pointer not yet known.
const jsonPtrMark = "\x00pointer\x00"

// newJSONWalker prepares the walk of data under version ver.
func newJSONWalker(data []byte, ver specVer) *jsonWalker {
	return &jsonWalker{ver: ver, kinds: specTable, sc: jsonScanner{data: data, notes: &jsonNotes{}},
		hs: &jsonHasher{seed: maphash.MakeSeed()}, refs: map[string]uint32{}, ptr: make([]byte, 0, 128)}
}

// report records an issue at the current pointer about the value at off.
func (w *jsonWalker) report(off int, format string, args ...any) {
	if w.full() {
		return
	}
	w.issues = append(w.issues, jsonIssue{ptr: string(w.ptr), off: off, need: -1, msg: fmt.Sprintf(format, args...)})
}

// reportChild records an issue about the member key (at off) of the
// current value.
func (w *jsonWalker) reportChild(off int, key, format string, args ...any) {
	if w.full() {
		return
	}
	w.issues = append(w.issues, jsonIssue{ptr: jsonPtr(string(w.ptr), key), off: off, need: -1, msg: fmt.Sprintf(format, args...)})
}

// full reports (and notes) that no further issue fits.
func (w *jsonWalker) full() bool {
	if len(w.issues) >= jsonMaxIssues {
		w.capped = true
		return true
	}
	return false
}

// insert places issues about a container at mark, the place they take in
// document order (before the issues of the container's items).
func (w *jsonWalker) insert(mark int, add []jsonIssue) {
	if len(add) == 0 {
		return
	}
	if mark >= jsonMaxIssues {
		w.capped = true
		return
	}
	rest := append([]jsonIssue(nil), w.issues[mark:]...)
	w.issues = append(append(w.issues[:mark], add...), rest...)
	if len(w.issues) > jsonMaxIssues {
		w.issues = w.issues[:jsonMaxIssues]
		w.capped = true
	}
}

// result renders the issues with their lines, and the cap notice.
func (w *jsonWalker) result() []Issue {
	w.mergeNotes()
	if w.capped {
		w.issues = append(w.issues, jsonIssue{off: -1, need: -1, msg: fmt.Sprintf("more than %d issues; the rest are not reported", jsonMaxIssues)})
	}
	if len(w.issues) == 0 {
		return nil
	}
	w.fillPointers()
	return jsonLines(w.sc.data, w.issues)
}

// push appends a key to the pointer and returns the length to pop back to.
func (w *jsonWalker) push(key []byte) int {
	n := len(w.ptr)
	w.ptr = jsonAppendToken(w.ptr, key)
	return n
}

// pushIndex appends an array index to the pointer.
func (w *jsonWalker) pushIndex(i int) int {
	n := len(w.ptr)
	w.ptr = strconv.AppendInt(append(w.ptr, '/'), int64(i), 10)
	return n
}

// pop truncates the pointer back to n.
func (w *jsonWalker) pop(n int) { w.ptr = w.ptr[:n] }

// resolveRefs reports dependency references naming no bom-ref.
func (w *jsonWalker) resolveRefs() {
	for _, off := range w.later {
		s := jsonScanner{data: w.sc.data, pos: int(off)}
		t, _ := s.next(0)
		ref := t.str()
		if _, ok := w.refs[ref]; ok || ref == "" {
			continue
		}
		if w.full() {
			return
		}
		w.issues = append(w.issues, jsonIssue{ptr: jsonPtrMark, off: int(off), need: int(off),
			msg: fmt.Sprintf("%q is not the bom-ref of any component or service in the document", ref)})
	}
}

// fillPointers puts the pointers issues need in place of jsonPtrMark.
func (w *jsonWalker) fillPointers() {
	var offs []int
	for _, is := range w.issues {
		if is.need >= 0 {
			offs = append(offs, is.need)
		}
	}
	if len(offs) == 0 {
		return
	}
	ptrs := jsonPointersAt(w.sc.data, offs)
	for i := range w.issues {
		if is := &w.issues[i]; is.need >= 0 {
			is.ptr = strings.Replace(is.ptr, jsonPtrMark, ptrs[is.need], 1)
			is.msg = strings.Replace(is.msg, jsonPtrMark, ptrs[is.need], 1)
		}
	}
}

// verName renders a version as "1.4".
func verName(v specVer) string { return fmt.Sprintf("1.%d", v) }

// jsonArticle names a JSON type with its article ("an object").
func jsonArticle(k jsonKind) string {
	switch k {
	case jsonArray, jsonObject:
		return "an " + k.String()
	}
	return "a " + k.String()
}

// jsonPtr appends a reference token to a JSON pointer (RFC 6901 escaping).
func jsonPtr(ptr, token string) string {
	token = strings.ReplaceAll(token, "~", "~0")
	return ptr + "/" + strings.ReplaceAll(token, "/", "~1")
}
