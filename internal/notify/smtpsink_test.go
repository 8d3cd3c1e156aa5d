package notify_test

import (
	"encoding/base64"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// sink is a minimal SMTP server on the loopback interface: EHLO, MAIL
// FROM, RCPT TO, DATA, RSET, NOOP, QUIT, and AUTH PLAIN when asked;
// STARTTLS is offered when asked but always fails. It keeps the messages
// it accepted and answers the faults it is given.
type sink struct {
	ln net.Listener
	sinkOptions

	mu       sync.Mutex
	rcpts    map[string]int // RCPT TO seen, by recipient
	accepted []received
	auths    []string // AUTH PLAIN responses, decoded
}

type sinkOptions struct {
	faults   map[string]fault // by recipient
	starttls bool             // offer STARTTLS
	auth     bool             // offer and require AUTH PLAIN
}

// fault is a reply a recipient gets: at RCPT TO, or at the end of DATA;
// for its first times transactions, or always when times is 0.
type fault struct {
	atData bool
	reply  string
	times  int
}

type received struct {
	from string
	to   []string
	data string
}

func newSink(t *testing.T, o sinkOptions) *sink {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &sink{ln: ln, sinkOptions: o, rcpts: map[string]int{}}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() { defer wg.Done(); s.serve(c) }()
		}
	}()
	return s
}

func (s *sink) port() int { return s.ln.Addr().(*net.TCPAddr).Port }

func (s *sink) messages() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.accepted...)
}

func (s *sink) credentials() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.auths...)
}

func (s *sink) attempts(rcpt string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rcpts[rcpt]
}

// fault returns the reply rcpt gets now at RCPT (data false) or DATA.
func (s *sink) fault(rcpt string, data bool) string {
	f, ok := s.faults[rcpt]
	if !ok || f.atData != data || (f.times > 0 && s.rcpts[rcpt] > f.times) {
		return ""
	}
	return f.reply
}

func (s *sink) serve(c net.Conn) {
	defer c.Close()
	tp := textproto.NewConn(c)
	reply := func(line string) { _ = tp.PrintfLine("%s", line) }
	reply("220 sink.test ESMTP")
	var cur received
	authed := false
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			ext := []string{"sink.test"}
			if s.starttls {
				ext = append(ext, "STARTTLS")
			}
			if s.auth {
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
			if !s.auth || mech != "PLAIN" || err != nil {
				reply("504 5.5.4 unrecognized authentication type")
				continue
			}
			s.mu.Lock()
			s.auths = append(s.auths, string(dec))
			s.mu.Unlock()
			authed = true
			reply("235 2.7.0 Authentication successful")
		case "MAIL":
			if s.auth && !authed {
				reply("530 5.7.0 Authentication required")
				continue
			}
			cur = received{from: address(arg)}
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
			cur.to = append(cur.to, to)
			reply("250 2.1.5 Ok")
		case "DATA":
			reply("354 End data with <CR><LF>.<CR><LF>")
			b, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			cur.data = string(b)
			s.mu.Lock()
			f := ""
			for _, to := range cur.to {
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
			reply("250 2.0.0 Ok: queued as " + strconv.Itoa(len(cur.data)))
		case "RSET":
			cur = received{}
			reply("250 2.0.0 Ok")
		case "NOOP":
			reply("250 2.0.0 Ok")
		case "QUIT":
			reply("221 2.0.0 Bye")
			return
		case "STARTTLS":
			reply("454 4.7.0 TLS not available")
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
