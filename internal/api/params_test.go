package api

import (
	"encoding/base64"
	"net/http/httptest"
	"strconv"
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

// FuzzDecodeOffsetCursor: the components cursor never panics, accepts only
// a UUID and an offset from 0 to maxOffset, and reads back what
// encodeOffsetCursor wrote.
func FuzzDecodeOffsetCursor(f *testing.F) {
	id := "3f2a6c1e-8b1d-4c55-9a7e-0d4b5e6f7a81"
	for _, seed := range []string{
		encodeOffsetCursor(id, 0),
		encodeOffsetCursor(id, 100),
		encodeOffsetCursor(id, maxOffset),
		base64.RawURLEncoding.EncodeToString([]byte("9223372036854775807")),
		base64.RawURLEncoding.EncodeToString([]byte(id + ":9223372036854775807")),
		base64.RawURLEncoding.EncodeToString([]byte(id + ":-1")),
		base64.RawURLEncoding.EncodeToString([]byte(id + ":007")),
		base64.RawURLEncoding.EncodeToString([]byte(id + ":1:2")),
		base64.RawURLEncoding.EncodeToString([]byte(":1")),
		"", "!!!", "MTAw",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sbom, off, err := decodeOffsetCursor(s)
		if err != nil {
			return
		}
		if !uid.Valid(sbom) || off < 0 || off > maxOffset {
			t.Fatalf("decoded %q: %q %d", s, sbom, off)
		}
		if again, off2, err := decodeOffsetCursor(encodeOffsetCursor(sbom, off)); err != nil || again != sbom || off2 != off {
			t.Fatalf("round trip of %q %d: %q %d %v", sbom, off, again, off2, err)
		}
	})
}

// FuzzDecodeSeqCursor: the finding-events cursor is a canonical
// non-negative decimal; anything else is refused, nothing panics.
func FuzzDecodeSeqCursor(f *testing.F) {
	for _, seed := range []string{"0", "1", "42", "9223372036854775807", "9223372036854775808", "-1", "+1", "007", "1e3", " 1", "", "\x00"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := decodeSeqCursor(s)
		if err != nil {
			return
		}
		if n < 0 || strconv.FormatInt(n, 10) != s {
			t.Fatalf("decoded %q as %d", s, n)
		}
	})
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
