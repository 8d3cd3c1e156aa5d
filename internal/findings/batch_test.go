package findings_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/findings"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/sbom"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/store/sqlstore"
	"github.com/rocca-project/rocca/internal/testutil/demokb"
)

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

const flaskAdvisory = `{"schema_version":"1.6.0","id":"ROCCA-TEST-FLASK","modified":"2026-12-01T00:00:00Z",
 "aliases":["CVE-2099-0001"],"summary":"Flask test vulnerability",
 "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
 "affected":[{"package":{"ecosystem":"PyPI","name":"flask"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"3.0.1"}]}]}]}`

const requestsKEV = `{"title":"CISA Catalog of Known Exploited Vulnerabilities","catalogVersion":"2026.12.06","dateReleased":"2026-12-06T00:00:00.000Z","count":1,
 "vulnerabilities":[{"cveID":"CVE-2023-32681","vendorProject":"Python","product":"Requests","vulnerabilityName":"Requests credential leak","dateAdded":"2026-12-06","dueDate":"2026-12-27","knownRansomwareCampaignUse":"Unknown"}]}`

// TestRematchVersionsAsRematch: re-matching versions together gives each
// the findings, events and notifications that re-matching it alone gives:
// new advisory, newly exploited, withdrawn, partial and whole, with
// versions sharing components, differing in one, and listing one twice.
func TestRematchVersionsAsRematch(t *testing.T) {
	engines, demo := demokb.Open(t)
	variants := [][]byte{
		demo,
		[]byte(strings.Replace(string(demo), "pkg:pypi/requests@2.28.1", "pkg:pypi/requests@2.31.0", 1)),
		[]byte(strings.Replace(string(demo), "pkg:pypi/flask@3.0.0", "pkg:pypi/flask@3.0.2", 1)),
		demo,
	}
	for _, e := range engines {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			st := e.Store
			svc := portfolio.New(st, discard(), sbom.Limits{})
			fs := findings.New(st, discard(), nil)
			org := model.Organisation{Name: "acme"}
			if err := st.CreateOrg(ctx, &org); err != nil {
				t.Fatal(err)
			}
			// Two copies of each variant: one re-matched in the group, one alone.
			var group, alone []model.VersionRef
			for copyN, refs := range []*[]model.VersionRef{&group, &alone} {
				p := model.Product{Name: fmt.Sprintf("Product %d", copyN)}
				if err := svc.CreateProduct(ctx, org.ID, &p); err != nil {
					t.Fatal(err)
				}
				for i, doc := range variants {
					v := model.Version{ProductID: p.ID, Name: fmt.Sprintf("%d.0", i), Lifecycle: model.LifecycleOnMarket}
					if err := svc.CreateVersion(ctx, org.ID, &v); err != nil {
						t.Fatal(err)
					}
					if i == 3 { // a duplicate of the first variant's components
						doc = []byte(strings.Replace(string(doc), `"components": [`, `"components": [
    {"type": "library", "bom-ref": "flask-again", "name": "flask", "version": "3.0.0", "purl": "pkg:pypi/flask@3.0.0"},`, 1))
					}
					res, err := svc.Ingest(ctx, org.ID, v.ID, doc, "bom.cdx.json")
					if err != nil {
						t.Fatal(err)
					}
					*refs = append(*refs, model.VersionRef{OrgID: org.ID, ProductID: p.ID, VersionID: v.ID, SBOMID: res.SBOM.ID})
				}
			}
			dir := t.TempDir()
			write := func(name, content string) string {
				p := filepath.Join(dir, name)
				if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
					t.Fatal(err)
				}
				return p
			}
			pypi := []string{store.PackageKey("PyPI", "flask"), store.PackageKey("PyPI", "requests")}
			rounds := []struct {
				name     string
				file     string
				packages []string
				want     string
			}{
				{"new advisory and newly exploited, partial", "", pypi, "new exploited"},
				{"withdrawn, whole", "", nil, "withdrawn"},
			}
			rounds[0].file = write("flask.json", flaskAdvisory)
			demokb.Import(t, st, rounds[0].file, write("kev.json", requestsKEV))
			for r, round := range rounds {
				if r == 1 {
					withdrawn := strings.Replace(flaskAdvisory, `"modified":"2026-12-01T00:00:00Z"`, `"modified":"2026-12-02T00:00:00Z","withdrawn":"2026-12-02T00:00:00Z"`, 1)
					demokb.Import(t, st, write("flask-withdrawn.json", withdrawn))
				}
				before := eventsOf(t, st, org.ID, group, alone)
				// In two calls sharing a cache: the second finds most of its
				// components matched already.
				cache := findings.NewMatchCache()
				b, err := fs.RematchVersions(ctx, org.ID, group[:2], round.packages, cache)
				if err != nil {
					t.Fatal(err)
				}
				b2, err := fs.RematchVersions(ctx, org.ID, group[2:], round.packages, cache)
				if err != nil {
					t.Fatal(err)
				}
				b.Versions, b.New, b.Changed, b.Resolved, b.Open = b.Versions+b2.Versions, b.New+b2.New, b.Changed+b2.Changed, b.Resolved+b2.Resolved, b.Open+b2.Open
				b.Moved = append(b.Moved, b2.Moved...)
				var sum findings.Outcome
				for _, v := range alone {
					out, err := fs.Rematch(ctx, org.ID, v.VersionID, round.packages)
					if err != nil {
						t.Fatal(err)
					}
					sum.New, sum.Changed, sum.Resolved, sum.Open = sum.New+out.New, sum.Changed+out.Changed, sum.Resolved+out.Resolved, sum.Open+out.Open
				}
				if b.Versions != len(group) || len(b.Moved) != 0 || b.New != sum.New || b.Changed != sum.Changed || b.Resolved != sum.Resolved || b.Open != sum.Open {
					t.Fatalf("%s: together %+v, alone %+v", round.name, b, sum)
				}
				if b.New+b.Changed+b.Resolved == 0 {
					t.Fatalf("%s: nothing happened", round.name)
				}
				after := eventsOf(t, st, org.ID, group, alone)
				for i := range group {
					g, a := after[group[i].VersionID][len(before[group[i].VersionID]):], after[alone[i].VersionID][len(before[alone[i].VersionID]):]
					if !slices.Equal(g, a) {
						t.Errorf("%s, variant %d: events together\n%v\nalone\n%v", round.name, i, g, a)
					}
					for _, w := range strings.Fields(round.want) {
						if i == 0 && !slices.ContainsFunc(g, func(e string) bool { return strings.HasPrefix(e, w+" ") }) {
							t.Errorf("%s, variant %d: no %s event in %v", round.name, i, w, g)
						}
					}
					if fg, fa := findingsOf(t, st, org.ID, group[i].VersionID), findingsOf(t, st, org.ID, alone[i].VersionID); !slices.Equal(fg, fa) {
						t.Errorf("%s, variant %d: findings together\n%v\nalone\n%v", round.name, i, fg, fa)
					}
				}
			}

			// A version whose current SBOM changed after it was read is left
			// out, with nothing written for it.
			stale := group[1]
			stale.SBOMID = group[0].SBOMID
			before := eventsOf(t, st, org.ID, []model.VersionRef{stale}, nil)
			b, err := fs.RematchVersions(ctx, org.ID, []model.VersionRef{group[0], stale}, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if b.Versions != 1 || len(b.Moved) != 1 || b.Moved[0] != stale {
				t.Fatalf("stale version: %+v", b)
			}
			if after := eventsOf(t, st, org.ID, []model.VersionRef{stale}, nil); len(after[stale.VersionID]) != len(before[stale.VersionID]) {
				t.Fatalf("events written for a moved version")
			}
		})
	}
}

