package sbom

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/spdx/tools-golang/spdx/v2/v2_2"
	"github.com/spdx/tools-golang/spdx/v2/v2_3"
	"sigs.k8s.io/yaml"
)

// checkSPDXParallel asserts the split path's contract on data read as the
// given SPDX version: when it accepts the document, the ordinary path
// accepts it too and gives the same library document and the same
// model.SBOM.
func checkSPDXParallel(t testing.TB, name string, data []byte, version string) (accepted bool) {
	t.Helper()
	par, ok := parseSPDX2Parallel(data, version, 0)
	if !ok {
		return false
	}
	d := &document{name: name, data: data, lim: Limits{}.withDefaults()}
	seq, err := d.parseSPDX2JSON(data, version)
	if err != nil {
		t.Fatalf("%s: the split path accepted a document the library refuses: %v", name, err)
	}
	if !reflect.DeepEqual(par, seq) {
		t.Fatalf("%s: the split path decoded the document differently, in %s", name, differingFields(*par, *seq))
	}
	mp, errP := d.spdx2Model(&spdx2Doc{doc: par, version: version, encoding: "json"})
	ms, errS := d.spdx2Model(&spdx2Doc{doc: seq, version: version, encoding: "json"})
	if fmt.Sprint(errP) != fmt.Sprint(errS) || !reflect.DeepEqual(mp, ms) {
		t.Fatalf("%s: the models differ (errors %v / %v)", name, errP, errS)
	}
	return true
}

// differingFields names the fields of two documents that differ.
func differingFields(a, b v2_3.Document) []string {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	var out []string
	for i := range va.NumField() {
		if !reflect.DeepEqual(va.Field(i).Interface(), vb.Field(i).Interface()) {
			out = append(out, va.Type().Field(i).Name)
		}
	}
	return out
}

// declaredVersion returns the spdxVersion data declares, or SPDX-2.3.
func declaredVersion(data []byte) string {
	var v struct {
		SPDXVersion string `json:"spdxVersion"`
	}
	if json.Unmarshal(data, &v) == nil && v.SPDXVersion == v2_2.Version {
		return v2_2.Version
	}
	return v2_3.Version
}

// generatedSPDX2 returns an SPDX 2 JSON document of n packages that
// exercises what Document.UnmarshalJSON completes: null relationships,
// documentDescribes (one already listed), hasFiles (empty, repeated, and
// already listed as CONTAINS or CONTAINED_BY), and the other split arrays.
func generatedSPDX2(n int, version string) []byte {
	type obj = map[string]any
	id := func(i int) string { return fmt.Sprintf("SPDXRef-Package-%d", i) }
	var pkgs, files, rels []any
	rels = append(rels, obj{"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES", "relatedSpdxElement": id(0)}, nil)
	for i := range n {
		p := obj{
			"SPDXID": id(i), "name": fmt.Sprintf("pkg-%d", i), "versionInfo": fmt.Sprintf("1.%d", i),
			"downloadLocation": "NOASSERTION", "supplier": "Organization: S", "originator": "Person: P (p@example.com)",
			"licenseConcluded": "MIT", "licenseDeclared": "NOASSERTION",
			"checksums":    []obj{{"algorithm": "SHA256", "checksumValue": fmt.Sprintf("%064x", i)}},
			"externalRefs": []obj{{"referenceCategory": "PACKAGE_MANAGER", "referenceType": "purl", "referenceLocator": fmt.Sprintf("pkg:npm/pkg-%d@1.%d", i, i)}},
		}
		switch i % 5 {
		case 0:
			p["filesAnalyzed"] = true
			f := fmt.Sprintf("SPDXRef-File-%d", i)
			p["hasFiles"] = []string{f, f}
			files = append(files, obj{"SPDXID": f, "fileName": fmt.Sprintf("./f%d", i), "checksums": []obj{{"algorithm": "SHA1", "checksumValue": fmt.Sprintf("%040x", i)}}})
			rels = append(rels, obj{"spdxElementId": f, "relationshipType": "CONTAINED_BY", "relatedSpdxElement": id(i)})
		case 1:
			p["hasFiles"] = []string{}
		case 2:
			p["filesAnalyzed"] = false
			p["primaryPackagePurpose"] = "LIBRARY"
		}
		pkgs = append(pkgs, p)
		if i > 0 {
			rels = append(rels, obj{"spdxElementId": id(i - 1), "relationshipType": "DEPENDS_ON", "relatedSpdxElement": id(i)})
		}
		if i%50 == 3 {
			rels = append(rels, nil)
		}
	}
	doc := obj{
		"spdxVersion": version, "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT", "name": "generated",
		"documentNamespace": "https://example.com/generated",
		"creationInfo":      obj{"created": "2026-01-01T00:00:00Z", "creators": []string{"Tool: test", "Organization: O"}},
		"documentDescribes": []string{id(0), id(1 % max(n, 1))},
		"packages":          pkgs, "files": files, "relationships": rels,
		"snippets":                   []obj{{"SPDXID": "SPDXRef-Snippet", "snippetFromFile": "SPDXRef-File-0", "ranges": []obj{}}},
		"hasExtractedLicensingInfos": []obj{{"licenseId": "LicenseRef-x", "extractedText": "text"}},
		"annotations":                []obj{{"annotator": "Tool: t", "annotationDate": "2026-01-01T00:00:00Z", "annotationType": "OTHER", "comment": "c"}},
	}
	b, err := json.MarshalIndent(doc, "", " ")
	if err != nil {
		panic(err)
	}
	return b
}

