package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	ovex "github.com/openvex/go-vex/pkg/vex"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/sbom/strict"
	"github.com/rocca-project/rocca/internal/testutil"
	"github.com/rocca-project/rocca/internal/testutil/demokb"
)

// openVEX is an OpenVEX document with one statement about f's component
// and vulnerability.
func openVEX(f model.TrackedFinding, status string) []byte {
	st := map[string]any{"vulnerability": map[string]any{"name": f.VulnID}, "status": status,
		"products": []any{map[string]any{"@id": f.Component.PURL}}}
	if status == "not_affected" {
		st["justification"] = "vulnerable_code_not_in_execute_path"
	}
	return mustJSON(map[string]any{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://acme.example/vex/1",
		"author": "Acme PSIRT", "timestamp": "2026-12-01T10:00:00Z", "version": 1, "statements": []any{st}})
}

// vexFixture is a product with version 1.0 (the demo SBOM, some findings
// decided at version scope) and a fresh version 1.1 (the same SBOM).
type vexFixture struct {
	product      model.Product
	v10, v11     model.Version
	decided      map[string]model.TrackedFinding // by component key and vulnerability
	untriaged    int
	findings10   []model.TrackedFinding
	historyCount func() int
}

func findingKey(f *model.TrackedFinding) string { return f.ComponentKey + " " + f.VulnID }

func (s *server) vexFixture(t *testing.T, name string) *vexFixture {
	t.Helper()
	ctx := t.Context()
	x := &vexFixture{product: model.Product{Name: name, Role: model.RoleManufacturer}, decided: map[string]model.TrackedFinding{}}
	if err := s.svc.CreateProduct(ctx, s.acme.ID, &x.product); err != nil {
		t.Fatal(err)
	}
	for _, v := range []*model.Version{&x.v10, &x.v11} {
		v.ProductID, v.Lifecycle = x.product.ID, model.LifecycleOnMarket
		v.Name = map[*model.Version]string{&x.v10: "1.0", &x.v11: "1.1"}[v]
		if err := s.svc.CreateVersion(ctx, s.acme.ID, v); err != nil {
			t.Fatal(err)
		}
		if _, err := s.svc.Ingest(ctx, s.acme.ID, v.ID, demokb.WithGraph(s.demo), "hmi.cdx.json"); err != nil {
			t.Fatal(err)
		}
	}
	x.findings10 = s.findings(t, x.v10.ID)
	if len(x.findings10) < 6 {
		t.Fatalf("version 1.0 has %d findings; the test needs 6", len(x.findings10))
	}
	decisions := []string{
		`{"status":"not_affected","justification":"vulnerable_code_not_in_execute_path","detail":"the parser is never called"}`,
		`{"status":"affected","action":"Update the gateway to 4.3.","response":["update"]}`,
		`{"status":"fixed"}`,
		`{"status":"under_investigation","detail":"asked the supplier"}`,
		`{"status":"not_affected","impact":"The feature is disabled in the build."}`,
	}
	for i, body := range decisions {
		f := x.findings10[i]
		res := s.do(t, "PUT", "/api/v1/findings/"+f.ID+"/analysis", s.acmeKey, "application/json", []byte(body))
		if res.status != http.StatusOK {
			t.Fatalf("decision %d: %d %s", i, res.status, res.body)
		}
		x.decided[findingKey(&f)] = f
	}
	x.untriaged = len(x.findings10) - len(decisions)
	x.historyCount = func() int {
		n := 0
		for _, v := range []string{x.v10.ID, x.v11.ID} {
			var page struct{ Items []model.FindingEvent }
			s.get(t, "/api/v1/versions/"+v+"/finding-events?limit=1000", s.acmeKey).decode(t, &page)
			n += len(page.Items)
		}
		for _, f := range x.findings10 {
			var h struct{ History []model.Analysis }
			s.get(t, "/api/v1/findings/"+f.ID+"/analysis", s.acmeKey).decode(t, &h)
			n += len(h.History)
		}
		return n
	}
	return x
}

