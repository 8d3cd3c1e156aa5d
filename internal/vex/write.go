package vex

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/model"
)

// Meta describes the document a writer produces. Writers never read the
// clock: Timestamp is the document's date.
type Meta struct {
	// ID identifies the document: the OpenVEX @id (an IRI, e.g.
	// https://rocca.example/vex/<version id>), the CSAF tracking.id; the
	// CycloneDX serialNumber is derived from it (a name-based UUID).
	ID string
	// Author is who issues the document: the OpenVEX author, the CSAF
	// publisher name, the CycloneDX metadata manufacturer.
	Author string
	// Role is the OpenVEX author role (optional).
	Role string
	// Namespace is the CSAF publisher namespace: a URL of the publisher
	// (required for CSAF).
	Namespace string
	// Title is the CSAF document title (default: "VEX for <product>").
	Title string
	// Timestamp is when the document was issued or last updated.
	Timestamp time.Time
	// InitialTimestamp is when the first version of the document was
	// issued (CSAF initial_release_date); Timestamp when zero.
	InitialTimestamp time.Time
	// Version is the document's version, 1 or more (default 1). For CSAF
	// the revision history holds entries 1..Version.
	Version int
	// Product is the product (version) the document is about: Name and
	// Version are required; PURL and CPE are written when set.
	Product Product
	// Tool and ToolVersion name the program writing the document.
	Tool, ToolVersion string
	// Summaries gives, by vulnerability id, a one-line description of
	// the vulnerability, written where the format has a place for it
	// (CSAF vulnerability notes, CycloneDX description).
	Summaries map[string]string
}

func (m *Meta) check(format Format) error {
	var missing []string
	if strings.TrimSpace(m.ID) == "" {
		missing = append(missing, "ID")
	}
	if strings.TrimSpace(m.Author) == "" {
		missing = append(missing, "Author")
	}
	if m.Timestamp.IsZero() {
		missing = append(missing, "Timestamp")
	}
	if strings.TrimSpace(m.Product.Name) == "" {
		missing = append(missing, "Product.Name")
	}
	if format == FormatCSAF && strings.TrimSpace(m.Namespace) == "" {
		missing = append(missing, "Namespace")
	}
	if len(missing) > 0 {
		return fmt.Errorf("write %s VEX: missing %s", format, strings.Join(missing, ", "))
	}
	if m.Version < 0 {
		return fmt.Errorf("write %s VEX: negative version %d", format, m.Version)
	}
	return nil
}

func (m *Meta) version() int {
	return max(m.Version, 1)
}

// checkStatements refuses statements a writer cannot write.
func checkStatements(stmts []Statement, format Format) error {
	for i := range stmts {
		s := &stmts[i]
		where := fmt.Sprintf("write %s VEX: statement %d (%s)", format, i, clip(s.Vulnerability, 40))
		switch {
		case strings.TrimSpace(s.Vulnerability) == "":
			return fmt.Errorf("write %s VEX: statement %d: no vulnerability id", format, i)
		case !ValidStatus(s.Status):
			return fmt.Errorf("%s: unknown status %q", where, s.Status)
		case s.Justification != "" && !s.Justification.Valid():
			return fmt.Errorf("%s: unknown justification %q", where, s.Justification)
		case len(components(s)) == 0:
			return fmt.Errorf("%s: no product", where)
		}
		for _, r := range s.Response {
			if !r.Valid() {
				return fmt.Errorf("%s: unknown response %q", where, r)
			}
		}
	}
	return nil
}

// components returns the components a statement is about: its products,
// or their subcomponents when they have some.
func components(s *Statement) []Product {
	var out []Product
	for _, pl := range placements(s) {
		out = append(out, pl.comp)
	}
	return out
}

// placement is a component a statement is about and the product it is a
// component of: parent is nil for the document's product (Meta.Product).
type placement struct {
	parent *Product
	comp   Product
}

// placements returns the components a statement is about with their
// products: a statement product with subcomponents is a product (a
// version of the document's product, or another product) and its
// subcomponents its components; a product without subcomponents is a
// component of the document's product.
func placements(s *Statement) []placement {
	var out []placement
	for i := range s.Products {
		p := &s.Products[i]
		if len(p.Subcomponents) == 0 {
			if !p.empty() {
				out = append(out, placement{comp: *p})
			}
			continue
		}
		parent := *p
		parent.Subcomponents = nil
		for _, c := range p.Subcomponents {
			if !c.empty() {
				out = append(out, placement{parent: &parent, comp: c})
			}
		}
	}
	return out
}

