package kb_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/kb"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
)

var (
	fuzzCVE  = regexp.MustCompile(`^CVE-\d{4}-\d{4,}$`)
	fuzzEUVD = regexp.MustCompile(`^EUVD-(19|20)\d{2}-\d{4,}$`)
)

// checkEntries: whatever the input, an accepted entry has a CVE id, a
// date, the expected source and, when set, a well-formed EUVD id.
func checkEntries(t *testing.T, source string, es []store.ExploitedEntry) {
	t.Helper()
	for _, e := range es {
		if !fuzzCVE.MatchString(e.CVE) || e.DateAdded.IsZero() || e.Source != source ||
			(e.EUVDID != "" && !fuzzEUVD.MatchString(e.EUVDID)) {
			t.Fatalf("accepted %+v", e)
		}
	}
}

func FuzzParseEUKEV(f *testing.F) {
	f.Add([]byte(`[{"cveID":"CVE-2026-41679","euvdID":"EUVD-2026-25166","vendorProject":"v","product":"p",
		"dateReported":"2026/08/17","patchedSince":"2026/04/22","originSource":"CNW","shortDescription":"d",
		"exploitationType":["ransomware","APT"]}]`))
	f.Add([]byte(`[{"cveID":"CVE-2010-0738","euvdID":"EUVD-2010-0764","dateReported":"2025-07-14","dateAdded":"2025/07/15"}]`))
	f.Add([]byte(`[{"cveID":"CVE-1","dateReported":"2026/13/01"},{"cveID":""}]`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"cveID":"CVE-2024-0001"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		es, rejected, err := kb.ParseEUKEV(data)
		if err != nil && (len(es) > 0 || len(rejected) > 0) {
			t.Fatalf("error %v with %d entries", err, len(es))
		}
		checkEntries(t, model.ExploitedEUKEV, es)
	})
}

func FuzzParseEUVDExploited(f *testing.F) {
	seed, err := os.ReadFile(filepath.Join("testdata", "euvd", "kev-dump.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte(`[{"cveId":"CVE-2024-0001","euvdId":"EUVD-2024-0001","dateAdded":"Jan 2, 2025, 3:04:05 PM","sources":[]}]`))
	f.Add([]byte(`[{"cveId":null,"dateAdded":7}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		es, _, err := kb.ParseEUVDExploited(data)
		if err != nil && len(es) > 0 {
			t.Fatalf("error %v with %d entries", err, len(es))
		}
		checkEntries(t, model.ExploitedEUVD, es)
	})
}

func FuzzParseEUVDMapping(f *testing.F) {
	seed, err := os.ReadFile(filepath.Join("testdata", "euvd", "cve-euvd-mapping.csv"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(seed))
	f.Add("EUVD-2024-0001,CVE-2024-0001\r\nEUVD-2024-0002,CVE-2024-0002\n")
	f.Add("\ufeffeuvd_id,cve_id\n\"EUVD-2024-0001\",\"CVE-2024-0001\"\n")
	f.Add("euvd_id,cve\n")
	f.Add("a,\"b\nc\n")
	f.Fuzz(func(t *testing.T, data string) {
		m, _, err := kb.ParseEUVDMapping(strings.NewReader(data))
		if err != nil {
			if len(m) > 0 {
				t.Fatalf("error %v with %d pairs", err, len(m))
			}
			return
		}
		if len(m) == 0 {
			t.Fatal("no error and no pair")
		}
		for id, cve := range m {
			if !fuzzEUVD.MatchString(id) || !fuzzCVE.MatchString(cve) {
				t.Fatalf("accepted %q -> %q", id, cve)
			}
		}
	})
}
