package config

import (
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestResolve(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("default paths are tested on Linux")
	}
	tests := []struct {
		name    string
		flags   Flags
		env     map[string]string
		wantURL string
		wantSrc string
		wantLvl slog.Level
		wantErr bool
	}{
		{"flag wins", Flags{Database: "/x.db"}, map[string]string{EnvDatabaseURL: "/env.db"}, "/x.db", "flag --database", slog.LevelWarn, false},
		{"env", Flags{}, map[string]string{EnvDatabaseURL: "/env.db", "HOME": "/h"}, "/env.db", "environment ROCCA_DATABASE_URL", slog.LevelWarn, false},
		{"xdg default", Flags{}, map[string]string{"XDG_DATA_HOME": "/data", "HOME": "/h"}, filepath.Join("/data", "rocca", "rocca.db"), "default", slog.LevelWarn, false},
		{"home default", Flags{}, map[string]string{"HOME": "/h"}, "/h/.local/share/rocca/rocca.db", "default", slog.LevelWarn, false},
		{"log level", Flags{LogLevel: "debug"}, map[string]string{"HOME": "/h"}, "/h/.local/share/rocca/rocca.db", "default", slog.LevelDebug, false},
		{"log level env", Flags{}, map[string]string{"HOME": "/h", EnvLogLevel: "ERROR"}, "/h/.local/share/rocca/rocca.db", "default", slog.LevelError, false},
		{"bad log level", Flags{LogLevel: "loud"}, map[string]string{"HOME": "/h"}, "", "", 0, true},
		{"log level offset refused", Flags{LogLevel: "info+2"}, map[string]string{"HOME": "/h"}, "", "", 0, true},
		{"missing config file", Flags{ConfigFile: "/nonexistent/rocca.conf"}, map[string]string{"HOME": "/h"}, "", "", 0, true},
		{"missing config file from env", Flags{}, map[string]string{"HOME": "/h", EnvConfig: "/nonexistent/rocca.conf"}, "", "", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Resolve(tt.flags, envOf(tt.env))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			if c.DatabaseURL != tt.wantURL || c.DatabaseSource != tt.wantSrc || c.LogLevel != tt.wantLvl {
				t.Errorf("got %q from %q level %v, want %q from %q level %v", c.DatabaseURL, c.DatabaseSource, c.LogLevel, tt.wantURL, tt.wantSrc, tt.wantLvl)
			}
		})
	}
}

