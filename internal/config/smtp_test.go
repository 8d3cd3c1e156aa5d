package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSMTPSettings: e-mail is off by default; the settings follow the
// usual precedence; the password is never shown, not even in an error;
// clear-text SMTP is refused unless the server is on the loopback
// interface.
func TestSMTPSettings(t *testing.T) {
	c, err := Resolve(Flags{}, envOf(map[string]string{"HOME": "/h"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTP.Enabled() || c.SMTP.Port != DefaultSMTPPort || c.SMTP.TLS != SMTPStartTLS {
		t.Errorf("defaults %+v", c.SMTP)
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "rocca.conf")
	if err := os.WriteFile(conf, []byte("smtp_password = 'pa55-w0rd'\nsmtp_username = rocca\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"HOME": "/h", EnvSMTPHost: "mail.example.com", EnvSMTPFrom: "rocca <rocca@example.com>", EnvSMTPTLS: "TLS"}
	c, err = Resolve(Flags{ConfigFile: conf, SMTP: SMTPFlags{Port: "465"}}, envOf(env))
	if err != nil {
		t.Fatal(err)
	}
	want := SMTP{Host: "mail.example.com", Port: 465, Username: "rocca", Password: "pa55-w0rd", From: "rocca <rocca@example.com>", TLS: SMTPImplicitTLS}
	if c.SMTP != want || c.Source("smtp_port") != "flag --smtp-port" || c.Source("smtp_host") != "environment "+EnvSMTPHost ||
		c.Source("smtp_password") != "file "+conf+":1" {
		t.Errorf("configured %+v, sources %s %s %s", c.SMTP, c.Source("smtp_port"), c.Source("smtp_host"), c.Source("smtp_password"))
	}
	for _, s := range c.Settings() {
		if strings.Contains(s.Value, "pa55") {
			t.Errorf("%s shows the password: %q", s.Key, s.Value)
		}
		if s.Key == "smtp_password" && (s.Value != "***" || s.Flag != "" || s.Env != EnvSMTPPassword) {
			t.Errorf("smtp_password shown as %+v", s)
		}
		if s.Key == "smtp_host" && s.Flag != "--smtp-host" {
			t.Errorf("smtp_host flag %q", s.Flag)
		}
	}

	ok := []map[string]string{
		{EnvSMTPHost: "localhost", EnvSMTPFrom: "r@example.com", EnvSMTPTLS: "none"},
		{EnvSMTPHost: "127.0.0.1", EnvSMTPFrom: "r@example.com", EnvSMTPTLS: "none"},
		{EnvSMTPHost: "::1", EnvSMTPFrom: "r@example.com", EnvSMTPTLS: "none", EnvSMTPPort: "25"},
		{EnvSMTPHost: "127.0.0.2", EnvSMTPFrom: "r@example.com", EnvSMTPTLS: "none"},
		{EnvSMTPHost: "192.0.2.7", EnvSMTPFrom: "r@example.com"},
		// Settings without a host are kept but unused.
		{EnvSMTPFrom: "r@example.com", EnvSMTPTLS: "none"},
	}
	for _, e := range ok {
		e["HOME"] = "/h"
		if _, err := Resolve(Flags{}, envOf(e)); err != nil {
			t.Errorf("%v refused: %v", e, err)
		}
	}
	bad := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{EnvSMTPHost: "mail.example.com"}, "smtp_from (default): an SMTP server is configured"},
		{map[string]string{EnvSMTPHost: "mail.example.com", EnvSMTPFrom: "r@example.com", EnvSMTPTLS: "none"}, "smtp_tls none (environment ROCCA_SMTP_TLS): only for a relay on this machine"},
		{map[string]string{EnvSMTPHost: "localhost.example.com", EnvSMTPFrom: "r@example.com", EnvSMTPTLS: "none"}, "smtp_tls none"},
		{map[string]string{EnvSMTPHost: "10.0.0.1", EnvSMTPFrom: "r@example.com", EnvSMTPTLS: "none"}, "smtp_tls none"},
		{map[string]string{EnvSMTPHost: "mail.example.com", EnvSMTPFrom: "r@example.com", EnvSMTPPassword: "pa55-w0rd"}, "smtp_password (environment ROCCA_SMTP_PASSWORD): set smtp_username too"},
		{map[string]string{EnvSMTPHost: "mail.example.com:587"}, "smtp_host"},
		{map[string]string{EnvSMTPHost: "smtp://mail.example.com"}, "smtp_host"},
		{map[string]string{EnvSMTPHost: "mail\r\nexample"}, "smtp_host"},
		{map[string]string{EnvSMTPPort: "0"}, "smtp_port"},
		{map[string]string{EnvSMTPPort: "65536"}, "smtp_port"},
		{map[string]string{EnvSMTPFrom: "not an address"}, "smtp_from"},
		{map[string]string{EnvSMTPPassword: "pa55\x00w0rd"}, `smtp_password "***" (environment ROCCA_SMTP_PASSWORD): a password cannot contain a NUL`},
		{map[string]string{EnvSMTPTLS: "ssl"}, "smtp_tls \"ssl\" (environment ROCCA_SMTP_TLS): want starttls, tls or none"},
	}
	for _, b := range bad {
		b.env["HOME"] = "/h"
		if _, err := Resolve(Flags{}, envOf(b.env)); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%v: %v, want an error containing %q", b.env, err, b.want)
		} else if strings.Contains(err.Error(), "pa55") {
			t.Errorf("%v: the error shows the password: %v", b.env, err)
		}
	}
}
