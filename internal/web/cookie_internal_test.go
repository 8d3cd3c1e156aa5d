package web

import (
	"crypto/tls"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestSessionCookieSecure: the cookie is Secure over TLS, and behind a
// proxy's X-Forwarded-Proto only when the proxy is trusted.
func TestSessionCookieSecure(t *testing.T) {
	for _, tc := range []struct {
		name   string
		trust  bool
		tls    bool
		header string
		secure bool
	}{
		{"plain HTTP", false, false, "", false},
		{"TLS", false, true, "", true},
		{"forwarded https, proxy not trusted", false, false, "https", false},
		{"forwarded https, proxy trusted", true, false, "https", true},
		{"forwarded http, proxy trusted", true, false, "http", false},
	} {
		w := &Web{o: Options{TrustForwardedProto: tc.trust}}
		r := httptest.NewRequest("GET", "/login", nil)
		if tc.tls {
			r.TLS = &tls.ConnectionState{}
		}
		if tc.header != "" {
			r.Header.Set("X-Forwarded-Proto", tc.header)
		}
		rec := httptest.NewRecorder()
		w.setCookie(rec, r, sessionCookie, "token", 0)
		c := rec.Header().Get("Set-Cookie")
		if strings.Contains(c, "; Secure") != tc.secure || !strings.Contains(c, "HttpOnly") || !strings.Contains(c, "SameSite=Lax") {
			t.Errorf("%s: %s", tc.name, c)
		}
	}
}
