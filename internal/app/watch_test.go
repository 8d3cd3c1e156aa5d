package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
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
	"github.com/rocca-project/rocca/internal/findings"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/notify"
	"github.com/rocca-project/rocca/internal/testutil"
)

const secret = "a-webhook-secret-of-some-length"

// receiver is a webhook endpoint that checks every signature.
type receiver struct {
	*httptest.Server
	mu   sync.Mutex
	got  []notify.Envelope
	errs []string
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		if err := notify.Verify(secret, req.Header.Get("X-Rocca-Signature"), body, time.Now(), 5*time.Minute); err != nil {
			r.errs = append(r.errs, err.Error())
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if req.Header.Get("X-Rocca-Delivery") == "" || req.Header.Get("X-Rocca-Event") == "" {
			r.errs = append(r.errs, "missing delivery or event header")
		}
		var env notify.Envelope
		if err := json.Unmarshal(body, &env); err != nil {
			r.errs = append(r.errs, err.Error())
		}
		r.got = append(r.got, env)
	}))
	t.Cleanup(r.Close)
	return r
}

// wait returns the first received envelope of type typ whose finding's
// vulnerability is vuln, waiting up to a deadline.
func (r *receiver) wait(t *testing.T, typ, vuln string) (notify.Envelope, findings.Notice) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		r.mu.Lock()
		for _, e := range r.got {
			var n findings.Notice
			if e.Type == typ && json.Unmarshal(e.Data, &n) == nil && n.Finding != nil && n.Finding.VulnID == vuln {
				r.mu.Unlock()
				return e, n
			}
		}
		errs := append([]string(nil), r.errs...)
		r.mu.Unlock()
		if len(errs) > 0 {
			t.Fatalf("receiver errors: %v", errs)
		}
		time.Sleep(50 * time.Millisecond)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	t.Fatalf("no %s webhook for %s within 30 s; got %d: %+v", typ, vuln, len(r.got), r.got)
	return notify.Envelope{}, findings.Notice{}
}

const flaskAdvisory = `{"schema_version":"1.6.0","id":"ROCCA-TEST-FLASK","modified":"2026-12-01T00:00:00Z",
 "aliases":["CVE-2099-0001"],"summary":"Flask test vulnerability",
 "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
 "affected":[{"package":{"ecosystem":"PyPI","name":"flask"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"3.0.1"}]}]}]}`

// TestWatchEndToEnd is issue 8's acceptance: a running server, an SBOM
// uploaded through the API, then `rocca db import` run from the command
// line against the server's database: a new advisory becomes a finding,
// its event and a signed webhook; a KEV entry for an existing finding's
// CVE becomes a "finding.exploited" event and webhook.
func TestWatchEndToEnd(t *testing.T) {
	for _, e := range testutil.Engines(t) {
		t.Run(e.Name, func(t *testing.T) { watchEndToEnd(t, e.URL) })
	}
}

