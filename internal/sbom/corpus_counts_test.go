package sbom

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/sbom/summary"
	"github.com/rocca-project/rocca/internal/testutil"
)

var updateCounts = flag.Bool("update-counts", false, "rewrite testdata/corpus-counts.tsv from the current readers")

// countsGolden records, for every SBOM of the shared corpora, what rocca
// reads from it: format, components, identified components (valid purl)
// and dependency edges — or the reason it is rejected. Regenerate with
// go test ./internal/sbom -run TestCorpusCounts -update-counts, and review
// the diff: every changed line is a change in what rocca reads.
const countsGolden = "testdata/corpus-counts.tsv"

// corpusSBOMDirs are the corpus folders whose every document is read.
var corpusSBOMDirs = []string{
	"sbom/cyclonedx-bom-examples/SBOM",
	"sbom/spdx-examples",
	"sbom/spdx-tools-golang",
}

// sbomExts are the file endings of documents in those folders (their
// READMEs and licence files are not SBOMs).
var sbomExts = []string{".json", ".xml", ".spdx", ".yaml", ".yml", ".rdf", ".jsonld", ".gz"}

// TestCorpusCounts reads every SBOM of the corpora and compares what it
// finds with the recorded table: a reader change that loses (or gains) a
// component, an identifier or an edge shows up as a failing row.
func TestCorpusCounts(t *testing.T) {
	root := testutil.Corpora(t)
	var rows []string
	for _, dir := range corpusSBOMDirs {
		for _, path := range corpusFiles(t, dir, sbomExts...) {
			rel, _ := filepath.Rel(root, path)
			rows = append(rows, countsRow(t, filepath.ToSlash(rel), path))
		}
	}
	got := "# file\tresult\tcomponents\tidentified\tedges\n" + strings.Join(rows, "\n") + "\n"
	if *updateCounts {
		if err := os.WriteFile(countsGolden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d documents)", countsGolden, len(rows))
		return
	}
	want, err := os.ReadFile(countsGolden)
	if err != nil {
		t.Fatalf("%v (generate it with -update-counts)", err)
	}
	wantRows := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(want)), "\n")[1:] {
		file, _, _ := strings.Cut(line, "\t")
		wantRows[file] = line
	}
	for _, row := range rows {
		file, _, _ := strings.Cut(row, "\t")
		w, ok := wantRows[file]
		switch {
		case !ok:
			t.Errorf("%s: not in %s (new corpus file? regenerate with -update-counts)\n got: %s", file, countsGolden, row)
		case w != row:
			t.Errorf("%s: read differently\n got:  %s\n want: %s", file, row, w)
		}
		delete(wantRows, file)
	}
	for file := range wantRows {
		t.Errorf("%s: in %s but not in the corpus", file, countsGolden)
	}
}

// countsRow reads one document into its table row. A rejection must name
// the document and carry a reason.
func countsRow(t *testing.T, rel, path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Read(bytes.NewReader(data), rel, Limits{})
	if err != nil {
		if _, ok := errors.AsType[*Error](err); !ok {
			t.Errorf("%s: error is not an *sbom.Error: %v", rel, err)
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, rel) || len(msg) < len(rel)+10 {
			t.Errorf("%s: rejection without a reason: %q", rel, msg)
		}
		// The first line is enough to tell why; positions stay in it.
		first, _, _ := strings.Cut(strings.TrimPrefix(msg, rel), "\n")
		return fmt.Sprintf("%s\trejected%s\t-\t-\t-", rel, first)
	}
	sum := summary.Of(s)
	format := strings.TrimSpace(fmt.Sprintf("%s %s %s", s.Format, s.SpecVersion, s.Encoding))
	return fmt.Sprintf("%s\t%s\t%d\t%d\t%d", rel, format, sum.Components, sum.Identified, sum.Edges)
}
