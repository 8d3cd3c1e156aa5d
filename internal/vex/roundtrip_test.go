package vex

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	ovex "github.com/openvex/go-vex/pkg/vex"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/sbom/strict"
	"github.com/rocca-project/rocca/internal/testutil"
)

var (
	pressProduct = Product{Name: "press-controller", Version: "4.2.0", PURL: "pkg:generic/example/press-controller@4.2.0"}
	libfoo       = model.Component{Ref: "libfoo", Name: "libfoo", Version: "1.2"}
	t0           = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
)

func testMeta(p Product) Meta {
	return Meta{
		ID: "https://rocca.example/vex/press-controller-4.2.0", Author: "Example Machines S.p.A.", Role: "manufacturer",
		Namespace: "https://machines.example", Timestamp: t0.Add(48 * time.Hour), InitialTimestamp: t0, Version: 2,
		Product: p, Tool: "rocca", ToolVersion: "test",
		Summaries: map[string]string{"CVE-2021-44228": "Log4Shell: remote code execution through JNDI lookups."},
	}
}

// exportSet is a statement per finding covering every status, every
// justification, impact-only and action-only statements, responses,
// aliases, an id without a CVE, and components identified by purl, CPE
// and name+version only.
func exportSet() ([]model.Finding, []Statement) {
	type row struct {
		comp model.Component
		ids  []string
		s    Statement
	}
	rows := []row{
		{log4j, []string{"CVE-2021-44228", "GHSA-jfh8-c2jp-5v3q"}, Statement{Status: model.StatusNotAffected, Justification: VulnerableCodeNotInExecutePath,
			Impact: "JNDI lookups are disabled by configuration.", Detail: "Checked by the security team.", Timestamp: t0}},
		{log4j, []string{"CVE-2021-45046"}, Statement{Status: model.StatusNotAffected, Justification: ComponentNotPresent}},
		{log4j, []string{"CVE-2021-45105"}, Statement{Status: model.StatusNotAffected, Justification: VulnerableCodeNotPresent}},
		{log4j, []string{"CVE-2021-44832"}, Statement{Status: model.StatusNotAffected, Justification: VulnerableCodeCannotBeControlledByAdversary}},
		{log4j, []string{"CVE-2022-23302"}, Statement{Status: model.StatusNotAffected, Justification: InlineMitigationsAlreadyExist}},
		{xnet, []string{"CVE-2023-44487", "GHSA-qppj-fm5r-hxr3", "GO-2023-2102"}, Statement{Status: model.StatusAffected,
			Action: "Update the controller firmware to 4.2.1.", Response: []Response{ResponseUpdate}, Timestamp: t0.Add(time.Hour)}},
		{xnet, []string{"CVE-2023-39325"}, Statement{Status: model.StatusAffected, Response: []Response{ResponseWillNotFix}}},
		{fw, []string{"CVE-2024-1000"}, Statement{Status: model.StatusFixed, Action: "Fixed in bootloader 1.0.3-p1."}},
		{libssl, []string{"CVE-2022-3786"}, Statement{Status: model.StatusUnderInvestigation, Detail: "Waiting for the supplier."}},
		{libfoo, []string{"GHSA-aaaa-bbbb-cccc"}, Statement{Status: model.StatusNotAffected, Impact: "libfoo's parser is not used."}},
		{libfoo, []string{"OSV-2024-17"}, Statement{Status: model.StatusAffected}},
	}
	var fs []model.Finding
	var stmts []Statement
	for _, r := range rows {
		f := finding(r.comp, r.ids...)
		f.Status = r.s.Status
		fs = append(fs, f)
		s := r.s
		s.Vulnerability, s.Aliases = r.ids[0], r.ids[1:]
		s.Products = []Product{ComponentProduct(&r.comp)}
		stmts = append(stmts, s)
	}
	return fs, stmts
}

func write(t *testing.T, format Format, meta Meta, stmts []Statement) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, format, meta, stmts); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// What each format carries back, beyond status and justification.
type carries struct{ impact, action, actionFixed, response, detail bool }

var formatCarries = map[Format]carries{
	FormatOpenVEX:       {impact: true, action: true, detail: true},
	FormatCycloneDXJSON: {action: true, actionFixed: true, response: true},
	FormatCycloneDXXML:  {action: true, actionFixed: true, response: true},
	FormatCSAF:          {impact: true, action: true, actionFixed: true, detail: true},
}

