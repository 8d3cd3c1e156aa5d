package vex

import (
	"crypto/sha1"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/rocca-project/rocca/internal/model"
)

// cisaJustificationProperty is the vulnerability property WriteCycloneDX
// records the CISA justification in.
const cisaJustificationProperty = "rocca:vex:justification"

func cdxJustificationOf(s string) cdx.ImpactAnalysisJustification {
	return cdx.ImpactAnalysisJustification(s)
}

// cdxState maps a status to a CycloneDX analysis state.
var cdxState = map[model.Status]cdx.ImpactAnalysisState{
	model.StatusNotAffected:        cdx.IASNotAffected,
	model.StatusAffected:           cdx.IASExploitable,
	model.StatusFixed:              cdx.IASResolved,
	model.StatusUnderInvestigation: cdx.IASInTriage,
}

// WriteCycloneDX writes stmts as a CycloneDX 1.6 VEX document (JSON, or
// XML when xml is true): metadata.component is the document's product;
// each distinct component the statements are about is a component (a
// component of another product or version, InProduct, is nested in a
// component for that product); each
// statement is a vulnerability whose affects point at its components and
// whose analysis carries the status (as the state), the justification
// (the CycloneDX one the statement carries, else the closest to its CISA
// one), the responses and the detail (the impact statement, when there
// is one, before the detail). The action statement is the
// vulnerability's recommendation; aliases are its references.
func WriteCycloneDX(w io.Writer, meta Meta, stmts []Statement, xml bool) error {
	format := FormatCycloneDXJSON
	if xml {
		format = FormatCycloneDXXML
	}
	if err := meta.check(format); err != nil {
		return err
	}
	if err := checkStatements(stmts, format); err != nil {
		return err
	}
	bom := cdx.NewBOM()
	bom.SerialNumber = "urn:uuid:" + nameUUID(meta.ID)
	bom.Version = meta.version()
	product := cdxComponentOf(&meta.Product, "product")
	product.Type = cdx.ComponentTypeApplication
	bom.Metadata = &cdx.Metadata{
		Timestamp:    formatTime(meta.Timestamp),
		Component:    &product,
		Manufacturer: &cdx.OrganizationalEntity{Name: meta.Author},
	}
	if meta.Tool != "" {
		bom.Metadata.Tools = &cdx.ToolsChoice{Components: &[]cdx.Component{{Type: cdx.ComponentTypeApplication, Name: meta.Tool, Version: meta.ToolVersion}}}
	}

	var comps []cdx.Component
	type parentComp struct {
		c    cdx.Component
		kids []cdx.Component
	}
	var parents []*parentComp
	parentOf := map[string]*parentComp{}
	refOf := map[string]string{} // parent and product key → bom-ref
	usedRefs := map[string]bool{"product": true}
	newRef := func(p *Product, fallback string) string {
		ref := p.ID
		if ref == "" || p.localID || usedRefs[ref] {
			ref = fallback
		}
		for usedRefs[ref] {
			ref += "-"
		}
		usedRefs[ref] = true
		return ref
	}
	var vulns []cdx.Vulnerability
	for i := range stmts {
		s := &stmts[i]
		var affects []cdx.Affects
		for _, pl := range placementsIn(s, &meta) {
			p := pl.comp
			var parent *parentComp
			pkey := ""
			if pl.parent != nil {
				pkey = productKey(pl.parent)
				parent = parentOf[pkey]
				if parent == nil {
					pc := cdxComponentOf(pl.parent, newRef(pl.parent, "product-"+strconv.Itoa(len(parents)+1)))
					pc.Type = cdx.ComponentTypeApplication
					parent = &parentComp{c: pc}
					parentOf[pkey] = parent
					parents = append(parents, parent)
				}
			}
			key := pkey + "\x01" + productKey(&p)
			ref, ok := refOf[key]
			if !ok {
				ref = newRef(&p, "component-"+strconv.Itoa(len(refOf)+1))
				refOf[key] = ref
				c := cdxComponentOf(&p, ref)
				if parent != nil {
					parent.kids = append(parent.kids, c)
				} else {
					comps = append(comps, c)
				}
			}
			if !slices.ContainsFunc(affects, func(a cdx.Affects) bool { return a.Ref == ref }) {
				affects = append(affects, cdx.Affects{Ref: ref})
			}
		}
		a := &cdx.VulnerabilityAnalysis{State: cdxState[s.Status]}
		if s.Status == model.StatusNotAffected {
			a.Justification = cdx.ImpactAnalysisJustification(s.CycloneDXJustification)
			if _, ok := CISAJustification(a.Justification); !ok || s.CycloneDXJustification == "" {
				a.Justification = CycloneDXJustification(s.Justification)
			}
		}
		if len(s.Response) > 0 {
			rs := make([]cdx.ImpactAnalysisResponse, len(s.Response))
			for k, r := range s.Response {
				rs[k] = cdx.ImpactAnalysisResponse(r)
			}
			a.Response = &rs
		}
		var detail []string
		if s.Impact != "" {
			detail = append(detail, s.Impact)
		}
		if s.Detail != "" && s.Detail != s.Impact {
			detail = append(detail, s.Detail)
		}
		a.Detail = strings.Join(detail, "\n\n")
		if !s.Timestamp.IsZero() {
			a.LastUpdated = formatTime(s.Timestamp)
		}
		v := cdx.Vulnerability{
			BOMRef:   "vulnerability-" + strconv.Itoa(i+1),
			ID:       s.Vulnerability,
			Analysis: a,
			Affects:  &affects,
		}
		if src := vulnSource(s.Vulnerability); src != nil {
			v.Source = src
		}
		if sum := meta.Summaries[s.Vulnerability]; sum != "" {
			v.Description = sum
		}
		if s.Action != "" {
			v.Recommendation = s.Action
		}
		if s.Status == model.StatusNotAffected && s.Justification != "" {
			// CycloneDX has no component_not_present: the CISA
			// justification is kept as a property so that rocca reads
			// back what it wrote.
			v.Properties = &[]cdx.Property{{Name: cisaJustificationProperty, Value: string(s.Justification)}}
		}
		if len(s.Aliases) > 0 {
			refs := make([]cdx.VulnerabilityReference, 0, len(s.Aliases))
			for _, al := range s.Aliases {
				src := vulnSource(al)
				if src == nil {
					src = &cdx.Source{Name: "alias"}
				}
				refs = append(refs, cdx.VulnerabilityReference{ID: al, Source: src})
			}
			v.References = &refs
		}
		vulns = append(vulns, v)
	}
	for _, p := range parents {
		kids := p.kids
		p.c.Components = &kids
		comps = append(comps, p.c)
	}
	if len(comps) > 0 {
		bom.Components = &comps
	}
	if len(vulns) > 0 {
		bom.Vulnerabilities = &vulns
	}
	ff := cdx.BOMFileFormatJSON
	if xml {
		ff = cdx.BOMFileFormatXML
	}
	enc := cdx.NewBOMEncoder(w, ff)
	enc.SetPretty(true)
	if err := enc.EncodeVersion(bom, cdx.SpecVersion1_6); err != nil {
		return fmt.Errorf("write CycloneDX VEX: %w", err)
	}
	return nil
}

