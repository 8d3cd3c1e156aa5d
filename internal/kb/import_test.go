package kb_test

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/kb"
	"github.com/rocca-project/rocca/internal/osv"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/store/sqlstore"
	"github.com/rocca-project/rocca/internal/testutil"
)

func openStore(t *testing.T) *sqlstore.Store {
	t.Helper()
	return openURL(t, filepath.Join(t.TempDir(), "kb.db"))
}

func openURL(t *testing.T, dbURL string) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// onEngines runs fn as a subtest on a fresh knowledge base of every test
// engine: SQLite, and PostgreSQL when the test command provides one
// (testutil.Engines). Only the tests whose outcome depends on the storage
// (re-import decisions, withdrawal, rollback, alias groups) use it: each
// PostgreSQL case costs a CREATE DATABASE and the migrations.
func onEngines(t *testing.T, fn func(t *testing.T, s *sqlstore.Store)) {
	t.Helper()
	for _, e := range testutil.Engines(t) {
		t.Run(e.Name, func(t *testing.T) { fn(t, openURL(t, e.URL)) })
	}
}

func newImporter(s store.KnowledgeBase) *kb.Importer {
	return kb.NewImporter(s, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

func record(id, modified, fixed string, aliases ...string) string {
	al := `[]`
	if len(aliases) > 0 {
		al = `["` + strings.Join(aliases, `","`) + `"]`
	}
	return fmt.Sprintf(`{"id":%q,"modified":%q,"aliases":%s,"summary":"s %s",
		"affected":[{"package":{"ecosystem":"PyPI","name":"Demo_Pkg"},
		"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":%q}]}]}]}`, id, modified, al, id, fixed)
}

func writeZip(t *testing.T, entries map[string]string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range entries {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "all.zip")
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func importOne(t *testing.T, im *kb.Importer, p string) *kb.FileReport {
	t.Helper()
	rep, err := im.Import(context.Background(), []string{p})
	if err != nil {
		t.Fatal(err)
	}
	return rep.Files[0]
}

func counts(f *kb.FileReport) string {
	return fmt.Sprintf("new=%d updated=%d unchanged=%d older=%d rejected=%d", f.New, f.Updated, f.Unchanged, f.Older, f.Rejected)
}

func TestImportZipIdempotentAndVersioned(t *testing.T) {
	onEngines(t, testImportZipIdempotentAndVersioned)
}

func testImportZipIdempotentAndVersioned(t *testing.T, s *sqlstore.Store) {
	im := newImporter(s)
	z1 := writeZip(t, map[string]string{
		"A-1.json": record("A-1", "2024-01-01T00:00:00Z", "1.0"),
		"A-2.json": record("A-2", "0001-01-01T00:00:00Z", "1.0"),
		"A-3.json": record("A-3", "2024-01-01T00:00:00Z", "1.0"),
	})
	steps := []struct {
		name string
		path string
		want string
	}{
		{"first import", z1, "new=3 updated=0 unchanged=0 older=0 rejected=0"},
		{"same again", z1, "new=0 updated=0 unchanged=3 older=0 rejected=0"},
		{"newer, zero-date changed, older", writeZip(t, map[string]string{
			"A-1.json": record("A-1", "2024-06-01T00:00:00Z", "2.0"), // newer modified: replaces
			"A-2.json": record("A-2", "0001-01-01T00:00:00Z", "2.0"), // zero date, changed content: replaces
			"A-3.json": record("A-3", "2023-01-01T00:00:00Z", "9.0"), // older: skipped
		}), "new=0 updated=2 unchanged=0 older=1 rejected=0"},
	}
	for _, st := range steps {
		if got := counts(importOne(t, im, st.path)); got != st.want {
			t.Errorf("%s: %s, want %s", st.name, got, st.want)
		}
	}
	got := storedFixed(t, s)
	for id, fixed := range map[string]string{"A-1": "2.0", "A-2": "2.0", "A-3": "1.0"} {
		if got[id] != fixed {
			t.Errorf("%s: stored fixed %q, want %s", id, got[id], fixed)
		}
	}
}

// storedFixed returns the "fixed" version of each advisory's stored
// affected entry for PyPI demo-pkg (the package record() writes).
func storedFixed(t *testing.T, s *sqlstore.Store) map[string]string {
	t.Helper()
	rows, err := s.AffectedByKeys(context.Background(), []string{store.PackageKey("PyPI", "demo-pkg")})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range rows {
		var a osv.Affected
		if err := osv.DecodeCompact(r.Data, &a); err != nil {
			t.Fatalf("%s: stored entry does not decode: %v", r.AdvisoryID, err)
		}
		for _, rg := range a.Ranges {
			for _, e := range rg.Events {
				if e.Fixed != "" {
					got[r.AdvisoryID] = e.Fixed
				}
			}
		}
	}
	return got
}

func TestImportRejectsBadRecordsAndContinues(t *testing.T) {
	s := openStore(t)
	im := newImporter(s)
	z := writeZip(t, map[string]string{
		"good.json":      record("G-1", "2024-01-01T00:00:00Z", "1.0"),
		"broken.json":    `{"id": "B-1", "affected": [`,
		"noid.json":      `{"modified":"2024-01-01T00:00:00Z"}`,
		"badrange.json":  `{"id":"B-2","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"PyPI","name":"x"},"ranges":[{"type":"WEIRD","events":[{"introduced":"0"}]}]}]}`,
		"badevent.json":  `{"id":"B-3","modified":"2024-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"PyPI","name":"x"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0","fixed":"1"}]}]}]}`,
		"badtime.json":   `{"id":"B-4","modified":"yesterday"}`,
		"unknown.json":   `{"id":"U-1","modified":"2024-01-01T00:00:00Z","x_vendor_field":{"a":1}}`,
		"README.md":      "not a record",
		"wrongtype.json": `{"id":"B-5","modified":"2024-01-01T00:00:00Z","aliases":"CVE-1"}`,
	})
	f := importOne(t, im, z)
	if got, want := counts(f), "new=2 updated=0 unchanged=0 older=0 rejected=6"; got != want {
		t.Fatalf("%s, want %s; reasons %q", got, want, f.Reasons)
	}
	joined := strings.Join(f.Reasons, "\n")
	for _, want := range []string{
		"broken.json: invalid JSON",
		"noid.json: record: id: missing",
		"B-2: affected[0].ranges[0].type: unknown range type \"WEIRD\"",
		"B-3: affected[0].ranges[0].events[0]: must set exactly one",
		"B-4: modified: not an RFC 3339 time",
		`wrongtype.json: field "aliases"`,
	} {
		if !strings.Contains(joined, want) {
			t.Errorf("reasons lack %q:\n%s", want, joined)
		}
	}
}

func TestImportWholeFileFailuresStoreNothing(t *testing.T) {
	s := openStore(t)
	good := writeZip(t, map[string]string{"G-1.json": record("G-1", "2024-01-01T00:00:00Z", "1.0")})
	data, _ := os.ReadFile(good)
	truncated := writeFile(t, "truncated.zip", string(data[:len(data)-30]))

	// A zip bomb: one entry of highly compressible zeros beyond the record limit.
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("bomb.json")
	w.Write(bytes.Repeat([]byte{' '}, 4<<20))
	zw.Close()
	bomb := writeFile(t, "bomb.zip", buf.String())

	im := newImporter(s)
	im.Limits.MaxRecordBytes = 1 << 20
	im.Limits.MaxArchiveBytes = 2 << 20
	tests := []struct {
		name, path, wantErr string
		rejected            int
	}{
		{"truncated zip", truncated, "zip: not a valid zip file", 0},
		{"bomb entry", bomb, "", 1},
		{"garbage", writeFile(t, "x.bin", "\x00\x01garbage"), "unrecognised content", 0},
		{"missing", filepath.Join(t.TempDir(), "nope.zip"), "no such file", 0},
		{"bad KEV", writeFile(t, "kev.json", `{"catalogVersion":"1","vulnerabilities":[]}`), "no vulnerabilities", 0},
		{"bad EPSS header", writeFile(t, "e.csv", "cve,epss,percentile\nCVE-2020-1234,2,0.5\n"), "", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := importOne(t, im, tt.path)
			if tt.wantErr != "" && !strings.Contains(f.Err, tt.wantErr) {
				t.Errorf("error %q, want it to contain %q", f.Err, tt.wantErr)
			}
			if tt.wantErr == "" && f.Err != "" {
				t.Errorf("unexpected error %q", f.Err)
			}
			if f.Rejected != tt.rejected {
				t.Errorf("rejected %d, want %d (%q)", f.Rejected, tt.rejected, f.Reasons)
			}
		})
	}
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if st.Advisories != 0 || st.EPSSScores != 0 || st.KEVEntries != 0 {
		t.Errorf("something was stored: %+v", st)
	}
}

func TestImportArchiveTotalLimitRollsBack(t *testing.T) {
	onEngines(t, testImportArchiveTotalLimitRollsBack)
}

// testImportArchiveTotalLimitRollsBack imports an archive that fails as a
// whole after some of its records were written (the total byte limit trips
// on a later entry): the transaction must undo those writes and leave what
// an earlier import stored as it was.
func testImportArchiveTotalLimitRollsBack(t *testing.T, s *sqlstore.Store) {
	ctx := context.Background()
	im := newImporter(s)
	first := writeFile(t, "A-1.json", record("A-1", "2024-01-01T00:00:00Z", "1.0"))
	if got, want := counts(importOne(t, im, first)), "new=1 updated=0 unchanged=0 older=0 rejected=0"; got != want {
		t.Fatalf("first import: %s, want %s", got, want)
	}
	rec := record("A-1", "2024-06-01T00:00:00Z", "2.0")
	im.Limits.MaxArchiveBytes = int64(2*len(rec) + len(rec)/2) // two entries fit, the third trips the limit
	z := writeZip(t, map[string]string{
		"A-1.json": rec,
		"A-2.json": record("A-2", "2024-06-01T00:00:00Z", "2.0"),
		"A-3.json": record("A-3", "2024-06-01T00:00:00Z", "2.0"),
	})
	f := importOne(t, im, z)
	if !strings.Contains(f.Err, "byte limit") {
		t.Fatalf("err %q, want a limit error", f.Err)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Advisories != 1 {
		t.Errorf("%d advisories after a rejected archive, want the 1 stored before", st.Advisories)
	}
	if got := storedFixed(t, s); len(got) != 1 || got["A-1"] != "1.0" {
		t.Errorf("after rollback stored fixed versions = %v, want only A-1 fixed in 1.0", got)
	}
	raw, err := s.RawAdvisory(ctx, "A-1")
	if err != nil || !strings.Contains(string(raw), "2024-01-01") {
		t.Errorf("A-1 document after rollback = %.80q, %v; want the first import's", raw, err)
	}
}

func TestImportKEVAndEPSS(t *testing.T) {
	s := openStore(t)
	im := newImporter(s)
	kev := writeFile(t, "kev.json", `{"title":"t","catalogVersion":"2025.01.01","count":3,"vulnerabilities":[
		{"cveID":"CVE-2021-44228","vendorProject":"Apache","product":"Log4j2","vulnerabilityName":"Log4Shell","dateAdded":"2021-12-10","dueDate":"2021-12-24","knownRansomwareCampaignUse":"Known"},
		{"cveID":"CVE-2022-22965","dateAdded":"2022-04-04","knownRansomwareCampaignUse":"Unknown"},
		{"cveID":"not-a-cve","dateAdded":"2022-04-04"}]}`)
	if got, want := counts(importOne(t, im, kev)), "new=2 updated=0 unchanged=0 older=0 rejected=1"; got != want {
		t.Errorf("KEV: %s, want %s", got, want)
	}
	if got, want := counts(importOne(t, im, kev)), "new=0 updated=0 unchanged=2 older=0 rejected=1"; got != want {
		t.Errorf("KEV again: %s, want %s", got, want)
	}
	epssCSV := "#model_version:v2025,score_date:2025-01-01T00:00:00Z\ncve,epss,percentile\nCVE-2021-44228,0.97,0.999\nCVE-2022-22965,0.5,0.9\nCVE-bad,0.1,0.1\n"
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(epssCSV))
	zw.Close()
	epss := writeFile(t, "epss.csv.gz", gz.String())
	if got, want := counts(importOne(t, im, epss)), "new=2 updated=0 unchanged=0 older=0 rejected=1"; got != want {
		t.Errorf("EPSS: %s, want %s", got, want)
	}
	ctx := context.Background()
	k, err := s.KEV(ctx, []string{"CVE-2021-44228", "CVE-2000-0001"})
	if err != nil {
		t.Fatal(err)
	}
	if len(k) != 1 || !k["CVE-2021-44228"].Ransomware || k["CVE-2021-44228"].DateAdded.Format("2006-01-02") != "2021-12-10" {
		t.Errorf("KEV lookup: %+v", k)
	}
	e, err := s.EPSS(ctx, []string{"CVE-2022-22965"})
	if err != nil {
		t.Fatal(err)
	}
	if e["CVE-2022-22965"].Score != 0.5 || e["CVE-2022-22965"].Percentile != 0.9 {
		t.Errorf("EPSS lookup: %+v", e)
	}
}

func TestImportDirectoryAndWithdrawn(t *testing.T) {
	onEngines(t, testImportDirectoryAndWithdrawn)
}

func testImportDirectoryAndWithdrawn(t *testing.T, s *sqlstore.Store) {
	im := newImporter(s)
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "sub"), 0o750)
	os.WriteFile(filepath.Join(dir, "W-1.json"), []byte(record("W-1", "2024-01-01T00:00:00Z", "1.0")), 0o600)
	os.WriteFile(filepath.Join(dir, "sub", "W-2.json"), []byte(record("W-2", "2024-01-01T00:00:00Z", "1.0")), 0o600)
	if got, want := counts(importOne(t, im, dir)), "new=2 updated=0 unchanged=0 older=0 rejected=0"; got != want {
		t.Fatalf("%s, want %s", got, want)
	}
	withdrawn := strings.Replace(record("W-1", "2024-02-01T00:00:00Z", "1.0"), `"summary"`, `"withdrawn":"2024-02-01T00:00:00Z","summary"`, 1)
	f := importOne(t, im, writeFile(t, "W-1.json", withdrawn))
	if f.Updated != 1 || f.Withdrawn != 1 {
		t.Fatalf("withdrawn import: %s withdrawn=%d", counts(f), f.Withdrawn)
	}
	rows, _ := s.AffectedByKeys(context.Background(), []string{store.PackageKey("PyPI", "demo-pkg")})
	if len(rows) != 1 || rows[0].AdvisoryID != "W-2" {
		t.Errorf("after withdrawal rows = %+v, want only W-2", rows)
	}
}

