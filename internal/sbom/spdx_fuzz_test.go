package sbom

import (
	"bytes"
	"errors"
	"testing"
)

// fuzzSPDX seeds f with testdata files and checks that Read and the strict
// checks never panic, fail only with an *Error, and respect the limits.
func fuzzSPDX(f *testing.F, seeds ...string) {
	for _, s := range seeds {
		f.Add(readFile(f, s))
	}
	lim := Limits{MaxBytes: 1 << 20, MaxDepth: 16, MaxComponents: 50}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Read(bytes.NewReader(data), "fuzz", lim)
		if err != nil {
			if _, ok := errors.AsType[*Error](err); !ok {
				t.Fatalf("error %T %v is not an *Error", err, err)
			}
			return
		}
		if len(s.Components) > lim.MaxComponents {
			t.Fatalf("%d components accepted, limit %d", len(s.Components), lim.MaxComponents)
		}
		if d, rd, err := load(bytes.NewReader(data), "fuzz", lim); err == nil {
			_ = d.spdxConformance(rd)
		}
	})
}

// FuzzReadSPDXJSON: go test -run '^$' -fuzz FuzzReadSPDXJSON ./internal/sbom
func FuzzReadSPDXJSON(f *testing.F) {
	fuzzSPDX(f, "example.spdx.json", "spdx/relationships.spdx.json")
}

// FuzzReadSPDXTagValue: go test -run '^$' -fuzz FuzzReadSPDXTagValue ./internal/sbom
func FuzzReadSPDXTagValue(f *testing.F) {
	fuzzSPDX(f, "example.spdx")
	f.Add([]byte("SPDXVersion: SPDX-2.3\nSPDXID: SPDXRef-DOCUMENT\nPackageName: a\nSPDXID: SPDXRef-a\nSnippetSPDXID: SPDXRef-s\nRelationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-a\n"))
}

// FuzzReadSPDXYAML: go test -run '^$' -fuzz FuzzReadSPDXYAML ./internal/sbom
func FuzzReadSPDXYAML(f *testing.F) {
	fuzzSPDX(f, "example.spdx.yaml")
	f.Add([]byte("spdxVersion: SPDX-2.3\na: &x [1, 2]\nb: [*x, *x]\npackages: [null]\n"))
}

// FuzzReadSPDX3: go test -run '^$' -fuzz FuzzReadSPDX3 ./internal/sbom
func FuzzReadSPDX3(f *testing.F) {
	fuzzSPDX(f, "example.spdx3.json", "spdx/relationships.spdx3.json")
}
