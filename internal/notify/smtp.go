package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// SMTP transport security modes (config smtp_tls).
const (
	SMTPStartTLS    = "starttls"
	SMTPImplicitTLS = "tls"
	SMTPNoTLS       = "none"
)

// SMTPConfig is where and how e-mail is sent.
type SMTPConfig struct {
	Host string
	Port int
	// Username and Password authenticate when Username is set.
	Username, Password string
	// From is the sender, e.g. "rocca <rocca@example.com>".
	From string
	// TLS is SMTPStartTLS (mandatory: a server that does not offer
	// STARTTLS is refused), SMTPImplicitTLS or SMTPNoTLS (loopback relays;
	// the configuration refuses it for other hosts).
	TLS string
	// Timeout bounds one attempt: connection and dialogue (30 s when 0).
	Timeout time.Duration
	// RootCAs verify the server's certificate (nil: the system's roots).
	RootCAs *x509.CertPool
}

// SMTPMailer sends e-mail through an SMTP server with go-mail, one
// connection per message (notifications are few; a connection kept open
// would be closed by the server between them).
type SMTPMailer struct {
	cfg    SMTPConfig
	from   *mail.Address
	domain string
}

// NewSMTPMailer checks cfg and returns the mailer.
func NewSMTPMailer(cfg SMTPConfig) (*SMTPMailer, error) {
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("smtp: sender %q: %w", cfg.From, err)
	}
	if cfg.Host == "" || cfg.Port < 1 || cfg.Port > 65535 {
		return nil, fmt.Errorf("smtp: want a host and a port from 1 to 65535, not %q:%d", cfg.Host, cfg.Port)
	}
	switch cfg.TLS {
	case SMTPStartTLS, SMTPImplicitTLS, SMTPNoTLS:
	default:
		return nil, fmt.Errorf("smtp: TLS mode %q: want starttls, tls or none", cfg.TLS)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	_, domain, _ := strings.Cut(from.Address, "@")
	return &SMTPMailer{cfg: cfg, from: from, domain: domain}, nil
}

// Send sends m and returns the server's reply code.
func (s *SMTPMailer) Send(ctx context.Context, m Mail) (int, error) {
	msg, err := s.message(m)
	if err != nil {
		return 0, err
	}
	// The connection is opened here and closed when the attempt ends:
	// go-mail leaves it open when the dialogue fails before MAIL FROM
	// (STARTTLS refused, authentication failed).
	var conn net.Conn
	defer func() {
		if conn != nil {
			conn.Close()
		}
	}()
	c, err := s.client(func(ctx context.Context, network, _ string) (net.Conn, error) {
		var err error
		conn, err = s.dial(ctx, network)
		return conn, err
	})
	if err != nil {
		return 0, err
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return replyCode(err), fmt.Errorf("smtp %s: %w", s.addr(), err)
	}
	return acceptedCode(msg.ServerResponse()), nil
}

func (s *SMTPMailer) addr() string { return net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port)) }

func (s *SMTPMailer) tlsConfig() *tls.Config {
	return &tls.Config{ServerName: s.cfg.Host, MinVersion: tls.VersionTLS12, RootCAs: s.cfg.RootCAs}
}

// dial connects to the server, with TLS from the first byte in the
// implicit mode.
func (s *SMTPMailer) dial(ctx context.Context, network string) (net.Conn, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, network, s.addr())
	if err != nil || s.cfg.TLS != SMTPImplicitTLS {
		return conn, err
	}
	tc := tls.Client(conn, s.tlsConfig())
	if err := tc.HandshakeContext(ctx); err != nil {
		conn.Close()
		return nil, err
	}
	return tc, nil
}

func (s *SMTPMailer) message(m Mail) (*gomail.Msg, error) {
	msg := gomail.NewMsg()
	msg.FromMailAddress(s.from)
	if err := msg.To(m.To...); err != nil {
		return nil, fmt.Errorf("smtp: recipients: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(m.ID + "@" + s.domain)
	msg.SetDate()
	msg.SetUserAgent("rocca")
	msg.SetGenHeader("X-Rocca-Event", m.EventType)
	msg.SetGenHeader("X-Rocca-Delivery", m.ID)
	// Automatic replies (out of office) have nobody to reach.
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	if m.Locale != "" {
		msg.SetGenHeader("Content-Language", m.Locale)
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if len(m.JSON) > 0 {
		if err := msg.AttachReader("event.json", bytes.NewReader(m.JSON), gomail.WithFileContentType("application/json")); err != nil {
			return nil, fmt.Errorf("smtp: attachment: %w", err)
		}
	}
	return msg, nil
}

// Authentication mechanisms, best first. PLAIN and LOGIN send the
// password itself: over TLS, or in clear to a loopback relay (-NOENC),
// which the configuration allows only on this machine.
var (
	authOverTLS = []gomail.SMTPAuthType{gomail.SMTPAuthSCRAMSHA256PLUS, gomail.SMTPAuthSCRAMSHA256, gomail.SMTPAuthSCRAMSHA1PLUS,
		gomail.SMTPAuthSCRAMSHA1, gomail.SMTPAuthCramMD5, gomail.SMTPAuthPlain, gomail.SMTPAuthLogin}
	authLoopback = []gomail.SMTPAuthType{gomail.SMTPAuthSCRAMSHA256, gomail.SMTPAuthSCRAMSHA1, gomail.SMTPAuthCramMD5,
		gomail.SMTPAuthPlainNoEnc, gomail.SMTPAuthLoginNoEnc}
)

func (s *SMTPMailer) client(dial gomail.DialContextFunc) (*gomail.Client, error) {
	opts := []gomail.Option{
		gomail.WithPort(s.cfg.Port),
		gomail.WithTimeout(s.cfg.Timeout),
		gomail.WithDialContextFunc(dial),
		gomail.WithTLSConfig(s.tlsConfig()),
	}
	switch s.cfg.TLS {
	case SMTPImplicitTLS:
		opts = append(opts, gomail.WithSSL()) // dial did the handshake
	case SMTPNoTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.cfg.Username != "" {
		mechs := authOverTLS
		if s.cfg.TLS == SMTPNoTLS {
			mechs = authLoopback
		}
		opts = append(opts, gomail.WithOpportunisticSMTPAuth(mechs...), gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	c, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("smtp: %w", err)
	}
	return c, nil
}

// replyCode returns the SMTP reply code of a failed send (0 when the
// failure was not a reply: a refused connection, a TLS error).
func replyCode(err error) int {
	var se *gomail.SendError
	if errors.As(err, &se) && se.ErrorCode() != 0 {
		return se.ErrorCode()
	}
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code
	}
	return 0
}

// acceptedCode reads the code of the reply that accepted a message
// ("250 2.0.0 Ok: queued as ..."); 250 when there is none to read.
func acceptedCode(reply string) int {
	if len(reply) >= 3 {
		if n, err := strconv.Atoi(reply[:3]); err == nil && n >= 200 && n < 300 {
			return n
		}
	}
	return 250
}
