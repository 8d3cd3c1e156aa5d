package kb_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/rocca-project/rocca/internal/store/sqlstore"
)

// changeKeys returns the change log after seq as "kind key" strings and
// the last seq.
func changeKeys(t *testing.T, s *sqlstore.Store, seq int64) ([]string, int64) {
	t.Helper()
	cs, err := s.Changes(context.Background(), seq, 10000)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range cs {
		out = append(out, c.Kind+" "+c.Key)
		seq = c.Seq
	}
	return out, seq
}

// TestImportChangeLog imports feed files twice: the first import logs the
// packages, exploited CVEs and EPSS scores it changed, the second nothing;
// a newer record logs its package again.
func TestImportChangeLog(t *testing.T) {
	onEngines(t, func(t *testing.T, s *sqlstore.Store) {
		im := newImporter(s)
		zip1 := writeZip(t, map[string]string{
			"A.json": record("GHSA-aaaa", "2024-01-01T00:00:00Z", "1.0"),
			"B.json": record("GHSA-bbbb", "2024-01-01T00:00:00Z", "2.0", "CVE-2024-0002"),
		})
		kev := writeFile(t, "kev.json", `{"catalogVersion":"1","vulnerabilities":[
			{"cveID":"CVE-2024-0002","dateAdded":"2024-02-01","knownRansomwareCampaignUse":"Unknown"}]}`)
		epss := writeFile(t, "epss.csv", "cve,epss,percentile\nCVE-2024-0002,0.1,0.5\n")
		var seq int64
		for round, want := range [][]string{
			{"package PyPI:demo-pkg", "exploited CVE-2024-0002", "epss CVE-2024-0002"},
			nil,
		} {
			for _, p := range []string{zip1, kev, epss} {
				if fr := importOne(t, im, p); fr.Err != "" {
					t.Fatal(fr.Err)
				}
			}
			var got []string
			got, seq = changeKeys(t, s, seq)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("round %d: changes %q, want %q", round, got, want)
			}
		}
		zip2 := writeZip(t, map[string]string{"A.json": record("GHSA-aaaa", "2024-03-01T00:00:00Z", "1.1")})
		importOne(t, im, zip2)
		if got, _ := changeKeys(t, s, seq); !reflect.DeepEqual(got, []string{"package PyPI:demo-pkg"}) {
			t.Errorf("newer record: changes %q", got)
		}
	})
}
