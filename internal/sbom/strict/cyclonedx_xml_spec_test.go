package strict

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/testutil"
)

// xmlSpecExceptions lists the spec test files rocca classifies differently
// from their name, with the reason. The test fails when one of them is
// classified as its name says (then it no longer belongs here).
var xmlSpecExceptions = []struct{ file, reason string }{}

// TestCycloneDXSpecFilesXML classifies every XML file of the CycloneDX
// specification's test resources for 1.2–1.6: valid-* must yield no issue,
// invalid-* at least one; at least 97 % overall.
func TestCycloneDXSpecFilesXML(t *testing.T) {
	root := filepath.Join(testutil.Corpora(t), "sbom", "cyclonedx-spec-test-resources")
	except := map[string]string{}
	for _, e := range xmlSpecExceptions {
		except[e.file] = e.reason
	}
	total, wrong := 0, 0
	for _, v := range []string{"1.2", "1.3", "1.4", "1.5", "1.6"} {
		files, err := filepath.Glob(filepath.Join(root, v, "*.xml"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no spec test files for %s in %s (%v)", v, root, err)
		}
		vTotal, vWrong := 0, 0
		for _, f := range files {
			rel := v + "/" + filepath.Base(f)
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatalf("read %s: %v", rel, err)
			}
			issues := CycloneDXXML(data)
			wantValid := strings.HasPrefix(filepath.Base(f), "valid-")
			ok := wantValid == (len(issues) == 0)
			for _, is := range issues {
				if is.Line < 1 {
					t.Errorf("%s: issue without a line: %v", rel, is)
				}
			}
			vTotal++
			reason, listed := except[rel]
			switch {
			case !ok && !listed:
				vWrong++
				t.Errorf("%s misclassified (want valid=%v): %v", rel, wantValid, issues)
			case !ok:
				vWrong++
				t.Logf("%s: known exception: %s", rel, reason)
			case listed:
				t.Errorf("%s is listed as an exception (%s) but is now classified correctly", rel, reason)
			}
		}
		t.Logf("CycloneDX %s XML: %d files, %d correct", v, vTotal, vTotal-vWrong)
		total += vTotal
		wrong += vWrong
	}
	t.Logf("all versions: %d files, %d correct (%.1f %%)", total, total-wrong, 100*float64(total-wrong)/float64(total))
	if float64(total-wrong) < 0.97*float64(total) {
		t.Errorf("only %d of %d classified correctly, below 97 %%", total-wrong, total)
	}
}

// TestCycloneDXXMLRealExamples runs the validator over real XML SBOMs and
// logs the verdicts; it fails on a panic or an issue without a line.
func TestCycloneDXXMLRealExamples(t *testing.T) {
	root := filepath.Join(testutil.Corpora(t), "sbom", "cyclonedx-bom-examples")
	n := 0
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".xml") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		n++
		rel, _ := filepath.Rel(root, path)
		issues := CycloneDXXML(data)
		verdict := "conforms"
		if len(issues) > 0 {
			verdict = issues[0].String()
			if len(issues) > 1 {
				verdict += fmt.Sprintf(" (+%d more)", len(issues)-1)
			}
		}
		t.Logf("%s: %s", rel, verdict)
		for _, is := range issues {
			if is.Line < 1 {
				t.Errorf("%s: issue without a line: %v", rel, is)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walk %s: %v", root, err)
	}
	if n == 0 {
		t.Fatalf("no XML SBOMs under %s", root)
	}
}
