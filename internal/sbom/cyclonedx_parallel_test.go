package sbom

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/model"
)

// checkParallel asserts the parallel path's contract on data: when it
// accepts the document, json.Unmarshal accepts it too and gives the same
// projection, with the same components once flattened (the parallel path
// converts them as it decodes them).
func checkParallel(t testing.TB, name string, data []byte) (accepted bool) {
	t.Helper()
	var par, seq cdxJSONDocument
	d := &document{data: data, lim: DefaultLimits()}
	ok, err := d.decodeParallel(&par, 0)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if !ok {
		return false
	}
	if err := json.Unmarshal(data, &seq); err != nil {
		t.Fatalf("%s: the parallel path accepted a document json.Unmarshal refuses: %v", name, err)
	}
	subject := func(doc *cdxJSONDocument) *cdxJSONComponent {
		if doc.Metadata == nil {
			return nil
		}
		return doc.Metadata.Component
	}
	var sp, ss model.SBOM
	np, errP := par.flatten(d, &sp, subject(&par))
	ns, errS := seq.flatten(d, &ss, subject(&seq))
	if !reflect.DeepEqual(sp, ss) || !reflect.DeepEqual(np, ns) || !reflect.DeepEqual(errP, errS) {
		t.Fatalf("%s: the parallel path gave other components:\n%+v %+v %v\n%+v %+v %v", name, sp, np, errP, ss, ns, errS)
	}
	par.converted, par.flat, par.nested, seq.Components = false, nil, nil, nil
	if !reflect.DeepEqual(par, seq) {
		t.Fatalf("%s: the parallel path decoded the document differently", name)
	}
	return true
}

// TestDecodeParallelComponentLimit checks that a components array longer
// than Limits.MaxComponents is refused before its entries are decoded.
func TestDecodeParallelComponentLimit(t *testing.T) {
	data := []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{},{},{},{"name":1}]}`)
	d := &document{data: data, lim: Limits{MaxComponents: 3}}
	var doc cdxJSONDocument
	ok, err := d.decodeParallel(&doc, 0)
	if ok || !errors.Is(err, ErrTooManyComponents) || !strings.Contains(err.Error(), "4 components, more than the limit of 3") {
		t.Fatalf("decodeParallel: %v %v, want ErrTooManyComponents", ok, err)
	}
	if doc.flat != nil || doc.Components != nil {
		t.Fatal("components decoded before the limit was checked")
	}
}

func TestDecodeParallelMatchesUnmarshal(t *testing.T) {
	big := generatedBOM(2_000)
	cases := []struct {
		name   string
		doc    string
		accept bool
	}{
		{"generated", string(big), true},
		{"empty object", `{}`, true},
		{"nulls", `{"bomFormat":"CycloneDX","components":null,"dependencies":null,"metadata":null}`, true},
		{"empty arrays", `{"components":[],"dependencies":[ ]}`, true},
		{"dependencies", `{"components":[{"bom-ref":"a","name":"a"}],"dependencies":[{"ref":"a","dependsOn":["b"]},{"ref":"b"}]}`, true},
		{"unknown members kept out", `{"vulnerabilities":[{"id":"CVE-1"}],"components":[{"name":"x"}]}`, true},
		{"missing comma between elements", `{"components":[{"name":"a"} {"name":"b"}]}`, false},
		{"trailing comma", `{"components":[{"name":"a"},]}`, false},
		{"garbage after the root", `{"components":[]} x`, false},
		{"missing colon", `{"components" []}`, false},
		{"case-folded key", `{"Components":[{"name":"a"}]}`, false},
		{"repeated key", `{"components":[{"name":"a"}],"components":[]}`, false},
		{"escaped key", `{"comp\u006fnents":[]}`, false},
		{"type error in a component", `{"components":[{"name":1}]}`, false},
		{"components not an array", `{"components":{"name":"a"}}`, false},
		{"invalid unknown member", `{"components":[],"x":[1,,2]}`, false},
		{"invalid literal", `{"components":[{"name":"a","x":tru}]}`, false},
		{"array root", `[{"components":[]}]`, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := checkParallel(t, c.name, []byte(c.doc)); got != c.accept {
				t.Errorf("accepted %v, want %v", got, c.accept)
			}
		})
	}
}

// TestDecodeParallelCorpus runs the parallel path on every CycloneDX JSON
// document of the corpora, however small.
func TestDecodeParallelCorpus(t *testing.T) {
	n := 0
	for _, path := range corpusFiles(t, filepath.Join("sbom", "cyclonedx-bom-examples"), ".json") {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(data[:min(len(data), 200)]), "CycloneDX") && checkParallel(t, path, data) {
			n++
		}
	}
	if n == 0 {
		t.Fatal("the parallel path accepted no corpus document")
	}
	t.Logf("%d documents decoded in parallel, identical to json.Unmarshal", n)
}

func FuzzDecodeParallel(f *testing.F) {
	f.Add([]byte(`{"components":[{"name":"a","components":[{"name":"b"}]}],"dependencies":[{"ref":"a"}]}`))
	f.Add([]byte(`{"specVersion":"1.6","metadata":{"component":{"name":"x"}},"components":[]}`))
	f.Add([]byte(`{"components":[{"name":"a"},{"name":"b\""}]}`))
	f.Add([]byte(`{"metadata":{"component":{"bom-ref":"r","name":"r","components":[{"bom-ref":"a","name":"a"},{"bom-ref":"c","name":"c"}]}},"components":[{"bom-ref":"a","name":"a","components":[{"name":"b","components":[{"bom-ref":"d","name":"d"}]}]},{"name":"e"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkParallel(t, "fuzz input", data)
	})
}
