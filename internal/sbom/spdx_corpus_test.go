package sbom

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/testutil"
)

// spdxCorpusFiles lists every SPDX file of the spdx-examples and
// spdx-tools-golang corpora, relative to the corpora root.
func spdxCorpusFiles(t *testing.T) []string {
	t.Helper()
	exts := []string{".json", ".spdx", ".yaml", ".rdf", ".xml"}
	files := corpusFiles(t, filepath.Join("sbom", "spdx-examples"), exts...)
	files = append(files, corpusFiles(t, filepath.Join("sbom", "spdx-tools-golang"), exts...)...)
	return files
}

// TestCorpusSPDX reads every SPDX document of the corpora: each is read, or
// refused with a precise reason. Only the serialisations rocca does not
// read (RDF/XML, XML) and SPDX 2.1 may be refused, as ErrUnsupported; the
// library's own test fixtures that are broken on purpose are listed with
// their reason. Every file read is logged with its component, identified
// (purl) and edge counts.
func TestCorpusSPDX(t *testing.T) {
	// brokenOnPurpose are fixtures of tools-golang's tests that are not
	// valid SPDX, with the error Read must give.
	brokenOnPurpose := map[string]string{
		"spdx2_2_null_package.json": "spdx2_2_null_package.json:11:18 (byte 280): packages: syntax error: packages[0] is null, not a package",
		"spdx2_3_null_package.json": "packages[0] is null, not a package",
	}
	root := testutil.Corpora(t)
	read, refused := 0, 0
	for _, path := range spdxCorpusFiles(t) {
		rel, _ := filepath.Rel(root, path)
		s, err := readCorpus(t, path)
		if err != nil {
			refused++
			t.Logf("REFUSED %s: %v", rel, err)
			if _, ok := errors.AsType[*Error](err); !ok {
				t.Errorf("%s: error %T is not an *Error", rel, err)
			}
			switch ext := filepath.Ext(path); {
			case ext == ".rdf" || ext == ".xml":
				if !errors.Is(err, ErrUnsupported) {
					t.Errorf("%s: want ErrUnsupported, got %v", rel, err)
				}
			case brokenOnPurpose[filepath.Base(path)] != "":
				if !strings.Contains(err.Error(), brokenOnPurpose[filepath.Base(path)]) {
					t.Errorf("%s: error %q lacks %q", rel, err, brokenOnPurpose[filepath.Base(path)])
				}
			default:
				t.Errorf("%s: not read: %v", rel, err)
			}
			continue
		}
		read++
		if s.Format != "SPDX" {
			t.Errorf("%s: format %q", rel, s.Format)
		}
		identified, edges := 0, 0
		for _, c := range s.Components {
			if c.PURL != "" {
				identified++
			}
		}
		for _, dep := range s.Dependencies {
			edges += len(dep.DependsOn)
		}
		t.Logf("ok      %s: SPDX %s %s, %d components (%d with purl), %d edges, subject %s, %d warnings", rel, s.SpecVersion, s.Encoding, len(s.Components), identified, edges, subjectName(s), len(s.Warnings))
	}
	t.Logf("%d SPDX files: %d read, %d refused", read+refused, read, refused)
}
