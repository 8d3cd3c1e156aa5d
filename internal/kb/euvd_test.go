package kb_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store/sqlstore"
	"github.com/rocca-project/rocca/internal/testutil"
)

// TestImportEUKEVCorpus imports ENISA's EU KEV list from the shared corpus
// (43 entries, dates YYYY/MM/DD, originSource spelled several ways), then
// a changed copy: one entry gone, one re-dated. The list is a snapshot:
// what it no longer holds is removed, and each change is logged.
func TestImportEUKEVCorpus(t *testing.T) {
	path := filepath.Join(testutil.Corpora(t), "vulndata", "eukev", "eukev.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	onEngines(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		im := newImporter(s)
		fr := importOne(t, im, path)
		if fr.Format != "EU KEV" || counts(fr) != "new=43 updated=0 unchanged=0 older=0 rejected=0" {
			t.Fatalf("EU KEV: %s %s %v", fr.Format, counts(fr), fr.Reasons)
		}
		got, seq := changeKeys(t, s, 0)
		if len(got) != 43 || got[0] != "exploited CVE-2010-0738" {
			t.Fatalf("%d changes, first %q", len(got), got[0])
		}
		if fr := importOne(t, im, path); counts(fr) != "new=0 updated=0 unchanged=43 older=0 rejected=0" {
			t.Fatalf("again: %s", counts(fr))
		}
		if got, _ := changeKeys(t, s, seq); len(got) != 0 {
			t.Fatalf("re-import logged %q", got)
		}
		marks, err := s.Exploited(ctx, []string{"CVE-2017-10271", "CVE-2000-0001"})
		if err != nil {
			t.Fatal(err)
		}
		want := []model.ExploitedMark{{Source: model.ExploitedEUKEV, CVE: "CVE-2017-10271", DateAdded: mustDate(t, "2026-08-10")}}
		if !reflect.DeepEqual(marks["CVE-2017-10271"], want) || len(marks) != 1 {
			t.Errorf("marks %+v, want %+v", marks, want)
		}

		var list []map[string]any
		if err := json.Unmarshal(data, &list); err != nil {
			t.Fatal(err)
		}
		gone := list[0]["cveID"].(string)
		list = list[1:]
		redated := list[0]["cveID"].(string)
		list[0]["dateReported"] = "2026-08-19" // the README's form
		changed, _ := json.Marshal(list)
		fr = importOne(t, im, writeFile(t, "eukev.json", string(changed)))
		if counts(fr) != "new=0 updated=1 unchanged=41 older=0 rejected=0" || fr.Removed != 1 {
			t.Fatalf("changed list: %s, removed %d", counts(fr), fr.Removed)
		}
		got, _ = changeKeys(t, s, seq)
		if wantKeys := sortedPair("exploited "+gone, "exploited "+redated); !reflect.DeepEqual(got, wantKeys) {
			t.Errorf("changes %q, want %q", got, wantKeys)
		}
	})
}

func sortedPair(a, b string) []string {
	if b < a {
		a, b = b, a
	}
	return []string{a, b}
}

