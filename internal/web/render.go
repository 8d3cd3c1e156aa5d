package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/msg"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/store"
)

//go:embed templates
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pages are the parsed templates: each page is the layout with the
// page's own "content".
type pages struct {
	byName map[string]*template.Template
}

// funcs are the templates' helpers that need no locale (the locale's
// are methods of Localizer, reached as .L).
var funcs = template.FuncMap{
	"sevClass": func(s any) string {
		r := strings.ToLower(fmt.Sprint(s))
		switch r {
		case "critical", "high", "medium", "low", "none":
			return "sev-" + r
		}
		return "sev-unknown"
	},
	"join": strings.Join,
	"list": func(s ...string) []string { return s },
	// pass passes the localizer and a value to a partial.
	"pass": func(l *Localizer, v any) map[string]any { return map[string]any{"L": l, "V": v} },
	// field passes a form's errors and a field name to "fielderr".
	"field": func(l *Localizer, v any, name string) map[string]any {
		return map[string]any{"L": l, "V": v, "Name": name}
	},
	// dict3 passes the localizer, a form, a name and a list to a partial.
	"dict3": func(l *Localizer, v any, name string, list any) map[string]any {
		return map[string]any{"L": l, "V": v, "Name": name, "Events": list}
	},
	"sevWord": func(s any) string {
		r := strings.ToLower(fmt.Sprint(s))
		switch r {
		case "critical", "high", "medium", "low", "none":
			return r
		}
		return "unknown"
	},
	"add": func(a, b int) int { return a + b },
	// memberStates and has serve the reporting forms' Member State lists.
	"memberStates": func() []string { return memberStates },
	"has":          func(s []string, v string) bool { return slices.Contains(s, v) },
	// dictMS passes a Member State select's name, label key and value.
	"dictMS": func(l *Localizer, name, label, v string) map[string]any {
		return map[string]any{"L": l, "Name": name, "Label": label, "V": v}
	},
	// clk passes the localizer, the reporting clock and a value to a partial.
	"clk": func(l *Localizer, c clock, v any) map[string]any { return map[string]any{"L": l, "C": c, "V": v} },
	"safeSVG": func(s string) template.HTML {
		// The chart's SVG is built by chart.go from numbers and
		// HTML-escaped labels only.
		return template.HTML(s) //nolint:gosec // built by svgChart, see there
	},
	"short": func(s string, n int) string {
		r := []rune(s)
		if len(r) <= n {
			return s
		}
		return string(r[:n-1]) + "…"
	},
}

// parsePages parses the layout with every page of templates/pages.
func parsePages() (*pages, error) {
	base, err := template.New("layout").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	names, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{byName: map[string]*template.Template{}}
	for _, n := range names {
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := t.ParseFS(templateFS, n); err != nil {
			return nil, fmt.Errorf("parse %s: %w", n, err)
		}
		p.byName[strings.TrimSuffix(path.Base(n), ".html")] = t
	}
	return p, nil
}

// view is what every page's template receives.
type view struct {
	L *Localizer
	// P is the signed-in person (nil on the sign-in pages).
	P *Principal
	// CSRF is the token the page's forms carry.
	CSRF string
	// Title is the page's title, translated.
	Title string
	// Nav names the active navigation entry.
	Nav string
	// Here is the page's own address (the language switch returns to it).
	Here   string
	Notice string
	// Page is the template's name (body's data-page, for tests and
	// styles).
	Page string
	Now  time.Time
	Data any
}

