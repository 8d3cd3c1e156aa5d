package summary

import (
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/model"
)

func TestOf(t *testing.T) {
	s := &model.SBOM{
		Format:  "CycloneDX",
		Subject: &model.Component{Ref: "root", Name: "plc-firmware", Version: "2.1"},
		Components: []model.Component{
			{Ref: "a", Name: "lodash", Version: "4.17.20", PURL: "pkg:npm/lodash@4.17.20", Type: "library"},
			{Ref: "b", Name: "express", PURL: "pkg:npm/express@4.0.0", Type: "library"},
			{Ref: "c", Name: "guava", PURL: "pkg:maven/com.google/guava@1", Type: "library", PURLDerivedFrom: "SPDX externalRef maven-central"},
			{Ref: "d", Name: "busybox", CPE: "cpe:2.3:a:busybox:busybox:1.36:*:*:*:*:*:*:*", Type: "firmware"},
			{Ref: "e", Name: "blob"},
			{Ref: "f", Name: "bad", PURL: "npm/lodash"},
		},
		Dependencies: []model.Dependency{
			{Ref: "root", DependsOn: []string{"a", "c"}},
			{Ref: "a", DependsOn: []string{"b"}},
		},
	}
	sum := Of(s)
	ints := []struct {
		name      string
		got, want int
	}{
		{"components", sum.Components, 6},
		{"identified", sum.Identified, 3},
		{"derived", sum.Derived, 1},
		{"edges", sum.Edges, 3},
		{"direct", sum.Direct, 2},
		{"unidentified", len(sum.Unidentified), 3},
	}
	for _, c := range ints {
		if c.got != c.want {
			t.Errorf("%s: got %d, want %d", c.name, c.got, c.want)
		}
	}
	if got := sum.ByEcosystem[0]; got != (Count{"(none)", 3}) {
		t.Errorf("first ecosystem count: got %v", got)
	}
	if got := sum.ByEcosystem[1]; got != (Count{"npm", 2}) {
		t.Errorf("second ecosystem count: got %v", got)
	}
	if got := sum.ByType[0]; got != (Count{"library", 3}) {
		t.Errorf("first type count: got %v", got)
	}
	reasons := map[string]string{}
	for _, u := range sum.Unidentified {
		reasons[u.Ref] = u.Reason
	}
	for ref, want := range map[string]string{"d": "only a CPE", "e": "no purl or CPE", "f": "invalid purl"} {
		if !strings.Contains(reasons[ref], want) {
			t.Errorf("reason for %s: got %q, want it to contain %q", ref, reasons[ref], want)
		}
	}
	if sum.Subject != "plc-firmware@2.1" {
		t.Errorf("subject: got %q", sum.Subject)
	}
}

func TestOfEmpty(t *testing.T) {
	sum := Of(&model.SBOM{Format: "CycloneDX"})
	if sum.Components != 0 || sum.Unidentified == nil || sum.Warnings == nil || sum.ByEcosystem == nil {
		t.Errorf("empty SBOM: %+v", sum)
	}
}
