package sbom

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/model"
)

// SPDX 3 JSON-LD is decoded with encoding/json (no Go library reads it):
// the document is a JSON-LD object whose @graph lists the elements. Only
// the compact form SPDX 3 serialises to is read: elements keyed "type"
// (or "@type") and "spdxId" (or "@id"), property names as the SPDX 3
// context abbreviates them (software_packageVersion...). No JSON-LD
// processing (context expansion, remote contexts) is done.

// spdx3Document is the JSON-LD envelope.
type spdx3Document struct {
	Context json.RawMessage `json:"@context"`
	Graph   []spdx3Element  `json:"@graph"`
}

// spdx3Element holds the properties rocca reads of any graph element;
// which ones are set depends on the element's type. References to other
// elements are kept raw: JSON-LD writes them as a string, a list of
// strings, or embedded objects.
type spdx3Element struct {
	Type   string `json:"type"`
	AtType string `json:"@type"`
	SpdxID string `json:"spdxId"`
	AtID   string `json:"@id"`
	Name   string `json:"name"`

	CreationInfo json.RawMessage `json:"creationInfo"`

	// software_Package and its subclasses.
	PackageVersion     string            `json:"software_packageVersion"`
	PackageURL         string            `json:"software_packageUrl"`
	PrimaryPurpose     string            `json:"software_primaryPurpose"`
	ExternalIdentifier []spdx3Identifier `json:"externalIdentifier"`
	SuppliedBy         json.RawMessage   `json:"suppliedBy"`
	OriginatedBy       json.RawMessage   `json:"originatedBy"`
	VerifiedUsing      []spdx3Hash       `json:"verifiedUsing"`

	// Relationship, LifecycleScopedRelationship.
	From             json.RawMessage `json:"from"`
	To               json.RawMessage `json:"to"`
	RelationshipType string          `json:"relationshipType"`

	// simplelicensing_LicenseExpression.
	LicenseExpression string `json:"simplelicensing_licenseExpression"`

	// CreationInfo.
	SpecVersion  string          `json:"specVersion"`
	Created      string          `json:"created"`
	CreatedBy    json.RawMessage `json:"createdBy"`
	CreatedUsing json.RawMessage `json:"createdUsing"`

	// SpdxDocument, software_Sbom, Bom.
	RootElement json.RawMessage `json:"rootElement"`
	Import      json.RawMessage `json:"import"`
}

type spdx3Identifier struct {
	Type       string `json:"externalIdentifierType"`
	Identifier string `json:"identifier"`
}

type spdx3Hash struct {
	Type      string `json:"type"`
	Algorithm string `json:"algorithm"`
	HashValue string `json:"hashValue"`
}

// id returns the element's identifier.
func (e *spdx3Element) id() string {
	if e.SpdxID != "" {
		return e.SpdxID
	}
	return e.AtID
}

// class returns the element's type in compact form ("software_Package"),
// also when it is written as a full IRI of the SPDX 3 vocabulary.
func (e *spdx3Element) class() string {
	t := e.Type
	if t == "" {
		t = e.AtType
	}
	if i := strings.Index(t, "/terms/"); i >= 0 {
		profile, class, ok := strings.Cut(t[i+len("/terms/"):], "/")
		if ok {
			if profile == "Core" {
				return class
			}
			return strings.ToLower(profile) + "_" + class
		}
	}
	return t
}

// spdx3PackageTypes are the element types read as components, with the
// model type used when the package states no primary purpose. Files and
// snippets are not components: they are the contents of packages and
// rarely carry an identity a vulnerability database knows.
var spdx3PackageTypes = map[string]string{
	"software_Package":       "",
	"ai_AIPackage":           "machine-learning-model",
	"dataset_DatasetPackage": "data",
}

// spdx3Edges are the relationship types that make dependency edges, from
// the "from" element to each "to" element.
var spdx3Edges = map[string]bool{
	"dependsOn":             true,
	"contains":              true,
	"hasStaticLink":         true,
	"hasDynamicLink":        true,
	"hasPrerequisite":       true,
	"hasOptionalDependency": true,
	"hasProvidedDependency": true,
	"hasOptionalComponent":  true,
}

// spdx3Context finds the SPDX version in a context IRI such as
// "https://spdx.org/rdf/3.0.1/spdx-context.jsonld".
var spdx3Context = regexp.MustCompile(`spdx\.org/rdf/(3[0-9.]*[0-9])`)

