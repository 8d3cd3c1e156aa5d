package output

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/model"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// fixture is a scan result exercising every case the renderers handle: a
// known-exploited vulnerability, one marked not_affected by VEX, one the
// VEX says is fixed in one component but not in another, one under
// investigation, one without a fix, one of unknown severity, a rating
// without a score, a component without bom-ref, a clean component (only
// counted), unmatched components with repeated reasons and an undecided
// component/advisory pair.
func fixture() *model.ScanResult {
	log4j := model.Component{
		Ref: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar", Name: "log4j-core", Version: "2.14.1",
		Group: "org.apache.logging.log4j", PURL: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", Type: "library",
	}
	log4jLegacy := model.Component{
		Ref: "b6f3c0de-legacy-log4j", Name: "log4j-core", Version: "2.13.3",
		Group: "org.apache.logging.log4j", PURL: "pkg:maven/org.apache.logging.log4j/log4j-core@2.13.3", Type: "library",
	}
	xnet := model.Component{ // no bom-ref in the SBOM
		Name: "golang.org/x/net", Version: "v0.0.0-20220425223048-2871e0cb64e4",
		PURL: "pkg:golang/golang.org/x/net@v0.0.0-20220425223048-2871e0cb64e4",
	}
	lodash := model.Component{Ref: "npm-lodash", Name: "lodash", Version: "4.17.20", PURL: "pkg:npm/lodash@4.17.20", Type: "library"}
	pyex := model.Component{Ref: "py-example", Name: "example-lib", Version: "1.0.0", PURL: "pkg:pypi/example-lib@1.0.0"}
	openssl := model.Component{
		Ref: "deb-openssl", Name: "openssl", Version: "1.1.1n-0+deb11u1",
		PURL: "pkg:deb/debian/openssl@1.1.1n-0+deb11u1?arch=amd64&distro=debian-11", Type: "operating-system-package",
	}

	log4shell := model.Vulnerability{
		ID: "CVE-2021-44228", IDs: []string{"CVE-2021-44228", "GHSA-jfh8-c2jp-5v3q"},
		Summary: "Remote code injection in Log4j",
		Severity: model.Severity{Rating: model.RatingCritical, Score: 10,
			Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", Source: "CVSS_V3 vector in GHSA-jfh8-c2jp-5v3q"},
		KEV: &model.KEV{CVE: "CVE-2021-44228", DateAdded: date("2021-12-10"), DueDate: date("2021-12-24"), Ransomware: true,
			Name: "Apache Log4j2 Remote Code Execution Vulnerability"},
		EPSS:       &model.EPSS{CVE: "CVE-2021-44228", Score: 0.94358, Percentile: 0.99954},
		References: []string{"https://logging.apache.org/log4j/2.x/security.html", "https://nvd.nist.gov/vuln/detail/CVE-2021-44228"},
	}
	log4j2 := model.Vulnerability{
		ID: "CVE-2021-45046", IDs: []string{"CVE-2021-45046", "GHSA-7rjr-3q55-vv33"},
		Summary: "Incomplete fix for Apache Log4j vulnerability",
		Severity: model.Severity{Rating: model.RatingCritical, Score: 9,
			Vector: "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:H/A:H", Source: "CVSS_V3 vector in GHSA-7rjr-3q55-vv33"},
		EPSS: &model.EPSS{CVE: "CVE-2021-45046", Score: 0.9442, Percentile: 0.99961},
	}
	http2 := model.Vulnerability{
		ID: "CVE-2022-27664", IDs: []string{"CVE-2022-27664", "GHSA-69cg-p879-7622", "GO-2022-0969"},
		Summary: "Denial of service in net/http and golang.org/x/net/http2",
		Severity: model.Severity{Rating: model.RatingHigh, Score: 7.5,
			Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", Source: "CVSS_V3 vector in GHSA-69cg-p879-7622"},
		EPSS: &model.EPSS{CVE: "CVE-2022-27664", Score: 0.00123, Percentile: 0.4632},
	}
	nofix := model.Vulnerability{
		ID: "GO-2099-0001", IDs: []string{"GO-2099-0001"},
		Summary: "Excessive memory use in an HTML tokenizer <script> edge case (fictional, test fixture)",
		Severity: model.Severity{Rating: model.RatingMedium, Score: 5.3,
			Vector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:L/SC:N/SI:N/SA:N", Source: "CVSS_V4 vector in GO-2099-0001"},
	}
	lodashTpl := model.Vulnerability{
		ID: "CVE-2021-23337", IDs: []string{"CVE-2021-23337", "GHSA-35jh-r3h4-6jhm"},
		Summary: "Command injection in lodash's template function.",
		Severity: model.Severity{Rating: model.RatingHigh, Score: 7.2,
			Vector: "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", Source: "CVSS_V3 vector in GHSA-35jh-r3h4-6jhm"},
	}
	unknown := model.Vulnerability{
		ID: "PYSEC-2099-1", IDs: []string{"PYSEC-2099-1"},
		Severity: model.Severity{Rating: model.RatingUnknown, Source: "no severity in PYSEC-2099-1"},
	}
	wordOnly := model.Vulnerability{
		ID: "CVE-2022-0778", IDs: []string{"CVE-2022-0778", "DSA-5103-1"},
		Summary:  "Infinite loop in BN_mod_sqrt() reachable when parsing certificates",
		Severity: model.Severity{Rating: model.RatingHigh, Source: "database_specific.severity in DSA-5103-1"},
	}

	findings := []model.Finding{
		{Component: lodash, Ecosystem: "npm", Package: "lodash", Vulnerability: lodashTpl,
			Advisories: []string{"GHSA-35jh-r3h4-6jhm"}, FixedVersions: []string{"4.17.21"}, Status: model.StatusAffected},
		{Component: log4j, Ecosystem: "Maven", Package: "org.apache.logging.log4j:log4j-core", Vulnerability: log4j2,
			Advisories: []string{"GHSA-7rjr-3q55-vv33"}, FixedVersions: []string{"2.12.2", "2.16.0"},
			Status: model.StatusNotAffected, Justification: "vulnerable_code_not_in_execute_path", StatusSource: "triage.openvex.json",
			Analysis: &model.AnalysisDetail{Impact: "The JMS appender is not configured.", Detail: "Checked on the 3.2.0 image.",
				Author: "Example PSIRT", Timestamp: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)}},
		{Component: log4j, Ecosystem: "Maven", Package: "org.apache.logging.log4j:log4j-core", Vulnerability: log4shell,
			Advisories: []string{"GHSA-jfh8-c2jp-5v3q"}, FixedVersions: []string{"2.12.2", "2.15.0"}, Status: model.StatusAffected},
		{Component: log4jLegacy, Ecosystem: "Maven", Package: "org.apache.logging.log4j:log4j-core", Vulnerability: log4shell,
			Advisories: []string{"GHSA-jfh8-c2jp-5v3q"}, FixedVersions: []string{"2.12.2", "2.15.0"},
			Status: model.StatusFixed, StatusSource: "vendor-vex.cdx.json"},
		{Component: xnet, Ecosystem: "Go", Package: "golang.org/x/net", Vulnerability: nofix,
			Advisories: []string{"GO-2099-0001"}, Status: model.StatusAffected},
		{Component: xnet, Ecosystem: "Go", Package: "golang.org/x/net", Vulnerability: http2,
			Advisories: []string{"GO-2022-0969", "GHSA-69cg-p879-7622"}, FixedVersions: []string{"0.0.0-20220906165146-f3363e06e74c"},
			Status: model.StatusAffected, StatusSource: "triage.openvex.json",
			Analysis: &model.AnalysisDetail{Action: "Update the gateway firmware to 3.2.1.", Response: []string{"update", "workaround_available"}}},
		{Component: pyex, Ecosystem: "PyPI", Package: "example-lib", Vulnerability: unknown,
			Advisories: []string{"PYSEC-2099-1"}, FixedVersions: []string{"1.0.1"},
			Status: model.StatusUnderInvestigation, StatusSource: "triage.openvex.json"},
		{Component: openssl, Ecosystem: "Debian:11", Package: "openssl", Vulnerability: wordOnly,
			Advisories: []string{"DSA-5103-1"}, FixedVersions: []string{"1.1.1n-0+deb11u2"}, Status: model.StatusAffected},
	}
	return &model.ScanResult{
		Source:      "sbom/hmi-gateway.cdx.json",
		Format:      "CycloneDX",
		SpecVersion: "1.5",
		Subject:     &model.Component{Ref: "hmi-gateway", Name: "hmi-gateway", Version: "3.2.0", Type: "firmware", Group: "com.example"},
		Components:  11,
		Findings:    findings,
		Unmatched: []model.Unmatched{
			{Component: model.Component{Ref: "plc-fw", Name: "plc-firmware", Version: "4.1", Type: "firmware"}, Reason: "no purl"},
			{Component: model.Component{Name: "vendor-blob"}, Reason: "no purl"},
			{Component: model.Component{Ref: "c-9", Name: "libmodbus", Version: "3.1.6", PURL: "pkg:generic/libmodbus@3.1.6"},
				Reason: `no OSV ecosystem for purl type "generic"`},
		},
		Undetermined: []model.Undetermined{
			{Component: model.Component{Ref: "py-legacy", Name: "sleekxmpp", Version: "1.0beta6.2", PURL: "pkg:pypi/sleekxmpp@1.0beta6.2"},
				Advisory: "PYSEC-2017-103", Reason: `cannot tell whether the version is affected: sleekxmpp ranges[0]: invalid version "1.0beta6.2" for PyPI`},
		},
		Database:  model.DatabaseInfo{Advisories: 41234, KEVEntries: 1390, EPSSScores: 280512, UpdatedAt: date("2025-06-01")},
		Generated: time.Date(2025, 6, 2, 10, 30, 0, 0, time.UTC),
		Tool:      "1.2.3",
	}
}

// render writes res in format f or fails the test.
func render(t *testing.T, f Format, res *model.ScanResult) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, f, res); err != nil {
		t.Fatalf("Write %s: %v", f, err)
	}
	return b.Bytes()
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run 'go test ./internal/output -update' to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (if the change is intended: go test ./internal/output -update)\n--- got\n%s\n--- first difference\n%s",
			path, got, firstDiff(string(want), string(got)))
	}
}

func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(wl), len(gl)) {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\n  want: %s\n  got:  %s", i+1, w, g)
		}
	}
	return "(none)"
}
