package sbom

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/model"
)

// fullWant is what testdata/full-1.6.cdx.{json,xml} hold: every field of
// the model, the 1.5+ tools object, 1.6 authors and manufacturers, purls
// derived from a bom-ref and from a SWID tag, and a graph that merges a
// repeated entry, drops a repeated ref and a nesting edge already declared.
var fullWant = &model.SBOM{
	Format:      "CycloneDX",
	SpecVersion: "1.6",
	Serial:      "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
	Created:     time.Date(2026, 1, 15, 9, 30, 0, 0, time.UTC),
	Tools:       []string{"acme sbom-builder 2.1.0", "acme-sbom-service 1"},
	Authors:     []string{"Maria Rossi <maria.rossi@example.com>", "psirt@example.com"},
	// metadata.supplier and metadata.manufacturer describe the subject.
	Subject: &model.Component{Ref: "hmi", Name: "hmi-panel", Version: "7.0", Type: "device",
		Supplier: "Example Industrial S.p.A.", Author: "Example Industrial Manufacturing"},
	Components: []model.Component{
		{Ref: "libpng", Name: "libpng", Version: "1.6.40", PURL: "pkg:generic/libpng@1.6.40", Type: "library",
			Supplier: "PNG Development Group", Author: "Glenn Randers-Pehrson, Cosmin Truta", Scope: "required",
			Hashes: []model.Hash{
				{Alg: "SHA-256", Value: "8f720b363aa08683c9bf2a563236f45313af2c55d542b5481ae17dd8d183bb42"},
				{Alg: "SHA-1", Value: "adc7ee4b2bf5e40d6e4e5a4c2bbf0a16a5b1f3e2"},
			},
			Licenses: []string{"Libpng"}},
		{Ref: "pkg:npm/%40acme/ui-kit@3.2.1", Name: "ui-kit", Version: "3.2.1", Group: "@acme", Type: "library",
			PURL: "pkg:npm/%40acme/ui-kit@3.2.1", PURLDerivedFrom: "CycloneDX bom-ref",
			Author: "Acme UI Team", Scope: "optional", Licenses: []string{"MIT OR Apache-2.0"}},
		{Ref: "plc-runtime", Name: "plc-runtime", Version: "3.4.1", Type: "firmware",
			PURL: "pkg:swid/plc-runtime@3.4.1?tag_id=abcdef01-2345-6789-abcd-ef0123456789", PURLDerivedFrom: "CycloneDX swid",
			Author: "Example Automation GmbH", Licenses: []string{"Example Proprietary Licence"}},
		{Ref: "plc-scheduler", Name: "scheduler", Version: "1.2", Type: "library", Scope: "excluded"},
		// A CPE alone gives no purl; publisher is not the author.
		{Ref: "zlib", Name: "zlib", Version: "1.3", CPE: "cpe:2.3:a:zlib:zlib:1.3:*:*:*:*:*:*:*", Type: "library"},
		{Ref: "hmi-os", Name: "panel-linux", Version: "5.10", Type: "operating-system"},
	},
	Dependencies: []model.Dependency{
		{Ref: "hmi", DependsOn: []string{"libpng", "plc-runtime", "hmi-os"}},
		{Ref: "libpng", DependsOn: []string{"zlib", "pkg:npm/%40acme/ui-kit@3.2.1"}},
		{Ref: "plc-runtime", DependsOn: []string{"plc-scheduler"}},
		{Ref: "zlib"},
		{Ref: "pkg:npm/%40acme/ui-kit@3.2.1"},
	},
}

// legacyWant is what testdata/legacy-1.4.cdx.{json,xml} hold: the tools
// array of 1.2–1.4, the author string, metadata.manufacture (used only
// because the subject names no author of its own, while its own supplier
// wins over metadata.supplier), a timestamp without a zone, repeated
// licences, and a bom-ref purl that names another version (so the SWID
// tag gives the purl).
var legacyWant = &model.SBOM{
	Format:      "CycloneDX",
	SpecVersion: "1.4",
	Serial:      "urn:uuid:0b7a4c4e-8d1a-4f0e-9d55-7f6f2b0c1a22",
	Created:     time.Date(2021, 5, 4, 12, 0, 0, 0, time.UTC),
	Tools:       []string{"Acme sbom-maker 0.9", "post-processor"},
	Authors:     []string{"Build Robot"},
	Subject: &model.Component{Ref: "gateway", Name: "edge-gateway", Version: "2.0.0", Type: "application",
		Supplier: "Gateway Vendor Ltd", Author: "Gateway Factory Srl"},
	Components: []model.Component{
		{Ref: "pkg:pypi/requests@2.31.0", Name: "requests", Version: "2.31.0", Type: "library",
			PURL: "pkg:pypi/requests@2.31.0", PURLDerivedFrom: "CycloneDX bom-ref", Author: "Kenneth Reitz",
			Hashes: []model.Hash{{Alg: "MD5", Value: "f1c3d2e5a7b9c0d1e2f3a4b5c6d7e8f9"}}, Licenses: []string{"Apache-2.0", "Apache License"}},
		{Ref: "pkg:pypi/urllib3@2.0.0", Name: "urllib3", Version: "1.26.18", Type: "library",
			PURL: "pkg:swid/urllib3@1.26.18?tag_id=urllib3-1.26.18", PURLDerivedFrom: "CycloneDX swid"},
	},
	Dependencies: []model.Dependency{
		{Ref: "gateway", DependsOn: []string{"pkg:pypi/requests@2.31.0"}},
		{Ref: "pkg:pypi/requests@2.31.0", DependsOn: []string{"pkg:pypi/urllib3@2.0.0"}},
	},
}

