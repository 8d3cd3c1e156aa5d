package cli_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/rocca-project/rocca/internal/cli"
	"github.com/rocca-project/rocca/internal/testutil"
)

// TestFeedsSyncAndStatus syncs the EU KEV list and the EUVD fixtures from
// a local server (the other sources off), twice, and reads the status.
func TestFeedsSyncAndStatus(t *testing.T) {
	eukev := filepath.Join(testutil.Corpora(t), "vulndata", "eukev", "eukev.json")
	euvd := filepath.Join("..", "kb", "testdata", "euvd")
	files := map[string]string{"/eukev.json": eukev, "/kev": filepath.Join(euvd, "kev-dump.json"),
		"/mapping": filepath.Join(euvd, "cve-euvd-mapping.csv")}
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		p, ok := files[r.URL.Path]
		mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("ETag", `"`+filepath.Base(p)+`"`)
		http.ServeFile(w, r, p)
	}))
	defer srv.Close()
	db := filepath.Join(t.TempDir(), "rocca.db")
	args := []string{"--database", db, "--feeds-osv-url", "off", "--feeds-cisa-kev-url", "off", "--feeds-epss-url", "off",
		"--feeds-eu-kev-url", srv.URL + "/eukev.json", "--feeds-euvd-exploited-url", srv.URL + "/kev",
		"--feeds-euvd-mapping-url", srv.URL + "/mapping"}
	code, out, errs := run(t, append([]string{"feeds", "sync"}, args...)...)
	if code != cli.ExitOK || !strings.Contains(out, "eu-kev: ") || !strings.Contains(out, "43 new") || !strings.Contains(out, "euvd-mapping: ") {
		t.Fatalf("first sync: %d\n%s\n%s", code, out, errs)
	}
	code, out, errs = run(t, append([]string{"feeds", "sync", "exploited"}, args...)...)
	if code != cli.ExitOK || strings.Count(out, "unchanged (not modified)") != 2 || strings.Contains(out, "mapping") {
		t.Fatalf("second sync: %d\n%s\n%s", code, out, errs)
	}
	code, out, errs = run(t, append([]string{"feeds", "status", "--json"}, args...)...)
	var sts []struct {
		Source    string `json:"source"`
		LastError string `json:"lastError"`
		Never     bool   `json:"never"`
		Due       bool   `json:"due"`
	}
	if code != cli.ExitOK || json.Unmarshal([]byte(out), &sts) != nil || len(sts) != 3 {
		t.Fatalf("status: %d\n%s\n%s", code, out, errs)
	}
	for _, st := range sts {
		if st.Never || st.Due || st.LastError != "" {
			t.Errorf("status %+v", st)
		}
	}
	code, out, _ = run(t, append([]string{"feeds", "status"}, args...)...)
	if code != cli.ExitOK || !strings.Contains(out, "LAST SUCCESS") || !strings.Contains(out, "euvd-exploited") {
		t.Errorf("status table: %s", out)
	}
	code, _, errs = run(t, append([]string{"feeds", "sync", "nosuch"}, args...)...)
	if code != cli.ExitUsage || !strings.Contains(errs, `unknown feed source "nosuch"`) {
		t.Errorf("unknown source: %d %s", code, errs)
	}
	// A failing source: exit code and the recorded error.
	mu.Lock()
	files["/eukev.json"] = filepath.Join(euvd, "README.md")
	mu.Unlock()
	code, out, _ = run(t, append([]string{"feeds", "sync", "eu-kev"}, args...)...)
	if code != cli.ExitFailure || !strings.Contains(out, "eu-kev: failed, nothing stored") {
		t.Errorf("failed sync: %d %s", code, out)
	}
}

// TestDBImportEUFiles: rocca db import recognises the EU KEV list and the
// EUVD files.
func TestDBImportEUFiles(t *testing.T) {
	eukev := filepath.Join(testutil.Corpora(t), "vulndata", "eukev", "eukev.json")
	euvd := filepath.Join("..", "kb", "testdata", "euvd")
	db := filepath.Join(t.TempDir(), "rocca.db")
	code, out, errs := run(t, "db", "import", "-q", "--database", db, eukev, filepath.Join(euvd, "kev-dump.json"), filepath.Join(euvd, "cve-euvd-mapping.csv"))
	if code != cli.ExitOK || !strings.Contains(out, "(EU KEV): 43 new") || !strings.Contains(out, "(EUVD exploited): 3 new") ||
		!strings.Contains(out, "(EUVD mapping): 4 new") {
		t.Fatalf("%d\n%s\n%s", code, out, errs)
	}
}

// TestConfigListsFeedSettings: rocca config shows the feed settings.
func TestConfigListsFeedSettings(t *testing.T) {
	code, out, _ := run(t, "config", "--feeds-epss-url", "off")
	if code != cli.ExitOK || !strings.Contains(out, "feeds_eu_kev_url") || !strings.Contains(out, "ROCCA_FEEDS_ECOSYSTEMS") ||
		!strings.Contains(out, "feeds_epss_url            off") {
		t.Errorf("%d\n%s", code, out)
	}
}
