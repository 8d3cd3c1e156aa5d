package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// FuzzLanding: whatever a language switch posts as the page to return to,
// it is sent to an address of this site that a page answers.
func FuzzLanding(f *testing.F) {
	for _, s := range []string{"/", "/findings?severity=high", "/settings/notifications/webhooks", "/findings/analysis",
		"/products/00000000-0000-4000-8000-000000000001/versions", "//evil.test", "https://evil.test/", "/\\evil",
		"/%2f%2fevil", "/%2fcases", "/%2Fsettings/notifications?x=1", "/%2f%2fcases", "/settings/..%2f..%2fevil", "/a\r\nLocation: x", "javascript:alert(1)", "/products/", "", "/%zz"} {
		f.Add(s)
	}
	w := &Web{}
	routes := w.Routes()
	f.Fuzz(func(t *testing.T, next string) {
		loc := w.landing(safeNext(next))
		if !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\") || strings.ContainsAny(loc, "\r\n") {
			t.Fatalf("landing(%q) = %q: not an address of this site", next, loc)
		}
		u, err := url.Parse(loc)
		if err != nil || u.Host != "" || u.Scheme != "" {
			t.Fatalf("landing(%q) = %q (%v)", next, loc, err)
		}
		segs := strings.Split(strings.Trim(u.Path, "/"), "/")
		if u.Path == "/" {
			segs = nil
		}
		for _, rt := range routes {
			if rt.Method == http.MethodGet && !rt.File && patternMatches(rt.Pattern, segs) && (u.Path == "/" || !strings.HasSuffix(u.Path, "/")) {
				return
			}
		}
		t.Fatalf("landing(%q) = %q: no page answers it", next, loc)
	})
}
