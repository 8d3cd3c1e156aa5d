package output

import (
	"cmp"
	"crypto/sha1"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/rocca-project/rocca/internal/model"
)

// writeCycloneDX writes a CycloneDX 1.6 vulnerability disclosure report:
// the components that have findings, under the bom-refs the scanned SBOM
// gave them, and the vulnerabilities that affect them.
//
// A vulnerability normally makes one entry. When VEX statements give its
// findings different statuses (one component affected, another not), it
// makes one entry per status, since an entry has a single analysis.
func writeCycloneDX(w io.Writer, res *model.ScanResult) error {
	fs := sortedFindings(res.Findings)
	refs := newRefAssigner(res, fs)

	bom := cdx.NewBOM()
	serial, err := serialNumber(res)
	if err != nil {
		return err
	}
	bom.SerialNumber = serial
	bom.Metadata = cdxMetadata(res)

	components := []cdx.Component{}
	seen := map[string]bool{}
	if res.Subject != nil && res.Subject.Ref != "" {
		// Findings on the product itself point at metadata.component.
		seen[res.Subject.Ref] = true
	}
	for _, f := range fs {
		ref := refs.ref(f.Component)
		if seen[ref] {
			continue
		}
		seen[ref] = true
		c := cdxComponent(f.Component, cdx.ComponentTypeLibrary)
		c.BOMRef = ref
		components = append(components, c)
	}
	bom.Components = &components

	vulns := []cdx.Vulnerability{}
	for _, g := range groupByVulnerability(fs) {
		for _, part := range splitByAnalysis(g.findings) {
			vulns = append(vulns, cdxVulnerability(g.vuln, part, refs))
		}
	}
	bom.Vulnerabilities = &vulns

	enc := cdx.NewBOMEncoder(w, cdx.BOMFileFormatJSON)
	enc.SetPretty(true).SetEscapeHTML(false)
	return enc.EncodeVersion(bom, cdx.SpecVersion1_6)
}

func cdxMetadata(res *model.ScanResult) *cdx.Metadata {
	tool := cdx.Component{
		Type:    cdx.ComponentTypeApplication,
		Name:    "rocca",
		Version: res.Tool,
		ExternalReferences: &[]cdx.ExternalReference{
			{Type: cdx.ERTypeWebsite, URL: informationURI},
		},
	}
	md := &cdx.Metadata{
		Tools: &cdx.ToolsChoice{Components: &[]cdx.Component{tool}},
	}
	if !res.Generated.IsZero() {
		md.Timestamp = res.Generated.UTC().Format(time.RFC3339)
	}
	if res.Subject != nil {
		s := cdxComponent(*res.Subject, cdx.ComponentTypeApplication)
		s.BOMRef = res.Subject.Ref
		md.Component = &s
	}
	props := []cdx.Property{}
	if res.Source != "" {
		props = append(props, cdx.Property{Name: "rocca:sbom:source", Value: res.Source})
	}
	if f := strings.TrimSpace(res.Format + " " + res.SpecVersion); f != "" {
		props = append(props, cdx.Property{Name: "rocca:sbom:format", Value: f})
	}
	props = append(props,
		cdx.Property{Name: "rocca:sbom:components", Value: strconv.Itoa(res.Components)},
		cdx.Property{Name: "rocca:sbom:unmatched", Value: strconv.Itoa(len(res.Unmatched))},
		cdx.Property{Name: "rocca:sbom:undetermined", Value: strconv.Itoa(len(res.Undetermined))},
	)
	md.Properties = &props
	return md
}

// cdxComponentTypes are the component types CycloneDX 1.6 defines.
var cdxComponentTypes = []cdx.ComponentType{
	cdx.ComponentTypeApplication, cdx.ComponentTypeContainer, cdx.ComponentTypeCryptographicAsset,
	cdx.ComponentTypeData, cdx.ComponentTypeDevice, cdx.ComponentTypeDeviceDriver,
	cdx.ComponentTypeFile, cdx.ComponentTypeFirmware, cdx.ComponentTypeFramework,
	cdx.ComponentTypeLibrary, cdx.ComponentTypeMachineLearningModel, cdx.ComponentTypeOS,
	cdx.ComponentTypePlatform,
}

