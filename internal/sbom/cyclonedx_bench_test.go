package sbom

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// graphBOM returns a CycloneDX 1.6 JSON document of n components with a
// dependency graph shaped like a package manager's: the subject depends on
// every tenth component, each component on the next five (wrapping), and
// the subject's entry is declared twice, so that merging and the large
// entry's set-based deduplication are exercised.
func graphBOM(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"bomFormat":"CycloneDX","specVersion":"1.6","metadata":{"timestamp":"2026-01-01T00:00:00Z",` +
		`"tools":{"components":[{"name":"gen","version":"1"}]},"component":{"bom-ref":"root","name":"root","version":"1"}},"components":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"bom-ref":"c%d","type":"library","name":"c%d","version":"1.0.%d","purl":"pkg:npm/c%d@1.0.%d",`+
			`"hashes":[{"alg":"SHA-256","content":"%064x"}],"licenses":[{"license":{"id":"MIT"}}]}`, i, i, i, i, i, i)
	}
	b.WriteString(`],"dependencies":[`)
	rootDeps := func() {
		b.WriteString(`{"ref":"root","dependsOn":[`)
		for i := 0; i < n; i += 10 {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `"c%d"`, i)
		}
		b.WriteString(`]}`)
	}
	rootDeps()
	for i := range n {
		fmt.Fprintf(&b, `,{"ref":"c%d","dependsOn":[`, i)
		for k := 1; k <= 5; k++ {
			if k > 1 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `"c%d"`, (i+k)%n)
		}
		b.WriteString(`]}`)
	}
	b.WriteByte(',')
	rootDeps()
	b.WriteString(`]}`)
	return []byte(b.String())
}

// BenchmarkReadCycloneDXJSONGraph reads 10,000 components with 55,000
// dependency edges, then builds the model.Graph and asks for one path.
func BenchmarkReadCycloneDXJSONGraph(b *testing.B) {
	const n = 10_000
	data := graphBOM(n)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		s, err := Read(bytes.NewReader(data), "graph.json", Limits{})
		if err != nil {
			b.Fatal(err)
		}
		if len(s.Components) != n || len(s.Dependencies) != n+1 || len(s.Dependencies[0].DependsOn) != n/10 {
			b.Fatalf("%d components, %d entries", len(s.Components), len(s.Dependencies))
		}
		if p := s.Graph().Path("c9999"); len(p) < 2 {
			b.Fatalf("path %q", p)
		}
	}
}
