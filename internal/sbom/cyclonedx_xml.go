package sbom

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/rocca-project/rocca/internal/model"
)

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
	if err := fromBOM(d, s, &bom); err != nil {
		return nil, err
	}
	return s, nil
}

// fromBOM fills s from a BOM decoded by cyclonedx-go (from XML; tests also
// use it on cyclonedx-go's JSON decoding to check the fast path).
func fromBOM(d *document, s *model.SBOM, bom *cdx.BOM) error {
	var comps []cdx.Component
	if bom.Components != nil {
		comps = *bom.Components
	}
	var subject *cdx.Component
	meta := cdxMeta{serial: bom.SerialNumber}
	if m := bom.Metadata; m != nil {
		subject = m.Component
		meta.timestamp = m.Timestamp
		meta.tools = xmlTools(m.Tools)
		meta.authors = contactList(xmlContacts(m.Authors))
		meta.supplier = xmlEntityName(m.Supplier)
		meta.manufacturer = xmlEntityName(m.Manufacturer)
		if meta.manufacturer == "" {
			meta.manufacturer = xmlEntityName(m.Manufacture)
		}
	}
	nest, err := flatten(d, s, cdxTree, comps, subject)
	if err != nil {
		return err
	}
	var declared []model.Dependency
	if bom.Dependencies != nil {
		declared = make([]model.Dependency, 0, len(*bom.Dependencies))
		for _, dep := range *bom.Dependencies {
			e := model.Dependency{Ref: strings.TrimSpace(dep.Ref)}
			if dep.Dependencies != nil {
				e.DependsOn = make([]string, len(*dep.Dependencies))
				for i, r := range *dep.Dependencies {
					e.DependsOn[i] = strings.TrimSpace(r)
				}
			}
			declared = append(declared, e)
		}
	}
	if err := buildDependencies(d, s, declared, nest); err != nil {
		return err
	}
	applyMeta(s, meta)
	return nil
}

// cdxTree walks cyclonedx-go's components.
var cdxTree = tree[cdx.Component]{
	model:    xmlComponent,
	ref:      func(c *cdx.Component) string { return strings.TrimSpace(c.BOMRef) },
	children: func(c *cdx.Component) []cdx.Component { return cdxList(c.Components) },
}

// xmlComponent converts a cyclonedx-go component. XML formatting may
// surround values with white space, so every value is trimmed.
func xmlComponent(c *cdx.Component) model.Component {
	t := strings.TrimSpace
	m := model.Component{
		Ref: t(c.BOMRef), Name: t(c.Name), Version: t(c.Version), Group: t(c.Group), PURL: t(c.PackageURL),
		CPE: t(c.CPE), Type: t(string(c.Type)), Scope: t(string(c.Scope)),
		Supplier: t(xmlEntityName(c.Supplier)),
		Author:   componentAuthor(c.Author, xmlContacts(c.Authors), xmlEntityName(c.Manufacturer)),
	}
	for _, h := range cdxList(c.Hashes) {
		if v := t(h.Value); v != "" {
			m.Hashes = append(m.Hashes, model.Hash{Alg: t(string(h.Algorithm)), Value: v})
		}
	}
	if c.Licenses != nil {
		for _, l := range *c.Licenses {
			var id, name string
			if l.License != nil {
				id, name = l.License.ID, l.License.Name
			}
			m.Licenses = appendLicence(m.Licenses, licence(l.Expression, id, name))
		}
	}
	var swid *cdxSWID
	if c.SWID != nil {
		swid = &cdxSWID{TagID: c.SWID.TagID, Name: c.SWID.Name, Version: c.SWID.Version}
	}
	cdxDerivePURL(&m, swid)
	return m
}

// xmlTools names the tools of either shape (1.2–1.4 tool elements; 1.5+
// components and services).
func xmlTools(tc *cdx.ToolsChoice) []string {
	if tc == nil {
		return nil
	}
	var out []string
	add := func(vendor, name, version string) {
		if n := toolName(vendor, name, version); n != "" {
			out = append(out, n)
		}
	}
	for _, t := range cdxList(tc.Tools) {
		add(t.Vendor, t.Name, t.Version)
	}
	for _, c := range cdxList(tc.Components) {
		add(c.Group, c.Name, c.Version)
	}
	for _, sv := range cdxList(tc.Services) {
		add(sv.Group, sv.Name, sv.Version)
	}
	return out
}

func xmlContacts(cs *[]cdx.OrganizationalContact) []cdxContact {
	var out []cdxContact
	for _, c := range cdxList(cs) {
		out = append(out, cdxContact{Name: c.Name, Email: c.Email})
	}
	return out
}

func xmlEntityName(e *cdx.OrganizationalEntity) string {
	if e == nil {
		return ""
	}
	return e.Name
}

// cdxList returns the slice p points to, or nil.
func cdxList[T any](p *[]T) []T {
	if p == nil {
		return nil
	}
	return *p
}
