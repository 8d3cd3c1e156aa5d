package feeds_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/feeds"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store/sqlstore"
	"github.com/rocca-project/rocca/internal/testutil"
)

// served is one file of the test feed server.
type served struct {
	body []byte
	etag string
	// mode: "" serves the file (conditional requests answered by
	// http.ServeContent), "truncate" announces the full length and
	// sends half, "error" answers 500.
	mode string
}

// feedServer serves feed files over HTTP like the real feeds (ETag and
// Last-Modified, 304 on a matching conditional request) and counts the
// requests.
type feedServer struct {
	mu          sync.Mutex
	files       map[string]*served
	requests    map[string]int
	conditional map[string]int
	notModified map[string]int
}

func (fs *feedServer) set(path string, body []byte, etag, mode string) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.files[path] = &served{body: body, etag: etag, mode: mode}
}

func (fs *feedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fs.mu.Lock()
	f := fs.files[r.URL.Path]
	fs.requests[r.URL.Path]++
	if r.Header.Get("If-None-Match") != "" {
		fs.conditional[r.URL.Path]++
	}
	fs.mu.Unlock()
	if f == nil {
		http.NotFound(w, r)
		return
	}
	switch f.mode {
	case "error":
		http.Error(w, "backend down", http.StatusInternalServerError)
		return
	case "truncate":
		w.Header().Set("Content-Length", itoa(len(f.body)))
		w.WriteHeader(http.StatusOK)
		w.Write(f.body[:len(f.body)/2])
		return
	}
	w.Header().Set("ETag", f.etag)
	if inm := r.Header.Get("If-None-Match"); inm == f.etag {
		fs.mu.Lock()
		fs.notModified[r.URL.Path]++
		fs.mu.Unlock()
	}
	http.ServeContent(w, r, "", time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), bytes.NewReader(f.body))
}

