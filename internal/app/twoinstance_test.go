package app_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/app"
	"github.com/rocca-project/rocca/internal/cli"
	"github.com/rocca-project/rocca/internal/config"
	"github.com/rocca-project/rocca/internal/demo"
	"github.com/rocca-project/rocca/internal/feeds"
	"github.com/rocca-project/rocca/internal/findings"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/notify"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/testutil"
)

// Feeds served to the two servers: a CISA KEV catalogue listing two CVEs
// of the demo SBOM (Log4Shell, Spring4Shell) and an EU KEV list with
// HTTP/2 Rapid Reset and a CVE no component has.
const (
	twoKEV = `{"title": "rocca test catalogue", "catalogVersion": "test-1", "dateReleased": "2026-12-01T00:00:00.000Z", "count": 2,
 "vulnerabilities": [
    {"cveID": "CVE-2021-44228", "vendorProject": "Apache", "product": "Log4j2", "vulnerabilityName": "Log4j2 remote code execution", "dateAdded": "2021-12-10", "dueDate": "2021-12-24", "knownRansomwareCampaignUse": "Known"},
    {"cveID": "CVE-2022-22965", "vendorProject": "VMware", "product": "Spring Framework", "vulnerabilityName": "Spring Framework remote code execution", "dateAdded": "2022-04-04", "dueDate": "2022-04-25", "knownRansomwareCampaignUse": "Unknown"}
 ]}`
	twoEUKEV = `[
  {"cveID": "CVE-2023-44487", "euvdID": "EUVD-2023-48765", "dateReported": "2023/10/10", "originSource": "test", "exploitationType": ["unknown"]},
  {"cveID": "CVE-2099-0777", "euvdID": "EUVD-2099-0777", "dateReported": "2026/11/30", "originSource": "test", "exploitationType": ["unknown"]}
]`
)

// feedServer serves fixed feed files with ETags, counting per path the
// requests and the full (200) answers. Requests wait until release is
// called, so that the test decides when the servers' first sync lands.
type feedServer struct {
	*httptest.Server
	files    map[string]string
	mu       sync.Mutex
	requests map[string]int
	full     map[string]int
	gate     chan struct{}
	once     sync.Once
}

func newFeedServer(t *testing.T, files map[string]string) *feedServer {
	fs := &feedServer{files: files, requests: map[string]int{}, full: map[string]int{}, gate: make(chan struct{})}
	modified := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	fs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fs.mu.Lock()
		fs.requests[r.URL.Path]++
		fs.mu.Unlock()
		select {
		case <-fs.gate:
		case <-r.Context().Done():
			return
		}
		body, ok := fs.files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("ETag", fmt.Sprintf(`"%s-1"`, strings.Trim(r.URL.Path, "/")))
		rec := &statusWriter{ResponseWriter: w}
		http.ServeContent(rec, r, r.URL.Path, modified, strings.NewReader(body))
		if rec.status == http.StatusOK {
			fs.mu.Lock()
			fs.full[r.URL.Path]++
			fs.mu.Unlock()
		}
	}))
	t.Cleanup(func() {
		fs.release()
		fs.Close()
	})
	return fs
}

func (fs *feedServer) release() { fs.once.Do(func() { close(fs.gate) }) }

func (fs *feedServer) counts() (requests, full map[string]int) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return maps.Clone(fs.requests), maps.Clone(fs.full)
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// lockedBuffer collects the servers' logs, shown when the test fails.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// instance is one running `rocca serve` of the test.
type instance struct {
	name, base, key string
	app             *app.App
}

// call sends an authenticated request and returns the answer's body,
// failing the test unless the status is want.
func (in instance) call(t *testing.T, method, path string, body []byte, want int) []byte {
	t.Helper()
	req, err := http.NewRequest(method, in.base+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Api-Key", in.key)
	if method == http.MethodPut {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: %s %s: %v", in.name, method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		t.Fatalf("%s: %s %s: %d %s", in.name, method, path, res.StatusCode, b)
	}
	return b
}

// get decodes the JSON answer of a GET into v.
func (in instance) get(t *testing.T, path string, v any) {
	t.Helper()
	if err := json.Unmarshal(in.call(t, http.MethodGet, path, nil, http.StatusOK), v); err != nil {
		t.Fatalf("%s: GET %s: %v", in.name, path, err)
	}
}

// waitFor polls cond every 50 ms until it holds, failing the test with
// what after 30 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("not within 30 s: %s", what)
		}
	}
}

