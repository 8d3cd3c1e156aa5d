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
// vulnerabilities' ids, analyses and targets, so that parts rocca does not
// use (ratings, tools, advisories...) can neither slow reading down nor
// reject the document. Field types and values are cyclonedx-go's.

type cdxDocument struct {
	Vulnerabilities []cdxVulnerability `json:"vulnerabilities" xml:"vulnerabilities>vulnerability"`
}

type cdxVulnerability struct {
	ID         string `json:"id" xml:"id"`
	References []struct {
		ID string `json:"id" xml:"id"`
	} `json:"references" xml:"references>reference"`
	Analysis *struct {
		State         cdx.ImpactAnalysisState         `json:"state" xml:"state"`
		Justification cdx.ImpactAnalysisJustification `json:"justification" xml:"justification"`
		Detail        string                          `json:"detail" xml:"detail"`
		FirstIssued   string                          `json:"firstIssued" xml:"firstIssued"`
		LastUpdated   string                          `json:"lastUpdated" xml:"lastUpdated"`
	} `json:"analysis" xml:"analysis"`
	Affects []struct {
		Ref      string            `json:"ref" xml:"ref"`
		Versions []json.RawMessage `json:"versions" xml:"-"`
		// XMLVersions only tells whether versions are listed.
		XMLVersions []struct{} `json:"-" xml:"versions>version"`
	} `json:"affects" xml:"affects>target"`
}

func readCycloneDXJSON(data []byte, name string) ([]Statement, error) {
	var doc cdxDocument
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, jsonError(data, err)
	}
	return cycloneDXStatements(&doc, name)
}

func readCycloneDXXML(data []byte, name string) ([]Statement, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	var start xml.StartElement
	for start.Name.Local == "" {
		tok, err := dec.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil, errors.New("XML document without a root element")
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
		return nil, fmt.Errorf("not a VEX document: XML root element <%s> in namespace %q is not a CycloneDX bom", clip(start.Name.Local, 40), clip(start.Name.Space, 80))
	}
	var doc cdxDocument
	if err := dec.DecodeElement(&doc, &start); err != nil {
		return nil, xmlError(dec, err)
	}
	return cycloneDXStatements(&doc, name)
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

// cycloneDXStatements turns each vulnerability with an analysis state into
// a statement. Vulnerabilities without one (a BOM or VDR listing
// vulnerabilities without analysing them) make no statement.
func cycloneDXStatements(doc *cdxDocument, name string) ([]Statement, error) {
	var out []Statement
	for i := range doc.Vulnerabilities {
		v := &doc.Vulnerabilities[i]
		if v.Analysis == nil || v.Analysis.State == "" {
			continue
		}
		where := fmt.Sprintf("vulnerabilities[%d]", i)
		id := strings.TrimSpace(v.ID)
		if id == "" {
			return nil, fmt.Errorf("%s: analysed vulnerability without an id", where)
		}
		where += " (" + clip(id, 40) + ")"
		a := v.Analysis
		status, ok := cdxStatus[cdx.ImpactAnalysisState(strings.TrimSpace(string(a.State)))]
		if !ok {
			return nil, fmt.Errorf("%s: unknown analysis state %q", where, clip(string(a.State), 40))
		}
		s := Statement{Vulnerability: id, Status: status, Source: name, Justification: strings.TrimSpace(string(a.Justification))}
		if s.Justification == "" && a.State == cdx.IASFalsePositive {
			s.Justification = string(cdx.IASFalsePositive)
		}
		if s.Justification == "" {
			s.Justification = strings.TrimSpace(a.Detail)
		}
		for _, r := range v.References {
			if r.ID = strings.TrimSpace(r.ID); r.ID != "" && r.ID != id {
				s.Aliases = append(s.Aliases, r.ID)
			}
		}
		for _, t := range v.Affects {
			// A target restricted to some versions (affects[].versions)
			// is not applied: rocca does not evaluate those ranges yet,
			// and applying the analysis to every version could hide
			// real findings.
			if len(t.Versions) > 0 || len(t.XMLVersions) > 0 {
				continue
			}
			s.Products = addProduct(s.Products, bomRef(t.Ref))
		}
		if len(s.Products) == 0 {
			// No target, or only version-restricted ones: nothing the
			// statement can be applied to (CycloneDX allows a
			// vulnerability without affects, e.g. a vendor-wide claim).
			continue
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
