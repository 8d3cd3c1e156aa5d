package strict

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
)

// xNSPrefix is the namespace every CycloneDX XML version shares, followed
// by "1.N".
const xNSPrefix = "http://cyclonedx.org/schema/bom/"

// xMaxIssues bounds the report of one document.
const xMaxIssues = 1000

// CycloneDXXML checks a CycloneDX XML document against the rules of the version its namespace declares.
//
// The root must be <bom> in namespace http://cyclonedx.org/schema/bom/1.N
// with N from 2 to 6. Every issue carries the line and the element path
// ("/bom/components/component[3]/hashes/hash[1]"). Beyond the schema, bom-ref
// values must be unique and <dependency ref> values must name one of them.
// A nil result means the document conforms.
func CycloneDXXML(data []byte) []Issue {
	w := &xWalker{refs: map[string]int{}}
	w.run(data)
	if w.schema != nil {
		w.checkRefs()
	}
	if len(w.issues) > xMaxIssues {
		w.issues = w.issues[:xMaxIssues]
	}
	return w.issues
}

// xWalker holds the state of one validation.
type xWalker struct {
	schema *xSchema
	nsName string // the namespace of the document's version
	simple map[string]xCheck
	names  map[*xType]map[string]xDecl
	stack  []*xFrame
	free   []*xFrame // frames of closed elements, for reuse
	issues []Issue
	refs   map[string]int // bom-ref → line of its first use
	deps   []xDepRef
	line   int
}

// xDepRef is a dependency ref to resolve once all bom-refs are known.
type xDepRef struct {
	ref, path string
	line      int
}

// xFrame is one open element.
type xFrame struct {
	typ      *xType // nil: content not checked (other namespace, unknown, lax)
	name     string
	path     string
	line     int
	kids     []xKid
	counts   []xCount
	text     strings.Builder
	textLine int
	attrs    []xml.Attr
}

// xCount is how many children of one name a frame has had.
type xCount struct {
	name xml.Name
	n    int
}

// add records an issue.
func (w *xWalker) add(line int, path, msg string) {
	if line < 1 {
		line = 1
	}
	if len(w.issues) <= xMaxIssues {
		w.issues = append(w.issues, Issue{Pointer: path, Line: line, Message: msg})
	}
}

// run streams the document's tokens.
func (w *xWalker) run(data []byte) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	for {
		w.line, _ = dec.InputPos()
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			if w.schema == nil && len(w.issues) == 0 {
				w.add(w.line, "", "no <bom> root element")
			}
			return
		}
		if err != nil {
			line, _ := dec.InputPos()
			w.add(line, w.path(), "malformed XML: "+err.Error())
			return
		}
		if !w.token(tok) {
			return
		}
	}
}

// path is the element path of the innermost open element.
func (w *xWalker) path() string {
	if len(w.stack) == 0 {
		return ""
	}
	return w.stack[len(w.stack)-1].path
}

// token handles one token; false stops the walk.
func (w *xWalker) token(tok xml.Token) bool {
	switch t := tok.(type) {
	case xml.Directive:
		w.add(w.line, w.path(), "DOCTYPE and entity declarations are not allowed")
		return false
	case xml.StartElement:
		if w.schema == nil {
			return w.root(t)
		}
		w.start(t)
	case xml.EndElement:
		w.end()
	case xml.CharData:
		w.chars(t)
	}
	return true
}

// root checks the root element and picks the version's schema.
func (w *xWalker) root(t xml.StartElement) bool {
	ver, ok := strings.CutPrefix(t.Name.Space, xNSPrefix)
	if t.Name.Local != "bom" || !ok {
		w.add(w.line, "/"+t.Name.Local, "root element must be <bom> in namespace "+xNSPrefix+"1.N, got <"+
			t.Name.Local+"> in "+strconv.Quote(t.Name.Space))
		return false
	}
	minor, ok := strings.CutPrefix(ver, "1.")
	n, err := strconv.Atoi(minor)
	if !ok || err != nil || n < 2 || n > 6 || minor != strconv.Itoa(n) {
		w.add(w.line, "/bom", "strict validation covers CycloneDX 1.2–1.6 (1.7 is read leniently only); namespace "+
			strconv.Quote(t.Name.Space)+" is not one of them")
		return false
	}
	w.schema = xNewSchema(xVersion(10 + n))
	w.nsName = xNSPrefix + "1." + strconv.Itoa(n)
	w.simple = xSimpleTypes(w.schema.v)
	w.names = map[*xType]map[string]xDecl{}
	f := &xFrame{typ: w.schema.types["bom"], name: "bom", path: "/bom", line: w.line}
	w.stack = append(w.stack, f)
	w.attributes(f, t.Attr)
	return true
}