// received returns the envelopes the receiver accepted, failing the test
// on a signature or body error.
func (r *receiver) received(t *testing.T) []notify.Envelope {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.errs) > 0 {
		t.Fatalf("receiver errors: %v", r.errs)
	}
	return append([]notify.Envelope(nil), r.got...)
}

// TestTwoServersOnePostgres is issue 8's two-instance test: two servers,
// each with its own job engine, on one PostgreSQL database. Both serve the
// API; a knowledge-base change, a Dependency-Track upload through either
// server and a feed sync started on both are each processed once: one
// finding event per change, one webhook per event, one delivery per
// event in the log, one download and import per feed, and every job run
// once.
func TestTwoServersOnePostgres(t *testing.T) {
	dbURL := testutil.PostgresURL(t)
	if dbURL == "" {
		t.Skipf("two servers sharing one database need PostgreSQL: set %s (./scripts/test.sh starts a throw-away cluster)", testutil.PostgresEnv)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir := t.TempDir()
	demoFeeds, sbomPath, err := demo.WriteTo(dir)
	if err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if code := cli.Run(ctx, append(args, "--database", dbURL), &out, &errb); code != cli.ExitOK {
			t.Fatalf("rocca %v: exit %d\n%s%s", args, code, out.String(), errb.String())
		}
		return out.String()
	}
	// The demo advisories, without its KEV catalogue: the feeds bring it.
	var imports []string
	for _, f := range demoFeeds {
		if filepath.Base(f) != "kev.json" {
			imports = append(imports, f)
		}
	}
	run(append([]string{"db", "import"}, imports...)...)
	run("org", "create", "acme")
	key := strings.TrimSpace(lastLine(run("apikey", "create", "--org", "acme", "--name", "ci")))

	fs := newFeedServer(t, map[string]string{"/kev.json": twoKEV, "/eukev.json": twoEUKEV})
	fcfg := feeds.DefaultConfig()
	fcfg.OSVBaseURL, fcfg.EUVDMappingURL, fcfg.EUVDExploitedURL, fcfg.EPSSURL = "", "", "", ""
	fcfg.CISAKEVURL, fcfg.EUKEVURL = fs.URL+"/kev.json", fs.URL+"/eukev.json"
	fcfg.TempDir = t.TempDir()

	logs := &lockedBuffer{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server logs:\n%s", logs.String())
		}
	})
	cfg, err := config.Resolve(config.Flags{Database: dbURL, Addr: "127.0.0.1:0"}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	var ins [2]instance
	var done [2]chan error
	for i, name := range []string{"rocca-a", "rocca-b"} {
		log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo})).With("instance", name)
		a, err := app.Open(ctx, cfg, log)
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		opts := app.ServerOptionsOf(cfg)
		opts.Feeds = &fcfg
		opts.Poll = 100 * time.Millisecond
		opts.WebhookLoopback = true
		opts.JobsID = name
		srv, err := a.NewServer(ctx, opts)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ins[i] = instance{name: name, base: "http://" + ln.Addr().String(), key: key, app: a}
		done[i] = make(chan error, 1)
		go func() { done[i] <- srv.ServeListener(ctx, ln, 10*time.Second) }()
	}
	defer func() {
		cancel()
		for i := range done {
			if err := <-done[i]; err != nil {
				t.Errorf("%s: serve: %v", ins[i].name, err)
			}
		}
	}()
	a, b := ins[0], ins[1]
	st := a.app.Store

	// Both serve the API, on the same data.
	for _, in := range ins {
		res, err := http.Get(in.base + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: /healthz: %s", in.name, res.Status)
		}
	}
	rcv := newReceiver(t)
	var hook model.Subscription
	if err := json.Unmarshal(a.call(t, "POST", "/api/v1/webhooks", []byte(`{"url":"`+rcv.URL+`","secret":"`+secret+`"}`), http.StatusCreated), &hook); err != nil {
		t.Fatal(err)
	}
	var p, v struct{ ID string }
	if err := json.Unmarshal(a.call(t, "POST", "/api/v1/products", []byte(`{"name":"Linea HMI Gateway","craRole":"manufacturer"}`), http.StatusCreated), &p); err != nil {
		t.Fatal(err)
	}
	var products [2]struct{ Items []struct{ ID, Name string } }
	a.get(t, "/api/v1/products", &products[0])
	b.get(t, "/api/v1/products", &products[1])
	if len(products[0].Items) != 1 || products[0].Items[0].ID != p.ID || mustJSON(t, products[0]) != mustJSON(t, products[1]) {
		t.Fatalf("product lists differ: %s: %+v, %s: %+v", a.name, products[0], b.name, products[1])
	}
	if err := json.Unmarshal(b.call(t, "POST", "/api/v1/products/"+p.ID+"/versions", []byte(`{"name":"4.2.0","lifecycle":"on_market"}`), http.StatusCreated), &v); err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(sbomPath)
	if err != nil {
		t.Fatal(err)
	}
	var uploaded struct{ SBOM struct{ ID string } }
	if err := json.Unmarshal(b.call(t, "POST", "/api/v1/versions/"+v.ID+"/sboms", doc, http.StatusCreated), &uploaded); err != nil {
		t.Fatal(err)
	}
	var sboms struct{ Items []struct{ ID string } }
	a.get(t, "/api/v1/versions/"+v.ID+"/sboms", &sboms)
	if len(sboms.Items) != 1 {
		t.Fatalf("%s lists %d SBOMs of the version uploaded through %s, want 1: %+v", a.name, len(sboms.Items), b.name, sboms)
	}
	rcv.wait(t, "finding.new", "CVE-2021-44228")

	// The feed sync: both servers started with the feeds scheduled; the
	// downloads were held until now.
	fs.release()
	for _, src := range []string{feeds.SourceCISAKEV, feeds.SourceEUKEV} {
		waitFor(t, src+" synchronised", func() bool {
			s, err := st.FeedState(ctx, src)
			return err == nil && !s.LastSuccess.IsZero()
		})
	}
	rcv.wait(t, "finding.exploited", "CVE-2021-44228")
	rcv.wait(t, "finding.exploited", "CVE-2022-22965")
	rcv.wait(t, "finding.exploited", "CVE-2023-44487")

	// A new advisory and a KEV entry, imported from the command line.
	adv := filepath.Join(dir, "flask.json")
	if err := os.WriteFile(adv, []byte(flaskAdvisory), 0o600); err != nil {
		t.Fatal(err)
	}
	run("db", "import", adv)
	rcv.wait(t, "finding.new", "CVE-2099-0001")
	kev := strings.Replace(twoKEV, `"vulnerabilities": [`, `"vulnerabilities": [
    {"cveID": "CVE-2023-32681", "vendorProject": "Python", "product": "Requests", "vulnerabilityName": "Requests credential leak", "dateAdded": "2026-12-06", "dueDate": "2026-12-27", "knownRansomwareCampaignUse": "Unknown"},`, 1)
	kevPath := filepath.Join(dir, "kev-new.json")
	if err := os.WriteFile(kevPath, []byte(kev), 0o600); err != nil {
		t.Fatal(err)
	}
	run("db", "import", kevPath)
	rcv.wait(t, "finding.exploited", "CVE-2023-32681")

	// A Dependency-Track upload through each server.
	tokens := map[string]string{} // project name → token
	for _, in := range ins {
		project := "gateway-" + in.name
		body, _ := json.Marshal(map[string]any{"projectName": project, "projectVersion": "1.0", "autoCreate": true,
			"bom": base64.StdEncoding.EncodeToString(doc)})
		var tok struct{ Token string }
		if err := json.Unmarshal(in.call(t, http.MethodPut, "/api/v1/bom", body, http.StatusOK), &tok); err != nil || tok.Token == "" {
			t.Fatalf("%s: PUT /api/v1/bom: token %q, %v", in.name, tok.Token, err)
		}
		tokens[project] = tok.Token
	}
	uploadVersions := map[string]bool{}
	for project, token := range tokens {
		waitFor(t, "upload "+token+" processed", func() bool {
			var s struct{ Processing bool }
			b.get(t, "/api/v1/bom/token/"+token, &s)
			return !s.Processing
		})
		var ut model.UploadToken
		a.get(t, "/api/v1/uploads/"+token, &ut)
		var pr struct{ UUID string }
		b.get(t, "/api/v1/project/lookup?"+url.Values{"name": {project}, "version": {"1.0"}}.Encode(), &pr)
		var ss struct{ Items []struct{ ID string } }
		a.get(t, "/api/v1/versions/"+pr.UUID+"/sboms", &ss)
		if ut.State != model.UploadDone || ut.SBOMID == "" || len(ss.Items) != 1 || ss.Items[0].ID != ut.SBOMID {
			t.Fatalf("upload %s of %s: token %+v, SBOMs %+v; want done with one SBOM", token, project, ut, ss.Items)
		}
		uploadVersions[pr.UUID] = true
	}

	// Let every job finish: nothing waits in the change log, the outbox or
	// the job table, several polls in a row.
	quiet := 0
	waitFor(t, "jobs settled", func() bool {
		if jobsActive(t, st) == 0 && !pending(t, ctx, a.app) {
			quiet++
		} else {
			quiet = 0
		}
		return quiet >= 6
	})

	// Each finding event is in the database once, and delivered once.
	got := rcv.received(t)
	byID := map[string]int{}
	delivered := map[string]int{} // "<version> <finding> <kind>" of each finding notice received
	processed := map[string]int{} // version of each upload.processed received
	for _, e := range got {
		byID[e.ID]++
		switch {
		case strings.HasPrefix(e.Type, "finding."):
			var n findings.Notice
			if err := json.Unmarshal(e.Data, &n); err != nil {
				t.Fatalf("webhook %s: %v", e.ID, err)
			}
			delivered[e.VersionID+" "+n.Event.FindingID+" "+string(n.Event.Kind)]++
		case e.Type == "upload.processed":
			processed[e.VersionID]++
		}
	}
	for id, n := range byID {
		if n != 1 {
			t.Errorf("event %s delivered %d times", id, n)
		}
	}
	events := 0
	for version := range mapKeys(uploadVersions, v.ID) {
		var evs struct{ Items []model.FindingEvent }
		b.get(t, "/api/v1/versions/"+version+"/finding-events?limit=1000", &evs)
		// In this run no finding gets two events of one kind.
		kinds := map[string]int{}
		for _, ev := range evs.Items {
			kinds[version+" "+ev.FindingID+" "+string(ev.Kind)]++
		}
		for k, n := range kinds {
			if n != 1 {
				t.Errorf("finding event %s recorded %d times", k, n)
			}
			if delivered[k] != 1 {
				t.Errorf("finding event %s delivered %d times", k, delivered[k])
			}
			delete(delivered, k)
		}
		events += len(evs.Items)
		if processed[version] != 1 {
			t.Errorf("version %s: upload.processed delivered %d times, want 1", version, processed[version])
		}
	}
	if len(delivered) > 0 {
		t.Errorf("finding webhooks without a stored event: %v", delivered)
	}
	if events < 4*3 {
		t.Errorf("%d finding events in all, want at least the new and exploited ones of three versions", events)
	}

	// The delivery log holds each event once, delivered at the first try.
	var ds struct{ Items []model.Delivery }
	a.get(t, "/api/v1/webhooks/"+hook.ID+"/deliveries?limit=1000", &ds)
	perEvent := map[string]int{}
	for _, d := range ds.Items {
		perEvent[d.EventID]++
		if d.State != model.DeliveryDelivered || d.Attempts != 1 || d.LastStatus != http.StatusOK {
			t.Errorf("delivery %+v: want delivered at the first attempt", d)
		}
	}
	if len(ds.Items) != len(got) || len(perEvent) != len(got) {
		t.Errorf("delivery log: %d deliveries of %d events, %d webhooks received", len(ds.Items), len(perEvent), len(got))
	}

	// Each feed was downloaded and imported once.
	requests, full := fs.counts()
	for _, path := range []string{"/kev.json", "/eukev.json"} {
		if full[path] != 1 {
			t.Errorf("%s downloaded %d times (%d requests), want once", path, full[path], requests[path])
		}
	}
	for _, src := range []string{feeds.SourceCISAKEV, feeds.SourceEUKEV} {
		s, err := st.FeedState(ctx, src)
		if err != nil || s.LastError != "" || s.LastChange.IsZero() || s.ETag == "" {
			t.Errorf("feed state of %s: %+v, %v", src, s, err)
		}
	}
	changes, err := st.Changes(ctx, 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	for _, cve := range []string{"CVE-2021-44228", "CVE-2022-22965", "CVE-2023-44487", "CVE-2099-0777", "CVE-2023-32681"} {
		n := 0
		for _, c := range changes {
			if c.Kind == store.ChangeExploited && c.Key == cve {
				n++
			}
		}
		if n != 1 {
			t.Errorf("change log: %d exploitation changes of %s, want 1", n, cve)
		}
	}

	// Every job ran once, on one of the two servers.
	ran := jobRuns(t, st)
	for _, j := range ran {
		if j.state != "completed" || j.attempt != 1 || len(j.by) != 1 || (j.by[0] != a.name && j.by[0] != b.name) {
			t.Errorf("job %d %s: state %s, attempt %d, run by %v; want completed once", j.id, j.kind, j.state, j.attempt, j.by)
		}
	}
	// The watch, the dispatch and the feed sync run one at a time across
	// both servers (unique jobs): each starts after the previous ended.
	last := map[string]jobRun{}
	for _, j := range ran {
		key := j.kind + " " + j.args // one feed source's sync at a time
		if prev, ok := last[key]; ok && j.kind != "rocca.deliver" && j.kind != "rocca.upload" && j.attempted.Before(prev.finalized) {
			t.Errorf("%s jobs ran at the same time: %d on %v from %s to %s, %d on %v from %s", j.kind, prev.id, prev.by,
				prev.attempted.Format(time.StampMicro), prev.finalized.Format(time.StampMicro), j.id, j.by, j.attempted.Format(time.StampMicro))
		}
		last[j.kind] = j
	}
	perKind := map[string]map[string]int{}
	for _, j := range ran {
		if perKind[j.kind] == nil {
			perKind[j.kind] = map[string]int{}
		}
		for _, by := range j.by {
			perKind[j.kind][by]++
		}
	}
	if n := sum(perKind["rocca.upload"]); n != 2 {
		t.Errorf("%d upload jobs, want 2", n)
	}
	if n := sum(perKind["rocca.deliver"]); n != len(got) {
		t.Errorf("%d delivery jobs for %d webhooks", n, len(got))
	}
	t.Logf("jobs run per kind and server: %v; feed requests %v", perKind, requests)
}

