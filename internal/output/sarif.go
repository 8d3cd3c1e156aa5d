package output

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/model"
)

// SARIF 2.1.0 constants.
const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	// informationURI is rocca's home page, named in the SARIF driver and
	// the CycloneDX tool entry.
	informationURI = "https://github.com/rocca-project/rocca"
	// fingerprintKey names rocca's partial fingerprint. It is versioned as
	// SARIF recommends: change the suffix if the hashed text ever changes.
	fingerprintKey = "roccaComponentVulnerability/v1"
)

// The subset of SARIF 2.1.0 rocca writes. Field order follows the
// specification's examples; empty optional members are left out.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool        sarifTool         `json:"tool"`
		Invocations []sarifInvocation `json:"invocations,omitempty"`
		Results     []sarifResult     `json:"results"`
		Properties  *sarifRunProps    `json:"properties,omitempty"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		Version        string      `json:"version,omitempty"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string               `json:"id"`
		ShortDescription     *sarifMessage        `json:"shortDescription,omitempty"`
		FullDescription      *sarifMessage        `json:"fullDescription,omitempty"`
		Help                 *sarifMultiformat    `json:"help,omitempty"`
		HelpURI              string               `json:"helpUri,omitempty"`
		DefaultConfiguration *sarifConfiguration  `json:"defaultConfiguration,omitempty"`
		Properties           *sarifRuleProperties `json:"properties,omitempty"`
	}
	sarifMessage struct {
		Text string `json:"text"`
	}
	sarifMultiformat struct {
		Text     string `json:"text"`
		Markdown string `json:"markdown,omitempty"`
	}
	sarifConfiguration struct {
		Level string `json:"level"`
	}
	sarifRuleProperties struct {
		// SecuritySeverity is GitHub's "security-severity": a CVSS-like
		// score, as a string, from which it derives the alert severity.
		SecuritySeverity string   `json:"security-severity,omitempty"`
		Tags             []string `json:"tags,omitempty"`
	}
	sarifResult struct {
		RuleID              string                 `json:"ruleId"`
		RuleIndex           int                    `json:"ruleIndex"`
		Level               string                 `json:"level"`
		Message             sarifMessage           `json:"message"`
		Locations           []sarifLocation        `json:"locations"`
		PartialFingerprints map[string]string      `json:"partialFingerprints"`
		Suppressions        []sarifSuppression     `json:"suppressions,omitempty"`
		Properties          *sarifResultProperties `json:"properties,omitempty"`
	}
	sarifLocation struct {
		PhysicalLocation sarifPhysicalLocation  `json:"physicalLocation"`
		LogicalLocations []sarifLogicalLocation `json:"logicalLocations,omitempty"`
	}
	sarifPhysicalLocation struct {
		ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
		Region           *sarifRegion          `json:"region,omitempty"`
	}
	sarifRegion struct {
		StartLine int `json:"startLine"`
	}
	sarifArtifactLocation struct {
		URI string `json:"uri"`
	}
	sarifLogicalLocation struct {
		Name               string `json:"name,omitempty"`
		FullyQualifiedName string `json:"fullyQualifiedName,omitempty"`
		Kind               string `json:"kind,omitempty"`
	}
	sarifSuppression struct {
		Kind          string `json:"kind"`
		Status        string `json:"status,omitempty"`
		Justification string `json:"justification,omitempty"`
	}
	sarifResultProperties struct {
		Component      string   `json:"component,omitempty"`
		BOMRef         string   `json:"bomRef,omitempty"`
		Status         string   `json:"status"`
		Justification  string   `json:"justification,omitempty"`
		StatusSource   string   `json:"statusSource,omitempty"`
		Severity       string   `json:"severity"`
		KnownExploited bool     `json:"knownExploited"`
		EPSS           *float64 `json:"epss,omitempty"`
		FixedVersions  []string `json:"fixedVersions"`
	}
	sarifInvocation struct {
		ExecutionSuccessful        bool                `json:"executionSuccessful"`
		EndTimeUTC                 string              `json:"endTimeUtc,omitempty"`
		ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
	}
	sarifNotification struct {
		Level   string       `json:"level"`
		Message sarifMessage `json:"message"`
	}
	sarifRunProps struct {
		SBOMFormat string `json:"sbomFormat,omitempty"`
		Components int    `json:"components"`
		Unmatched  int    `json:"unmatched"`
	}
)

