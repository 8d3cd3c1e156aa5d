package output

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/testutil"
)

// sarifDoc is the part of a SARIF log the tests look at.
type sarifDoc struct {
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name    string `json:"name"`
				Version string `json:"version"`
				Rules   []struct {
					ID                   string                 `json:"id"`
					DefaultConfiguration struct{ Level string } `json:"defaultConfiguration"`
					Properties           map[string]any         `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Invocations []struct {
			ExecutionSuccessful        bool `json:"executionSuccessful"`
			ToolExecutionNotifications []struct {
				Level   string `json:"level"`
				Message struct{ Text string }
			} `json:"toolExecutionNotifications"`
			ToolConfigurationNotifications []struct {
				Level   string `json:"level"`
				Message struct{ Text string }
			} `json:"toolConfigurationNotifications"`
		} `json:"invocations"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex *int   `json:"ruleIndex"`
			Level     string `json:"level"`
			Message   struct{ Text string }
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct{ URI string } `json:"artifactLocation"`
				} `json:"physicalLocation"`
				LogicalLocations []struct {
					FullyQualifiedName string `json:"fullyQualifiedName"`
				} `json:"logicalLocations"`
			} `json:"locations"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
			Suppressions        []struct {
				Kind, Status, Justification string
			} `json:"suppressions"`
		} `json:"results"`
	} `json:"runs"`
}

func TestSARIFContent(t *testing.T) {
	var log sarifDoc
	if err := json.Unmarshal(render(t, FormatSARIF, fixture()), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("version %q, %d runs", log.Version, len(log.Runs))
	}
	run := log.Runs[0]
	if d := run.Tool.Driver; d.Name != "rocca" || d.Version != "1.2.3" {
		t.Errorf("driver %q %q", d.Name, d.Version)
	}
	// One rule per vulnerability, one result per finding.
	if len(run.Tool.Driver.Rules) != 7 || len(run.Results) != 8 {
		t.Errorf("%d rules, %d results; want 7 and 8", len(run.Tool.Driver.Rules), len(run.Results))
	}
	levels := map[string]string{}
	fingerprints := map[string]bool{}
	suppressed := map[string]string{}
	for _, r := range run.Results {
		rule := run.Tool.Driver.Rules[*r.RuleIndex]
		if rule.ID != r.RuleID {
			t.Errorf("result %s points at rule %s", r.RuleID, rule.ID)
		}
		levels[r.RuleID] = r.Level
		loc := r.Locations[0]
		if loc.PhysicalLocation.ArtifactLocation.URI != "sbom/hmi-gateway.cdx.json" {
			t.Errorf("uri %q", loc.PhysicalLocation.ArtifactLocation.URI)
		}
		fqn := loc.LogicalLocations[0].FullyQualifiedName
		if !strings.HasPrefix(fqn, "pkg:") || !strings.Contains(r.Message.Text, fqn) {
			t.Errorf("result %s: logical location %q, message %q", r.RuleID, fqn, r.Message.Text)
		}
		fp := r.PartialFingerprints[fingerprintKey]
		if fp == "" || fingerprints[fp] {
			t.Errorf("result %s: fingerprint %q missing or repeated", r.RuleID, fp)
		}
		fingerprints[fp] = true
		if len(r.Suppressions) > 0 {
			s := r.Suppressions[0]
			if s.Kind != "external" || s.Justification == "" {
				t.Errorf("suppression %+v", s)
			}
			suppressed[fqn+" "+r.RuleID] = s.Justification
		}
	}
	want := map[string]string{
		"CVE-2021-44228": "error", "CVE-2022-27664": "error", "CVE-2022-0778": "error",
		"GO-2099-0001": "warning", "PYSEC-2099-1": "note",
	}
	for id, lvl := range want {
		if levels[id] != lvl {
			t.Errorf("level of %s = %q, want %q", id, levels[id], lvl)
		}
	}
	if len(suppressed) != 2 ||
		!strings.Contains(suppressed["pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1 CVE-2021-45046"], "vulnerable_code_not_in_execute_path") ||
		!strings.Contains(suppressed["pkg:maven/org.apache.logging.log4j/log4j-core@2.13.3 CVE-2021-44228"], "fixed") {
		t.Errorf("suppressions = %v", suppressed)
	}
	for _, rule := range run.Tool.Driver.Rules {
		sev, ok := rule.Properties["security-severity"]
		switch rule.ID {
		case "CVE-2021-44228":
			if sev != "10.0" || !slices.Contains(rule.Properties["tags"].([]any), any("known-exploited")) {
				t.Errorf("rule %s properties %v", rule.ID, rule.Properties)
			}
		case "PYSEC-2099-1", "CVE-2022-0778": // no score
			if ok {
				t.Errorf("rule %s has security-severity %v without a score", rule.ID, sev)
			}
		}
	}
	if n := len(run.Invocations[0].ToolExecutionNotifications); n != 3 {
		t.Errorf("%d notifications, want 3: 2 reasons of unmatched components, 1 undetermined pair", n)
	}
}

// The fingerprint must not depend on the bom-ref (often random per SBOM
// build) nor on anything but the component and the vulnerability.
func TestSARIFFingerprintStable(t *testing.T) {
	a := fixture().Findings[0]
	b := a
	b.Component.Ref = "another-random-ref"
	b.Vulnerability.Summary = "changed"
	b.FixedVersions = nil
	if fingerprint(&a) != fingerprint(&b) {
		t.Error("fingerprint changes with the bom-ref or the advisory text")
	}
	c := a
	c.Component.PURL = "pkg:npm/lodash@4.17.21"
	if fingerprint(&a) == fingerprint(&c) {
		t.Error("fingerprint ignores the component")
	}
}

func TestArtifactURI(t *testing.T) {
	for in, want := range map[string]string{
		"":                           "sbom",
		"product.cdx.json":           "product.cdx.json",
		"./sbom/my product.cdx.json": "sbom/my%20product.cdx.json",
		"/tmp/x/a.json":              "file:///tmp/x/a.json",
		"<stdin>":                    "%3Cstdin%3E",
		"a:b.json":                   "./a:b.json",
	} {
		if got := artifactURI(in); got != want {
			t.Errorf("artifactURI(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSARIFValidatesAgainstSchema runs Microsoft's SARIF validator (the
// `validate` command of @microsoft/sarif-multitool) on the fixture's SARIF:
// the SARIF 2.1.0 JSON schema, the specification's rules and the GitHub
// code-scanning rules. It also feeds the validator a deliberately broken
// log, to prove that this test notices when validation fails.
func TestSARIFValidatesAgainstSchema(t *testing.T) {
	exe := testutil.SARIFMultitool(t)
	dir := t.TempDir()

	good := render(t, FormatSARIF, fixture())
	empty := fixture()
	empty.Findings, empty.Unmatched, empty.Undetermined = nil, nil, nil
	for name, doc := range map[string][]byte{
		"rocca.sarif": good, "empty.sarif": render(t, FormatSARIF, empty),
		"generated.sarif": render(t, FormatSARIF, generatedFixture(1)),
	} {
		errs, warnings := testutil.ValidateSARIF(t, exe, dir, name, doc)
		for _, w := range warnings {
			t.Logf("%s: validator warning: %s", name, w)
		}
		for _, e := range errs {
			t.Errorf("%s: %s", name, e)
		}
	}

	// A broken log: the fixture's own log with two tokens changed, so that
	// it has exactly the layout of the good one (the validator silently
	// checks nothing in a run whose "results" come before its "tool", so a
	// re-marshalled copy with sorted keys would prove nothing): the driver
	// loses its required name and a result gets a level SARIF does not
	// define. The validator must reject it with both schema errors.
	broken := bytes.Replace(good, []byte(`"name": "rocca",`), []byte(`"nam": "rocca",`), 1)
	at := bytes.Index(broken, []byte(`"results": [`))
	if at < 0 || bytes.Equal(broken, good) {
		t.Fatal("the fixture's SARIF does not have the expected layout")
	}
	broken = append(broken[:at:at], bytes.Replace(broken[at:], []byte(`"level": "error"`), []byte(`"level": "fatal"`), 1)...)
	errs, _ := testutil.ValidateSARIF(t, exe, dir, "broken.sarif", broken)
	for _, want := range []string{"JSON1002", "JSON1019"} { // required property missing; not an enum value
		if !slices.ContainsFunc(errs, func(e string) bool { return strings.HasPrefix(e, want+":") }) {
			t.Errorf("the validator did not report %s for the broken log; it reported: %q", want, errs)
		}
	}
}

// TestSentenceFastPath holds sentence's shortcut for plainly spaced text
// to what strings.Fields and Join make of any text.
func TestSentenceFastPath(t *testing.T) {
	for _, s := range []string{
		"", " ", "a", "a b", "a  b", " a", "a ", "a\tb", "a\nb", "a\u00a0b", "a\u2003b", "a\u0085b",
		"Denial of service in x", "ends.", "ends?", "ends!", "é b", "a\rb", "a\vb", "a\fb", "  ",
	} {
		want := strings.Join(strings.Fields(s), " ")
		if want != "" && !strings.ContainsAny(want[len(want)-1:], ".!?") {
			want += "."
		}
		if got := sentence(s); got != want {
			t.Errorf("sentence(%q) = %q, want %q", s, got, want)
		}
	}
}
