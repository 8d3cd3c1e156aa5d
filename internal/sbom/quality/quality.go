// Package quality grades an SBOM against a profile of the elements it
// should carry: the NTIA minimum elements (2021) or, for the Cyber
// Resilience Act, the fields BSI TR-03183-2 expects. It works on the
// parsed model, so every SBOM format rocca reads is graded the same way.
//
// A profile is a list of checks. Document checks apply once (who made the
// SBOM, when, is the product's dependency graph given); component checks
// apply to every component. The score is the share of passed check
// instances, so a document with many components is graded mostly on its
// components. The report lists every failed check, per component.
package quality

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rocca-project/rocca/internal/model"
)

// Profile names a set of checks.
type Profile string

// Profiles.
const (
	NTIA Profile = "ntia"
	CRA  Profile = "cra"
)

// Profiles lists the profile names, for --help and errors.
func Profiles() []string { return []string{string(NTIA), string(CRA)} }

// ParseProfile returns the profile named s.
func ParseProfile(s string) (Profile, error) {
	switch p := Profile(strings.ToLower(strings.TrimSpace(s))); p {
	case NTIA, CRA:
		return p, nil
	}
	return "", fmt.Errorf("unknown profile %q (want one of %s)", s, strings.Join(Profiles(), ", "))
}

// Check is one element a profile expects.
type Check struct {
	// ID is a short stable name, e.g. "component-version".
	ID string `json:"id"`
	// Title says what is expected, e.g. "component version".
	Title string `json:"title"`
	// Source names the requirement, e.g. "NTIA minimum elements: Version".
	Source string `json:"source"`
}

// Result is one check's outcome over the document or its components.
type Result struct {
	Check
	// Scope is "document" or "component".
	Scope string `json:"scope"`
	// Passed and Total count the instances (1 for document checks).
	Passed int `json:"passed"`
	Total  int `json:"total"`
}

// Missing is one component lacking some expected elements.
type Missing struct {
	Component model.Component `json:"component"`
	// Checks are the IDs of the failed component checks.
	Checks []string `json:"checks"`
}

// Report is the grade of one SBOM against one profile.
type Report struct {
	Profile Profile `json:"profile"`
	// Score is the share of passed check instances, 0 to 100.
	Score float64 `json:"score"`
	// Results has one entry per check of the profile, in profile order.
	Results []Result `json:"results"`
	// Document lists the IDs of the failed document checks.
	Document []string `json:"document"`
	// Components lists the components failing at least one check, in
	// document order.
	Components []Missing `json:"components"`
}

// Complete reports whether every check passed.
func (r *Report) Complete() bool { return len(r.Document) == 0 && len(r.Components) == 0 }

type docCheck struct {
	Check
	ok func(*model.SBOM, *graph) bool
}

type compCheck struct {
	Check
	ok func(model.Component, *graph) bool
}

// graph is what the checks need of the dependency graph.
type graph struct {
	// declared holds the refs that have a dependencies entry (possibly
	// empty: "depends on nothing" is information too).
	declared map[string]bool
	// referenced holds the refs some entry depends on.
	referenced map[string]bool
}

func newGraph(doc *model.SBOM) *graph {
	g := &graph{declared: map[string]bool{}, referenced: map[string]bool{}}
	for _, d := range doc.Dependencies {
		g.declared[d.Ref] = true
		for _, r := range d.DependsOn {
			g.referenced[r] = true
		}
	}
	return g
}

// Grade checks doc against profile p.
func Grade(doc *model.SBOM, p Profile) (*Report, error) {
	docChecks, compChecks, err := checksOf(p)
	if err != nil {
		return nil, err
	}
	g := newGraph(doc)
	rep := &Report{Profile: p, Document: []string{}, Components: []Missing{}}
	passed, total := 0, 0
	for _, c := range docChecks {
		r := Result{Check: c.Check, Scope: "document", Total: 1}
		if c.ok(doc, g) {
			r.Passed = 1
		} else {
			rep.Document = append(rep.Document, c.ID)
		}
		rep.Results = append(rep.Results, r)
		passed += r.Passed
		total += r.Total
	}
	first := len(rep.Results)
	for _, c := range compChecks {
		rep.Results = append(rep.Results, Result{Check: c.Check, Scope: "component", Total: len(doc.Components)})
	}
	for _, comp := range doc.Components {
		var failed []string
		for i, c := range compChecks {
			if c.ok(comp, g) {
				rep.Results[first+i].Passed++
			} else {
				failed = append(failed, c.ID)
			}
		}
		if len(failed) > 0 {
			rep.Components = append(rep.Components, Missing{Component: comp, Checks: failed})
		}
	}
	for _, r := range rep.Results[first:] {
		passed += r.Passed
		total += r.Total
	}
	if total > 0 {
		rep.Score = float64(int(1000*float64(passed)/float64(total)+0.5)) / 10
	}
	return rep, nil
}