func TestReadAllFields(t *testing.T) {
	for _, tc := range []struct {
		file string
		want *model.SBOM
	}{
		{"full-1.6.cdx.json", fullWant},
		{"full-1.6.cdx.xml", fullWant},
		{"legacy-1.4.cdx.json", legacyWant},
		{"legacy-1.4.cdx.xml", legacyWant},
	} {
		t.Run(tc.file, func(t *testing.T) {
			got, err := Read(bytes.NewReader(readFile(t, tc.file)), tc.file, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			want := *tc.want
			want.Encoding = tc.file[strings.LastIndexByte(tc.file, '.')+1:]
			if diff := sbomDiff(got, &want); diff != "" {
				t.Error(diff)
			}
		})
	}
}

// TestReadLenientJSON checks that values of the wrong type in fields that
// do not identify a component are dropped with a warning naming their
// place, while the same fault in an identifying field still rejects the
// document, even after a lenient one.
func TestReadLenientJSON(t *testing.T) {
	const head = `{"bomFormat":"CycloneDX","specVersion":"1.6",`
	for _, tc := range []struct {
		name, doc string
		warnings  []string // substrings, one per warning expected
		err       string   // substring of the error, when rejected
		check     func(*model.SBOM) bool
	}{
		{name: "hashes an object", doc: head + `"components":[{"name":"a","hashes":{"alg":"MD5"},"licenses":[{"license":{"id":"MIT"}}]}]}`,
			warnings: []string{"1:81: components.hashes: expected an array, found an object; ignored"},
			check:    func(s *model.SBOM) bool { return s.Components[0].Licenses[0] == "MIT" && s.Components[0].Hashes == nil }},
		{name: "licence a string", doc: head + `"components":[{"name":"a","licenses":["MIT"]}]}`,
			warnings: []string{"components.licenses: expected an object, found a string; ignored"}},
		{name: "tools a string", doc: head + `"metadata":{"tools":"syft"},"components":[{"name":"a"}]}`,
			warnings: []string{`metadata.tools: expected an array or an object, found "\"syft\""; ignored`}},
		{name: "tool name a number", doc: head + `"metadata":{"tools":[{"name":"ok"},{"name":7}]},"components":[{"name":"a"}]}`,
			warnings: []string{"metadata.tools: name: expected a string, found a number; ignored"},
			check:    func(s *model.SBOM) bool { return len(s.Tools) == 1 && s.Tools[0] == "ok" }},
		{name: "bad timestamp", doc: head + `"metadata":{"timestamp":"yesterday"},"components":[{"name":"a"}]}`,
			warnings: []string{`metadata.timestamp "yesterday" is not a date-time; ignored`}},
		{name: "dependency without ref", doc: head + `"components":[{"name":"a","bom-ref":"a"}],"dependencies":[{"dependsOn":["a"]},{"ref":"a","dependsOn":["","a"]}]}`,
			warnings: []string{"1 dependencies entries without a ref ignored"},
			check: func(s *model.SBOM) bool {
				return len(s.Dependencies) == 1 && len(s.Dependencies[0].DependsOn) == 1
			}},
		{name: "identifying field after a lenient one", doc: head + `"components":[{"name":"a","scope":1},{"name":"b","version":2}]}`,
			err: "components.version: expected a string, found a number"},
		{name: "identifying field first", doc: head + `"components":[{"name":3,"scope":1}]}`,
			err: "components.name: expected a string, found a number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Read(strings.NewReader(tc.doc), "x", Limits{})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("got %v, want an error with %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Warnings) != len(tc.warnings) {
				t.Fatalf("warnings %q, want %d", s.Warnings, len(tc.warnings))
			}
			for i, w := range tc.warnings {
				if !strings.Contains(s.Warnings[i], w) {
					t.Errorf("warning %q lacks %q", s.Warnings[i], w)
				}
			}
			if tc.check != nil && !tc.check(s) {
				t.Errorf("read %+v", s)
			}
		})
	}
}