// TestPrecedence checks flags > environment > file > defaults for every
// setting, and that each value's source is reported.
func TestPrecedence(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "rocca.conf")
	body := `# rocca test configuration
database = "postgres://rocca:filesecret@db.example:5432/rocca"
log_level = info
addr = "0.0.0.0:9000"   # all interfaces
max_bom_bytes = 10MiB
workers = 3
backlog = 5
shutdown_timeout = '45s'
`
	if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	fileOnly, err := Resolve(Flags{ConfigFile: conf}, envOf(map[string]string{"HOME": "/h"}))
	if err != nil {
		t.Fatal(err)
	}
	want := Config{DatabaseURL: "postgres://rocca:filesecret@db.example:5432/rocca", LogLevel: slog.LevelInfo,
		Addr: "0.0.0.0:9000", MaxBOMBytes: 10 << 20, Workers: 3, Backlog: 5, ShutdownTimeout: 45 * time.Second}
	if fileOnly.DatabaseURL != want.DatabaseURL || fileOnly.LogLevel != want.LogLevel || fileOnly.Addr != want.Addr ||
		fileOnly.MaxBOMBytes != want.MaxBOMBytes || fileOnly.Workers != want.Workers || fileOnly.Backlog != want.Backlog ||
		fileOnly.ShutdownTimeout != want.ShutdownTimeout {
		t.Errorf("from file: %+v", fileOnly)
	}
	if got := fileOnly.Source("addr"); got != "file "+conf+":4" {
		t.Errorf("addr source %q", got)
	}
	if fileOnly.File != conf || fileOnly.FileSource != "flag --config" {
		t.Errorf("file %q from %q", fileOnly.File, fileOnly.FileSource)
	}

	env := map[string]string{"HOME": "/h", EnvConfig: conf, EnvAddr: "127.0.0.1:7000", EnvWorkers: "7", EnvDatabaseURL: "/env.db"}
	withEnv, err := Resolve(Flags{}, envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	if withEnv.Addr != "127.0.0.1:7000" || withEnv.Workers != 7 || withEnv.Backlog != 5 || withEnv.DatabaseURL != "/env.db" {
		t.Errorf("env over file: %+v", withEnv)
	}
	if withEnv.Source("workers") != "environment ROCCA_WORKERS" || withEnv.Source("backlog") != "file "+conf+":7" ||
		withEnv.FileSource != "environment ROCCA_CONFIG" {
		t.Errorf("sources: workers %q backlog %q file %q", withEnv.Source("workers"), withEnv.Source("backlog"), withEnv.FileSource)
	}

	withFlags, err := Resolve(Flags{Addr: "[::1]:6000", Workers: "1", MaxBOMBytes: "1024"}, envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	if withFlags.Addr != "[::1]:6000" || withFlags.Workers != 1 || withFlags.MaxBOMBytes != 1024 || withFlags.Source("workers") != "flag --workers" {
		t.Errorf("flags over env: %+v", withFlags)
	}

	defaults, err := Resolve(Flags{}, envOf(map[string]string{"HOME": "/h"}))
	if err != nil {
		t.Fatal(err)
	}
	if defaults.Addr != DefaultAddr || defaults.Workers != DefaultWorkers || defaults.Backlog != DefaultBacklog ||
		defaults.MaxBOMBytes != DefaultMaxBOMBytes || defaults.ShutdownTimeout != DefaultShutdownTimeout || defaults.File != "" {
		t.Errorf("defaults: %+v", defaults)
	}
	for _, s := range defaults.Settings() {
		if s.Source != "default" {
			t.Errorf("%s from %q, want default", s.Key, s.Source)
		}
	}
	if got := defaults.WithDefaultLogLevel(slog.LevelInfo); got.LogLevel != slog.LevelInfo {
		t.Errorf("serve default level %v", got.LogLevel)
	}
	if got := withFlags.WithDefaultLogLevel(slog.LevelDebug); got.LogLevel != slog.LevelInfo {
		t.Errorf("a configured level was overridden: %v", got.LogLevel)
	}
}

func TestSettingsHideSecrets(t *testing.T) {
	c, err := Resolve(Flags{Database: "postgres://rocca:s3cr%40t@db:5432/rocca?sslmode=require&password=other"}, envOf(map[string]string{"HOME": "/h"}))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range c.Settings() {
		if strings.Contains(s.Value, "s3cr") || strings.Contains(s.Value, "other") {
			t.Errorf("%s leaks a secret: %s", s.Key, s.Value)
		}
	}
	if got := c.Settings()[0].Value; !strings.HasPrefix(got, "postgres://rocca:***@db:5432/rocca?") {
		t.Errorf("database shown as %q", got)
	}
}

func TestBadValuesNameTheirSource(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "rocca.conf")
	if err := os.WriteFile(conf, []byte("workers = 0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		flags Flags
		env   map[string]string
		want  string
	}{
		{"file", Flags{ConfigFile: conf}, nil, "workers \"0\" (file " + conf + ":1)"},
		{"env", Flags{}, map[string]string{EnvMaxBOMBytes: "lots"}, "max_bom_bytes \"lots\" (environment ROCCA_MAX_BOM_BYTES)"},
		{"flag", Flags{Addr: "8080"}, nil, "addr \"8080\" (flag --addr): want HOST:PORT"},
		{"duration", Flags{ShutdownTimeout: "-1s"}, nil, "shutdown_timeout"},
		{"too big", Flags{MaxBOMBytes: "5GiB"}, nil, "max_bom_bytes"},
		{"lead times: flag", Flags{ReminderLeadTimes: "12h,12h"}, nil,
			`reminder_lead_times "12h,12h" (flag --reminder-lead-times): reminder lead time 12h0m0s: given twice`},
		{"lead times: negative", Flags{ReminderLeadTimes: "4h,-1h"}, nil, "(flag --reminder-lead-times): reminder lead time -1h0m0s: must be positive"},
		{"lead times: too long", Flags{ReminderLeadTimes: "15d"}, nil, "(flag --reminder-lead-times): reminder lead time 360h0m0s: at most"},
		{"lead times: env", Flags{}, map[string]string{EnvReminderLeads: "soon"}, `reminder_lead_times "soon" (environment ROCCA_REMINDER_LEAD_TIMES): reminder lead time "soon": want a duration`},
		{"password not echoed", Flags{Database: "postgres://u:pw@h/db", Workers: "x"}, nil, "workers"},
		{"key=value connection string", Flags{Database: "host=db user=rocca password=s3cret dbname=rocca"}, nil,
			`database "host=db user=rocca password=*** dbname=rocca" (flag --database): a key=value connection string is not supported`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"HOME": "/h"}
			for k, v := range tt.env {
				env[k] = v
			}
			_, err := Resolve(tt.flags, envOf(env))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestReminderLeadTimes(t *testing.T) {
	tests := []struct {
		name   string
		flags  Flags
		env    map[string]string
		want   []time.Duration
		source string
	}{
		{"default", Flags{}, nil, []time.Duration{12 * time.Hour, 4 * time.Hour, time.Hour}, "default"},
		{"env", Flags{}, map[string]string{EnvReminderLeads: "1h, 2d"}, []time.Duration{48 * time.Hour, time.Hour}, "environment " + EnvReminderLeads},
		{"flag over env", Flags{ReminderLeadTimes: "30m"}, map[string]string{EnvReminderLeads: "1h"}, []time.Duration{30 * time.Minute}, "flag --reminder-lead-times"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"HOME": "/h"}
			for k, v := range tt.env {
				env[k] = v
			}
			c, err := Resolve(tt.flags, envOf(env))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(c.ReminderLeads, tt.want) {
				t.Errorf("leads %v, want %v", c.ReminderLeads, tt.want)
			}
			if got := c.Source("reminder_lead_times"); got != tt.source {
				t.Errorf("source %q, want %q", got, tt.source)
			}
		})
	}
}

func TestRelativeDatabaseInFile(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "rocca.conf")
	if err := os.WriteFile(conf, []byte("database = data/rocca.db\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Resolve(Flags{ConfigFile: conf}, envOf(map[string]string{"HOME": "/h"}))
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "data", "rocca.db"); c.DatabaseURL != want {
		t.Errorf("database %q, want %q", c.DatabaseURL, want)
	}
}

func TestRedacted(t *testing.T) {
	tests := []struct{ in, want string }{
		{"postgres://rocca:secret@db:5432/rocca", "postgres://rocca:***@db:5432/rocca"},
		{"postgres://rocca@db/rocca", "postgres://rocca@db/rocca"},
		{"/var/lib/rocca/rocca.db", "/var/lib/rocca/rocca.db"},
		{"postgres://db/rocca?password=secret", "postgres://db/rocca?password=***"},
		{"postgres://rocca@db/rocca?sslmode=disable&Password=secret", "postgres://rocca@db/rocca?sslmode=disable&Password=***"},
	}
	for _, tt := range tests {
		if got := (Config{DatabaseURL: tt.in}).Redacted(); got != tt.want {
			t.Errorf("Redacted(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestServerTLSAndBodyRate(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "rocca.conf")
	if err := os.WriteFile(conf, []byte("tls_cert = tls/rocca.crt\ntls_key = /etc/rocca/rocca.key\nmin_body_rate = 64KiB\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Resolve(Flags{ConfigFile: conf}, envOf(map[string]string{"HOME": "/h"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.TLSCert != filepath.Join(dir, "tls", "rocca.crt") || c.TLSKey != "/etc/rocca/rocca.key" || c.MinBodyRate != 64<<10 {
		t.Errorf("from file: cert %q key %q rate %d", c.TLSCert, c.TLSKey, c.MinBodyRate)
	}
	env := map[string]string{"HOME": "/h", EnvTLSCert: "/env.crt", EnvTLSKey: "/env.key", EnvMinBodyRate: "1000"}
	c, err = Resolve(Flags{TLSKey: "/flag.key"}, envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	if c.TLSCert != "/env.crt" || c.TLSKey != "/flag.key" || c.MinBodyRate != 1000 || c.Source("tls_key") != "flag --tls-key" {
		t.Errorf("env and flag: %q %q %d %q", c.TLSCert, c.TLSKey, c.MinBodyRate, c.Source("tls_key"))
	}
	shown := map[string]Setting{}
	for _, s := range c.Settings() {
		shown[s.Key] = s
	}
	for key, want := range map[string]string{"tls_cert": "/env.crt", "tls_key": "/flag.key", "min_body_rate": "1000"} {
		if s := shown[key]; s.Value != want || s.Env == "" || s.Flag == "" || s.Doc == "" {
			t.Errorf("rocca config shows %s as %+v", key, s)
		}
	}
	defaults, err := Resolve(Flags{}, envOf(map[string]string{"HOME": "/h"}))
	if err != nil || defaults.TLSCert != "" || defaults.TLSKey != "" || defaults.MinBodyRate != DefaultMinBodyRate {
		t.Errorf("defaults: %q %q %d %v", defaults.TLSCert, defaults.TLSKey, defaults.MinBodyRate, err)
	}
	for name, tc := range map[string]struct {
		flags Flags
		want  string
	}{
		"cert without key": {Flags{TLSCert: "/c.pem"}, "set both"},
		"key without cert": {Flags{TLSKey: "/k.pem"}, "set both"},
		"zero rate":        {Flags{MinBodyRate: "0"}, "min_body_rate"},
		"rate not a count": {Flags{MinBodyRate: "fast"}, "min_body_rate"},
	} {
		if _, err := Resolve(tc.flags, envOf(map[string]string{"HOME": "/h"})); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error containing %q", name, err, tc.want)
		}
	}
}

// TestFeedSettings: the feed settings have the public feeds as defaults,
// take "off", reject what is not a URL, a duration or a size, and follow
// the usual precedence.
func TestFeedSettings(t *testing.T) {
	home := map[string]string{"HOME": "/h"}
	c, err := Resolve(Flags{}, envOf(home))
	if err != nil {
		t.Fatal(err)
	}
	if c.Feeds.OSVURL != DefaultFeedsOSVURL || len(c.Feeds.Ecosystems) != 10 || c.Feeds.ExploitedInterval != time.Hour ||
		c.Feeds.Interval != 24*time.Hour || c.Feeds.MaxOSVBytes != 2<<30 || c.Feeds.EPSSURL != DefaultFeedsEPSSURL {
		t.Errorf("defaults %+v", c.Feeds)
	}
	env := map[string]string{"HOME": "/h", EnvFeedsEPSSURL: "off", EnvFeedsEcosystems: "Go, Debian", EnvFeedsExploitedInterval: "15m"}
	c, err = Resolve(Flags{Feeds: FeedFlags{OSVURL: "https://mirror.example/osv/", MaxListBytes: "1MiB"}}, envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	if c.Feeds.EPSSURL != "" || strings.Join(c.Feeds.Ecosystems, ",") != "Go,Debian" || c.Feeds.ExploitedInterval != 15*time.Minute ||
		c.Feeds.OSVURL != "https://mirror.example/osv" || c.Feeds.MaxListBytes != 1<<20 || c.Source("feeds_osv_url") != "flag --feeds-osv-url" ||
		c.Source("feeds_epss_url") != "environment "+EnvFeedsEPSSURL {
		t.Errorf("configured %+v", c.Feeds)
	}
	var shown string
	for _, s := range c.Settings() {
		if s.Key == "feeds_epss_url" {
			shown = s.Value
		}
	}
	if shown != "off" {
		t.Errorf("feeds_epss_url shown as %q", shown)
	}
	for _, bad := range []map[string]string{
		{EnvFeedsCISAKEVURL: "ftp://x/kev.json"}, {EnvFeedsInterval: "10s"}, {EnvFeedsMaxOSVBytes: "lots"}, {EnvFeedsEcosystems: "Go,,npm"},
	} {
		bad["HOME"] = "/h"
		if _, err := Resolve(Flags{}, envOf(bad)); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	// WithDefaultLogLevel changes the copy's sources only.
	serve := c.WithDefaultLogLevel(slog.LevelInfo)
	if c.Source("log_level") != "default" || serve.Source("log_level") != "default (serve)" {
		t.Errorf("log level sources %q %q", c.Source("log_level"), serve.Source("log_level"))
	}
}

// TestMemorySettings checks the settings that bound the server's memory:
// max_components and queue_bytes, from each source, with their defaults
// and their validation.
func TestMemorySettings(t *testing.T) {
	env := func(m map[string]string) func(string) string {
		return func(k string) string {
			if k == "HOME" {
				return "/h"
			}
			return m[k]
		}
	}
	def, err := Resolve(Flags{}, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if def.MaxComponents != DefaultMaxComponents || def.QueueBytes != DefaultQueueBytes {
		t.Errorf("defaults: max_components %d, queue_bytes %d", def.MaxComponents, def.QueueBytes)
	}
	fromEnv, err := Resolve(Flags{QueueBytes: "8MiB"}, env(map[string]string{EnvMaxComponents: "5000", EnvQueueBytes: "1GiB"}))
	if err != nil {
		t.Fatal(err)
	}
	if fromEnv.MaxComponents != 5000 || fromEnv.QueueBytes != 8<<20 || fromEnv.Source("max_components") != "environment ROCCA_MAX_COMPONENTS" ||
		fromEnv.Source("queue_bytes") != "flag --queue-bytes" {
		t.Errorf("max_components %d (%s), queue_bytes %d (%s)", fromEnv.MaxComponents, fromEnv.Source("max_components"),
			fromEnv.QueueBytes, fromEnv.Source("queue_bytes"))
	}
	for _, f := range []Flags{{MaxComponents: "0"}, {MaxComponents: "many"}, {MaxComponents: "10000001"}, {QueueBytes: "0"}, {QueueBytes: "5TiB"}} {
		if _, err := Resolve(f, env(nil)); err == nil {
			t.Errorf("%+v accepted", f)
		}
	}
}
