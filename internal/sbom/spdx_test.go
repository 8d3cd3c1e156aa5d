package sbom

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/testutil"
)

func readSPDX(t *testing.T, data []byte, name string) (*model.SBOM, error) {
	t.Helper()
	return Read(bytes.NewReader(data), name, Limits{})
}

// TestSPDX2Relationships checks every model field of a hand-written SPDX
// 2.3 document: subject, derived purls, types, licences, edges by
// relationship type, and the warnings for dangling edges.
func TestSPDX2Relationships(t *testing.T) {
	s, err := readSPDX(t, readFile(t, "spdx/relationships.spdx.json"), "r.json")
	if err != nil {
		t.Fatal(err)
	}
	wantSubject := &model.Component{Ref: "SPDXRef-firmware", Name: "press-controller", Version: "4.2.0", Type: "firmware",
		Supplier: "ACME Automation", Author: "Jo Engineer", Licenses: []string{"LicenseRef-ACME"}}
	if !reflect.DeepEqual(s.Subject, wantSubject) {
		t.Errorf("subject\n%+v\nwant\n%+v", s.Subject, wantSubject)
	}
	want := []model.Component{
		{Ref: "SPDXRef-log4j", Name: "log4j-core", Version: "2.14.1", Type: "library",
			PURL: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", PURLDerivedFrom: "SPDX externalRef maven-central",
			CPE:    "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*",
			Hashes: []model.Hash{{Alg: "SHA1", Value: "9141212b8507ab50a45525b545b39d224614528b"}}, Licenses: []string{"Apache-2.0"}},
		{Ref: "SPDXRef-lodash", Name: "lodash", Version: "4.17.20", PURL: "pkg:npm/lodash@4.17.20", PURLDerivedFrom: "SPDX externalRef npm"},
		{Ref: "SPDXRef-json", Name: "Newtonsoft.Json", Version: "13.0.1", Type: "source", PURL: "pkg:nuget/Newtonsoft.Json@13.0.1"},
		{Ref: "SPDXRef-os", Name: "linux", Version: "6.1", Type: "operating-system"},
	}
	if !reflect.DeepEqual(s.Components, want) {
		t.Errorf("components\n%+v\nwant\n%+v", s.Components, want)
	}
	wantDeps := []model.Dependency{
		{Ref: "SPDXRef-firmware", DependsOn: []string{"SPDXRef-log4j", "SPDXRef-lodash", "SPDXRef-os"}},
		{Ref: "SPDXRef-lodash", DependsOn: []string{"SPDXRef-json"}},
	}
	if !reflect.DeepEqual(s.Dependencies, wantDeps) {
		t.Errorf("dependencies\n%+v\nwant\n%+v", s.Dependencies, wantDeps)
	}
	if s.Format != "SPDX" || s.SpecVersion != "2.3" || s.Encoding != "json" || s.Serial != "https://example.com/spdx/press-controller-4.2.0" {
		t.Errorf("metadata %q %q %q %q", s.Format, s.SpecVersion, s.Encoding, s.Serial)
	}
	if !reflect.DeepEqual(s.Tools, []string{"rocca-test-1.0"}) || !reflect.DeepEqual(s.Authors, []string{"ACME Automation", "Jo Engineer"}) {
		t.Errorf("tools %q authors %q", s.Tools, s.Authors)
	}
	if !s.Created.Equal(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("created %v", s.Created)
	}
	warnings := strings.Join(s.Warnings, "\n")
	for _, w := range []string{"no element has SPDX id SPDXRef-missing", "DocumentRef-other:SPDXRef-x is in another document"} {
		if !strings.Contains(warnings, w) {
			t.Errorf("warnings %q lack %q", s.Warnings, w)
		}
	}
	if len(s.Warnings) != 2 {
		t.Errorf("want 2 warnings, got %q", s.Warnings)
	}
}

