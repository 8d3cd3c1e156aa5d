package vex

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/model"
)

func TestFromFinding(t *testing.T) {
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		f    model.Finding
		want Statement
	}{
		{"untriaged is affected", model.Finding{Component: libfoo, Vulnerability: model.Vulnerability{ID: "CVE-1", IDs: []string{"CVE-1", "GHSA-x"}}},
			Statement{Vulnerability: "CVE-1", Aliases: []string{"GHSA-x"}, Products: []Product{{ID: "libfoo", Name: "libfoo", Version: "1.2"}}, Status: model.StatusAffected}},
		{"CISA justification", model.Finding{Component: libfoo, Vulnerability: model.Vulnerability{ID: "CVE-1"}, Status: model.StatusNotAffected, Justification: "component_not_present", StatusSource: "a.json"},
			Statement{Vulnerability: "CVE-1", Products: []Product{{ID: "libfoo", Name: "libfoo", Version: "1.2"}}, Status: model.StatusNotAffected, Justification: ComponentNotPresent, Source: "a.json"}},
		{"CycloneDX justification kept", model.Finding{Component: libfoo, Vulnerability: model.Vulnerability{ID: "CVE-1"}, Status: model.StatusNotAffected, Justification: "requires_environment"},
			Statement{Vulnerability: "CVE-1", Products: []Product{{ID: "libfoo", Name: "libfoo", Version: "1.2"}}, Status: model.StatusNotAffected,
				Justification: VulnerableCodeCannotBeControlledByAdversary, CycloneDXJustification: "requires_environment"}},
		{"free text is the impact", model.Finding{Component: libfoo, Vulnerability: model.Vulnerability{ID: "CVE-1"}, Status: model.StatusNotAffected, Justification: "Not used."},
			Statement{Vulnerability: "CVE-1", Products: []Product{{ID: "libfoo", Name: "libfoo", Version: "1.2"}}, Status: model.StatusNotAffected, Impact: "Not used."}},
		{"analysis", model.Finding{Component: model.Component{Name: "lib", Group: "org.example", PURL: "pkg:maven/org.example/lib@1"}, Vulnerability: model.Vulnerability{ID: "CVE-1"},
			Status: model.StatusAffected, Analysis: &model.AnalysisDetail{Action: "Update.", Response: []string{"update"}, Detail: "d", Author: "PSIRT", Timestamp: at}},
			Statement{Vulnerability: "CVE-1", Products: []Product{{PURL: "pkg:maven/org.example/lib@1", Name: "org.example/lib"}}, Status: model.StatusAffected,
				Action: "Update.", Response: []Response{ResponseUpdate}, Detail: "d", Author: "PSIRT", Timestamp: at}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := FromFinding(&tc.f); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

// TestApplySetsAnalysis checks that what a statement says beyond status
// and justification reaches the finding (and so the reports).
func TestApplySetsAnalysis(t *testing.T) {
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	fs := []model.Finding{finding(log4j, "CVE-1")}
	Apply(fs, []Statement{{Vulnerability: "CVE-1", Products: ids("log4j-core"), Status: model.StatusAffected, Action: "Update.",
		Response: []Response{ResponseUpdate, ResponseRollback}, Detail: "d", Author: "PSIRT", Timestamp: at, Source: "a.json"}})
	want := &model.AnalysisDetail{Action: "Update.", Response: []string{"update", "rollback"}, Detail: "d", Author: "PSIRT", Timestamp: at}
	if !reflect.DeepEqual(fs[0].Analysis, want) || fs[0].StatusSource != "a.json" {
		t.Errorf("got %+v", fs[0])
	}
}

func TestWriteErrors(t *testing.T) {
	_, stmts := exportSet()
	meta := testMeta(pressProduct)
	for _, tc := range []struct {
		name   string
		format Format
		meta   func(*Meta)
		stmts  []Statement
		want   string
	}{
		{"no author", FormatOpenVEX, func(m *Meta) { m.Author = "" }, stmts, "write openvex VEX: missing Author"},
		{"csaf without namespace", FormatCSAF, func(m *Meta) { m.Namespace = "" }, stmts, "write csaf VEX: missing Namespace"},
		{"no time, no product", FormatCycloneDXJSON, func(m *Meta) { m.Timestamp, m.Product = time.Time{}, Product{} }, stmts, "missing Timestamp, Product.Name"},
		{"bad status", FormatCSAF, nil, []Statement{{Vulnerability: "CVE-1", Products: ids("x"), Status: "maybe"}}, `statement 0 (CVE-1): unknown status "maybe"`},
		{"no product", FormatOpenVEX, nil, []Statement{{Vulnerability: "CVE-1", Status: model.StatusFixed}}, "statement 0 (CVE-1): no product"},
		{"bad response", FormatCycloneDXXML, nil, []Statement{{Vulnerability: "CVE-1", Products: ids("x"), Status: model.StatusAffected, Response: []Response{"pray"}}}, `unknown response "pray"`},
		{"unknown format", "spdx", nil, stmts, `unknown format "spdx"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := meta
			if tc.meta != nil {
				tc.meta(&m)
			}
			var b bytes.Buffer
			err := Write(&b, tc.format, m, tc.stmts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"openvex": FormatOpenVEX, "CycloneDX": FormatCycloneDXJSON, "cyclonedx-xml": FormatCycloneDXXML, " csaf ": FormatCSAF} {
		if got, err := ParseFormat(in); got != want || err != nil {
			t.Errorf("%q: %q, %v", in, got, err)
		}
	}
	if _, err := ParseFormat("sarif"); err == nil {
		t.Error("sarif accepted")
	}
}

// TestReadCSAFSameStatusTwice: first_fixed and fixed (or known_affected
// and last_affected) naming one product do not contradict each other.
func TestReadCSAFSameStatusTwice(t *testing.T) {
	doc := `{"document": {"csaf_version": "2.0", "publisher": {"name": "x"}},
"product_tree": {"full_product_names": [{"name": "a", "product_id": "A"}]},
"vulnerabilities": [{"cve": "CVE-1", "product_status": {"first_fixed": ["A"], "fixed": ["A"]}}]}`
	stmts, err := Read(strings.NewReader(doc), "x")
	if err != nil || len(stmts) != 1 || stmts[0].Status != model.StatusFixed {
		t.Errorf("got %+v, %v", stmts, err)
	}
}