// TestRoundTrip writes the export set in each format, reads it back,
// matches it against the same findings and checks that every finding
// gets its statement's status and justification back, and the fields the
// format carries.
func TestRoundTrip(t *testing.T) {
	for _, format := range []Format{FormatOpenVEX, FormatCycloneDXJSON, FormatCycloneDXXML, FormatCSAF} {
		t.Run(string(format), func(t *testing.T) {
			fs, stmts := exportSet()
			data := write(t, format, testMeta(pressProduct), stmts)
			doc, err := ReadDocument(bytes.NewReader(data), "export")
			if err != nil {
				t.Fatalf("read back: %v\n%s", err, data)
			}
			if doc.Format != format {
				t.Errorf("format %q, want %q", doc.Format, format)
			}
			res := Match(doc.Statements, Target{Product: pressProduct, Findings: fs})
			if res.Foreign || len(res.Unmatched) > 0 {
				t.Errorf("foreign %v, unmatched %+v", res.Foreign, res.Unmatched)
			}
			got := map[int]*Statement{}
			for _, p := range res.Matches {
				got[p.Finding] = &doc.Statements[p.Statement]
			}
			c := formatCarries[format]
			for i := range fs {
				w, g := &stmts[i], got[i]
				if g == nil {
					t.Errorf("finding %d (%s): no statement read back", i, w.Vulnerability)
					continue
				}
				if g.Status != w.Status || g.Justification != w.Justification {
					t.Errorf("finding %d (%s): %s/%s, want %s/%s", i, w.Vulnerability, g.Status, g.Justification, w.Status, w.Justification)
				}
				if !sameIDs(append([]string{g.Vulnerability}, g.Aliases...), append([]string{w.Vulnerability}, w.Aliases...)) {
					t.Errorf("finding %d: ids %s %v, want %s %v", i, g.Vulnerability, g.Aliases, w.Vulnerability, w.Aliases)
				}
				if c.impact && w.Impact != "" && g.Impact != w.Impact {
					t.Errorf("finding %d (%s): impact %q, want %q", i, w.Vulnerability, g.Impact, w.Impact)
				}
				if c.action && w.Action != "" && (w.Status == model.StatusAffected || c.actionFixed) && g.Action != w.Action {
					t.Errorf("finding %d (%s): action %q, want %q", i, w.Vulnerability, g.Action, w.Action)
				}
				if c.response && !slices.Equal(g.Response, w.Response) {
					t.Errorf("finding %d (%s): response %v, want %v", i, w.Vulnerability, g.Response, w.Response)
				}
				if c.detail && w.Detail != "" && g.Detail != w.Detail {
					t.Errorf("finding %d (%s): detail %q, want %q", i, w.Vulnerability, g.Detail, w.Detail)
				}
			}
			// Writing what was read gives the same document again (an
			// OpenVEX statement without a timestamp takes the document's).
			for i := range doc.Statements {
				if doc.Statements[i].Timestamp.Equal(doc.Timestamp) && format == FormatOpenVEX {
					doc.Statements[i].Timestamp = time.Time{}
				}
			}
			again := write(t, format, testMeta(pressProduct), doc.Statements)
			if format != FormatCSAF && !bytes.Equal(again, data) {
				t.Errorf("writing the statements read back changes the document:\n%s", lineDiff(data, again))
			}
		})
	}
}

