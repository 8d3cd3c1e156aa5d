package vex

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/rocca-project/rocca/internal/model"
)

// CycloneDX VEX is decoded into a projection of the BOM holding only the
// metadata, the components (to resolve what the vulnerabilities' targets
// refer to) and the vulnerabilities' ids, analyses and targets, so that
// parts rocca does not use (ratings, tools, advisories...) can neither slow
// reading down nor reject the document. Field types and values are
// cyclonedx-go's.

type cdxDocument struct {
	SerialNumber    string             `json:"serialNumber" xml:"serialNumber,attr"`
	Metadata        *cdxMetadata       `json:"metadata" xml:"metadata"`
	Components      []cdxComponent     `json:"components" xml:"components>component"`
	Vulnerabilities []cdxVulnerability `json:"vulnerabilities" xml:"vulnerabilities>vulnerability"`
}

type cdxMetadata struct {
	Timestamp string        `json:"timestamp" xml:"timestamp"`
	Component *cdxComponent `json:"component" xml:"component"`
	Authors   []struct {
		Name string `json:"name" xml:"name"`
	} `json:"authors" xml:"authors>author"`
	Supplier *struct {
		Name string `json:"name" xml:"name"`
	} `json:"supplier" xml:"supplier"`
	Manufacturer *struct {
		Name string `json:"name" xml:"name"`
	} `json:"manufacturer" xml:"manufacturer"`
}

type cdxComponent struct {
	BOMRef     string         `json:"bom-ref" xml:"bom-ref,attr"`
	Group      string         `json:"group" xml:"group"`
	Name       string         `json:"name" xml:"name"`
	Version    string         `json:"version" xml:"version"`
	PURL       string         `json:"purl" xml:"purl"`
	CPE        string         `json:"cpe" xml:"cpe"`
	Components []cdxComponent `json:"components" xml:"components>component"`
}

func (c *cdxComponent) product(where string) Product {
	name := strings.TrimSpace(c.Name)
	if g := strings.TrimSpace(c.Group); g != "" && name != "" {
		name = g + "/" + name
	}
	return Product{ID: strings.TrimSpace(c.BOMRef), PURL: strings.TrimSpace(c.PURL), CPE: strings.TrimSpace(c.CPE),
		Name: name, Version: strings.TrimSpace(c.Version), Where: where}
}

type cdxVulnerability struct {
	ID             string `json:"id" xml:"id"`
	Recommendation string `json:"recommendation" xml:"recommendation"`
	Workaround     string `json:"workaround" xml:"workaround"`
	References     []struct {
		ID string `json:"id" xml:"id"`
	} `json:"references" xml:"references>reference"`
	Analysis *struct {
		State         cdx.ImpactAnalysisState         `json:"state" xml:"state"`
		Justification cdx.ImpactAnalysisJustification `json:"justification" xml:"justification"`
		Response      []string                        `json:"response" xml:"responses>response"`
		Detail        string                          `json:"detail" xml:"detail"`
		FirstIssued   string                          `json:"firstIssued" xml:"firstIssued"`
		LastUpdated   string                          `json:"lastUpdated" xml:"lastUpdated"`
	} `json:"analysis" xml:"analysis"`
	Properties []struct {
		Name  string `json:"name" xml:"name,attr"`
		Value string `json:"value" xml:",chardata"`
	} `json:"properties" xml:"properties>property"`
	Affects []struct {
		Ref      string            `json:"ref" xml:"ref"`
		Versions []json.RawMessage `json:"versions" xml:"-"`
		// XMLVersions only tells whether versions are listed.
		XMLVersions []struct{} `json:"-" xml:"versions>version"`
	} `json:"affects" xml:"affects>target"`
}

func readCycloneDXJSON(data []byte, name string) (*Document, error) {
	var doc cdxDocument
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, jsonError(data, err)
	}
	return cycloneDXDocument(&doc, name, FormatCycloneDXJSON)
}

func readCycloneDXXML(data []byte, name string) (*Document, error) {
	if err := checkXMLDepth(data, MaxDepth); err != nil {
		return nil, err
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	var start xml.StartElement
	for start.Name.Local == "" {
		tok, err := dec.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil, fmt.Errorf("%w: XML document without a root element", ErrNotVEX)
			}
			return nil, xmlError(dec, err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			line, _ := dec.InputPos()
			word, _, _ := strings.Cut(strings.TrimSpace(string(t)), " ")
			return nil, fmt.Errorf("line %d: <!%s> refused: DTD declarations are not accepted", line, clip(word, 16))
		case xml.StartElement:
			start = t
		}
	}
	if start.Name.Local != "bom" || !strings.Contains(start.Name.Space, "cyclonedx.org/schema/bom") {
		return nil, fmt.Errorf("%w: XML root element <%s> in namespace %q is not a CycloneDX bom", ErrNotVEX, clip(start.Name.Local, 40), clip(start.Name.Space, 80))
	}
	var doc cdxDocument
	if err := dec.DecodeElement(&doc, &start); err != nil {
		return nil, xmlError(dec, err)
	}
	return cycloneDXDocument(&doc, name, FormatCycloneDXXML)
}

