package cli_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/cli"
	"github.com/rocca-project/rocca/internal/sbom/strict"
)

// writeFile writes content into a fresh temporary file named name.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const conformingBOM = `{
  "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
  "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
  "metadata": {"timestamp": "2026-11-30T10:00:00Z",
    "tools": {"components": [{"type": "application", "name": "cdxgen", "version": "11.0.0"}]},
    "component": {"bom-ref": "app", "type": "application", "name": "hmi-gateway", "version": "4.2.0"}},
  "components": [
    {"bom-ref": "lodash", "type": "library", "name": "lodash", "version": "4.17.20", "purl": "pkg:npm/lodash@4.17.20",
     "supplier": {"name": "OpenJS Foundation"}, "licenses": [{"license": {"id": "MIT"}}],
     "hashes": [{"alg": "SHA-256", "content": "` + "5a1b0bd1b4d7f4c5a1c6f5b8a0b9a2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d" + `"}]},
    {"bom-ref": "fw", "type": "firmware", "name": "plc-runtime", "version": "2.1"}
  ],
  "dependencies": [{"ref": "app", "dependsOn": ["lodash", "fw"]}, {"ref": "lodash", "dependsOn": []}]
}`

// nonConformingBOM reads leniently but breaks the 1.6 schema twice.
const nonConformingBOM = `{
  "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
  "components": [
    {"bom-ref": "a", "type": "framework2", "name": "x", "version": "1"},
    {"bom-ref": "a", "type": "library", "name": "y", "version": "1", "purl": "pkg:npm/y@1"}
  ]
}`

func TestSBOMInspect(t *testing.T) {
	good := writeFile(t, "good.cdx.json", conformingBOM)
	bad := writeFile(t, "bad.cdx.json", nonConformingBOM)
	cases := []struct {
		name     string
		args     []string
		code     int
		contains []string
	}{
		{"text", []string{"sbom", "inspect", good}, cli.ExitOK,
			[]string{"CycloneDX 1.6 (json)", "cdxgen 11.0.0", "hmi-gateway@4.2.0", "2 (1 identified by purl", "npm 1", "firmware 1", "plc-runtime@2.1 [fw]: no purl or CPE"}},
		{"strict conforming", []string{"sbom", "inspect", "--strict", good}, cli.ExitOK,
			[]string{"conforms to its specification"}},
		{"lenient reads a non-conforming document", []string{"sbom", "inspect", bad}, cli.ExitOK,
			[]string{"2 (1 identified"}},
		{"strict refuses it", []string{"sbom", "inspect", bad, "--strict"}, cli.ExitInput,
			[]string{"does not conform", "/components/0/type", "/components/1/bom-ref"}},
		{"bad format flag", []string{"sbom", "inspect", "--format", "xml", good}, cli.ExitUsage, nil},
		{"missing file", []string{"sbom", "inspect", filepath.Join(t.TempDir(), "none.json")}, cli.ExitInput, nil},
		{"no argument", []string{"sbom", "inspect"}, cli.ExitUsage, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := run(t, c.args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, c.code, out, errs)
			}
			for _, w := range c.contains {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestSBOMInspectJSON(t *testing.T) {
	bad := writeFile(t, "bad.cdx.json", nonConformingBOM)
	code, out, _ := run(t, "sbom", "inspect", "--strict", "--format", "json", bad)
	if code != cli.ExitInput {
		t.Fatalf("exit %d", code)
	}
	var rep struct {
		Format     string         `json:"format"`
		Components int            `json:"components"`
		Identified int            `json:"identified"`
		Issues     []strict.Issue `json:"issues"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if rep.Format != "CycloneDX" || rep.Components != 2 || rep.Identified != 1 || len(rep.Issues) < 2 {
		t.Errorf("report: %+v", rep)
	}
	for _, is := range rep.Issues {
		if is.Pointer == "" || is.Line == 0 {
			t.Errorf("issue without a place: %+v", is)
		}
	}
}

func TestSBOMCheck(t *testing.T) {
	good := writeFile(t, "good.cdx.json", conformingBOM)
	code, out, errs := run(t, "sbom", "check", "--profile", "cra", good)
	if code != cli.ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, w := range []string{"Profile cra: score", "BSI TR-03183-2", "plc-runtime@2.1"} {
		if !strings.Contains(out, w) {
			t.Errorf("check output lacks %q:\n%s", w, out)
		}
	}
	// The firmware lacks supplier, hashes and licence: the score is not 100.
	if code, _, _ := run(t, "sbom", "check", "--profile", "cra", "--fail-under", "100", good); code != cli.ExitFindings {
		t.Errorf("--fail-under 100: exit %d, want %d", code, cli.ExitFindings)
	}
	if code, _, _ := run(t, "sbom", "check", "--profile", "cra", "--fail-under", "1", good); code != cli.ExitOK {
		t.Errorf("--fail-under 1: exit %d, want 0", code)
	}
	if code, _, _ := run(t, "sbom", "check", "--profile", "iso", good); code != cli.ExitUsage {
		t.Errorf("unknown profile: exit %d, want %d", code, cli.ExitUsage)
	}
	if code, _, _ := run(t, "sbom", "check", good); code != cli.ExitUsage {
		t.Errorf("no profile: exit %d, want %d", code, cli.ExitUsage)
	}
}