// eventsOf lists each version's events as "kind component vuln detail".
func eventsOf(t *testing.T, st *sqlstore.Store, org string, sets ...[]model.VersionRef) map[string][]string {
	t.Helper()
	ctx := context.Background()
	out := map[string][]string{}
	for _, vs := range sets {
		for _, v := range vs {
			byID := map[string]model.TrackedFinding{}
			page, err := st.Findings(ctx, org, store.FindingQuery{VersionID: v.VersionID, Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range page.Findings {
				byID[f.ID] = f
			}
			evs, err := st.FindingEvents(ctx, org, v.VersionID, 0, 1000)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range evs {
				f := byID[e.FindingID]
				out[v.VersionID] = append(out[v.VersionID], fmt.Sprintf("%s %s %s %s", e.Kind, f.ComponentKey, f.VulnID, e.Detail))
			}
		}
	}
	return out
}

// findingsOf describes a version's findings without their ids and times.
func findingsOf(t *testing.T, st *sqlstore.Store, org, versionID string) []string {
	t.Helper()
	page, err := st.Findings(context.Background(), org, store.FindingQuery{VersionID: versionID, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range page.Findings {
		out = append(out, fmt.Sprintf("%s %s %s %v kev=%v %s %.1f fixed=%v adv=%v ids=%v component=%v %s", f.ComponentKey, f.VulnID, f.State,
			f.ResolvedAt.IsZero(), f.KEV, f.Severity.Rating, f.Severity.Score, f.FixedVersions, f.Advisories, f.VulnIDs, f.ComponentID != "", f.Package))
	}
	slices.Sort(out)
	return out
}
