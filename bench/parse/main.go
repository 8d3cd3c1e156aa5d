// Command parse measures what reading one SBOM costs a fresh process:
// wall time of sbom.Read (or sbom.Validate with -strict) and the process's
// peak resident memory afterwards.
//
//	go run ./bench/parse [-strict] [-reps 5] SBOM...
//	go run ./bench/parse -generate 50000 -o big.cdx.json
//
// Each file is measured in a child process of its own (the command re-runs
// itself with -child), so that peak memory belongs to that file alone. It
// prints one tab-separated line per file: file, bytes, components, edges,
// median and minimum milliseconds over the repetitions, and the largest
// peak RSS in MiB.
//
// -generate writes a CycloneDX 1.6 JSON document (or, with -format
// spdx-json, an SPDX 2.3 JSON document of the same packages) of N components shaped
// like a package manager's output (purl, two hashes, licence, external
// references, properties; every component depending on up to three
// others), for the 50,000-component target of issue #3.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/sbom"
)

func main() {
	var (
		reps     = flag.Int("reps", 5, "repetitions per file (each in a fresh process)")
		strict   = flag.Bool("strict", false, "measure sbom.Validate (read and strict validation) instead of sbom.Read")
		child    = flag.Bool("child", false, "internal: measure one read of one file and print ms, rss, components, edges")
		generate = flag.Int("generate", 0, "write a generated CycloneDX 1.6 JSON SBOM of this many components to -o")
		out      = flag.String("o", "", "output file for -generate")
		format   = flag.String("format", "cyclonedx-json", "format of -generate: cyclonedx-json or spdx-json (SPDX 2.3)")
	)
	flag.Parse()
	switch {
	case *generate > 0:
		if *out == "" {
			fail("-generate needs -o FILE")
		}
		gen := generated
		switch *format {
		case "cyclonedx-json":
		case "spdx-json":
			gen = generatedSPDX
		default:
			fail("-format: want cyclonedx-json or spdx-json")
		}
		if err := os.WriteFile(*out, gen(*generate), 0o644); err != nil {
			fail(err.Error())
		}
	case *child:
		if flag.NArg() != 1 {
			fail("-child needs one file")
		}
		measureOnce(flag.Arg(0), *strict)
	default:
		if flag.NArg() == 0 || *reps < 1 {
			fail("usage: parse [-strict] [-reps N] SBOM... | parse -generate N -o FILE")
		}
		fmt.Println("file\tbytes\tcomponents\tedges\tmedian_ms\tmin_ms\tpeak_rss_mib")
		for _, path := range flag.Args() {
			measure(path, *reps, *strict)
		}
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "parse:", msg)
	os.Exit(2)
}

func measureOnce(path string, strict bool) {
	f, err := os.Open(path)
	if err != nil {
		fail(err.Error())
	}
	defer f.Close()
	start := time.Now()
	var s *model.SBOM
	if strict {
		s, _, err = sbom.Validate(f, path, sbom.Limits{})
	} else {
		s, err = sbom.Read(f, path, sbom.Limits{})
	}
	elapsed := time.Since(start)
	if err != nil {
		fail(err.Error())
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		fail(err.Error())
	}
	edges := 0
	for _, d := range s.Dependencies {
		edges += len(d.DependsOn)
	}
	// Maxrss is in KiB on Linux.
	fmt.Printf("%.3f %d %d %d\n", float64(elapsed.Microseconds())/1000, ru.Maxrss, len(s.Components), edges)
}

func measure(path string, reps int, strict bool) {
	st, err := os.Stat(path)
	if err != nil {
		fail(err.Error())
	}
	var times []float64
	var rss int64
	var comps, edges string
	for range reps {
		args := []string{"-child", "-strict=" + strconv.FormatBool(strict), path}
		outb, err := exec.Command(os.Args[0], args...).Output()
		if err != nil {
			fail(fmt.Sprintf("%s: %v", path, err))
		}
		f := strings.Fields(string(outb))
		if len(f) != 4 {
			fail(fmt.Sprintf("%s: unexpected child output %q", path, outb))
		}
		ms, _ := strconv.ParseFloat(f[0], 64)
		kib, _ := strconv.ParseInt(f[1], 10, 64)
		times = append(times, ms)
		rss = max(rss, kib)
		comps, edges = f[2], f[3]
	}
	slices.Sort(times)
	fmt.Printf("%s\t%d\t%s\t%s\t%.1f\t%.1f\t%.1f\n", path, st.Size(), comps, edges, times[len(times)/2], times[0], float64(rss)/1024)
}