func TestSPDXParallelMatchesOrdinary(t *testing.T) {
	cases := []struct {
		name    string
		doc     string
		version string
		accept  bool
	}{
		{"generated 2.3", string(generatedSPDX2(300, v2_3.Version)), v2_3.Version, true},
		{"generated 2.2", string(generatedSPDX2(300, v2_2.Version)), v2_2.Version, true},
		{"generated, one package", string(generatedSPDX2(1, v2_3.Version)), v2_3.Version, true},
		{"empty object", `{}`, v2_3.Version, true},
		{"nulls", `{"packages":null,"files":null,"relationships":null,"snippets":null,"documentDescribes":null}`, v2_3.Version, true},
		{"empty arrays", `{"packages":[],"relationships":[ ],"snippets":[]}`, v2_3.Version, true},
		{"only null relationships", `{"relationships":[null,null]}`, v2_3.Version, true},
		{"describes without relationships", `{"SPDXID":"SPDXRef-DOCUMENT","documentDescribes":["SPDXRef-a","SPDXRef-a"]}`, v2_3.Version, true},
		{"described by", `{"SPDXID":"SPDXRef-DOCUMENT","documentDescribes":["SPDXRef-a"],"relationships":[{"spdxElementId":"SPDXRef-a","relationshipType":"DESCRIBED_BY","relatedSpdxElement":"SPDXRef-DOCUMENT"}]}`, v2_3.Version, true},
		{"null snippet", `{"snippets":[null]}`, v2_3.Version, true},
		{"null file", `{"files":[null,{"SPDXID":"SPDXRef-f"}]}`, v2_2.Version, true},
		{"unknown members kept", `{"x":[1,{"y":2}],"packages":[{"SPDXID":"SPDXRef-a"}],"name":"n"}`, v2_3.Version, true},
		{"repeated other key", `{"name":"a","name":"b"}`, v2_3.Version, true},
		{"null package", `{"packages":[{"SPDXID":"SPDXRef-a"},null]}`, v2_3.Version, false},
		{"missing comma", `{"packages":[{"SPDXID":"SPDXRef-a"} {"SPDXID":"SPDXRef-b"}]}`, v2_3.Version, false},
		{"trailing comma", `{"relationships":[{},]}`, v2_3.Version, false},
		{"garbage after the root", `{"packages":[]} x`, v2_3.Version, false},
		{"case-folded key", `{"Packages":[{"SPDXID":"SPDXRef-a"}]}`, v2_3.Version, false},
		{"long s key", "{\"hasFileſ\":[],\"packageſ\":[]}", v2_3.Version, false},
		{"repeated split key", `{"packages":[],"packages":[]}`, v2_3.Version, false},
		{"escaped key", `{"p\u0061ckages":[]}`, v2_3.Version, false},
		{"bad id in a package", `{"packages":[{"SPDXID":"x"}]}`, v2_3.Version, false},
		{"type error in a relationship", `{"relationships":[{"relationshipType":1}]}`, v2_3.Version, false},
		{"bad describes", `{"documentDescribes":["x"]}`, v2_3.Version, false},
		{"packages not an array", `{"packages":{"SPDXID":"SPDXRef-a"}}`, v2_3.Version, false},
		{"package not an object", `{"packages":["SPDXRef-a"]}`, v2_3.Version, false},
		{"invalid skeleton member", `{"packages":[],"x":[1,,2]}`, v2_3.Version, false},
		{"invalid literal in a package", `{"packages":[{"SPDXID":"SPDXRef-a","x":tru}]}`, v2_3.Version, false},
		{"array root", `[{"packages":[]}]`, v2_3.Version, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := checkSPDXParallel(t, c.name, []byte(c.doc), c.version); got != c.accept {
				t.Errorf("accepted %v, want %v", got, c.accept)
			}
		})
	}
}

