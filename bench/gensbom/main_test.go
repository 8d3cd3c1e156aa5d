package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	packageurl "github.com/package-url/packageurl-go"
)

// testRecords are small OSV records, one or more per ecosystem the
// generator emits, written for this test.
func testRecords() map[string]string {
	recs := map[string]string{}
	add := func(id, eco, name string, extra string) {
		purl := ""
		if eco == "Julia" {
			// Julia records carry the package UUID in their purl.
			purl = fmt.Sprintf(`,"purl":"pkg:julia/%s?uuid=00000000-0000-4000-8000-%012d"`, name, len(recs))
		}
		recs[id+".json"] = fmt.Sprintf(`{"id":%q,"modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":%q,"name":%q%s},%s}]}`, id, eco, name, purl, extra)
	}
	rng := func(intro, fixed string) string {
		return fmt.Sprintf(`"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":%q},{"fixed":%q}]}]`, intro, fixed)
	}
	for i := range 20 {
		add(fmt.Sprintf("GO-T-%d", i), "Go", fmt.Sprintf("example.com/Org/mod%d/v2", i), rng("2.0.0", fmt.Sprintf("2.%d.3", i+1)))
		add(fmt.Sprintf("PYSEC-T-%d", i), "PyPI", fmt.Sprintf("py-pkg%d", i), `"versions":["1.0","1.1"],`+rng("0", "1.2"))
		add(fmt.Sprintf("MAL-T-%d", i), "npm", fmt.Sprintf("@scope%d/pkg", i), `"versions":["1.0.0","1.0.1"]`)
		add(fmt.Sprintf("ALSA-T-%d", i), fmt.Sprintf("AlmaLinux:%d", 8+i%2), fmt.Sprintf("lib%d", i), rng("0", "1:2.3-4.el8_5"))
		add(fmt.Sprintf("DRUPAL-T-%d", i), "Packagist:https://packages.drupal.org/8", fmt.Sprintf("drupal/mod%d", i), rng("1.0.0", "1.0.7"))
		add(fmt.Sprintf("RUSTSEC-T-%d", i), "crates.io", fmt.Sprintf("crate%d", i), rng("0.1.0", "0.3.1"))
		add(fmt.Sprintf("BIT-T-%d", i), "Bitnami", fmt.Sprintf("app%d", i), rng("3.0.0", "3.4.2"))
		add(fmt.Sprintf("JLSEC-T-%d", i), "Julia", fmt.Sprintf("Pkg%d", i), `"versions":["0.5.0"],`+rng("0", "0.6.1"))
	}
	add("GO-T-STD", "Go", "stdlib", rng("1.20.0", "1.20.5")+`,"versions":["1.21.0-rc.2"]`)
	add("MAL-T-MVN", "Maven", "org.example:evil", `"versions":["1.0"]`)
	add("MAL-T-NUGET", "NuGet", "Evil.Pkg", `"versions":["2.0.0"]`)
	add("MAL-T-GEM", "RubyGems", "evilgem", `"versions":["0.0.1"]`)
	add("HSEC-T-1", "Hackage", "aeson", rng("0", "2.0.1.0"))
	add("RSEC-T-1", "CRAN", "commonmark", rng("0", "0.2"))
	add("OSEC-T-1", "opam", "ocaml", rng("4.0", "4.14.1"))
	// Skipped: OSS-Fuzz with GIT ranges only, and a withdrawn record.
	recs["OSV-T-GIT.json"] = `{"id":"OSV-T-GIT","affected":[{"package":{"ecosystem":"OSS-Fuzz","name":"proj"},"ranges":[{"type":"GIT","repo":"https://x","events":[{"introduced":"abc"}]}]}]}`
	recs["GO-T-WD.json"] = `{"id":"GO-T-WD","withdrawn":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"Go","name":"withdrawn.example/m"},"versions":["1.0.0"]}]}`
	return recs
}