// cdxComponent describes c; its type falls back to def when the SBOM's is
// missing or not a CycloneDX 1.6 type (SPDX purposes, say). The bom-ref is
// left to the caller.
func cdxComponent(c model.Component, def cdx.ComponentType) cdx.Component {
	typ := cdx.ComponentType(strings.ToLower(c.Type))
	if !slices.Contains(cdxComponentTypes, typ) {
		typ = def
	}
	name := c.Name
	if name == "" {
		name = c.Key() // the schema requires a name
	}
	return cdx.Component{
		Type:       typ,
		Group:      c.Group,
		Name:       name,
		Version:    c.Version,
		CPE:        c.CPE,
		PackageURL: c.PURL,
	}
}

// refAssigner gives each component of the report its bom-ref: the one it
// has in the scanned SBOM, so that the report points into that SBOM, or,
// for a component without one, its purl (else name@version), made unique
// against every other bom-ref of the report.
type refAssigner struct {
	used      map[string]bool
	generated map[string]string // component key -> generated ref
}

func newRefAssigner(res *model.ScanResult, fs []*model.Finding) *refAssigner {
	r := &refAssigner{used: map[string]bool{}, generated: map[string]string{}}
	if res.Subject != nil && res.Subject.Ref != "" {
		r.used[res.Subject.Ref] = true
	}
	for _, f := range fs {
		if f.Component.Ref != "" {
			r.used[f.Component.Ref] = true
		}
	}
	for _, f := range fs { // fs is sorted: the refs made do not depend on input order
		if f.Component.Ref == "" {
			r.ref(f.Component)
		}
	}
	return r
}

func (r *refAssigner) ref(c model.Component) string {
	if c.Ref != "" {
		return c.Ref
	}
	key := c.Key()
	if ref, ok := r.generated[key]; ok {
		return ref
	}
	base := key
	if base == "" {
		base = "component"
	}
	ref := base
	for n := 2; r.used[ref]; n++ {
		ref = base + "#" + strconv.Itoa(n)
	}
	r.used[ref] = true
	r.generated[key] = ref
	return ref
}

// analysisKey is what one vulnerability entry's analysis depends on.
type analysisKey struct {
	status        model.Status
	justification string
	source        string
}

func analysisKeyOf(f *model.Finding) analysisKey {
	return analysisKey{statusOf(f), f.Justification, f.StatusSource}
}

// statusOrder lists statuses in the order their entries are written.
var statusOrder = []model.Status{
	model.StatusAffected, model.StatusUnderInvestigation, model.StatusFixed, model.StatusNotAffected,
}

func statusRank(s model.Status) int {
	if i := slices.Index(statusOrder, s); i >= 0 {
		return i
	}
	return len(statusOrder)
}

// splitByAnalysis splits one vulnerability's findings into runs sharing an
// analysis: affected first, then under investigation, fixed, not affected.
func splitByAnalysis(fs []*model.Finding) [][]*model.Finding {
	byKey := map[analysisKey][]*model.Finding{}
	var keys []analysisKey
	for _, f := range fs {
		k := analysisKeyOf(f)
		if _, ok := byKey[k]; !ok {
			keys = append(keys, k)
		}
		byKey[k] = append(byKey[k], f)
	}
	slices.SortStableFunc(keys, func(a, b analysisKey) int {
		if c := cmp.Compare(statusRank(a.status), statusRank(b.status)); c != 0 {
			return c
		}
		if c := cmp.Compare(string(a.status), string(b.status)); c != 0 {
			return c
		}
		if c := cmp.Compare(a.justification, b.justification); c != 0 {
			return c
		}
		return cmp.Compare(a.source, b.source)
	})
	out := make([][]*model.Finding, 0, len(keys))
	for _, k := range keys {
		out = append(out, byKey[k])
	}
	return out
}

