package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/cli"
	"github.com/rocca-project/rocca/internal/demo"
	"github.com/rocca-project/rocca/internal/model"
)

// run executes rocca with args and returns exit code, stdout and stderr.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// demoDB imports the demonstration data into a fresh database and returns
// its path and the example SBOM's path.
func demoDB(t *testing.T) (db, sbomPath string) {
	t.Helper()
	dir := t.TempDir()
	feeds, sbomPath, err := demo.WriteTo(dir)
	if err != nil {
		t.Fatal(err)
	}
	db = filepath.Join(dir, "rocca.db")
	code, out, errs := run(t, "db", "import", "--quiet", "--database", db, feeds[0], feeds[1], feeds[2])
	if code != cli.ExitOK {
		t.Fatalf("import exit %d\n%s\n%s", code, out, errs)
	}
	return db, sbomPath
}

func TestVersionAndHelp(t *testing.T) {
	code, out, _ := run(t, "version")
	if code != 0 || !strings.HasPrefix(out, "rocca ") {
		t.Errorf("version: exit %d, %q", code, out)
	}
	for _, args := range [][]string{
		{"--help"}, {"scan", "--help"}, {"db", "--help"}, {"db", "import", "--help"},
		{"db", "info", "--help"}, {"demo", "--help"}, {"version", "--help"},
	} {
		code, out, _ := run(t, args...)
		if code != 0 || !strings.Contains(out, "Usage:") {
			t.Errorf("%v: exit %d, output %q", args, code, out)
		}
	}
	_, out, _ = run(t, "scan", "--help")
	for _, want := range []string{"--fail-on", "--vex", "--format", "Exit codes"} {
		if !strings.Contains(out, want) {
			t.Errorf("scan --help lacks %q", want)
		}
	}
}

