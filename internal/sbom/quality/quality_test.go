package quality

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/model"
)

// complete is an SBOM carrying every element both profiles expect.
func complete() *model.SBOM {
	return &model.SBOM{
		Format:  "CycloneDX",
		Authors: []string{"Example Macchine PSIRT <psirt@example.com>"},
		Tools:   []string{"cdxgen 10.0.0"},
		Created: time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC),
		Subject: &model.Component{Ref: "product", Name: "hmi-gateway", Version: "4.2.0"},
		Components: []model.Component{
			{Ref: "a", Name: "openssl", Version: "3.0.11", PURL: "pkg:generic/openssl@3.0.11", Supplier: "OpenSSL Foundation",
				Hashes: []model.Hash{{Alg: "SHA-256", Value: "ab12"}}, Licenses: []string{"Apache-2.0"}},
			{Ref: "b", Name: "zlib", Version: "1.3", CPE: "cpe:2.3:a:zlib:zlib:1.3:*:*:*:*:*:*:*", Supplier: "zlib project",
				Hashes: []model.Hash{{Alg: "SHA-512", Value: "cd34"}}, Licenses: []string{"Zlib"}},
		},
		Dependencies: []model.Dependency{
			{Ref: "product", DependsOn: []string{"a"}},
			{Ref: "a", DependsOn: []string{"b"}},
			{Ref: "b", DependsOn: []string{}},
		},
	}
}

func TestGrade(t *testing.T) {
	tests := []struct {
		name      string
		profile   Profile
		edit      func(*model.SBOM)
		wantDoc   []string
		wantComps map[string][]string // component ref → failed checks
		wantScore float64
	}{
		{"complete ntia", NTIA, func(*model.SBOM) {}, nil, nil, 100},
		{"complete cra", CRA, func(*model.SBOM) {}, nil, nil, 100},
		{"ntia: an author is not a supplier", NTIA, func(d *model.SBOM) { d.Components[1].Supplier, d.Components[1].Author = "", "J. Gailly" },
			nil, map[string][]string{"b": {"component-supplier"}}, 90.9}, // 10 of 11 instances
		{"cra: an author is a component creator", CRA, func(d *model.SBOM) { d.Components[1].Supplier, d.Components[1].Author = "", "J. Gailly" },
			nil, nil, 100},
		{"no timestamp, no authors", NTIA, func(d *model.SBOM) { d.Created = time.Time{}; d.Authors, d.Tools = nil, nil },
			[]string{"sbom-author", "sbom-timestamp"}, nil, 0},
		{"cra: creator without contact", CRA, func(d *model.SBOM) { d.Authors = []string{"Example Macchine"} },
			[]string{"sbom-creator"}, nil, 0},
		{"cra: a tool is not a creator", CRA, func(d *model.SBOM) { d.Authors = nil }, []string{"sbom-creator"}, nil, 0},
		{"product dependencies missing", NTIA, func(d *model.SBOM) { d.Dependencies = d.Dependencies[1:] },
			[]string{"sbom-dependencies"}, nil, 0},
		{"weak hash, NOASSERTION licence", CRA, func(d *model.SBOM) {
			d.Components[0].Hashes = []model.Hash{{Alg: "SHA-1", Value: "ff"}, {Alg: "MD5", Value: "ee"}}
			d.Components[0].Licenses = []string{"NOASSERTION"}
		}, nil, map[string][]string{"a": {"component-hash", "component-license"}}, 0},
		{"no identifier, no version, undeclared dependencies", CRA, func(d *model.SBOM) {
			d.Components[1].CPE, d.Components[1].Version = "", ""
			d.Dependencies = d.Dependencies[:2]
		}, nil, map[string][]string{"b": {"component-version", "component-identifier", "component-dependencies"}}, 0},
		{"ntia: no supplier", NTIA, func(d *model.SBOM) { d.Components[0].Supplier = "NOASSERTION"; d.Components[1].Supplier = "" },
			nil, map[string][]string{"a": {"component-supplier"}, "b": {"component-supplier"}}, 81.8}, // 9 of 11
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := complete()
			tt.edit(doc)
			rep, err := Grade(doc, tt.profile)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(rep.Document, nonNil(tt.wantDoc)) {
				t.Errorf("document checks failed %v, want %v", rep.Document, tt.wantDoc)
			}
			got := map[string][]string{}
			for _, m := range rep.Components {
				got[m.Component.Ref] = m.Checks
			}
			if len(got) != len(tt.wantComps) {
				t.Errorf("components failing %v, want %v", got, tt.wantComps)
			}
			for ref, want := range tt.wantComps {
				if !slices.Equal(got[ref], want) {
					t.Errorf("component %s failed %v, want %v", ref, got[ref], want)
				}
			}
			if tt.wantScore != 0 && rep.Score != tt.wantScore {
				t.Errorf("score %.1f, want %.1f", rep.Score, tt.wantScore)
			}
			if rep.Complete() != (len(tt.wantDoc) == 0 && len(tt.wantComps) == 0) {
				t.Errorf("Complete() = %v", rep.Complete())
			}
			for _, r := range rep.Results {
				if r.Passed > r.Total || r.Source == "" || r.Title == "" {
					t.Errorf("result %+v", r)
				}
			}
		})
	}
}

func TestScoreCountsInstances(t *testing.T) {
	doc := complete()
	doc.Components[0].Licenses = nil // 1 failure out of 3 doc + 7*2 component instances
	rep, err := Grade(doc, CRA)
	if err != nil {
		t.Fatal(err)
	}
	if want := 94.1; rep.Score != want { // 16/17
		t.Errorf("score %.1f, want %.1f", rep.Score, want)
	}
}

func TestGradeEmpty(t *testing.T) {
	for _, p := range []Profile{NTIA, CRA} {
		rep, err := Grade(&model.SBOM{}, p)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Score != 0 || len(rep.Document) != 3 || len(rep.Components) != 0 {
			t.Errorf("%s on an empty SBOM: %+v", p, rep)
		}
	}
}

func TestParseProfile(t *testing.T) {
	for in, want := range map[string]Profile{"ntia": NTIA, " CRA ": CRA} {
		if p, err := ParseProfile(in); err != nil || p != want {
			t.Errorf("ParseProfile(%q) = %q, %v", in, p, err)
		}
	}
	if _, err := ParseProfile("bsi"); err == nil || !strings.Contains(err.Error(), "ntia, cra") {
		t.Errorf("ParseProfile(bsi) error %v", err)
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
