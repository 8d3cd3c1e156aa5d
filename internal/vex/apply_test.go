package vex

import (
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/model"
)

func finding(comp model.Component, ids ...string) model.Finding {
	return model.Finding{
		Component:     comp,
		Vulnerability: model.Vulnerability{ID: ids[0], IDs: ids},
		Status:        model.StatusAffected,
	}
}

var (
	log4j  = model.Component{Ref: "log4j-core", Name: "log4j-core", Version: "2.14.1", PURL: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar"}
	xnet   = model.Component{Ref: "x-net", Name: "golang.org/x/net", Version: "v0.15.0", PURL: "pkg:golang/golang.org/x/net@v0.15.0"}
	libssl = model.Component{Name: "libssl3", Version: "3.0.7-r0", PURL: "pkg:apk/alpine/libssl3@3.0.7-r0?arch=x86_64&distro=alpine-3.17"}
	pyyaml = model.Component{Name: "PyYAML", Version: "5.3", PURL: "pkg:pypi/PyYAML@5.3"}
	fw     = model.Component{Ref: "bootloader", Name: "bootloader", Version: "1.0.3", CPE: "cpe:2.3:o:example:bootloader:1.0.3:*:*:*:*:*:*:*"}
)

func TestApply(t *testing.T) {
	t1 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	t2 := t1.Add(24 * time.Hour)
	na := func(vuln string, products ...string) Statement {
		return Statement{Vulnerability: vuln, Products: ids(products...), Status: model.StatusNotAffected, Justification: "component_not_present", Source: "a.json"}
	}
	with := func(s Statement, f func(*Statement)) Statement { f(&s); return s }
	fixedAt := func(vuln, product string, at time.Time, src string) Statement {
		return Statement{Vulnerability: vuln, Products: ids(product), Status: model.StatusFixed, Source: src, Timestamp: at}
	}
	for _, tc := range []struct {
		name    string
		finding model.Finding
		stmts   []Statement
		// want is the resulting status, justification and source;
		// an empty source means the finding must be left untouched.
		status        model.Status
		justification string
		source        string
	}{
		{"purl, component has extra qualifiers", finding(log4j, "CVE-2021-44228"),
			[]Statement{na("CVE-2021-44228", "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1")},
			model.StatusNotAffected, "component_not_present", "a.json"},
		{"purl in another spelling (canonical form)", finding(pyyaml, "CVE-2020-14343"),
			[]Statement{na("CVE-2020-14343", "pkg:PYPI/pyyaml@5.3")},
			model.StatusNotAffected, "component_not_present", "a.json"},
		{"versionless purl covers every version", finding(xnet, "CVE-2023-44487"),
			[]Statement{na("CVE-2023-44487", "pkg:golang/golang.org/x/net")},
			model.StatusNotAffected, "component_not_present", "a.json"},
		{"other version", finding(xnet, "CVE-2023-44487"),
			[]Statement{na("CVE-2023-44487", "pkg:golang/golang.org/x/net@v0.17.0")},
			model.StatusAffected, "", ""},
		{"statement qualifier present on component", finding(libssl, "CVE-2022-3786"),
			[]Statement{na("CVE-2022-3786", "pkg:apk/alpine/libssl3@3.0.7-r0?distro=alpine-3.17")},
			model.StatusNotAffected, "component_not_present", "a.json"},
		{"statement qualifier differs", finding(libssl, "CVE-2022-3786"),
			[]Statement{na("CVE-2022-3786", "pkg:apk/alpine/libssl3@3.0.7-r0?arch=aarch64")},
			model.StatusAffected, "", ""},
		{"bom-ref", finding(log4j, "CVE-2021-44228"),
			[]Statement{na("CVE-2021-44228", "log4j-core")},
			model.StatusNotAffected, "component_not_present", "a.json"},
		{"cpe", finding(fw, "CVE-2024-1"),
			[]Statement{na("CVE-2024-1", "cpe:2.3:o:example:bootloader:1.0.3:*:*:*:*:*:*:*")},
			model.StatusNotAffected, "component_not_present", "a.json"},
		{"statement alias is a finding id", finding(log4j, "CVE-2021-44228", "GHSA-jfh8-c2jp-5v3q"),
			[]Statement{with(na("GHSA-7rjr-3q55-vv33", "log4j-core"), func(s *Statement) { s.Aliases = []string{"ghsa-jfh8-c2jp-5v3q"} })},
			model.StatusNotAffected, "component_not_present", "a.json"},
		{"finding alias is the statement id", finding(log4j, "CVE-2021-44228", "CVE-2021-44228", "GHSA-jfh8-c2jp-5v3q"),
			[]Statement{na("GHSA-jfh8-c2jp-5v3q", "log4j-core")},
			model.StatusNotAffected, "component_not_present", "a.json"},
		{"other vulnerability", finding(log4j, "CVE-2021-44228"),
			[]Statement{na("CVE-2021-45046", "log4j-core")},
			model.StatusAffected, "", ""},
		{"other component", finding(log4j, "CVE-2021-44228"),
			[]Statement{na("CVE-2021-44228", "pkg:maven/org.apache.logging.log4j/log4j-api@2.14.1", "x-net")},
			model.StatusAffected, "", ""},
		{"later statement wins", finding(log4j, "CVE-2021-44228"),
			[]Statement{
				na("CVE-2021-44228", "log4j-core"),
				{Vulnerability: "CVE-2021-44228", Products: ids("pkg:maven/org.apache.logging.log4j/log4j-core"), Status: model.StatusAffected, Source: "b.json"},
			},
			model.StatusAffected, "", "b.json"},
		{"newer timestamp wins over position", finding(xnet, "CVE-2023-44487"),
			[]Statement{fixedAt("CVE-2023-44487", "x-net", t2, "new.json"), with(fixedAt("CVE-2023-44487", "x-net", t1, "old.json"), func(s *Statement) { s.Status = model.StatusUnderInvestigation })},
			model.StatusFixed, "", "new.json"},
		{"equal timestamps: later wins", finding(xnet, "CVE-2023-44487"),
			[]Statement{fixedAt("CVE-2023-44487", "x-net", t1, "first.json"), fixedAt("CVE-2023-44487", "x-net", t1, "second.json")},
			model.StatusFixed, "", "second.json"},
		{"a statement without timestamp: position decides", finding(xnet, "CVE-2023-44487"),
			[]Statement{fixedAt("CVE-2023-44487", "x-net", t2, "new.json"), fixedAt("CVE-2023-44487", "x-net", time.Time{}, "undated.json")},
			model.StatusFixed, "", "undated.json"},
		{"non-covering statements do not take part", finding(xnet, "CVE-2023-44487"),
			[]Statement{fixedAt("CVE-2023-44487", "x-net", t1, "old.json"), fixedAt("CVE-2023-44487", "other", time.Time{}, "other.json")},
			model.StatusFixed, "", "old.json"},
		{"invalid status ignored", finding(log4j, "CVE-2021-44228"),
			[]Statement{na("CVE-2021-44228", "log4j-core"), {Vulnerability: "CVE-2021-44228", Products: ids("log4j-core"), Status: "maybe", Source: "bad.json"}},
			model.StatusNotAffected, "component_not_present", "a.json"},
		{"unparsable purls compared as strings", finding(model.Component{Name: "x", PURL: "pkg:weird"}, "CVE-1"),
			[]Statement{na("CVE-1", "pkg:weird")},
			model.StatusNotAffected, "component_not_present", "a.json"},
		{"empty component identifiers match nothing", finding(model.Component{Name: "x"}, "CVE-1"),
			[]Statement{na("CVE-1", "")},
			model.StatusAffected, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := []model.Finding{tc.finding}
			Apply(fs, tc.stmts)
			f := fs[0]
			if f.Status != tc.status || f.Justification != tc.justification || f.StatusSource != tc.source {
				t.Errorf("got %q %q %q, want %q %q %q", f.Status, f.Justification, f.StatusSource, tc.status, tc.justification, tc.source)
			}
		})
	}
}

