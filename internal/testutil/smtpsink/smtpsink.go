// Package smtpsink is an SMTP server for tests: it listens on the loopback
// interface, speaks the minimal dialogue a client needs to send (EHLO,
// MAIL FROM, RCPT TO, DATA, RSET, NOOP, QUIT, and AUTH PLAIN when asked),
// keeps what it accepted and answers the faults it is given. With a TLS
// configuration it speaks TLS from the first byte, or upgrades with
// STARTTLS; STARTTLS offered without one always fails, so a client that
// insists on TLS never sends in clear to it.
package smtpsink

import (
	"crypto/tls"
	"encoding/base64"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Sink is a running SMTP server.
type Sink struct {
	ln net.Listener
	Options

	mu       sync.Mutex
	rcpts    map[string]int // RCPT TO seen, by recipient
	accepted []Message
	auths    []string // AUTH PLAIN responses, decoded
	conns    map[net.Conn]bool
}

// Options shape a sink.
type Options struct {
	// Faults are the replies some recipients get, by address.
	Faults map[string]Fault
	// StartTLS offers STARTTLS: an upgrade with TLS, else a failure.
	StartTLS bool
	// TLS, when set, is the server's TLS configuration: for STARTTLS, or
	// from the first byte when Implicit.
	TLS      *tls.Config
	Implicit bool
	// Auth offers and requires AUTH PLAIN (any credentials pass).
	Auth bool
}

// Fault is a reply a recipient gets instead of success: at RCPT TO, or
// at the end of DATA when AtData; for its first Times transactions, or
// always when Times is 0.
type Fault struct {
	AtData bool
	Reply  string // e.g. "451 4.3.0 try again later"
	Times  int
}

// Message is an accepted message: the envelope and the data.
type Message struct {
	From string
	To   []string
	Data string
}

// Start starts a sink, stopped when the test ends.
func Start(t testing.TB, o Options) *Sink {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if o.Implicit && o.TLS != nil {
		ln = tls.NewListener(ln, o.TLS)
	}
	s := &Sink{ln: ln, Options: o, rcpts: map[string]int{}, conns: map[net.Conn]bool{}}
	var wg sync.WaitGroup
	t.Cleanup(func() {
		ln.Close()
		s.mu.Lock()
		for c := range s.conns {
			c.Close()
		}
		s.mu.Unlock()
		wg.Wait()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns[c] = true
			s.mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				s.serve(c)
				s.mu.Lock()
				delete(s.conns, c)
				s.mu.Unlock()
			}()
		}
	}()
	return s
}

// Open returns the number of connections the client has not closed yet.
func (s *Sink) Open() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// Port is the sink's port on 127.0.0.1.
func (s *Sink) Port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// Messages returns the messages accepted so far.
func (s *Sink) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.accepted...)
}

// Credentials returns the AUTH PLAIN responses received, decoded
// ("identity\x00user\x00password").
func (s *Sink) Credentials() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.auths...)
}

// Attempts returns how many times rcpt was named in RCPT TO.
func (s *Sink) Attempts(rcpt string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rcpts[rcpt]
}

// fault returns the reply rcpt gets now at RCPT (data false) or DATA.
func (s *Sink) fault(rcpt string, data bool) string {
	f, ok := s.Faults[rcpt]
	if !ok || f.AtData != data || (f.Times > 0 && s.rcpts[rcpt] > f.Times) {
		return ""
	}
	return f.Reply
}

func (s *Sink) serve(c net.Conn) {
	defer c.Close()
	tp := textproto.NewConn(c)
	reply := func(line string) { _ = tp.PrintfLine("%s", line) }
	reply("220 sink.test ESMTP")
	var cur Message
	authed, secure := false, s.Implicit && s.TLS != nil
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			ext := []string{"sink.test"}
			if s.StartTLS && !secure {
				ext = append(ext, "STARTTLS")
			}
			if s.Auth {
				ext = append(ext, "AUTH PLAIN")
			}
			for i, e := range ext {
				sep := "-"
				if i == len(ext)-1 {
					sep = " "
				}
				reply("250" + sep + e)
			}
		case "AUTH":
			mech, resp, _ := strings.Cut(arg, " ")
			dec, err := base64.StdEncoding.DecodeString(resp)
			if !s.Auth || mech != "PLAIN" || err != nil {
				reply("504 5.5.4 unrecognized authentication type")
				continue
			}
			s.mu.Lock()
			s.auths = append(s.auths, string(dec))
			s.mu.Unlock()
			authed = true
			reply("235 2.7.0 Authentication successful")
		case "MAIL":
			if s.Auth && !authed {
				reply("530 5.7.0 Authentication required")
				continue
			}
			cur = Message{From: address(arg)}
			reply("250 2.1.0 Ok")
		case "RCPT":
			to := address(arg)
			s.mu.Lock()
			s.rcpts[to]++
			f := s.fault(to, false)
			s.mu.Unlock()
			if f != "" {
				reply(f)
				continue
			}
			cur.To = append(cur.To, to)
			reply("250 2.1.5 Ok")
		case "DATA":
			reply("354 End data with <CR><LF>.<CR><LF>")
			b, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			cur.Data = string(b)
			s.mu.Lock()
			f := ""
			for _, to := range cur.To {
				if f == "" {
					f = s.fault(to, true)
				}
			}
			if f == "" {
				s.accepted = append(s.accepted, cur)
			}
			s.mu.Unlock()
			if f != "" {
				reply(f)
				continue
			}
			reply("250 2.0.0 Ok: queued as " + strconv.Itoa(len(cur.Data)))
		case "RSET":
			cur = Message{}
			reply("250 2.0.0 Ok")
		case "NOOP":
			reply("250 2.0.0 Ok")
		case "QUIT":
			reply("221 2.0.0 Bye")
			return
		case "STARTTLS":
			if s.TLS == nil || secure {
				reply("454 4.7.0 TLS not available")
				continue
			}
			reply("220 2.0.0 Ready to start TLS")
			tc := tls.Server(c, s.TLS)
			if err := tc.Handshake(); err != nil {
				return
			}
			// The dialogue starts again, over TLS (RFC 3207).
			tp = textproto.NewConn(tc)
			cur, authed, secure = Message{}, false, true
		default:
			reply("502 5.5.2 Command not recognized")
		}
	}
}

// address reads the address of "FROM:<a@b> SIZE=1" or "TO:<a@b>".
func address(arg string) string {
	_, a, _ := strings.Cut(arg, "<")
	a, _, _ = strings.Cut(a, ">")
	return a
}
