package sbom

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/testutil"
)

// corpusFiles lists the files under dir (relative to the shared corpora)
// whose names end with one of exts, skipping the test when dir is absent.
func corpusFiles(t *testing.T, dir string, exts ...string) []string {
	t.Helper()
	root := filepath.Join(testutil.Corpora(t), dir)
	var files []string
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		for _, ext := range exts {
			if !e.IsDir() && strings.HasSuffix(p, ext) {
				files = append(files, p)
				break
			}
		}
		return nil
	})
	if err != nil {
		t.Skipf("corpus %s: %v", dir, err)
	}
	if len(files) == 0 {
		t.Fatalf("no %v files under %s", exts, root)
	}
	return files
}

func readCorpus(t *testing.T, path string) (*model.SBOM, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return Read(f, filepath.Base(path), Limits{})
}

// TestCorpusCycloneDXExamples reads the real-project SBOMs of CycloneDX's
// bom-examples: each must either parse with components or fail with a
// reason.
func TestCorpusCycloneDXExamples(t *testing.T) {
	dir := filepath.Join("sbom", "cyclonedx-bom-examples", "SBOM")
	files := corpusFiles(t, dir, ".json", ".xml")
	parsed, failed := 0, 0
	for _, path := range files {
		rel, _ := filepath.Rel(filepath.Join(testutil.Corpora(t), dir), path)
		s, err := readCorpus(t, path)
		switch {
		case err != nil:
			failed++
			t.Logf("FAIL  %s: %v", rel, err)
			if _, ok := errors.AsType[*Error](err); !ok || err.Error() == "" {
				t.Errorf("%s: error without a reason: %#v", rel, err)
			}
		case len(s.Components) == 0:
			t.Errorf("%s: parsed without components (warnings %q)", rel, s.Warnings)
		default:
			parsed++
			t.Logf("ok    %s: %s %s %s, %d components, subject %v, warnings %q", rel, s.Format, s.SpecVersion, s.Encoding, len(s.Components), subjectName(s), s.Warnings)
		}
	}
	t.Logf("%d files: %d parsed, %d failed", len(files), parsed, failed)
}

func subjectName(s *model.SBOM) string {
	if s.Subject == nil {
		return "none"
	}
	return s.Subject.Key()
}

// TestFastPathMatchesCycloneDXGo checks the JSON projection against
// cyclonedx-go's complete decoding of the same documents.
func TestFastPathMatchesCycloneDXGo(t *testing.T) {
	files := corpusFiles(t, filepath.Join("sbom", "cyclonedx-bom-examples"), ".json")
	compared := 0
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var bom cdx.BOM
		if cdx.NewBOMDecoder(bytes.NewReader(data), cdx.BOMFileFormatJSON).Decode(&bom) != nil || bom.BOMFormat != "CycloneDX" {
			continue // not a BOM cyclonedx-go reads
		}
		got, err := Read(bytes.NewReader(data), path, Limits{})
		if err != nil {
			t.Errorf("%s: cyclonedx-go reads it, Read fails: %v", path, err)
			continue
		}
		want := &model.SBOM{Format: "CycloneDX", SpecVersion: bom.SpecVersion.String(), Encoding: "json"}
		if err := fromBOM(&document{lim: DefaultLimits()}, want, &bom); err != nil {
			t.Fatal(err)
		}
		got.Warnings, want.Warnings = nil, nil
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: fast path and cyclonedx-go differ:\n%+v\n%+v", path, got, want)
		}
		compared++
	}
	t.Logf("%d documents compared", compared)
	if compared < 30 {
		t.Errorf("only %d documents compared", compared)
	}
}

