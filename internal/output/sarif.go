package output

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

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

// sarifNotification is a tool execution notification of the run.
type sarifNotification struct {
	level, text string
}

// writeSARIF writes a SARIF 2.1.0 log of one run: a rule per vulnerability
// and a result per finding. Findings that VEX marks not_affected or fixed
// are kept, with an external suppression, so that code-scanning services
// close their alerts instead of losing track of them.
//
// The log is streamed: rules and results are encoded in blocks on every
// CPU and written as they are done, never held as a tree. Its bytes are
// what encoding/json (indented by two spaces, HTML escaping off) made of
// the log when it was one; the golden files hold it to that. Members
// appear in the order of the specification's examples; empty optional
// members are left out.
func writeSARIF(w io.Writer, res *model.ScanResult) error {
	fs := sortedFindings(res.Findings)
	groups := groupByVulnerability(fs)
	ruleIndex := make(map[string]int, len(groups))
	for i, g := range groups {
		ruleIndex[g.vuln.ID] = i
	}
	uri := artifactURI(res.Source)
	bw := bufio.NewWriterSize(w, 64<<10)
	var bufs blockBuffers
	e := &jsonEncoder{}
	flush := func() error {
		_, err := bw.Write(e.b)
		e.b = e.b[:0]
		return err
	}

	top, run, tool, driver := true, true, true, true
	e.b = append(e.b, '{')
	e.str(&top, 1, "$schema", sarifSchema)
	e.str(&top, 1, "version", sarifVersion)
	e.key(&top, 1, "runs")
	e.b = append(e.b, '[')
	e.elem(0, 2, '{')
	e.key(&run, 3, "tool")
	e.b = append(e.b, '{')
	e.key(&tool, 4, "driver")
	e.b = append(e.b, '{')
	e.str(&driver, 5, "name", "rocca")
	e.strOmit(&driver, 5, "version", res.Tool)
	e.str(&driver, 5, "informationUri", informationURI)
	e.key(&driver, 5, "rules")
	e.b = append(e.b, '[')
	if len(groups) > 0 {
		if err := flush(); err != nil {
			return err
		}
		err := bufs.write(bw, len(groups), jsonEncoder{}, func(e *jsonEncoder, i int) {
			e.elem(i, 6, '{')
			e.sarifRule(groups[i], 6)
		})
		if err != nil {
			return err
		}
		e.nl(5)
	}
	e.b = append(e.b, ']')
	e.close(4, '}')
	e.close(3, '}')

	e.key(&run, 3, "invocations")
	e.b = append(e.b, '[')
	e.elem(0, 4, '{')
	e.sarifInvocation(res, 4)
	e.close(3, ']')

	e.key(&run, 3, "results")
	e.b = append(e.b, '[')
	if len(fs) > 0 {
		if err := flush(); err != nil {
			return err
		}
		err := bufs.write(bw, len(fs), jsonEncoder{}, func(e *jsonEncoder, i int) {
			e.elem(i, 4, '{')
			e.sarifResult(fs[i], ruleIndex[fs[i].Vulnerability.ID], uri, 4)
		})
		if err != nil {
			return err
		}
		e.nl(3)
	}
	e.b = append(e.b, ']')

	props := true
	e.key(&run, 3, "properties")
	e.b = append(e.b, '{')
	e.strOmit(&props, 4, "sbomFormat", strings.TrimSpace(res.Format+" "+res.SpecVersion))
	e.int(&props, 4, "components", res.Components)
	e.int(&props, 4, "unmatched", len(res.Unmatched))
	e.close(3, '}')
	e.close(2, '}')
	e.close(1, ']')
	e.close(0, '}')
	e.b = append(e.b, '\n')
	if e.err != nil {
		return e.err
	}
	if err := flush(); err != nil {
		return err
	}
	return bw.Flush()
}

// sarifText appends {"text": text}, an object opened at depth.
func (e *jsonEncoder) sarifText(text string, depth int) {
	first := true
	e.b = append(e.b, '{')
	e.str(&first, depth+1, "text", text)
	e.close(depth, '}')
}