// TestSPDXParallelCorpus runs the split path on every SPDX JSON document
// of the corpora and the test data, however small.
func TestSPDXParallelCorpus(t *testing.T) {
	var paths []string
	for _, p := range spdxCorpusFiles(t) {
		if strings.HasSuffix(p, ".json") {
			paths = append(paths, p)
		}
	}
	paths = append(paths, filepath.Join("testdata", "example.spdx.json"), filepath.Join("testdata", "spdx", "relationships.spdx.json"))
	accepted, spdx2 := 0, 0
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(data, []byte(`"spdxVersion"`)) {
			continue // SPDX 3 or not SPDX
		}
		spdx2++
		if checkSPDXParallel(t, path, data, declaredVersion(data)) {
			accepted++
		} else {
			t.Logf("not decoded in parts: %s", path)
		}
	}
	if accepted == 0 {
		t.Fatal("the split path accepted no corpus document")
	}
	t.Logf("%d of %d SPDX 2 JSON documents decoded in parts, identical to the ordinary path", accepted, spdx2)
}

// TestSPDXParallelRead checks that Read takes the split path for large
// JSON and YAML documents and gives what the ordinary path gives.
func TestSPDXParallelRead(t *testing.T) {
	data := generatedSPDX2(2_000, v2_3.Version)
	yamlData, err := yaml.JSONToYAML(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		encoding string
		input    []byte
	}{{"json", data}, {"yaml", yamlData}} {
		t.Run(tc.encoding, func(t *testing.T) {
			asJSON := data
			if tc.encoding == "yaml" {
				if asJSON, err = yaml.YAMLToJSON(tc.input); err != nil {
					t.Fatal(err)
				}
			}
			if _, ok := parseSPDX2Parallel(asJSON, v2_3.Version, spdxSplitMinBytes); !ok {
				t.Fatalf("the %d-byte document does not take the split path", len(asJSON))
			}
			d := &document{name: "big", data: asJSON, lim: Limits{}.withDefaults()}
			seq, err := d.parseSPDX2JSON(asJSON, v2_3.Version)
			if err != nil {
				t.Fatal(err)
			}
			want, err := d.spdx2Model(&spdx2Doc{doc: seq, version: v2_3.Version, encoding: tc.encoding})
			if err != nil {
				t.Fatal(err)
			}
			got, err := Read(bytes.NewReader(tc.input), "big", Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatal("Read gave another SBOM than the ordinary path")
			}
			if len(got.Components) != 1_999 || len(got.Dependencies) == 0 {
				t.Fatalf("%d components, %d dependency entries", len(got.Components), len(got.Dependencies))
			}
		})
	}
}

// TestSPDXParallelErrors checks that a large document the split path
// refuses gets the ordinary path's positioned error.
func TestSPDXParallelErrors(t *testing.T) {
	good := string(generatedSPDX2(2_000, v2_3.Version))
	for _, tc := range []struct {
		name, old, new, want string
	}{
		{"null package", `"packages": [`, `"packages": [null,`, "packages: syntax error: packages[0] is null, not a package"},
		{"type error", `"name": "pkg-7"`, `"name": 7`, "packages.name: expected a string, found a number"},
		{"bad id", `"SPDXID": "SPDXRef-Package-9"`, `"SPDXID": "Package-9"`, "failed to parse ElementID: Package-9"},
		{"syntax", `"versionInfo": "1.5"`, `"versionInfo": "1.5",,`, "syntax error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := strings.Replace(good, tc.old, tc.new, 1)
			if bad == good {
				t.Fatalf("%q not found", tc.old)
			}
			_, err := Read(strings.NewReader(bad), "big.json", Limits{})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "big.json:") {
				t.Fatalf("error %v, want a positioned error with %q", err, tc.want)
			}
		})
	}
}

func FuzzSPDXParallel(f *testing.F) {
	f.Add(generatedSPDX2(3, v2_3.Version))
	f.Add(generatedSPDX2(6, v2_2.Version))
	f.Add([]byte(`{"SPDXID":"SPDXRef-DOCUMENT","documentDescribes":["SPDXRef-a"],"packages":[{"SPDXID":"SPDXRef-a","hasFiles":["SPDXRef-f"]}],"relationships":[null]}`))
	f.Add([]byte(`{"packages":[{"SPDXID":"SPDXRef-a","name":"a\""}],"files":[null]}`))
	f.Add(readFile(f, "example.spdx.json"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkSPDXParallel(t, "fuzz input", data, v2_3.Version)
		checkSPDXParallel(t, "fuzz input", data, v2_2.Version)
	})
}

// BenchmarkReadSPDXJSONLarge reads a generated SPDX 2.3 JSON document of
// 20,000 packages (about 17 MB), which takes the split path.
func BenchmarkReadSPDXJSONLarge(b *testing.B) {
	data := generatedSPDX2(20_000, v2_3.Version)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Read(bytes.NewReader(data), "big", Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}