func TestDerivePURL(t *testing.T) {
	for _, tc := range []struct {
		name       string
		c          model.Component
		swid       *cdxSWID
		purl, from string
	}{
		{name: "own purl kept", c: model.Component{Ref: "pkg:npm/a@1", Name: "a", Version: "1", PURL: "pkg:npm/b@1"}, purl: "pkg:npm/b@1"},
		{name: "bom-ref", c: model.Component{Ref: "pkg:npm/a@1", Name: "a", Version: "1"}, purl: "pkg:npm/a@1", from: derivedFromBOMRef},
		{name: "bom-ref with namespace in the name", c: model.Component{Ref: "pkg:golang/golang.org/x/net@v0.15.0", Name: "golang.org/x/net", Version: "v0.15.0"}, purl: "pkg:golang/golang.org/x/net@v0.15.0", from: derivedFromBOMRef},
		{name: "bom-ref with the group", c: model.Component{Ref: "pkg:maven/org.example/lib@2", Group: "org.example", Name: "lib", Version: "2"}, purl: "pkg:maven/org.example/lib@2", from: derivedFromBOMRef},
		{name: "bom-ref of another group", c: model.Component{Ref: "pkg:maven/org.other/lib@2", Group: "org.example", Name: "lib", Version: "2"}},
		{name: "bom-ref of another version", c: model.Component{Ref: "pkg:npm/a@2", Name: "a", Version: "1"}},
		{name: "bom-ref of another name", c: model.Component{Ref: "pkg:npm/b@1", Name: "a", Version: "1"}},
		{name: "bom-ref not a valid purl", c: model.Component{Ref: "pkg:/a@1", Name: "a", Version: "1"}},
		{name: "swid", c: model.Component{Name: "x"}, swid: &cdxSWID{TagID: "t-1", Name: "Product X", Version: "1.0"}, purl: "pkg:swid/Product%20X@1.0?tag_id=t-1", from: derivedFromSWID},
		{name: "swid GUID lowercased", c: model.Component{Name: "x"}, swid: &cdxSWID{TagID: "ABCDEF01-2345-6789-ABCD-EF0123456789", Name: "x"}, purl: "pkg:swid/x?tag_id=abcdef01-2345-6789-abcd-ef0123456789", from: derivedFromSWID},
		{name: "swid without tagId", c: model.Component{Name: "x"}, swid: &cdxSWID{Name: "x", Version: "1"}},
		{name: "swid without name", c: model.Component{Name: "x"}, swid: &cdxSWID{TagID: "t"}},
		{name: "cpe alone", c: model.Component{Name: "openssl", Version: "3.0.1", CPE: "cpe:2.3:a:openssl:openssl:3.0.1:*:*:*:*:*:*:*"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.c
			cdxDerivePURL(&c, tc.swid)
			if c.PURL != tc.purl || c.PURLDerivedFrom != tc.from {
				t.Errorf("got %q from %q, want %q from %q", c.PURL, c.PURLDerivedFrom, tc.purl, tc.from)
			}
		})
	}
}

// TestNestingEdges checks the graph a nesting yields: edges from parent to
// child (components without a bom-ref have none), merged with what the
// document declares.
func TestNestingEdges(t *testing.T) {
	doc := `{"bomFormat":"CycloneDX","specVersion":"1.6",
	"metadata":{"component":{"bom-ref":"p","name":"p","components":[{"bom-ref":"a","name":"a"}]}},
	"components":[
		{"bom-ref":"a","name":"a","components":[{"bom-ref":"b","name":"b"},{"name":"no-ref","components":[{"bom-ref":"c","name":"c"}]}]},
		{"name":"anonymous","components":[{"bom-ref":"d","name":"d"}]}],
	"dependencies":[{"ref":"a","dependsOn":["b","x"]}]}`
	s, err := Read(strings.NewReader(doc), "x", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := []model.Dependency{{Ref: "a", DependsOn: []string{"b", "x"}}, {Ref: "p", DependsOn: []string{"a"}}}
	if diff := sbomDiff(&model.SBOM{Dependencies: s.Dependencies}, &model.SBOM{Dependencies: want}); diff != "" {
		t.Error(diff)
	}
	if g := s.Graph(); !g.Direct("a") || !g.Transitive("b") || g.Depth("c") != -1 {
		t.Errorf("graph roots %q: a direct %v, b transitive %v, c depth %d", g.Roots(), g.Direct("a"), g.Transitive("b"), g.Depth("c"))
	}
}

func TestReadDependencyLimitError(t *testing.T) {
	_, err := Read(bytes.NewReader(readFile(t, "full-1.6.cdx.json")), "f", Limits{MaxDependencies: 5})
	if e, ok := errors.AsType[*Error](err); !ok || !errors.Is(err, ErrTooManyDependencies) || e.Field != "dependencies" {
		t.Errorf("got %v", err)
	}
}
