package output

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/rocca-project/rocca/internal/model"
)

// Format names an output format.
type Format string

// The output formats.
const (
	FormatTable     Format = "table"
	FormatJSON      Format = "json"
	FormatSARIF     Format = "sarif"
	FormatCycloneDX Format = "cyclonedx"
)

// Formats lists the format names ParseFormat accepts, the default first.
func Formats() []string {
	return []string{string(FormatTable), string(FormatJSON), string(FormatSARIF), string(FormatCycloneDX)}
}

// ParseFormat returns the format named s (case and surrounding blanks are
// ignored).
func ParseFormat(s string) (Format, error) {
	name := strings.ToLower(strings.TrimSpace(s))
	for _, f := range Formats() {
		if name == f {
			return Format(f), nil
		}
	}
	return "", fmt.Errorf("unknown format %q (want one of %s)", s, strings.Join(Formats(), ", "))
}

// Write renders res to w in format f.
func Write(w io.Writer, f Format, res *model.ScanResult) error {
	if res == nil {
		return errors.New("output: no scan result")
	}
	switch f {
	case FormatTable:
		return writeTable(w, res)
	case FormatJSON:
		return writeJSON(w, res)
	case FormatSARIF:
		return writeSARIF(w, res)
	case FormatCycloneDX:
		return writeCycloneDX(w, res)
	}
	return fmt.Errorf("output: unknown format %q", string(f))
}

// sortedFindings returns pointers to the findings of fs in report order:
// by component key, then known-exploited first, then most severe rating,
// then highest score, then id. The order does not depend on the order of
// fs. The findings are not copied: a report of tens of thousands of them
// would otherwise hold them twice.
func sortedFindings(fs []model.Finding) []*model.Finding {
	type keyed struct {
		key string // the component's key, made once, not per comparison
		f   *model.Finding
	}
	ks := make([]keyed, len(fs))
	for i := range fs {
		ks[i] = keyed{fs[i].Component.Key(), &fs[i]}
	}
	slices.SortStableFunc(ks, func(a, b keyed) int {
		if c := cmp.Compare(a.key, b.key); c != 0 {
			return c
		}
		if c := compareFindingWithinComponent(a.f, b.f); c != 0 {
			return c
		}
		return cmp.Compare(a.f.Component.Ref, b.f.Component.Ref)
	})
	out := make([]*model.Finding, len(ks))
	for i, k := range ks {
		out[i] = k.f
	}
	return out
}

func compareFindingWithinComponent(a, b *model.Finding) int {
	va, vb := a.Vulnerability, b.Vulnerability
	if ka, kb := va.KEV != nil, vb.KEV != nil; ka != kb {
		if ka {
			return -1
		}
		return 1
	}
	if c := cmp.Compare(vb.Severity.Rating.Rank(), va.Severity.Rating.Rank()); c != 0 {
		return c
	}
	if c := cmp.Compare(vb.Severity.Score, va.Severity.Score); c != 0 {
		return c
	}
	return cmp.Compare(va.ID, vb.ID)
}

// suppressed reports whether a VEX statement says the finding needs no
// action: the component is not affected or the vulnerability is fixed in it.
func suppressed(f *model.Finding) bool {
	return f.Status == model.StatusNotAffected || f.Status == model.StatusFixed
}

// statusOf returns the finding's status, affected when unset.
func statusOf(f *model.Finding) model.Status {
	if f.Status == "" {
		return model.StatusAffected
	}
	return f.Status
}

// ratingOf returns the rating, unknown when unset or not a rating.
func ratingOf(s model.Severity) model.Rating {
	if r, ok := model.ParseRating(string(s.Rating)); ok {
		return r
	}
	return model.RatingUnknown
}

// ratingsBySeverity lists the ratings from most to least severe.
var ratingsBySeverity = []model.Rating{
	model.RatingCritical, model.RatingHigh, model.RatingMedium,
	model.RatingLow, model.RatingNone, model.RatingUnknown,
}

