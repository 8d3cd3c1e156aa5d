package config

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"regexp"
	"strconv"
	"strings"

	"github.com/rocca-project/rocca/internal/redact"
)

// SMTP settings: the server that `rocca serve` sends e-mail notifications
// through. E-mail is off while smtp_host is empty.

// Environment variables of the SMTP settings.
const (
	EnvSMTPHost     = "ROCCA_SMTP_HOST"
	EnvSMTPPort     = "ROCCA_SMTP_PORT"
	EnvSMTPUsername = "ROCCA_SMTP_USERNAME"
	EnvSMTPPassword = "ROCCA_SMTP_PASSWORD"
	EnvSMTPFrom     = "ROCCA_SMTP_FROM"
	EnvSMTPTLS      = "ROCCA_SMTP_TLS"
)

// DefaultSMTPPort is the submission port (STARTTLS).
const DefaultSMTPPort = 587

// SMTP transport security modes (smtp_tls).
const (
	// SMTPStartTLS upgrades the connection with STARTTLS and refuses a
	// server that does not offer it.
	SMTPStartTLS = "starttls"
	// SMTPImplicitTLS speaks TLS from the first byte (usually port 465).
	SMTPImplicitTLS = "tls"
	// SMTPNoTLS sends in clear: only to a relay on the loopback interface.
	SMTPNoTLS = "none"
)

// SMTP holds the SMTP settings.
type SMTP struct {
	// Host is the server's name or address; empty disables e-mail.
	Host     string
	Port     int
	Username string
	// Password is never printed (rocca config shows ***) and has no flag:
	// a command line is visible to every user of the machine.
	Password string
	// From is the sender address, e.g. rocca@example.com.
	From string
	// TLS is SMTPStartTLS, SMTPImplicitTLS or SMTPNoTLS.
	TLS string
}

// Enabled reports whether e-mail is configured.
func (s SMTP) Enabled() bool { return s.Host != "" }

// SMTPFlags are the SMTP settings' flags as typed ("" = not given). The
// password has none.
type SMTPFlags struct {
	Host, Port, Username, From, TLS string
}

func (f SMTPFlags) value(key string) string {
	switch key {
	case "smtp_host":
		return f.Host
	case "smtp_port":
		return f.Port
	case "smtp_username":
		return f.Username
	case "smtp_from":
		return f.From
	case "smtp_tls":
		return f.TLS
	}
	return ""
}

// hostName is a DNS name (letters, digits, hyphens and dots).
var hostName = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$`)

// smtpSettings are the SMTP settings in the order `rocca config` lists
// them, last.
func smtpSettings() []setting {
	return []setting{
		{key: "smtp_host", env: EnvSMTPHost, flag: "smtp-host",
			doc: "serve: SMTP server for e-mail notifications (empty: e-mail off)", def: constant(""),
			set: func(c *Config, v string) error {
				if v != "" && net.ParseIP(v) == nil && !hostName.MatchString(v) {
					return errors.New("want a host name or IP address, without port or scheme (see smtp_port)")
				}
				c.SMTP.Host = v
				return nil
			},
			get: func(c Config) string { return c.SMTP.Host }},
		{key: "smtp_port", env: EnvSMTPPort, flag: "smtp-port",
			doc: "serve: SMTP server port (587 for starttls, usually 465 for tls)", def: constant(strconv.Itoa(DefaultSMTPPort)),
			set: func(c *Config, v string) (err error) { c.SMTP.Port, err = parseCount(v, 65535); return err },
			get: func(c Config) string { return strconv.Itoa(c.SMTP.Port) }},
		{key: "smtp_username", env: EnvSMTPUsername, flag: "smtp-username",
			doc: "serve: SMTP user name (empty: no authentication)", def: constant(""),
			set: func(c *Config, v string) error { c.SMTP.Username = v; return nil },
			get: func(c Config) string { return c.SMTP.Username }},
		{key: "smtp_password", env: EnvSMTPPassword, secret: true,
			doc: "serve: SMTP password (environment or file only, shown as ***)", def: constant(""),
			set: func(c *Config, v string) error {
				if strings.ContainsRune(v, 0) {
					// AUTH PLAIN separates the user name and the password with NUL.
					return errors.New("a password cannot contain a NUL character")
				}
				c.SMTP.Password = v
				return nil
			},
			get: func(c Config) string {
				if c.SMTP.Password != "" {
					return redact.Mask
				}
				return ""
			}},
		{key: "smtp_from", env: EnvSMTPFrom, flag: "smtp-from",
			doc: "serve: sender address of e-mail notifications, e.g. rocca@example.com", def: constant(""),
			set: func(c *Config, v string) error {
				if a, err := mail.ParseAddress(v); v != "" && (err != nil || a.Address == "") {
					return errors.New("want an e-mail address such as rocca@example.com or \"rocca <rocca@example.com>\"")
				}
				c.SMTP.From = v
				return nil
			},
			get: func(c Config) string { return c.SMTP.From }},
		{key: "smtp_tls", env: EnvSMTPTLS, flag: "smtp-tls",
			doc: "serve: starttls, tls (implicit) or none (loopback smtp_host only)", def: constant(SMTPStartTLS),
			set: func(c *Config, v string) error {
				switch v = strings.ToLower(v); v {
				case SMTPStartTLS, SMTPImplicitTLS, SMTPNoTLS:
					c.SMTP.TLS = v
					return nil
				}
				return errors.New("want starttls, tls or none")
			},
			get: func(c Config) string { return c.SMTP.TLS }},
	}
}

// checkSMTP checks the SMTP settings together, once each is valid alone.
func (c Config) checkSMTP() error {
	s := c.SMTP
	if !s.Enabled() {
		return nil
	}
	if s.From == "" {
		return fmt.Errorf("smtp_from (%s): an SMTP server is configured (smtp_host, %s): set the sender address too",
			c.Source("smtp_from"), c.Source("smtp_host"))
	}
	if s.Password != "" && s.Username == "" {
		return fmt.Errorf("smtp_password (%s): set smtp_username too", c.Source("smtp_password"))
	}
	// Without TLS the password and the notifications (which product
	// carries which exploitable vulnerability) would cross the network in
	// clear, readable and alterable by anyone on the path; on the loopback
	// interface they never leave the machine (a local relay that forwards
	// with TLS).
	if s.TLS == SMTPNoTLS && !loopback(s.Host) {
		return fmt.Errorf("smtp_tls none (%s): only for a relay on this machine (localhost, 127.0.0.1, ::1), not %q (%s): use starttls or tls",
			c.Source("smtp_tls"), s.Host, c.Source("smtp_host"))
	}
	return nil
}

// loopback reports whether host names this machine's loopback interface,
// judged from the name itself (not from DNS, which could be changed to
// point elsewhere).
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}