func itoa(n int) string { return strconv.Itoa(n) }

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func gz(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func read(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fixture starts a feed server with the shared corpus files (two small
// OSV ecosystems, CISA KEV, EU KEV, an EPSS excerpt gzip-compressed) and
// the EUVD fixtures, and returns it with a feeds.Config pointing at it.
func fixture(t *testing.T) (*feedServer, feeds.Config) {
	t.Helper()
	vd := filepath.Join(testutil.Corpora(t), "vulndata")
	euvd := filepath.Join("..", "kb", "testdata", "euvd")
	fs := &feedServer{files: map[string]*served{}, requests: map[string]int{}, conditional: map[string]int{}, notModified: map[string]int{}}
	fs.set("/osv/CRAN/all.zip", read(t, filepath.Join(vd, "osv", "CRAN.zip")), `"cran-1"`, "")
	fs.set("/osv/Hackage/all.zip", read(t, filepath.Join(vd, "osv", "Hackage.zip")), `"hackage-1"`, "")
	fs.set("/kev.json", read(t, filepath.Join(vd, "kev", "known_exploited_vulnerabilities.json")), `"kev-1"`, "")
	fs.set("/eukev.json", read(t, filepath.Join(vd, "eukev", "eukev.json")), `"eukev-1"`, "")
	fs.set("/euvd/mapping", read(t, filepath.Join(euvd, "cve-euvd-mapping.csv")), `"map-1"`, "")
	fs.set("/euvd/kev", read(t, filepath.Join(euvd, "kev-dump.json")), `"euvdkev-1"`, "")
	epss := read(t, filepath.Join(vd, "epss", "epss_scores-excerpt-first29rows.csv"))
	fs.set("/epss.csv.gz", gz(t, epss), `"epss-1"`, "")
	srv := httptest.NewServer(fs)
	t.Cleanup(srv.Close)
	cfg := feeds.DefaultConfig()
	cfg.OSVBaseURL = srv.URL + "/osv"
	cfg.Ecosystems = []string{"CRAN", "Hackage"}
	cfg.CISAKEVURL = srv.URL + "/kev.json"
	cfg.EUKEVURL = srv.URL + "/eukev.json"
	cfg.EUVDMappingURL = srv.URL + "/euvd/mapping"
	cfg.EUVDExploitedURL = srv.URL + "/euvd/kev"
	cfg.EPSSURL = srv.URL + "/epss.csv.gz"
	cfg.TempDir = t.TempDir()
	return fs, cfg
}

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

// TestSyncImportsThenNotModified: the first sync imports every source in
// one transaction each and logs the changes; the second is answered 304
// everywhere and changes nothing; status shows ages and what is due.
func TestSyncImportsThenNotModified(t *testing.T) {
	fs, cfg := fixture(t)
	for _, e := range testutil.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			s, err := sqlstore.Open(ctx, e.URL)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			clk := &clock{t: time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)}
			sy := feeds.New(cfg, s, nil, quiet(), clk.now)
			res, err := sy.SyncAll(ctx)
			if err != nil {
				t.Fatalf("first sync: %v", err)
			}
			if len(res) != 7 {
				t.Fatalf("%d results, want 7", len(res))
			}
			for _, r := range res {
				if r.NotModified || r.Report == nil || r.Report.New == 0 || r.Bytes == 0 {
					t.Errorf("first sync of %s: %+v", r.Source, r)
				}
			}
			st, _ := s.Stats(ctx)
			if st.Advisories == 0 || st.KEVEntries < 1000 || st.EPSSScores != 29 {
				t.Errorf("stats after the first sync: %+v", st)
			}
			marks, _ := s.Exploited(ctx, []string{"CVE-2017-10271", "CVE-2024-1000"})
			if len(marks["CVE-2017-10271"]) != 1 || marks["CVE-2017-10271"][0].Source != model.ExploitedEUKEV || len(marks["CVE-2024-1000"]) != 1 {
				t.Errorf("exploited marks %+v", marks)
			}
			latest, _ := s.LatestChange(ctx)
			if latest == 0 {
				t.Fatal("no change logged by the first sync")
			}

			clk.add(2 * time.Hour)
			sts, err := sy.Status(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, ss := range sts {
				wantDue := ss.Source == feeds.SourceCISAKEV || ss.Source == feeds.SourceEUKEV || ss.Source == feeds.SourceEUVDExploited
				if ss.Never || ss.LastError != "" || ss.Age != 2*time.Hour || ss.ETag == "" || ss.Due != wantDue {
					t.Errorf("status %+v (want due %t)", ss, wantDue)
				}
			}

			res, err = sy.SyncAll(ctx)
			if err != nil {
				t.Fatalf("second sync: %v", err)
			}
			for _, r := range res {
				if !r.NotModified || r.Report != nil {
					t.Errorf("second sync of %s: %+v", r.Source, r)
				}
			}
			if again, _ := s.LatestChange(ctx); again != latest {
				t.Errorf("the 304 sync logged changes: %d -> %d", latest, again)
			}
			sts, _ = sy.Status(ctx)
			for _, ss := range sts {
				if ss.Age != 0 || ss.Due || ss.LastChange.Equal(ss.LastSuccess) {
					t.Errorf("status after the 304 sync %+v", ss)
				}
			}

			// Due sources only: none are due right after a sync.
			if res, err := sy.SyncDue(ctx); err != nil || len(res) != 0 {
				t.Errorf("sync due: %+v %v", res, err)
			}
		})
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.notModified["/kev.json"] == 0 || fs.conditional["/osv/CRAN/all.zip"] == 0 {
		t.Errorf("no conditional request: %v %v", fs.conditional, fs.notModified)
	}
}

// TestSyncBadDownloadLeavesKBUnchanged: after a good sync, each source is
// replaced by a changed version delivered badly (truncated, corrupt,
// over the cap, a server error, the wrong content). The sync fails, the
// knowledge base and its change log are as they were, the error is
// recorded and the validators of the last good download are kept.
func TestSyncBadDownloadLeavesKBUnchanged(t *testing.T) {
	fs, cfg := fixture(t)
	ctx := context.Background()
	s, err := sqlstore.Open(ctx, filepath.Join(t.TempDir(), "rocca.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	clk := &clock{t: time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)}
	if _, err := feeds.New(cfg, s, nil, quiet(), clk.now).SyncAll(ctx); err != nil {
		t.Fatal(err)
	}
	vd := filepath.Join(testutil.Corpora(t), "vulndata")
	// A different, valid archive: imported as it is, it would change
	// the knowledge base.
	other := read(t, filepath.Join(vd, "osv", "GHC.zip"))
	corrupt := append([]byte(nil), other...)
	for i := len(corrupt) / 3; i < len(corrupt)/3+16; i++ {
		corrupt[i] ^= 0xff // inside the first entry's compressed data
	}
	kevNew := bytes.Replace(read(t, filepath.Join(vd, "kev", "known_exploited_vulnerabilities.json")), []byte(`"CVE-`), []byte(`"CVE-9`), 1)
	tests := []struct {
		name, source, path string
		body               []byte
		mode               string
		cap                int64
		want               string
	}{
		{"truncated zip", "osv/CRAN", "/osv/CRAN/all.zip", other, "truncate", 0, "truncated"},
		{"corrupt zip", "osv/CRAN", "/osv/CRAN/all.zip", corrupt, "", 0, "not a valid OSV zip"},
		{"zip over the cap", "osv/CRAN", "/osv/CRAN/all.zip", other, "", 1000, "cap"},
		{"server error", "cisa-kev", "/kev.json", kevNew, "error", 0, "HTTP 500"},
		{"truncated JSON", "cisa-kev", "/kev.json", kevNew, "truncate", 0, "truncated"},
		{"JSON cut short", "cisa-kev", "/kev.json", kevNew[:len(kevNew)-100], "", 0, "not a valid CISA KEV"},
		{"an HTML page", "eu-kev", "/eukev.json", []byte("<html>maintenance</html>"), "", 0, "not a valid EU KEV"},
		{"another format", "eu-kev", "/eukev.json", read(t, filepath.Join("..", "kb", "testdata", "euvd", "kev-dump.json")), "", 0, "expected EU KEV"},
		{"gzip cut short", "epss", "/epss.csv.gz", gz(t, []byte("cve,epss,percentile\nCVE-2000-0001,0.5,0.5\n"))[:30], "", 0, "not a valid EPSS"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := s.Stats(ctx)
			latest, _ := s.LatestChange(ctx)
			prev, _ := s.FeedState(ctx, tt.source)
			fs.mu.Lock()
			good := *fs.files[tt.path]
			fs.mu.Unlock()
			fs.set(tt.path, tt.body, `"bad-`+itoa(i)+`"`, tt.mode)
			defer fs.set(tt.path, good.body, good.etag, "")
			c := cfg
			if tt.cap > 0 {
				c.MaxOSVBytes, c.MaxListBytes = tt.cap, tt.cap
			}
			clk.add(time.Minute)
			res, err := feeds.New(c, s, nil, quiet(), clk.now).Sync(ctx, tt.source)
			if err == nil || !strings.Contains(err.Error(), tt.want) || res.Err == "" {
				t.Fatalf("sync: %v (%+v), want an error containing %q", err, res, tt.want)
			}
			after, _ := s.Stats(ctx)
			if after.Advisories != before.Advisories || after.KEVEntries != before.KEVEntries || !after.UpdatedAt.Equal(before.UpdatedAt) {
				t.Errorf("knowledge base changed: %+v -> %+v", before, after)
			}
			if again, _ := s.LatestChange(ctx); again != latest {
				t.Errorf("change log grew: %d -> %d", latest, again)
			}
			st, err := s.FeedState(ctx, tt.source)
			if err != nil || !strings.Contains(st.LastError, tt.want) || !st.LastErrorAt.Equal(clk.now()) || !st.LastAttempt.Equal(clk.now()) {
				t.Errorf("state %+v %v", st, err)
			}
			if st.ETag != prev.ETag || !st.LastSuccess.Equal(prev.LastSuccess) {
				t.Errorf("validators or last success changed: %+v -> %+v", prev, st)
			}
			if _, err := os.Stat(cfg.TempDir); err == nil {
				if left, _ := os.ReadDir(cfg.TempDir); len(left) != 0 {
					t.Errorf("downloads left behind: %v", left)
				}
			}
		})
	}
	// The source recovers: the next good download clears the error.
	res, err := feeds.New(cfg, s, nil, quiet(), clk.now).Sync(ctx, "eu-kev")
	if err != nil || !res.NotModified {
		t.Fatalf("recovery: %+v %v", res, err)
	}
	if st, _ := s.FeedState(ctx, "eu-kev"); st.LastError != "" {
		t.Errorf("error kept after a success: %+v", st)
	}
}

// TestSyncLease: a source another process is syncing is skipped, not
// downloaded twice; an expired lease is taken over.
func TestSyncLease(t *testing.T) {
	fs, cfg := fixture(t)
	for _, e := range testutil.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			s, err := sqlstore.Open(ctx, e.URL)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			clk := &clock{t: time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)}
			if ok, err := s.ClaimFeed(ctx, "eu-kev", "other-process", clk.now(), clk.now().Add(time.Hour)); err != nil || !ok {
				t.Fatalf("claim: %t %v", ok, err)
			}
			fs.mu.Lock()
			n := fs.requests["/eukev.json"]
			fs.mu.Unlock()
			sy := feeds.New(cfg, s, nil, quiet(), clk.now)
			res, err := sy.Sync(ctx, "eu-kev")
			if err != nil || res.Skipped == "" {
				t.Fatalf("held lease: %+v %v", res, err)
			}
			fs.mu.Lock()
			if fs.requests["/eukev.json"] != n {
				t.Error("downloaded although another process holds the source")
			}
			fs.mu.Unlock()
			clk.add(2 * time.Hour)
			res, err = sy.Sync(ctx, "eu-kev")
			if err != nil || res.Skipped != "" || res.Report == nil {
				t.Fatalf("expired lease: %+v %v", res, err)
			}
			// Released: the other process may claim it at once.
			if ok, _ := s.ClaimFeed(ctx, "eu-kev", "other-process", clk.now(), clk.now().Add(time.Hour)); !ok {
				t.Error("lease not released after the sync")
			}
		})
	}
}

