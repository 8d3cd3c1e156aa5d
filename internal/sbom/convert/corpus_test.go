package convert_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/sbom"
	"github.com/rocca-project/rocca/internal/sbom/convert"
	"github.com/rocca-project/rocca/internal/sbom/strict"
	"github.com/rocca-project/rocca/internal/testutil"
)

// TestConvertCorpus converts every SBOM of the shared corpora that rocca
// reads and checks that the output conforms to CycloneDX 1.6 and, read
// back, holds the same components and edges.
func TestConvertCorpus(t *testing.T) {
	root := testutil.Corpora(t)
	converted := 0
	for _, dir := range []string{"sbom/cyclonedx-bom-examples/SBOM", "sbom/spdx-examples", "sbom/spdx-tools-golang"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() || strings.HasSuffix(path, ".md") || strings.Contains(e.Name(), "LICENSE") {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			in, err := sbom.Read(bytes.NewReader(data), rel, sbom.Limits{})
			if err != nil {
				return nil // rejections are covered by the sbom package's corpus tests
			}
			var buf bytes.Buffer
			if err := convert.WriteCycloneDXJSON(&buf, in, convert.Options{ToolVersion: "test"}); err != nil {
				t.Errorf("%s: %v", rel, err)
				return nil
			}
			converted++
			if issues := strict.CycloneDXJSON(buf.Bytes()); len(issues) > 0 {
				t.Errorf("%s: converted document does not conform (%d issues), first: %v", rel, len(issues), issues[0])
			}
			out, err := sbom.Read(bytes.NewReader(buf.Bytes()), rel+" (converted)", sbom.Limits{})
			if err != nil {
				t.Errorf("%s: converted document does not read back: %v", rel, err)
				return nil
			}
			if len(out.Components) != len(in.Components) {
				t.Errorf("%s: %d components, %d after conversion", rel, len(in.Components), len(out.Components))
			}
			if a, b := edges(in.Dependencies), edges(out.Dependencies); b > a || b == 0 && a > 0 {
				t.Errorf("%s: %d edges, %d after conversion", rel, a, b)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d documents converted", converted)
	if converted == 0 {
		t.Fatal("nothing converted")
	}
}

func edges(deps []model.Dependency) int {
	n := 0
	for _, d := range deps {
		n += len(d.DependsOn)
	}
	return n
}