// TestSpecTestResources reads the CycloneDX specification's schema
// fixtures: every valid-* JSON or XML document of 1.2 to 1.7 must read
// (possibly without components), and no document, valid or invalid, may
// make Read panic or fail without an *Error.
func TestSpecTestResources(t *testing.T) {
	files := corpusFiles(t, filepath.Join("sbom", "cyclonedx-spec-test-resources"), ".json", ".xml")
	valid, invalidRejected, invalidRead := 0, 0, 0
	for _, path := range files {
		name := filepath.Base(path)
		version := filepath.Base(filepath.Dir(path))
		s, err := readCorpus(t, path)
		if err != nil {
			if _, ok := errors.AsType[*Error](err); !ok {
				t.Errorf("%s/%s: error %T is not an *Error", version, name, err)
			}
		}
		switch {
		case strings.HasPrefix(name, "valid-") && version >= "1.2" && version <= "1.7":
			if err != nil {
				t.Errorf("%s/%s: %v", version, name, err)
				continue
			}
			valid++
			if s.SpecVersion != version {
				t.Errorf("%s/%s: spec version %q", version, name, s.SpecVersion)
			}
		case strings.HasPrefix(name, "invalid-"):
			// Schema violations in fields rocca ignores are not errors.
			if err != nil {
				invalidRejected++
			} else {
				invalidRead++
			}
		}
	}
	t.Logf("%d valid documents read; invalid ones: %d rejected, %d read (their faults lie in fields rocca ignores)", valid, invalidRejected, invalidRead)
}

// TestCorpusJSONXMLEquivalence reads each product that CycloneDX's
// bom-examples give in both JSON and XML (same directory, same file name
// but for the extension) and checks that both encodings yield the same
// SBOM: every field of every component, the subject, the metadata and the
// dependency graph. Differences that lie in the source files themselves
// are listed in knownDifferences with the reason, and removed from both
// sides before the comparison.
func TestCorpusJSONXMLEquivalence(t *testing.T) {
	dir := filepath.Join("sbom", "cyclonedx-bom-examples", "SBOM")
	files := corpusFiles(t, dir, ".json")
	root := filepath.Join(testutil.Corpora(t), dir)
	pairs := 0
	for _, jsonPath := range files {
		xmlPath := strings.TrimSuffix(jsonPath, ".json") + ".xml"
		if _, err := os.Stat(xmlPath); err != nil {
			continue
		}
		rel, _ := filepath.Rel(root, strings.TrimSuffix(jsonPath, ".json"))
		t.Run(rel, func(t *testing.T) {
			fromJSON, err := readCorpus(t, jsonPath)
			if err != nil {
				t.Fatal(err)
			}
			fromXML, err := readCorpus(t, xmlPath)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range []*model.SBOM{fromJSON, fromXML} {
				s.Encoding, s.Warnings = "", nil
			}
			if fix := knownDifferences[filepath.ToSlash(rel)]; fix != nil {
				fix(t, fromJSON, fromXML)
			}
			if diff := sbomDiff(fromXML, fromJSON); diff != "" {
				t.Errorf("XML (got) and JSON (want) differ:\n%s", diff)
			}
			t.Logf("%d components, %d dependency entries, %d tools, subject %s", len(fromJSON.Components), len(fromJSON.Dependencies), len(fromJSON.Tools), subjectName(fromJSON))
		})
		pairs++
	}
	if pairs < 10 {
		t.Errorf("only %d JSON/XML pairs found", pairs)
	}
}

