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
		var comps []cdx.Component
		if bom.Components != nil {
			comps = *bom.Components
		}
		var subject *cdx.Component
		if bom.Metadata != nil {
			subject = bom.Metadata.Component
		}
		d := &document{lim: DefaultLimits()}
		if err := flatten(d, want, cdxTree, comps, subject); err != nil {
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