// checkXMLDepth refuses XML nested deeper than max (encoding/xml has no
// limit of its own). Syntax errors are left to the decoder.
func checkXMLDepth(data []byte, maxDepth int) error {
	dec := xml.NewDecoder(bytes.NewReader(data))
	depth := 0
	for {
		tok, err := dec.RawToken()
		if err != nil {
			return nil
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
			if depth > maxDepth {
				line, _ := dec.InputPos()
				return fmt.Errorf("line %d: %w (more than %d levels)", line, ErrTooDeep, maxDepth)
			}
		case xml.EndElement:
			depth--
		}
	}
}

// xmlError adds the line of an encoding/xml error.
func xmlError(dec *xml.Decoder, err error) error {
	if se, ok := errors.AsType[*xml.SyntaxError](err); ok {
		return fmt.Errorf("line %d: XML syntax error: %s", se.Line, se.Msg)
	}
	line, _ := dec.InputPos()
	return fmt.Errorf("line %d: %w", line, err)
}

// cdxStatus maps CycloneDX analysis states to VEX statuses.
var cdxStatus = map[cdx.ImpactAnalysisState]model.Status{
	cdx.IASNotAffected:          model.StatusNotAffected,
	cdx.IASFalsePositive:        model.StatusNotAffected,
	cdx.IASResolved:             model.StatusFixed,
	cdx.IASResolvedWithPedigree: model.StatusFixed,
	cdx.IASExploitable:          model.StatusAffected,
	cdx.IASInTriage:             model.StatusUnderInvestigation,
}

// CISAJustification maps a CycloneDX justification to the CISA one it
// falls under (docs/vex.md); ok is false for an unknown one.
func CISAJustification(j cdx.ImpactAnalysisJustification) (Justification, bool) {
	switch j {
	case cdx.IAJCodeNotPresent:
		return VulnerableCodeNotPresent, true
	case cdx.IAJCodeNotReachable:
		return VulnerableCodeNotInExecutePath, true
	case cdx.IAJRequiresConfiguration, cdx.IAJRequiresDependency, cdx.IAJRequiresEnvironment:
		return VulnerableCodeCannotBeControlledByAdversary, true
	case cdx.IAJProtectedByCompiler, cdx.IAJProtectedAtRuntime, cdx.IAJProtectedAtPerimeter, cdx.IAJProtectedByMitigatingControl:
		return InlineMitigationsAlreadyExist, true
	}
	return "", false
}

// CycloneDXJustification maps a CISA justification to the closest
// CycloneDX one (docs/vex.md).
func CycloneDXJustification(j Justification) cdx.ImpactAnalysisJustification {
	switch j {
	case ComponentNotPresent, VulnerableCodeNotPresent:
		return cdx.IAJCodeNotPresent
	case VulnerableCodeNotInExecutePath:
		return cdx.IAJCodeNotReachable
	case VulnerableCodeCannotBeControlledByAdversary:
		return cdx.IAJRequiresConfiguration
	case InlineMitigationsAlreadyExist:
		return cdx.IAJProtectedByMitigatingControl
	}
	return ""
}

