// Command minsbom writes a CycloneDX 1.6 JSON SBOM of n minimal
// components, for measuring what the reader and the server spend per
// component rather than per byte of content:
//
//	go run ./bench/minsbom -n 1000000 -o min.cdx.json
//
// Each component is one line without spaces. -shape chooses what it holds:
//
//	name     {"name":"cN"}                                  (about 19 bytes)
//	library  {"type":"library","name":"cN","version":"1"}   (about 47 bytes)
//	purl     library plus "purl":"pkg:npm/cN@1"            (about 69 bytes)
//
// The output depends only on -n and -shape.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	n := flag.Int("n", 1_000_000, "number of components")
	shape := flag.String("shape", "library", "component shape: name, library or purl")
	out := flag.String("o", "-", "output file (- for standard output)")
	flag.Parse()
	if err := run(*n, *shape, *out); err != nil {
		fmt.Fprintln(os.Stderr, "minsbom:", err)
		os.Exit(1)
	}
}

func run(n int, shape, out string) error {
	var w io.Writer = os.Stdout
	if out != "-" {
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	if err := write(bw, n, shape); err != nil {
		return err
	}
	return bw.Flush()
}

func write(w *bufio.Writer, n int, shape string) error {
	var format string
	switch shape {
	case "name":
		format = `{"name":"c%d"}`
	case "library":
		format = `{"type":"library","name":"c%d","version":"1"}`
	case "purl":
		format = `{"type":"library","name":"c%[1]d","version":"1","purl":"pkg:npm/c%[1]d@1"}`
	default:
		return fmt.Errorf("unknown -shape %q: want name, library or purl", shape)
	}
	fmt.Fprint(w, `{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"metadata":{"component":{"type":"application","name":"minsbom","version":"1"}},"components":[`+"\n")
	for i := range n {
		if i > 0 {
			w.WriteString(",\n")
		}
		fmt.Fprintf(w, format, i)
	}
	_, err := w.WriteString("\n]}\n")
	return err
}
