package match_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/kb"
	"github.com/rocca-project/rocca/internal/match"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store/sqlstore"
)

// records is a small knowledge base exercising the OSV semantics the
// matcher relies on.
var records = map[string]string{
	"GO-1.json": `{"id":"GO-1","modified":"2024-01-01T00:00:00Z","aliases":["CVE-2024-1000"],
		"affected":[{"package":{"ecosystem":"Go","name":"stdlib"},"ranges":[{"type":"SEMVER","events":[
			{"introduced":"0"},{"fixed":"1.18.6"},{"introduced":"1.19.0-0"},{"fixed":"1.19.1"}]}]}]}`,
	"GHSA-1.json": `{"id":"GHSA-1","modified":"2024-01-01T00:00:00Z","aliases":["CVE-2024-1000"],
		"database_specific":{"severity":"HIGH"},
		"affected":[{"package":{"ecosystem":"Go","name":"stdlib"},"ranges":[{"type":"SEMVER","events":[
			{"introduced":"0"},{"fixed":"1.18.6"}]}]}]}`,
	"PYSEC-1.json": `{"id":"PYSEC-1","modified":"2024-01-01T00:00:00Z",
		"affected":[{"package":{"ecosystem":"PyPI","name":"Foo.Bar"},
		"ranges":[{"type":"GIT","repo":"https://example.com/r","events":[{"introduced":"abc"},{"fixed":"def"}]},
		          {"type":"ECOSYSTEM","events":[{"introduced":"1.0"},{"last_affected":"1.4.post1"}]}],
		"versions":["0.9rc1","1.0beta6.1"]}]}`,
	"DEB-1.json": `{"id":"DEB-1","modified":"2024-01-01T00:00:00Z",
		"affected":[{"package":{"ecosystem":"Debian:12","name":"openssl"},"ranges":[{"type":"ECOSYSTEM","events":[
			{"introduced":"0"},{"fixed":"3.0.11-1~deb12u1"}]}]}]}`,
	"DRUPAL-1.json": `{"id":"DRUPAL-1","modified":"2024-01-01T00:00:00Z",
		"affected":[{"package":{"ecosystem":"Packagist:https://packages.drupal.org/8","name":"drupal/webform"},
		"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"5.11.0"}]}]}]}`,
	// Versions rocca used to reject although the ecosystem accepts them:
	// Composer build metadata and apk-tools 2.x digits after a letter.
	"COMPOSER-BUILD-1.json": `{"id":"COMPOSER-BUILD-1","modified":"2024-01-01T00:00:00Z",
		"affected":[{"package":{"ecosystem":"Packagist","name":"acme/blocks"},"ranges":[{"type":"ECOSYSTEM","events":[
			{"introduced":"1.0.0+bedrock-1.17.10"},{"fixed":"2.65.2+170606"}]}]}]}`,
	"ALPINE-P-1.json": `{"id":"ALPINE-P-1","modified":"2024-01-01T00:00:00Z",
		"affected":[{"package":{"ecosystem":"Alpine:v3.13","name":"sudo"},"ranges":[{"type":"ECOSYSTEM","events":[
			{"introduced":"0"},{"fixed":"1.9.5p2-r0"}]}]}]}`,
	"MVN-1.json": `{"id":"MVN-1","modified":"2024-01-01T00:00:00Z",
		"affected":[{"package":{"ecosystem":"Maven","name":"org.example:lib"},"ranges":[{"type":"ECOSYSTEM","events":[
			{"introduced":"0"},{"limit":"2.0"},{"fixed":"1.5"}]}]}]}`,
	"WD-1.json": `{"id":"WD-1","modified":"2024-01-01T00:00:00Z","withdrawn":"2024-02-01T00:00:00Z",
		"affected":[{"package":{"ecosystem":"PyPI","name":"foo-bar"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}]}`,
}

