package sbom

import (
	"fmt"
	"strings"
	"time"

	"github.com/spdx/tools-golang/spdx/v2/common"
	"github.com/spdx/tools-golang/spdx/v2/v2_3"

	"github.com/rocca-project/rocca/internal/model"
)

// spdx2Edges maps the SPDX 2 relationship types that make a dependency
// graph edge to its direction: forward means "A relationship B" becomes
// the edge A → B (A depends on, contains or links B); backward means B → A.
// Other types (DESCRIBES, GENERATES, VARIANT_OF, BUILD_TOOL_OF,
// DOCUMENTATION_OF, ...) say nothing about what a component is made of
// and make no edge.
var spdx2Edges = map[string]bool{
	common.TypeRelationshipDependsOn:            true,
	common.TypeRelationshipContains:             true,
	common.TypeRelationshipStaticLink:           true,
	common.TypeRelationshipDynamicLink:          true,
	common.TypeRelationshipHasPrerequisite:      true,
	common.TypeRelationshipDependencyOf:         false,
	common.TypeRelationshipContainedBy:          false,
	common.TypeRelationshipBuildDependencyOf:    false,
	common.TypeRelationshipDevDependencyOf:      false,
	common.TypeRelationshipOptionalDependencyOf: false,
	common.TypeRelationshipProvidedDependencyOf: false,
	common.TypeRelationshipTestDependencyOf:     false,
	common.TypeRelationshipRuntimeDependencyOf:  false,
	common.TypeRelationshipPrerequisiteFor:      false,
	common.TypeRelationshipOptionalComponentOf:  false,
}

// spdxDocumentRef is the SPDX id of the document itself.
const spdxDocumentRef = "SPDXRef-DOCUMENT"

// spdx2Model maps a decoded SPDX 2 document to model.SBOM. See the package
// documentation for what is kept.
func (d *document) spdx2Model(sd *spdx2Doc) (*model.SBOM, error) {
	doc := sd.doc
	n := 0
	for _, p := range doc.Packages {
		if p != nil {
			n++
		}
	}
	if n > d.lim.MaxComponents {
		return nil, d.errorAt(-1, "packages", wrapf(ErrTooManyComponents, "sbom.too_many_packages", "%d packages, more than the limit of %d", n, d.lim.MaxComponents))
	}
	s := &model.SBOM{Format: formatSPDX, SpecVersion: strings.TrimPrefix(sd.version, "SPDX-"), Encoding: sd.encoding, Serial: doc.DocumentNamespace}
	w := &warnList{}
	for _, m := range sd.warnings {
		w.add("%s", m)
	}
	spdx2Metadata(s, doc, w)

	comps := make([]model.Component, 0, n)
	index := make(map[string]int, n)
	for i, p := range doc.Packages {
		if p == nil {
			w.add("packages[%d] is null; skipped", i)
			continue
		}
		c := spdx2Component(p)
		if _, dup := index[c.Ref]; dup {
			w.add("package %q repeats SPDX id %s; both kept", clip(c.Name, 60), clip(c.Ref, 80))
		} else {
			index[c.Ref] = len(comps)
		}
		comps = append(comps, c)
	}
	others := spdx2NonPackages(doc)

	subjectRef := spdx2Subject(s, doc, comps, index, w)
	g := newGraph()
	if subjectRef == spdxDocumentRef {
		for _, r := range spdx2Described(doc) {
			if _, ok := index[r]; ok {
				g.add(spdxDocumentRef, r)
			}
		}
	}
	known := func(ref string) bool {
		_, ok := index[ref]
		return ok || ref == subjectRef
	}
	for i, r := range doc.Relationships {
		if r == nil {
			continue
		}
		forward, ok := spdx2Edges[strings.ToUpper(strings.TrimSpace(r.Relationship))]
		if !ok {
			continue
		}
		a, okA := spdx2End(r.RefA, i, r, known, others, w)
		b, okB := spdx2End(r.RefB, i, r, known, others, w)
		if !okA || !okB {
			continue
		}
		if !forward {
			a, b = b, a
		}
		g.add(a, b)
	}
	s.Dependencies = g.dependencies()

	if s.Subject != nil {
		// The subject is listed once, as the subject.
		comps = append(comps[:index[subjectRef]], comps[index[subjectRef]+1:]...)
	}
	s.Components = comps
	if len(s.Components) == 0 && s.Subject == nil {
		w.add("the document lists no packages")
	}
	s.Warnings = w.result()
	return s, nil
}

// spdx2Metadata fills the document's creators, creation time and the
// warnings about them.
func spdx2Metadata(s *model.SBOM, doc *v2_3.Document, w *warnList) {
	ci := doc.CreationInfo
	if ci == nil {
		w.add("the document has no creation information")
		return
	}
	for _, c := range ci.Creators {
		name := trimAgent(c.Creator)
		if name == "" {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(c.CreatorType)) {
		case "tool":
			s.Tools = append(s.Tools, name)
		case "organization", "person":
			s.Authors = append(s.Authors, name)
		default:
			w.add("creator %q has an unknown type %q", clip(name, 60), clip(c.CreatorType, 20))
		}
	}
	if ci.Created == "" {
		w.add("the document has no creation time")
	} else if t, err := time.Parse(time.RFC3339, strings.TrimSpace(ci.Created)); err == nil {
		s.Created = t.UTC()
	} else {
		w.add("creation time %q is not an RFC 3339 date-time", clip(ci.Created, 40))
	}
}