// findings returns every open finding of a version with its analysis.
func (s *server) findings(t *testing.T, versionID string) []model.TrackedFinding {
	t.Helper()
	var page struct {
		Items []model.TrackedFinding
		Next  string
	}
	res := s.get(t, "/api/v1/versions/"+versionID+"/findings?state=open&sort=component&limit=1000", s.acmeKey)
	res.decode(t, &page)
	if page.Next != "" {
		t.Fatal("more than 1000 findings")
	}
	return page.Items
}

// effective maps a version's findings to "status justification".
func (s *server) effective(t *testing.T, versionID string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, f := range s.findings(t, versionID) {
		st := "untriaged"
		if f.Analysis != nil {
			st = string(f.Analysis.Status) + " " + f.Analysis.Justification
		}
		out[findingKey(&f)] = st
	}
	return out
}

type importResult struct {
	Document struct {
		Format     string
		Statements int
	}
	Scope   string
	Applied []struct {
		FindingID, VersionID, Status, Scope, DecisionID string
		Unchanged                                       bool
	}
	Unmatched []struct {
		Statement int
		Where     string
		Reason    string
	}
	Recorded, FindingsUpdated int
}

// TestVEXRoundTrip exports version 1.0's decisions in each format, checks
// the document with the format's validator, imports it into the product
// (so into the fresh version 1.1) and finds 1.1's effective statuses equal
// to 1.0's; importing again records nothing.
func TestVEXRoundTrip(t *testing.T) {
	engines(t, 0, func(t *testing.T, s *server) {
		csaf := map[string][]byte{}
		for _, format := range []string{"openvex", "cyclonedx", "cyclonedx-xml", "csaf"} {
			t.Run(format, func(t *testing.T) {
				x := s.vexFixture(t, "Round trip "+format)
				want := s.effective(t, x.v10.ID)
				if got := s.effective(t, x.v11.ID); fmt.Sprint(got) == fmt.Sprint(want) {
					t.Fatal("1.1 starts with 1.0's statuses")
				}
				res := s.get(t, "/api/v1/versions/"+x.v10.ID+"/vex?format="+format+"&namespace=https://acme.example", s.acmeKey)
				if res.status != http.StatusOK || res.header.Get("X-Rocca-Statements") != fmt.Sprint(len(x.decided)) ||
					!strings.Contains(res.header.Get("Content-Disposition"), "attachment") {
					t.Fatalf("export: %d %v %s", res.status, res.header, res.body)
				}
				doc := res.body
				switch format {
				case "openvex":
					d, err := ovex.Parse(doc)
					if err != nil {
						t.Fatal(err)
					}
					if len(d.Statements) != len(x.decided) || d.Author != "acme" {
						t.Errorf("%d statements by %q", len(d.Statements), d.Author)
					}
					for i := range d.Statements {
						if err := d.Statements[i].Validate(); err != nil {
							t.Errorf("statement %d: %v", i, err)
						}
					}
				case "cyclonedx":
					for _, is := range strict.CycloneDXJSON(doc) {
						t.Errorf("%s (line %d): %s", is.Pointer, is.Line, is.Message)
					}
				case "cyclonedx-xml":
					for _, is := range strict.CycloneDXXML(doc) {
						t.Errorf("%s (line %d): %s", is.Pointer, is.Line, is.Message)
					}
				case "csaf":
					csaf["version.json"] = doc
				}

				before := x.historyCount()
				res = s.do(t, "POST", "/api/v1/products/"+x.product.ID+"/vex?name=export."+format, s.acmeKey, "", doc)
				var ir importResult
				res.decode(t, &ir)
				if res.status != http.StatusOK || ir.Document.Format != format || ir.Scope != "product" || ir.Recorded == 0 ||
					len(ir.Unmatched) != 0 {
					t.Fatalf("import: %d %s", res.status, res.body)
				}
				if got := s.effective(t, x.v11.ID); fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("1.1 after the import:\n%v\nwant 1.0's\n%v", got, want)
				}
				if got := s.effective(t, x.v10.ID); fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("1.0 changed: its own version decisions are narrower:\n%v\nwant\n%v", got, want)
				}
				// The decisions came from the document, product-wide.
				for _, f := range s.findings(t, x.v11.ID) {
					if f.Analysis != nil && (f.Analysis.Scope != model.ScopeProduct || f.Analysis.Source != "export."+format) {
						t.Errorf("1.1 finding %s: %s decision from %q", f.ID, f.Analysis.Scope, f.Analysis.Source)
					}
				}
				if x.historyCount() == before {
					t.Error("the import wrote no history")
				}
				// Again: nothing new.
				before = x.historyCount()
				res = s.do(t, "POST", "/api/v1/products/"+x.product.ID+"/vex?name=export."+format, s.acmeKey, "", doc)
				ir = importResult{}
				res.decode(t, &ir)
				if res.status != http.StatusOK || ir.Recorded != 0 || len(ir.Applied) == 0 {
					t.Fatalf("second import: %d %s", res.status, res.body)
				}
				for _, a := range ir.Applied {
					if !a.Unchanged {
						t.Errorf("second import: %+v not unchanged", a)
					}
				}
				if after := x.historyCount(); after != before {
					t.Errorf("second import wrote history: %d → %d", before, after)
				}
				// The product's document (both versions) states what stands:
				// importing it into the product records nothing.
				res = s.get(t, "/api/v1/products/"+x.product.ID+"/vex?format="+format+"&namespace=https://acme.example", s.acmeKey)
				if res.status != http.StatusOK || res.header.Get("X-Rocca-Statements") != fmt.Sprint(2*len(x.decided)) {
					t.Fatalf("product export: %d %v %s", res.status, res.header, res.body)
				}
				pdoc := res.body
				switch format {
				case "csaf":
					csaf["product.json"] = pdoc
				case "cyclonedx":
					for _, is := range strict.CycloneDXJSON(pdoc) {
						t.Errorf("product: %s (line %d): %s", is.Pointer, is.Line, is.Message)
					}
				case "openvex":
					d, err := ovex.Parse(pdoc)
					if err != nil {
						t.Fatal(err)
					}
					for i := range d.Statements {
						if err := d.Statements[i].Validate(); err != nil {
							t.Errorf("product statement %d: %v", i, err)
						}
					}
				}
				before = x.historyCount()
				res = s.do(t, "POST", "/api/v1/products/"+x.product.ID+"/vex?name=export."+format, s.acmeKey, "", pdoc)
				ir = importResult{}
				res.decode(t, &ir)
				if res.status != http.StatusOK || ir.Recorded != 0 || len(ir.Applied) != 2*len(x.decided) || len(ir.Unmatched) != 0 {
					t.Errorf("product document into the product: %d %s", res.status, res.body)
				}
				if after := x.historyCount(); after != before {
					t.Errorf("product document wrote history: %d → %d", before, after)
				}
			})
		}
		if len(csaf) == 0 {
			return
		}
		runner := testutil.CSAFValidator(t)
		for name, r := range testutil.ValidateCSAF(t, runner, t.TempDir(), csaf) {
			if !r.IsValid {
				t.Errorf("%s: %v", name, r.Errors())
			}
		}
	})
}

// TestVEXImportVersion imports into one version: the statements matched
// and unmatched with their reasons, version scope by default, ?scope=
// product.
func TestVEXImportVersion(t *testing.T) {
	engines(t, 0, func(t *testing.T, s *server) {
		x := s.vexFixture(t, "Import")
		fs := s.findings(t, x.v11.ID)
		f := fs[len(fs)-1]
		doc := map[string]any{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://acme.example/vex/2",
			"author": "Acme PSIRT", "timestamp": "2026-12-01T10:00:00Z", "version": 1, "statements": []any{
				map[string]any{"vulnerability": map[string]any{"name": f.VulnID}, "status": "not_affected",
					"justification": "component_not_present", "products": []any{map[string]any{"@id": f.Component.PURL}}},
				map[string]any{"vulnerability": map[string]any{"name": "CVE-2099-9999"}, "status": "fixed",
					"products": []any{map[string]any{"@id": f.Component.PURL}}},
			}}
		res := s.do(t, "POST", "/api/v1/versions/"+x.v11.ID+"/vex", s.acmeKey, "application/json", mustJSON(doc))
		var ir importResult
		res.decode(t, &ir)
		if res.status != http.StatusOK || ir.Scope != "version" || ir.Recorded != 1 || len(ir.Applied) != 1 ||
			ir.Applied[0].FindingID != f.ID || len(ir.Unmatched) != 1 || ir.Unmatched[0].Where != "statements[1]" ||
			!strings.Contains(ir.Unmatched[0].Reason, "CVE-2099-9999") {
			t.Fatalf("import: %d %s", res.status, res.body)
		}
		var h struct {
			Current model.FindingAnalysis
		}
		s.get(t, "/api/v1/findings/"+f.ID+"/analysis", s.acmeKey).decode(t, &h)
		if h.Current.Status != model.StatusNotAffected || h.Current.Scope != model.ScopeVersion || h.Current.Source != "vex upload" {
			t.Errorf("decision: %+v", h.Current)
		}
		// Product scope reaches 1.0 too.
		doc["statements"] = doc["statements"].([]any)[:1]
		res = s.do(t, "POST", "/api/v1/versions/"+x.v11.ID+"/vex?scope=product&name=supplier.json", s.acmeKey, "application/json", mustJSON(doc))
		ir = importResult{}
		res.decode(t, &ir)
		if res.status != http.StatusOK || ir.Scope != "product" || ir.Recorded != 1 {
			t.Fatalf("product scope: %d %s", res.status, res.body)
		}
		for _, g := range s.findings(t, x.v10.ID) {
			if findingKey(&g) == findingKey(&f) && (g.Analysis == nil || g.Analysis.Source != "supplier.json" || !g.Analysis.Inherited) {
				t.Errorf("1.0's finding: %+v", g.Analysis)
			}
		}
		if res := s.do(t, "POST", "/api/v1/versions/"+x.v11.ID+"/vex?scope=everywhere", s.acmeKey, "", mustJSON(doc)); res.status != http.StatusBadRequest ||
			!strings.Contains(string(res.body), "scope:") {
			t.Errorf("bad scope: %d %s", res.status, res.body)
		}
		if res := s.do(t, "POST", "/api/v1/versions/"+x.v11.ID+"/vex", s.acmeKey, "", nil); res.status != http.StatusBadRequest {
			t.Errorf("empty body: %d %s", res.status, res.body)
		}
	})
}

// TestVEXImportRefusals: a malformed document gives a located error, a
// document about another product is refused; neither changes anything.
func TestVEXImportRefusals(t *testing.T) {
	engines(t, 0, func(t *testing.T, s *server) {
		x := s.vexFixture(t, "Refusals")
		f := x.findings10[len(x.findings10)-1]
		good := string(openVEX(f, "not_affected"))
		malformed := []struct{ name, doc, where string }{
			{"syntax", strings.Replace(good, `"status"`, `"status" "x"`, 1), "line 1, column"},
			{"status", strings.Replace(good, `"not_affected"`, `"maybe"`, 1), "statements[0]"},
			{"no product", strings.Replace(good, `"@id":"`+f.Component.PURL+`"`, `"x":1`, 1), "statements[0].products[0]"},
			{"not VEX", `{"spdxVersion":"SPDX-2.3"}`, "SPDX"},
			{"xml", `<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><vulnerabilities><vulnerability>`, "XML"},
		}
		before, effBefore := x.historyCount(), fmt.Sprint(s.effective(t, x.v10.ID), s.effective(t, x.v11.ID))
		for _, c := range malformed {
			for _, path := range []string{"/api/v1/versions/" + x.v10.ID + "/vex", "/api/v1/products/" + x.product.ID + "/vex"} {
				res := s.do(t, "POST", path+"?name=bad.json", s.acmeKey, "", []byte(c.doc))
				var p struct{ Title, Detail string }
				res.decode(t, &p)
				if res.status != http.StatusBadRequest || res.header.Get("Content-Type") != "application/problem+json" ||
					!strings.HasPrefix(p.Detail, "bad.json: ") || !strings.Contains(p.Detail, c.where) {
					t.Errorf("%s into %s: %d %s, want 400 locating %q", c.name, path, res.status, res.body, c.where)
				}
			}
		}
		foreign := mustJSON(map[string]any{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://other.example/vex/1",
			"author": "Other", "timestamp": "2026-12-01T10:00:00Z", "version": 1, "statements": []any{
				map[string]any{"vulnerability": map[string]any{"name": f.VulnID}, "status": "not_affected", "justification": "component_not_present",
					"products": []any{map[string]any{"@id": "pkg:generic/other-vendor/robot-arm@7.1",
						"subcomponents": []any{map[string]any{"@id": "pkg:npm/left-pad@1.3.0"}}}}},
			}})
		for _, path := range []string{"/api/v1/versions/" + x.v10.ID + "/vex", "/api/v1/products/" + x.product.ID + "/vex"} {
			res := s.do(t, "POST", path, s.acmeKey, "", foreign)
			var p struct{ Title, Detail string }
			res.decode(t, &p)
			if res.status != http.StatusUnprocessableEntity || !strings.Contains(p.Detail, "robot-arm") || !strings.Contains(p.Detail, "other products") {
				t.Errorf("foreign into %s: %d %s", path, res.status, res.body)
			}
		}
		// A statement that breaks the analysis rules refuses the whole
		// document, located.
		long := mustJSON(map[string]any{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://acme.example/vex/3",
			"author": "Acme", "timestamp": "2026-12-01T10:00:00Z", "version": 1, "statements": []any{
				map[string]any{"vulnerability": map[string]any{"name": x.findings10[0].VulnID}, "status": "fixed",
					"products": []any{map[string]any{"@id": x.findings10[0].Component.PURL}}},
				map[string]any{"vulnerability": map[string]any{"name": f.VulnID}, "status": "fixed", "status_notes": strings.Repeat("x", 20001),
					"products": []any{map[string]any{"@id": f.Component.PURL}}},
			}})
		res := s.do(t, "POST", "/api/v1/versions/"+x.v10.ID+"/vex", s.acmeKey, "", long)
		if res.status != http.StatusBadRequest || !strings.Contains(string(res.body), "statements[1]") || !strings.Contains(string(res.body), "detail:") {
			t.Errorf("rule break: %d %.300s", res.status, res.body)
		}
		if after := x.historyCount(); after != before {
			t.Errorf("refused imports changed the history: %d → %d", before, after)
		}
		if eff := fmt.Sprint(s.effective(t, x.v10.ID), s.effective(t, x.v11.ID)); eff != effBefore {
			t.Error("refused imports changed effective statuses")
		}
	})
}

