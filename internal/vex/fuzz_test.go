package vex

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/rocca-project/rocca/internal/model"
)

// FuzzRead checks that Read never panics, that the statements it returns
// are complete, and that applying them never panics either.
//
//	go test -run '^$' -fuzz FuzzRead -fuzztime 30s ./internal/vex
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{
		`{"@context":"https://openvex.dev/ns/v0.2.0","statements":[{"vulnerability":"CVE-1","products":["pkg:npm/a"],"status":"fixed"}]}`,
		`{"@context":["https://openvex.dev/ns"],"statements":[{"vulnerability":{"name":"CVE-1"},"products":[{"identifiers":{"purl":"pkg:npm/a@1?x=y"},"subcomponents":["b"]}],"status":"affected"}]}`,
		`{"bomFormat":"CycloneDX","vulnerabilities":[{"id":"CVE-1","analysis":{"state":"resolved"},"affects":[{"ref":"urn:cdx:x/1#a%2"}]}]}`,
		`<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><vulnerabilities><vulnerability><id>X</id><analysis><state>in_triage</state></analysis><affects><target><ref>r</ref></target></affects></vulnerability></vulnerabilities></bom>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		stmts, err := Read(bytes.NewReader(data), "fuzz")
		if err != nil {
			return
		}
		for _, s := range stmts {
			if s.Vulnerability == "" || len(s.Products) == 0 || !validStatus(s.Status) || s.Source != "fuzz" {
				t.Fatalf("incomplete statement %+v", s)
			}
		}
		fs := []model.Finding{
			{Component: model.Component{Ref: "r", PURL: "pkg:npm/a@1?x=y"}, Vulnerability: model.Vulnerability{ID: "CVE-1", IDs: []string{"CVE-1", "X"}}},
		}
		for _, s := range stmts {
			fs = append(fs, model.Finding{
				Component:     model.Component{Ref: s.Products[0], PURL: s.Products[len(s.Products)-1]},
				Vulnerability: model.Vulnerability{ID: s.Vulnerability, IDs: append([]string{s.Vulnerability}, s.Aliases...)},
			})
		}
		Apply(fs, stmts)
		for _, f := range fs[1:] {
			if f.StatusSource != "fuzz" {
				t.Fatalf("finding built from a statement not covered: %+v", f)
			}
		}
	})
}
