package app_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/crashpoint"
	"github.com/rocca-project/rocca/internal/demo"
	"github.com/rocca-project/rocca/internal/findings"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/notify"
	"github.com/rocca-project/rocca/internal/testutil"
)

// TestCrashRecovery kills `rocca serve` (and `rocca db import`) with
// SIGKILL at named points of an upload, a knowledge-base import, a
// re-match and a dispatch, restarts it, and checks: nothing acknowledged
// is lost, nothing is half-written, every finding event is recorded once,
// the webhooks of committed changes are delivered and none of rolled-back
// ones.
func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills rocca processes")
	}
	bin := buildRocca(t)
	for _, e := range testutil.Engines(t) {
		t.Run(e.Name, func(t *testing.T) { crashRecovery(t, bin, e.URL) })
	}
}

// buildRocca builds the rocca binary once for the test.
func buildRocca(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "rocca")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/rocca")
	cmd.Dir = testutil.ModuleRoot(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// proc is a rocca process of the test.
type proc struct {
	cmd  *exec.Cmd
	out  *testutil.SyncBuffer
	done chan error
}

// crashEnv is the environment of the test's rocca processes: no feeds
// downloaded, interrupted jobs taken over after 2 s, a crash point when
// crashAt is set.
func crashEnv(dbURL, crashAt string) []string {
	env := append(os.Environ(), "ROCCA_DATABASE_URL="+dbURL, "ROCCA_FEEDS_SCHEDULE=off", "ROCCA_JOB_RESCUE_AFTER=2s",
		"ROCCA_LOG_LEVEL=info", "ROCCA_WEBHOOK_ALLOW_LOOPBACK=1", crashpoint.Env+"=")
	if crashAt != "" {
		env = append(env, crashpoint.Env+"="+crashAt)
	}
	return env
}

func start(t *testing.T, bin, dbURL, addr, crashAt string) *proc {
	t.Helper()
	p := &proc{out: &testutil.SyncBuffer{}, done: make(chan error, 1)}
	p.cmd = exec.Command(bin, "serve", "--addr", addr)
	p.cmd.Env = crashEnv(dbURL, crashAt)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if res, err := http.Get("http://" + addr + "/healthz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return p
			}
		}
		select {
		case err := <-p.done:
			p.done <- err
			t.Fatalf("rocca serve exited at start: %v\n%s", err, p.out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("rocca serve did not come up\n%s", p.out.String())
		}
	}
}

// killed waits for the process to die of SIGKILL at its crash point.
func (p *proc) killed(t *testing.T, point string) {
	t.Helper()
	select {
	case err := <-p.done:
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("rocca did not die at %s: %v\n%s", point, err, p.out.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("rocca never reached %s\n%s", point, p.out.String())
	}
}

// stop ends a process as an operator would (SIGTERM) and waits.
func (p *proc) stop(t *testing.T) {
	t.Helper()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(60 * time.Second):
		_ = p.cmd.Process.Kill()
		t.Fatalf("rocca serve did not stop\n%s", p.out.String())
	}
}

// runRocca runs a rocca command to its end and returns its standard
// output (with its standard error after it when it fails).
func runRocca(t *testing.T, bin, dbURL, crashAt string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = crashEnv(dbURL, crashAt)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return string(out) + stderr.String(), err
	}
	return string(out), nil
}