// TestSyncConcurrent: two syncers on one database at once (two rocca
// processes) import each source once between them and fail nothing.
func TestSyncConcurrent(t *testing.T) {
	_, cfg := fixture(t)
	cfg.Ecosystems = []string{"CRAN"}
	ctx := context.Background()
	for _, e := range testutil.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			a, err := sqlstore.Open(ctx, e.URL)
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			b, err := sqlstore.Open(ctx, e.URL)
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			var wg sync.WaitGroup
			results := make([][]feeds.Result, 2)
			errs := make([]error, 2)
			for i, s := range []*sqlstore.Store{a, b} {
				wg.Go(func() { results[i], errs[i] = feeds.New(cfg, s, nil, quiet(), time.Now).SyncAll(ctx) })
			}
			wg.Wait()
			if err := errors.Join(errs...); err != nil {
				t.Fatal(err)
			}
			imported := map[string]int{}
			for _, rs := range results {
				for _, r := range rs {
					if r.Report != nil && r.Report.New > 0 {
						imported[r.Source]++
					}
				}
			}
			for _, src := range feeds.Sources(cfg) {
				if imported[src.Name] != 1 {
					t.Errorf("%s imported %d times: %v", src.Name, imported[src.Name], imported)
				}
			}
		})
	}
}

func TestSelect(t *testing.T) {
	cfg := feeds.DefaultConfig()
	cfg.Ecosystems = []string{"Go", "PyPI"}
	cfg.EPSSURL = ""
	tests := []struct {
		names []string
		want  string
	}{
		{nil, "osv/Go osv/PyPI cisa-kev eu-kev euvd-exploited euvd-mapping"},
		{[]string{"osv"}, "osv/Go osv/PyPI"},
		{[]string{"exploited", "cisa-kev"}, "cisa-kev eu-kev euvd-exploited"},
		{[]string{"osv/pypi"}, "osv/PyPI"},
		{[]string{"epss"}, "error"},
	}
	for _, tt := range tests {
		srcs, err := feeds.Select(cfg, tt.names)
		var got []string
		for _, s := range srcs {
			got = append(got, s.Name)
		}
		g := strings.Join(got, " ")
		if err != nil {
			g = "error"
		}
		if g != tt.want {
			t.Errorf("Select(%q) = %q (%v), want %q", tt.names, g, err, tt.want)
		}
	}
	srcs := feeds.Sources(cfg)
	if srcs[0].URL != feeds.DefaultOSVBaseURL+"/Go/all.zip" || srcs[0].Interval != 24*time.Hour || srcs[2].Interval != time.Hour {
		t.Errorf("sources %+v", srcs[:3])
	}
}