func cycloneDXDocument(doc *cdxDocument, name string, format Format) (*Document, error) {
	out := &Document{Format: format, ID: doc.SerialNumber}
	if m := doc.Metadata; m != nil {
		var err error
		if out.Timestamp, err = parseTime(strings.TrimSpace(m.Timestamp), "metadata.timestamp"); err != nil {
			return nil, err
		}
		if m.Component != nil {
			p := m.Component.product("metadata.component")
			out.Subject = &p
		}
		switch {
		case m.Manufacturer != nil && m.Manufacturer.Name != "":
			out.Author = m.Manufacturer.Name
		case m.Supplier != nil && m.Supplier.Name != "":
			out.Author = m.Supplier.Name
		case len(m.Authors) > 0:
			out.Author = m.Authors[0].Name
		}
		out.Author = strings.TrimSpace(out.Author)
	}
	// The document's own components resolve the targets' bom-refs.
	// A nested component is part of the component it is nested in: a
	// target naming it is that component as a subcomponent of its parent.
	byRef := map[string]cdxRef{}
	var walk func(cs []cdxComponent, parent *cdxComponent)
	walk = func(cs []cdxComponent, parent *cdxComponent) {
		for i := range cs {
			if r := strings.TrimSpace(cs[i].BOMRef); r != "" {
				byRef[r] = cdxRef{c: &cs[i], parent: parent}
			}
			walk(cs[i].Components, &cs[i])
		}
	}
	walk(doc.Components, nil)
	if out.Subject != nil && out.Subject.ID != "" {
		byRef[out.Subject.ID] = cdxRef{c: doc.Metadata.Component}
	}
	var err error
	out.Statements, err = cycloneDXStatements(doc, name, out.Author, byRef)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// cycloneDXStatements turns each vulnerability with an analysis state into
// a statement. Vulnerabilities without one (a BOM or VDR listing
// vulnerabilities without analysing them) make no statement.
// cdxRef is a component of the document and the one it is nested in.
type cdxRef struct {
	c, parent *cdxComponent
}

func cycloneDXStatements(doc *cdxDocument, name, author string, byRef map[string]cdxRef) ([]Statement, error) {
	var out []Statement
	for i := range doc.Vulnerabilities {
		v := &doc.Vulnerabilities[i]
		if v.Analysis == nil || strings.TrimSpace(string(v.Analysis.State)) == "" {
			continue
		}
		where := fmt.Sprintf("vulnerabilities[%d]", i)
		id := strings.TrimSpace(v.ID)
		if id == "" {
			return nil, fmt.Errorf("%s.id: analysed vulnerability without an id", where)
		}
		a := v.Analysis
		state := cdx.ImpactAnalysisState(strings.TrimSpace(string(a.State)))
		status, ok := cdxStatus[state]
		if !ok {
			return nil, fmt.Errorf("%s.analysis.state: unknown analysis state %q", where, clip(string(a.State), 40))
		}
		s := Statement{Vulnerability: id, Status: status, Source: name, Author: author, Where: where, Detail: strings.TrimSpace(a.Detail)}
		if j := cdx.ImpactAnalysisJustification(strings.TrimSpace(string(a.Justification))); j != "" {
			cj, ok := CISAJustification(j)
			if !ok {
				return nil, fmt.Errorf("%s.analysis.justification: unknown justification %q", where, clip(string(j), 40))
			}
			s.CycloneDXJustification = string(j)
			if status == model.StatusNotAffected {
				s.Justification = cj
			}
		}
		for _, p := range v.Properties {
			if j := Justification(strings.TrimSpace(p.Value)); p.Name == cisaJustificationProperty && j.Valid() && status == model.StatusNotAffected {
				s.Justification = j
			}
		}
		var action []string
		action = appendUnique(action, v.Recommendation)
		action = appendUnique(action, v.Workaround)
		s.Action = strings.Join(action, "\n\n")
		switch {
		case state == cdx.IASFalsePositive && s.Justification == "":
			s.Impact = "The vulnerability was reported in error (CycloneDX false_positive)."
		case status == model.StatusNotAffected && s.Justification == "":
			// The detail is what says why: the impact statement.
			s.Impact = s.Detail
		}
		for k, r := range a.Response {
			resp := Response(strings.TrimSpace(r))
			if !resp.Valid() {
				return nil, fmt.Errorf("%s.analysis.response[%d]: unknown response %q", where, k, clip(r, 40))
			}
			if !containsResponse(s.Response, resp) {
				s.Response = append(s.Response, resp)
			}
		}
		for _, r := range v.References {
			if r.ID = strings.TrimSpace(r.ID); r.ID != "" && !strings.EqualFold(r.ID, id) {
				s.Aliases = appendUnique(s.Aliases, r.ID)
			}
		}
		for k, t := range v.Affects {
			tw := fmt.Sprintf("%s.affects[%d]", where, k)
			ref := bomRef(t.Ref)
			if ref == "" {
				return nil, fmt.Errorf("%s.ref: empty target reference", tw)
			}
			p := productFromID(ref, tw)
			if r, ok := byRef[ref]; ok {
				p = r.c.product(tw)
				p.ID = ref
				if r.parent != nil {
					parent := r.parent.product(tw)
					parent.Subcomponents = []Product{p}
					p = parent
				}
			}
			if len(t.Versions) > 0 || len(t.XMLVersions) > 0 {
				// rocca does not evaluate version ranges of targets yet;
				// applying the analysis to every version could hide real
				// findings, so Match reports the target instead.
				p.Unsupported = "the target is restricted to versions (affects[].versions), which rocca does not evaluate"
			}
			s.Products = append(s.Products, p)
		}
		var err error
		s.Timestamp, err = latestTime(a.LastUpdated, where+".analysis.lastUpdated", a.FirstIssued, where+".analysis.firstIssued")
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func containsResponse(rs []Response, r Response) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

// bomRef reduces a CycloneDX BOM-Link (urn:cdx:serial/version#bom-ref) to
// the percent-decoded bom-ref it points at; other references are returned
// as they are. The serial number is not checked against the SBOM.
func bomRef(ref string) string {
	ref = strings.TrimSpace(ref)
	if !strings.HasPrefix(ref, "urn:cdx:") {
		return ref
	}
	_, frag, ok := strings.Cut(ref, "#")
	if !ok {
		return ref
	}
	if dec, err := url.PathUnescape(frag); err == nil {
		return dec
	}
	return frag
}
