package strict

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/testutil"
)

// jsonSpecExceptions are the spec test files rocca classifies differently
// from their name, each with the reason. The test fails when a listed file
// is classified as its name says, so the list stays true.
var jsonSpecExceptions = []struct{ file, reason string }{
	{"1.5/valid-formulation-1.5.json", "declares bom-ref \"workspace-1\" twice (a task's workspace and the " +
		"workflow's); the specification requires every bom-ref to be unique within the BOM, and the 1.6 " +
		"edition of the same file uses distinct bom-refs"},
}

// TestCycloneDXSpecFilesJSON classifies every JSON file of the CycloneDX
// specification's test resources (1.2–1.6): valid-* must conform,
// invalid-* must not.
func TestCycloneDXSpecFilesJSON(t *testing.T) {
	root := filepath.Join(testutil.Corpora(t), "sbom", "cyclonedx-spec-test-resources")
	exceptions := map[string]string{}
	for _, e := range jsonSpecExceptions {
		exceptions[e.file] = e.reason
	}
	total, correct := 0, 0
	for _, ver := range []string{"1.2", "1.3", "1.4", "1.5", "1.6"} {
		files, err := filepath.Glob(filepath.Join(root, ver, "*.json"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no spec test files for %s: %v", ver, err)
		}
		sort.Strings(files)
		verTotal, verCorrect := 0, 0
		for _, f := range files {
			name := ver + "/" + filepath.Base(f)
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatalf("read %s: %v", name, err)
			}
			issues := CycloneDXJSON(data)
			wantValid := strings.HasPrefix(filepath.Base(f), "valid-")
			ok := (len(issues) == 0) == wantValid
			verTotal++
			if ok {
				verCorrect++
			}
			reason, excepted := exceptions[name]
			delete(exceptions, name)
			switch {
			case ok && excepted:
				t.Errorf("%s is listed as an exception (%s) but is now classified correctly; remove it", name, reason)
			case !ok && !excepted && wantValid:
				t.Errorf("%s should conform; issues: %v", name, issues)
			case !ok && !excepted:
				t.Errorf("%s should not conform, but no issue was found", name)
			}
		}
		t.Logf("CycloneDX %s JSON: %d/%d classified as named", ver, verCorrect, verTotal)
		total += verTotal
		correct += verCorrect
	}
	for name := range exceptions {
		t.Errorf("exception %s names no spec test file", name)
	}
	t.Logf("all versions: %d/%d (%.1f %%)", correct, total, 100*float64(correct)/float64(total))
	if float64(correct) < 0.97*float64(total) {
		t.Errorf("only %d of %d files classified as named; want at least 97 %%", correct, total)
	}
}
