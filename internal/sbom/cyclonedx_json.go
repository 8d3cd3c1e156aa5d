package sbom

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/rocca-project/rocca/internal/model"
)

// The JSON fast path decodes into these projections of the CycloneDX
// schema rather than into cyclonedx-go's complete BOM: encoding/json then
// skips descriptions, external references, properties, evidence and the
// rest without allocating them (BenchmarkDecodeProjection,
// BenchmarkDecodeCycloneDXJSONFull). TestFastPathMatchesCycloneDXGo checks
// the projection against cyclonedx-go on the corpora.
//
// It also keeps the reader lenient. A value of the wrong JSON type in a
// field that does not identify a component (supplier, authors, hashes,
// licences, scope, swid, tools, timestamp, dependencies...) is dropped with
// a warning instead of rejecting the SBOM; see decodeCycloneDXJSON.
type cdxJSONDocument struct {
	SpecVersion  string             `json:"specVersion"`
	SerialNumber string             `json:"serialNumber"`
	Metadata     *cdxJSONMetadata   `json:"metadata"`
	Components   []cdxJSONComponent `json:"components"`
	Dependencies []model.Dependency `json:"dependencies"` // {ref, dependsOn}: the model's own JSON form

	// converted is set when the parallel path decoded the components
	// (Components is then nil): flat holds each element of the components
	// array already converted to the model, in document order, and nested
	// the decoded elements that have nested components, by index. A
	// large document's components are then never held twice, once decoded
	// and once converted.
	converted bool
	flat      []model.Component
	nested    map[int]*cdxJSONComponent
}

type cdxJSONMetadata struct {
	Timestamp    string            `json:"timestamp"`
	Tools        cdxJSONTools      `json:"tools"`
	Authors      []cdxContact      `json:"authors"`
	Component    *cdxJSONComponent `json:"component"`
	Manufacture  *cdxJSONEntity    `json:"manufacture"` // 1.2–1.5; 1.6 deprecates it for manufacturer
	Manufacturer *cdxJSONEntity    `json:"manufacturer"`
	Supplier     *cdxJSONEntity    `json:"supplier"`
}

type cdxJSONComponent struct {
	BOMRef       string             `json:"bom-ref"`
	Type         cdxWord            `json:"type"`
	Supplier     *cdxJSONEntity     `json:"supplier"`
	Manufacturer *cdxJSONEntity     `json:"manufacturer"`
	Author       string             `json:"author"`
	Authors      []cdxContact       `json:"authors"`
	Group        string             `json:"group"`
	Name         string             `json:"name"`
	Version      string             `json:"version"`
	Scope        cdxWord            `json:"scope"`
	Hashes       []cdxJSONHash      `json:"hashes"`
	Licenses     []cdxJSONLicense   `json:"licenses"`
	CPE          string             `json:"cpe"`
	PURL         string             `json:"purl"`
	SWID         *cdxSWID           `json:"swid"`
	Components   []cdxJSONComponent `json:"components"`
}

// cdxJSONEntity is an organizationalEntity, of which only the name is used.
type cdxJSONEntity struct {
	Name string `json:"name"`
}

type cdxJSONHash struct {
	Alg     cdxWord `json:"alg"`
	Content string  `json:"content"`
}

// cdxJSONLicense is one element of a licenses array: a licence or an
// expression.
type cdxJSONLicense struct {
	License struct { // a value, not a pointer: one allocation less
		ID   cdxWord `json:"id"`
		Name string  `json:"name"`
	} `json:"license"`
	Expression string `json:"expression"`
}

func (c *cdxJSONComponent) model() model.Component {
	m := model.Component{
		Ref: c.BOMRef, Name: c.Name, Version: c.Version, Group: c.Group, PURL: c.PURL, CPE: c.CPE,
		Type: string(c.Type), Scope: string(c.Scope),
	}
	if c.Supplier != nil {
		m.Supplier = strings.TrimSpace(c.Supplier.Name)
	}
	var manufacturer string
	if c.Manufacturer != nil {
		manufacturer = c.Manufacturer.Name
	}
	m.Author = componentAuthor(c.Author, c.Authors, manufacturer)
	if len(c.Hashes) > 0 {
		m.Hashes = make([]model.Hash, 0, len(c.Hashes))
		for _, h := range c.Hashes {
			if h.Content != "" {
				m.Hashes = append(m.Hashes, model.Hash{Alg: string(h.Alg), Value: h.Content})
			}
		}
		if len(m.Hashes) == 0 {
			m.Hashes = nil
		}
	}
	for _, l := range c.Licenses {
		m.Licenses = appendLicence(m.Licenses, licence(l.Expression, string(l.License.ID), l.License.Name))
	}
	cdxDerivePURL(&m, c.SWID)
	return m
}

