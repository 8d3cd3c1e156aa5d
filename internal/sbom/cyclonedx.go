package sbom

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/rocca-project/rocca/internal/model"
)

// formatCycloneDX is model.SBOM.Format for CycloneDX documents.
const formatCycloneDX = "CycloneDX"

// newestSpec is the newest CycloneDX version cyclonedx-go models; a
// document declaring a newer one is read leniently, with a warning.
const newestSpec = cdx.SpecVersion1_7

var cyclonedxJSON = reader{
	format: "CycloneDX JSON",
	detect: func(d *document) (string, bool) {
		if d.syntax != syntaxJSON {
			return "", false
		}
		version, _ := d.memberString("specVersion")
		if f, ok := d.memberString("bomFormat"); ok {
			return version, strings.EqualFold(f, formatCycloneDX)
		}
		// bomFormat is required, but a $schema pointing at a CycloneDX
		// schema says enough.
		return version, d.member("bomFormat") == nil && bytes.Contains(d.member("$schema"), []byte("cyclonedx.org/schema/bom"))
	},
	decode: decodeCycloneDXJSON,
}

var cyclonedxXML = reader{
	format: "CycloneDX XML",
	detect: func(d *document) (string, bool) {
		if d.syntax != syntaxXML || d.root.local != "bom" {
			return "", false
		}
		if d.root.ns == "" {
			return "", true
		}
		v, ok := xmlSpecVersion(d.root.ns)
		return v, ok
	},
	decode: decodeCycloneDXXML,
}

// cdxNamespace prefixes the XML namespace of every CycloneDX version.
const cdxNamespace = "cyclonedx.org/schema/bom/"

// xmlSpecVersion returns the version in a CycloneDX XML namespace such as
// "http://cyclonedx.org/schema/bom/1.6".
func xmlSpecVersion(ns string) (string, bool) {
	i := strings.Index(ns, cdxNamespace)
	if i < 0 {
		return "", false
	}
	return ns[i+len(cdxNamespace):], true
}

// The JSON fast path decodes into these projections of the CycloneDX
// schema rather than into cyclonedx-go's complete BOM: encoding/json then
// skips licenses, hashes, properties, evidence and the rest without
// allocating them. On a typical 10,000-component document that is a fifth
// of the allocations, a tenth of the memory and a third less time
// (BenchmarkDecodeProjection, BenchmarkDecodeCycloneDXJSONFull). It also
// keeps the reader lenient about parts rocca does not use: a malformed
// licence or a schema addition of a newer spec version cannot reject the
// SBOM. TestFastPathMatchesCycloneDXGo checks the projection against
// cyclonedx-go on the corpora.
type cdxJSONDocument struct {
	SpecVersion string `json:"specVersion"`
	Metadata    *struct {
		Component *cdxJSONComponent `json:"component"`
	} `json:"metadata"`
	Components []cdxJSONComponent `json:"components"`
}

type cdxJSONComponent struct {
	BOMRef     string             `json:"bom-ref"`
	Type       string             `json:"type"`
	Group      string             `json:"group"`
	Name       string             `json:"name"`
	Version    string             `json:"version"`
	PURL       string             `json:"purl"`
	CPE        string             `json:"cpe"`
	Components []cdxJSONComponent `json:"components"`
}

// jsonTree walks the JSON projection.
var jsonTree = tree[cdxJSONComponent]{
	model: func(c *cdxJSONComponent) model.Component {
		return model.Component{Ref: c.BOMRef, Name: c.Name, Version: c.Version, Group: c.Group, PURL: c.PURL, CPE: c.CPE, Type: c.Type}
	},
	children: func(c *cdxJSONComponent) []cdxJSONComponent { return c.Components },
}

func decodeCycloneDXJSON(d *document) (*model.SBOM, error) {
	var doc cdxJSONDocument
	if err := json.Unmarshal(d.data, &doc); err != nil {
		return nil, d.jsonError(err)
	}
	s := &model.SBOM{Format: formatCycloneDX, SpecVersion: doc.SpecVersion, Encoding: "json"}
	s.Warnings = specWarnings(doc.SpecVersion, true)
	var subject *cdxJSONComponent
	if doc.Metadata != nil {
		subject = doc.Metadata.Component
	}
	if err := flatten(d, s, jsonTree, doc.Components, subject); err != nil {
		return nil, err
	}
	return s, nil
}

// jsonError turns an encoding/json error into an *Error with a position.
func (d *document) jsonError(err error) error {
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		return d.errorf(int(se.Offset)-1, "", "%w: %v", ErrSyntax, se)
	}
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		return d.errorf(valueStart(d.data, int(te.Offset)), te.Field, "expected %s, found %s", kindName(te.Type), jsonValueName(te.Value))
	}
	return d.errorf(-1, "", "%w", err)
}

// valueStart returns where the JSON value ends at data[end-1] starts:
// encoding/json reports type errors after a scalar value, or after the
// opening bracket of an object or array.
func valueStart(data []byte, end int) int {
	i := min(end, len(data)) - 1
	if i < 0 {
		return 0
	}
	switch data[i] {
	case '{', '[':
		return i
	case '"':
		for j := i - 1; j >= 0; j-- {
			if data[j] != '"' {
				continue
			}
			n := 0
			for b := j - 1; b >= 0 && data[b] == '\\'; b-- {
				n++
			}
			if n%2 == 0 {
				return j
			}
		}
		return i
	}
	for i > 0 && isScalarByte(data[i-1]) {
		i--
	}
	return i
}

// isScalarByte reports whether c can be part of a JSON number or literal.
func isScalarByte(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || c == '.' || c == '-' || c == '+' || c == 'E'
}

