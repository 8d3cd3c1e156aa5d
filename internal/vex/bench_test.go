package vex

import (
	"fmt"
	"testing"

	"github.com/rocca-project/rocca/internal/model"
)

// BenchmarkMatch matches 10,000 statements (half of them about findings
// of the version, half about other vulnerabilities) against 10,000
// findings on 2,000 components: the size of a large product's import.
//
//	go test -run '^$' -bench BenchmarkMatch ./internal/vex
func BenchmarkMatch(b *testing.B) {
	var comps []model.Component
	for i := range 2000 {
		comps = append(comps, model.Component{Ref: fmt.Sprintf("c%d", i), Name: fmt.Sprintf("lib%d", i), Version: "1.0", PURL: fmt.Sprintf("pkg:npm/lib%d@1.0", i)})
	}
	var fs []model.Finding
	var stmts []Statement
	for i := range 10000 {
		c := comps[i%len(comps)]
		id := fmt.Sprintf("CVE-2026-%05d", i)
		fs = append(fs, finding(c, id))
		if i%2 == 1 {
			id = fmt.Sprintf("CVE-2025-%05d", i)
		}
		stmts = append(stmts, Statement{Vulnerability: id, Products: []Product{{PURL: fmt.Sprintf("pkg:npm/lib%d", i%len(comps))}}, Status: model.StatusNotAffected, Justification: ComponentNotPresent, Where: "x"})
	}
	b.ResetTimer()
	for b.Loop() {
		res := Match(stmts, Target{Product: pressProduct, Components: comps, Findings: fs})
		if len(res.Matches) != 5000 || len(res.Unmatched) != 5000 {
			b.Fatalf("%d matches, %d unmatched", len(res.Matches), len(res.Unmatched))
		}
	}
}