func crashRecovery(t *testing.T, bin, dbURL string) {
	dir := t.TempDir()
	feeds, sbomPath, err := demo.WriteTo(dir)
	if err != nil {
		t.Fatal(err)
	}
	must := func(out string, err error) string {
		t.Helper()
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		return out
	}
	must(runRocca(t, bin, dbURL, "", append([]string{"db", "import"}, feeds...)...))
	must(runRocca(t, bin, dbURL, "", "org", "create", "acme"))
	key := strings.TrimSpace(lastLine(must(runRocca(t, bin, dbURL, "", "apikey", "create", "--org", "acme", "--name", "ci"))))
	doc, err := os.ReadFile(sbomPath)
	if err != nil {
		t.Fatal(err)
	}
	rcv := newReceiver(t)
	addr := testutil.FreeAddr(t)
	api := func(method, path string, body []byte) (int, []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, "http://"+addr+path, bytes.NewReader(body))
		req.Header.Set("X-Api-Key", key)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, b
	}
	srv := start(t, bin, dbURL, addr, "")
	if code, b := api("POST", "/api/v1/webhooks", []byte(`{"url":"`+rcv.URL+`","secret":"`+secret+`"}`)); code != http.StatusCreated {
		t.Fatalf("webhook: %d %s", code, b)
	}
	srv.stop(t)

	// 1. Uploads killed inside the ingestion's transaction and after its
	// commit: the acknowledged upload is processed once after the restart.
	for i, point := range []string{"upload.before-commit", "upload.after-commit"} {
		project := fmt.Sprintf("crash-%d", i)
		srv := start(t, bin, dbURL, addr, point)
		body, _ := json.Marshal(map[string]any{"projectName": project, "projectVersion": "1.0", "autoCreate": true,
			"bom": base64.StdEncoding.EncodeToString(doc)})
		code, b := api("PUT", "/api/v1/bom", body)
		if code != http.StatusOK {
			t.Fatalf("%s: PUT /api/v1/bom: %d %s", point, code, b)
		}
		var tok struct{ Token string }
		if err := json.Unmarshal(b, &tok); err != nil {
			t.Fatal(err)
		}
		srv.killed(t, point)
		srv = start(t, bin, dbURL, addr, "")
		var up model.UploadToken
		for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
			_, b := api("GET", "/api/v1/uploads/"+tok.Token, nil)
			_ = json.Unmarshal(b, &up)
			if up.State == model.UploadDone || up.State == model.UploadFailed {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: the acknowledged upload was not processed after the restart: %+v\n%s", point, up, srv.out.String())
			}
		}
		if up.State != model.UploadDone {
			t.Fatalf("%s: upload %+v", point, up)
		}
		_, b = api("GET", "/api/v1/versions/"+up.VersionID+"/sboms", nil)
		var sboms struct{ Items []model.StoredSBOM }
		if err := json.Unmarshal(b, &sboms); err != nil || len(sboms.Items) != 1 {
			t.Errorf("%s: SBOMs of the version %s", point, b)
		}
		evs := versionEvents(t, api, up.VersionID)
		assertOnce(t, point, evs)
		waitHooks(t, rcv, point, func(got []notify.Envelope) error {
			processed := 0
			for _, e := range got {
				if e.VersionID == up.VersionID && e.Type == "upload.processed" {
					processed++
				}
			}
			if processed != 1 {
				return fmt.Errorf("upload.processed delivered %d times", processed)
			}
			return hooksMatchEvents(got, up.VersionID, evs)
		})
		srv.stop(t)
	}

	// Two more versions with the demo SBOM, so that a knowledge-base change
	// re-matches several versions.
	srv = start(t, bin, dbURL, addr, "")
	code, b := api("POST", "/api/v1/products", []byte(`{"name":"Linea HMI Gateway"}`))
	if code != http.StatusCreated {
		t.Fatalf("product: %d %s", code, b)
	}
	var p model.Product
	_ = json.Unmarshal(b, &p)
	var versions []string
	for _, name := range []string{"4.1", "4.2"} {
		code, b := api("POST", "/api/v1/products/"+p.ID+"/versions", []byte(`{"name":"`+name+`","lifecycle":"on_market"}`))
		if code != http.StatusCreated {
			t.Fatalf("version: %d %s", code, b)
		}
		var v model.Version
		_ = json.Unmarshal(b, &v)
		versions = append(versions, v.ID)
		if code, b := api("POST", "/api/v1/versions/"+v.ID+"/sboms", doc); code != http.StatusCreated {
			t.Fatalf("upload: %d %s", code, b)
		}
	}
	srv.stop(t)

	// 2. `rocca db import` killed inside its transaction: nothing of it is
	// kept; run again, the server's watch opens the findings once.
	adv := filepath.Join(dir, "flask.json")
	if err := os.WriteFile(adv, []byte(flaskAdvisory), 0o600); err != nil {
		t.Fatal(err)
	}
	srv = start(t, bin, dbURL, addr, "")
	if out, err := runRocca(t, bin, dbURL, "import.before-commit", "db", "import", adv); err == nil {
		t.Fatalf("db import was not killed:\n%s", out)
	}
	if code, _ := api("GET", "/api/v1/vulnerabilities/ROCCA-TEST-FLASK", nil); code != http.StatusNotFound {
		t.Fatalf("the killed import left the advisory behind: %d", code)
	}
	srv.stop(t)

	// 3. The watch killed after re-matching the first of the versions:
	// after the restart it re-runs the batch, and every event is there once.
	srv = start(t, bin, dbURL, addr, "rematch.after-version")
	must(runRocca(t, bin, dbURL, "", "db", "import", adv))
	srv.killed(t, "rematch.after-version")
	srv = start(t, bin, dbURL, addr, "")
	for _, v := range versions {
		waitEvent(t, api, v, "CVE-2099-0001", model.EventNew)
		assertOnce(t, "rematch.after-version", versionEvents(t, api, v))
	}
	waitHooks(t, rcv, "rematch.after-version", func(got []notify.Envelope) error {
		for _, v := range versions {
			if err := hooksMatchEvents(got, v, versionEvents(t, api, v)); err != nil {
				return err
			}
		}
		return nil
	})
	srv.stop(t)

	// 4. The dispatch killed after creating the deliveries, before sending
	// any: they are sent after the restart.
	kev := findFeed(t, feeds, "kev.json")
	kev = bytes.Replace(kev, []byte(`"vulnerabilities": [`), []byte(`"vulnerabilities": [
    {"cveID": "CVE-2023-32681", "vendorProject": "Python", "product": "Requests", "vulnerabilityName": "Requests credential leak", "dateAdded": "2026-12-06", "dueDate": "2026-12-27", "knownRansomwareCampaignUse": "Unknown"},`), 1)
	kevPath := filepath.Join(dir, "kev-new.json")
	if err := os.WriteFile(kevPath, kev, 0o600); err != nil {
		t.Fatal(err)
	}
	srv = start(t, bin, dbURL, addr, "dispatch.after-commit")
	must(runRocca(t, bin, dbURL, "", "db", "import", kevPath))
	srv.killed(t, "dispatch.after-commit")
	srv = start(t, bin, dbURL, addr, "")
	for _, v := range versions {
		waitEvent(t, api, v, "CVE-2023-32681", model.EventExploited)
		assertOnce(t, "dispatch.after-commit", versionEvents(t, api, v))
	}
	waitHooks(t, rcv, "dispatch.after-commit", func(got []notify.Envelope) error {
		for _, v := range versions {
			if err := hooksMatchEvents(got, v, versionEvents(t, api, v)); err != nil {
				return err
			}
		}
		return nil
	})
	srv.stop(t)
}

