package output

import (
	"bufio"
	"bytes"
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
//
// The document is streamed: the library encodes its head (serial number
// and metadata, a few hundred bytes), the components and vulnerabilities
// are encoded by jsonEncoder, the vulnerabilities in blocks on every CPU,
// and written as they are done. Its bytes are what cyclonedx-go's
// encoder (pretty, HTML escaping off) made of the whole BOM when it was
// built as one; the golden files hold it to that. The library's encoder
// copies the BOM through encoding/gob first, which drops empty lists:
// an empty components or vulnerabilities list is left out.
func writeCycloneDX(w io.Writer, res *model.ScanResult) error {
	fs := sortedFindings(res.Findings)
	refs := newRefAssigner(res, fs)
	var bufs blockBuffers
	serial, err := serialNumber(res, fs, &bufs)
	if err != nil {
		return err
	}
	bom := cdx.NewBOM()
	bom.SerialNumber = serial
	bom.Metadata = cdxMetadata(res)
	var head bytes.Buffer
	enc := cdx.NewBOMEncoder(&head, cdx.BOMFileFormatJSON)
	enc.SetPretty(true).SetEscapeHTML(false)
	if err := enc.EncodeVersion(bom, cdx.SpecVersion1_6); err != nil {
		return err
	}
	// The metadata is the head's last member: the components and the
	// vulnerabilities go between it and the closing brace.
	const end = "\n}\n"
	if !bytes.HasSuffix(head.Bytes(), []byte(end)) {
		return fmt.Errorf("cyclonedx output: unexpected end of the document head")
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.Write(head.Bytes()[:head.Len()-len(end)])

	var comps []*model.Component
	seen := map[string]bool{}
	if res.Subject != nil && res.Subject.Ref != "" {
		// Findings on the product itself point at metadata.component.
		seen[res.Subject.Ref] = true
	}
	for _, f := range fs {
		if ref := refs.ref(&f.Component); !seen[ref] {
			seen[ref] = true
			comps = append(comps, &f.Component)
		}
	}
	if len(comps) > 0 {
		bw.WriteString(",\n  \"components\": [")
		err := bufs.write(bw, len(comps), jsonEncoder{}, func(e *jsonEncoder, i int) {
			c := cdxComponent(*comps[i], cdx.ComponentTypeLibrary)
			c.BOMRef = refs.ref(comps[i])
			e.elem(i, 2, '{')
			e.cdxComponent(&c, 2)
		})
		if err != nil {
			return err
		}
		bw.WriteString("\n  ]")
	}

	type entry struct {
		vuln *model.Vulnerability
		fs   []*model.Finding
	}
	var entries []entry
	for _, g := range groupByVulnerability(fs) {
		for _, part := range splitByAnalysis(g.findings) {
			entries = append(entries, entry{&g.vuln, part})
		}
	}
	if len(entries) > 0 {
		bw.WriteString(",\n  \"vulnerabilities\": [")
		err := bufs.write(bw, len(entries), jsonEncoder{}, func(e *jsonEncoder, i int) {
			e.elem(i, 2, '{')
			e.cdxVulnerability(entries[i].vuln, entries[i].fs, refs, 2)
		})
		if err != nil {
			return err
		}
		bw.WriteString("\n  ]")
	}
	bw.WriteString(end)
	return bw.Flush()
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

// cdxComponent appends the members of component c (only those the report
// sets), an object opened at depth, and closes it.
func (e *jsonEncoder) cdxComponent(c *cdx.Component, depth int) {
	first := true
	d := depth + 1
	e.strOmit(&first, d, "bom-ref", c.BOMRef)
	e.str(&first, d, "type", string(c.Type))
	e.strOmit(&first, d, "group", c.Group)
	e.str(&first, d, "name", c.Name)
	e.strOmit(&first, d, "version", c.Version)
	e.strOmit(&first, d, "cpe", c.CPE)
	e.strOmit(&first, d, "purl", c.PackageURL)
	e.close(depth, '}')
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
			r.ref(&f.Component)
		}
	}
	return r
}

// ref returns the bom-ref of c. Once newRefAssigner has made the refs of
// every component of the report, ref only reads, and may be called from
// several goroutines at once for those components.
func (r *refAssigner) ref(c *model.Component) string {
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
	// detail holds the analysis detail (model.AnalysisDetail) in one
	// string, "" when the finding has none.
	detail string
}

func analysisKeyOf(f *model.Finding) analysisKey {
	k := analysisKey{status: statusOf(f), justification: f.Justification, source: f.StatusSource}
	if a := f.Analysis; a != nil {
		k.detail = strings.Join([]string{a.Impact, a.Action, strings.Join(a.Response, ","), a.Detail, a.Author, a.Timestamp.UTC().Format(time.RFC3339Nano)}, "\x00")
	}
	return k
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
		if c := cmp.Compare(a.source, b.source); c != 0 {
			return c
		}
		return cmp.Compare(a.detail, b.detail)
	})
	out := make([][]*model.Finding, 0, len(keys))
	for _, k := range keys {
		out = append(out, byKey[k])
	}
	return out
}