// render writes a page with status.
func (w *Web) render(rw http.ResponseWriter, r *http.Request, status int, name string, v view) error {
	t, ok := w.pages.byName[name]
	if !ok {
		return fmt.Errorf("web: no page template %q", name)
	}
	v.P, v.Page = principalOf(r.Context()), name
	if v.L == nil {
		v.L = w.localizer(r)
	}
	v.Now = w.o.Now()
	v.Here = r.URL.RequestURI()
	if v.P != nil && len(v.P.CSRFSecret) > 0 {
		v.CSRF = csrfToken(v.P)
	} else {
		v.CSRF = w.preCSRF(rw, r)
	}
	if v.Notice == "" {
		v.Notice = noticeText(v.L, r.URL.Query().Get("notice"))
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	h := rw.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Language", v.L.Lang)
	rw.WriteHeader(status)
	_, err := rw.Write(buf.Bytes())
	return err
}

// preCSRF returns the anonymous forms' token, setting its cookie when the
// browser has none yet.
func (w *Web) preCSRF(rw http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(preCSRFCookie); err == nil && len(c.Value) == 64 {
		return c.Value
	}
	tok := randomToken()
	w.setCookie(rw, r, preCSRFCookie, tok, 0)
	return tok
}

// localizer returns the request's localizer: the person's stored
// preference, else the language negotiated from the request.
func (w *Web) localizer(r *http.Request) *Localizer {
	if p := principalOf(r.Context()); p != nil && offered(p.Lang) {
		return w.cat.For(p.Lang)
	}
	return w.cat.For(negotiate(r))
}

// pageError is an error with the status and message key it is shown
// with.
type pageError struct {
	status int
	key    string
	// detail is shown under the message (outside text, escaped).
	detail string
	// msg is detail's sentence, shown in the person's language when it
	// has a code (Localizer.Detail).
	msg msg.Text
}

func (e *pageError) Error() string { return e.key }

var (
	errNotFound      = &pageError{status: http.StatusNotFound, key: "error.not_found"}
	errForbiddenPage = &pageError{status: http.StatusForbidden, key: "error.forbidden"}
	errNoOrg         = &pageError{status: http.StatusForbidden, key: "error.no_org"}
	errCSRF          = &pageError{status: http.StatusForbidden, key: "error.csrf"}
	errCrossOrigin   = &pageError{status: http.StatusForbidden, key: "error.cross_origin"}
	errSignIn        = &pageError{status: http.StatusUnauthorized, key: "error.sign_in"}
	errTooLarge      = &pageError{status: http.StatusRequestEntityTooLarge, key: "error.too_large"}
	errBusy          = &pageError{status: http.StatusServiceUnavailable, key: "error.busy"}
)

// inputError is a 400 with a message key and a detail.
func inputError(key, detail string) error {
	return &pageError{status: http.StatusBadRequest, key: key, detail: detail}
}

// fail renders an error page. Errors of the use cases map to their
// statuses; anything else is logged and shown as an internal error
// without detail.
func (w *Web) fail(rw http.ResponseWriter, r *http.Request, err error) {
	var pe *pageError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &pe):
	case errors.Is(err, store.ErrNotFound):
		pe = errNotFound
	case errors.Is(err, ErrForbidden):
		pe = errForbiddenPage
	case errors.As(err, &mbe):
		pe = errTooLarge
	case errors.Is(err, portfolio.ErrBusy), errors.Is(err, portfolio.ErrShuttingDown):
		pe = errBusy
	case errors.Is(err, store.ErrInvalidCursor):
		pe = &pageError{status: http.StatusBadRequest, key: "error.bad_cursor"}
	case portfolio.IsInput(err):
		pe = refused(http.StatusBadRequest, "error.input", err)
	default:
		if r.Context().Err() != nil {
			return
		}
		w.o.Log.Error("page failed", "method", r.Method, "path", r.URL.Path, "error", err)
		pe = &pageError{status: http.StatusInternalServerError, key: "error.internal"}
	}
	if pe.status == http.StatusServiceUnavailable {
		rw.Header().Set("Retry-After", "10")
	}
	l := w.localizer(r)
	rerr := w.render(rw, r, pe.status, "error", view{L: l, Title: l.T("error.title"), Data: pe})
	if rerr != nil {
		w.o.Log.Error("render error page", "error", rerr)
		http.Error(rw, http.StatusText(pe.status), pe.status)
	}
}

// Key and Detail expose a page error to its template.
func (e *pageError) Key() string    { return e.key }
func (e *pageError) Detail() string { return e.detail }
func (e *pageError) Status() int    { return e.status }

// noticeText is the message of a ?notice= after a redirect (only known
// notices are shown: the text comes from the catalogue, never the URL).
func noticeText(l *Localizer, n string) string {
	switch n {
	case "created", "saved", "revoked", "signed_out", "password_changed", "role_changed", "uploaded", "member_added",
		"aware", "closed", "submitted":
		return l.T("notice." + n)
	case "triaged":
		return l.T("triage.notice")
	case "member_removed":
		return l.T("settings.notice_member_removed")
	case "org_created":
		return l.T("settings.notice_org_created")
	case "webhook_deleted":
		return l.T("notifications.notice_webhook_deleted")
	case "email_created":
		return l.T("notifications.notice_email_created")
	case "email_deleted":
		return l.T("notifications.notice_email_deleted")
	}
	return ""
}

// staticFiles are the embedded assets with their ETags.
type staticFiles map[string]staticFile

type staticFile struct {
	body []byte
	etag string
	ct   string
}

func loadStatic() (staticFiles, error) {
	out := staticFiles{}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ct := mime.TypeByExtension(path.Ext(p))
		if ct == "" {
			ct = "application/octet-stream"
		}
		out["/"+p] = staticFile{body: b, etag: `"` + hex.EncodeToString(sum[:8]) + `"`, ct: ct}
		return nil
	})
	return out, err
}

// serveStatic serves an embedded asset. Assets change only with the
// binary: browsers keep them a day and revalidate by ETag.
func (w *Web) serveStatic(rw http.ResponseWriter, r *http.Request) {
	f, ok := w.static[r.URL.Path]
	if !ok {
		http.NotFound(rw, r)
		return
	}
	h := rw.Header()
	h.Set("Content-Type", f.ct)
	h.Set("Cache-Control", "public, max-age=86400")
	h.Set("ETag", f.etag)
	if r.Header.Get("If-None-Match") == f.etag {
		rw.WriteHeader(http.StatusNotModified)
		return
	}
	_, _ = rw.Write(f.body)
}
