package convert_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/sbom"
	"github.com/rocca-project/rocca/internal/sbom/convert"
)

func sample() *model.SBOM {
	return &model.SBOM{
		Format: "SPDX", SpecVersion: "SPDX-2.3", Encoding: "tag-value",
		Serial:  "https://example.com/spdx/hmi-4.2",
		Created: time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC),
		Tools:   []string{"syft 1.18.0", "in-house exporter"},
		Authors: []string{"Example Macchine S.r.l."},
		Subject: &model.Component{Ref: "SPDXRef-hmi", Name: "hmi", Version: "4.2", Type: "application"},
		Components: []model.Component{
			{Ref: "SPDXRef-a", Name: "lodash", Version: "4.17.20", PURL: "pkg:npm/lodash@4.17.20", Type: "library",
				Supplier: "OpenJS", Author: "John-David Dalton", Scope: "required",
				Hashes:   []model.Hash{{Alg: "SHA256", Value: strings.Repeat("ab", 32)}, {Alg: "SHA1", Value: "not-hex"}, {Alg: "CRC32", Value: "abcd"}},
				Licenses: []string{"MIT"}},
			{Ref: "SPDXRef-b", Name: "openssl", Version: "3.0.1", CPE: "cpe:2.3:a:openssl:openssl:3.0.1:*:*:*:*:*:*:*",
				Type: "OPERATING-SYSTEM", Licenses: []string{"Apache-2.0 OR MIT", "BSD-3-Clause"}},
			{Ref: "SPDXRef-a", Name: "dup", Version: "1", PURL: "pkg:maven/g/dup@1", PURLDerivedFrom: "SPDX externalRef maven-central",
				Licenses: []string{"Some custom licence"}},
			{Name: "anonymous"},
		},
		Dependencies: []model.Dependency{
			{Ref: "SPDXRef-hmi", DependsOn: []string{"SPDXRef-a", "SPDXRef-b", "SPDXRef-missing"}},
			{Ref: "SPDXRef-missing", DependsOn: []string{"SPDXRef-a"}},
		},
	}
}

// decoded is the part of the output the test looks at.
type decoded struct {
	BOMFormat    string `json:"bomFormat"`
	SpecVersion  string `json:"specVersion"`
	SerialNumber string `json:"serialNumber"`
	Metadata     struct {
		Timestamp string `json:"timestamp"`
		Tools     struct {
			Components []struct{ Name, Version string } `json:"components"`
		} `json:"tools"`
		Component struct {
			BOMRef string `json:"bom-ref"`
			Name   string `json:"name"`
		} `json:"component"`
	} `json:"metadata"`
	Components []struct {
		BOMRef   string `json:"bom-ref"`
		Type     string `json:"type"`
		Name     string `json:"name"`
		Hashes   []struct{ Alg, Content string }
		Licenses []map[string]any `json:"licenses"`
	} `json:"components"`
	Dependencies []struct {
		Ref       string   `json:"ref"`
		DependsOn []string `json:"dependsOn"`
	} `json:"dependencies"`
}

func TestWriteCycloneDXJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := convert.WriteCycloneDXJSON(&buf, sample(), convert.Options{ToolVersion: "0.1.0"}); err != nil {
		t.Fatal(err)
	}
	var d decoded
	if err := json.Unmarshal(buf.Bytes(), &d); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, buf.String())
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"bomFormat", d.BOMFormat, "CycloneDX"},
		{"specVersion", d.SpecVersion, "1.6"},
		{"serial is a urn:uuid", strings.HasPrefix(d.SerialNumber, "urn:uuid:") && len(d.SerialNumber) == 45, true},
		{"timestamp", d.Metadata.Timestamp, "2026-11-02T10:00:00Z"},
		{"tools", len(d.Metadata.Tools.Components), 3},
		{"tool split", d.Metadata.Tools.Components[0].Name + "|" + d.Metadata.Tools.Components[0].Version, "syft|1.18.0"},
		{"tool without version", d.Metadata.Tools.Components[1].Name, "in-house exporter"},
		{"subject ref", d.Metadata.Component.BOMRef, "SPDXRef-hmi"},
		{"components", len(d.Components), 4},
		{"first ref kept", d.Components[0].BOMRef, "SPDXRef-a"},
		{"duplicate ref renamed", d.Components[2].BOMRef, "SPDXRef-a#2"},
		{"ref made for anonymous", d.Components[3].BOMRef, "anonymous"},
		{"only valid hashes", len(d.Components[0].Hashes), 1},
		{"hash alg mapped", d.Components[0].Hashes[0].Alg, "SHA-256"},
		{"type mapped", d.Components[1].Type, "operating-system"},
		{"expressions joined", d.Components[1].Licenses[0]["expression"], "(BSD-3-Clause) AND (Apache-2.0 OR MIT)"},
		{"dependency sources", len(d.Dependencies), 1},
		{"unknown edge dropped", strings.Join(d.Dependencies[0].DependsOn, ","), "SPDXRef-a,SPDXRef-b"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
	// The same input converts to the same bytes.
	var again bytes.Buffer
	if err := convert.WriteCycloneDXJSON(&again, sample(), convert.Options{ToolVersion: "0.1.0"}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("converting the same SBOM twice gave different documents")
	}
}

// TestRoundTrip reads the converted document back with rocca's reader:
// every identifying field survives.
func TestRoundTrip(t *testing.T) {
	in := sample()
	var buf bytes.Buffer
	if err := convert.WriteCycloneDXJSON(&buf, in, convert.Options{ToolVersion: "test"}); err != nil {
		t.Fatal(err)
	}
	out, err := sbom.Read(&buf, "converted.cdx.json", sbom.Limits{})
	if err != nil {
		t.Fatalf("reading the converted document: %v", err)
	}
	if len(out.Components) != len(in.Components) {
		t.Fatalf("%d components back, want %d", len(out.Components), len(in.Components))
	}
	for i, c := range out.Components {
		w := in.Components[i]
		if c.Name != w.Name || c.Version != w.Version || c.PURL != w.PURL || c.CPE != w.CPE {
			t.Errorf("component %d: got %+v, want %+v", i, c, w)
		}
	}
	if out.Subject == nil || out.Subject.Name != "hmi" {
		t.Errorf("subject: got %+v", out.Subject)
	}
}