// TestFailedSourceWaits: a source whose last attempt failed is not due
// again before RetryDelay (or its interval, when shorter), so a server
// without network does not try every minute; a good one is due on its
// interval.
func TestFailedSourceWaits(t *testing.T) {
	fs, cfg := fixture(t)
	ctx := context.Background()
	s, err := sqlstore.Open(ctx, filepath.Join(t.TempDir(), "rocca.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cfg.Ecosystems = nil
	cfg.ExploitedInterval = 10 * time.Minute
	clk := &clock{t: time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)}
	fs.set("/kev.json", []byte("down"), `"x"`, "error")
	if _, err := feeds.New(cfg, s, nil, quiet(), clk.now).SyncAll(ctx); err == nil {
		t.Fatal("a failing source reported no error")
	}
	due := func() map[string]bool {
		t.Helper()
		sts, err := feeds.New(cfg, s, nil, quiet(), clk.now).Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, st := range sts {
			out[st.Source] = st.Due
		}
		return out
	}
	clk.add(5 * time.Minute)
	if d := due(); d["cisa-kev"] || d["eu-kev"] {
		t.Errorf("5 min after: %v", d)
	}
	clk.add(6 * time.Minute) // 11 min: the failed source waited its 10 min interval, the good one is due
	if d := due(); !d["cisa-kev"] || !d["eu-kev"] {
		t.Errorf("11 min after: %v", d)
	}
	cfg.ExploitedInterval = time.Hour // failed: waits RetryDelay (15 min), not the hour
	if d := due(); d["cisa-kev"] {
		t.Errorf("11 min after, hourly: %v", d)
	}
	clk.add(5 * time.Minute)
	if d := due(); !d["cisa-kev"] || d["eu-kev"] {
		t.Errorf("16 min after, hourly: %v", d)
	}
}
