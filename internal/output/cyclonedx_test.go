package output

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/rocca-project/rocca/internal/model"
)

func decodeVDR(t *testing.T, res *model.ScanResult) *cdx.BOM {
	t.Helper()
	var bom cdx.BOM
	if err := cdx.NewBOMDecoder(bytes.NewReader(render(t, FormatCycloneDX, res)), cdx.BOMFileFormatJSON).Decode(&bom); err != nil {
		t.Fatal(err)
	}
	return &bom
}

func TestCycloneDXContent(t *testing.T) {
	res := fixture()
	bom := decodeVDR(t, res)
	if bom.SpecVersion != cdx.SpecVersion1_6 || bom.Metadata == nil || bom.Metadata.Component == nil ||
		bom.Metadata.Component.BOMRef != "hmi-gateway" || !strings.HasPrefix(bom.SerialNumber, "urn:uuid:") {
		t.Fatalf("header: spec %v, metadata %+v, serial %q", bom.SpecVersion, bom.Metadata, bom.SerialNumber)
	}
	if tools := *bom.Metadata.Tools.Components; len(tools) != 1 || tools[0].Name != "rocca" || tools[0].Version != "1.2.3" {
		t.Errorf("tools = %+v", tools)
	}

	// Components keep the SBOM's bom-refs; the one without gets its purl.
	refs := map[string]bool{}
	for _, c := range *bom.Components {
		refs[c.BOMRef] = true
	}
	for _, f := range res.Findings {
		want := f.Component.Ref
		if want == "" {
			want = f.Component.PURL
		}
		if !refs[want] {
			t.Errorf("component %s: bom-ref %q not in the report (%v)", f.Component.Key(), want, refs)
		}
	}
	if len(*bom.Components) != 6 {
		t.Errorf("%d components, want the 6 with findings", len(*bom.Components))
	}

	byID := map[string][]cdx.Vulnerability{}
	for _, v := range *bom.Vulnerabilities {
		byID[v.ID] = append(byID[v.ID], v)
		for _, a := range *v.Affects {
			if !refs[a.Ref] {
				t.Errorf("%s affects unknown ref %q", v.ID, a.Ref)
			}
		}
	}
	// Every alias is referenced, each with its source.
	for _, f := range res.Findings {
		v := byID[f.Vulnerability.ID][0]
		var got []string
		if v.References != nil {
			for _, r := range *v.References {
				got = append(got, r.ID)
				if r.Source == nil || r.Source.URL == "" || !strings.Contains(r.Source.URL, r.ID) {
					t.Errorf("%s: reference %+v", v.ID, r)
				}
			}
		}
		if want := aliases(f.Vulnerability); !slices.Equal(got, want) {
			t.Errorf("%s: references %v, want %v", v.ID, got, want)
		}
	}
	if s := byID["CVE-2022-27664"][0].References; s == nil || (*s)[0].Source.Name != "GitHub" || (*s)[1].Source.Name != "OSV" ||
		(*s)[1].Source.URL != "https://osv.dev/vulnerability/GO-2022-0969" {
		t.Errorf("CVE-2022-27664 references %+v", s)
	}

	// The KEV vulnerability is split by status: exploitable in one
	// component, resolved (fixed per VEX) in the other.
	log4shell := byID["CVE-2021-44228"]
	if len(log4shell) != 2 || log4shell[0].Analysis.State != cdx.IASExploitable || log4shell[1].Analysis.State != cdx.IASResolved ||
		(*log4shell[0].Affects)[0].Ref != "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar" ||
		(*log4shell[1].Affects)[0].Ref != "b6f3c0de-legacy-log4j" {
		t.Errorf("CVE-2021-44228 entries: %+v", log4shell)
	}
	props := map[string]string{}
	for _, p := range *log4shell[0].Properties {
		props[p.Name] = p.Value
	}
	if props["rocca:kev:dateAdded"] != "2021-12-10" || props["rocca:kev:knownRansomwareCampaignUse"] != "true" || props["rocca:epss:score"] != "0.94358" {
		t.Errorf("KEV/EPSS properties %v", props)
	}
	if r := (*log4shell[0].Ratings)[0]; r.Score == nil || *r.Score != 10 || r.Method != cdx.ScoringMethodCVSSv31 || r.Severity != cdx.SeverityCritical {
		t.Errorf("rating %+v", r)
	}
	if rec := log4shell[0].Recommendation; !strings.Contains(rec, "2.15.0") {
		t.Errorf("recommendation %q", rec)
	}

	na := byID["CVE-2021-45046"][0]
	if na.Analysis.State != cdx.IASNotAffected || na.Analysis.Justification != cdx.IAJCodeNotReachable ||
		!strings.Contains(na.Analysis.Detail, "triage.openvex.json") || na.Recommendation != "" {
		t.Errorf("not_affected entry: %+v", na.Analysis)
	}
	if a := byID["PYSEC-2099-1"][0]; a.Analysis.State != cdx.IASInTriage || (*a.Ratings)[0].Severity != cdx.SeverityUnknown {
		t.Errorf("under_investigation entry: %+v", a)
	}
	if a := byID["GO-2099-0001"][0]; !strings.Contains(a.Recommendation, "No fixed version") || (*a.Ratings)[0].Method != cdx.ScoringMethodCVSSv4 {
		t.Errorf("no-fix entry: %+v", a)
	}
	if a := byID["CVE-2022-0778"][0]; (*a.Ratings)[0].Score != nil || (*a.Ratings)[0].Method != cdx.ScoringMethodOther {
		t.Errorf("rating without score: %+v", (*a.Ratings)[0])
	}
}

