package vex

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/model"
)

// Fuzz targets, one per reader, each seeded with the testdata documents of
// its format and a few small ones:
//
//	go test -run '^$' -fuzz FuzzReadCSAF -fuzztime 60s -fuzzminimizetime 2s ./internal/vex
//
// (minimizing an interesting input taken from a seed document of a few
// kilobytes takes the default minute otherwise).

func seed(f *testing.F, glob string, extra ...string) {
	files, _ := filepath.Glob(filepath.Join("testdata", glob))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	for _, s := range extra {
		f.Add([]byte(s))
	}
}

// checkRead checks what a reader returned: complete, located statements,
// and that matching and applying them never panic.
func checkRead(t *testing.T, doc *Document, err error) {
	if err != nil {
		if doc != nil {
			t.Fatalf("document and error: %v", err)
		}
		return
	}
	for _, s := range doc.Statements {
		if s.Vulnerability == "" || !ValidStatus(s.Status) || s.Source != "fuzz" || s.Where == "" {
			t.Fatalf("incomplete statement %+v", s)
		}
		if s.Justification != "" && !s.Justification.Valid() {
			t.Fatalf("invalid justification in %+v", s)
		}
		for _, r := range s.Response {
			if !r.Valid() {
				t.Fatalf("invalid response in %+v", s)
			}
		}
	}
	var fs []model.Finding
	for _, s := range doc.Statements {
		c := model.Component{Name: "x"}
		if len(s.Products) > 0 {
			p := s.Products[0]
			c = model.Component{Ref: p.ID, PURL: p.PURL, CPE: p.CPE, Name: p.Name, Version: p.Version}
		}
		fs = append(fs, model.Finding{Component: c, Vulnerability: model.Vulnerability{ID: s.Vulnerability, IDs: append([]string{s.Vulnerability}, s.Aliases...)}})
	}
	res := Match(doc.Statements, Target{Product: Product{Name: "p", Version: "1"}, Findings: fs})
	if len(res.Matches)+len(res.Unmatched) == 0 && len(doc.Statements) > 0 {
		t.Fatalf("statements neither matched nor reported: %+v", res)
	}
	seen := map[int]bool{}
	for _, p := range res.Matches {
		seen[p.Statement] = true
	}
	for _, p := range res.Superseded {
		seen[p.Statement] = true
	}
	for _, u := range res.Unmatched {
		if u.Reason == "" || seen[u.Statement] {
			t.Fatalf("unmatched %+v without a reason or also matched", u)
		}
		seen[u.Statement] = true
	}
	if len(seen) != len(doc.Statements) {
		t.Fatalf("%d statements, %d accounted for", len(doc.Statements), len(seen))
	}
	Apply(fs, doc.Statements)
}

func FuzzRead(f *testing.F) {
	seed(f, "*")
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := ReadDocument(bytes.NewReader(data), "fuzz")
		checkRead(t, doc, err)
	})
}

func FuzzReadOpenVEX(f *testing.F) {
	seed(f, "*.openvex.json",
		`{"@context":"https://openvex.dev/ns/v0.2.0","statements":[{"vulnerability":"CVE-1","products":["pkg:npm/a"],"status":"fixed"}]}`,
		`{"@context":["https://openvex.dev/ns"],"statements":[{"vulnerability":{"name":"CVE-1"},"products":[{"identifiers":{"purl":"pkg:npm/a@1?x=y"},"subcomponents":["b"]}],"status":"affected","action_statement":"x"}]}`)
	f.Fuzz(func(t *testing.T, data []byte) {
		if checkJSONDepth(data, MaxDepth) != nil {
			return
		}
		doc, err := readOpenVEX(data, "fuzz")
		checkRead(t, doc, err)
		if err == nil {
			roundTrip(t, doc, FormatOpenVEX)
		}
	})
}

func FuzzReadCycloneDXJSON(f *testing.F) {
	seed(f, "*.cdx.json",
		`{"bomFormat":"CycloneDX","vulnerabilities":[{"id":"CVE-1","analysis":{"state":"resolved","response":["update"]},"affects":[{"ref":"urn:cdx:x/1#a%2"}]}]}`,
		`{"bomFormat":"CycloneDX","components":[{"bom-ref":"a","name":"n","purl":"pkg:npm/n@1"}],"vulnerabilities":[{"id":"CVE-1","analysis":{"state":"not_affected","justification":"requires_environment"},"affects":[{"ref":"a"}]}]}`)
	f.Fuzz(func(t *testing.T, data []byte) {
		if checkJSONDepth(data, MaxDepth) != nil {
			return
		}
		doc, err := readCycloneDXJSON(data, "fuzz")
		checkRead(t, doc, err)
	})
}

func FuzzReadCycloneDXXML(f *testing.F) {
	seed(f, "*.cdx.xml",
		`<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><vulnerabilities><vulnerability><id>X</id><analysis><state>in_triage</state><responses><response>rollback</response></responses></analysis><affects><target><ref>r</ref></target></affects></vulnerability></vulnerabilities></bom>`)
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := readCycloneDXXML(data, "fuzz")
		checkRead(t, doc, err)
	})
}

func FuzzReadCSAF(f *testing.F) {
	seed(f, "*.csaf.json",
		`{"document":{"csaf_version":"2.0","category":"csaf_vex"},"product_tree":{"full_product_names":[{"name":"a","product_id":"A","product_identification_helper":{"purl":"pkg:npm/a@1"}}],"product_groups":[{"group_id":"G","product_ids":["A"]}]},"vulnerabilities":[{"cve":"CVE-1","product_status":{"known_not_affected":["A"]},"flags":[{"label":"component_not_present","group_ids":["G"]}]}]}`,
		`{"document":{"csaf_version":"2.0"},"product_tree":{"branches":[{"category":"vendor","name":"v","branches":[{"category":"product_name","name":"p","branches":[{"category":"product_version","name":"1","product":{"name":"p 1","product_id":"P"}}]}]}],"full_product_names":[{"name":"c","product_id":"C"}],"relationships":[{"category":"default_component_of","product_reference":"C","relates_to_product_reference":"P","full_product_name":{"name":"c in p","product_id":"CP"}}]},"vulnerabilities":[{"ids":[{"system_name":"x","text":"X-1"}],"product_status":{"known_affected":["CP"]},"remediations":[{"category":"vendor_fix","details":"update","product_ids":["CP"]}]}]}`)
	f.Fuzz(func(t *testing.T, data []byte) {
		if checkJSONDepth(data, MaxDepth) != nil || !strings.Contains(string(data), "document") {
			return
		}
		doc, err := readCSAF(data, "fuzz")
		checkRead(t, doc, err)
		if err == nil {
			roundTrip(t, doc, FormatCSAF)
		}
	})
}