func TestImportGroupsAliases(t *testing.T) {
	onEngines(t, testImportGroupsAliases)
}

func testImportGroupsAliases(t *testing.T, s *sqlstore.Store) {
	im := newImporter(s)
	z := writeZip(t, map[string]string{
		"GO-1.json":    record("GO-1", "2024-01-01T00:00:00Z", "1.0", "CVE-2024-0001", "GHSA-aaaa"),
		"PYSEC-1.json": record("PYSEC-1", "2024-01-01T00:00:00Z", "1.0", "GHSA-aaaa"),
		"OTHER.json":   record("OTHER", "2024-01-01T00:00:00Z", "1.0", "CVE-2024-0002"),
	})
	rep, err := im.Import(context.Background(), []string{z})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Groups.Advisories != 3 || rep.Groups.Groups != 2 {
		t.Errorf("groups %+v, want 3 advisories in 2 groups", rep.Groups)
	}
	g, err := s.GroupsOf(context.Background(), []string{"GO-1", "PYSEC-1", "OTHER"})
	if err != nil {
		t.Fatal(err)
	}
	if g["GO-1"] != g["PYSEC-1"] || g["GO-1"] == g["OTHER"] {
		t.Errorf("groups %v", g)
	}
}

func TestRawAdvisoryRoundTrip(t *testing.T) {
	s := openStore(t)
	im := newImporter(s)
	body := record("R-1", "2024-01-01T00:00:00Z", "1.0")
	importOne(t, im, writeFile(t, "R-1.json", body))
	got, err := s.RawAdvisory(context.Background(), "R-1")
	if err != nil || string(got) != body {
		t.Errorf("raw = %q, %v; want the imported bytes", got, err)
	}
	if _, err := s.RawAdvisory(context.Background(), "NOPE"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing advisory: %v, want ErrNotFound", err)
	}
}