// cdxVulnerability appends the members of the entry of vulnerability v
// for findings fs, which share one analysis, an object opened at depth,
// and closes it.
func (e *jsonEncoder) cdxVulnerability(v *model.Vulnerability, fs []*model.Finding, refs *refAssigner, depth int) {
	d := depth + 1
	first := true
	e.str(&first, d, "id", v.ID)
	e.key(&first, d, "source")
	e.cdxSource(v.ID, d)
	if al := aliases(*v); len(al) > 0 {
		e.key(&first, d, "references")
		e.b = append(e.b, '[')
		for i, id := range al {
			e.elem(i, d+1, '{')
			rf := true
			e.strOmit(&rf, d+2, "id", id)
			e.key(&rf, d+2, "source")
			e.cdxSource(id, d+2)
			e.close(d+1, '}')
		}
		e.close(d, ']')
	}

	r := cdxRating(v.Severity)
	e.key(&first, d, "ratings")
	e.b = append(e.b, '[')
	e.elem(0, d+1, '{')
	rf := true
	if r.Score != nil {
		e.float(&rf, d+2, "score", *r.Score)
	}
	e.strOmit(&rf, d+2, "severity", string(r.Severity))
	e.strOmit(&rf, d+2, "method", string(r.Method))
	e.strOmit(&rf, d+2, "vector", r.Vector)
	e.strOmit(&rf, d+2, "justification", r.Justification)
	e.close(d+1, '}')
	e.close(d, ']')

	e.strOmit(&first, d, "description", strings.TrimSpace(v.Summary))
	if !suppressed(fs[0]) {
		rec := recommendation(fs)
		if a := fs[0].Analysis; a != nil && a.Action != "" {
			rec = a.Action + "\n" + rec
		}
		e.strOmit(&first, d, "recommendation", rec)
	}
	if len(v.References) > 0 {
		e.key(&first, d, "advisories")
		e.b = append(e.b, '[')
		for i, u := range v.References {
			e.elem(i, d+1, '{')
			af := true
			e.str(&af, d+2, "url", u)
			e.close(d+1, '}')
		}
		e.close(d, ']')
	}
	if a := cdxAnalysis(fs[0], fs); a != nil {
		e.key(&first, d, "analysis")
		af := true
		e.b = append(e.b, '{')
		e.strOmit(&af, d+1, "state", string(a.State))
		e.strOmit(&af, d+1, "justification", string(a.Justification))
		if a.Response != nil {
			rs := make([]string, len(*a.Response))
			for i, r := range *a.Response {
				rs[i] = string(r)
			}
			e.strings(&af, d+1, "response", rs)
		}
		e.strOmit(&af, d+1, "detail", a.Detail)
		e.strOmit(&af, d+1, "lastUpdated", a.LastUpdated)
		e.close(d, '}')
	}

	e.key(&first, d, "affects")
	e.b = append(e.b, '[')
	seen := map[string]bool{}
	for _, f := range fs {
		ref := refs.ref(&f.Component)
		if seen[ref] {
			continue
		}
		e.elem(len(seen), d+1, '{')
		seen[ref] = true
		af := true
		e.str(&af, d+2, "ref", ref)
		if f.Component.Version != "" {
			e.key(&af, d+2, "versions")
			e.b = append(e.b, '[')
			e.elem(0, d+3, '{')
			vf := true
			e.str(&vf, d+4, "version", f.Component.Version)
			e.str(&vf, d+4, "status", string(versionStatus(f)))
			e.close(d+3, '}')
			e.close(d+2, ']')
		}
		e.close(d+1, '}')
	}
	e.close(d, ']')

	if props := exploitProperties(*v); len(props) > 0 {
		e.key(&first, d, "properties")
		e.b = append(e.b, '[')
		for i, p := range props {
			e.elem(i, d+1, '{')
			pf := true
			e.str(&pf, d+2, "name", p.Name)
			e.str(&pf, d+2, "value", p.Value)
			e.close(d+1, '}')
		}
		e.close(d, ']')
	}
	e.close(depth, '}')
}