func TestCycloneDXJustifications(t *testing.T) {
	for in, want := range map[string]cdx.ImpactAnalysisJustification{
		"component_not_present":                             cdx.IAJCodeNotPresent,
		"vulnerable_code_not_present":                       cdx.IAJCodeNotPresent,
		"vulnerable_code_not_in_execute_path":               cdx.IAJCodeNotReachable,
		"inline_mitigations_already_exist":                  cdx.IAJProtectedByMitigatingControl,
		"vulnerable_code_cannot_be_controlled_by_adversary": "",
		"requires_environment":                              cdx.IAJRequiresEnvironment,
		"protected_at_perimeter":                            cdx.IAJProtectedAtPerimeter,
		"free text":                                         "",
	} {
		if got := cdxJustification(in); got != want {
			t.Errorf("cdxJustification(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCycloneDXGeneratedRefsAreUnique(t *testing.T) {
	res := fixture()
	// A component without bom-ref whose purl is another component's bom-ref.
	f := res.Findings[0]
	f.Component = model.Component{Name: "lodash", Version: "4.17.20", PURL: "npm-lodash"}
	res.Findings = append(res.Findings, f)
	bom := decodeVDR(t, res)
	seen := map[string]bool{}
	for _, c := range *bom.Components {
		if seen[c.BOMRef] {
			t.Errorf("bom-ref %q used twice", c.BOMRef)
		}
		seen[c.BOMRef] = true
	}
	if !seen["npm-lodash#2"] {
		t.Errorf("refs %v", seen)
	}
}

// TestCycloneDXValidatesAgainstSchema checks the reports against the
// CycloneDX 1.6 JSON schema shipped in the cyclonedx-go module.
func TestCycloneDXValidatesAgainstSchema(t *testing.T) {
	schema := cycloneDXSchema(t)
	for name, res := range map[string]*model.ScanResult{"fixture": fixture(), "empty": {}, "generated": generatedFixture(1)} {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(render(t, FormatCycloneDX, res)))
		if err != nil {
			t.Fatal(err)
		}
		if err := schema.Validate(doc); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	// The check can fail: a report with an invalid analysis state.
	var bad map[string]any
	if err := json.Unmarshal(render(t, FormatCycloneDX, fixture()), &bad); err != nil {
		t.Fatal(err)
	}
	bad["vulnerabilities"].([]any)[0].(map[string]any)["analysis"].(map[string]any)["state"] = "maybe"
	if err := schema.Validate(bad); err == nil {
		t.Error("the schema accepted an invalid analysis state")
	}
}

func cycloneDXSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found; cannot locate the cyclonedx-go module's schemas")
	}
	out, err := exec.Command(goTool, "list", "-m", "-f", "{{.Dir}}", "github.com/CycloneDX/cyclonedx-go").Output()
	dir := strings.TrimSpace(string(out))
	if err != nil || dir == "" {
		t.Skipf("cannot locate the cyclonedx-go module (%v)", err)
	}
	c := jsonschema.NewCompiler()
	// The bom schema refers to its neighbours by these names.
	for file, url := range map[string]string{
		"bom-1.6.schema.json":   "http://cyclonedx.org/schema/bom-1.6.schema.json",
		"spdx.schema.json":      "http://cyclonedx.org/schema/spdx.schema.json",
		"jsf-0.82.schemax.json": "http://cyclonedx.org/schema/jsf-0.82.schema.json",
	} {
		f, err := os.Open(filepath.Join(dir, "schema", file))
		if err != nil {
			t.Skipf("CycloneDX schema not available: %v", err)
		}
		doc, err := jsonschema.UnmarshalJSON(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if err := c.AddResource(url, doc); err != nil {
			t.Fatal(err)
		}
	}
	s, err := c.Compile("http://cyclonedx.org/schema/bom-1.6.schema.json")
	if err != nil {
		t.Fatalf("compiling the CycloneDX 1.6 schema: %v", err)
	}
	return s
}