// TestImportEUVD imports the EUVD fixtures: the mapping makes EUVD ids
// find the CVE's advisories, the exploited dump marks CVEs; invalid rows
// are rejected with their reason; re-importing changes nothing.
func TestImportEUVD(t *testing.T) {
	onEngines(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		im := newImporter(s)
		osvZip := writeZip(t, map[string]string{"A.json": record("GHSA-aaaa", "2024-01-01T00:00:00Z", "1.0", "CVE-2024-0002")})
		importOne(t, im, osvZip)
		mapping, dump := filepath.Join("testdata", "euvd", "cve-euvd-mapping.csv"), filepath.Join("testdata", "euvd", "kev-dump.json")
		_, seq := changeKeys(t, s, 0)
		fr := importOne(t, im, mapping)
		if fr.Format != "EUVD mapping" || counts(fr) != "new=4 updated=0 unchanged=0 older=0 rejected=2" {
			t.Fatalf("mapping: %s %s %v", fr.Format, counts(fr), fr.Reasons)
		}
		if !strings.Contains(strings.Join(fr.Reasons, "\n"), `euvd_id "not-an-id" is not an EUVD id`) {
			t.Errorf("reasons %q", fr.Reasons)
		}
		fr = importOne(t, im, dump)
		if fr.Format != "EUVD exploited" || counts(fr) != "new=3 updated=0 unchanged=0 older=0 rejected=1" {
			t.Fatalf("dump: %s %s %v", fr.Format, counts(fr), fr.Reasons)
		}
		got, seq := changeKeys(t, s, seq)
		if want := []string{"exploited CVE-2021-44228", "exploited CVE-2024-0002", "exploited CVE-2024-1000"}; !reflect.DeepEqual(got, want) {
			t.Errorf("changes %q, want %q", got, want)
		}
		for _, p := range []string{mapping, dump} {
			if fr := importOne(t, im, p); fr.New+fr.Updated+fr.Removed != 0 {
				t.Errorf("%s again: %s", p, counts(fr))
			}
		}
		if got, _ := changeKeys(t, s, seq); len(got) != 0 {
			t.Errorf("re-import logged %q", got)
		}
		ids, err := s.AdvisoriesKnownAs(ctx, "EUVD-2024-10002")
		if err != nil || !reflect.DeepEqual(ids, []string{"GHSA-aaaa"}) {
			t.Errorf("advisories known as EUVD-2024-10002: %v %v", ids, err)
		}
		if ids, err := s.AdvisoriesKnownAs(ctx, "CVE-2024-0002"); err != nil || !reflect.DeepEqual(ids, []string{"GHSA-aaaa"}) {
			t.Errorf("advisories known as CVE-2024-0002: %v %v", ids, err)
		}
		euvd, err := s.EUVDIDs(ctx, []string{"CVE-2024-0002", "CVE-2024-0004"})
		if err != nil || !reflect.DeepEqual(euvd, map[string][]string{"CVE-2024-0002": {"EUVD-2024-10002"}}) {
			t.Errorf("EUVD ids %v %v", euvd, err)
		}
		marks, err := s.Exploited(ctx, []string{"CVE-2024-1000"})
		if err != nil || len(marks["CVE-2024-1000"]) != 1 || !marks["CVE-2024-1000"][0].DateAdded.Equal(mustDate(t, "2025-01-23")) {
			t.Errorf("marks %+v %v", marks, err)
		}
	})
}

// TestImportKEVRemovesDelisted: the CISA catalogue is the whole list, a
// CVE it no longer holds leaves it (and is logged).
func TestImportKEVRemovesDelisted(t *testing.T) {
	s := openStore(t)
	im := newImporter(s)
	two := writeFile(t, "kev.json", `{"catalogVersion":"1","vulnerabilities":[
		{"cveID":"CVE-2024-0001","dateAdded":"2024-02-01"},{"cveID":"CVE-2024-0002","dateAdded":"2024-02-01"}]}`)
	one := writeFile(t, "kev.json", `{"catalogVersion":"2","vulnerabilities":[{"cveID":"CVE-2024-0002","dateAdded":"2024-02-01"}]}`)
	importOne(t, im, two)
	_, seq := changeKeys(t, s, 0)
	if fr := importOne(t, im, one); fr.Removed != 1 || fr.Unchanged != 1 || !strings.Contains(fr.String(), "1 removed") {
		t.Fatalf("%s", fr)
	}
	k, err := s.KEV(context.Background(), []string{"CVE-2024-0001", "CVE-2024-0002"})
	if err != nil || len(k) != 1 {
		t.Errorf("KEV %v %v", k, err)
	}
	if got, _ := changeKeys(t, s, seq); !reflect.DeepEqual(got, []string{"exploited CVE-2024-0001"}) {
		t.Errorf("changes %q", got)
	}
}

// TestImportEUListsRejectWholeFile: an empty or malformed list stores
// nothing (a snapshot that would wipe the list is refused).
func TestImportEUListsRejectWholeFile(t *testing.T) {
	s := openStore(t)
	im := newImporter(s)
	importOne(t, im, filepath.Join("testdata", "euvd", "kev-dump.json"))
	for _, body := range []string{`[]`, `[{"cveId":"CVE-2024-0001","dateAdded":`, `[{"cveID":"CVE-1","euvdID":"x"}`, `euvd_id,cve_id` + "\n"} {
		if fr := importOne(t, im, writeFile(t, "list", body)); fr.Err == "" {
			t.Errorf("%q imported: %s", body, fr)
		}
	}
	marks, err := s.Exploited(context.Background(), []string{"CVE-2024-1000"})
	if err != nil || len(marks) != 1 {
		t.Errorf("the stored list changed: %v %v", marks, err)
	}
}

func mustDate(t *testing.T, s string) (d time.Time) {
	t.Helper()
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
