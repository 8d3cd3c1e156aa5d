package sqlstore

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/kb"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/testutil"
)

// scanRecords are OSV records for the scan-time reads: an alias group of
// two (through CVE-2024-1000), a record whose texts need JSON escapes, a
// withdrawn one and a single record.
var scanRecords = map[string]string{
	"GO-1.json": `{"id":"GO-1","modified":"2024-01-01T00:00:00Z","aliases":["CVE-2024-1000"],
		"references":[{"type":"WEB","url":"https://example.com/go-1"}],
		"affected":[{"package":{"ecosystem":"Go","name":"example.com/m"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.2.0"}]}]},
		            {"package":{"ecosystem":"Go","name":"example.com/n"},"versions":["v1.0.0"]}]}`,
	"GHSA-1.json": `{"id":"GHSA-1","modified":"2024-01-01T00:00:00Z","aliases":["CVE-2024-1000"],"summary":"a \"quoted\" summary",
		"database_specific":{"severity":"HIGH"},
		"affected":[{"package":{"ecosystem":"Go","name":"example.com/m"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.1.0"}]}]}]}`,
	"PYSEC-1.json": `{"id":"PYSEC-1","modified":"2024-01-01T00:00:00Z","aliases":["CVE-2024-2000\u2028x","ALIAS-\\back"],
		"references":[{"type":"WEB","url":"https://example.com/a\"b"},{"type":"WEB","url":"https://example.com/c"}],
		"affected":[{"package":{"ecosystem":"PyPI","name":"Foo.Bar"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"1.0"}]}]}]}`,
	"WD-1.json": `{"id":"WD-1","modified":"2024-01-01T00:00:00Z","withdrawn":"2024-02-01T00:00:00Z","aliases":["CVE-2024-1000"],
		"affected":[{"package":{"ecosystem":"PyPI","name":"foo-bar"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]}]}`,
	"RUSTSEC-1.json": `{"id":"RUSTSEC-1","modified":"2024-01-01T00:00:00Z",
		"affected":[{"package":{"ecosystem":"crates.io","name":"c"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"}]}]}]}`,
}

var scanKeys = []string{"Go:example.com/m", "Go:example.com/n", "PyPI:foo-bar", "crates.io:c", "npm:absent"}

func importScanRecords(t *testing.T, s *Store) {
	t.Helper()
	dir := t.TempDir()
	for name, body := range scanRecords {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	kev := filepath.Join(t.TempDir(), "kev.json")
	if err := os.WriteFile(kev, []byte(`{"title":"CISA Catalog of Known Exploited Vulnerabilities","catalogVersion":"1","dateReleased":"2024-01-02T00:00:00Z","count":1,
		"vulnerabilities":[{"cveID":"CVE-2024-1000","vendorProject":"v","product":"p","vulnerabilityName":"n","dateAdded":"2024-01-02",
		"shortDescription":"d","requiredAction":"a","dueDate":"2024-01-23","knownRansomwareCampaignUse":"Unknown","notes":""}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	rep, err := kb.NewImporter(s, slog.New(slog.NewTextHandler(io.Discard, nil))).Import(context.Background(), []string{dir, kev})
	if err != nil || rep.Failed() {
		t.Fatalf("import: %v %s", err, rep.Summary())
	}
}

// TestScanReadsAgreeWithContract checks EachAffected against
// AffectedByKeys and GroupMembers against GroupsOf + AdvisoriesByGroups.
func TestScanReadsAgreeWithContract(t *testing.T) {
	for _, e := range testutil.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			s, err := Open(ctx, e.URL)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			importScanRecords(t, s)

			want, err := s.AffectedByKeys(ctx, scanKeys)
			if err != nil || len(want) != 5 {
				t.Fatalf("AffectedByKeys: %d rows, %v", len(want), err)
			}
			var got []store.AffectedRow
			err = s.EachAffected(ctx, scanKeys, func(r *store.AffectedRow) error {
				c := *r
				c.Data = slices.Clone(r.Data)
				got = append(got, c)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			// By key, and per key in AffectedByKeys's order.
			sort.SliceStable(want, func(i, j int) bool { return want[i].Key < want[j].Key })
			if !reflect.DeepEqual(got, want) {
				t.Errorf("EachAffected %+v\nAffectedByKeys %+v", got, want)
			}

			ids := []string{"GO-1", "PYSEC-1", "RUSTSEC-1", "WD-1", "NOPE"}
			groups, err := s.GroupsOf(ctx, ids)
			if err != nil {
				t.Fatal(err)
			}
			var gs []string
			for _, g := range groups {
				gs = append(gs, g)
			}
			wantInfo, err := s.AdvisoriesByGroups(ctx, gs)
			if err != nil {
				t.Fatal(err)
			}
			gotInfo, err := s.GroupMembers(ctx, ids)
			if err != nil {
				t.Fatal(err)
			}
			byID := func(a []store.AdvisoryInfo) {
				sort.Slice(a, func(i, j int) bool { return a[i].ID < a[j].ID })
			}
			byID(wantInfo)
			byID(gotInfo)
			if len(gotInfo) != 4 || !reflect.DeepEqual(gotInfo, wantInfo) {
				t.Errorf("GroupMembers %+v\nGroupsOf+AdvisoriesByGroups %+v", gotInfo, wantInfo)
			}
			for _, a := range gotInfo {
				if a.ID == "PYSEC-1" && (strings.Join(a.Aliases, " ") != "CVE-2024-2000\u2028x ALIAS-\\back" ||
					strings.Join(a.References, " ") != `https://example.com/a"b https://example.com/c`) {
					t.Errorf("PYSEC-1 decoded as %q %q", a.Aliases, a.References)
				}
			}
			// A value that is not UTF-8 matches nothing and breaks nothing
			// (PostgreSQL would refuse it in a text[]).
			n := 0
			if err := s.EachAffected(ctx, []string{"npm:bad\xff", "crates.io:c"}, func(*store.AffectedRow) error { n++; return nil }); err != nil || n != 1 {
				t.Errorf("EachAffected with a non-UTF-8 key: %d rows, %v", n, err)
			}
			if infos, err := s.GroupMembers(ctx, []string{"BAD-\xff", "RUSTSEC-1"}); err != nil || len(infos) != 1 {
				t.Errorf("GroupMembers with a non-UTF-8 id: %+v, %v", infos, err)
			}
			if err := s.EachAffected(ctx, scanKeys, func(*store.AffectedRow) error { return io.ErrUnexpectedEOF }); err == nil ||
				!strings.Contains(err.Error(), io.ErrUnexpectedEOF.Error()) {
				t.Errorf("EachAffected did not return the callback's error: %v", err)
			}
		})
	}
}