// TestSBOMConvert converts a non-conforming (but readable) document and
// checks the output conforms to CycloneDX 1.6 and keeps the components.
func TestSBOMConvert(t *testing.T) {
	bad := writeFile(t, "bad.cdx.json", nonConformingBOM)
	out := filepath.Join(t.TempDir(), "out.cdx.json")
	code, stdout, errs := run(t, "sbom", "convert", bad, "--to", "cyclonedx-json", "-o", out)
	if code != cli.ExitOK {
		t.Fatalf("exit %d: %s%s", code, stdout, errs)
	}
	code, stdout, errs = run(t, "sbom", "inspect", "--strict", out)
	if code != cli.ExitOK {
		t.Fatalf("converted document does not conform: exit %d\n%s%s", code, stdout, errs)
	}
	if !strings.Contains(stdout, "2 (1 identified") {
		t.Errorf("converted document lost components:\n%s", stdout)
	}
	if code, _, _ := run(t, "sbom", "convert", bad, "--to", "spdx-json"); code != cli.ExitUsage {
		t.Errorf("--to spdx-json: exit %d, want %d", code, cli.ExitUsage)
	}
}

func TestScanStrict(t *testing.T) {
	db, _ := demoDB(t)
	bad := writeFile(t, "bad.cdx.json", nonConformingBOM)
	if code, _, errs := run(t, "scan", "--database", db, bad); code != cli.ExitOK {
		t.Errorf("lenient scan: exit %d: %s", code, errs)
	}
	code, _, errs := run(t, "scan", "--strict", "--database", db, bad)
	if code != cli.ExitInput || !strings.Contains(errs, "/components/0/type") {
		t.Errorf("strict scan: exit %d, stderr %q", code, errs)
	}
}

func TestSBOMHelp(t *testing.T) {
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"sbom", "--help"}, []string{"inspect", "check", "convert", "SPDX 3.0 JSON-LD"}},
		{[]string{"sbom", "inspect", "--help"}, []string{"--strict", "--format", "Exit codes"}},
		{[]string{"sbom", "check", "--help"}, []string{"--profile", "--fail-under", "BSI TR-03183-2"}},
		{[]string{"sbom", "convert", "--help"}, []string{"--to", "cyclonedx-json", "--output"}},
		{[]string{"scan", "--help"}, []string{"--strict"}},
	} {
		code, out, _ := run(t, c.args...)
		if code != cli.ExitOK {
			t.Errorf("%v: exit %d", c.args, code)
		}
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%v: help lacks %q", c.args, w)
			}
		}
	}
}

// TestStrictRepeatedKeysAndInvalidUTF8: --strict refuses a document that
// repeats a key or holds invalid UTF-8, which the lenient reader accepts,
// and names each place.
func TestStrictRepeatedKeysAndInvalidUTF8(t *testing.T) {
	doc := strings.Replace(conformingBOM, `"name": "lodash",`, `"name": "lodash", "name": "underscore",`, 1)
	doc = strings.Replace(doc, `"name": "plc-runtime"`, "\"name\": \"plc-r\xfcntime\"", 1)
	p := writeFile(t, "dup.cdx.json", doc)
	if code, _, errs := run(t, "sbom", "inspect", p); code != cli.ExitOK {
		t.Fatalf("lenient inspect: exit %d: %s", code, errs)
	}
	code, out, errs := run(t, "sbom", "inspect", "--strict", p)
	if code != cli.ExitInput {
		t.Fatalf("strict inspect: exit %d, want %d\n%s%s", code, cli.ExitInput, out, errs)
	}
	for _, want := range []string{
		`/components/0/name: repeats the key "name" of its object`,
		`/components/1/name: is not valid UTF-8`,
	} {
		if !strings.Contains(out+errs, want) {
			t.Errorf("strict inspect does not report %q:\n%s%s", want, out, errs)
		}
	}
}

// TestGzipBomb checks that the CLI stops decompressing at its size limit,
// says which file and which limit, and names the flag that sets it.
func TestGzipBomb(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(`{"bomFormat":"CycloneDX","specVersion":"1.6",`))
	zw.Write(make([]byte, 8<<20)) // 8 MiB of NUL bytes: a few KiB compressed
	zw.Write([]byte(`"components":[]}`))
	zw.Close()
	bomb := filepath.Join(t.TempDir(), "bomb.cdx.json.gz")
	if err := os.WriteFile(bomb, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "r.db")
	for _, args := range [][]string{
		{"sbom", "inspect", "--max-sbom-size", "1048576", bomb},
		{"scan", "--database", db, "--max-sbom-size", "1048576", bomb},
	} {
		code, out, errs := run(t, args...)
		if code != cli.ExitInput || !strings.Contains(errs, bomb+": decompressed content larger than the 1 MiB limit") ||
			!strings.Contains(errs, "--max-sbom-size") {
			t.Errorf("%v: exit %d\nstdout: %s\nstderr: %s", args[:2], code, out, errs)
		}
	}
}