// knownDifferences holds, per pair (path without extension), what the
// two source files really have different, verified and then removed from
// both readings so that the rest is still compared. Each check fails the
// test when the difference is not (or no longer) there as described.
var knownDifferences = map[string]func(t *testing.T, fromJSON, fromXML *model.SBOM){
	// The JSON and XML files of these products come from separate runs of
	// the generator, so each has its own serialNumber and timestamp
	// (seconds to a minute apart); components and graph are the same.
	"juice-shop/v11.1.2/bom":                 separateRuns,
	"cern-lhc-vdm-editor-e564943/bom":        separateRuns,
	"proton-bridge/proton-bridge-v1.6.3.bom": separateRuns,
	"proton-bridge/proton-bridge-v1.8.0.bom": separateRuns,
	"protonmail-webclient-v4-0912dff/bom":    separateRuns,
	// The Maven plugin's XML writes <scope>required</scope> on every
	// component, its JSON no scope at all; and one licence is an
	// expression in JSON, absent from the XML.
	"dropwizard-1.3.15/bom": func(t *testing.T, j, x *model.SBOM) {
		xmlOnlyScope(t, j, x)
		licenceDiffers(t, j, x, "pkg:maven/org.glassfish.hk2/osgi-resource-locator@1.0.1?type=jar",
			[]string{"(CDDL-1.0 OR GPL-2.0-with-classpath-exception)"}, nil)
	},
	// keycloak: the same scope difference; the subject is an application
	// in JSON, a library in XML; and the XML breaks one licence name over
	// two lines (the reader trims values, it does not rewrite them).
	"keycloak-10.0.2/bom": func(t *testing.T, j, x *model.SBOM) {
		xmlOnlyScope(t, j, x)
		if j.Subject.Type != "application" || x.Subject.Type != "library" {
			t.Errorf("subject types %q (JSON) and %q (XML), expected application and library", j.Subject.Type, x.Subject.Type)
		}
		x.Subject.Type = j.Subject.Type
		const name = "Apache License, Version 2.0 and Common Development And Distribution License (CDDL) Version 1.0"
		const broken = "Apache License, Version 2.0 and\n        Common Development And Distribution License (CDDL) Version 1.0"
		for _, ref := range []string{"pkg:maven/org.apache.tomcat/tomcat-servlet-api@7.0.92?type=jar", "pkg:maven/org.apache.tomcat/tomcat-servlet-api@8.5.38?type=jar"} {
			licenceDiffers(t, j, x, ref, []string{name}, []string{broken})
		}
	},
}

// separateRuns checks that the two files have different serial numbers
// and timestamps, and removes both.
func separateRuns(t *testing.T, j, x *model.SBOM) {
	t.Helper()
	if j.Serial == x.Serial || j.Serial == "" || j.Created.Equal(x.Created) {
		t.Errorf("expected different serial numbers and timestamps, got %q %v and %q %v", j.Serial, j.Created, x.Serial, x.Created)
	}
	j.Serial, x.Serial = "", ""
	j.Created, x.Created = time.Time{}, time.Time{}
}

// xmlOnlyScope checks that every component (and the subject) has scope
// "required" in the XML and none in the JSON, and removes it.
func xmlOnlyScope(t *testing.T, j, x *model.SBOM) {
	t.Helper()
	n := 0
	for i := range min(len(j.Components), len(x.Components)) {
		if j.Components[i].Scope == "" && x.Components[i].Scope == "required" {
			x.Components[i].Scope = ""
			n++
		}
	}
	if n != len(x.Components) {
		t.Errorf("scope required only in the XML for %d of %d components", n, len(x.Components))
	}
	if j.Subject.Scope == "" && x.Subject.Scope == "required" {
		x.Subject.Scope = ""
	}
}

// licenceDiffers checks the licences of the component ref in both
// readings and then makes the XML's equal to the JSON's.
func licenceDiffers(t *testing.T, j, x *model.SBOM, ref string, inJSON, inXML []string) {
	t.Helper()
	for i := range min(len(j.Components), len(x.Components)) {
		if j.Components[i].Ref != ref {
			continue
		}
		if !reflect.DeepEqual(j.Components[i].Licenses, inJSON) || !reflect.DeepEqual(x.Components[i].Licenses, inXML) {
			t.Errorf("%s: licences %q (JSON) and %q (XML), expected %q and %q", ref, j.Components[i].Licenses, x.Components[i].Licenses, inJSON, inXML)
		}
		x.Components[i].Licenses = j.Components[i].Licenses
		return
	}
	t.Errorf("%s not found", ref)
}