// jsonTree walks the JSON projection.
var jsonTree = tree[cdxJSONComponent]{
	model:    (*cdxJSONComponent).model,
	ref:      func(c *cdxJSONComponent) string { return c.BOMRef },
	children: func(c *cdxJSONComponent) []cdxJSONComponent { return c.Components },
}

// decodeCycloneDXJSON reads the projection. encoding/json completes a
// decoding after a type error and reports the first one only; when that
// one lies in a lenient field (lenientField), it becomes a warning, and
// the document is decoded once more into a projection of the identifying
// fields alone, so that a type error there still rejects it.
func decodeCycloneDXJSON(d *document) (*model.SBOM, error) {
	var doc cdxJSONDocument
	var warnings []string
	// A large document is decoded on every CPU when it is well formed
	// (cyclonedx_parallel.go); otherwise, and when that path gives up, it is
	// decoded here, which also explains what is wrong with it.
	ok, err := d.decodeParallel(&doc, parallelMinBytes)
	if err != nil {
		return nil, err
	}
	if !ok {
		if err := json.Unmarshal(d.data, &doc); err != nil {
			te, ok := errors.AsType[*json.UnmarshalTypeError](err)
			if !ok || !lenientField(te.Field) {
				return nil, d.jsonError(err)
			}
			warnings = append(warnings, d.ignoredValue(te))
			var ids cdxJSONIdentity
			if err := json.Unmarshal(d.data, &ids); err != nil {
				return nil, d.jsonError(err)
			}
		}
	}
	s := &model.SBOM{Format: formatCycloneDX, SpecVersion: doc.SpecVersion, Encoding: "json"}
	s.Warnings = append(specWarnings(doc.SpecVersion, true), warnings...)
	var subject *cdxJSONComponent
	var meta cdxMeta
	meta.serial = doc.SerialNumber
	if m := doc.Metadata; m != nil {
		subject = m.Component
		meta.timestamp = m.Timestamp
		meta.tools = m.Tools.names
		if m.Tools.err != nil {
			s.Warnings = append(s.Warnings, fmt.Sprintf("metadata.tools: %v; ignored", m.Tools.err))
		}
		meta.authors = contactList(m.Authors)
		meta.supplier = entityName(m.Supplier)
		meta.manufacturer = entityName(m.Manufacturer)
		if meta.manufacturer == "" {
			meta.manufacturer = entityName(m.Manufacture)
		}
	}
	nest, err := doc.flatten(d, s, subject)
	if err != nil {
		return nil, err
	}
	if err := buildDependencies(d, s, doc.Dependencies, nest); err != nil {
		return nil, err
	}
	applyMeta(s, meta)
	return s, nil
}

// flatten sets s.Components and s.Subject as flatten does with the
// decoded components, or from those the parallel path converted.
func (doc *cdxJSONDocument) flatten(d *document, s *model.SBOM, subject *cdxJSONComponent) ([]model.Dependency, error) {
	if !doc.converted {
		return flatten(d, s, jsonTree, doc.Components, subject)
	}
	list := doc.flat
	doc.flat = nil
	n := len(list)
	for _, c := range doc.nested {
		n += jsonTree.count(c.Components)
	}
	if subject != nil {
		n += jsonTree.count(subject.Components)
	}
	if n > d.lim.MaxComponents {
		return nil, d.errorAt(-1, "", wrapf(ErrTooManyComponents, "sbom.too_many_components", "%d components, more than the limit of %d", n, d.lim.MaxComponents))
	}
	var nest []model.Dependency
	if len(doc.nested) > 0 {
		// Each element is followed by its nested components, as flatten
		// lays them out.
		out := make([]model.Component, 0, n)
		for i := range list {
			out = append(out, list[i])
			list[i] = model.Component{}
			p := doc.nested[i]
			if p == nil {
				continue
			}
			if r := out[len(out)-1].Ref; r != "" {
				if refs := jsonTree.childRefs(p.Components); refs != nil {
					nest = append(nest, model.Dependency{Ref: r, DependsOn: refs})
				}
			}
			out = jsonTree.appendAll(out, p.Components, &nest)
		}
		list = out
	}
	s.Components = list
	return addSubject(s, jsonTree, subject, nest), nil
}