func watchEndToEnd(t *testing.T, dbURL string) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir := t.TempDir()
	feeds, sbomPath, err := demo.WriteTo(dir)
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
	run(append([]string{"db", "import"}, feeds...)...)
	run("org", "create", "acme")
	key := strings.TrimSpace(lastLine(run("apikey", "create", "--org", "acme", "--name", "ci")))

	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg, err := config.Resolve(config.Flags{Database: dbURL, Addr: "127.0.0.1:0"}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	opts := app.ServerOptionsOf(cfg)
	if opts.Feeds == nil {
		t.Fatal("feeds_schedule is on by default, yet no feeds are scheduled")
	}
	opts.Feeds = nil // no downloads from the test
	opts.Poll = 100 * time.Millisecond
	opts.WebhookLoopback = true
	srv, err := a.NewServer(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.ServeListener(ctx, ln, 10*time.Second) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	base := "http://" + ln.Addr().String()
	call := func(method, path string, body []byte, want int) map[string]any {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, bytes.NewReader(body))
		req.Header.Set("X-Api-Key", key)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != want {
			t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, b)
		}
		var v map[string]any
		_ = json.Unmarshal(b, &v)
		return v
	}
	rcv := newReceiver(t)
	hook := call("POST", "/api/v1/webhooks", []byte(`{"url":"`+rcv.URL+`","secret":"`+secret+`"}`), http.StatusCreated)
	if _, leaked := hook["secret"]; leaked {
		t.Fatalf("webhook answer shows its secret: %v", hook)
	}
	p := call("POST", "/api/v1/products", []byte(`{"name":"Linea HMI Gateway","craRole":"manufacturer"}`), http.StatusCreated)
	v := call("POST", "/api/v1/products/"+p["id"].(string)+"/versions", []byte(`{"name":"4.2.0","lifecycle":"on_market"}`), http.StatusCreated)
	version := v["id"].(string)
	doc, err := os.ReadFile(sbomPath)
	if err != nil {
		t.Fatal(err)
	}
	call("POST", "/api/v1/versions/"+version+"/sboms", doc, http.StatusCreated)
	// The upload's own findings are notified too.
	rcv.wait(t, "finding.new", "CVE-2021-44228")

	// A new advisory, imported from the command line into the running
	// server's database.
	adv := filepath.Join(dir, "flask.json")
	if err := os.WriteFile(adv, []byte(flaskAdvisory), 0o600); err != nil {
		t.Fatal(err)
	}
	run("db", "import", adv)
	env, n := rcv.wait(t, "finding.new", "CVE-2099-0001")
	if env.VersionID != version || n.Finding.State != model.FindingOpen || n.Finding.Package != "flask" || n.Event.Kind != model.EventNew {
		t.Fatalf("flask webhook %+v %+v", env, n)
	}
	evs := call("GET", "/api/v1/versions/"+version+"/finding-events?limit=1000", nil, http.StatusOK)
	if !strings.Contains(mustJSON(t, evs), n.Finding.ID) {
		t.Fatalf("finding event of %s not listed: %v", n.Finding.ID, evs)
	}

	// CISA lists requests' CVE as exploited.
	kev, err := os.ReadFile(filepath.Join(dir, "kev.json"))
	if err != nil {
		kev = findFeed(t, feeds, "kev.json")
	}
	kev = bytes.Replace(kev, []byte(`"vulnerabilities": [`), []byte(`"vulnerabilities": [
    {"cveID": "CVE-2023-32681", "vendorProject": "Python", "product": "Requests", "vulnerabilityName": "Requests credential leak", "dateAdded": "2026-12-06", "dueDate": "2026-12-27", "knownRansomwareCampaignUse": "Unknown"},`), 1)
	kevPath := filepath.Join(dir, "kev-new.json")
	if err := os.WriteFile(kevPath, kev, 0o600); err != nil {
		t.Fatal(err)
	}
	run("db", "import", kevPath)
	_, ex := rcv.wait(t, "finding.exploited", "CVE-2023-32681")
	if !ex.Finding.KEV || ex.Event.Kind != model.EventExploited {
		t.Fatalf("exploited webhook %+v", ex)
	}
	// The metrics tell the jobs that ran and the open findings.
	mres, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	mb, _ := io.ReadAll(mres.Body)
	mres.Body.Close()
	for _, want := range []string{`rocca_job_duration_seconds_count{kind="rocca.watch",outcome="ok"}`,
		`rocca_job_duration_seconds_count{kind="rocca.deliver",outcome="ok"}`, `rocca_findings_open{kev="true"`,
		`rocca_rematch_duration_seconds_count`} {
		if !strings.Contains(string(mb), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	// The delivery log shows the successful deliveries.
	ds := call("GET", "/api/v1/webhooks/"+hook["id"].(string)+"/deliveries", nil, http.StatusOK)
	items, _ := ds["items"].([]any)
	if len(items) == 0 || !strings.Contains(mustJSON(t, ds), `"state":"delivered"`) || !strings.Contains(mustJSON(t, ds), `"lastStatus":200`) {
		t.Fatalf("deliveries %v", ds)
	}
}

func findFeed(t *testing.T, feeds []string, name string) []byte {
	t.Helper()
	for _, f := range feeds {
		if filepath.Base(f) == name {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
	t.Fatalf("no %s among %v", name, feeds)
	return nil
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