// cdxVulnerability makes the entry of vulnerability v for findings fs,
// which share one analysis.
func cdxVulnerability(v model.Vulnerability, fs []*model.Finding, refs *refAssigner) cdx.Vulnerability {
	name, url := idSource(v.ID)
	out := cdx.Vulnerability{
		ID:          v.ID,
		Source:      &cdx.Source{Name: name, URL: url},
		Description: strings.TrimSpace(v.Summary),
	}
	if al := aliases(v); len(al) > 0 {
		vr := make([]cdx.VulnerabilityReference, 0, len(al))
		for _, id := range al {
			n, u := idSource(id)
			vr = append(vr, cdx.VulnerabilityReference{ID: id, Source: &cdx.Source{Name: n, URL: u}})
		}
		out.References = &vr
	}
	out.Ratings = &[]cdx.VulnerabilityRating{cdxRating(v.Severity)}
	if len(v.References) > 0 {
		adv := make([]cdx.Advisory, 0, len(v.References))
		for _, u := range v.References {
			adv = append(adv, cdx.Advisory{URL: u})
		}
		out.Advisories = &adv
	}

	first := fs[0]
	if !suppressed(first) {
		out.Recommendation = recommendation(fs)
	}
	out.Analysis = cdxAnalysis(first, fs)

	var affects []cdx.Affects
	seen := map[string]bool{}
	for _, f := range fs {
		ref := refs.ref(f.Component)
		if seen[ref] {
			continue
		}
		seen[ref] = true
		a := cdx.Affects{Ref: ref}
		if f.Component.Version != "" {
			a.Range = &[]cdx.AffectedVersions{{Version: f.Component.Version, Status: versionStatus(f)}}
		}
		affects = append(affects, a)
	}
	out.Affects = &affects

	if props := exploitProperties(v); len(props) > 0 {
		out.Properties = &props
	}
	return out
}

// cdxRating turns a severity into a CycloneDX rating; the method follows
// the CVSS version of the vector, "other" without one.
func cdxRating(s model.Severity) cdx.VulnerabilityRating {
	r := cdx.VulnerabilityRating{
		Severity:      cdx.Severity(ratingOf(s)),
		Method:        scoringMethod(s.Vector),
		Vector:        s.Vector,
		Justification: s.Source,
	}
	if s.Score > 0 {
		score := s.Score
		r.Score = &score
	}
	return r
}

func scoringMethod(vector string) cdx.ScoringMethod {
	switch {
	case strings.HasPrefix(vector, "CVSS:4."):
		return cdx.ScoringMethodCVSSv4
	case strings.HasPrefix(vector, "CVSS:3.1/"):
		return cdx.ScoringMethodCVSSv31
	case strings.HasPrefix(vector, "CVSS:3."):
		return cdx.ScoringMethodCVSSv3
	case strings.Contains(vector, "Au:"): // CVSS v2 vectors carry no prefix
		return cdx.ScoringMethodCVSSv2
	}
	return cdx.ScoringMethodOther
}

// recommendation tells, per component, which versions fix the
// vulnerability.
func recommendation(fs []*model.Finding) string {
	var lines []string
	for _, f := range fs {
		comp := componentLabel(f.Component)
		var line string
		if fixed := uniqueStrings(f.FixedVersions); len(fixed) > 0 {
			line = fmt.Sprintf("Upgrade %s to a fixed version: %s.", comp, strings.Join(fixed, ", "))
		} else {
			line = fmt.Sprintf("No fixed version of %s is known.", comp)
		}
		if !slices.Contains(lines, line) {
			lines = append(lines, line)
		}
	}
	return strings.Join(lines, "\n")
}

// cdxAnalysis maps the VEX status of the findings fs (all sharing f's) to
// a CycloneDX analysis: affected → exploitable, under_investigation →
// in_triage, fixed → resolved, not_affected → not_affected with the
// justification mapped where CycloneDX has an equivalent.
func cdxAnalysis(f *model.Finding, fs []*model.Finding) *cdx.VulnerabilityAnalysis {
	a := &cdx.VulnerabilityAnalysis{}
	switch statusOf(f) {
	case model.StatusAffected:
		a.State = cdx.IASExploitable
	case model.StatusUnderInvestigation:
		a.State = cdx.IASInTriage
	case model.StatusFixed:
		a.State = cdx.IASResolved
	case model.StatusNotAffected:
		a.State = cdx.IASNotAffected
		a.Justification = cdxJustification(f.Justification)
	default:
		return nil
	}
	if f.StatusSource != "" || f.Justification != "" {
		d := "VEX statement"
		if f.StatusSource != "" {
			d += " in " + f.StatusSource
		}
		d += ": " + string(statusOf(f))
		if f.Justification != "" {
			d += " (" + f.Justification + ")"
		}
		a.Detail = d + "."
	} else {
		var adv []string
		for _, f := range fs {
			adv = append(adv, f.Advisories...)
		}
		adv = uniqueStrings(adv)
		slices.Sort(adv)
		d := "The component version is in the affected ranges"
		if len(adv) > 0 {
			d += " of " + strings.Join(adv, ", ")
		}
		a.Detail = d + "; no VEX statement assesses it."
	}
	return a
}

