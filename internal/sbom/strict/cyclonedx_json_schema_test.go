package strict

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/rocca-project/rocca/internal/testutil"
)

// jsonSchemaDisagreements are the files on which rocca's verdict differs
// from the official JSON schema's, with the reason. Paths are relative to
// the corpora's sbom folder. The test fails when a listed file no longer
// disagrees, or when an unlisted one does.
var jsonSchemaDisagreements = []struct{ file, reason string }{
	{"cyclonedx-spec-test-resources/1.5/valid-formulation-1.5.json", "bom-ref \"workspace-1\" is declared " +
		"twice; uniqueness of bom-refs is a rule of the specification's text that the schema cannot express"},
	{"cyclonedx-bom-examples/OBOM/Example-1-Decoupled/bom.json", jsonReasonSpaceInURL},
	{"cyclonedx-bom-examples/OBOM/Example-1-Standalone/bom.json", jsonReasonSpaceInURL},
	{"cyclonedx-bom-examples/SBOM/keycloak-10.0.2/bom.json", jsonReasonSpaceInURL},
}

// jsonReasonSpaceInURL explains the real SBOMs whose licence URL has spaces.
const jsonReasonSpaceInURL = "a licence url holds two URLs joined by \" and \" (spaces); RFC 3987 allows no space in an IRI, " +
	"but the schema validator's iri-reference check (Go's url.Parse) lets it through"

// TestCycloneDXJSONSchemaCrossCheck compares rocca's verdict (conforms or
// not) with the official CycloneDX JSON schemas (1.2 and 1.3 in their
// strict editions, which refuse unknown properties as rocca does) on the
// spec test files and the real SBOMs of the corpus.
func TestCycloneDXJSONSchemaCrossCheck(t *testing.T) {
	sbomDir := filepath.Join(testutil.Corpora(t), "sbom")
	schemas := jsonLoadSchemas(t, filepath.Join(sbomDir, "cyclonedx-schemas"))
	known := map[string]string{}
	for _, d := range jsonSchemaDisagreements {
		known[d.file] = d.reason
	}
	var files []string
	for _, sub := range []string{"cyclonedx-spec-test-resources", "cyclonedx-bom-examples"} {
		err := filepath.WalkDir(filepath.Join(sbomDir, sub), func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".json") {
				files = append(files, p)
			}
			return err
		})
		if err != nil {
			t.Fatalf("walk %s: %v", sub, err)
		}
	}
	sort.Strings(files)
	compared, agreed := 0, 0
	for _, p := range files {
		rel, _ := filepath.Rel(sbomDir, p)
		rel = filepath.ToSlash(rel)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("read %s: %v", rel, err)
		}
		sch := schemas[jsonDeclaredVersion(data)]
		if sch == nil {
			continue // not a CycloneDX 1.2–1.6 JSON document
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			continue // not JSON: no schema verdict to compare
		}
		schemaErr := sch.Validate(doc)
		ours := CycloneDXJSON(data)
		compared++
		reason, listed := known[rel]
		delete(known, rel)
		if (schemaErr == nil) == (len(ours) == 0) {
			agreed++
			if listed {
				t.Errorf("%s is listed as a disagreement (%s) but the verdicts now agree; remove it", rel, reason)
			}
			continue
		}
		if !listed {
			t.Errorf("%s: schema says %v, rocca says %v", rel, jsonVerdict(schemaErr), ours)
		}
	}
	for rel := range known {
		t.Errorf("listed disagreement %s was not compared", rel)
	}
	t.Logf("compared %d documents with the schemas: %d agree", compared, agreed)
}

// jsonVerdict renders the schema's verdict.
func jsonVerdict(err error) string {
	if err == nil {
		return "valid"
	}
	return "invalid: " + err.Error()
}

// jsonDeclaredVersion returns the specVersion a document declares, "" if
// none can be read.
func jsonDeclaredVersion(data []byte) string {
	var head struct {
		SpecVersion string `json:"specVersion"`
	}
	if json.Unmarshal(data, &head) != nil {
		return ""
	}
	return head.SpecVersion
}

// jsonLoadSchemas compiles the official schemas of 1.2–1.6, resolving
// spdx.schema.json and jsf-0.82.schema.json from the same folder as their
// references (relative to http://cyclonedx.org/schema/) name them.
func jsonLoadSchemas(t *testing.T, dir string) map[string]*jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	files := map[string]string{
		"1.2": "bom-1.2-strict.schema.json", "1.3": "bom-1.3-strict.schema.json",
		"1.4": "bom-1.4.schema.json", "1.5": "bom-1.5.schema.json", "1.6": "bom-1.6.schema.json",
	}
	add := func(name, url string) {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("open schema: %v", err)
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			t.Fatalf("parse schema %s: %v", name, err)
		}
		if err := c.AddResource(url, doc); err != nil {
			t.Fatalf("add schema %s: %v", name, err)
		}
	}
	const base = "http://cyclonedx.org/schema/"
	add("spdx.schema.json", base+"spdx.schema.json")
	add("jsf-0.82.schema.json", base+"jsf-0.82.schema.json")
	out := map[string]*jsonschema.Schema{}
	for ver, name := range files {
		add(name, base+name)
		s, err := c.Compile(base + name)
		if err != nil {
			t.Fatalf("compile %s: %v", name, err)
		}
		out[ver] = s
	}
	return out
}