// aliases returns the vulnerability's ids other than its preferred one,
// sorted and without duplicates.
func aliases(v model.Vulnerability) []string {
	var out []string
	for _, id := range v.IDs {
		if id != "" && id != v.ID {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// allIDs returns the preferred id followed by the aliases.
func allIDs(v model.Vulnerability) []string {
	return append([]string{v.ID}, aliases(v)...)
}

// idSource names the database an id belongs to and the address of its page.
func idSource(id string) (name, url string) {
	switch {
	case strings.HasPrefix(id, "CVE-"):
		return "NVD", "https://nvd.nist.gov/vuln/detail/" + id
	case strings.HasPrefix(id, "GHSA-"):
		return "GitHub", "https://github.com/advisories/" + id
	}
	return "OSV", "https://osv.dev/vulnerability/" + id
}

// vulnGroup is one vulnerability with every finding of it, across
// components.
type vulnGroup struct {
	vuln     model.Vulnerability
	findings []*model.Finding
}

// groupByVulnerability groups findings (in report order) by vulnerability
// id, the groups sorted by id. When the findings of one id disagree (they
// should not: a group's data is merged before findings are made), the ids
// and references are united and the most severe severity, the first KEV and
// EPSS entries and the first summary are kept.
func groupByVulnerability(fs []*model.Finding) []*vulnGroup {
	byID := map[string]*vulnGroup{}
	var groups []*vulnGroup
	for _, f := range fs {
		g := byID[f.Vulnerability.ID]
		if g == nil {
			g = &vulnGroup{vuln: f.Vulnerability}
			g.vuln.IDs = slices.Clone(g.vuln.IDs)
			g.vuln.References = slices.Clone(g.vuln.References)
			byID[f.Vulnerability.ID] = g
			groups = append(groups, g)
		} else {
			mergeVulnerability(&g.vuln, &f.Vulnerability)
		}
		g.findings = append(g.findings, f)
	}
	for _, g := range groups {
		g.vuln.IDs = allIDs(g.vuln)
		g.vuln.References = uniqueStrings(g.vuln.References)
	}
	slices.SortFunc(groups, func(a, b *vulnGroup) int { return cmp.Compare(a.vuln.ID, b.vuln.ID) })
	return groups
}

func mergeVulnerability(dst, src *model.Vulnerability) {
	dst.IDs = append(dst.IDs, src.IDs...)
	dst.References = append(dst.References, src.References...)
	if dst.Summary == "" {
		dst.Summary = src.Summary
	}
	a, b := dst.Severity, src.Severity
	if ratingOf(b).Rank() > ratingOf(a).Rank() || ratingOf(b) == ratingOf(a) && b.Score > a.Score {
		dst.Severity = src.Severity
	}
	if dst.KEV == nil {
		dst.KEV = src.KEV
	}
	if dst.EPSS == nil {
		dst.EPSS = src.EPSS
	}
}

// uniqueStrings returns the non-empty strings of s in their first order,
// without repeats. Short lists (fixed versions, a finding's usual case)
// are checked without a map: this runs for every finding of a report.
func uniqueStrings(s []string) []string {
	var out []string
	if len(s) <= 16 {
		for _, v := range s {
			if v != "" && !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
		return out
	}
	seen := map[string]bool{}
	for _, v := range s {
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// componentLabel is "name version" for messages, falling back to the key.
func componentLabel(c model.Component) string {
	name := c.Name
	switch {
	case name == "":
		return c.Key()
	case c.Version == "":
		return name
	}
	return name + " " + c.Version
}

// errWriter remembers the first write error so that renderers can write
// freely and check once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) {
	fmt.Fprintf(e, format, args...)
}

func (e *errWriter) str(s string) {
	if e.err == nil {
		_, e.err = io.WriteString(e.w, s)
	}
}

// unmatchedReason is one reason components could not be looked up, with
// those components in their input order.
type unmatchedReason struct {
	text  string
	comps []model.Component
}

// groupUnmatched groups unmatched components by reason, the most frequent
// reason first (ties by reason text).
func groupUnmatched(um []model.Unmatched) []*unmatchedReason {
	byText := map[string]*unmatchedReason{}
	var reasons []*unmatchedReason
	for _, u := range um {
		text := strings.Join(strings.Fields(u.Reason), " ")
		if text == "" {
			text = "no reason given"
		}
		r := byText[text]
		if r == nil {
			r = &unmatchedReason{text: text}
			byText[text] = r
			reasons = append(reasons, r)
		}
		r.comps = append(r.comps, u.Component)
	}
	slices.SortStableFunc(reasons, func(a, b *unmatchedReason) int {
		if c := cmp.Compare(len(b.comps), len(a.comps)); c != 0 {
			return c
		}
		return cmp.Compare(a.text, b.text)
	})
	return reasons
}

// unmatchedLabel names an unmatched component: its key, and its bom-ref
// when it has no purl, to find it in the SBOM.
func unmatchedLabel(c model.Component) string {
	label := c.Key()
	if label == "" {
		label = "(unnamed component)"
	}
	if c.PURL == "" && c.Ref != "" && c.Ref != label {
		label += " [bom-ref " + c.Ref + "]"
	}
	return label
}
