package cli_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/cli"
	"github.com/rocca-project/rocca/internal/testutil"
)

func TestServeEndToEnd(t *testing.T) {
	db, sbomPath := demoDB(t)
	code, out, errs := run(t, "org", "create", "Example Macchine", "--database", db)
	if code != cli.ExitOK || !strings.Contains(out, "Example Macchine") {
		t.Fatalf("org create: %d %s %s", code, out, errs)
	}
	if code, _, _ := run(t, "org", "create", "Example Macchine", "--database", db); code != cli.ExitInput {
		t.Errorf("duplicate org create: exit %d", code)
	}
	if code, _, errs := run(t, "org", "create", "Evil\x1b]0;title\x07", "--database", db); code != cli.ExitInput || !strings.Contains(errs, "control character") {
		t.Errorf("org create with an escape sequence: exit %d %s", code, errs)
	}
	if code, _, errs := run(t, "apikey", "create", "--org", "Example Macchine", "--name", strings.Repeat("k", 300), "--database", db); code != cli.ExitInput || !strings.Contains(errs, "limit of 200") {
		t.Errorf("apikey create with a long label: exit %d %s", code, errs)
	}
	code, key, errs := run(t, "apikey", "create", "--org", "Example Macchine", "--name", "ci", "--database", db)
	key = strings.TrimSpace(key)
	if code != cli.ExitOK || !strings.HasPrefix(key, "rocca_") || !strings.Contains(errs, "only this once") {
		t.Fatalf("apikey create: %d %q %s", code, key, errs)
	}
	if code, _, _ := run(t, "apikey", "create", "--org", "nobody", "--name", "ci", "--database", db); code != cli.ExitInput {
		t.Errorf("apikey for unknown org: exit %d", code)
	}

	addr := testutil.FreeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr testutil.SyncBuffer
	done := make(chan int, 1)
	go func() {
		done <- cli.Run(ctx, []string{"serve", "--addr", addr, "--database", db, "--feeds-schedule", "off"}, &stdout, &stderr)
	}()
	base := "http://" + addr
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err := http.Get(base + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not come up: %v\n%s", err, stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if res, err := http.Get(base + "/readyz"); err != nil || res.StatusCode != 200 {
		t.Fatalf("readyz: %v %v", res, err)
	}

	// /healthz and the start-up log line carry the identity `rocca version --json` prints.
	_, vjson, _ := run(t, "version", "--json")
	var want, got map[string]any
	if err := json.Unmarshal([]byte(vjson), &want); err != nil {
		t.Fatalf("version --json: %v: %q", err, vjson)
	}
	hres, herr := http.Get(base + "/healthz")
	if herr != nil {
		t.Fatal(herr)
	}
	herr = json.NewDecoder(hres.Body).Decode(&got)
	hres.Body.Close()
	if herr != nil || got["status"] != "ok" {
		t.Fatalf("healthz: %v %v", got, herr)
	}
	for k, v := range want {
		if fmt.Sprint(got[k]) != fmt.Sprint(v) {
			t.Errorf("healthz %s = %v, version --json says %v", k, got[k], v)
		}
	}
	if log := stderr.String(); !strings.Contains(log, "msg=listening") || !strings.Contains(log, "version="+fmt.Sprint(want["version"])) {
		t.Errorf("start-up log line lacks the version:\n%s", log)
	}

	// One Dependency-Track style upload through the real listener.
	doc, err := os.ReadFile(sbomPath)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{"projectName": "gateway", "projectVersion": "1.0", "autoCreate": true,
		"bom": base64.StdEncoding.EncodeToString(doc)})
	req, _ := http.NewRequest("PUT", base+"/api/v1/bom", bytes.NewReader(body))
	req.Header.Set("X-Api-Key", key)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(b), "token") {
		t.Fatalf("PUT /api/v1/bom: %d %s", res.StatusCode, b)
	}

	// Shut down as on SIGINT (main cancels the context): the exit code is
	// 0, and an accepted upload is processed before or, kept in the
	// database, after the next start.
	cancel()
	select {
	case code := <-done:
		if code != cli.ExitOK {
			t.Fatalf("serve exit %d\n%s", code, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
	logs := stderr.String()
	for _, want := range []string{"listening", "shutting down", "stopped"} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %q:\n%s", want, logs)
		}
	}
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	var stderr2 testutil.SyncBuffer
	done2 := make(chan int, 1)
	go func() {
		done2 <- cli.Run(ctx2, []string{"serve", "--addr", testutil.FreeAddr(t), "--database", db, "--feeds-schedule", "off"}, &stdout, &stderr2)
	}()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		code, out, errs = run(t, "product", "list", "--org", "Example Macchine", "--database", db)
		if code == cli.ExitOK && strings.Contains(out, "gateway") && strings.Contains(out, "[1.0]") &&
			strings.Contains(logs+stderr2.String(), "upload processed") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the accepted upload was not processed: product list: %d %s %s\n%s%s", code, out, errs, logs, stderr2.String())
		}
	}
	cancel2()
	if code := <-done2; code != cli.ExitOK {
		t.Fatalf("second serve exit %d\n%s", code, stderr2.String())
	}
	code, out, _ = run(t, "apikey", "list", "--org", "Example Macchine", "--database", db)
	id := strings.Fields(strings.Split(out, "\n")[1])[0]
	if code != cli.ExitOK || !strings.Contains(out, "ci") || !strings.Contains(out, key[:10]) {
		t.Fatalf("apikey list: %d %s", code, out)
	}
	if code, _, errs := run(t, "apikey", "revoke", id, "--database", db); code != cli.ExitOK {
		t.Errorf("apikey revoke: %d %s", code, errs)
	}
	if code, _, _ := run(t, "apikey", "revoke", "no-such-key", "--database", db); code != cli.ExitInput {
		t.Errorf("revoke unknown key: exit %d", code)
	}
	code, out, _ = run(t, "org", "list", "--database", db)
	if code != cli.ExitOK || !strings.Contains(out, "Example Macchine") {
		t.Errorf("org list: %d %s", code, out)
	}
	if code, _, _ := run(t, "serve", "--addr", addr, "--max-bom-bytes", "0", "--database", filepath.Join(t.TempDir(), "x.db")); code != cli.ExitUsage {
		t.Errorf("serve --max-bom-bytes 0: exit %d", code)
	}
}
