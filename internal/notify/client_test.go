package notify

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestCheckTarget(t *testing.T) {
	cases := []struct {
		addr          string
		allowLoopback bool
		ok            bool
	}{
		{"127.0.0.1:80", false, false},
		{"127.0.0.1:80", true, true},
		{"[::1]:443", false, false},
		{"169.254.169.254:80", true, false},  // cloud metadata
		{"[fd00:ec2::254]:80", false, false}, // AWS metadata, IPv6
		{"100.100.100.200:80", false, false}, // Alibaba Cloud metadata
		{"[fd00:ec2::253]:80", false, true},  // unique-local: private, allowed
		{"100.100.100.201:80", false, true},
		{"[fe80::1]:80", false, false},
		{"0.0.0.0:80", false, false},
		{"224.0.0.1:80", false, false},
		{"[::ffff:127.0.0.1]:80", false, false},
		{"10.1.2.3:443", false, true},
		{"192.168.1.10:8080", false, true},
		{"93.184.216.34:443", false, true},
	}
	for _, c := range cases {
		err := checkTarget(c.addr, c.allowLoopback)
		if (err == nil) != c.ok || (err != nil && !errors.Is(err, ErrForbiddenTarget)) {
			t.Errorf("checkTarget(%s, %v) = %v, want ok=%v", c.addr, c.allowLoopback, err, c.ok)
		}
	}
}

func TestClientRefusesLoopbackAndRedirects(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/redirect" {
			http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	if _, err := NewClient(5*time.Second, false).Get(srv.URL); !errors.Is(err, ErrForbiddenTarget) {
		t.Errorf("loopback receiver reached without the allowance: %v", err)
	}
	c := NewClient(5*time.Second, true)
	res, err := c.Get(srv.URL + "/redirect")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound {
		t.Errorf("redirect followed: %d", res.StatusCode)
	}
}
