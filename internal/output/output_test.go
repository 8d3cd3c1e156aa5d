package output

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/model"
)

func TestParseFormat(t *testing.T) {
	for _, name := range Formats() {
		f, err := ParseFormat(name)
		if err != nil || string(f) != name {
			t.Errorf("ParseFormat(%q) = %q, %v", name, f, err)
		}
	}
	if f, err := ParseFormat(" SARIF "); err != nil || f != FormatSARIF {
		t.Errorf("ParseFormat(\" SARIF \") = %q, %v", f, err)
	}
	for _, bad := range []string{"", "pdf", "cdx", "spdx"} {
		if _, err := ParseFormat(bad); err == nil || !strings.Contains(err.Error(), "table, json, sarif, cyclonedx") {
			t.Errorf("ParseFormat(%q) error = %v, want one listing the formats", bad, err)
		}
	}
	if got := Formats(); got[0] != "table" || len(got) != 4 {
		t.Errorf("Formats() = %v", got)
	}
}

func TestWriteRejects(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, FormatJSON, nil); err == nil {
		t.Error("Write(nil result) succeeded")
	}
	if err := Write(&b, Format("pdf"), fixture()); err == nil {
		t.Error("Write(unknown format) succeeded")
	}
}

// TestGolden pins every format's rendering of the fixture.
func TestGolden(t *testing.T) {
	for _, name := range Formats() {
		t.Run(name, func(t *testing.T) {
			golden(t, "golden."+name, render(t, Format(name), fixture()))
		})
	}
}

// TestGoldenEmpty pins the rendering of a scan that found nothing.
func TestGoldenEmpty(t *testing.T) {
	res := fixture()
	res.Findings, res.Unmatched, res.Undetermined, res.Subject = nil, nil, nil, nil
	for _, name := range Formats() {
		t.Run(name, func(t *testing.T) {
			golden(t, "empty."+name, render(t, Format(name), res))
		})
	}
}

// TestOrderIndependent checks that the formats that order findings
// themselves do not depend on the order of the result's findings.
func TestOrderIndependent(t *testing.T) {
	want := map[Format][]byte{}
	for _, f := range []Format{FormatTable, FormatSARIF, FormatCycloneDX} {
		want[f] = render(t, f, fixture())
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 5 {
		res := fixture()
		r.Shuffle(len(res.Findings), func(i, j int) { res.Findings[i], res.Findings[j] = res.Findings[j], res.Findings[i] })
		for f, w := range want {
			if got := render(t, f, res); !bytes.Equal(got, w) {
				t.Errorf("%s output changes with the order of findings", f)
			}
		}
	}
}

func TestWriteDoesNotModifyResult(t *testing.T) {
	res := fixture()
	before, _ := json.Marshal(res)
	for _, name := range Formats() {
		render(t, Format(name), res)
	}
	if after, _ := json.Marshal(res); !bytes.Equal(before, after) {
		t.Error("Write modified the scan result")
	}
}

func TestJSONEmptyListsAreArrays(t *testing.T) {
	res := &model.ScanResult{Source: "x.json", Findings: []model.Finding{{
		Component:     model.Component{Name: "a", Version: "1"},
		Vulnerability: model.Vulnerability{ID: "OSV-1", Severity: model.Severity{Rating: model.RatingLow}},
		Status:        model.StatusAffected,
	}}}
	out := string(render(t, FormatJSON, res))
	for _, want := range []string{`"unmatched": []`, `"ids": []`, `"advisories": []`} {
		if !strings.Contains(out, want) {
			t.Errorf("JSON lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, "null") {
		t.Errorf("JSON has null:\n%s", out)
	}
	var back model.ScanResult
	if err := json.Unmarshal([]byte(out), &back); err != nil {
		t.Fatal(err)
	}
	out = string(render(t, FormatJSON, &model.ScanResult{}))
	if !strings.Contains(out, `"findings": []`) || strings.Contains(out, "null") {
		t.Errorf("empty result JSON:\n%s", out)
	}
}

func TestTableFitsTerminal(t *testing.T) {
	out := string(render(t, FormatTable, fixture()))
	for _, line := range strings.Split(out, "\n") {
		if len(line) > 120 {
			t.Errorf("line longer than 120 columns (%d): %q", len(line), line)
		}
	}
	for _, want := range []string{
		"CVE-2021-44228 (+1 alias)", "critical 10.0", "yes*", "94%", "2.12.2, 2.15.0",
		"status: not_affected (VEX: vulnerable_code_not_in_execute_path) from triage.openvex.json", "status: fixed (VEX) from vendor-vex.cdx.json", "under_investigation",
		"no fix", "Not matched: 3 components", "no purl (2)", "plc-firmware@4.1 [bom-ref plc-fw]",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

func TestTableEmpty(t *testing.T) {
	out := string(render(t, FormatTable, &model.ScanResult{Source: "a.json", Components: 4}))
	if !strings.Contains(out, "No known vulnerabilities found in the 4 components checked.") {
		t.Errorf("empty table:\n%s", out)
	}
	// Everything settled by VEX still says so, and lists them.
	res := fixture()
	var settled []model.Finding
	for _, f := range res.Findings {
		if suppressed(&f) {
			settled = append(settled, f)
		}
	}
	res.Findings = settled
	out = string(render(t, FormatTable, res))
	if !strings.Contains(out, "No known vulnerabilities found in the 8 components checked.") ||
		!strings.Contains(out, "Not affected or fixed, according to VEX (2)") {
		t.Errorf("table with only settled findings:\n%s", out)
	}
}

// TestTableBoundsUnmatched checks that thousands of unmatched components
// make a short section.
func TestTableBoundsUnmatched(t *testing.T) {
	res := &model.ScanResult{Source: "big.json", Components: 10000}
	for i := range 10000 {
		reason := "no purl"
		if i%2 == 0 {
			reason = "unsupported purl type \"t" + string(rune('a'+i%52/2)) + "\""
		}
		res.Unmatched = append(res.Unmatched, model.Unmatched{
			Component: model.Component{Name: "c" + strings.Repeat("x", i%7), Version: "1"}, Reason: reason,
		})
	}
	out := string(render(t, FormatTable, res))
	if n := strings.Count(out, "\n"); n > 60 {
		t.Errorf("10,000 unmatched components take %d lines:\n%s", n, out)
	}
	for _, want := range []string{"Not matched: 10000 components", "no purl (5000)", "... and ", "lists every one"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	var log struct {
		Runs []struct {
			Invocations []struct {
				Notifications []json.RawMessage `json:"toolExecutionNotifications"`
			} `json:"invocations"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(render(t, FormatSARIF, res), &log); err != nil {
		t.Fatal(err)
	}
	if n := len(log.Runs[0].Invocations[0].Notifications); n > maxUnmatchedReasons+1 {
		t.Errorf("SARIF has %d notifications for unmatched components", n)
	}
}