type apiFunc func(method, path string, body []byte) (int, []byte)

// versionEvents returns every finding event of a version.
func versionEvents(t *testing.T, api apiFunc, version string) []model.FindingEvent {
	t.Helper()
	code, b := api("GET", "/api/v1/versions/"+version+"/finding-events?limit=1000", nil)
	var evs struct{ Items []model.FindingEvent }
	if code != http.StatusOK || json.Unmarshal(b, &evs) != nil {
		t.Fatalf("finding events of %s: %d %s", version, code, b)
	}
	return evs.Items
}

// assertOnce checks that no finding has the same event twice.
func assertOnce(t *testing.T, what string, evs []model.FindingEvent) {
	t.Helper()
	seen := map[string]bool{}
	for _, e := range evs {
		k := e.FindingID + " " + string(e.Kind) + " " + e.Detail
		if seen[k] {
			t.Errorf("%s: event recorded twice: %+v", what, e)
		}
		seen[k] = true
	}
	if len(evs) == 0 {
		t.Errorf("%s: no finding events", what)
	}
}

// waitEvent waits until a version has an event of kind for the vulnerability.
func waitEvent(t *testing.T, api apiFunc, version, vuln string, kind model.FindingEventKind) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		code, b := api("GET", "/api/v1/versions/"+version+"/findings?limit=1000", nil)
		var fs struct{ Items []model.TrackedFinding }
		if code == http.StatusOK && json.Unmarshal(b, &fs) == nil {
			for _, f := range fs.Items {
				if f.VulnID != vuln {
					continue
				}
				for _, e := range versionEvents(t, api, version) {
					if e.FindingID == f.ID && e.Kind == kind {
						return
					}
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s event for %s in %s after 60 s", kind, vuln, version)
		}
	}
}

// hooksMatchEvents checks that the finding webhooks received for a
// version are exactly its finding events, each once (by event id and by
// finding and kind).
func hooksMatchEvents(got []notify.Envelope, version string, evs []model.FindingEvent) error {
	ids := map[string]int{}
	byKey := map[string]int{}
	for _, e := range got {
		if e.VersionID != version || !strings.HasPrefix(e.Type, "finding.") {
			continue
		}
		ids[e.ID]++
		var n findings.Notice
		if err := json.Unmarshal(e.Data, &n); err != nil {
			return err
		}
		byKey[n.Event.FindingID+" "+string(n.Event.Kind)+" "+n.Event.Detail]++
	}
	for id, c := range ids {
		if c != 1 {
			return fmt.Errorf("event %s delivered %d times", id, c)
		}
	}
	for _, e := range evs {
		k := e.FindingID + " " + string(e.Kind) + " " + e.Detail
		if byKey[k] != 1 {
			return fmt.Errorf("event %s of finding %s delivered %d times", e.Kind, e.FindingID, byKey[k])
		}
		delete(byKey, k)
	}
	if len(byKey) > 0 {
		return fmt.Errorf("webhooks for events that were not recorded (rolled back?): %v", byKey)
	}
	return nil
}

// waitHooks waits until check accepts what the receiver got.
func waitHooks(t *testing.T, r *receiver, what string, check func([]notify.Envelope) error) {
	t.Helper()
	var err error
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		r.mu.Lock()
		got := append([]notify.Envelope(nil), r.got...)
		bad := append([]string(nil), r.errs...)
		r.mu.Unlock()
		if len(bad) > 0 {
			t.Fatalf("%s: receiver errors: %v", what, bad)
		}
		if err = check(got); err == nil {
			return
		}
	}
	t.Fatalf("%s: webhooks after 60 s: %v", what, err)
}
