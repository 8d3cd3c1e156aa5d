package sbom

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzCycloneDXGraph checks what the CycloneDX readers promise about the
// metadata and the graph they build, on any input: Read never panics and
// fails only with an *Error; an accepted document has one dependency
// entry per non-empty ref, no empty or repeated ref in an entry, at most
// MaxDependencies graph items; and the graph queries terminate.
//
//	go test -run '^$' -fuzz FuzzCycloneDXGraph -fuzztime 30s ./internal/sbom
func FuzzCycloneDXGraph(f *testing.F) {
	for _, name := range []string{"nested.cdx.json", "nested.cdx.xml", "full-1.6.cdx.json", "full-1.6.cdx.xml", "legacy-1.4.cdx.json", "legacy-1.4.cdx.xml"} {
		f.Add(readFile(f, name))
	}
	for _, s := range []string{
		`{"bomFormat":"CycloneDX","metadata":{"tools":{"components":[{"name":"t"}],"services":[{"name":"s"}]}},"components":[{"bom-ref":"a","name":"a","components":[{"bom-ref":"a","name":"a"}]}],"dependencies":[{"ref":"a","dependsOn":["a","a",""]},{"ref":"a"},{"dependsOn":["b"]}]}`,
		`{"bomFormat":"CycloneDX","metadata":{"tools":[{"vendor":1}],"timestamp":5,"authors":{}},"components":[{"name":"a","hashes":"x","licenses":[{"license":[]}],"swid":{"tagId":"t","name":"n"}}]}`,
		`{"bomFormat":"CycloneDX","components":[{"bom-ref":"pkg:npm/a@1","name":"a","version":"1"}],"dependencies":[{"ref":"x","dependsOn":["y"]},{"ref":"y","dependsOn":["x"]}]}`,
		`<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><metadata><tools><tool><name>t</name></tool></tools></metadata><components><component type="library" bom-ref="a"><name>a</name><swid tagId="T" name="n"/></component></components><dependencies><dependency ref="a"><dependency ref="a"/></dependency></dependencies></bom>`,
	} {
		f.Add([]byte(s))
	}
	lim := Limits{MaxBytes: 1 << 20, MaxDepth: 16, MaxComponents: 100, MaxDependencies: 200}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Read(bytes.NewReader(data), "fuzz", lim)
		if err != nil {
			if _, ok := errors.AsType[*Error](err); !ok {
				t.Fatalf("error %T %v is not an *Error", err, err)
			}
			return
		}
		if s.Format != "CycloneDX" {
			return // another format's reader: not this target's business
		}
		items, seen := 0, map[string]bool{}
		for _, d := range s.Dependencies {
			if d.Ref == "" || seen[d.Ref] {
				t.Fatalf("entry for ref %q empty or repeated in %q", d.Ref, s.Dependencies)
			}
			seen[d.Ref] = true
			refs := map[string]bool{}
			for _, r := range d.DependsOn {
				if r == "" || refs[r] {
					t.Fatalf("entry %q lists %q twice or empty", d.Ref, r)
				}
				refs[r] = true
			}
			items += 1 + len(d.DependsOn)
		}
		if items > lim.MaxDependencies {
			t.Fatalf("%d graph items accepted, limit %d", items, lim.MaxDependencies)
		}
		g := s.Graph()
		for _, c := range s.Components {
			if p := g.Path(c.Ref); p != nil && (p[len(p)-1] != c.Ref || len(p) != g.Depth(c.Ref)+1) {
				t.Fatalf("path %q to %q at depth %d", p, c.Ref, g.Depth(c.Ref))
			}
			g.Paths(c.Ref, 3)
		}
	})
}
