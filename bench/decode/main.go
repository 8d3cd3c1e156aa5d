// Command decode measures how long reading and decoding an SBOM takes on
// its own, the floor under any scan of it.
//
//	go run ./bench/decode -reps 5 SBOM...
//
// For each file, reps times each, it (a) reads the file and decodes the
// CycloneDX JSON with encoding/json into generic structures
// (map[string]any), and (b) reads it with rocca's own reader, sbom.Read
// with the default limits (what rocca scan does before matching). It
// prints one tab-separated line per file: file, median and minimum
// milliseconds of (a), median and minimum of (b), components (nested ones
// counted) as each saw them.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"sort"
	"time"

	"github.com/rocca-project/rocca/internal/sbom"
)

func main() {
	reps := flag.Int("reps", 5, "repetitions per file")
	flag.Parse()
	if flag.NArg() == 0 || *reps < 1 {
		fmt.Fprintln(os.Stderr, "usage: decode [-reps N] SBOM...")
		os.Exit(2)
	}
	fmt.Println("file\tgeneric_median_ms\tgeneric_min_ms\tsbomread_median_ms\tsbomread_min_ms\tcomponents_generic\tcomponents_sbomread")
	for _, path := range flag.Args() {
		med, lo, n, err := measure(path, *reps, decode)
		if err != nil {
			fmt.Fprintln(os.Stderr, "decode:", err)
			os.Exit(1)
		}
		rmed, rlo, rn, err := measure(path, *reps, roccaRead)
		if err != nil {
			fmt.Fprintln(os.Stderr, "decode:", err)
			os.Exit(1)
		}
		fmt.Printf("%s\t%.3f\t%.3f\t%.3f\t%.3f\t%d\t%d\n", path, ms(med), ms(lo), ms(rmed), ms(rlo), n, rn)
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func measure(path string, reps int, decode func(string) (int, error)) (median, minimum time.Duration, components int, err error) {
	times := make([]time.Duration, 0, reps)
	for range reps {
		runtime.GC() // start each repetition with a clean heap
		start := time.Now()
		n, err := decode(path)
		if err != nil {
			return 0, 0, 0, fmt.Errorf("%s: %w", path, err)
		}
		times = append(times, time.Since(start))
		components = n
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	return times[len(times)/2], times[0], components, nil
}

// decode reads the whole file and decodes it as a CycloneDX JSON document,
// returning the number of components.
func decode(path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return 0, err
	}
	if doc["bomFormat"] != "CycloneDX" {
		return 0, fmt.Errorf("not a CycloneDX JSON document")
	}
	return count(doc["components"]), nil
}

// roccaRead reads the file with rocca's SBOM reader.
func roccaRead(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	doc, err := sbom.Read(f, path, sbom.DefaultLimits())
	if err != nil {
		return 0, err
	}
	return len(doc.Components), nil
}

func count(v any) int {
	list, _ := v.([]any)
	n := 0
	for _, c := range list {
		n++
		if m, ok := c.(map[string]any); ok {
			n += count(m["components"])
		}
	}
	return n
}
