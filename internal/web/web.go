package web

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/cases"
	"github.com/rocca-project/rocca/internal/feeds"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/notify"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/triage"
	"github.com/rocca-project/rocca/internal/vexchange"
)

// Options configure the web application.
type Options struct {
	Portfolio *portfolio.Service
	// Queue ingests uploaded SBOMs on the server's bounded workers.
	Queue    *portfolio.Queue
	Accounts Accounts
	// Triage records and reads the analysis of findings (nil: the
	// finding pages show the effective status but offer no triage).
	Triage *triage.Service
	// VEX exports and imports a version's VEX documents (nil: not
	// offered).
	VEX *vexchange.Service
	// FeedStatus reports the knowledge base's feeds for the dashboard
	// (nil: not shown).
	FeedStatus func(ctx context.Context) ([]feeds.SourceStatus, error)
	// KBStats reports the knowledge base's size and last update for the
	// dashboard (nil: not shown).
	KBStats func(ctx context.Context) (model.DatabaseInfo, error)
	// Notify lists the organisation's webhooks and e-mail subscriptions
	// (nil: the page says none are available).
	Notify *notify.Service
	Log    *slog.Logger
	// TrustForwardedProto makes a request whose X-Forwarded-Proto is
	// https count as served over TLS (behind a TLS-terminating proxy):
	// the session cookie is then Secure.
	TrustForwardedProto bool
	// MaxBOMBytes bounds an uploaded SBOM.
	MaxBOMBytes int64
	// Cases are the CRA Art. 14 reporting use cases (nil: the reporting
	// pages say reporting is not available).
	Cases *cases.Service
	// NotAffected records the not_affected decision of a case closed as
	// not exploitable (cases.Service.NotAffectedVia the triage use case).
	NotAffected cases.NotAffected
	// Now returns the current time (time.Now when nil).
	Now func() time.Time
}

// Web is the web application's handler.
type Web struct {
	o     Options
	cat   Catalogues
	pages *pages
	mux   *http.ServeMux
	cop   *http.CrossOriginProtection
	// static are the embedded assets by URL path, with their ETags.
	static staticFiles
}

// New builds the web application: catalogues, templates and assets are
// read and checked here, so a broken one stops the start.
func New(o Options) (*Web, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MaxBOMBytes <= 0 {
		o.MaxBOMBytes = 50 << 20
	}
	cat, err := LoadCatalogues()
	if err != nil {
		return nil, err
	}
	pg, err := parsePages()
	if err != nil {
		return nil, err
	}
	st, err := loadStatic()
	if err != nil {
		return nil, err
	}
	w := &Web{o: o, cat: cat, pages: pg, mux: http.NewServeMux(), cop: http.NewCrossOriginProtection(), static: st}
	w.mux.Handle("GET /static/", http.HandlerFunc(w.serveStatic))
	for _, r := range w.Routes() {
		w.mux.Handle(r.Method+" "+r.Pattern, w.guard(r))
	}
	w.mux.Handle("/", http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.fail(rw, r, errNotFound)
	}))
	return w, nil
}

// securityHeaders are set on every response of the web application.
var securityHeaders = map[string]string{
	"Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
	"X-Frame-Options":            "DENY",
	"X-Content-Type-Options":     "nosniff",
	"Referrer-Policy":            "same-origin",
	"Permissions-Policy":         "camera=(), microphone=(), geolocation=()",
	"Cross-Origin-Opener-Policy": "same-origin",
}

// ServeHTTP sets the security headers, refuses cross-origin state
// changes, finds the signed-in person and dispatches.
func (w *Web) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	start := time.Now()
	h := rw.Header()
	for k, v := range securityHeaders {
		h.Set(k, v)
	}
	if w.secure(r) {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
	sw := &statusWriter{ResponseWriter: rw, status: http.StatusOK}
	if err := w.cop.Check(r); err != nil {
		w.fail(sw, r, errCrossOrigin)
	} else {
		r = w.identify(sw, r)
		w.mux.ServeHTTP(sw, r)
	}
	if !strings.HasPrefix(r.URL.Path, "/static/") {
		w.o.Log.Info("page", "method", r.Method, "path", r.URL.Path, "route", r.Pattern, "status", sw.status,
			"duration", time.Since(start))
	}
}

// secure reports whether the request reached rocca over TLS, directly or
// (when trusted) through a proxy.
func (w *Web) secure(r *http.Request) bool {
	return r.TLS != nil || (w.o.TrustForwardedProto && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https"))
}

// Cookie names.
const (
	sessionCookie = "rocca_session"
	langCookie    = "rocca_lang"
	// preCSRFCookie holds the anonymous forms' token (login, setup).
	preCSRFCookie = "rocca_csrf"
)

// identify reads the session cookie and puts its principal in the
// request's context; an unknown or expired session's cookie is removed.
func (w *Web) identify(rw http.ResponseWriter, r *http.Request) *http.Request {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return r
	}
	p, err := w.o.Accounts.Session(r.Context(), c.Value)
	if err != nil {
		if !errors.Is(err, ErrNoSession) {
			w.o.Log.Error("read session", "error", err)
		}
		w.setCookie(rw, r, sessionCookie, "", -1)
		return r
	}
	p.Remote, p.Token = remoteHost(r), c.Value
	return r.WithContext(withPrincipal(r.Context(), &p))
}

// setCookie sets (maxAge > 0 or 0 for a session cookie) or removes
// (maxAge < 0) a cookie with the application's attributes.
func (w *Web) setCookie(rw http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(rw, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: w.secure(r), SameSite: http.SameSiteLaxMode})
}

// randomToken returns 32 random bytes, hex-encoded.
func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%x", b)
}

// statusWriter remembers the status written, for the log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection.
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }
