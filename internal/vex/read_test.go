package vex

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/testutil"
)

func readTestdata(t *testing.T, name string) []Statement {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	stmts, err := Read(bytes.NewReader(b), name)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return stmts
}

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func compareStatements(t *testing.T, got, want []Statement) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d statements, want %d: %+v", len(got), len(want), got)
	}
	for i := range min(len(got), len(want)) {
		g, w := got[i], want[i]
		g.Where, w.Where = "", ""
		g.Products, w.Products = unlocated(g.Products), unlocated(w.Products)
		if !g.Timestamp.Equal(w.Timestamp) {
			t.Errorf("statement %d: timestamp %v, want %v", i, g.Timestamp, w.Timestamp)
		}
		g.Timestamp, w.Timestamp = time.Time{}, time.Time{}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("statement %d:\ngot  %+v\nwant %+v", i, g, w)
		}
	}
}

func TestReadOpenVEX(t *testing.T) {
	const src, author = "triage.openvex.json", "Example Macchine PSIRT"
	compareStatements(t, readTestdata(t, src), []Statement{
		{
			Vulnerability: "CVE-2021-44228", Aliases: []string{"GHSA-jfh8-c2jp-5v3q"},
			Products: ids("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"),
			Status:   model.StatusNotAffected, Justification: VulnerableCodeNotInExecutePath,
			Source: src, Author: author, Timestamp: ts("2026-03-01T10:00:00Z"), // the document's
		},
		{
			Vulnerability: "CVE-2022-0778",
			Products: []Product{{
				ID: "https://example.com/products/press-controller", PURL: "pkg:generic/example/press-controller@4.2.0",
				Subcomponents: []Product{{ID: "openssl", CPE: "cpe:2.3:a:openssl:openssl:3.0.1:*:*:*:*:*:*:*"}},
			}},
			Status: model.StatusFixed, Source: src, Author: author, Timestamp: ts("2026-03-02T08:00:00Z"),
		},
		{
			Vulnerability: "CVE-2023-44487",
			Products:      []Product{{PURL: "pkg:golang/golang.org/x/net"}},
			Status:        model.StatusUnderInvestigation, Source: src, Author: author, Timestamp: ts("2026-03-03T11:30:00Z"),
		},
		{
			Vulnerability: "CVE-2022-22965",
			Products:      ids("pkg:maven/org.springframework/spring-beans@5.3.17"),
			Status:        model.StatusNotAffected, Impact: "Spring MVC is not used; the application is not deployed as a WAR.",
			Source: src, Author: author, Timestamp: ts("2026-03-01T10:00:00Z"),
		},
	})
}

func TestReadOpenVEXLegacy(t *testing.T) {
	const src = "legacy-v0.0.1.openvex.json"
	stmts := readTestdata(t, src)
	for i := range stmts {
		stmts[i].Author = ""
	}
	// Statement-level subcomponents (v0.0.1) belong to every product.
	compareStatements(t, stmts, []Statement{{
		Vulnerability: "CVE-2022-3786",
		Products: []Product{{
			ID:            "pkg:oci/press-hmi@sha256%3A0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
			PURL:          "pkg:oci/press-hmi@sha256%3A0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
			Subcomponents: ids("pkg:apk/alpine/libssl3@3.0.7-r0"),
		}},
		Status: model.StatusNotAffected, Justification: ComponentNotPresent,
		Source: src, Timestamp: ts("2023-01-16T19:07:16Z"),
	}})
}

func TestReadCycloneDXJSON(t *testing.T) {
	const src = "vex.cdx.json"
	versions := "the target is restricted to versions (affects[].versions), which rocca does not evaluate"
	compareStatements(t, readTestdata(t, src), []Statement{
		{
			Vulnerability: "CVE-2020-25649", Aliases: []string{"GHSA-288c-cq4h-88gq"},
			Products: ids("pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar"), // BOM-Link reduced
			Status:   model.StatusNotAffected, Justification: VulnerableCodeNotInExecutePath, CycloneDXJustification: "code_not_reachable",
			Response: []Response{ResponseWillNotFix, ResponseUpdate}, Detail: "The XML parsing path is never used.",
			Source: src, Timestamp: ts("2026-02-10T09:00:00Z"),
		},
		// Two targets naming the same bom-ref are both kept.
		{Vulnerability: "CVE-2021-44228", Products: ids("log4j-core", "log4j-core"), Status: model.StatusNotAffected,
			Impact: "The vulnerability was reported in error (CycloneDX false_positive).", Source: src},
		{Vulnerability: "CVE-2022-0778", Products: ids("openssl"), Status: model.StatusFixed, Detail: "Patched in the vendor build.", Source: src},
		{Vulnerability: "CVE-2023-0286", Products: ids("openssl"), Status: model.StatusFixed, Source: src},
		{Vulnerability: "CVE-2023-44487", Products: ids("pkg:golang/golang.org/x/net@v0.15.0"), Status: model.StatusAffected, Source: src, Timestamp: ts("2026-01-05T00:00:00Z")},
		// Version-restricted targets are kept, marked unsupported (Match
		// reports them); CVE-2019-10086 has no analysis: no statement.
		{Vulnerability: "CVE-2024-0001", Products: []Product{{ID: "press-controller", Unsupported: versions}, {ID: "bootloader"}}, Status: model.StatusUnderInvestigation, Source: src},
		{Vulnerability: "CVE-2024-0002", Products: []Product{{ID: "press-controller", Unsupported: versions}}, Status: model.StatusNotAffected, Source: src},
	})
}

func TestReadCycloneDXXML(t *testing.T) {
	const src = "vex.cdx.xml"
	compareStatements(t, readTestdata(t, src), []Statement{
		{
			Vulnerability: "CVE-2020-25649", Aliases: []string{"GHSA-288c-cq4h-88gq"},
			Products: ids("jackson databind"),
			Status:   model.StatusNotAffected, Justification: VulnerableCodeNotInExecutePath, CycloneDXJustification: "code_not_reachable",
			Response: []Response{ResponseWillNotFix}, Detail: "The XML parsing path is never used.",
			Source: src, Timestamp: ts("2026-02-10T09:00:00Z"),
		},
		{Vulnerability: "CVE-2024-0002", Products: []Product{{ID: "press-controller", Unsupported: "the target is restricted to versions (affects[].versions), which rocca does not evaluate"}}, Status: model.StatusNotAffected, Source: src},
		{Vulnerability: "CVE-2023-44487", Products: ids("pkg:golang/golang.org/x/net@v0.15.0"), Status: model.StatusUnderInvestigation, Source: src},
	})
}

func TestReadCycloneDXWithoutStatements(t *testing.T) {
	if got := readTestdata(t, "sbom-without-vulnerabilities.cdx.json"); len(got) != 0 {
		t.Errorf("got %+v", got)
	}
	// A vulnerability analysed without targets (CycloneDX allows it) is
	// kept without products: Match reports it as unmatched rather than
	// dropping it.
	doc := `{"bomFormat": "CycloneDX", "vulnerabilities": [{"id": "CVE-1", "analysis": {"state": "not_affected"}}]}`
	got, err := Read(strings.NewReader(doc), "x")
	if err != nil || len(got) != 1 || len(got[0].Products) != 0 {
		t.Fatalf("got %+v, %v", got, err)
	}
	res := Match(got, Target{Findings: []model.Finding{finding(log4j, "CVE-1")}})
	if len(res.Unmatched) != 1 || res.Unmatched[0].Reason != "the statement names no product" || res.Unmatched[0].Where != "vulnerabilities[0]" {
		t.Errorf("got %+v", res)
	}
}

func TestReadErrors(t *testing.T) {
	openvex := func(stmt string) string {
		return `{"@context": "https://openvex.dev/ns/v0.2.0", "timestamp": "2026-01-01T00:00:00Z",
"statements": [` + stmt + `]}`
	}
	cdx := func(vuln string) string {
		return `{"bomFormat": "CycloneDX", "specVersion": "1.6", "vulnerabilities": [` + vuln + `]}`
	}
	testdata := func(name string) string {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, tc := range []struct {
		name, doc, want string
	}{
		{"empty", " \n", "not a VEX document: empty document"},
		{"text", "CVE-2021-44228 not affected", `not a VEX document: expected OpenVEX, CSAF or CycloneDX VEX (JSON or XML), found content starting with "CVE-2021-44228 not affec…"`},
		{"json array", `[]`, "not a VEX document"},
		{"other json", `{"name": "x"}`, "not a VEX document: JSON without an OpenVEX @context, a CycloneDX bomFormat or a CSAF document.csaf_version"},
		{"other context", `{"@context": "https://www.w3.org/ns/activitystreams"}`, "@context \"https://www.w3.org/ns/activitystreams\" is not OpenVEX's"},
		{"csaf without product tree", testdata("csaf.json"), `vulnerabilities[0].product_status.known_not_affected[0]: product id "CSAFPID-0001" is not defined in the product_tree`},
		{"spdx", `{"spdxVersion": "SPDX-2.3"}`, "an SPDX document carries no VEX statements"},
		{"syntax", "{\"@context\": \"https://openvex.dev/ns/v0.2.0\",\n  \"statements\": [}", "line 2, column 18: JSON syntax error: invalid character '}' looking for beginning of value"},
		{"bad status", openvex(`{"vulnerability": {"name": "CVE-1"}, "products": [{"@id": "x"}], "status": "maybe"}`), `statements[0].status: unknown status "maybe"`},
		{"no vulnerability", openvex(`{"products": [{"@id": "x"}], "status": "fixed"}`), "statements[0].vulnerability: neither a name nor an @id"},
		{"no products", openvex(`{"vulnerability": {"name": "CVE-1"}, "status": "fixed"}`), "statements[0].products: no product"},
		{"empty product", openvex(`{"vulnerability": {"name": "CVE-1"}, "products": [{"hashes": {"sha-256": "ab"}}], "status": "fixed"}`), "statements[0].products[0]: no identifier (@id, identifiers.purl or identifiers.cpe23)"},
		{"bad timestamp", openvex(`{"vulnerability": {"name": "CVE-1"}, "products": [{"@id": "x"}], "status": "fixed", "timestamp": "yesterday"}`), `statements[0].timestamp: "yesterday" is not an RFC 3339 timestamp`},
		{"bad document timestamp", `{"@context": "https://openvex.dev/ns/v0.2.0", "timestamp": "2026-13-01T00:00:00Z", "statements": []}`, "timestamp: \"2026-13-01T00:00:00Z\" is not an RFC 3339 timestamp"},
		{"wrong type", openvex("{\"vulnerability\": {\"name\": \"CVE-1\"},\n\"products\": [{\"@id\": \"x\"}], \"status\": 3}"), "line 3, column 39: statements.status: unexpected JSON number"},
		{"wrong type in product", openvex(`{"vulnerability": {"name": "CVE-1"}, "products": [{"@id": 5}], "status": "fixed"}`), "statements.products.@id: unexpected JSON number"},
		{"unknown state", cdx(`{"id": "CVE-1", "analysis": {"state": "fine"}, "affects": [{"ref": "x"}]}`), `vulnerabilities[0].analysis.state: unknown analysis state "fine"`},
		{"no id", cdx(`{"analysis": {"state": "not_affected"}, "affects": [{"ref": "x"}]}`), "vulnerabilities[0].id: analysed vulnerability without an id"},
		{"bad lastUpdated", cdx(`{"id": "CVE-1", "analysis": {"state": "in_triage", "lastUpdated": "soon"}, "affects": [{"ref": "x"}]}`), "vulnerabilities[0].analysis.lastUpdated: \"soon\" is not an RFC 3339 timestamp"},
		{"doctype", testdata("doctype.cdx.xml"), "line 2: <!DOCTYPE> refused: DTD declarations are not accepted"},
		{"other xml", `<?xml version="1.0"?><csaf/>`, "XML root element <csaf> in namespace \"\" is not a CycloneDX bom"},
		{"xml syntax", "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.5\">\n<vulnerabilities>\n</bom>", "line 3: XML syntax error: element <vulnerabilities> closed by </bom>"},
		{"xml without root", `<?xml version="1.0"?>`, "XML document without a root element"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Read(strings.NewReader(tc.doc), "x.json")
			if err == nil {
				t.Fatalf("no error, got %+v", got)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

func TestReadLimits(t *testing.T) {
	big := io.MultiReader(strings.NewReader(`{"@context": "https://openvex.dev/ns/v0.2.0", "x": "`), neverEnding('a'))
	_, err := Read(big, "big.json")
	if err == nil || !strings.Contains(err.Error(), "larger than the 64 MiB limit") {
		t.Errorf("got %v", err)
	}
	boom := errors.New("disk on fire")
	if _, err := Read(iotest.ErrReader(boom), "x"); !errors.Is(err, boom) {
		t.Errorf("got %v", err)
	}
}

type neverEnding byte

func (b neverEnding) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}

// TestCorpusCycloneDXVEX reads the VEX examples of CycloneDX's
// bom-examples, which must all read.
func TestCorpusCycloneDXVEX(t *testing.T) {
	root := filepath.Join(testutil.Corpora(t), "sbom", "cyclonedx-bom-examples", "VEX")
	n := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasPrefix(d.Name(), "vex") || !strings.HasSuffix(p, ".json") {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		stmts, err := Read(bytes.NewReader(b), rel)
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			return nil
		}
		n++
		var summary []string
		for _, s := range stmts {
			summary = append(summary, s.Vulnerability+" "+string(s.Status)+" "+productLabels(s.Products))
		}
		t.Logf("%s: %d statements: %s", rel, len(stmts), strings.Join(summary, "; "))
		return nil
	})
	if err != nil {
		t.Skipf("corpus: %v", err)
	}
	if n == 0 {
		t.Error("no VEX documents read")
	}
}

func TestReadCSAF(t *testing.T) {
	const src, author = "vendor.csaf.json", "Example Macchine PSIRT"
	doc := time.Date(2026, 3, 5, 12, 0, 0, 0, time.UTC)
	press := Product{ID: "PC-420", PURL: "pkg:generic/example/press-controller@4.2.0", Name: "press-controller", Version: "4.2.0"}
	in := func(id string, sub Product) Product {
		p := press
		p.ID, p.Subcomponents = id, []Product{sub}
		return p
	}
	log4jCSAF := Product{ID: "LOG4J", PURL: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", Name: "log4j-core 2.14.1"}
	opensslCSAF := Product{ID: "OPENSSL", CPE: "cpe:2.3:a:openssl:openssl:3.0.1:*:*:*:*:*:*:*", Name: "OpenSSL 3.0.1"}
	compareStatements(t, readTestdata(t, src), []Statement{
		{
			Vulnerability: "CVE-2021-44228", Aliases: []string{"GHSA-jfh8-c2jp-5v3q"},
			Products: []Product{in("PC-420:LOG4J", log4jCSAF)}, Status: model.StatusNotAffected,
			Justification: VulnerableCodeNotPresent, Detail: "The JNDI lookup class is removed from the image.",
			Author: author, Source: src, Timestamp: ts("2026-02-01T09:00:00Z"),
		},
		{
			Vulnerability: "CVE-2021-44228", Aliases: []string{"GHSA-jfh8-c2jp-5v3q"},
			Products: []Product{{ID: "PC-OLD", Name: "press-controller",
				Unsupported: "the product is given by a version range (vers:generic/<4.0), which rocca does not evaluate"}},
			Status: model.StatusUnderInvestigation, Detail: "The JNDI lookup class is removed from the image.",
			Author: author, Source: src, Timestamp: doc,
		},
		{
			Vulnerability: "CVE-2022-0778", Products: []Product{in("PC-420:OPENSSL", opensslCSAF)}, Status: model.StatusFixed,
			Action: "Fixed in firmware 4.2.0.", Response: []Response{ResponseUpdate},
			Author: author, Source: src, Timestamp: ts("2026-03-05T12:00:00Z"),
		},
		{
			Vulnerability: "GO-2023-2102", Products: []Product{{ID: "XNET", PURL: "pkg:golang/golang.org/x/net@v0.15.0", Name: "golang.org/x/net"}},
			Status:   model.StatusAffected,
			Action:   "Limit concurrent streams in the gateway.\n\nNo update before the next release.",
			Response: []Response{ResponseWorkaroundAvailable, ResponseWillNotFix}, Author: author, Source: src, Timestamp: doc,
		},
		{
			Vulnerability: "CVE-2022-22965", Products: []Product{press}, Status: model.StatusNotAffected,
			Impact: "The product ships no Spring component.", Author: author, Source: src, Timestamp: doc,
		},
	})
	// Statements and products are located in the document.
	stmts := readTestdata(t, src)
	if stmts[3].Where != "vulnerabilities[2].product_status.known_affected[0]" {
		t.Errorf("where %q", stmts[3].Where)
	}
}

func TestReadCSAFErrors(t *testing.T) {
	base, err := os.ReadFile(filepath.Join("testdata", "vendor.csaf.json"))
	if err != nil {
		t.Fatal(err)
	}
	edit := func(old, new string) string {
		if !strings.Contains(string(base), old) {
			t.Fatalf("%q not in the test document", old)
		}
		return strings.Replace(string(base), old, new, 1)
	}
	for _, tc := range []struct{ name, doc, want string }{
		{"csaf 2.1", edit(`"csaf_version": "2.0"`, `"csaf_version": "2.1"`), `document.csaf_version: "2.1" is not supported (want 2.0)`},
		{"undefined product", edit(`"fixed": ["PC-420:OPENSSL"]`, `"fixed": ["PC-420:OPENSSL", "NOPE"]`),
			`vulnerabilities[1].product_status.fixed[1]: product id "NOPE" is not defined in the product_tree`},
		{"contradicting statuses", edit(`"fixed": ["PC-420:OPENSSL"]`, `"fixed": ["PC-420:OPENSSL"], "known_affected": ["PC-420:OPENSSL"]`),
			`vulnerabilities[1].product_status.fixed[0]: product "PC-420:OPENSSL" is also listed as known_affected (contradicting statuses)`},
		{"unknown flag", edit(`"label": "vulnerable_code_not_present"`, `"label": "not_my_problem"`),
			`vulnerabilities[0].flags[0].label: unknown label "not_my_problem"`},
		{"undefined group", edit(`"group_ids": ["GRP-JAVA"]`, `"group_ids": ["GRP-X"]`),
			`vulnerabilities[0].flags[0].group_ids[0]: group id "GRP-X" is not defined in the product_tree`},
		{"bad remediation", edit(`"category": "vendor_fix"`, `"category": "pray"`),
			`vulnerabilities[1].remediations[0].category: unknown remediation category "pray"`},
		{"duplicate product id", edit(`"product_id": "XNET"`, `"product_id": "LOG4J"`),
			`product_tree.full_product_names[2].product_id: "LOG4J" is already defined at product_tree.full_product_names[0]`},
		{"bad relationship", edit(`"product_reference": "OPENSSL"`, `"product_reference": "OPENSSH"`),
			`product_tree.relationships[1].product_reference: product id "OPENSSH" is not defined in the product_tree`},
		{"no product status", edit(`"product_status": {"fixed": ["PC-420:OPENSSL"]},`, ``),
			`vulnerabilities[1].product_status: missing`},
		{"no id", edit(`"cve": "CVE-2022-22965",`, ``), `vulnerabilities[3]: neither a cve nor ids`},
		{"bad date", edit(`"date": "2026-02-01T09:00:00Z"}]`, `"date": "Feb 1"}]`), `vulnerabilities[0].flags[0].date: "Feb 1" is not an RFC 3339 timestamp`},
		{"wrong type", edit(`"product_ids": ["XNET"]}`, `"product_ids": "XNET"}`), `vulnerabilities.remediations.product_ids: unexpected JSON string`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tc.doc), "x.json")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

func TestReadDepthLimit(t *testing.T) {
	deep := `{"@context": "https://openvex.dev/ns/v0.2.0", "x": ` + strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth) + `}`
	if _, err := Read(strings.NewReader(deep), "x"); !errors.Is(err, ErrTooDeep) {
		t.Errorf("JSON: got %v", err)
	}
	deepXML := `<bom xmlns="http://cyclonedx.org/schema/bom/1.6">` + strings.Repeat("<a>", MaxDepth) + strings.Repeat("</a>", MaxDepth) + `</bom>`
	if _, err := Read(strings.NewReader(deepXML), "x"); !errors.Is(err, ErrTooDeep) {
		t.Errorf("XML: got %v", err)
	}
	// Brackets inside strings do not count.
	ok := `{"@context": "https://openvex.dev/ns/v0.2.0", "x": "` + strings.Repeat("[", 2*MaxDepth) + `", "statements": []}`
	if _, err := Read(strings.NewReader(ok), "x"); err != nil {
		t.Errorf("brackets in a string: %v", err)
	}
}

// TestCorpusCSAF reads the CSAF 2.0 examples of OASIS (the VEX profile
// and the other profiles) and CISA's ICS advisories of 2024: every one
// must read, and the VEX examples must give statements.
func TestCorpusCSAF(t *testing.T) {
	root := filepath.Join(testutil.Corpora(t), "vulndata", "csaf")
	var files []string
	for _, dir := range []string{filepath.Join(root, "oasis-examples", "csaf_2.0", "csaf"), filepath.Join(root, "cisa-ics-2024")} {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".json") {
				files = append(files, p)
			}
			return err
		})
		if err != nil {
			t.Skipf("corpus: %v", err)
		}
	}
	statements := 0
	for _, p := range files {
		rel, _ := filepath.Rel(root, p)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := ReadDocument(bytes.NewReader(b), rel)
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		statements += len(doc.Statements)
		if strings.Contains(rel, "csaf_vex") && len(doc.Statements) == 0 {
			t.Errorf("%s: no statements", rel)
		}
	}
	t.Logf("%d documents, %d statements", len(files), statements)
	if len(files) < 100 {
		t.Errorf("only %d documents found", len(files))
	}
}

// TestReadCSAFInstalledOn: a product installed on a platform is the
// product itself; a component of a product is the component inside it.
func TestReadCSAFInstalledOn(t *testing.T) {
	doc := `{"document": {"csaf_version": "2.0", "publisher": {"name": "x"}},
"product_tree": {"full_product_names": [
  {"name": "app", "product_id": "APP", "product_identification_helper": {"purl": "pkg:npm/app@1"}},
  {"name": "os", "product_id": "OS", "product_identification_helper": {"purl": "pkg:generic/os@9"}}],
 "relationships": [
  {"category": "installed_on", "product_reference": "APP", "relates_to_product_reference": "OS", "full_product_name": {"name": "app on os", "product_id": "APP-ON-OS"}},
  {"category": "default_component_of", "product_reference": "APP", "relates_to_product_reference": "OS", "full_product_name": {"name": "app in os", "product_id": "APP-IN-OS"}}]},
"vulnerabilities": [{"cve": "CVE-1", "product_status": {"fixed": ["APP-ON-OS", "APP-IN-OS"]}}]}`
	stmts, err := Read(strings.NewReader(doc), "x")
	if err != nil || len(stmts) != 2 {
		t.Fatalf("got %+v, %v", stmts, err)
	}
	if p := stmts[0].Products[0]; p.PURL != "pkg:npm/app@1" || len(p.Subcomponents) != 0 {
		t.Errorf("installed_on: %+v", p)
	}
	if p := stmts[1].Products[0]; p.PURL != "pkg:generic/os@9" || len(p.Subcomponents) != 1 || p.Subcomponents[0].PURL != "pkg:npm/app@1" {
		t.Errorf("default_component_of: %+v", p)
	}
}