// corpusCounts records, for each SBOM of CycloneDX's bom-examples, what
// Read yields: components, components with a purl, purls derived,
// distinct dependency edges (declared and nesting), roots of the graph and
// components the root depends on directly. The figures were cross-checked
// against an independent reading of the JSON files (a short script
// applying the rules of doc.go); JSON and XML agree. A subject without
// dependencies of its own leaves the graph rooted at the nodes nobody
// depends on (dropwizard, keycloak: multi-module builds; cern, juice-shop
// v11, protonmail: no dependencies at all).
var corpusCounts = map[string]struct{ components, purls, derived, edges, roots, direct int }{
	"cern-lhc-vdm-editor-e564943/bom":        {43, 43, 0, 0, 44, 0},
	"dropwizard-1.3.15/bom":                  {167, 167, 0, 170, 30, 37},
	"juice-shop/v11.1.2/bom":                 {840, 840, 0, 0, 841, 0},
	"juice-shop/via_npm/bare/bom.1.2":        {1115, 1115, 0, 1900, 1, 71},
	"juice-shop/via_npm/bare/bom.1.3":        {1115, 1115, 0, 1900, 1, 71},
	"juice-shop/via_npm/bare/bom.1.4":        {1115, 1115, 0, 1900, 1, 71},
	"juice-shop/via_npm/flat/bom.1.2":        {1115, 1115, 0, 1775, 1, 71},
	"juice-shop/via_npm/flat/bom.1.3":        {1115, 1115, 0, 1775, 1, 71},
	"juice-shop/via_npm/flat/bom.1.4":        {1115, 1115, 0, 1775, 1, 71},
	"keycloak-10.0.2/bom":                    {903, 903, 0, 994, 176, 260},
	"laravel-7.12.0/bom.1.1":                 {62, 62, 0, 0, 0, 0}, // XML only; 1.1 has no dependencies, these components no bom-ref
	"laravel-7.12.0/bom.1.2":                 {62, 62, 0, 113, 1, 1},
	"laravel-7.12.0/bom.1.3":                 {62, 62, 0, 113, 1, 1},
	"laravel-7.12.0/bom.1.4":                 {62, 62, 0, 113, 1, 1},
	"proton-bridge/proton-bridge-v1.6.3.bom": {201, 201, 0, 232, 1, 56},
	"proton-bridge/proton-bridge-v1.8.0.bom": {201, 201, 0, 232, 1, 56},
	"protonmail-webclient-v4-0912dff/bom":    {883, 883, 0, 0, 884, 0},
}

func TestCorpusCycloneDXCounts(t *testing.T) {
	dir := filepath.Join("sbom", "cyclonedx-bom-examples", "SBOM")
	root := filepath.Join(testutil.Corpora(t), dir)
	seen := 0
	for _, path := range corpusFiles(t, dir, ".json", ".xml") {
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		want, ok := corpusCounts[strings.TrimSuffix(strings.TrimSuffix(rel, ".json"), ".xml")]
		if !ok {
			t.Errorf("%s: not in corpusCounts", rel)
			continue
		}
		seen++
		t.Run(rel, func(t *testing.T) {
			s, err := readCorpus(t, path)
			if err != nil {
				t.Fatal(err)
			}
			got := want
			got.components, got.purls, got.derived, got.edges, got.direct = len(s.Components), 0, 0, 0, 0
			g := s.Graph()
			got.roots = len(g.Roots())
			for _, c := range s.Components {
				if c.PURL != "" {
					got.purls++
				}
				if c.PURLDerivedFrom != "" {
					got.derived++
				}
				if g.Direct(c.Ref) {
					got.direct++
				}
			}
			got.edges = g.Edges()
			if got != want {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
	if seen != 33 {
		t.Errorf("%d files, want 33", seen)
	}
}