func decodeSPDX3(d *document) (*model.SBOM, error) {
	var doc spdx3Document
	if err := json.Unmarshal(d.data, &doc); err != nil {
		return nil, d.jsonError(err)
	}
	if doc.Graph == nil {
		return nil, d.errorf(-1, "@graph", "%w: an SPDX 3 JSON-LD document must list its elements in @graph", ErrSyntax)
	}
	n := 0
	for i := range doc.Graph {
		if _, ok := spdx3PackageTypes[doc.Graph[i].class()]; ok {
			n++
		}
	}
	if n > d.lim.MaxComponents {
		return nil, d.errorAt(-1, "@graph", wrapf(ErrTooManyComponents, "sbom.too_many_packages", "%d packages, more than the limit of %d", n, d.lim.MaxComponents))
	}
	return spdx3Model(&doc, n), nil
}

// spdx3Reader maps a decoded graph; it indexes the elements by id.
type spdx3Reader struct {
	doc      *spdx3Document
	byID     map[string]*spdx3Element
	w        warnList
	comps    []model.Component
	index    map[string]int // component Ref → index in comps
	subject  string
	licences map[string]*[2][]string // package id → concluded, declared
}

func spdx3Model(doc *spdx3Document, n int) *model.SBOM {
	r := &spdx3Reader{doc: doc, byID: make(map[string]*spdx3Element, len(doc.Graph)), index: make(map[string]int, n), licences: map[string]*[2][]string{}}
	for i := range doc.Graph {
		e := &doc.Graph[i]
		if id := e.id(); id != "" {
			if _, dup := r.byID[id]; dup {
				r.w.add("@graph/%d: id %s is used by another element too", i, clip(id, 80))
				continue
			}
			r.byID[id] = e
		}
	}
	s := &model.SBOM{Format: formatSPDX, Encoding: "json-ld"}
	r.metadata(s)
	r.collectLicences()
	r.comps = make([]model.Component, 0, n)
	for i := range doc.Graph {
		e := &doc.Graph[i]
		if def, ok := spdx3PackageTypes[e.class()]; ok {
			c := r.component(e, def)
			if _, dup := r.index[c.Ref]; !dup {
				r.index[c.Ref] = len(r.comps)
			}
			r.comps = append(r.comps, c)
		}
	}
	g := r.subjectAndGraph(s)
	s.Dependencies = g.dependencies()
	if s.Subject != nil && s.Subject.Ref == r.subject {
		if i, ok := r.index[r.subject]; ok {
			r.comps = append(r.comps[:i], r.comps[i+1:]...)
		}
	}
	s.Components = r.comps
	if len(s.Components) == 0 && s.Subject == nil {
		r.w.add("the document lists no packages")
	}
	s.Warnings = r.w.result()
	return s
}

// spdx3Refs reads a reference property: a string, a list of strings, or
// embedded objects (whose spdxId or @id is taken).
func spdx3Refs(raw json.RawMessage) []string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		list = []json.RawMessage{raw}
	}
	var out []string
	for _, item := range list {
		var s string
		if json.Unmarshal(item, &s) == nil {
			out = append(out, s)
			continue
		}
		var obj struct {
			SpdxID string `json:"spdxId"`
			AtID   string `json:"@id"`
		}
		if json.Unmarshal(item, &obj) == nil {
			if obj.SpdxID != "" {
				out = append(out, obj.SpdxID)
			} else if obj.AtID != "" {
				out = append(out, obj.AtID)
			}
		}
	}
	return out
}

// metadata fills spec version, creators, time and serial from the
// SpdxDocument element and its CreationInfo.
func (r *spdx3Reader) metadata(s *model.SBOM) {
	var sdoc *spdx3Element
	for i := range r.doc.Graph {
		if r.doc.Graph[i].class() == "SpdxDocument" {
			sdoc = &r.doc.Graph[i]
			break
		}
	}
	var ci *spdx3Element
	if sdoc != nil {
		s.Serial = sdoc.id()
		ci = r.creationInfo(sdoc.CreationInfo)
	} else {
		r.w.add("the document has no SpdxDocument element")
	}
	if ci == nil {
		for i := range r.doc.Graph {
			if r.doc.Graph[i].class() == "CreationInfo" {
				ci = &r.doc.Graph[i]
				break
			}
		}
	}
	if m := spdx3Context.FindSubmatch(r.doc.Context); m != nil {
		s.SpecVersion = string(m[1])
	}
	if ci == nil {
		r.w.add("the document has no creation information")
		return
	}
	if ci.SpecVersion != "" {
		s.SpecVersion = ci.SpecVersion
	}
	for _, id := range spdx3Refs(ci.CreatedUsing) {
		s.Tools = append(s.Tools, r.agentName(id))
	}
	for _, id := range spdx3Refs(ci.CreatedBy) {
		s.Authors = append(s.Authors, r.agentName(id))
	}
	if ci.Created == "" {
		r.w.add("the document has no creation time")
	} else if t, err := time.Parse(time.RFC3339, ci.Created); err == nil {
		s.Created = t.UTC()
	} else {
		r.w.add("creation time %q is not an RFC 3339 date-time", clip(ci.Created, 40))
	}
}

