package strict

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// benchComponents is the size of the benchmark documents: 50,000
// components make an indented CycloneDX 1.6 JSON document of about 80 MB.
const benchComponents = 50000

// benchJSON writes a conforming, indented CycloneDX 1.6 JSON document of n
// npm-like components with hashes, a licence, external references and a
// property each, and a dependency graph of up to three edges per
// component.
func benchJSON(n int) []byte {
	ref := func(i int) string {
		return fmt.Sprintf("pkg:npm/%%40scope-%d/package-%06d@%d.%d.%d", i%50, i, i%7, i%13, i%101)
	}
	var b bytes.Buffer
	b.Grow(n * 1700)
	b.WriteString(`{
  "bomFormat": "CycloneDX",
  "specVersion": "1.6",
  "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
  "version": 1,
  "metadata": {
    "timestamp": "2026-12-01T00:00:00Z",
    "tools": {"components": [{"type": "application", "name": "bench", "version": "1"}]},
    "component": {"bom-ref": "benchmark-app", "type": "application", "name": "benchmark-app", "version": "1.0.0"}
  },
  "components": [`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		name := fmt.Sprintf("package-%06d", i)
		version := fmt.Sprintf("%d.%d.%d", i%7, i%13, i%101)
		fmt.Fprintf(&b, `
    {
      "bom-ref": %q,
      "type": "library",
      "supplier": {
        "name": "Supplier %d"
      },
      "group": "@scope-%d",
      "name": %q,
      "version": %q,
      "description": "A package generated for the benchmark, with a description of typical length.",
      "scope": "required",
      "hashes": [
        {
          "alg": "SHA-512",
          "content": "%0128x"
        },
        {
          "alg": "SHA-256",
          "content": "%064x"
        }
      ],
      "licenses": [
        {
          "license": {
            "id": "MIT"
          }
        }
      ],
      "purl": %q,
      "externalReferences": [
        {
          "url": "https://registry.npmjs.org/%s/-/%s-%s.tgz",
          "type": "distribution"
        },
        {
          "url": "git+https://github.com/example/%s.git",
          "type": "vcs"
        }
      ],
      "properties": [
        {
          "name": "cdx:npm:package:path",
          "value": "node_modules/%s"
        }
      ]
    }`, ref(i), i%200, i%50, name, version, i, i, ref(i), name, name, version, name, name)
	}
	b.WriteString("\n  ],\n  \"dependencies\": [")
	for i := range n {
		fmt.Fprintf(&b, "\n    {\n      \"ref\": %q,\n      \"dependsOn\": [", ref(i))
		for k := 1; k <= 3 && i+k*7 < n; k++ {
			if k > 1 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "\n        %q", ref(i+k*7))
		}
		b.WriteString("\n      ]\n    },")
	}
	b.WriteString("\n    {\n      \"ref\": \"benchmark-app\",\n      \"dependsOn\": [")
	for i := range min(n, 7) {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%q", ref(i))
	}
	b.WriteString("]\n    }\n  ]\n}\n")
	return b.Bytes()
}

// benchXML converts a CycloneDX JSON document to CycloneDX XML with
// cyclonedx-go.
func benchXML(tb testing.TB, doc []byte) []byte {
	tb.Helper()
	var bom cdx.BOM
	if err := cdx.NewBOMDecoder(bytes.NewReader(doc), cdx.BOMFileFormatJSON).Decode(&bom); err != nil {
		tb.Fatalf("decode the benchmark document: %v", err)
	}
	bom.XMLNS = xNSPrefix + "1.6"
	var b bytes.Buffer
	if err := cdx.NewBOMEncoder(&b, cdx.BOMFileFormatXML).SetPretty(true).Encode(&bom); err != nil {
		tb.Fatalf("encode the benchmark document as XML: %v", err)
	}
	return b.Bytes()
}

func TestBenchDocumentsConform(t *testing.T) {
	t.Parallel()
	doc := benchJSON(200)
	if issues := CycloneDXJSON(doc); len(issues) != 0 {
		t.Fatalf("the JSON benchmark document does not conform: %v", issues)
	}
	x := benchXML(t, doc)
	if issues := CycloneDXXML(x); len(issues) != 0 {
		t.Fatalf("the XML benchmark document does not conform: %v", issues)
	}
	// A broken reference must be found, so the benchmark walks everything.
	bad := bytes.Replace(doc, []byte(`"ref": "pkg:npm/%40scope-0/package-000000@0.0.0"`), []byte(`"ref": "nowhere"`), 1)
	issues := CycloneDXJSON(bad)
	if len(issues) != 1 || !strings.Contains(issues[0].Message, `"nowhere" is not the bom-ref`) {
		t.Fatalf("want one unresolved reference, got %v", issues)
	}
}

// TestCycloneDXJSONMemory guards the streaming walk: validating a
// document allocates less than the document's own size (a tree of its
// values would take many times more). Not parallel, so that the heap
// statistics see this test alone.
func TestCycloneDXJSONMemory(t *testing.T) {
	doc := benchJSON(5000)
	CycloneDXJSON(doc) // warm up the description
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	issues := CycloneDXJSON(doc)
	runtime.ReadMemStats(&after)
	if len(issues) != 0 {
		t.Fatalf("issues: %v", issues[:min(len(issues), 5)])
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > uint64(len(doc)) {
		t.Errorf("validating a %d-byte document allocated %d bytes", len(doc), got)
	}
}

func BenchmarkCycloneDXJSON50k(b *testing.B) {
	doc := benchJSON(benchComponents)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if issues := CycloneDXJSON(doc); len(issues) != 0 {
			b.Fatalf("issues: %v", issues[:min(len(issues), 5)])
		}
	}
}

func BenchmarkCycloneDXXML50k(b *testing.B) {
	doc := benchXML(b, benchJSON(benchComponents))
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if issues := CycloneDXXML(doc); len(issues) != 0 {
			b.Fatalf("issues: %v", issues[:min(len(issues), 5)])
		}
	}
}
