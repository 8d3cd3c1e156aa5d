package output

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/rocca-project/rocca/internal/model"
)

// generatedFixture is a scan result made from a seeded generator, larger
// and stranger than fixture(): dozens of components and vulnerabilities,
// text that JSON must escape (quotes, backslashes, control characters,
// U+2028, invalid UTF-8, HTML metacharacters, non-Latin scripts),
// components without name, version, purl or bom-ref, bom-refs that
// collide with generated ones, every VEX status and justification kind,
// unknown statuses and component types, scores and EPSS values that
// JSON prints in exponent form, and more unmatched and undetermined
// entries than the table and SARIF list. Its renderings are pinned by
// the generated.* golden files, so that a rewrite of a renderer keeps
// its output byte for byte. The same seed always gives the same result.
func generatedFixture(seed uint64) *model.ScanResult {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	pick := func(s []string) string { return s[r.IntN(len(s))] }
	texts := []string{
		"plain", `quote " and backslash \`, "tab\there", "line\nbreak", "esc \x1b[2J clear", "bell\a",
		"<script>&amp;</script>", "sep\u2028\u2029", "bad \xff\xfe utf8", "Ünïcödé", "日本語の説明", "emoji 🐛",
		"  spaced   out  ", "ends with a question?", "ends!", "", "C1 \u009b31m csi", "bidi \u202eevil",
	}
	ecosystems := []struct{ eco, typ string }{
		{"npm", "npm"}, {"PyPI", "pypi"}, {"Go", "golang"}, {"Maven", "maven"}, {"crates.io", "cargo"},
		{"Debian:12", "deb"}, {"AlmaLinux:9", "rpm"},
	}
	compTypes := []string{"library", "LIBRARY", "application", "firmware", "operating-system", "", "framework", "device"}

	var comps []model.Component
	for i := range 40 {
		e := ecosystems[r.IntN(len(ecosystems))]
		name := fmt.Sprintf("pkg-%02d", i)
		if r.IntN(6) == 0 {
			name += " " + pick(texts)
		}
		c := model.Component{
			Name:    name,
			Version: fmt.Sprintf("%d.%d.%d", r.IntN(4), r.IntN(20), r.IntN(10)),
			Type:    compTypes[r.IntN(len(compTypes))],
		}
		switch r.IntN(8) {
		case 0: // no purl: keyed by name@version
		case 1: // no version
			c.Version = ""
			c.PURL = "pkg:" + e.typ + "/" + name
		default:
			c.PURL = "pkg:" + e.typ + "/" + strings.ReplaceAll(name, " ", "%20") + "@" + c.Version
		}
		switch r.IntN(5) {
		case 0: // no bom-ref
		case 1:
			c.Ref = c.PURL // may be empty too
		default:
			c.Ref = fmt.Sprintf("ref-%d-%x", i, r.Uint32())
		}
		if r.IntN(4) == 0 {
			c.Group = "org.example." + pick([]string{"a", "b", "<c>"})
		}
		if r.IntN(5) == 0 {
			c.CPE = "cpe:2.3:a:example:" + name + ":" + c.Version + ":*:*:*:*:*:*:*"
		}
		if r.IntN(4) == 0 {
			c.Hashes = []model.Hash{{Alg: "SHA-256", Value: fmt.Sprintf("%064x", r.Uint64())}}
			c.Licenses = []string{"MIT", "Apache-2.0"}[:1+r.IntN(2)]
			c.Supplier, c.Scope = "Example & Sons", "required"
		}
		comps = append(comps, c)
	}
	// A component without name whose key is its purl, one with neither
	// (key ""), one whose purl is another component's bom-ref, and two
	// without bom-ref sharing a key.
	comps = append(comps,
		model.Component{PURL: "pkg:npm/nameless@1.0.0", Version: "1.0.0"},
		model.Component{},
		model.Component{Name: "clash", Version: "1", PURL: comps[3].Ref},
		model.Component{Name: "twin", Version: "2", PURL: "pkg:npm/twin@2"},
		model.Component{Name: "twin", Version: "2", PURL: "pkg:npm/twin@2", Type: "application"},
	)
	subject := &model.Component{Ref: comps[5].Ref, Name: "product \"gw\"", Version: "9.9", Type: "firmware"}
	if subject.Ref == "" {
		subject.Ref = "product-ref"
		comps[5].Ref = subject.Ref // findings on the product itself
	}

	ratings := []model.Rating{model.RatingCritical, model.RatingHigh, model.RatingMedium, model.RatingLow,
		model.RatingNone, model.RatingUnknown, "", "bogus"}
	vectors := []string{"", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS:3.0/AV:L/AC:H/PR:N/UI:N/S:U/C:L/I:N/A:N",
		"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "AV:N/AC:L/Au:N/C:P/I:P/A:P", "weird vector"}
	prefixes := []string{"CVE-2024-", "GHSA-", "GO-2024-", "PYSEC-2024-", "OSV-", "RUSTSEC-2024-"}
	var vulns []model.Vulnerability
	for i := range 30 {
		id := fmt.Sprintf("%s%04d", prefixes[r.IntN(len(prefixes))], 1000+i)
		v := model.Vulnerability{ID: id, IDs: []string{id}}
		for range r.IntN(4) {
			v.IDs = append(v.IDs, fmt.Sprintf("%s%04d", prefixes[r.IntN(len(prefixes))], r.IntN(9000)))
		}
		if r.IntN(5) == 0 {
			v.IDs = append(v.IDs, id, "") // repeats and blanks are dropped
		}
		if r.IntN(6) > 0 {
			v.Summary = pick(texts) + " in " + pick(texts)
		}
		v.Severity = model.Severity{Rating: ratings[r.IntN(len(ratings))], Vector: vectors[r.IntN(len(vectors))],
			Source: "source " + pick(texts)}
		if r.IntN(4) > 0 {
			v.Severity.Score = []float64{10, 9.8, 7.25, 5, 0.1, 3.95, 1e-7}[r.IntN(7)]
		}
		if r.IntN(4) == 0 {
			v.KEV = &model.KEV{CVE: "CVE-2024-" + fmt.Sprint(i), Ransomware: r.IntN(2) == 0, Name: pick(texts)}
			if r.IntN(3) > 0 {
				v.KEV.DateAdded = time.Date(2024, time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
			}
			if r.IntN(2) == 0 {
				v.KEV.DueDate = v.KEV.DateAdded.AddDate(0, 0, 21)
			}
		}
		if r.IntN(3) == 0 {
			v.EPSS = &model.EPSS{CVE: "CVE-2024-" + fmt.Sprint(i),
				Score:      []float64{0.94358, 0.5, 0.012345, 0.00099, 1e-7, 0.1}[r.IntN(6)],
				Percentile: []float64{0.99954, 0.5, 0, 1, 2.5e-8}[r.IntN(5)]}
		}
		for range r.IntN(4) {
			v.References = append(v.References, "https://example.com/advisory?id="+id+"&x=<"+fmt.Sprint(r.IntN(3))+">")
		}
		vulns = append(vulns, v)
	}

	statuses := []model.Status{"", model.StatusAffected, model.StatusAffected, model.StatusAffected,
		model.StatusNotAffected, model.StatusFixed, model.StatusUnderInvestigation, "disputed"}
	justifications := []string{"", "component_not_present", "vulnerable_code_not_in_execute_path",
		"inline_mitigations_already_exist", "requires_environment", "protected_at_perimeter", "free text \x1b]0;title\a"}
	var findings []model.Finding
	for i := range 90 {
		c := comps[r.IntN(len(comps))]
		v := vulns[r.IntN(len(vulns))]
		if r.IntN(10) == 0 { // the same vulnerability seen differently
			v.Summary = ""
			v.Severity.Rating, v.Severity.Score = model.RatingCritical, 9.9
			v.References = append(v.References, "https://example.org/"+fmt.Sprint(i))
			v.IDs = append(v.IDs, "ALIAS-"+fmt.Sprint(i))
		}
		f := model.Finding{
			Component: c, Ecosystem: pick([]string{"npm", "PyPI", "Go"}), Package: c.Name, Vulnerability: v,
			Advisories: []string{v.ID},
			Status:     statuses[r.IntN(len(statuses))],
		}
		if r.IntN(3) == 0 {
			f.Advisories = append(f.Advisories, "ADV-"+fmt.Sprint(r.IntN(5)))
		}
		for range r.IntN(6) {
			f.FixedVersions = append(f.FixedVersions, fmt.Sprintf("%d.%d", r.IntN(3), r.IntN(3)))
		}
		if f.Status != "" && f.Status != model.StatusAffected || r.IntN(8) == 0 {
			f.Justification = justifications[r.IntN(len(justifications))]
			if r.IntN(3) > 0 {
				f.StatusSource = pick([]string{"triage.openvex.json", "vendor <vex>.cdx.json", "vex \x1b[31mred"})
			}
		}
		findings = append(findings, f)
	}

	res := &model.ScanResult{
		Source:      pick([]string{"/abs/path with space/sbom.cdx.json", "./rel/sbom.spdx.json", "<stdin>"}),
		Format:      "CycloneDX",
		SpecVersion: "1.6",
		Subject:     subject,
		Components:  len(comps) + 60,
		Findings:    findings,
		Database: model.DatabaseInfo{Advisories: 123456, KEVEntries: 1400, EPSSScores: 290000,
			UpdatedAt: time.Date(2026, 11, 30, 23, 59, 59, 0, time.UTC)},
		Generated: time.Date(2026, 12, 7, 8, 9, 10, 0, time.FixedZone("CET", 3600)),
		Tool:      "1.2.3 \"dev\"",
	}
	reasons := []string{"no purl", `unsupported purl type "x"`, "  spaced\treason ", "", "esc \x1b[2J reason"}
	for i := range 45 {
		c := model.Component{Name: fmt.Sprintf("um-%d", i), Version: fmt.Sprint(i % 3)}
		if i%4 == 0 {
			c.Ref = fmt.Sprintf("um-ref-%d", i)
		}
		if i%5 == 0 {
			c.PURL = "pkg:generic/um-" + fmt.Sprint(i)
		}
		reason := reasons[r.IntN(len(reasons))]
		if i%9 == 0 {
			reason = fmt.Sprintf("reason number %d", i) // many distinct reasons
		}
		res.Unmatched = append(res.Unmatched, model.Unmatched{Component: c, Reason: reason})
	}
	for i := range 25 {
		res.Undetermined = append(res.Undetermined, model.Undetermined{
			Component: comps[r.IntN(len(comps))], Advisory: fmt.Sprintf("OSV-%d", i),
			Reason: "cannot order version " + pick(texts) + strings.Repeat(" long", r.IntN(40)),
		})
	}
	return res
}

// TestGoldenGenerated pins every format's rendering of generatedFixture.
func TestGoldenGenerated(t *testing.T) {
	for _, name := range Formats() {
		t.Run(name, func(t *testing.T) {
			golden(t, "generated."+name, render(t, Format(name), generatedFixture(1)))
		})
	}
}

// TestNoTerminalControlsReachOutput checks that the component names,
// reasons, VEX sources and justifications of generatedFixture, which carry
// ESC sequences (clear screen, OSC title), BEL, C1 CSI, bidi overrides and
// invalid UTF-8, reach the table only escaped, and the JSON formats only
// as JSON escapes (which leave C1 and bidi characters to the JSON reader:
// they are not control characters in JSON).
func TestNoTerminalControlsReachOutput(t *testing.T) {
	res := generatedFixture(1)
	for _, name := range Formats() {
		out := render(t, Format(name), res)
		for i, c := range out {
			if c < 0x20 && c != '\n' || c == 0x7f {
				t.Errorf("%s: raw control byte %#x at %d: %q", name, c, i, out[max(0, i-30):min(len(out), i+30)])
				break
			}
		}
		if name != string(FormatTable) {
			continue
		}
		if !utf8.Valid(out) {
			t.Errorf("table is not valid UTF-8")
		}
		for _, r := range []rune{'\u009b', '\u202e', '\u2028'} {
			if strings.ContainsRune(string(out), r) {
				t.Errorf("table holds %U raw", r)
			}
		}
		for _, want := range []string{`esc \x1b[2J clear`, `\x1b]0;title\x07`, `bidi%20\u202eevil`, `tab\there`} {
			if !strings.Contains(string(out), want) {
				t.Errorf("table lacks the escaped %s", want)
			}
		}
	}
}