// sameProduct reports whether a and b identify the same product (their
// document-local ids aside).
func sameProduct(a, b *Product) bool {
	return a.PURL == b.PURL && a.CPE == b.CPE && strings.EqualFold(a.Name, b.Name) && a.Version == b.Version
}

// placementsIn is placements with the parents that are the document's
// product set to nil.
func placementsIn(s *Statement, meta *Meta) []placement {
	pls := placements(s)
	for i := range pls {
		if pls[i].parent != nil && sameProduct(pls[i].parent, &meta.Product) {
			pls[i].parent = nil
		}
	}
	return pls
}

// InProduct returns a statement product saying that comp is a component
// of product (a version of a product): for documents covering several
// versions of a product (Write with Meta.Product naming the product and
// no version).
func InProduct(product, comp Product) Product {
	product.Subcomponents = []Product{comp}
	return product
}

// ComponentProduct returns the Product identifying a finding's component.
func ComponentProduct(c *model.Component) Product {
	name := c.Name
	if c.Group != "" {
		name = c.Group + "/" + c.Name
	}
	return Product{ID: c.Ref, PURL: c.PURL, CPE: c.CPE, Name: name, Version: c.Version}
}

// FromFinding returns the statement that says what f's status and
// analysis are, about f's component, for writing.
func FromFinding(f *model.Finding) Statement {
	s := Statement{
		Vulnerability: f.Vulnerability.ID,
		Products:      []Product{ComponentProduct(&f.Component)},
		Status:        f.Status,
		Source:        f.StatusSource,
	}
	if s.Status == "" {
		s.Status = model.StatusAffected
	}
	for _, id := range f.Vulnerability.IDs {
		if !strings.EqualFold(id, s.Vulnerability) {
			s.Aliases = appendUnique(s.Aliases, id)
		}
	}
	j := strings.TrimSpace(f.Justification)
	if Justification(j).Valid() {
		s.Justification = Justification(j)
	} else if cj, ok := CISAJustification(cdxJustificationOf(j)); ok {
		s.Justification, s.CycloneDXJustification = cj, j
	} else if j != "" && s.Status == model.StatusNotAffected {
		s.Impact = j
	}
	if s.Status != model.StatusNotAffected {
		s.Justification = ""
	}
	if a := f.Analysis; a != nil {
		if a.Impact != "" {
			s.Impact = a.Impact
		}
		s.Action, s.Detail, s.Author, s.Timestamp = a.Action, a.Detail, a.Author, a.Timestamp
		for _, r := range a.Response {
			s.Response = append(s.Response, Response(r))
		}
	}
	return s
}

// Write writes stmts in format.
func Write(w io.Writer, format Format, meta Meta, stmts []Statement) error {
	switch format {
	case FormatOpenVEX:
		return WriteOpenVEX(w, meta, stmts)
	case FormatCycloneDXJSON:
		return WriteCycloneDX(w, meta, stmts, false)
	case FormatCycloneDXXML:
		return WriteCycloneDX(w, meta, stmts, true)
	case FormatCSAF:
		return WriteCSAF(w, meta, stmts)
	}
	return fmt.Errorf("write VEX: unknown format %q (want openvex, cyclonedx, cyclonedx-xml or csaf)", format)
}

// ParseFormat maps a format name (as in ?format=) to a Format.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case FormatOpenVEX, FormatCycloneDXJSON, FormatCycloneDXXML, FormatCSAF:
		return f, nil
	}
	return "", errors.New("unknown VEX format " + clip(s, 30) + " (want openvex, cyclonedx, cyclonedx-xml or csaf)")
}

// actionText is the action statement written for an affected statement:
// its own, or one made of its responses, or a generic one (OpenVEX and
// CSAF require one).
func actionText(s *Statement) string {
	if s.Action != "" {
		return s.Action
	}
	if len(s.Response) > 0 {
		var rs []string
		for _, r := range s.Response {
			rs = append(rs, responseText[r])
		}
		return strings.Join(rs, " ")
	}
	return "No remediation has been decided yet; contact the manufacturer."
}

var responseText = map[Response]string{
	ResponseCanNotFix:           "The vulnerability cannot be fixed.",
	ResponseWillNotFix:          "The vulnerability will not be fixed.",
	ResponseUpdate:              "Update to a version that fixes the vulnerability.",
	ResponseRollback:            "Roll back to a version without the vulnerability.",
	ResponseWorkaroundAvailable: "A workaround is available.",
}

// impactText is the impact statement written for a not_affected
// statement without a justification (OpenVEX and CSAF require one of the
// two).
func impactText(s *Statement) string {
	if s.Impact != "" {
		return s.Impact
	}
	if s.Detail != "" {
		return s.Detail
	}
	return "The product is not affected; no justification was recorded."
}

func formatTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}