// cdxJustification maps a VEX justification, OpenVEX's or already
// CycloneDX's, to CycloneDX's list; "" when there is no equivalent (the
// analysis detail still carries the original).
func cdxJustification(j string) cdx.ImpactAnalysisJustification {
	switch strings.ToLower(strings.TrimSpace(j)) {
	case "component_not_present", "vulnerable_code_not_present", "code_not_present":
		return cdx.IAJCodeNotPresent
	case "vulnerable_code_not_in_execute_path", "code_not_reachable":
		return cdx.IAJCodeNotReachable
	case "inline_mitigations_already_exist", "protected_by_mitigating_control":
		return cdx.IAJProtectedByMitigatingControl
	case "requires_configuration":
		return cdx.IAJRequiresConfiguration
	case "requires_dependency":
		return cdx.IAJRequiresDependency
	case "requires_environment":
		return cdx.IAJRequiresEnvironment
	case "protected_by_compiler":
		return cdx.IAJProtectedByCompiler
	case "protected_at_runtime":
		return cdx.IAJProtectedAtRuntime
	case "protected_at_perimeter":
		return cdx.IAJProtectedAtPerimeter
	}
	return ""
}

func versionStatus(f *model.Finding) cdx.VulnerabilityStatus {
	switch statusOf(f) {
	case model.StatusAffected:
		return cdx.VulnerabilityStatusAffected
	case model.StatusNotAffected, model.StatusFixed:
		return cdx.VulnerabilityStatusNotAffected
	}
	return cdx.VulnerabilityStatusUnknown
}

// exploitProperties records the KEV entry and EPSS score as properties.
func exploitProperties(v model.Vulnerability) []cdx.Property {
	var props []cdx.Property
	add := func(name, value string) {
		if value != "" {
			props = append(props, cdx.Property{Name: name, Value: value})
		}
	}
	if k := v.KEV; k != nil {
		add("rocca:kev:cve", k.CVE)
		if !k.DateAdded.IsZero() {
			add("rocca:kev:dateAdded", k.DateAdded.UTC().Format(time.DateOnly))
		}
		if !k.DueDate.IsZero() {
			add("rocca:kev:dueDate", k.DueDate.UTC().Format(time.DateOnly))
		}
		add("rocca:kev:knownRansomwareCampaignUse", strconv.FormatBool(k.Ransomware))
	}
	if e := v.EPSS; e != nil {
		add("rocca:epss:cve", e.CVE)
		add("rocca:epss:score", strconv.FormatFloat(e.Score, 'f', -1, 64))
		add("rocca:epss:percentile", strconv.FormatFloat(e.Percentile, 'f', -1, 64))
	}
	return props
}

// serialNumber derives the report's urn:uuid from its content (a name-based
// UUID, version 5 layout), so that a report is reproducible and two
// different scans get different serial numbers.
func serialNumber(res *model.ScanResult) (string, error) {
	canonical := *res
	if res.Findings != nil {
		canonical.Findings = make([]model.Finding, 0, len(res.Findings))
		for _, f := range sortedFindings(res.Findings) {
			canonical.Findings = append(canonical.Findings, *f)
		}
	}
	data, err := json.Marshal(&canonical)
	if err != nil {
		return "", fmt.Errorf("cyclonedx: %w", err)
	}
	sum := sha1.Sum(append([]byte("rocca-vdr\x00"), data...))
	u := sum[:16]
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16]), nil
}