// productKey identifies a component among a document's statements.
func productKey(p *Product) string {
	return p.PURL + "\x00" + p.CPE + "\x00" + p.Name + "\x00" + p.Version + "\x00" + p.ID
}

func cdxComponentOf(p *Product, ref string) cdx.Component {
	c := cdx.Component{BOMRef: ref, Type: cdx.ComponentTypeLibrary, Name: p.Name, Version: p.Version, PackageURL: p.PURL, CPE: p.CPE}
	if c.Name == "" {
		c.Name = p.label()
	}
	return c
}

// vulnSource names the database a vulnerability id comes from, when its
// prefix tells.
func vulnSource(id string) *cdx.Source {
	u := strings.ToUpper(id)
	switch {
	case strings.HasPrefix(u, "CVE-"):
		return &cdx.Source{Name: "NVD", URL: "https://nvd.nist.gov/vuln/detail/" + id}
	case strings.HasPrefix(u, "GHSA-"):
		return &cdx.Source{Name: "GitHub", URL: "https://github.com/advisories/" + id}
	case strings.HasPrefix(u, "EUVD-"):
		return &cdx.Source{Name: "EUVD", URL: "https://euvd.enisa.europa.eu/vulnerability/" + id}
	}
	if strings.Contains(id, "-") {
		return &cdx.Source{Name: "OSV", URL: "https://osv.dev/vulnerability/" + id}
	}
	return nil
}

// nameUUID derives a version 5 (name-based) UUID from s, so that the
// serial number of a document is stable across exports.
func nameUUID(s string) string {
	h := sha1.Sum([]byte("rocca-vex:" + s))
	h[6] = (h[6] & 0x0f) | 0x50
	h[8] = (h[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}
