package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/model"
)

// TestScanVersionShapes imports advisories whose events use version
// shapes the ecosystems accept (Composer build metadata, apk-tools 2.x
// digits after a letter), scans an SBOM holding such versions, and checks
// that each component is decided: affected or not, never undetermined.
func TestScanVersionShapes(t *testing.T) {
	dir := t.TempDir()
	feeds := map[string]string{
		"COMPOSER-BUILD-1.json": `{"id":"COMPOSER-BUILD-1","modified":"2024-01-01T00:00:00Z","aliases":["CVE-2024-9001"],
			"affected":[{"package":{"ecosystem":"Packagist","name":"acme/blocks"},"ranges":[{"type":"ECOSYSTEM","events":[
				{"introduced":"1.0.0+bedrock-1.17.10"},{"fixed":"2.65.2+170606"}]}]}]}`,
		"ALPINE-P-1.json": `{"id":"ALPINE-P-1","modified":"2024-01-01T00:00:00Z","aliases":["CVE-2024-9002"],
			"affected":[{"package":{"ecosystem":"Alpine:v3.13","name":"sudo"},"ranges":[{"type":"ECOSYSTEM","events":[
				{"introduced":"0"},{"fixed":"1.9.5p2-r0"}]}]}]}`,
	}
	var paths []string
	for name, body := range feeds {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	db := filepath.Join(dir, "rocca.db")
	if code, out, errs := run(t, append([]string{"db", "import", "--quiet", "--database", db}, paths...)...); code != 0 {
		t.Fatalf("import exit %d\n%s\n%s", code, out, errs)
	}
	bom := writeFile(t, "bom.json", `{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": [
		{"bom-ref": "blocks-old", "type": "library", "name": "acme/blocks", "version": "2.65.1+170501", "purl": "pkg:composer/acme/blocks@2.65.1%2B170501"},
		{"bom-ref": "blocks-beta", "type": "library", "name": "acme/blocks", "version": "v2.65.2-beta1+EZP-30823.preview", "purl": "pkg:composer/acme/blocks@v2.65.2-beta1%2BEZP-30823.preview"},
		{"bom-ref": "blocks-new", "type": "library", "name": "acme/blocks", "version": "2.65.2+170700", "purl": "pkg:composer/acme/blocks@2.65.2%2B170700"},
		{"bom-ref": "sudo-p1", "type": "application", "name": "sudo", "version": "1.9.5p1-r0", "purl": "pkg:apk/alpine/sudo@1.9.5p1-r0?distro=3.13.5"},
		{"bom-ref": "sudo-p2", "type": "application", "name": "sudo", "version": "1.9.5p2-r1", "purl": "pkg:apk/alpine/sudo@1.9.5p2-r1?distro=3.13.5"}
	]}`)
	code, out, errs := run(t, "scan", "--database", db, "--format", "json", bom)
	if code != 0 {
		t.Fatalf("scan exit %d: %s", code, errs)
	}
	var res model.ScanResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("json output: %v", err)
	}
	var got []string
	for _, f := range res.Findings {
		got = append(got, f.Component.Ref+" "+f.Vulnerability.ID+" fixed "+strings.Join(f.FixedVersions, ","))
	}
	sort.Strings(got)
	want := []string{
		"blocks-beta CVE-2024-9001 fixed 2.65.2+170606",
		"blocks-old CVE-2024-9001 fixed 2.65.2+170606",
		"sudo-p1 CVE-2024-9002 fixed 1.9.5p2-r0",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(res.Undetermined) != 0 || len(res.Unmatched) != 0 {
		t.Errorf("undetermined %+v, unmatched %+v; want every component decided", res.Undetermined, res.Unmatched)
	}
}
