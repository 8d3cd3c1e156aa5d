package strict

import (
	"errors"
	"fmt"
	"strings"
)

// jsonMaxIssues bounds the issues reported for one document.
const jsonMaxIssues = 1000

// CycloneDXJSON checks a CycloneDX JSON document against the rules of its declared specVersion.
//
// It returns every departure found, each with the JSON pointer and the line
// of the value at fault; nil means the document conforms. Versions 1.2 to
// 1.6 are checked; a document declaring another version yields one Issue
// saying so.
func CycloneDXJSON(data []byte) []Issue {
	lines := newJSONLines(data)
	root, err := jsonDecode(data)
	if err != nil {
		var de *jsonDecodeError
		if errors.As(err, &de) {
			return []Issue{{Pointer: "", Line: lines.line(de.off), Message: de.msg}}
		}
		return []Issue{{Pointer: "", Line: 1, Message: err.Error()}}
	}
	if root.kind != jsonObject {
		return []Issue{{Pointer: "", Line: lines.line(root.off), Message: "a CycloneDX document is a JSON object, not " + jsonArticle(root.kind)}}
	}
	ver, issue, ok := jsonSpecVersion(root, lines)
	if !ok {
		return []Issue{issue}
	}
	w := &jsonWalker{ver: ver, kinds: specTable, lines: lines, refs: map[string]string{}}
	w.value(&specVal{typ: specObj, kind: "bom"}, root, "", 0)
	w.resolveRefs()
	return w.issues
}

// jsonSpecVersion reads specVersion and maps it to a version strict
// validation covers.
func jsonSpecVersion(root *jsonNode, lines jsonLines) (specVer, Issue, bool) {
	sv, ok := root.get("specVersion")
	if !ok {
		return 0, Issue{Pointer: "", Line: lines.line(root.off), Message: `missing required property "specVersion"`}, false
	}
	if sv.kind != jsonString {
		return 0, Issue{Pointer: "/specVersion", Line: lines.line(sv.off),
			Message: "specVersion must be a string, not " + jsonArticle(sv.kind)}, false
	}
	switch sv.str {
	case "1.2", "1.3", "1.4", "1.5", "1.6":
		return specVer(sv.str[2] - '0'), Issue{}, true
	case "1.7":
		return 0, Issue{Pointer: "/specVersion", Line: lines.line(sv.off),
			Message: "strict validation covers CycloneDX 1.2–1.6; 1.7 is read leniently only"}, false
	}
	return 0, Issue{Pointer: "/specVersion", Line: lines.line(sv.off),
		Message: fmt.Sprintf("strict validation covers CycloneDX 1.2–1.6, not %q", sv.str)}, false
}

// jsonWalker checks decoded values against the description and collects
// issues, declared bom-refs and the references that must resolve.
type jsonWalker struct {
	ver    specVer
	kinds  map[string]*specKind // the description (specTable)
	lines  jsonLines
	issues []Issue
	refs   map[string]string // bom-ref value → pointer of its first declaration
	uses   []jsonRefUse
	capped bool
}

// jsonRefUse is a reference that must name a bom-ref of the document.
type jsonRefUse struct {
	ref, ptr string
	off      int
}

// report records an issue at the value n (which may be nil).
func (w *jsonWalker) report(n *jsonNode, ptr, format string, args ...any) {
	if len(w.issues) >= jsonMaxIssues {
		if !w.capped {
			w.capped = true
			w.issues = append(w.issues, Issue{Pointer: "", Message: fmt.Sprintf("more than %d issues; the rest are not reported", jsonMaxIssues)})
		}
		return
	}
	line := 0
	if n != nil {
		line = w.lines.line(n.off)
	}
	w.issues = append(w.issues, Issue{Pointer: ptr, Line: line, Message: fmt.Sprintf(format, args...)})
}

// resolveRefs reports dependency references naming no bom-ref.
func (w *jsonWalker) resolveRefs() {
	for _, u := range w.uses {
		if _, ok := w.refs[u.ref]; ok || u.ref == "" || strings.HasPrefix(u.ref, "urn:cdx:") {
			continue
		}
		w.report(&jsonNode{off: u.off}, u.ptr, "%q is not the bom-ref of any component or service in the document", u.ref)
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