// TestApplyDocuments runs read statements against several findings.
func TestApplyDocuments(t *testing.T) {
	var stmts []Statement
	stmts = append(stmts, readTestdata(t, "vex.cdx.json")...)
	stmts = append(stmts, readTestdata(t, "triage.openvex.json")...)
	fs := []model.Finding{
		finding(log4j, "CVE-2021-44228", "GHSA-jfh8-c2jp-5v3q"),
		finding(xnet, "CVE-2023-44487", "GHSA-qppj-fm5r-hxr3"),
		finding(model.Component{Ref: "openssl", Name: "openssl", Version: "3.0.1"}, "CVE-2022-0778"),
		finding(model.Component{Name: "jackson-databind", PURL: "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?classifier=sources&type=jar"}, "GHSA-288c-cq4h-88gq"),
		finding(model.Component{Ref: "press-controller", Name: "press-controller", Version: "4.2.0"}, "CVE-2024-0002"),
	}
	Apply(fs, stmts)
	want := []struct {
		status model.Status
		source string
	}{
		// Both documents cover log4j-core; the CycloneDX statement has
		// no date, so position decides.
		{model.StatusNotAffected, "triage.openvex.json"},
		// Both dated: OpenVEX under_investigation (2026-03-03) is newer
		// than CycloneDX exploitable (2026-01-05).
		{model.StatusUnderInvestigation, "triage.openvex.json"},
		// OpenVEX covers openssl as a subcomponent of the product.
		{model.StatusFixed, "triage.openvex.json"},
		// By alias, through a BOM-Link whose bom-ref is a purl.
		{model.StatusNotAffected, "vex.cdx.json"},
		// Version-restricted CycloneDX targets are not applied.
		{model.StatusAffected, ""},
	}
	for i, w := range want {
		if fs[i].Status != w.status || fs[i].StatusSource != w.source {
			t.Errorf("finding %d (%s %s): %s from %q, want %s from %q", i, fs[i].Component.Name, fs[i].Vulnerability.ID, fs[i].Status, fs[i].StatusSource, w.status, w.source)
		}
	}
}

func TestApplyEmpty(t *testing.T) {
	Apply(nil, nil)
	fs := []model.Finding{finding(log4j, "CVE-2021-44228")}
	Apply(fs, nil)
	if fs[0].Status != model.StatusAffected || fs[0].StatusSource != "" {
		t.Errorf("got %+v", fs[0])
	}
}