// TestVersionReports: SARIF and CycloneDX VDR of a version carry the
// analysis.
func TestVersionReports(t *testing.T) {
	engines(t, 0, func(t *testing.T, s *server) {
		x := s.vexFixture(t, "Reports")
		var na model.TrackedFinding
		for _, f := range x.decided {
			if f.ID == x.findings10[0].ID {
				na = f
			}
		}
		res := s.get(t, "/api/v1/versions/"+x.v10.ID+"/report?format=cyclonedx-vdr", s.acmeKey)
		if res.status != http.StatusOK || !strings.HasPrefix(res.header.Get("Content-Type"), "application/vnd.cyclonedx+json") {
			t.Fatalf("VDR: %d %s", res.status, res.body)
		}
		for _, is := range strict.CycloneDXJSON(res.body) {
			t.Errorf("VDR %s (line %d): %s", is.Pointer, is.Line, is.Message)
		}
		var vdr struct {
			Vulnerabilities []struct {
				ID       string
				Analysis *struct {
					State, Justification, Detail string
					Response                     []string
				}
			}
		}
		if err := json.Unmarshal(res.body, &vdr); err != nil {
			t.Fatal(err)
		}
		states := map[string]int{}
		for _, v := range vdr.Vulnerabilities {
			if v.Analysis != nil {
				states[v.Analysis.State]++
				if v.ID == na.VulnID && v.Analysis.State == "not_affected" && !strings.Contains(v.Analysis.Detail, "the parser is never called") {
					t.Errorf("VDR analysis detail: %+v", v.Analysis)
				}
			}
		}
		if states["not_affected"] < 2 || states["exploitable"] < 1 || states["resolved"] < 1 || states["in_triage"] < 1 {
			t.Errorf("VDR analysis states: %v", states)
		}

		res = s.get(t, "/api/v1/versions/"+x.v10.ID+"/report?format=sarif", s.acmeKey)
		if res.status != http.StatusOK || res.header.Get("Content-Type") != "application/sarif+json" {
			t.Fatalf("SARIF: %d %s", res.status, res.body)
		}
		var sarif struct {
			Runs []struct {
				Results []struct {
					Suppressions []struct{ Kind, Justification string }
				}
			}
		}
		if err := json.Unmarshal(res.body, &sarif); err != nil {
			t.Fatal(err)
		}
		suppressed := 0
		for _, r := range sarif.Runs[0].Results {
			for _, sp := range r.Suppressions {
				if strings.Contains(sp.Justification, "rocca triage") {
					suppressed++
				}
			}
		}
		if suppressed != 3 { // two not_affected, one fixed
			t.Errorf("%d suppressed SARIF results, want 3:\n%s", suppressed, res.body)
		}
		if bytes.Contains(res.body, []byte(`"suppressions"`)) && !bytes.Contains(res.body, []byte("vulnerable_code_not_in_execute_path")) {
			t.Error("SARIF suppressions lack the justification")
		}
		if exe := sarifTool(); exe != "" {
			errs, _ := testutil.ValidateSARIF(t, exe, t.TempDir(), "report.sarif", res.body)
			for _, e := range errs {
				t.Errorf("SARIF: %s", e)
			}
		}
		res = s.get(t, "/api/v1/versions/"+x.v10.ID+"/report", s.acmeKey)
		var js struct{ Findings []model.Finding }
		res.decode(t, &js)
		if len(js.Findings) != len(x.findings10) {
			t.Errorf("JSON report: %d findings, want %d", len(js.Findings), len(x.findings10))
		}
		if res := s.get(t, "/api/v1/versions/"+x.v10.ID+"/report?format=pdf", s.acmeKey); res.status != http.StatusBadRequest {
			t.Errorf("unknown format: %d", res.status)
		}
		for _, q := range []string{"format=yaml", "format=csaf&namespace=ftp://x", "untriaged=maybe"} {
			if res := s.get(t, "/api/v1/versions/"+x.v10.ID+"/vex?"+q, s.acmeKey); res.status != http.StatusBadRequest {
				t.Errorf("export %s: %d %s", q, res.status, res.body)
			}
		}
		// Untriaged findings on request, as under_investigation.
		res = s.get(t, "/api/v1/versions/"+x.v10.ID+"/vex?untriaged=true", s.acmeKey)
		if res.header.Get("X-Rocca-Statements") != fmt.Sprint(len(x.findings10)) {
			t.Errorf("untriaged export: %s statements of %d findings", res.header.Get("X-Rocca-Statements"), len(x.findings10))
		}
	})
}

// sarifTool is the SARIF validator when installed (scripts/test.sh sets
// ROCCA_SARIF_MULTITOOL), else "": the SARIF checks above run anyway.
func sarifTool() string { return os.Getenv("ROCCA_SARIF_MULTITOOL") }
