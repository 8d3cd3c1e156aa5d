package vexchange

import (
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/vex"
)

// TestStatementOf: what the CISA minimum requires but a document does not
// give is filled visibly, and the result passes the triage rules.
func TestStatementOf(t *testing.T) {
	for _, c := range []struct {
		name string
		in   vex.Statement
		want func(s string) bool
	}{
		{"not_affected without reason", vex.Statement{Status: model.StatusNotAffected}, func(s string) bool {
			return strings.Contains(s, "doc.json gives no justification")
		}},
		{"affected with responses", vex.Statement{Status: model.StatusAffected, Response: []vex.Response{vex.ResponseUpdate, vex.ResponseUpdate}},
			func(s string) bool { return s == "Update to a version that fixes the vulnerability." }},
		{"affected without anything", vex.Statement{Status: model.StatusAffected}, func(s string) bool {
			return strings.Contains(s, "doc.json gives no action statement")
		}},
		{"justification only for not_affected", vex.Statement{Status: model.StatusFixed, Justification: vex.ComponentNotPresent},
			func(s string) bool { return s == "" }},
	} {
		st, err := statementOf(&c.in, "doc.json", model.ScopeVersion)
		if err != nil {
			t.Fatal(err)
		}
		var field string
		switch c.in.Status {
		case model.StatusNotAffected:
			field = st.Impact
		case model.StatusAffected:
			field = st.Action
		default:
			field = st.Justification
		}
		if !c.want(field) {
			t.Errorf("%s: %+v", c.name, st)
		}
		if err := st.Check("Go"); err != nil {
			t.Errorf("%s: refused by the triage rules: %v", c.name, err)
		}
	}
}

// TestNameFromID: an OpenVEX @id that is not a purl, CPE or IRI names the
// product (what rocca writes when it has neither purl nor CPE).
func TestNameFromID(t *testing.T) {
	for _, c := range []struct {
		in            vex.Product
		name, version string
	}{
		{vex.Product{ID: "HMI Gateway@4.2.0"}, "HMI Gateway", "4.2.0"},
		{vex.Product{ID: "plc-fw"}, "plc-fw", ""},
		{vex.Product{ID: "@scope@1"}, "@scope", "1"},
		{vex.Product{ID: "pkg:npm/x@1", PURL: "pkg:npm/x@1"}, "", ""},
		{vex.Product{ID: "https://example.com/product/1"}, "", ""},
		{vex.Product{ID: "urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427"}, "", ""},
		{vex.Product{ID: "x@1", Name: "given"}, "given", ""},
	} {
		p := c.in
		nameFromID(&p)
		if p.Name != c.name || p.Version != c.version || p.ID != c.in.ID {
			t.Errorf("%q: name %q version %q", c.in.ID, p.Name, p.Version)
		}
	}
}
