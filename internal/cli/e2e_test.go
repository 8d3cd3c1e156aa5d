package cli_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/rocca-project/rocca/internal/cli"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/testutil"
)

// corpusDB imports every OSV zip of the shared corpora and the KEV
// catalogue once per test binary and returns the database path.
var corpusOnce struct {
	sync.Once
	db  string
	err string
	out string
}

func corpusDB(t *testing.T) (db, corpora string) {
	t.Helper()
	corpora = testutil.Corpora(t)
	if testing.Short() {
		t.Skip("imports the whole OSV corpus; skipped with -short")
	}
	corpusOnce.Do(func() {
		dir, err := os.MkdirTemp("", "rocca-e2e-")
		if err != nil {
			corpusOnce.err = err.Error()
			return
		}
		zips, _ := filepath.Glob(filepath.Join(corpora, "vulndata", "osv", "*.zip"))
		args := append([]string{"db", "import", "--quiet", "--json", "--database", filepath.Join(dir, "rocca.db")}, zips...)
		args = append(args, filepath.Join(corpora, "vulndata", "kev", "known_exploited_vulnerabilities.json"))
		code, out, errs := run(t, args...)
		if code != 0 {
			corpusOnce.err = fmt.Sprintf("import exit %d: %s", code, errs)
		}
		corpusOnce.db, corpusOnce.out = filepath.Join(dir, "rocca.db"), out
	})
	if corpusOnce.err != "" {
		t.Fatal(corpusOnce.err)
	}
	return corpusOnce.db, corpora
}

func TestCorpusImportReport(t *testing.T) {
	_, _ = corpusDB(t)
	var rep struct {
		Files []struct {
			Path                              string
			New, Updated, Unchanged, Rejected int
			Err                               string `json:"error"`
			Reasons                           []string
		}
		Groups struct{ Advisories, Groups int }
	}
	if err := json.Unmarshal([]byte(corpusOnce.out), &rep); err != nil {
		t.Fatalf("import report: %v", err)
	}
	total := 0
	for _, f := range rep.Files {
		if f.Err != "" {
			t.Errorf("%s failed: %s", f.Path, f.Err)
		}
		total += f.New
		t.Logf("%s: new %d updated %d unchanged %d rejected %d", filepath.Base(f.Path), f.New, f.Updated, f.Unchanged, f.Rejected)
		for _, r := range f.Reasons[:min(3, len(f.Reasons))] {
			t.Logf("  rejected: %s", r)
		}
	}
	// The corpus holds about 60,000 distinct records (PROVENANCE.md).
	if total < 55000 {
		t.Errorf("only %d new records imported", total)
	}
	if rep.Groups.Groups >= rep.Groups.Advisories {
		t.Errorf("no alias was grouped: %+v", rep.Groups)
	}
}

// TestCorpusProtonBridge scans a real SBOM and checks findings known from
// golang/vulndb for its Go modules.
func TestCorpusProtonBridge(t *testing.T) {
	db, corpora := corpusDB(t)
	dir := filepath.Join(corpora, "sbom", "cyclonedx-bom-examples", "SBOM", "proton-bridge")
	for _, name := range []string{"proton-bridge-v1.8.0.bom.json", "proton-bridge-v1.8.0.bom.xml"} {
		t.Run(name, func(t *testing.T) {
			code, out, errs := run(t, "scan", "--database", db, "--format", "json", filepath.Join(dir, name))
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			var res model.ScanResult
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatal(err)
			}
			byPkg := map[string][]model.Finding{}
			for _, f := range res.Findings {
				byPkg[f.Package] = append(byPkg[f.Package], f)
			}
			known := []struct{ pkg, advisory, fixed string }{
				{"golang.org/x/net", "GO-2022-0969", "0.0.0-20220906165146-f3363e06e74c"},
				{"golang.org/x/text", "GO-2021-0113", "0.3.7"},
				{"golang.org/x/sys", "GO-2022-0493", "0.0.0-20220412211240-33da011f77ad"},
			}
			for _, k := range known {
				var hit *model.Finding
				for i, f := range byPkg[k.pkg] {
					for _, a := range f.Advisories {
						if a == k.advisory {
							hit = &byPkg[k.pkg][i]
						}
					}
				}
				if hit == nil {
					t.Errorf("%s: %s not reported", k.pkg, k.advisory)
					continue
				}
				if len(hit.FixedVersions) == 0 || hit.FixedVersions[0] != k.fixed {
					t.Errorf("%s %s: fixed %v, want %s first", k.pkg, k.advisory, hit.FixedVersions, k.fixed)
				}
				if !strings.HasPrefix(hit.Vulnerability.ID, "CVE-") {
					t.Errorf("%s: shown as %s, want its CVE alias", k.advisory, hit.Vulnerability.ID)
				}
			}
			t.Logf("%d components, %d findings, %d unmatched", res.Components, len(res.Findings), len(res.Unmatched))
		})
	}
	code, out, _ := run(t, "scan", "--database", db, filepath.Join(dir, "proton-bridge-v1.8.0.bom.json"))
	if code != 0 || !strings.Contains(out, "GO-2022-0969") && !strings.Contains(out, "CVE-2022-27664") {
		t.Errorf("table output lacks the x/net advisory:\n%s", out)
	}
}

// TestCorpusProtonBridgeSARIF checks the SARIF rocca writes for a real SBOM
// against the SARIF 2.1.0 schema and rules with Microsoft's validator.
func TestCorpusProtonBridgeSARIF(t *testing.T) {
	exe := testutil.SARIFMultitool(t)
	db, corpora := corpusDB(t)
	sbomPath := filepath.Join(corpora, "sbom", "cyclonedx-bom-examples", "SBOM", "proton-bridge", "proton-bridge-v1.8.0.bom.json")
	code, out, errs := run(t, "scan", "--database", db, "--format", "sarif", sbomPath)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "GO-2022-0969") {
		t.Fatalf("SARIF lacks GO-2022-0969:\n%.2000s", out)
	}
	verrs, warnings := testutil.ValidateSARIF(t, exe, t.TempDir(), "proton-bridge.sarif", []byte(out))
	for _, w := range warnings {
		t.Logf("validator warning: %s", w)
	}
	for _, e := range verrs {
		t.Errorf("validator: %s", e)
	}
}

// TestCorpusAllExampleSBOMs scans every example SBOM: each either scans or
// is rejected as input, never crashes rocca.
func TestCorpusAllExampleSBOMs(t *testing.T) {
	db, corpora := corpusDB(t)
	root := filepath.Join(corpora, "sbom", "cyclonedx-bom-examples", "SBOM")
	var files []string
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".xml")) {
			files = append(files, p)
		}
		return nil
	})
	sort.Strings(files)
	if len(files) == 0 {
		t.Fatal("no example SBOMs found")
	}
	for _, f := range files {
		rel, _ := filepath.Rel(root, f)
		code, out, errs := run(t, "scan", "--database", db, "--format", "json", f)
		switch code {
		case cli.ExitOK:
			var res model.ScanResult
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Errorf("%s: bad JSON output: %v", rel, err)
				continue
			}
			t.Logf("%s: %d components, %d findings, %d unmatched", rel, res.Components, len(res.Findings), len(res.Unmatched))
		case cli.ExitInput:
			t.Logf("%s: rejected: %s", rel, strings.TrimSpace(errs))
		default:
			t.Errorf("%s: exit %d: %s", rel, code, errs)
		}
	}
}