func generated(n int) []byte {
	type obj = map[string]any
	ref := func(i int) string {
		return fmt.Sprintf("pkg:npm/%%40scope-%d/package-%06d@%d.%d.%d", i%50, i, i%7, i%13, i%101)
	}
	comps := make([]obj, n)
	deps := make([]obj, 0, n+1)
	for i := range n {
		name := fmt.Sprintf("package-%06d", i)
		version := fmt.Sprintf("%d.%d.%d", i%7, i%13, i%101)
		comps[i] = obj{
			"bom-ref": ref(i), "type": "library", "group": fmt.Sprintf("@scope-%d", i%50),
			"name": name, "version": version, "scope": "required", "purl": ref(i),
			"supplier":    obj{"name": fmt.Sprintf("Supplier %d", i%200)},
			"description": "A package generated for the benchmark, with a description of typical length.",
			"hashes": []obj{
				{"alg": "SHA-512", "content": fmt.Sprintf("%0128x", i)},
				{"alg": "SHA-256", "content": fmt.Sprintf("%064x", i)},
			},
			"licenses": []obj{{"license": obj{"id": "MIT"}}},
			"externalReferences": []obj{
				{"type": "distribution", "url": "https://registry.npmjs.org/" + name + "/-/" + name + "-" + version + ".tgz"},
				{"type": "vcs", "url": "git+https://github.com/example/" + name + ".git"},
			},
			"properties": []obj{{"name": "cdx:npm:package:path", "value": "node_modules/" + name}},
		}
		var on []string
		for k := 1; k <= 3 && i+k*7 < n; k++ {
			on = append(on, ref(i+k*7))
		}
		deps = append(deps, obj{"ref": ref(i), "dependsOn": on})
	}
	direct := []string{}
	for i := 0; i < min(n, 7); i++ {
		direct = append(direct, ref(i))
	}
	deps = append(deps, obj{"ref": "benchmark-app", "dependsOn": direct})
	doc := obj{
		"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
		"serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
		"metadata": obj{
			"timestamp": "2026-12-01T00:00:00Z",
			"tools":     obj{"components": []obj{{"type": "application", "name": "bench/parse", "version": "1"}}},
			"component": obj{"bom-ref": "benchmark-app", "type": "application", "name": "benchmark-app", "version": "1.0.0"},
		},
		"components":   comps,
		"dependencies": deps,
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		fail(err.Error())
	}
	return buf.Bytes()
}

// generatedSPDX is the SPDX 2.3 JSON twin of generated: the same packages
// with purl external references, checksums and licences, DEPENDS_ON
// relationships in the same shape, and a described root package.
func generatedSPDX(n int) []byte {
	type obj = map[string]any
	id := func(i int) string { return fmt.Sprintf("SPDXRef-Package-%06d", i) }
	pkgs := make([]obj, 0, n+1)
	rels := make([]obj, 0, 3*n+8)
	pkgs = append(pkgs, obj{"SPDXID": "SPDXRef-Root", "name": "benchmark-app", "versionInfo": "1.0.0",
		"downloadLocation": "NOASSERTION", "filesAnalyzed": false, "primaryPackagePurpose": "APPLICATION"})
	rels = append(rels, obj{"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES", "relatedSpdxElement": "SPDXRef-Root"})
	for i := range n {
		name := fmt.Sprintf("package-%06d", i)
		version := fmt.Sprintf("%d.%d.%d", i%7, i%13, i%101)
		pkgs = append(pkgs, obj{
			"SPDXID": id(i), "name": name, "versionInfo": version,
			"supplier":         fmt.Sprintf("Organization: Supplier %d", i%200),
			"downloadLocation": "https://registry.npmjs.org/" + name + "/-/" + name + "-" + version + ".tgz",
			"filesAnalyzed":    false, "licenseConcluded": "MIT", "licenseDeclared": "MIT", "copyrightText": "NOASSERTION",
			"primaryPackagePurpose": "LIBRARY",
			"checksums": []obj{
				{"algorithm": "SHA512", "checksumValue": fmt.Sprintf("%0128x", i)},
				{"algorithm": "SHA256", "checksumValue": fmt.Sprintf("%064x", i)},
			},
			"externalRefs": []obj{{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
				"referenceLocator": fmt.Sprintf("pkg:npm/%%40scope-%d/%s@%s", i%50, name, version)}},
		})
		for k := 1; k <= 3 && i+k*7 < n; k++ {
			rels = append(rels, obj{"spdxElementId": id(i), "relationshipType": "DEPENDS_ON", "relatedSpdxElement": id(i + k*7)})
		}
	}
	for i := 0; i < min(n, 7); i++ {
		rels = append(rels, obj{"spdxElementId": "SPDXRef-Root", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": id(i)})
	}
	doc := obj{
		"spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT", "name": "benchmark-app",
		"documentNamespace": "https://example.com/spdx/benchmark-app-1.0.0",
		"creationInfo":      obj{"created": "2026-12-01T00:00:00Z", "creators": []string{"Tool: bench/parse-1"}},
		"packages":          pkgs, "relationships": rels,
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		fail(err.Error())
	}
	return b
}
