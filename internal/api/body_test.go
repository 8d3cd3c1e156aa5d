package api_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/api"
)

// paced is a server whose bodies must arrive at 1 KiB/s after 300 ms.
var paced = harness{options: func(o *api.Options) {
	o.MinBodyRate, o.BodyGrace, o.BodyTimeout = 1<<10, 300*time.Millisecond, 20*time.Second
}}

// trickle sends a request's head and first bytes, then one more byte
// every 20 ms (50 bytes/s) until the server answers or hangs up. It
// returns the response and how long it took.
func (s *server) trickle(t *testing.T, method, path, key, ctype, first string) (*http.Response, time.Duration) {
	t.Helper()
	conn, err := net.Dial("tcp", s.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	head := fmt.Sprintf("%s %s HTTP/1.1\r\nHost: rocca\r\nX-Api-Key: %s\r\nContent-Type: %s\r\nContent-Length: 100000\r\n\r\n%s",
		method, path, key, ctype, first)
	start := time.Now()
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if _, err := conn.Write([]byte("a")); err != nil {
					return
				}
			}
		}
	}()
	// The old server waited for the whole body (five minutes, or forever).
	_ = conn.SetReadDeadline(time.Now().Add(8 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("%s %s: no answer to a trickled body after %v: %v", method, path, time.Since(start), err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res, time.Since(start)
}

// A body that trickles in is cut off with 408 once it falls behind the
// minimum rate, on every endpoint that reads one.
func TestSlowBodyCutOff(t *testing.T) {
	enginesWith(t, paced, func(t *testing.T, s *server) {
		mp := "--XYZ\r\nContent-Disposition: form-data; name=\"project\"\r\n\r\n" + s.version.ID +
			"\r\n--XYZ\r\nContent-Disposition: form-data; name=\"bom\"; filename=\"bom.json\"\r\n\r\n{"
		for _, c := range []struct{ method, path, ctype, first string }{
			{"POST", "/api/v1/versions/" + s.version.ID + "/sboms", "application/json", `{"bomFormat":"CycloneDX",`},
			{"PUT", "/api/v1/bom", "application/json", `{"project":"` + s.version.ID + `","bom":"`},
			{"POST", "/api/v1/bom", "multipart/form-data; boundary=XYZ", mp},
			{"POST", "/api/v1/products", "application/json", `{"name":"`},
		} {
			res, took := s.trickle(t, c.method, c.path, s.acmeKey, c.ctype, c.first)
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != http.StatusRequestTimeout || !bytes.Contains(body, []byte("too slow")) || took > 4*time.Second {
				t.Errorf("%s %s: %d after %v: %s", c.method, c.path, res.StatusCode, took, body)
			}
			if !res.Close {
				t.Errorf("%s %s: the connection stays open after a slow body", c.method, c.path)
			}
		}
	})
}

// A client without a key trickling a body is answered 401 and dropped
// within the grace period: the server discards an unread body before it
// answers, and without a deadline it waited for the whole body at the
// client's pace.
func TestSlowBodyWithoutKeyIsDropped(t *testing.T) {
	enginesWith(t, paced, func(t *testing.T, s *server) {
		res, took := s.trickle(t, "POST", "/api/v1/versions/"+s.version.ID+"/sboms", "rocca_wrong", "application/json", "{")
		if res.StatusCode != http.StatusUnauthorized || took > 4*time.Second {
			t.Fatalf("status %d after %v", res.StatusCode, took)
		}
		start := time.Now()
		_, err := io.Copy(io.Discard, res.Body)
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatalf("connection still open after %v", time.Since(start))
		}
	})
}

// A body that keeps above the minimum rate is read whole, however long it
// takes beyond the grace period.
func TestSteadyBodyAccepted(t *testing.T) {
	enginesWith(t, paced, func(t *testing.T, s *server) {
		body := bytes.NewReader(append(append([]byte{}, s.demo...), bytes.Repeat([]byte(" "), max(0, 6000-len(s.demo)))...))
		pr, pw := io.Pipe()
		go func() {
			// 1000 bytes every 250 ms: 4 KB/s, four times the minimum, for over a second.
			buf := make([]byte, 1000)
			for {
				n, err := body.Read(buf)
				if n > 0 {
					if _, werr := pw.Write(buf[:n]); werr != nil {
						return
					}
					time.Sleep(250 * time.Millisecond)
				}
				if err != nil {
					pw.Close()
					return
				}
			}
		}()
		req, err := http.NewRequest("POST", s.URL+"/api/v1/versions/"+s.version.ID+"/sboms?name=steady", pr)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Api-Key", s.acmeKey)
		start := time.Now()
		res, err := s.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusCreated || time.Since(start) < time.Second {
			t.Errorf("steady upload: %d after %v: %s", res.StatusCode, time.Since(start), strings.TrimSpace(string(b)))
		}
	})
}
