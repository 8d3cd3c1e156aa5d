package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/app"
	"github.com/rocca-project/rocca/internal/cli"
	"github.com/rocca-project/rocca/internal/config"
	"github.com/rocca-project/rocca/internal/demo"
	"github.com/rocca-project/rocca/internal/findings"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/testutil"
)

// TestTriageEndToEnd is issue 10's acceptance through a running server,
// on both engines: a product-wide not_affected decision made through the
// API on version 1.0 is inherited by version 1.1 uploaded afterwards
// (its finding shows the decision's origin); then CISA KEV, imported from
// the command line as the watch test does, lists the vulnerability: both
// findings' decisions are flagged for review, a finding.analysis_review
// webhook arrives, and no finding.exploited is sent for them.
func TestTriageEndToEnd(t *testing.T) {
	for _, e := range testutil.Engines(t) {
		t.Run(e.Name, func(t *testing.T) { triageEndToEnd(t, e.URL) })
	}
}

func triageEndToEnd(t *testing.T, dbURL string) {
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
	key := strings.TrimSpace(lastLine(run("apikey", "create", "--org", "acme", "--name", "ci-pipeline")))

	cfg, err := config.Resolve(config.Flags{Database: dbURL, Addr: "127.0.0.1:0"}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	opts := app.ServerOptionsOf(cfg)
	opts.Feeds, opts.Poll, opts.WebhookLoopback = nil, 100*time.Millisecond, true
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
	call := func(method, path string, body []byte, want int, into any) {
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
		if into != nil {
			if err := json.Unmarshal(b, into); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
		}
	}
	rcv := newReceiver(t)
	call("POST", "/api/v1/webhooks", []byte(`{"url":"`+rcv.URL+`","secret":"`+secret+`"}`), http.StatusCreated, nil)
	var p model.Product
	var v model.Version
	call("POST", "/api/v1/products", []byte(`{"name":"Linea HMI Gateway","craRole":"manufacturer"}`), http.StatusCreated, &p)
	doc, err := os.ReadFile(sbomPath)
	if err != nil {
		t.Fatal(err)
	}
	upload := func(name, requests string) string {
		call("POST", "/api/v1/products/"+p.ID+"/versions", []byte(`{"name":"`+name+`","lifecycle":"on_market"}`), http.StatusCreated, &v)
		call("POST", "/api/v1/versions/"+v.ID+"/sboms", bytes.ReplaceAll(doc, []byte("2.28.1"), []byte(requests)), http.StatusCreated, nil)
		return v.ID
	}
	requestsFinding := func(version string) model.TrackedFinding {
		t.Helper()
		var page struct{ Items []model.TrackedFinding }
		call("GET", "/api/v1/versions/"+version+"/findings?limit=1000", nil, http.StatusOK, &page)
		for _, f := range page.Items {
			if f.VulnID == "CVE-2023-32681" {
				return f
			}
		}
		t.Fatalf("no requests finding in %s: %+v", version, page.Items)
		return model.TrackedFinding{}
	}
	v10 := upload("1.0", "2.28.1")
	f10 := requestsFinding(v10)
	// A statement without its justification is refused, naming the field.
	var prob struct{ Detail string }
	call("PUT", "/api/v1/findings/"+f10.ID+"/analysis", []byte(`{"status":"not_affected","scope":"product"}`), http.StatusBadRequest, &prob)
	if !strings.HasPrefix(prob.Detail, "justification:") {
		t.Errorf("problem %q does not name the field", prob.Detail)
	}
	call("PUT", "/api/v1/findings/"+f10.ID+"/analysis", []byte(`{"status":"not_affected","scope":"product",
		"justification":"vulnerable_code_not_in_execute_path","detail":"no proxy is ever configured"}`), http.StatusOK, nil)
	_, n := rcv.wait(t, "finding.analysis", "CVE-2023-32681")
	if a := n.Finding.Analysis; a == nil || a.Status != model.StatusNotAffected || a.Justification != "vulnerable_code_not_in_execute_path" ||
		a.Scope != model.ScopeProduct || a.DecidedBy != "ci-pipeline" {
		t.Fatalf("finding.analysis webhook carries %+v", n.Finding.Analysis)
	}

	v11 := upload("1.1", "2.29.0")
	f11 := requestsFinding(v11)
	if a := f11.Analysis; a == nil || a.Status != model.StatusNotAffected || !a.Inherited || a.Origin.VersionID != v10 || a.Origin.FindingID != f10.ID {
		t.Fatalf("1.1's finding: %+v", f11.Analysis)
	}

	kev := findFeed(t, feeds, "kev.json")
	kev = bytes.Replace(kev, []byte(`"vulnerabilities": [`), []byte(`"vulnerabilities": [
    {"cveID": "CVE-2023-32681", "vendorProject": "Python", "product": "Requests", "vulnerabilityName": "Requests credential leak", "dateAdded": "2026-12-06", "dueDate": "2026-12-27", "knownRansomwareCampaignUse": "Unknown"},`), 1)
	kevPath := filepath.Join(dir, "kev-new.json")
	if err := os.WriteFile(kevPath, kev, 0o600); err != nil {
		t.Fatal(err)
	}
	run("db", "import", kevPath)
	_, rv := rcv.wait(t, "finding.analysis_review", "CVE-2023-32681")
	if a := rv.Finding.Analysis; a == nil || !a.NeedsReview || !rv.Finding.KEV || rv.Event.Kind != model.EventAnalysisReview {
		t.Fatalf("review webhook %+v", rv)
	}
	for _, id := range []string{f10.ID, f11.ID} {
		var fa struct {
			Current *model.FindingAnalysis
			History []model.Analysis
		}
		call("GET", "/api/v1/findings/"+id+"/analysis", nil, http.StatusOK, &fa)
		if fa.Current == nil || !fa.Current.NeedsReview || !strings.Contains(fa.Current.ReviewReason, "known exploited") || len(fa.History) != 1 {
			t.Errorf("finding %s after KEV: %+v", id, fa)
		}
		var page struct{ Items []model.TrackedFinding }
		version := map[string]string{f10.ID: v10, f11.ID: v11}[id]
		call("GET", "/api/v1/versions/"+version+"/findings?needs_review=true", nil, http.StatusOK, &page)
		if len(page.Items) != 1 || page.Items[0].ID != id {
			t.Errorf("needs_review filter of %s: %+v", version, page.Items)
		}
	}
	// The review replaced the exploitation notice of these findings.
	rows, err := a.Store.DB().QueryContext(ctx, `SELECT type, payload FROM outbox`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	reviews := 0
	for rows.Next() {
		var typ, payload string
		if err := rows.Scan(&typ, &payload); err != nil {
			t.Fatal(err)
		}
		var n findings.Notice
		_ = json.Unmarshal([]byte(payload), &n)
		if n.Finding == nil || (n.Finding.ID != f10.ID && n.Finding.ID != f11.ID) {
			continue
		}
		switch typ {
		case "finding.exploited":
			t.Errorf("finding.exploited sent for the not_affected finding %s", n.Finding.ID)
		case "finding.analysis_review":
			reviews++
		}
	}
	if reviews != 2 {
		t.Errorf("%d analysis_review events, want 2", reviews)
	}
}