// sarifInvocation appends the members of the run's invocation, an object
// opened at depth, and closes it.
func (e *jsonEncoder) sarifInvocation(res *model.ScanResult, depth int) {
	first := true
	e.bool(&first, depth+1, "executionSuccessful", true)
	if !res.Generated.IsZero() {
		e.str(&first, depth+1, "endTimeUtc", res.Generated.UTC().Format(time.RFC3339))
	}
	notes := append(unmatchedNotifications(res.Unmatched), undeterminedNotifications(res.Undetermined)...)
	if len(notes) > 0 {
		e.key(&first, depth+1, "toolExecutionNotifications")
		e.b = append(e.b, '[')
		for i, n := range notes {
			e.elem(i, depth+2, '{')
			nf := true
			e.str(&nf, depth+3, "level", n.level)
			e.key(&nf, depth+3, "message")
			e.sarifText(n.text, depth+3)
			e.close(depth+2, '}')
		}
		e.close(depth+1, ']')
	}
	e.close(depth, '}')
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

// sarifRule appends the members of the rule of a vulnerability, an
// object opened at depth, and closes it.
func (e *jsonEncoder) sarifRule(g *vulnGroup, depth int) {
	v := &g.vuln
	d := depth + 1
	rating := ratingOf(v.Severity)
	short := sentence(v.Summary)
	if short == "" {
		short = "Known vulnerability " + v.ID + "."
	}
	full := short
	if al := aliases(*v); len(al) > 0 {
		full += " Also known as " + strings.Join(al, ", ") + "."
	}
	_, helpURI := idSource(v.ID)
	text, markdown := appendRuleHelp(e.scratch[0][:0], e.scratch[1][:0], g)
	e.scratch[0], e.scratch[1] = text, markdown

	first := true
	e.str(&first, d, "id", v.ID)
	e.key(&first, d, "shortDescription")
	e.sarifText(short, d)
	e.key(&first, d, "fullDescription")
	e.sarifText(full, d)
	e.key(&first, d, "help")
	hf := true
	e.b = append(e.b, '{')
	e.key(&hf, d+1, "text")
	e.b = appendJSONStringMode(e.b, text, false)
	if len(markdown) > 0 {
		e.key(&hf, d+1, "markdown")
		e.b = appendJSONStringMode(e.b, markdown, false)
	}
	e.close(d, '}')
	e.strOmit(&first, d, "helpUri", helpURI)
	e.key(&first, d, "defaultConfiguration")
	cf := true
	e.b = append(e.b, '{')
	e.str(&cf, d+1, "level", sarifLevel(rating))
	e.close(d, '}')

	// security-severity is GitHub's: a CVSS-like score, as a string, from
	// which it derives the alert severity.
	e.key(&first, d, "properties")
	pf := true
	e.b = append(e.b, '{')
	if v.Severity.Score > 0 {
		e.str(&pf, d+1, "security-severity", strconv.FormatFloat(v.Severity.Score, 'f', 1, 64))
	}
	tags := []string{"security", "vulnerability", string(rating)}
	if v.KEV != nil {
		tags = append(tags, "known-exploited")
	}
	e.strings(&pf, d+1, "tags", tags)
	e.close(d, '}')
	e.close(depth, '}')
}

// appendRuleHelp appends to t and m the description of a vulnerability:
// its ids, severity, exploitation, the fixed versions per component and
// references, as text and as markdown. It runs once per rule of a log
// that may have thousands: the texts are composed in the caller's
// buffers, side by side, with plain appends.
func appendRuleHelp(t, m []byte, g *vulnGroup) (text, markdown []byte) {
	v := &g.vuln
	both := func(tp, mp, s, ts, ms string) { // t gets tp+s+ts, m gets mp+s+ms
		t = append(append(append(t, tp...), s...), ts...)
		m = append(append(append(m, mp...), s...), ms...)
	}
	title := v.ID
	if s := sentence(v.Summary); s != "" {
		title += ": " + s
	}
	both("", "**", title, "\n\n", "**\n\n")

	t = append(t, "Identifiers: "...)
	m = append(m, "- Identifiers: "...)
	for i, id := range v.IDs {
		if i > 0 {
			t = append(t, ", "...)
			m = append(m, ", "...)
		}
		_, u := idSource(id)
		t = append(t, id...)
		m = append(append(append(append(append(m, '['), id...), "]("...), u...), ')')
	}
	t = append(t, '\n')
	m = append(m, '\n')

	sev := severityText(v.Severity)
	if v.Severity.Vector != "" {
		sev += " (" + v.Severity.Vector + ")"
	}
	if v.Severity.Source != "" {
		sev += "; source: " + v.Severity.Source
	}
	both("Severity: ", "- Severity: ", sev, "\n", "\n")
	if k := v.KEV; k != nil {
		kev := "yes, in the CISA KEV catalogue"
		if !k.DateAdded.IsZero() {
			kev += " since " + k.DateAdded.UTC().Format(time.DateOnly)
		}
		if k.Ransomware {
			kev += "; known to be used in ransomware campaigns"
		}
		both("Known exploited: ", "- Known exploited: ", kev, "\n", "\n")
	}
	if e := v.EPSS; e != nil {
		epss := epssText(e.Score) + " probability of exploitation in the next 30 days (percentile " +
			strconv.FormatFloat(e.Percentile, 'f', -1, 64) + ")"
		both("EPSS: ", "- EPSS: ", epss, "\n", "\n")
	}

	t = append(t, "\nFixed versions:\n"...)
	m = append(m, "\n**Fixed versions**\n\n"...)
	var seen map[string]bool
	if len(g.findings) > 1 {
		seen = make(map[string]bool, len(g.findings))
	}
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
		if seen != nil {
			seen[line] = true
		}
		both("- ", "- ", line, "\n", "\n")
	}
	if len(v.References) > 0 {
		t = append(t, "\nReferences:\n"...)
		m = append(m, "\n**References**\n\n"...)
		for _, r := range v.References {
			both("- ", "- <", r, "\n", ">\n")
		}
	}
	return bytes.TrimRight(t, "\n"), bytes.TrimRight(m, "\n")
}