func writeZip(t *testing.T, recs map[string]string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range recs {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "all.zip")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestGenerate(t *testing.T) {
	zipPath := writeZip(t, testRecords())
	out := filepath.Join(t.TempDir(), "out.cdx.json")
	opt := options{n: 200, seed: 7, vulnRatio: 0.4, maxPackages: 1000}
	if err := run(opt, []string{zipPath}, out); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		BOMFormat   string `json:"bomFormat"`
		SpecVersion string `json:"specVersion"`
		Components  []struct {
			BOMRef     string `json:"bom-ref"`
			Name       string `json:"name"`
			Version    string `json:"version"`
			PURL       string `json:"purl"`
			Properties []property
		} `json:"components"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.BOMFormat != "CycloneDX" || doc.SpecVersion != "1.6" {
		t.Errorf("bomFormat/specVersion = %q/%q", doc.BOMFormat, doc.SpecVersion)
	}
	if len(doc.Components) != 200 {
		t.Fatalf("%d components, want 200", len(doc.Components))
	}
	refs, purls := map[string]bool{}, map[string]bool{}
	types := map[string]int{}
	vulnerable := 0
	for _, c := range doc.Components {
		if c.BOMRef == "" || c.Name == "" || c.Version == "" || c.PURL == "" {
			t.Errorf("incomplete component %+v", c)
		}
		if refs[c.BOMRef] {
			t.Errorf("duplicate bom-ref %s", c.BOMRef)
		}
		if purls[c.PURL] {
			t.Errorf("duplicate purl %s", c.PURL)
		}
		refs[c.BOMRef], purls[c.PURL] = true, true
		p, err := packageurl.FromString(c.PURL)
		if err != nil {
			t.Errorf("invalid purl %s: %v", c.PURL, err)
			continue
		}
		if p.Version != c.Version {
			t.Errorf("%s: purl version %q, component version %q", c.PURL, p.Version, c.Version)
		}
		types[p.Type]++
		q := p.Qualifiers.Map()
		switch p.Type {
		case "golang":
			if strings.HasPrefix(c.PURL, "pkg:golang/stdlib@") {
				if !strings.HasPrefix(p.Version, "go1.") {
					t.Errorf("%s: stdlib version not a toolchain name", c.PURL)
				}
			} else if !strings.HasPrefix(p.Version, "v") || p.Namespace == "" {
				t.Errorf("%s: want namespace and v-version", c.PURL)
			}
		case "npm":
			if !strings.HasPrefix(c.PURL, "pkg:npm/%40scope") || !strings.HasPrefix(p.Namespace, "@") {
				t.Errorf("%s: scope not %%40-encoded namespace", c.PURL)
			}
		case "julia":
			if q["uuid"] == "" {
				t.Errorf("%s: no uuid qualifier", c.PURL)
			}
		case "rpm":
			if p.Namespace != "almalinux" || !strings.HasPrefix(q["distro"], "almalinux-") {
				t.Errorf("%s: want rpm/almalinux with distro", c.PURL)
			}
			if strings.Contains(p.Version, ":") {
				t.Errorf("%s: epoch left in the version", c.PURL)
			}
		case "composer", "maven":
			if p.Namespace == "" {
				t.Errorf("%s: no namespace", c.PURL)
			}
		}
		for _, pr := range c.Properties {
			if pr.Name == intentProperty && pr.Value == "vulnerable" {
				vulnerable++
			}
		}
	}
	for _, typ := range []string{"golang", "pypi", "npm", "rpm", "composer", "cargo", "bitnami", "julia"} {
		if types[typ] == 0 {
			t.Errorf("no %s component among %v", typ, types)
		}
	}
	if types["generic"] != 0 || strings.Contains(string(data), "withdrawn.example") || strings.Contains(string(data), "proj@") {
		t.Errorf("skipped records leaked into the SBOM")
	}
	if vulnerable < 40 || vulnerable > 120 {
		t.Errorf("%d vulnerable components of 200, want about 40%%", vulnerable)
	}

	// Same seed, same output.
	out2 := filepath.Join(t.TempDir(), "out2.cdx.json")
	if err := run(opt, []string{zipPath}, out2); err != nil {
		t.Fatal(err)
	}
	data2, err := os.ReadFile(out2)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, data2) {
		t.Error("output differs between two runs with the same seed")
	}
}

func TestVersionHelpers(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"1.4.2", "1.4.1"}, {"2.0", "1.0"}, {"1:2.3-4.el8_5", "1:2.3-4.el8_4"},
		{"1.0.0", "0.0.0"}, {"0.0.0", ""}, {"1.10", "1.9"}, {"1.05", "1.04"},
	} {
		if got := justBelow("PyPI", tc.in); got != tc.want {
			t.Errorf("justBelow(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"1.20.0", "go1.20"}, {"1.21.0", "go1.21.0"}, {"1.19.3", "go1.19.3"}, {"1.21.0-rc.2", "go1.21rc2"},
	} {
		if got, err := goToolchainVersion(tc.in); err != nil || got != tc.want {
			t.Errorf("goToolchainVersion(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, tc := range [][2]string{
		{"1.9", "1.10"}, {"1.0.0", "1.0.0.1"}, {"1.0rc1", "1.0.1"}, {"1.0.0-rc1", "1.0.0"},
		{"4.18.0-553.el8_10", "4.18.0-553.157.1.el8_10"}, {"1:2.3-4.el8_4", "1:2.3-4.el8_5"},
	} {
		if !naturalLess(tc[0], tc[1]) || naturalLess(tc[1], tc[0]) {
			t.Errorf("naturalLess does not order %s < %s", tc[0], tc[1])
		}
	}
	if got := bumpLast("0.2.12-0.20230925092853-5b05b5c147d9", 1); got != "" {
		t.Errorf("bumpLast changed a pseudo-version's hash: %s", got)
	}
	if got := justBelow("Go", "0.0.0-20230925092853-5b05b5c147d9"); got != "" {
		t.Errorf("justBelow changed a pseudo-version: %s", got)
	}
	if got := bumpLast("2.28-251.el8_10.40", 2); got != "2.28-251.el8_10.42" {
		t.Errorf("bumpLast = %s", got)
	}
}