// spdx2Component maps one package.
func spdx2Component(p *v2_3.Package) model.Component {
	c := model.Component{
		Ref:     common.RenderElementID(p.PackageSPDXIdentifier),
		Name:    p.PackageName,
		Version: p.PackageVersion,
		Type:    spdxPurposeType(p.PrimaryPackagePurpose),
	}
	if p.PackageSupplier != nil {
		c.Supplier = trimAgent(p.PackageSupplier.Supplier)
	}
	if p.PackageOriginator != nil {
		c.Author = trimAgent(p.PackageOriginator.Originator)
	}
	for _, h := range p.PackageChecksums {
		if h.Value != "" {
			c.Hashes = append(c.Hashes, model.Hash{Alg: string(h.Algorithm), Value: h.Value})
		}
	}
	c.Licenses = addLicense(c.Licenses, p.PackageLicenseConcluded)
	c.Licenses = addLicense(c.Licenses, p.PackageLicenseDeclared)
	var derived, derivedFrom string
	for _, ref := range p.PackageExternalReferences {
		if ref == nil {
			continue
		}
		cat := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(ref.Category), "_", "-"))
		typ := strings.TrimSpace(ref.RefType)
		loc := strings.TrimSpace(ref.Locator)
		switch {
		case cat == "PACKAGE-MANAGER" && typ == "purl":
			if c.PURL == "" {
				c.PURL = loc
			}
		case cat == "SECURITY" && typ == "cpe23Type":
			if c.CPE == "" {
				c.CPE = loc
			}
		case cat == "PACKAGE-MANAGER" && derived == "":
			if purl, ok := spdxDerivePURL(typ, loc, p.PackageVersion); ok {
				derived, derivedFrom = purl, "SPDX externalRef "+typ
			}
		}
	}
	if c.PURL == "" && derived != "" {
		c.PURL, c.PURLDerivedFrom = derived, derivedFrom
	}
	return c
}

// spdx2NonPackages returns the SPDX ids of the document's elements that are
// not packages (the document, files, snippets): relationships naming them
// are not component edges, but they are not dangling either.
func spdx2NonPackages(doc *v2_3.Document) map[string]bool {
	ids := map[string]bool{spdxDocumentRef: true, common.RenderElementID(doc.SPDXIdentifier): true}
	for _, f := range doc.Files {
		if f != nil {
			ids[common.RenderElementID(f.FileSPDXIdentifier)] = true
		}
	}
	for _, p := range doc.Packages {
		if p == nil {
			continue
		}
		for _, f := range p.Files {
			if f != nil {
				ids[common.RenderElementID(f.FileSPDXIdentifier)] = true
			}
		}
	}
	for _, sn := range doc.Snippets {
		ids[common.RenderElementID(sn.SnippetSPDXIdentifier)] = true
	}
	return ids
}

// spdx2Described returns the ids of the elements the document describes
// (DESCRIBES from the document, DESCRIBED_BY to it; the library has
// already turned documentDescribes into DESCRIBES relationships), in
// document order, without duplicates.
func spdx2Described(doc *v2_3.Document) []string {
	docID := doc.SPDXIdentifier
	isDoc := func(e common.DocElementID) bool {
		return e.DocumentRefID == "" && e.SpecialID == "" && e.ElementRefID == docID
	}
	var out []string
	seen := map[string]bool{}
	for _, r := range doc.Relationships {
		if r == nil {
			continue
		}
		var target common.DocElementID
		switch strings.ToUpper(strings.TrimSpace(r.Relationship)) {
		case common.TypeRelationshipDescribe:
			if !isDoc(r.RefA) {
				continue
			}
			target = r.RefB
		case common.TypeRelationshipDescribeBy:
			if !isDoc(r.RefB) {
				continue
			}
			target = r.RefA
		default:
			continue
		}
		if target.DocumentRefID != "" || target.SpecialID != "" {
			continue
		}
		id := common.RenderElementID(target.ElementRefID)
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// spdx2Subject sets s.Subject from the packages the document describes
// and returns the subject's Ref: one described package is the subject
// (and leaves Components); several make the document itself the subject,
// with an edge to each; none leaves no subject.
func spdx2Subject(s *model.SBOM, doc *v2_3.Document, comps []model.Component, index map[string]int, w *warnList) string {
	var pkgs []string
	for _, id := range spdx2Described(doc) {
		if _, ok := index[id]; ok {
			pkgs = append(pkgs, id)
		}
	}
	switch len(pkgs) {
	case 0:
		w.add("the document describes no package, so its subject is unknown")
		return ""
	case 1:
		c := comps[index[pkgs[0]]]
		s.Subject = &c
		return c.Ref
	}
	s.Subject = &model.Component{Ref: spdxDocumentRef, Name: doc.DocumentName}
	return spdxDocumentRef
}

// spdx2End resolves one end of relationship i to a component Ref. Ends
// that are NONE or NOASSERTION, or that name the document, a file or a
// snippet, are dropped silently; ends in another document or naming no
// element of this one are dropped with a warning.
func spdx2End(e common.DocElementID, i int, r *v2_3.Relationship, known func(string) bool, others map[string]bool, w *warnList) (string, bool) {
	if e.SpecialID != "" {
		return "", false
	}
	desc := func() string {
		return fmt.Sprintf("relationship %d (%s %s %s)", i, clip(common.RenderDocElementID(r.RefA), 80), clip(r.Relationship, 30), clip(common.RenderDocElementID(r.RefB), 80))
	}
	if e.DocumentRefID != "" {
		w.add("%s: %s is in another document; edge dropped", desc(), clip(common.RenderDocElementID(e), 80))
		return "", false
	}
	ref := common.RenderElementID(e.ElementRefID)
	if known(ref) {
		return ref, true
	}
	if !others[ref] {
		w.add("%s: no element has SPDX id %s; edge dropped", desc(), clip(ref, 80))
	}
	return "", false
}