func TestExitCodes(t *testing.T) {
	db, sbomPath := demoDB(t)
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"bomFormat": "CycloneDX", "components": [`), 0o600)
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"clean scan without policy", []string{"scan", sbomPath}, cli.ExitOK},
		{"flags after the argument", []string{"scan", sbomPath, "--format", "json", "--fail-on", "kev"}, cli.ExitFindings},
		{"fail on critical", []string{"scan", "--fail-on", "critical", sbomPath}, cli.ExitFindings},
		{"unknown command", []string{"frobnicate"}, cli.ExitUsage},
		{"unknown flag", []string{"scan", "--nope", sbomPath}, cli.ExitUsage},
		{"missing argument", []string{"scan"}, cli.ExitUsage},
		{"two arguments", []string{"scan", sbomPath, sbomPath}, cli.ExitUsage},
		{"bad format", []string{"scan", "--format", "pdf", sbomPath}, cli.ExitUsage},
		{"bad fail-on", []string{"scan", "--fail-on", "severe", sbomPath}, cli.ExitUsage},
		{"missing SBOM", []string{"scan", filepath.Join(t.TempDir(), "none.json")}, cli.ExitInput},
		{"invalid SBOM", []string{"scan", bad}, cli.ExitInput},
		{"missing VEX", []string{"scan", "--vex", "/nonexistent/vex.json", sbomPath}, cli.ExitInput},
		{"import of garbage", []string{"db", "import", "--quiet", bad}, cli.ExitInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"--database", db}, tt.args...)
			code, out, errs := run(t, args...)
			if code != tt.want {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.want, out, errs)
			}
		})
	}
}

func TestScanDemoFindings(t *testing.T) {
	db, sbomPath := demoDB(t)
	code, out, errs := run(t, "scan", "--database", db, "--format", "json", sbomPath)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var res model.ScanResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("json output: %v", err)
	}
	type want struct {
		ref, id, fixed string
		kev            bool
	}
	wants := []want{
		{"log4j-core", "CVE-2021-44228", "2.15.0", true},
		{"spring-beans", "CVE-2022-22965", "5.3.18", true},
		{"x-net", "CVE-2023-44487", "0.17.0", true},
		{"x-net", "CVE-2023-39325", "0.17.0", false},
		{"go-stdlib", "CVE-2023-39325", "1.21.3", false},
		{"requests", "CVE-2023-32681", "2.31.0", false},
		{"openssl", "CVE-2022-0778", "1.1.1n-0+deb11u1", false},
	}
	got := map[string]model.Finding{}
	for _, f := range res.Findings {
		got[f.Component.Ref+" "+f.Vulnerability.ID] = f
	}
	for _, w := range wants {
		f, ok := got[w.ref+" "+w.id]
		if !ok {
			t.Errorf("missing finding %s %s", w.ref, w.id)
			continue
		}
		if len(f.FixedVersions) == 0 || f.FixedVersions[0] != w.fixed {
			t.Errorf("%s %s: fixed %v, want %s", w.ref, w.id, f.FixedVersions, w.fixed)
		}
		if (f.Vulnerability.KEV != nil) != w.kev {
			t.Errorf("%s %s: KEV %v, want %v", w.ref, w.id, f.Vulnerability.KEV, w.kev)
		}
	}
	if len(res.Findings) != len(wants) {
		t.Errorf("%d findings, want %d: %v", len(res.Findings), len(wants), keys(got))
	}
	// lodash 4.17.21 and flask are safe; the firmware has no purl.
	for _, f := range res.Findings {
		if f.Component.Ref == "lodash" || f.Component.Ref == "flask" {
			t.Errorf("false positive on %s: %s", f.Component.Ref, f.Vulnerability.ID)
		}
	}
	if len(res.Unmatched) != 1 || res.Unmatched[0].Component.Ref != "plc-fw" || !strings.Contains(res.Unmatched[0].Reason, "purl") {
		t.Errorf("unmatched = %+v, want the firmware without purl", res.Unmatched)
	}
	log4j := got["log4j-core CVE-2021-44228"]
	if ids := strings.Join(log4j.Vulnerability.IDs, ","); ids != "CVE-2021-44228,GHSA-jfh8-c2jp-5v3q" {
		t.Errorf("log4shell ids %s", ids)
	}
	if s := log4j.Vulnerability.Severity; s.Rating != model.RatingCritical || s.Score != 10 || !strings.Contains(s.Source, "CVSS_V3") {
		t.Errorf("log4shell severity %+v", s)
	}
	if e := log4j.Vulnerability.EPSS; e == nil || e.Score != 0.97 {
		t.Errorf("log4shell EPSS %+v", e)
	}
	if s := got["openssl CVE-2022-0778"].Vulnerability.Severity; s.Rating != model.RatingHigh || !strings.Contains(s.Source, "database_specific") {
		t.Errorf("openssl severity %+v", s)
	}
}

func TestScanVEXSuppressesFailure(t *testing.T) {
	db, sbomPath := demoDB(t)
	vex := filepath.Join(t.TempDir(), "triage.openvex.json")
	os.WriteFile(vex, []byte(`{
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "https://example.com/vex/1",
  "author": "Example Macchine PSIRT",
  "timestamp": "2026-11-01T10:00:00Z",
  "version": 1,
  "statements": [
    {"vulnerability": {"name": "CVE-2021-44228"}, "products": [{"@id": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}],
     "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"},
    {"vulnerability": {"name": "CVE-2022-22965"}, "products": [{"@id": "pkg:maven/org.springframework/spring-beans@5.3.17"}],
     "status": "not_affected", "justification": "vulnerable_code_cannot_be_controlled_by_adversary"},
    {"vulnerability": {"name": "CVE-2023-44487"}, "products": [{"@id": "pkg:golang/golang.org/x/net@v0.15.0"}],
     "status": "fixed"}
  ]
}`), 0o600)
	code, out, errs := run(t, "scan", "--database", db, sbomPath, "--fail-on", "kev")
	if code != cli.ExitFindings {
		t.Fatalf("without VEX: exit %d, want 1: %s", code, errs)
	}
	if strings.Contains(out, "not_affected") {
		t.Errorf("not_affected shown without VEX:\n%s", out)
	}
	code, out, errs = run(t, "scan", "--database", db, sbomPath, "--fail-on", "kev", "--vex", vex)
	if code != cli.ExitOK {
		t.Fatalf("with VEX: exit %d, want 0\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(out, "not_affected") {
		t.Errorf("VEX status not shown:\n%s", out)
	}
}

// TestScanCSAFVEX applies a CSAF VEX document (detected from its
// content) like an OpenVEX one.
func TestScanCSAFVEX(t *testing.T) {
	db, sbomPath := demoDB(t)
	vex := filepath.Join(t.TempDir(), "triage.csaf.json")
	os.WriteFile(vex, []byte(`{
  "document": {"category": "csaf_vex", "csaf_version": "2.0", "title": "VEX",
    "publisher": {"category": "vendor", "name": "Example Macchine PSIRT", "namespace": "https://example.com"},
    "tracking": {"id": "EX-VEX-1", "status": "final", "version": "1", "initial_release_date": "2026-11-01T10:00:00Z",
      "current_release_date": "2026-11-01T10:00:00Z", "revision_history": [{"date": "2026-11-01T10:00:00Z", "number": "1", "summary": "First."}]}},
  "product_tree": {"full_product_names": [
    {"name": "log4j-core 2.14.1", "product_id": "LOG4J", "product_identification_helper": {"purl": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}},
    {"name": "spring-beans 5.3.17", "product_id": "SPRING", "product_identification_helper": {"purl": "pkg:maven/org.springframework/spring-beans@5.3.17"}},
    {"name": "x/net", "product_id": "XNET", "product_identification_helper": {"purl": "pkg:golang/golang.org/x/net@v0.15.0"}}]},
  "vulnerabilities": [
    {"cve": "CVE-2021-44228", "product_status": {"known_not_affected": ["LOG4J"]},
     "flags": [{"label": "vulnerable_code_not_in_execute_path", "product_ids": ["LOG4J"]}]},
    {"cve": "CVE-2022-22965", "product_status": {"known_not_affected": ["SPRING"]},
     "threats": [{"category": "impact", "details": "Spring MVC is not used.", "product_ids": ["SPRING"]}]},
    {"cve": "CVE-2023-44487", "product_status": {"fixed": ["XNET"]}}
  ]
}`), 0o600)
	code, out, errs := run(t, "scan", "--database", db, sbomPath, "--fail-on", "kev", "--vex", vex)
	if code != cli.ExitOK {
		t.Fatalf("with CSAF VEX: exit %d, want 0\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(out, "vulnerable_code_not_in_execute_path") {
		t.Errorf("VEX status not shown:\n%s", out)
	}
}

func TestScanEmptyDatabaseWarns(t *testing.T) {
	_, sbomPath := demoDB(t)
	db := filepath.Join(t.TempDir(), "empty.db")
	code, _, errs := run(t, "scan", "--database", db, sbomPath)
	if code != 0 || !strings.Contains(errs, "knowledge base") || !strings.Contains(errs, "empty") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
}

func TestDemoScan(t *testing.T) {
	code, out, errs := run(t, "demo", "--scan")
	if code != 0 {
		t.Fatalf("demo exit %d: %s", code, errs)
	}
	for _, want := range []string{"CVE-2021-44228", "2.15.0", "log4j-core", "rocca db import"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
}

func keys(m map[string]model.Finding) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