// kindName describes the JSON value a Go type decodes from.
func kindName(t reflect.Type) string {
	if t == nil {
		return "another value"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map, reflect.Pointer:
		return "an object"
	case reflect.Bool:
		return "true or false"
	}
	return "a number"
}

// jsonValueName describes the JSON value encoding/json found ("number",
// "number 1.5", "object"...).
func jsonValueName(v string) string {
	switch {
	case v == "object" || v == "array":
		return "an " + v
	case v == "":
		return "another value"
	}
	return "a " + v
}

// The XML path decodes into cyclonedx-go's BOM. XML decoding is slower
// than JSON whatever the target, and the library's types already handle the
// differences between the XML schemas of 1.0 to 1.7.
func decodeCycloneDXXML(d *document) (*model.SBOM, error) {
	var bom cdx.BOM
	dec := xml.NewDecoder(bytes.NewReader(d.data))
	if err := dec.Decode(&bom); err != nil {
		if se, ok := errors.AsType[*xml.SyntaxError](err); ok {
			return nil, d.lineError(se.Line, fmt.Errorf("%w: %s", ErrSyntax, se.Msg))
		}
		line, _ := dec.InputPos()
		return nil, d.lineError(line, err)
	}
	version, _ := xmlSpecVersion(d.root.ns)
	s := &model.SBOM{Format: formatCycloneDX, SpecVersion: version, Encoding: "xml"}
	if d.root.ns == "" {
		s.Warnings = append(s.Warnings, "the root element <bom> declares no CycloneDX namespace, so the spec version is unknown")
	} else {
		s.Warnings = specWarnings(version, false)
	}
	var comps []cdx.Component
	if bom.Components != nil {
		comps = *bom.Components
	}
	var subject *cdx.Component
	if bom.Metadata != nil {
		subject = bom.Metadata.Component
	}
	if err := flatten(d, s, cdxTree, comps, subject); err != nil {
		return nil, err
	}
	return s, nil
}

// cdxTree walks cyclonedx-go's components.
var cdxTree = tree[cdx.Component]{
	model: func(c *cdx.Component) model.Component {
		// XML formatting may surround values with white space.
		t := strings.TrimSpace
		return model.Component{Ref: t(c.BOMRef), Name: t(c.Name), Version: t(c.Version), Group: t(c.Group), PURL: t(c.PackageURL), CPE: t(c.CPE), Type: t(string(c.Type))}
	},
	children: func(c *cdx.Component) []cdx.Component {
		if c.Components == nil {
			return nil
		}
		return *c.Components
	},
}

// tree tells flatten how to walk the components of one decoding path.
type tree[T any] struct {
	model    func(*T) model.Component
	children func(*T) []T
}

// flatten appends the components of list, nested ones after their parent,
// to s.Components, then the subject's nested components not already listed
// (matched by bom-ref), and sets s.Subject. It enforces MaxComponents
// before allocating.
func flatten[T any](d *document, s *model.SBOM, t tree[T], list []T, subject *T) error {
	n := t.count(list)
	var sub []T
	if subject != nil {
		sub = t.children(subject)
		n += t.count(sub)
	}
	if n > d.lim.MaxComponents {
		return d.errorAt(-1, "", wrapf(ErrTooManyComponents, "%d components, more than the limit of %d", n, d.lim.MaxComponents))
	}
	s.Components = make([]model.Component, 0, n)
	s.Components = t.appendAll(s.Components, list)
	if subject != nil {
		c := t.model(subject)
		s.Subject = &c
		if len(sub) > 0 {
			listed := make(map[string]bool, len(s.Components))
			for _, c := range s.Components {
				if c.Ref != "" {
					listed[c.Ref] = true
				}
			}
			for _, c := range t.appendAll(nil, sub) {
				if c.Ref == "" || !listed[c.Ref] {
					s.Components = append(s.Components, c)
				}
			}
		}
	}
	if len(s.Components) == 0 {
		s.Warnings = append(s.Warnings, "the document lists no components")
	}
	return nil
}

func (t tree[T]) count(list []T) int {
	n := len(list)
	for i := range list {
		n += t.count(t.children(&list[i]))
	}
	return n
}

func (t tree[T]) appendAll(out []model.Component, list []T) []model.Component {
	for i := range list {
		out = append(out, t.model(&list[i]))
		out = t.appendAll(out, t.children(&list[i]))
	}
	return out
}

// specWarnings returns warnings about a declared CycloneDX version: absent,
// unknown, newer than cyclonedx-go knows, or older than JSON encoding.
func specWarnings(v string, isJSON bool) []string {
	if v == "" {
		return []string{"the document declares no specVersion"}
	}
	for sv := cdx.SpecVersion1_0; sv <= newestSpec; sv++ {
		if sv.String() == v {
			if isJSON && sv < cdx.SpecVersion1_2 {
				return []string{fmt.Sprintf("CycloneDX %s has no JSON encoding; read as a later version", v)}
			}
			return nil
		}
	}
	major, minor, ok := strings.Cut(v, ".")
	if ok && major == "1" {
		// SpecVersion1_0 is 1, so 1.N is SpecVersion N+1.
		if m, err := strconv.Atoi(minor); err == nil && m > int(newestSpec)-1 {
			return []string{fmt.Sprintf("CycloneDX %s is newer than %s, the newest version rocca knows; read leniently", clip(v, 16), newestSpec)}
		}
	}
	return []string{fmt.Sprintf("unknown CycloneDX specVersion %q; read leniently", clip(v, 16))}
}
