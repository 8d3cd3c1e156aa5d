package api

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/uid"
)

func TestPathWildcards(t *testing.T) {
	for pattern, want := range map[string]string{
		"/api/v1/products":                      "",
		"/api/v1/products/{product}/versions":   "product",
		"/api/v1/bom/token/{token}":             "token",
		"/api/v1/a/{x}/b/{y}":                   "x,y",
		"/api/v1/files/{path...}":               "path",
		"/api/v1/vulnerabilities/{id}":          "id",
		"/api/v1/finding/project/{project}/odd": "project",
	} {
		got := ""
		for i, n := range pathWildcards(pattern) {
			if i > 0 {
				got += ","
			}
			got += n
		}
		if got != want {
			t.Errorf("pathWildcards(%q) = %q, want %q", pattern, got, want)
		}
	}
}

func TestCheckPath(t *testing.T) {
	id := uid.New()
	for _, tc := range []struct {
		name, value string
		ok          bool
	}{
		{"version", id, true},
		{"version", "", false},
		{"version", id + "0", false},
		{"version", "x\x00" + id[2:], false},
		{"id", "CVE-2021-44228", true},
		{"id", "openSUSE-SU-2024:12345-1", true},
		{"id", "", false},
		{"id", "CVE 2021", false},
		{"id", "CVE\x00", false},
		{"id", "\xff", false},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.SetPathValue(tc.name, tc.value)
		if err := checkPath(r, []string{tc.name}); (err == nil) != tc.ok {
			t.Errorf("checkPath(%s=%q) = %v, want ok %v", tc.name, tc.value, err, tc.ok)
		}
	}
}

func TestBodyPaceAllowed(t *testing.T) {
	p := bodyPace{rate: 1 << 10, grace: 10 * time.Second, timeout: 5 * time.Minute}
	for _, tc := range []struct {
		n    int64
		want time.Duration
	}{
		{0, 10 * time.Second},
		{512, 10*time.Second + 500*time.Millisecond},
		{10 << 10, 20 * time.Second},
		{290 << 10, 5 * time.Minute},
		{1 << 40, 5 * time.Minute},
		{1<<63 - 1, 5 * time.Minute},
	} {
		if got := p.allowed(tc.n); got != tc.want {
			t.Errorf("allowed(%d) = %v, want %v", tc.n, got, tc.want)
		}
	}
}
