package sbom

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzRead checks that Read never panics, that it fails only with an
// *Error, and that what it accepts respects the limits.
//
//	go test -run '^$' -fuzz FuzzRead -fuzztime 30s ./internal/sbom
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil && len(b) < 8<<10 {
			f.Add(b)
		}
	}
	for _, s := range []string{
		`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"name":"a","purl":"pkg:npm/a@1","components":[{"name":"b"}]}]}`,
		`{"bomFormat":"CycloneDX","metadata":{"component":{"name":"p","components":[{"bom-ref":"x","name":"x"}]}},"components":[{"bom-ref":"x","name":"x"}]}`,
		`{"$schema":"http://cyclonedx.org/schema/bom-1.5.schema.json","components":null}`,
		`<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components><component type="library"><name>a</name></component></components></bom>`,
		`<?xml version="1.0"?><!-- c --><![CDATA[x]]><bom/>`,
		"SPDXVersion: SPDX-2.3\n",
		`{"spdxVersion":"SPDX-2.3"}`,
		"\ufeff{}",
		`{"a":"\\"}"}`,
	} {
		f.Add([]byte(s))
	}
	f.Add(gzipBytes(f, []byte(`{"bomFormat":"CycloneDX","components":[{"name":"z"}]}`)))
	f.Add(deepJSON(10))
	f.Add(deepXML(10))
	lim := Limits{MaxBytes: 1 << 20, MaxDepth: 16, MaxComponents: 100}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Read(bytes.NewReader(data), "fuzz", lim)
		if err != nil {
			if _, ok := errors.AsType[*Error](err); !ok {
				t.Fatalf("error %T %v is not an *Error", err, err)
			}
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		okCDX := s != nil && s.Format == "CycloneDX" && (s.Encoding == "json" || s.Encoding == "xml")
		okSPDX := s != nil && s.Format == "SPDX" && (s.Encoding == "json" || s.Encoding == "yaml" || s.Encoding == "tag-value" || s.Encoding == "json-ld")
		if !okCDX && !okSPDX {
			t.Fatalf("accepted as %+v", s)
		}
		if len(s.Components) > lim.MaxComponents {
			t.Fatalf("%d components accepted, limit %d", len(s.Components), lim.MaxComponents)
		}
	})
}