// writeSARIF writes a SARIF 2.1.0 log of one run: a rule per vulnerability
// and a result per finding. Findings that VEX marks not_affected or fixed
// are kept, with an external suppression, so that code-scanning services
// close their alerts instead of losing track of them.
func writeSARIF(w io.Writer, res *model.ScanResult) error {
	fs := sortedFindings(res.Findings)
	groups := groupByVulnerability(fs)
	ruleIndex := map[string]int{}
	rules := make([]sarifRule, 0, len(groups))
	for i, g := range groups {
		ruleIndex[g.vuln.ID] = i
		rules = append(rules, sarifRuleFor(g))
	}
	uri := artifactURI(res.Source)
	results := make([]sarifResult, 0, len(fs))
	for _, f := range fs {
		results = append(results, sarifResultFor(f, ruleIndex[f.Vulnerability.ID], uri))
	}
	inv := sarifInvocation{
		ExecutionSuccessful:        true,
		ToolExecutionNotifications: append(unmatchedNotifications(res.Unmatched), undeterminedNotifications(res.Undetermined)...),
	}
	if !res.Generated.IsZero() {
		inv.EndTimeUTC = res.Generated.UTC().Format(time.RFC3339)
	}
	log := sarifLog{
		Schema:  sarifSchema,
		Version: sarifVersion,
		Runs: []sarifRun{{
			Tool: sarifTool{Driver: sarifDriver{
				Name:           "rocca",
				Version:        res.Tool,
				InformationURI: informationURI,
				Rules:          rules,
			}},
			Invocations: []sarifInvocation{inv},
			Results:     results,
			Properties: &sarifRunProps{
				SBOMFormat: strings.TrimSpace(res.Format + " " + res.SpecVersion),
				Components: res.Components,
				Unmatched:  len(res.Unmatched),
			},
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(&log)
}

// sarifLevel maps a rating to a SARIF level: critical and high are errors,
// medium a warning, anything less (or unknown) a note.
func sarifLevel(r model.Rating) string {
	switch r {
	case model.RatingCritical, model.RatingHigh:
		return "error"
	case model.RatingMedium:
		return "warning"
	}
	return "note"
}

func sarifRuleFor(g *vulnGroup) sarifRule {
	v := g.vuln
	rating := ratingOf(v.Severity)
	short := sentence(v.Summary)
	if short == "" {
		short = "Known vulnerability " + v.ID + "."
	}
	full := short
	if al := aliases(v); len(al) > 0 {
		full += " Also known as " + strings.Join(al, ", ") + "."
	}
	_, helpURI := idSource(v.ID)
	props := &sarifRuleProperties{Tags: []string{"security", "vulnerability", string(rating)}}
	if v.Severity.Score > 0 {
		props.SecuritySeverity = strconv.FormatFloat(v.Severity.Score, 'f', 1, 64)
	}
	if v.KEV != nil {
		props.Tags = append(props.Tags, "known-exploited")
	}
	text, markdown := ruleHelp(g)
	return sarifRule{
		ID:                   v.ID,
		ShortDescription:     &sarifMessage{Text: short},
		FullDescription:      &sarifMessage{Text: full},
		Help:                 &sarifMultiformat{Text: text, Markdown: markdown},
		HelpURI:              helpURI,
		DefaultConfiguration: &sarifConfiguration{Level: sarifLevel(rating)},
		Properties:           props,
	}
}

// ruleHelp describes a vulnerability: its ids, severity, exploitation,
// the fixed versions per component and references, as text and markdown.
func ruleHelp(g *vulnGroup) (text, markdown string) {
	v := g.vuln
	var t, m strings.Builder
	title := v.ID
	if s := sentence(v.Summary); s != "" {
		title += ": " + s
	}
	fmt.Fprintf(&t, "%s\n\n", title)
	fmt.Fprintf(&m, "**%s**\n\n", title)

	var ids, idLinks []string
	for _, id := range v.IDs {
		_, u := idSource(id)
		ids = append(ids, id)
		idLinks = append(idLinks, "["+id+"]("+u+")")
	}
	fmt.Fprintf(&t, "Identifiers: %s\n", strings.Join(ids, ", "))
	fmt.Fprintf(&m, "- Identifiers: %s\n", strings.Join(idLinks, ", "))

	sev := severityText(v.Severity)
	if v.Severity.Vector != "" {
		sev += " (" + v.Severity.Vector + ")"
	}
	if v.Severity.Source != "" {
		sev += "; source: " + v.Severity.Source
	}
	fmt.Fprintf(&t, "Severity: %s\n", sev)
	fmt.Fprintf(&m, "- Severity: %s\n", sev)
	if k := v.KEV; k != nil {
		kev := "yes, in the CISA KEV catalogue"
		if !k.DateAdded.IsZero() {
			kev += " since " + k.DateAdded.UTC().Format(time.DateOnly)
		}
		if k.Ransomware {
			kev += "; known to be used in ransomware campaigns"
		}
		fmt.Fprintf(&t, "Known exploited: %s\n", kev)
		fmt.Fprintf(&m, "- Known exploited: %s\n", kev)
	}
	if e := v.EPSS; e != nil {
		epss := fmt.Sprintf("%s probability of exploitation in the next 30 days (percentile %s)",
			epssText(e.Score), strconv.FormatFloat(e.Percentile, 'f', -1, 64))
		fmt.Fprintf(&t, "EPSS: %s\n", epss)
		fmt.Fprintf(&m, "- EPSS: %s\n", epss)
	}

	fmt.Fprintf(&t, "\nFixed versions:\n")
	fmt.Fprintf(&m, "\n**Fixed versions**\n\n")
	seen := map[string]bool{}
	for _, f := range g.findings {
		line := componentLabel(f.Component)
		if k := f.Component.Key(); k != line {
			line += " (" + k + ")"
		}
		if fixed := uniqueStrings(f.FixedVersions); len(fixed) > 0 {
			line += ": " + strings.Join(fixed, ", ")
		} else {
			line += ": no fixed version known"
		}
		if seen[line] {
			continue
		}
		seen[line] = true
		fmt.Fprintf(&t, "- %s\n", line)
		fmt.Fprintf(&m, "- %s\n", line)
	}
	if len(v.References) > 0 {
		fmt.Fprintf(&t, "\nReferences:\n")
		fmt.Fprintf(&m, "\n**References**\n\n")
		for _, r := range v.References {
			fmt.Fprintf(&t, "- %s\n", r)
			fmt.Fprintf(&m, "- <%s>\n", r)
		}
	}
	return strings.TrimRight(t.String(), "\n"), strings.TrimRight(m.String(), "\n")
}

func sarifResultFor(f *model.Finding, ruleIndex int, uri string) sarifResult {
	v := f.Vulnerability
	rating := ratingOf(v.Severity)
	fixed := uniqueStrings(f.FixedVersions)
	props := &sarifResultProperties{
		Component:      f.Component.Key(),
		BOMRef:         f.Component.Ref,
		Status:         string(statusOf(f)),
		Justification:  f.Justification,
		StatusSource:   f.StatusSource,
		Severity:       severityText(v.Severity),
		KnownExploited: v.KEV != nil,
		FixedVersions:  nonNil(fixed),
	}
	if v.EPSS != nil {
		score := v.EPSS.Score
		props.EPSS = &score
	}
	logical := sarifLogicalLocation{
		Name:               f.Component.Name,
		FullyQualifiedName: f.Component.Key(),
		Kind:               "module",
	}
	r := sarifResult{
		RuleID:    v.ID,
		RuleIndex: ruleIndex,
		Level:     sarifLevel(rating),
		Message:   sarifMessage{Text: resultMessage(f)},
		Locations: []sarifLocation{{
			PhysicalLocation: sarifPhysicalLocation{
				ArtifactLocation: sarifArtifactLocation{URI: uri},
				// The SBOM line of the component is not known here; line 1
				// stands for the file, as code-scanning services want a line.
				Region: &sarifRegion{StartLine: 1},
			},
			LogicalLocations: []sarifLogicalLocation{logical},
		}},
		PartialFingerprints: map[string]string{fingerprintKey: fingerprint(f)},
		Properties:          props,
	}
	if suppressed(f) {
		r.Suppressions = []sarifSuppression{{
			Kind:          "external",
			Status:        "accepted",
			Justification: vexExplanation(f),
		}}
	}
	return r
}

// resultMessage says which component the finding is about, what the
// vulnerability is and which versions fix it, in a few sentences.
func resultMessage(f *model.Finding) string {
	v := f.Vulnerability
	comp := componentLabel(f.Component)
	if k := f.Component.Key(); k != comp {
		comp += " (" + k + ")"
	}
	details := []string{severityText(v.Severity)}
	if v.KEV != nil {
		details = append(details, "known exploited")
	}
	var b strings.Builder
	verb := "is affected by"
	if statusOf(f) != model.StatusAffected {
		verb = "matches"
	}
	fmt.Fprintf(&b, "%s %s %s (%s)", comp, verb, v.ID, strings.Join(details, ", "))
	if s := sentence(v.Summary); s != "" {
		b.WriteString(": " + s)
	} else {
		b.WriteString(".")
	}
	if statusOf(f) != model.StatusAffected {
		b.WriteString(" " + vexExplanation(f) + ".")
	}
	if fixed := uniqueStrings(f.FixedVersions); len(fixed) > 0 {
		b.WriteString(" Fixed in " + strings.Join(fixed, ", ") + ".")
	} else {
		b.WriteString(" No fixed version is known.")
	}
	return b.String()
}

// vexExplanation is e.g. "VEX says not_affected (component_not_present) in
// triage.openvex.json".
func vexExplanation(f *model.Finding) string {
	t := "VEX says " + string(statusOf(f))
	if f.Justification != "" {
		t += " (" + f.Justification + ")"
	}
	if f.StatusSource != "" {
		t += " in " + f.StatusSource
	}
	return t
}

// fingerprint identifies a finding across scans: it hashes the component's
// key (purl or name@version, not its bom-ref, which SBOM generators often
// make random) and the vulnerability id.
func fingerprint(f *model.Finding) string {
	sum := sha256.Sum256([]byte(f.Component.Key() + "\n" + f.Vulnerability.ID))
	return hex.EncodeToString(sum[:16])
}

// unmatchedNotifications reports the components that could not be looked
// up, one notification per reason.
func unmatchedNotifications(um []model.Unmatched) []sarifNotification {
	var out []sarifNotification
	other := 0
	for i, r := range groupUnmatched(um) {
		if i >= maxUnmatchedReasons {
			other += len(r.comps)
			continue
		}
		var labels []string
		for _, c := range r.comps[:min(len(r.comps), 5)] {
			labels = append(labels, unmatchedLabel(c))
		}
		list := strings.Join(labels, ", ")
		if more := len(r.comps) - len(labels); more > 0 {
			list += fmt.Sprintf(" and %d more", more)
		}
		out = append(out, sarifNotification{
			Level: "warning",
			Message: sarifMessage{Text: fmt.Sprintf("%s not checked for vulnerabilities (%s): %s.",
				plural(len(r.comps), "component", "components"), r.text, list)},
		})
	}
	if other > 0 {
		out = append(out, sarifNotification{
			Level:   "warning",
			Message: sarifMessage{Text: fmt.Sprintf("%s not checked for vulnerabilities for other reasons.", plural(other, "more component", "more components"))},
		})
	}
	return out
}

// undeterminedNotifications reports the component/advisory pairs the
// matcher could not decide, so that they are not read as clean.
func undeterminedNotifications(ud []model.Undetermined) []sarifNotification {
	var out []sarifNotification
	for _, u := range ud[:min(len(ud), maxUnmatchedListed)] {
		out = append(out, sarifNotification{
			Level:   "warning",
			Message: sarifMessage{Text: fmt.Sprintf("%s: cannot tell whether %s affects it: %s.", unmatchedLabel(u.Component), u.Advisory, u.Reason)},
		})
	}
	if rest := len(ud) - maxUnmatchedListed; rest > 0 {
		out = append(out, sarifNotification{
			Level:   "warning",
			Message: sarifMessage{Text: fmt.Sprintf("%s more could not be decided.", plural(rest, "component/advisory pair", "component/advisory pairs"))},
		})
	}
	return out
}

// artifactURI turns the SBOM's name as the user gave it into a URI
// reference: relative paths stay relative (code-scanning services resolve
// them against the repository root), absolute paths become file: URIs.
func artifactURI(source string) string {
	if source == "" {
		return "sbom"
	}
	p := filepath.ToSlash(source)
	if filepath.IsAbs(source) {
		if !strings.HasPrefix(p, "/") {
			p = "/" + p // a Windows drive path
		}
		return (&url.URL{Scheme: "file", Path: p}).String()
	}
	for strings.HasPrefix(p, "./") {
		p = p[2:]
	}
	return (&url.URL{Path: p}).String()
}

// sentence trims s and ends it with a full stop unless it already ends
// with punctuation.
func sentence(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return ""
	}
	switch s[len(s)-1] {
	case '.', '!', '?':
		return s
	}
	return s + "."
}
