package sbom

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// generatedBOM returns a CycloneDX 1.6 JSON document of n components shaped
// like a package manager's output: purl, hashes, licences, external
// references and properties on each, one in ten with two nested
// components (n counts them too).
func generatedBOM(n int) []byte {
	type obj = map[string]any
	component := func(i int) obj {
		name := fmt.Sprintf("package-%05d", i)
		version := fmt.Sprintf("%d.%d.%d", i%7, i%13, i%101)
		purl := fmt.Sprintf("pkg:npm/%%40scope-%d/%s@%s", i%50, name, version)
		return obj{
			"bom-ref":     purl,
			"type":        "library",
			"group":       fmt.Sprintf("@scope-%d", i%50),
			"name":        name,
			"version":     version,
			"description": "A package generated for the benchmark, with a description of typical length.",
			"scope":       "required",
			"purl":        purl,
			"hashes": []obj{
				{"alg": "SHA-512", "content": fmt.Sprintf("%0128x", i)},
				{"alg": "SHA-1", "content": fmt.Sprintf("%040x", i)},
			},
			"licenses": []obj{{"license": obj{"id": "MIT"}}},
			"externalReferences": []obj{
				{"type": "distribution", "url": "https://registry.npmjs.org/" + name + "/-/" + name + "-" + version + ".tgz"},
				{"type": "vcs", "url": "git+https://github.com/example/" + name + ".git"},
			},
			"properties": []obj{
				{"name": "cdx:npm:package:path", "value": "node_modules/" + name},
				{"name": "cdx:npm:package:development", "value": "false"},
			},
		}
	}
	var comps []obj
	for i := 0; i < n; {
		c := component(i)
		i++
		if i%10 == 0 && i+2 <= n {
			c["components"] = []obj{component(i), component(i + 1)}
			i += 2
		}
		comps = append(comps, c)
	}
	doc := obj{
		"bomFormat":   "CycloneDX",
		"specVersion": "1.6",
		"version":     1,
		"metadata":    obj{"component": obj{"type": "application", "name": "benchmark-app", "version": "1.0.0"}},
		"components":  comps,
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic(err)
	}
	return b
}

func BenchmarkReadCycloneDXJSON(b *testing.B) {
	data := generatedBOM(10_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		s, err := Read(bytes.NewReader(data), "bench.json", Limits{})
		if err != nil {
			b.Fatal(err)
		}
		if len(s.Components) != 10_000 {
			b.Fatalf("%d components", len(s.Components))
		}
	}
}

// BenchmarkDecodeCycloneDXJSONFull decodes the same document with
// cyclonedx-go's complete decoder, for comparison with the fast path.
func BenchmarkDecodeCycloneDXJSONFull(b *testing.B) {
	data := generatedBOM(10_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var bom cdx.BOM
		if err := cdx.NewBOMDecoder(bytes.NewReader(data), cdx.BOMFileFormatJSON).Decode(&bom); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScanJSON is the depth pre-scan alone.
func BenchmarkScanJSON(b *testing.B) {
	data := generatedBOM(10_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := scanJSON(data, DefaultMaxDepth); err != nil {
			b.Fatal(err.err)
		}
	}
}

// BenchmarkDecodeProjection is the fast path's json.Unmarshal alone.
func BenchmarkDecodeProjection(b *testing.B) {
	data := generatedBOM(10_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var doc cdxJSONDocument
		if err := json.Unmarshal(data, &doc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadCycloneDXXML(b *testing.B) {
	var bom cdx.BOM
	if err := json.Unmarshal(generatedBOM(10_000), &bom); err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := cdx.NewBOMEncoder(&buf, cdx.BOMFileFormatXML).Encode(&bom); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		s, err := Read(bytes.NewReader(data), "bench.xml", Limits{})
		if err != nil {
			b.Fatal(err)
		}
		if len(s.Components) != 10_000 {
			b.Fatalf("%d components", len(s.Components))
		}
	}
}