func mapKeys(m map[string]bool, more ...string) map[string]bool {
	out := map[string]bool{}
	for k := range m {
		out[k] = true
	}
	for _, k := range more {
		out[k] = true
	}
	return out
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// jobsActive counts River's jobs not yet finished.
func jobsActive(t *testing.T, st interface{ DB() *sql.DB }) int {
	t.Helper()
	var n int
	if err := st.DB().QueryRow(`SELECT count(*) FROM river_job WHERE state NOT IN ('completed', 'cancelled', 'discarded')`).Scan(&n); err != nil {
		t.Fatalf("count jobs: %v", err)
	}
	return n
}

// pending reports whether the watch or the outbox has work left.
func pending(t *testing.T, ctx context.Context, a *app.App) bool {
	t.Helper()
	w, err := a.Watcher().Pending(ctx)
	if err != nil {
		t.Fatal(err)
	}
	o, err := a.Notifier(nil).Pending(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return w || o
}

type jobRun struct {
	id                int64
	kind, state, args string
	attempt           int
	by                []string
	// attempted and finalized bound the job's run.
	attempted, finalized time.Time
}

// jobRuns lists River's jobs with the clients that ran them.
func jobRuns(t *testing.T, st interface{ DB() *sql.DB }) []jobRun {
	t.Helper()
	rows, err := st.DB().Query(`SELECT id, kind, state, args::text, attempt, coalesce(array_to_string(attempted_by, ','), ''),
		attempted_at, finalized_at FROM river_job ORDER BY attempted_at, id`)
	if err != nil {
		t.Fatalf("list jobs: %v", err)
	}
	defer rows.Close()
	var out []jobRun
	for rows.Next() {
		var j jobRun
		var by string
		var attempted, finalized sql.NullTime
		if err := rows.Scan(&j.id, &j.kind, &j.state, &j.args, &j.attempt, &by, &attempted, &finalized); err != nil {
			t.Fatal(err)
		}
		j.attempted, j.finalized = attempted.Time, finalized.Time
		if by != "" {
			j.by = strings.Split(by, ",")
		}
		out = append(out, j)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