// sarifResult appends the members of the result of finding f, an object
// opened at depth, and closes it.
func (e *jsonEncoder) sarifResult(f *model.Finding, ruleIndex int, uri string, depth int) {
	v := &f.Vulnerability
	d := depth + 1
	key := f.Component.Key()
	first := true
	e.str(&first, d, "ruleId", v.ID)
	e.int(&first, d, "ruleIndex", ruleIndex)
	e.str(&first, d, "level", sarifLevel(ratingOf(v.Severity)))
	fixed := uniqueStrings(f.FixedVersions)
	e.key(&first, d, "message")
	msg := appendResultMessage(e.scratch[0][:0], f, key, fixed)
	e.scratch[0] = msg
	mf := true
	e.b = append(e.b, '{')
	e.key(&mf, d+1, "text")
	e.b = appendJSONStringMode(e.b, msg, false)
	e.close(d, '}')

	e.key(&first, d, "locations")
	e.b = append(e.b, '[')
	e.elem(0, d+1, '{')
	lf, pf, af, rf, gf := true, true, true, true, true
	e.key(&lf, d+2, "physicalLocation")
	e.b = append(e.b, '{')
	e.key(&pf, d+3, "artifactLocation")
	e.b = append(e.b, '{')
	e.str(&af, d+4, "uri", uri)
	e.close(d+3, '}')
	// The SBOM line of the component is not known here; line 1 stands
	// for the file, as code-scanning services want a line.
	e.key(&pf, d+3, "region")
	e.b = append(e.b, '{')
	e.int(&rf, d+4, "startLine", 1)
	e.close(d+3, '}')
	e.close(d+2, '}')
	e.key(&lf, d+2, "logicalLocations")
	e.b = append(e.b, '[')
	e.elem(0, d+3, '{')
	e.strOmit(&gf, d+4, "name", f.Component.Name)
	e.strOmit(&gf, d+4, "fullyQualifiedName", key)
	e.str(&gf, d+4, "kind", "module")
	e.close(d+3, '}')
	e.close(d+2, ']')
	e.close(d+1, '}')
	e.close(d, ']')

	e.key(&first, d, "partialFingerprints")
	ff := true
	e.b = append(e.b, '{')
	e.key(&ff, d+1, fingerprintKey)
	e.b = append(e.b, '"') // hexadecimal digits need no escaping
	e.b = appendFingerprint(e.b, key, v.ID)
	e.b = append(e.b, '"')
	e.close(d, '}')

	if suppressed(f) {
		e.key(&first, d, "suppressions")
		e.b = append(e.b, '[')
		e.elem(0, d+1, '{')
		sf := true
		e.str(&sf, d+2, "kind", "external")
		e.str(&sf, d+2, "status", "accepted")
		e.strOmit(&sf, d+2, "justification", suppressionJustification(f))
		e.close(d+1, '}')
		e.close(d, ']')
	}

	e.key(&first, d, "properties")
	p := true
	e.b = append(e.b, '{')
	e.strOmit(&p, d+1, "component", key)
	e.strOmit(&p, d+1, "bomRef", f.Component.Ref)
	e.str(&p, d+1, "status", string(statusOf(f)))
	e.strOmit(&p, d+1, "justification", f.Justification)
	e.strOmit(&p, d+1, "statusSource", f.StatusSource)
	if a := f.Analysis; a != nil {
		e.strOmit(&p, d+1, "impact", a.Impact)
		e.strOmit(&p, d+1, "action", a.Action)
		e.stringsOmit(&p, d+1, "response", a.Response)
		e.strOmit(&p, d+1, "detail", a.Detail)
		e.strOmit(&p, d+1, "analysisAuthor", a.Author)
		if !a.Timestamp.IsZero() {
			e.str(&p, d+1, "analysisTimestamp", a.Timestamp.UTC().Format(time.RFC3339))
		}
	}
	e.str(&p, d+1, "severity", severityText(v.Severity))
	e.bool(&p, d+1, "knownExploited", v.KEV != nil)
	if v.EPSS != nil {
		e.float(&p, d+1, "epss", v.EPSS.Score)
	}
	e.strings(&p, d+1, "fixedVersions", fixed)
	e.close(d, '}')
	e.close(depth, '}')
}