// creationInfo resolves an element's creationInfo: a reference to a
// CreationInfo node of the graph, or one embedded.
func (r *spdx3Reader) creationInfo(raw json.RawMessage) *spdx3Element {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '{' {
		var e spdx3Element
		if json.Unmarshal(raw, &e) == nil {
			return &e
		}
		return nil
	}
	if refs := spdx3Refs(raw); len(refs) == 1 {
		return r.byID[refs[0]]
	}
	return nil
}

// agentName returns the name of the agent (person, organisation, tool...)
// with id, or the id when the graph does not name it.
func (r *spdx3Reader) agentName(id string) string {
	if e, ok := r.byID[id]; ok && strings.TrimSpace(e.Name) != "" {
		return strings.TrimSpace(e.Name)
	}
	return id
}

// collectLicences reads hasConcludedLicense and hasDeclaredLicense
// relationships into r.licences.
func (r *spdx3Reader) collectLicences() {
	for i := range r.doc.Graph {
		e := &r.doc.Graph[i]
		var k int
		switch e.RelationshipType {
		case "hasConcludedLicense":
			k = 0
		case "hasDeclaredLicense":
			k = 1
		default:
			continue
		}
		for _, from := range spdx3Refs(e.From) {
			l := r.licences[from]
			if l == nil {
				l = &[2][]string{}
				r.licences[from] = l
			}
			for _, to := range spdx3Refs(e.To) {
				l[k] = addLicense(l[k], r.licenceText(to))
			}
		}
	}
}

// licenceText returns the licence expression a licence element (or a
// listed licence's IRI) stands for; "" for NoAssertion/None licences.
func (r *spdx3Reader) licenceText(id string) string {
	if strings.HasSuffix(id, "/NoAssertionLicense") || strings.HasSuffix(id, "/NoneLicense") {
		return ""
	}
	if e, ok := r.byID[id]; ok {
		if e.LicenseExpression != "" {
			return e.LicenseExpression
		}
		if e.Name != "" {
			return e.Name
		}
	}
	if rest, ok := strings.CutPrefix(id, "https://spdx.org/licenses/"); ok {
		return rest
	}
	return ""
}

// component maps a package element.
func (r *spdx3Reader) component(e *spdx3Element, defType string) model.Component {
	c := model.Component{Ref: e.id(), Name: e.Name, Version: e.PackageVersion, PURL: e.PackageURL, Type: spdxPurposeType(e.PrimaryPurpose)}
	if c.Type == "" {
		c.Type = defType
	}
	for _, x := range e.ExternalIdentifier {
		switch x.Type {
		case "packageUrl":
			if c.PURL == "" {
				c.PURL = strings.TrimSpace(x.Identifier)
			}
		case "cpe23":
			if c.CPE == "" {
				c.CPE = strings.TrimSpace(x.Identifier)
			}
		}
	}
	if refs := spdx3Refs(e.SuppliedBy); len(refs) > 0 {
		c.Supplier = r.agentName(refs[0])
	}
	var authors []string
	for _, id := range spdx3Refs(e.OriginatedBy) {
		authors = append(authors, r.agentName(id))
	}
	c.Author = strings.Join(authors, ", ")
	for _, h := range e.VerifiedUsing {
		if h.HashValue != "" && (h.Type == "" || h.Type == "Hash") {
			c.Hashes = append(c.Hashes, model.Hash{Alg: h.Algorithm, Value: h.HashValue})
		}
	}
	if l := r.licences[c.Ref]; l != nil {
		c.Licenses = append(append(c.Licenses, l[0]...), l[1]...)
		var uniq []string
		for _, x := range c.Licenses {
			uniq = addLicense(uniq, x)
		}
		c.Licenses = uniq
	}
	return c
}
