package output

import (
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/model"
)

// largeResult is a scan result of the size of the benchmark SBOM's
// (bench/gensbom -n 10000): 10,000 components, about 4,000 of them with
// findings, 25,000 findings of 8,000 vulnerabilities, with summaries,
// aliases, references, fixed versions, some KEV and EPSS data and a few
// VEX statuses.
func largeResult() *model.ScanResult {
	r := rand.New(rand.NewPCG(12, 34))
	vulns := make([]model.Vulnerability, 8000)
	for i := range vulns {
		id := fmt.Sprintf("GHSA-%04x-%04x-%04x", i, r.IntN(1<<16), r.IntN(1<<16))
		v := model.Vulnerability{
			ID: id, IDs: []string{id, fmt.Sprintf("CVE-2024-%05d", i)},
			Summary: fmt.Sprintf("Denial of service in the parser of package %d when reading crafted input", i),
			Severity: model.Severity{Rating: []model.Rating{model.RatingCritical, model.RatingHigh, model.RatingMedium, model.RatingLow}[r.IntN(4)],
				Score: float64(r.IntN(100)) / 10, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", Source: "CVSS_V3 vector in " + id},
			References: []string{"https://github.com/advisories/" + id, fmt.Sprintf("https://example.com/issues/%d", i)},
		}
		if i%20 == 0 {
			v.KEV = &model.KEV{CVE: v.IDs[1], DateAdded: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), Ransomware: i%40 == 0}
		}
		if i%3 == 0 {
			v.EPSS = &model.EPSS{CVE: v.IDs[1], Score: r.Float64(), Percentile: r.Float64()}
		}
		vulns[i] = v
	}
	res := &model.ScanResult{
		Source: "bench.cdx.json", Format: "CycloneDX", SpecVersion: "1.6", Components: 10000,
		Database:  model.DatabaseInfo{Advisories: 100000, KEVEntries: 1400, EPSSScores: 290000},
		Generated: time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC), Tool: "bench",
	}
	for c := range 4000 {
		name := fmt.Sprintf("package-%d", c)
		comp := model.Component{Ref: fmt.Sprintf("pkg:npm/%s@1.%d.0", name, c%7), Name: name,
			Version: fmt.Sprintf("1.%d.0", c%7), PURL: fmt.Sprintf("pkg:npm/%s@1.%d.0", name, c%7), Type: "library"}
		for range 4 + r.IntN(4) {
			if len(res.Findings) == 25000 {
				break
			}
			v := vulns[r.IntN(len(vulns))]
			f := model.Finding{Component: comp, Ecosystem: "npm", Package: name, Vulnerability: v,
				Advisories: []string{v.ID}, FixedVersions: []string{fmt.Sprintf("1.%d.1", c%7)}, Status: model.StatusAffected}
			if r.IntN(50) == 0 {
				f.Status, f.Justification, f.StatusSource = model.StatusNotAffected, "component_not_present", "triage.openvex.json"
			}
			res.Findings = append(res.Findings, f)
		}
	}
	for i := range 300 {
		res.Unmatched = append(res.Unmatched, model.Unmatched{
			Component: model.Component{Name: fmt.Sprintf("blob-%d", i), Version: "1"}, Reason: "no purl"})
	}
	return res
}

// BenchmarkWrite renders the large result in every format, to compare
// each with the JSON report (go test -bench Write -benchmem).
func BenchmarkWrite(b *testing.B) {
	res := largeResult()
	for _, name := range Formats() {
		b.Run(name, func(b *testing.B) {
			var n countingWriter
			if err := Write(&n, Format(name), res); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for b.Loop() {
				if err := Write(io.Discard, Format(name), res); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

type countingWriter int

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}