func setup(t *testing.T) *match.Matcher {
	t.Helper()
	dir := t.TempDir()
	for name, body := range records {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	s, err := sqlstore.Open(context.Background(), filepath.Join(t.TempDir(), "kb.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	rep, err := kb.NewImporter(s, slog.New(slog.NewTextHandler(io.Discard, nil))).Import(context.Background(), []string{dir})
	if err != nil || rep.Failed() || rep.Files[0].Rejected > 0 {
		t.Fatalf("import: %v %s", err, rep.Summary())
	}
	return &match.Matcher{KB: s}
}

func TestMatch(t *testing.T) {
	m := setup(t)
	tests := []struct {
		purl      string
		want      string // "ID:advisories:fixed" of each finding, sorted, joined by " "
		unmatched string // substring of the reason when not matched
		undecided string // "advisory" the component could not be decided against
	}{
		{"pkg:golang/stdlib@go1.18.5", "CVE-2024-1000:GHSA-1,GO-1:1.18.6", "", ""},
		{"pkg:golang/stdlib@go1.19.0", "CVE-2024-1000:GO-1:1.19.1", "", ""},
		{"pkg:golang/stdlib@go1.19.1", "", "", ""},
		{"pkg:golang/stdlib@go1.19.0-rc.1", "CVE-2024-1000:GO-1:1.19.1", "", ""},
		{"pkg:pypi/foo-bar@1.4.post1", "PYSEC-1:PYSEC-1:", "", ""},
		{"pkg:pypi/FOO_bar@1.2", "PYSEC-1:PYSEC-1:", "", ""},
		{"pkg:pypi/foo.bar@1.5", "", "", ""},
		{"pkg:pypi/foo-bar@0.9rc1", "PYSEC-1:PYSEC-1:", "", ""},
		{"pkg:pypi/foo-bar@0.9", "", "", ""},
		// Not PEP 440, but listed verbatim in versions[].
		{"pkg:pypi/foo-bar@1.0beta6.1", "PYSEC-1:PYSEC-1:", "", ""},
		// Not PEP 440 and not listed: the ECOSYSTEM range cannot be decided.
		{"pkg:pypi/foo-bar@1.0beta6.2", "", "", "PYSEC-1"},
		{"pkg:deb/debian/openssl@3.0.9-1?distro=debian-12", "DEB-1:DEB-1:3.0.11-1~deb12u1", "", ""},
		{"pkg:deb/debian/openssl@3.0.11-1~deb12u1?distro=debian-12", "", "", ""},
		{"pkg:deb/debian/openssl@3.0.9-1?distro=debian-11", "", "", ""},
		{"pkg:composer/drupal/webform@5.10.0", "DRUPAL-1:DRUPAL-1:5.11.0", "", ""},
		{"pkg:maven/org.example/lib@1.4", "MVN-1:MVN-1:1.5", "", ""},
		{"pkg:composer/acme/blocks@2.65.1+170501", "COMPOSER-BUILD-1:COMPOSER-BUILD-1:2.65.2+170606", "", ""},
		{"pkg:composer/acme/blocks@2.65.1%2B170501", "COMPOSER-BUILD-1:COMPOSER-BUILD-1:2.65.2+170606", "", ""},
		{"pkg:composer/acme/blocks@v2.65.2-beta1+EZP-30823.preview", "COMPOSER-BUILD-1:COMPOSER-BUILD-1:2.65.2+170606", "", ""},
		{"pkg:composer/acme/blocks@2.65.2+170700", "", "", ""},
		{"pkg:composer/acme/blocks@0.9+1", "", "", ""},
		{"pkg:apk/alpine/sudo@1.9.5p1-r0?distro=3.13.5", "ALPINE-P-1:ALPINE-P-1:1.9.5p2-r0", "", ""},
		{"pkg:apk/alpine/sudo@1.9.5-r3?distro=3.13.5", "ALPINE-P-1:ALPINE-P-1:1.9.5p2-r0", "", ""},
		{"pkg:apk/alpine/sudo@1.9.5p2-r1?distro=3.13.5", "", "", ""},
		{"pkg:apk/alpine/sudo@1.9.6-r0?distro=3.13.5", "", "", ""},
		{"pkg:maven/org.example/lib@1.6", "", "", ""},
		{"pkg:cocoapods/AFNetworking@4.0.1", "", "cocoapods", ""},
		{"pkg:pypi/foo-bar", "", "version", ""},
		{"not a purl", "", "invalid purl", ""},
		{"", "", "no Package URL", ""},
	}
	for _, tt := range tests {
		t.Run(tt.purl, func(t *testing.T) {
			res, err := m.Match(context.Background(), []model.Component{{Name: "c", PURL: tt.purl}})
			if err != nil {
				t.Fatal(err)
			}
			fs, un := res.Findings, res.Unmatched
			var undecided []string
			for _, u := range res.Undetermined {
				if u.Reason == "" {
					t.Errorf("undetermined %s without a reason", u.Advisory)
				}
				undecided = append(undecided, u.Advisory)
			}
			if g := strings.Join(undecided, " "); g != tt.undecided {
				t.Errorf("undetermined %q (%+v), want %q", g, res.Undetermined, tt.undecided)
			}
			var got []string
			for _, f := range fs {
				got = append(got, f.Vulnerability.ID+":"+strings.Join(f.Advisories, ",")+":"+strings.Join(f.FixedVersions, ","))
			}
			sort.Strings(got)
			if g := strings.Join(got, " "); g != tt.want {
				t.Errorf("findings %q, want %q", g, tt.want)
			}
			if tt.unmatched == "" && len(un) > 0 {
				t.Errorf("unexpectedly unmatched: %+v", un)
			}
			if tt.unmatched != "" && (len(un) != 1 || !strings.Contains(un[0].Reason, tt.unmatched)) {
				t.Errorf("unmatched %+v, want a reason containing %q", un, tt.unmatched)
			}
		})
	}
}

func TestMatchGroupDescription(t *testing.T) {
	m := setup(t)
	res, err := m.Match(context.Background(), []model.Component{{Ref: "r1", PURL: "pkg:golang/stdlib@go1.18.0"}})
	fs := res.Findings
	if err != nil || len(fs) != 1 {
		t.Fatalf("findings %+v, %v", fs, err)
	}
	v := fs[0].Vulnerability
	if strings.Join(v.IDs, ",") != "CVE-2024-1000,GHSA-1,GO-1" {
		t.Errorf("ids %v", v.IDs)
	}
	if v.Severity.Rating != model.RatingHigh || !strings.Contains(v.Severity.Source, "GHSA-1") {
		t.Errorf("severity %+v, want high from GHSA-1", v.Severity)
	}
	if fs[0].Component.Ref != "r1" || fs[0].Status != model.StatusAffected {
		t.Errorf("component/status %+v", fs[0])
	}
}

// TestMatchManyPackagesAgreesWithOneByOne matches an SBOM with enough
// packages to be loaded and evaluated on several goroutines and checks
// that it finds exactly what matching each component alone finds, in the
// same order as the components.
func TestMatchManyPackagesAgreesWithOneByOne(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	m := setup(t)
	ctx := context.Background()
	real := []string{"pkg:golang/stdlib@go1.18.5", "pkg:pypi/foo-bar@1.4.post1", "pkg:deb/debian/openssl@3.0.9-1?distro=debian-12",
		"pkg:composer/drupal/webform@5.10.0", "pkg:maven/org.example/lib@1.4", "pkg:pypi/foo-bar@1.0beta6.2", "pkg:golang/stdlib@go1.19.0"}
	var comps []model.Component
	for i := range 3000 {
		p := fmt.Sprintf("pkg:npm/filler-%04d@1.0.0", i)
		if i%400 == 0 {
			p = real[(i/400)%len(real)]
		}
		comps = append(comps, model.Component{Ref: fmt.Sprintf("c%d", i), Name: "c", PURL: p})
	}
	describe := func(fs []model.Finding, us []model.Undetermined) string {
		var b strings.Builder
		for _, f := range fs {
			fmt.Fprintf(&b, "%s %s %v %v %s %v\n", f.Component.Ref, f.Vulnerability.ID, f.Vulnerability.IDs, f.Advisories,
				f.Vulnerability.Severity.Rating, f.FixedVersions)
		}
		for _, u := range us {
			fmt.Fprintf(&b, "undetermined %s %s %s\n", u.Component.Ref, u.Advisory, u.Reason)
		}
		return b.String()
	}
	all, err := m.Match(ctx, comps)
	if err != nil {
		t.Fatal(err)
	}
	var fs []model.Finding
	var us []model.Undetermined
	for _, c := range comps {
		if strings.HasPrefix(c.PURL, "pkg:npm/filler-") {
			continue
		}
		one, err := m.Match(ctx, []model.Component{c})
		if err != nil {
			t.Fatal(err)
		}
		fs = append(fs, one.Findings...)
		us = append(us, one.Undetermined...)
	}
	got, want := describe(all.Findings, all.Undetermined), describe(fs, us)
	if got != want || len(all.Findings) != 7 {
		t.Errorf("together:\n%s\none by one:\n%s", got, want)
	}
}

// TestMatchExploitedAndEUVD: a CVE on the EU KEV list and EUVD's exploited
// list marks its vulnerability known-exploited from both, without a CISA
// KEV entry; its EUVD id joins the ids, the preferred id stays the CVE.
func TestMatchExploitedAndEUVD(t *testing.T) {
	m := setup(t)
	dir := t.TempDir()
	files := map[string]string{
		"eukev.json": `[{"cveID":"CVE-2024-1000","euvdID":"EUVD-2024-10001","vendorProject":"v","product":"p",
			"dateReported":"2025/01/23","originSource":"CRA","shortDescription":"d","exploitationType":["unknown"]}]`,
		"euvd-kev.json":    `[{"cveId":"CVE-2024-1000","euvdId":"EUVD-2024-10001","dateAdded":"2025-01-20","sources":["eukev_kev"]}]`,
		"euvd-mapping.csv": "euvd_id,cve_id\nEUVD-2024-10001,CVE-2024-1000\n",
	}
	var paths []string
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	rep, err := kb.NewImporter(m.KB, slog.New(slog.NewTextHandler(io.Discard, nil))).Import(context.Background(), paths)
	if err != nil || rep.Failed() {
		t.Fatalf("import: %v %s", err, rep.Summary())
	}
	res, err := m.Match(context.Background(), []model.Component{
		{Ref: "go", PURL: "pkg:golang/stdlib@go1.18.0"}, {Ref: "py", PURL: "pkg:pypi/foo-bar@1.2"}})
	if err != nil || len(res.Findings) != 2 {
		t.Fatalf("findings %+v, %v", res.Findings, err)
	}
	v := res.Findings[0].Vulnerability
	if v.ID != "CVE-2024-1000" || strings.Join(v.IDs, ",") != "CVE-2024-1000,EUVD-2024-10001,GHSA-1,GO-1" {
		t.Errorf("id %s, ids %v", v.ID, v.IDs)
	}
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	want := []model.ExploitedMark{
		{Source: model.ExploitedEUKEV, CVE: "CVE-2024-1000", DateAdded: day("2025-01-23")},
		{Source: model.ExploitedEUVD, CVE: "CVE-2024-1000", DateAdded: day("2025-01-20")},
	}
	if v.KEV != nil || !v.KnownExploited() || !reflect.DeepEqual(v.Exploited, want) || !reflect.DeepEqual(v.ExploitedMarks(), want) {
		t.Errorf("KEV %+v, exploited %+v, want %+v", v.KEV, v.Exploited, want)
	}
	if p := res.Findings[1].Vulnerability; p.KnownExploited() || p.Exploited != nil || strings.Join(p.IDs, ",") != "PYSEC-1" {
		t.Errorf("PYSEC-1: %+v", p)
	}
}