// TestSPDX3Graph checks an SPDX 3 document's model.
func TestSPDX3Graph(t *testing.T) {
	s, err := readSPDX(t, readFile(t, "spdx/relationships.spdx3.json"), "r3.json")
	if err != nil {
		t.Fatal(err)
	}
	wantSubject := &model.Component{Ref: "urn:fw", Name: "press-controller", Version: "4.2.0", Type: "firmware", Supplier: "ACME Automation", Author: "ACME Automation"}
	if !reflect.DeepEqual(s.Subject, wantSubject) {
		t.Errorf("subject\n%+v\nwant\n%+v", s.Subject, wantSubject)
	}
	want := []model.Component{
		{Ref: "urn:log4j", Name: "log4j-core", Version: "2.14.1", Type: "library", PURL: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
			CPE: "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*", Hashes: []model.Hash{{Alg: "sha1", Value: "9141212b8507ab50a45525b545b39d224614528b"}},
			Licenses: []string{"Apache-2.0"}},
		{Ref: "urn:os", Name: "linux", Version: "6.1", Type: "operating-system", PURL: "pkg:generic/linux@6.1"},
	}
	if !reflect.DeepEqual(s.Components, want) {
		t.Errorf("components\n%+v\nwant\n%+v", s.Components, want)
	}
	wantDeps := []model.Dependency{{Ref: "urn:fw", DependsOn: []string{"urn:log4j", "urn:os"}}}
	if !reflect.DeepEqual(s.Dependencies, wantDeps) {
		t.Errorf("dependencies %+v", s.Dependencies)
	}
	if s.SpecVersion != "3.0.1" || s.Encoding != "json-ld" || s.Serial != "urn:doc" ||
		!reflect.DeepEqual(s.Tools, []string{"rocca-test 1.0"}) || !reflect.DeepEqual(s.Authors, []string{"ACME Automation"}) {
		t.Errorf("metadata %+v", s)
	}
	if len(s.Warnings) != 1 || !strings.Contains(s.Warnings[0], "no element of this document has id urn:missing") {
		t.Errorf("warnings %q", s.Warnings)
	}
}

// TestReadSPDXErrors checks that broken SPDX documents are refused with
// their place named.
func TestReadSPDXErrors(t *testing.T) {
	doc23 := `{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","packages":[` + "\n"
	for _, tc := range []struct {
		name, data string
		err        error
		contains   string
	}{
		{"json type in package", doc23 + `{"name":"a","SPDXID":"SPDXRef-a","versionInfo":3}]}`, nil, "x:2:48 (byte 114): packages.versionInfo: expected a string, found a number"},
		{"json bad id", doc23 + `{"name":"a","SPDXID":"bad"}]}`, nil, "x:2:22 (byte 88): SPDXID: failed to parse ElementID: bad"},
		{"json null package", doc23 + `null]}`, ErrSyntax, "x:2:1 (byte 67): packages: syntax error: packages[0] is null"},
		{"json 2.1", `{"spdxVersion":"SPDX-2.1"}`, ErrUnsupported, `SPDX document declares "SPDX-2.1"`},
		{"tag-value unknown tag", "SPDXVersion: SPDX-2.3\nSPDXID: SPDXRef-DOCUMENT\n\nPackageName: a\nSPDXID: SPDXRef-a\nBogus: 1\n", ErrSyntax, "x:6: syntax error: received unknown tag Bogus in Package section"},
		{"tag-value no SPDXID", "SPDXVersion: SPDX-2.3\nSPDXID: SPDXRef-DOCUMENT\nPackageName: a\nPackageVersion: 1\n", ErrSyntax, "x:3: syntax error: package with PackageName a does not have SPDX identifier"},
		{"tag-value no colon", "SPDXVersion: SPDX-2.3\nnonsense\n", ErrSyntax, "x:2: no colon in \"nonsense\""},
		{"tag-value open text", "SPDXVersion: SPDX-2.3\nDocumentComment: <text>never\nclosed\n", ErrSyntax, "x:2: DocumentComment: <text> is never closed"},
		{"yaml syntax", "spdxVersion: SPDX-2.3\npackages: [a\n", ErrSyntax, "syntax error"},
		{"yaml bad id", "spdxVersion: SPDX-2.3\nSPDXID: SPDXRef-DOCUMENT\npackages:\n  - name: a\n    SPDXID: nope\n", nil, "x:5: SPDXID: failed to parse ElementID: nope"},
		{"spdx3 no graph", `{"@context":"https://spdx.org/rdf/3.0.1/spdx-context.jsonld"}`, ErrSyntax, "@graph"},
		{"spdx3 type", `{"@context":"https://spdx.org/rdf/3.0.1/spdx-context.jsonld","@graph":[{"type":"software_Package","name":7}]}`, nil, "@graph.name: expected a string"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := readSPDX(t, []byte(tc.data), "x")
			if err == nil {
				t.Fatalf("read %+v", s)
			}
			if _, ok := errors.AsType[*Error](err); !ok {
				t.Errorf("%T is not an *Error", err)
			}
			if tc.err != nil && !errors.Is(err, tc.err) {
				t.Errorf("%v is not %v", err, tc.err)
			}
			if !strings.Contains(err.Error(), tc.contains) {
				t.Errorf("error %q lacks %q", err, tc.contains)
			}
		})
	}
}