func sameIDs(a, b []string) bool {
	norm := func(l []string) []string {
		out := make([]string, len(l))
		for i, s := range l {
			out[i] = vulnKey(s)
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(norm(a), norm(b))
}

// roundTrip writes what a reader returned (used by the fuzz targets) and
// reads it back: the writer must accept it and keep every statement's
// status.
func roundTrip(t *testing.T, doc *Document, format Format) {
	var stmts []Statement
	for _, s := range doc.Statements {
		if len(components(&s)) > 0 {
			stmts = append(stmts, s)
		}
	}
	var b bytes.Buffer
	if err := Write(&b, format, testMeta(pressProduct), stmts); err != nil {
		t.Fatalf("write: %v", err)
	}
	back, err := ReadDocument(&b, "fuzz")
	if err != nil {
		t.Fatalf("read back: %v\n%s", err, b.Bytes())
	}
	if format == FormatOpenVEX && len(back.Statements) != len(stmts) {
		t.Fatalf("%d statements read back, want %d", len(back.Statements), len(stmts))
	}
}

// TestOpenVEXValidatesWithGoVEX parses the OpenVEX output with go-vex and
// validates each statement with it.
func TestOpenVEXValidatesWithGoVEX(t *testing.T) {
	_, stmts := exportSet()
	for _, p := range []Product{pressProduct, {Name: "press-controller", Version: "4.2.0"}} {
		data := write(t, FormatOpenVEX, testMeta(p), stmts)
		doc, err := ovex.Parse(data)
		if err != nil {
			t.Fatal(err)
		}
		if doc.Context != ovex.ContextLocator() && !strings.HasPrefix(doc.Context, "https://openvex.dev/ns/v0.2.0") {
			t.Errorf("@context %q", doc.Context)
		}
		if doc.ID == "" || doc.Author == "" || doc.Timestamp == nil || doc.Version < 1 {
			t.Errorf("document metadata incomplete: %+v", doc.Metadata)
		}
		if len(doc.Statements) != len(stmts) {
			t.Fatalf("%d statements, want %d", len(doc.Statements), len(stmts))
		}
		for i := range doc.Statements {
			if err := doc.Statements[i].Validate(); err != nil {
				t.Errorf("statement %d (%s): %v", i, stmts[i].Vulnerability, err)
			}
		}
	}
	// The check itself catches a wrong statement.
	bad := ovex.Statement{Status: ovex.StatusNotAffected}
	if bad.Validate() == nil {
		t.Error("go-vex accepts a not_affected statement without justification")
	}
}

// TestCycloneDXValidatesStrictly checks the CycloneDX output, JSON and
// XML, with rocca's strict CycloneDX validator.
func TestCycloneDXValidatesStrictly(t *testing.T) {
	_, stmts := exportSet()
	for _, format := range []Format{FormatCycloneDXJSON, FormatCycloneDXXML} {
		data := write(t, format, testMeta(pressProduct), stmts)
		var issues []strict.Issue
		if format == FormatCycloneDXXML {
			issues = strict.CycloneDXXML(data)
		} else {
			issues = strict.CycloneDXJSON(data)
		}
		for _, is := range issues {
			t.Errorf("%s: %s (line %d): %s", format, is.Pointer, is.Line, is.Message)
		}
	}
	// The validator catches a wrong analysis state.
	data := write(t, FormatCycloneDXJSON, testMeta(pressProduct), stmts)
	bad := bytes.Replace(data, []byte(`"state": "exploitable"`), []byte(`"state": "exploited"`), 1)
	if bytes.Equal(bad, data) || len(strict.CycloneDXJSON(bad)) == 0 {
		t.Error("the strict validator does not catch an unknown analysis state")
	}
}

// TestCSAFValidates runs BSI's CSAF validator library (schema and
// mandatory tests, including the VEX profile's 6.1.27.7-6.1.27.10) on the
// CSAF output, and checks that it catches a VEX profile violation.
func TestCSAFValidates(t *testing.T) {
	runner := testutil.CSAFValidator(t)
	_, stmts := exportSet()
	docs := map[string][]byte{}
	for name, p := range map[string]Product{
		"with-purl.json":   pressProduct,
		"name-only.json":   {Name: "press-controller", Version: "4.2.0"},
		"no-version.json":  {Name: "press-controller"},
		"cpe-product.json": {Name: "press-controller", Version: "4.2.0", CPE: "cpe:2.3:a:example:press-controller:4.2.0:*:*:*:*:*:*:*"},
	} {
		docs[name] = write(t, FormatCSAF, testMeta(p), stmts)
	}
	m := testMeta(pressProduct)
	m.Version = 1
	docs["single-statement.json"] = write(t, FormatCSAF, m, stmts[:1])
	pm, ps, _ := productExport()
	docs["product-wide.json"] = write(t, FormatCSAF, pm, ps)

	// Without the remediation of its affected products, a document fails
	// 6.1.27.10; without flags and threats, 6.1.27.9.
	strip := func(keys ...string) []byte {
		var doc map[string]any
		if err := json.Unmarshal(docs["with-purl.json"], &doc); err != nil {
			t.Fatal(err)
		}
		for _, v := range doc["vulnerabilities"].([]any) {
			for _, k := range keys {
				delete(v.(map[string]any), k)
			}
		}
		b, _ := json.Marshal(doc)
		return b
	}
	docs["no-remediations.json"] = strip("remediations")
	docs["no-flags.json"] = strip("flags", "threats")
	results := testutil.ValidateCSAF(t, runner, t.TempDir(), docs)
	for name, r := range results {
		failed := map[string]bool{}
		for _, f := range r.Failed {
			failed[f.Name] = true
		}
		switch name {
		case "no-remediations.json":
			if r.IsValid || !failed["mandatoryTest_6_1_27_10"] {
				t.Errorf("%s: not caught by 6.1.27.10: %v", name, r.Errors())
			}
		case "no-flags.json":
			if r.IsValid || !failed["mandatoryTest_6_1_27_9"] {
				t.Errorf("%s: not caught by 6.1.27.9: %v", name, r.Errors())
			}
		default:
			if !r.IsValid {
				t.Errorf("%s: %s\n%s", name, strings.Join(r.Errors(), "\n"), docs[name])
			}
		}
	}
}

// lineDiff shows the first differing lines of a and b.
func lineDiff(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n- %s\n+ %s", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("%d lines, then %d", len(al), len(bl))
}

// productExport is a product-wide export: the statements of two versions
// of the product, each component placed in its version.
func productExport() (Meta, []Statement, []model.Finding) {
	v41 := Product{Name: "press-controller", Version: "4.1.0", PURL: "pkg:generic/example/press-controller@4.1.0"}
	v42 := pressProduct
	meta := testMeta(Product{Name: "press-controller", PURL: "pkg:generic/example/press-controller"})
	fs, stmts := exportSet()
	var out []Statement
	for i := range stmts {
		for _, v := range []Product{v41, v42} {
			s := stmts[i]
			s.Products = []Product{InProduct(v, s.Products[0])}
			if v.Version == "4.1.0" {
				s.Status, s.Justification, s.Impact, s.Action, s.Response = model.StatusUnderInvestigation, "", "", "", nil
			}
			out = append(out, s)
		}
	}
	return meta, out, fs
}

// TestProductExport writes the statements of two versions of a product in
// one document, validates it, and checks that importing it into each
// version applies that version's statements only.
func TestProductExport(t *testing.T) {
	meta, stmts, fs := productExport()
	for _, format := range []Format{FormatOpenVEX, FormatCycloneDXJSON, FormatCycloneDXXML, FormatCSAF} {
		t.Run(string(format), func(t *testing.T) {
			data := write(t, format, meta, stmts)
			switch format {
			case FormatOpenVEX:
				doc, err := ovex.Parse(data)
				if err != nil {
					t.Fatal(err)
				}
				for i := range doc.Statements {
					if err := doc.Statements[i].Validate(); err != nil {
						t.Errorf("statement %d: %v", i, err)
					}
				}
			case FormatCycloneDXJSON:
				for _, is := range strict.CycloneDXJSON(data) {
					t.Errorf("%s: %s", is.Pointer, is.Message)
				}
			case FormatCycloneDXXML:
				for _, is := range strict.CycloneDXXML(data) {
					t.Errorf("line %d: %s", is.Line, is.Message)
				}
			}
			doc, err := ReadDocument(bytes.NewReader(data), "product.vex")
			if err != nil {
				t.Fatalf("read back: %v\n%s", err, data)
			}
			for _, v := range []struct {
				version string
				status  func(int) model.Status
			}{
				{"4.1.0", func(int) model.Status { return model.StatusUnderInvestigation }},
				{"4.2.0", func(i int) model.Status { return stmts[2*i+1].Status }},
			} {
				target := Product{Name: "press-controller", Version: v.version, PURL: "pkg:generic/example/press-controller@" + v.version}
				res := Match(doc.Statements, Target{Product: target, Findings: fs})
				if res.Foreign || len(res.Matches) != len(fs) || len(res.Unmatched) != len(fs) {
					t.Fatalf("%s: foreign %v, %d matches, %d unmatched, want %d each", v.version, res.Foreign, len(res.Matches), len(res.Unmatched), len(fs))
				}
				for _, m := range res.Matches {
					if got, want := doc.Statements[m.Statement].Status, v.status(m.Finding); got != want {
						t.Errorf("%s: finding %d: %s, want %s", v.version, m.Finding, got, want)
					}
				}
				for _, u := range res.Unmatched {
					if !strings.Contains(u.Reason, "which is not this version's product") {
						t.Errorf("%s: reason %q", v.version, u.Reason)
					}
				}
			}
		})
	}
}