func checksOf(p Profile) ([]docCheck, []compCheck, error) {
	switch p {
	case NTIA:
		return []docCheck{
				{Check{"sbom-author", "author of the SBOM data", "NTIA minimum elements: Author of SBOM Data"}, hasAuthor},
				{Check{"sbom-timestamp", "timestamp of the SBOM", "NTIA minimum elements: Timestamp"}, hasTimestamp},
				{Check{"sbom-dependencies", "dependency relationships of the product", "NTIA minimum elements: Dependency Relationship"}, hasRootDependencies},
			}, []compCheck{
				{Check{"component-supplier", "supplier name", "NTIA minimum elements: Supplier Name"}, hasSupplier},
				{Check{"component-name", "component name", "NTIA minimum elements: Component Name"}, hasName},
				{Check{"component-version", "version of the component", "NTIA minimum elements: Version of the Component"}, hasVersion},
				{Check{"component-identifier", "other unique identifier (purl or CPE)", "NTIA minimum elements: Other Unique Identifiers"}, hasIdentifier},
			}, nil
	case CRA:
		return []docCheck{
				{Check{"sbom-creator", "creator of the SBOM, with an e-mail address or URL", "BSI TR-03183-2 §5.2.1: Creator of the SBOM"}, hasCreatorContact},
				{Check{"sbom-timestamp", "timestamp of the SBOM", "BSI TR-03183-2 §5.2.1: Timestamp"}, hasTimestamp},
				{Check{"sbom-dependencies", "dependency relationships of the product", "BSI TR-03183-2 §5.2.2: Dependencies on other components"}, hasRootDependencies},
			}, []compCheck{
				{Check{"component-creator", "component creator (supplier or author)", "BSI TR-03183-2 §5.2.2: Component creator"}, hasCreator},
				{Check{"component-name", "component name", "BSI TR-03183-2 §5.2.2: Component name"}, hasName},
				{Check{"component-version", "component version", "BSI TR-03183-2 §5.2.2: Component version"}, hasVersion},
				{Check{"component-identifier", "unique identifier (purl or CPE)", "BSI TR-03183-2 §5.2.4: Other unique identifiers"}, hasIdentifier},
				{Check{"component-hash", "hash of the component (SHA-256 or stronger)", "BSI TR-03183-2 §5.2.2: Hash value of the executable component"}, hasStrongHash},
				{Check{"component-license", "licence (SPDX expression)", "BSI TR-03183-2 §5.2.2: Distribution licences"}, hasLicense},
				{Check{"component-dependencies", "its dependencies declared (even as none)", "BSI TR-03183-2 §5.2.2: Dependencies on other components"}, dependenciesDeclared},
			}, nil
	}
	return nil, nil, fmt.Errorf("unknown profile %q", p)
}

func present(s string) bool {
	s = strings.TrimSpace(s)
	return s != "" && !strings.EqualFold(s, "NOASSERTION") && !strings.EqualFold(s, "NONE")
}

func hasAuthor(doc *model.SBOM, _ *graph) bool {
	return slices.ContainsFunc(doc.Authors, present) || slices.ContainsFunc(doc.Tools, present)
}

// hasCreatorContact: TR-03183-2 asks for the creator's e-mail address or
// URL, not only a name or a tool.
func hasCreatorContact(doc *model.SBOM, _ *graph) bool {
	return slices.ContainsFunc(doc.Authors, isContact)
}

func isContact(s string) bool {
	return strings.Contains(s, "@") || strings.Contains(s, "://")
}

func hasTimestamp(doc *model.SBOM, _ *graph) bool { return !doc.Created.IsZero() }

// hasRootDependencies: the product's own dependencies are given. Without
// a subject, any declared relationship counts.
func hasRootDependencies(doc *model.SBOM, g *graph) bool {
	if doc.Subject != nil && doc.Subject.Ref != "" {
		for _, d := range doc.Dependencies {
			if d.Ref == doc.Subject.Ref && len(d.DependsOn) > 0 {
				return true
			}
		}
		return false
	}
	return len(g.referenced) > 0
}

func hasSupplier(c model.Component, _ *graph) bool { return present(c.Supplier) }

func hasCreator(c model.Component, _ *graph) bool { return present(c.Supplier) || present(c.Author) }

func hasName(c model.Component, _ *graph) bool { return present(c.Name) }

func hasVersion(c model.Component, _ *graph) bool { return present(c.Version) }

func hasIdentifier(c model.Component, _ *graph) bool { return present(c.PURL) || present(c.CPE) }

func hasLicense(c model.Component, _ *graph) bool { return slices.ContainsFunc(c.Licenses, present) }

func dependenciesDeclared(c model.Component, g *graph) bool { return c.Ref != "" && g.declared[c.Ref] }

// strongHashes are the algorithms accepted as identifying a component's
// content: SHA-2 of 256 bits or more, SHA-3, BLAKE2b and BLAKE3. MD5 and
// SHA-1 are not (collisions are practical).
var strongHashes = []string{"SHA256", "SHA384", "SHA512", "SHA3256", "SHA3384", "SHA3512", "BLAKE2B256", "BLAKE2B384", "BLAKE2B512", "BLAKE3"}

func hasStrongHash(c model.Component, _ *graph) bool {
	for _, h := range c.Hashes {
		alg := strings.ToUpper(strings.NewReplacer("-", "", "_", "", " ", "").Replace(h.Alg))
		if slices.Contains(strongHashes, alg) && strings.TrimSpace(h.Value) != "" {
			return true
		}
	}
	return false
}