func entityName(e *cdxJSONEntity) string {
	if e == nil {
		return ""
	}
	return e.Name
}

// cdxJSONIdentity projects only the fields that identify components: a
// type error in one of them rejects the document.
type cdxJSONIdentity struct {
	SpecVersion string `json:"specVersion"`
	Metadata    *struct {
		Component *cdxJSONIdentityComponent `json:"component"`
	} `json:"metadata"`
	Components []cdxJSONIdentityComponent `json:"components"`
}

type cdxJSONIdentityComponent struct {
	BOMRef     string                     `json:"bom-ref"`
	Type       string                     `json:"type"`
	Group      string                     `json:"group"`
	Name       string                     `json:"name"`
	Version    string                     `json:"version"`
	PURL       string                     `json:"purl"`
	CPE        string                     `json:"cpe"`
	Components []cdxJSONIdentityComponent `json:"components"`
}

// lenientFields are the members whose values are dropped, with a
// warning, when they have the wrong JSON type.
var lenientFields = map[string]bool{
	"serialNumber": true, "timestamp": true, "tools": true, "authors": true, "author": true,
	"supplier": true, "manufacturer": true, "manufacture": true, "scope": true, "hashes": true,
	"licenses": true, "swid": true, "dependencies": true,
}

// lenientField reports whether a dotted field path (as encoding/json
// reports it) lies in a lenient member.
func lenientField(path string) bool {
	for seg := range strings.SplitSeq(path, ".") {
		if lenientFields[seg] {
			return true
		}
	}
	return false
}

// ignoredValue describes a dropped value for a warning, with its place:
// "7:17: components.hashes: expected an array, found an object; ignored".
func (d *document) ignoredValue(te *json.UnmarshalTypeError) string {
	off := min(valueStart(d.data, int(te.Offset)), len(d.data))
	line := 1 + bytes.Count(d.data[:off], []byte{'\n'})
	col := off - (bytes.LastIndexByte(d.data[:off], '\n') + 1) + 1
	return fmt.Sprintf("%d:%d: %s: expected %s, found %s; ignored", line, col, te.Field, kindName(te.Type), jsonValueName(te.Value))
}

// cdxJSONTools reads metadata.tools in both of its shapes: the array of
// tools of CycloneDX 1.2 to 1.4 ({vendor, name, version}) and the object
// of 1.5 and later ({components: [...], services: [...]}, whose entries
// have a group instead of a vendor). Any other value is recorded in err
// rather than failing the document.
type cdxJSONTools struct {
	names []string
	err   error
}

type cdxJSONTool struct {
	Vendor  string `json:"vendor"`
	Group   string `json:"group"`
	Name    string `json:"name"`
	Version string `json:"version"`
}

// UnmarshalJSON implements json.Unmarshaler. It never fails.
func (t *cdxJSONTools) UnmarshalJSON(b []byte) error {
	var list []cdxJSONTool
	switch b[0] { // encoding/json passes one whole value, white space trimmed
	case '[':
		t.err = toolsError(json.Unmarshal(b, &list))
	case '{':
		var v struct {
			Components []cdxJSONTool `json:"components"`
			Services   []cdxJSONTool `json:"services"`
		}
		t.err = toolsError(json.Unmarshal(b, &v))
		list = append(v.Components, v.Services...)
	case 'n': // null
	default:
		t.err = fmt.Errorf("expected an array or an object, found %s", quoteStart(b, 16))
	}
	for _, tool := range list {
		vendor := tool.Vendor
		if vendor == "" {
			vendor = tool.Group
		}
		if n := toolName(vendor, tool.Name, tool.Version); n != "" {
			t.names = append(t.names, n)
		}
	}
	return nil
}

// toolsError rewords a type error inside metadata.tools.
func toolsError(err error) error {
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		return fmt.Errorf("%s: expected %s, found %s", te.Field, kindName(te.Type), jsonValueName(te.Value))
	}
	return err
}