// appendResultMessage appends to b what the finding is about: which
// component, what the vulnerability is and which versions fix it, in a few
// sentences. key is the component's key and fixed the finding's fixed
// versions (uniqueStrings), which the caller has at hand.
func appendResultMessage(b []byte, f *model.Finding, key string, fixed []string) []byte {
	v := &f.Vulnerability
	comp := componentLabel(f.Component)
	b = append(b, comp...)
	if key != comp {
		b = append(append(append(b, " ("...), key...), ')')
	}
	affected := statusOf(f) == model.StatusAffected
	if affected {
		b = append(b, " is affected by "...)
	} else {
		b = append(b, " matches "...)
	}
	b = append(append(append(b, v.ID...), " ("...), severityText(v.Severity)...)
	if v.KEV != nil {
		b = append(b, ", known exploited"...)
	}
	b = append(b, ')')
	if s := sentence(v.Summary); s != "" {
		b = append(append(b, ": "...), s...)
	} else {
		b = append(b, '.')
	}
	if !affected {
		b = append(append(append(b, ' '), vexExplanation(f)...), '.')
	}
	if len(fixed) > 0 {
		b = append(b, " Fixed in "...)
		for i, x := range fixed {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = append(b, x...)
		}
		b = append(b, '.')
	} else {
		b = append(b, " No fixed version is known."...)
	}
	return b
}

// suppressionJustification is the VEX explanation of a suppressed finding
// followed by its analysis' impact statement and detail, when it has them.
func suppressionJustification(f *model.Finding) string {
	t := vexExplanation(f)
	a := f.Analysis
	if a == nil {
		return t
	}
	parts := []string{t}
	if a.Impact != "" && a.Impact != f.Justification {
		parts = append(parts, "Impact: "+a.Impact)
	}
	if a.Detail != "" {
		parts = append(parts, a.Detail)
	}
	if a.Author != "" {
		parts = append(parts, "Decided by "+a.Author)
	}
	for i := range parts {
		parts[i] = strings.TrimRight(strings.TrimSpace(parts[i]), ".")
	}
	return strings.Join(parts, ". ") + "."
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
	return string(appendFingerprint(nil, f.Component.Key(), f.Vulnerability.ID))
}

// appendFingerprint appends the fingerprint of the finding of vulnerability
// id in the component of that key, in hexadecimal.
func appendFingerprint(b []byte, key, id string) []byte {
	var buf [256]byte
	text := append(append(append(buf[:0], key...), '\n'), id...)
	sum := sha256.Sum256(text)
	return hex.AppendEncode(b, sum[:16])
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
		out = append(out, sarifNotification{"warning", fmt.Sprintf("%s not checked for vulnerabilities (%s): %s.",
			plural(len(r.comps), "component", "components"), r.text, list)})
	}
	if other > 0 {
		out = append(out, sarifNotification{"warning",
			fmt.Sprintf("%s not checked for vulnerabilities for other reasons.", plural(other, "more component", "more components"))})
	}
	return out
}

// undeterminedNotifications reports the component/advisory pairs the
// matcher could not decide, so that they are not read as clean.
func undeterminedNotifications(ud []model.Undetermined) []sarifNotification {
	var out []sarifNotification
	for _, u := range ud[:min(len(ud), maxUnmatchedListed)] {
		out = append(out, sarifNotification{"warning",
			fmt.Sprintf("%s: cannot tell whether %s affects it: %s.", unmatchedLabel(u.Component), u.Advisory, u.Reason)})
	}
	if rest := len(ud) - maxUnmatchedListed; rest > 0 {
		out = append(out, sarifNotification{"warning",
			fmt.Sprintf("%s more could not be decided.", plural(rest, "component/advisory pair", "component/advisory pairs"))})
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
// with punctuation; runs of white space become one space.
func sentence(s string) string {
	if !plainSpaced(s) {
		s = strings.Join(strings.Fields(s), " ")
	}
	if s == "" {
		return ""
	}
	switch s[len(s)-1] {
	case '.', '!', '?':
		return s
	}
	return s + "."
}

// plainSpaced reports whether s is ASCII with single spaces between words
// and none at either end, so that strings.Fields and Join would return it
// unchanged (most summaries, and this runs for every SARIF result).
func plainSpaced(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= utf8.RuneSelf, c == '\t', c == '\n', c == '\v', c == '\f', c == '\r':
			return false
		case c == ' ' && (i == 0 || i == len(s)-1 || s[i-1] == ' '):
			return false
		}
	}
	return true
}