// TestStatsSummaryCached checks the counts kept by imports, their
// recomputation by migration 0003 for an older database, and the
// fallback to counting when they are missing.
func TestStatsSummaryCached(t *testing.T) {
	for _, e := range testutil.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			s, err := Open(ctx, e.URL)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			importScanRecords(t, s)
			counted, err := s.countStats(ctx, parseTime(""))
			if err != nil {
				t.Fatal(err)
			}
			if counted.Advisories != 4 || counted.KEVEntries != 1 {
				t.Fatalf("counted %+v, want 4 advisories (one withdrawn) and 1 KEV entry", counted)
			}
			check := func(when string) {
				t.Helper()
				st, err := s.Stats(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if st.Advisories != counted.Advisories || st.KEVEntries != counted.KEVEntries || st.EPSSScores != counted.EPSSScores || st.UpdatedAt.IsZero() {
					t.Errorf("%s: stats %+v, counted %+v", when, st, counted)
				}
			}
			check("after import")
			var cached string
			if err := s.db.QueryRowContext(ctx, s.d.rebind(`SELECT value FROM kb_meta WHERE key = ?`), metaAdvisories).Scan(&cached); err != nil || cached != "4" {
				t.Fatalf("cached advisory count %q, %v", cached, err)
			}
			// A database of the previous schema: no counts kept.
			if _, err := s.db.ExecContext(ctx, `DELETE FROM kb_meta WHERE key LIKE 'count_%'`); err != nil {
				t.Fatal(err)
			}
			check("counts missing")
			ms, err := migrations(s.d.name)
			if err != nil || len(ms) < 3 || ms[2].name != "0003_kb_summary.sql" {
				t.Fatalf("migrations %v", err)
			}
			if _, err := s.db.ExecContext(ctx, ms[2].sql); err != nil {
				t.Fatalf("migration 0003 on a database without counts: %v", err)
			}
			var n int
			if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM kb_meta WHERE key LIKE 'count_%'`).Scan(&n); err != nil || n != 3 {
				t.Fatalf("%d counts after migration 0003, %v", n, err)
			}
			check("after migration 0003")
		})
	}
}

func TestStringList(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		bad  bool
	}{
		{`[]`, []string{}, false},
		{`["a"]`, []string{"a"}, false},
		{`["a","b c","CVE-1"]`, []string{"a", "b c", "CVE-1"}, false},
		{`["",""]`, []string{"", ""}, false},
		{`["q\"x","\u00e9"]`, []string{`q"x`, "é"}, false},
		{`[ "spaced" ]`, []string{"spaced"}, false},
		{`null`, nil, false},
		{`["a",]`, nil, true},
		{`["a"`, nil, true},
		{`["a""b"]`, nil, true},
		{`[1]`, nil, true},
		{``, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := stringList(tt.in)
			if (err != nil) != tt.bad {
				t.Fatalf("stringList(%q) error %v, want error %v", tt.in, err, tt.bad)
			}
			if !tt.bad && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("stringList(%q) = %#v, want %#v", tt.in, got, tt.want)
			}
		})
	}
}

// FuzzStringList holds the fast path to encoding/json: the same strings
// for every input encoding/json accepts, an error for every other.
func FuzzStringList(f *testing.F) {
	for _, s := range []string{`[]`, `["a","b"]`, `["a\"b"]`, `["a",]`, `[""]`, `x`, `["\u2028"]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want []string
		wantErr := json.Unmarshal([]byte(s), &want)
		got, err := stringList(s)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("stringList(%q) error %v, encoding/json %v", s, err, wantErr)
		}
		if err == nil && !slices.Equal(got, want) {
			t.Fatalf("stringList(%q) = %q, encoding/json %q", s, got, want)
		}
	})
}