// TestSPDXLimits checks that MaxComponents applies to each SPDX reader.
func TestSPDXLimits(t *testing.T) {
	for _, file := range []string{"spdx/relationships.spdx.json", "spdx/relationships.spdx3.json", "example.spdx"} {
		_, err := Read(bytes.NewReader(readFile(t, file)), file, Limits{MaxComponents: 1})
		if file == "example.spdx" {
			if err != nil {
				t.Errorf("%s: one package within the limit: %v", file, err)
			}
			_, err = Read(bytes.NewReader(append(readFile(t, file), "\nPackageName: b\nSPDXID: SPDXRef-b\n"...)), file, Limits{MaxComponents: 1})
		}
		if !errors.Is(err, ErrTooManyComponents) {
			t.Errorf("%s: %v, want ErrTooManyComponents", file, err)
		}
	}
}

// TestSPDXTestdata reads the small SPDX examples of testdata.
func TestSPDXTestdata(t *testing.T) {
	for _, tc := range []struct {
		file, spec, encoding string
		subject              string
		components           int
	}{
		{"example.spdx", "2.3", "tag-value", "", 1},
		{"example.spdx.json", "2.3", "json", "", 1},
		{"example.spdx.yaml", "2.2", "yaml", "", 1},
		{"example.spdx3.json", "3.0.1", "json-ld", "", 1},
	} {
		t.Run(tc.file, func(t *testing.T) {
			s, err := readSPDX(t, readFile(t, tc.file), tc.file)
			if err != nil {
				t.Fatal(err)
			}
			if s.SpecVersion != tc.spec || s.Encoding != tc.encoding || len(s.Components) != tc.components || s.Components[0].Name != "log4j-core" {
				t.Errorf("got %+v", s)
			}
		})
	}
}

// TestSPDXSampleDocsAgree reads tools-golang's canonical sample document
// (SPDX 2.2 and 2.3) in JSON, YAML and tag-value: every encoding must give
// the same model (all component fields, edges, metadata).
func TestSPDXSampleDocsAgree(t *testing.T) {
	dir := filepath.Join(testutil.Corpora(t), "sbom", "spdx-tools-golang", "examples", "sample-docs")
	for _, v := range []string{"2.2", "2.3"} {
		t.Run(v, func(t *testing.T) {
			files := map[string]string{
				"json":      filepath.Join(dir, "json", "SPDXJSONExample-v"+v+".spdx.json"),
				"yaml":      filepath.Join(dir, "yaml", "SPDXYAMLExample-"+v+".spdx.yaml"),
				"tag-value": filepath.Join(dir, "tv", "SPDXTagExample-v"+v+".spdx"),
			}
			got := map[string]*model.SBOM{}
			for enc, path := range files {
				data, err := os.ReadFile(path)
				if err != nil {
					t.Skipf("corpus: %v", err)
				}
				s, err := readSPDX(t, data, filepath.Base(path))
				if err != nil {
					t.Fatal(err)
				}
				if s.Encoding != enc {
					t.Errorf("%s: encoding %q", path, s.Encoding)
				}
				// The three files list packages and relationships in
				// different orders; the model keeps document order.
				s.Encoding, s.Warnings = "", nil
				slices.SortFunc(s.Components, func(a, b model.Component) int { return strings.Compare(a.Ref, b.Ref) })
				slices.SortFunc(s.Dependencies, func(a, b model.Dependency) int { return strings.Compare(a.Ref, b.Ref) })
				for _, dep := range s.Dependencies {
					slices.Sort(dep.DependsOn)
				}
				got[enc] = s
			}
			want := got["json"]
			if len(want.Components) < 3 || len(want.Dependencies) == 0 || want.Subject == nil {
				t.Fatalf("JSON reading too thin to compare: %+v", want)
			}
			for _, enc := range []string{"yaml", "tag-value"} {
				if !reflect.DeepEqual(got[enc], want) {
					t.Errorf("%s differs from JSON:\n%+v\n%+v", enc, got[enc], want)
				}
			}
			t.Logf("SPDX %s: %d components, %d dependency entries, subject %s, identical in JSON, YAML and tag-value", v, len(want.Components), len(want.Dependencies), want.Subject.Key())
		})
	}
}

func TestTrimAgent(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Organization: ExampleCodeInspect (contact@example.com)", "ExampleCodeInspect (contact@example.com)"},
		{"Organization: ExampleCodeInspect ()", "ExampleCodeInspect"},
		{"Person: Jane Doe ()", "Jane Doe"},
		{"Jane Doe ()", "Jane Doe"},
		{"  Tool: syft-1.0  ", "syft-1.0"},
		{"NOASSERTION", ""},
		{"Organization: NONE", ""},
	} {
		if got := trimAgent(c.in); got != c.want {
			t.Errorf("trimAgent(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
