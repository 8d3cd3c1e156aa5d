package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/cli"
)

func TestConfigCommand(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "rocca.conf")
	body := "database = \"postgres://rocca:filesecret@db.internal:5432/rocca\"\nworkers = 4\nbacklog = 10\n"
	if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ROCCA_CONFIG", conf)
	t.Setenv("ROCCA_WORKERS", "6")
	t.Setenv("ROCCA_DATABASE_URL", "")
	t.Setenv("ROCCA_TLS_CERT", "/etc/rocca/tls.crt")
	t.Setenv("ROCCA_SMTP_PASSWORD", "smtpsecret")
	t.Setenv("ROCCA_SMTP_USERNAME", "rocca")
	code, out, errs := run(t, "config", "--backlog", "12", "--tls-key", "/etc/rocca/tls.key", "--min-body-rate", "32KiB",
		"--smtp-host", "mail.example.com", "--smtp-from", "rocca@example.com")
	if code != cli.ExitOK {
		t.Fatalf("config: %d %s", code, errs)
	}
	if strings.Contains(out, "filesecret") || strings.Contains(out, "smtpsecret") {
		t.Errorf("config prints the password:\n%s", out)
	}
	for _, want := range []string{
		"configuration file: " + conf + " (from environment ROCCA_CONFIG)",
		"postgres://rocca:***@db.internal:5432/rocca",
		"file " + conf + ":1",
		"environment ROCCA_WORKERS",
		"flag --backlog",
		"tls_cert", "/etc/rocca/tls.crt", "environment ROCCA_TLS_CERT",
		"tls_key", "/etc/rocca/tls.key", "flag --tls-key",
		"min_body_rate", "32768",
		"smtp_host", "mail.example.com", "flag --smtp-host",
		"smtp_password", "***", "environment ROCCA_SMTP_PASSWORD",
		"smtp_tls", "starttls",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("config output lacks %q:\n%s", want, out)
		}
	}

	t.Setenv("ROCCA_TLS_CERT", "")
	code, out, _ = run(t, "config", "--json")
	var doc struct {
		File     string
		Settings []struct{ Key, Value, Source string }
	}
	if code != cli.ExitOK || json.Unmarshal([]byte(out), &doc) != nil || doc.File != conf {
		t.Fatalf("config --json: %d %s", code, out)
	}
	got := map[string]string{}
	for _, s := range doc.Settings {
		got[s.Key] = s.Value + " from " + s.Source
	}
	if got["workers"] != "6 from environment ROCCA_WORKERS" || got["backlog"] != "10 from file "+conf+":3" {
		t.Errorf("settings %v", got)
	}
}

func TestConfigErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.conf")
	if err := os.WriteFile(bad, []byte("workers = 4\nport = 80\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown key", []string{"config", "--config", bad}, `line 2: unknown setting "port"`},
		{"missing file", []string{"config", "--config", filepath.Join(dir, "none.conf")}, "no such file"},
		{"bad flag value", []string{"config", "--workers", "many"}, `workers "many" (flag --workers)`},
		{"serve bad addr", []string{"serve", "--addr", "8080", "--database", filepath.Join(dir, "x.db")}, "want HOST:PORT"},
		{"serve repeated lead time", []string{"serve", "--reminder-lead-times", "12h,4h,4h", "--database", filepath.Join(dir, "x.db")},
			`reminder_lead_times "12h,4h,4h" (flag --reminder-lead-times): reminder lead time 4h0m0s: given twice`},
		{"serve lead time beyond 14 days", []string{"serve", "--reminder-lead-times", "15d", "--database", filepath.Join(dir, "x.db")},
			`(flag --reminder-lead-times): reminder lead time 360h0m0s: at most 336h0m0s (14 days)`},
		{"serve zero lead time", []string{"serve", "--reminder-lead-times", "0s", "--database", filepath.Join(dir, "x.db")},
			`(flag --reminder-lead-times): reminder lead time 0s: must be positive`},
		{"serve in memory", []string{"serve", "--addr", "127.0.0.1:0", "--database", ":memory:"}, "in-memory database"},
		{"serve SMTP in clear", []string{"serve", "--smtp-host", "mail.example.com", "--smtp-from", "r@example.com", "--smtp-tls", "none",
			"--database", filepath.Join(dir, "x.db")}, "smtp_tls none (flag --smtp-tls): only for a relay on this machine"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errs := run(t, tt.args...)
			if code != cli.ExitUsage || !strings.Contains(errs, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errs, cli.ExitUsage, tt.want)
			}
		})
	}
}