// cdxSource appends the source of an id: {"name": ..., "url": ...}, an
// object opened at depth.
func (e *jsonEncoder) cdxSource(id string, depth int) {
	name, url := idSource(id)
	first := true
	e.b = append(e.b, '{')
	e.strOmit(&first, depth+1, "name", name)
	e.strOmit(&first, depth+1, "url", url)
	e.close(depth, '}')
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
			line = "Upgrade " + comp + " to a fixed version: " + strings.Join(fixed, ", ") + "."
		} else {
			line = "No fixed version of " + comp + " is known."
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
	if x := f.Analysis; x != nil {
		var rs []cdx.ImpactAnalysisResponse
		for _, r := range x.Response {
			if r := cdx.ImpactAnalysisResponse(r); validResponse(r) {
				rs = append(rs, r)
			}
		}
		if len(rs) > 0 {
			a.Response = &rs
		}
		if !x.Timestamp.IsZero() {
			a.LastUpdated = x.Timestamp.UTC().Format(time.RFC3339)
		}
	}
	if f.StatusSource != "" || f.Justification != "" || f.Analysis != nil {
		d := "VEX statement"
		if f.StatusSource != "" {
			d += " in " + f.StatusSource
		}
		d += ": " + string(statusOf(f))
		if f.Justification != "" {
			d += " (" + f.Justification + ")"
		}
		a.Detail = d + "."
		if x := f.Analysis; x != nil {
			if x.Impact != "" {
				a.Detail += "\nImpact: " + x.Impact
			}
			if x.Detail != "" {
				a.Detail += "\n" + x.Detail
			}
			if x.Author != "" {
				a.Detail += "\nDecided by " + x.Author + "."
			}
		}
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

// validResponse reports whether r is one of CycloneDX's responses.
func validResponse(r cdx.ImpactAnalysisResponse) bool {
	switch r {
	case cdx.IARCanNotFix, cdx.IARWillNotFix, cdx.IARUpdate, cdx.IARRollback, cdx.IARWorkaroundAvailable:
		return true
	}
	return false
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
// different scans get different serial numbers. The content hashed is
// json.Marshal of the result with its findings in report order (fs); the
// findings are encoded by jsonEncoder into the hash, not marshalled into
// one buffer.
func serialNumber(res *model.ScanResult, fs []*model.Finding, bufs *blockBuffers) (string, error) {
	h := sha1.New()
	h.Write([]byte("rocca-vdr\x00"))
	canonical := *res
	if len(fs) > 0 {
		canonical.Findings = []model.Finding{}
	}
	data, err := json.Marshal(&canonical)
	if err != nil {
		return "", fmt.Errorf("cyclonedx: %w", err)
	}
	if len(fs) == 0 {
		h.Write(data) // findings as the result has them: null or []
	} else {
		// Inside string values quotes are escaped: the slot is the key.
		const slot = `"findings":[]`
		at := bytes.Index(data, []byte(slot))
		if at < 0 || bytes.Count(data, []byte(slot)) != 1 {
			return "", fmt.Errorf("cyclonedx: findings slot not found")
		}
		at += len(slot) - 1
		h.Write(data[:at])
		err := bufs.write(h, len(fs), jsonEncoder{marshal: true}, func(e *jsonEncoder, i int) {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.finding(fs[i])
		})
		if err != nil {
			return "", fmt.Errorf("cyclonedx: %w", err)
		}
		h.Write(data[at:])
	}
	u := h.Sum(nil)[:16]
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16]), nil
}
