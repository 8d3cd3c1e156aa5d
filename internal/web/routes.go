package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// Access is who may use a route.
type Access int

// Access levels. Member routes need a signed-in person with a current
// organisation and at least the named role in it.
const (
	// Public routes are open to anybody (sign-in, setup, language).
	Public Access = iota
	// Signed routes need a signed-in person, with or without an
	// organisation (sign-out, switching organisation).
	Signed
	Viewer
	Editor
	Owner
	// Admin routes need a signed-in administrator of the installation
	// (with or without an organisation).
	Admin
)

// role is the least role an access level needs.
func (a Access) role() Role {
	switch a {
	case Editor:
		return RoleEditor
	case Owner:
		return RoleOwner
	}
	return RoleViewer
}

// handler is a page or action: it writes its response or returns an
// error for fail to render.
type handler func(rw http.ResponseWriter, r *http.Request, p *Principal) error

// Route is one page or action of the web application.
type Route struct {
	Method  string
	Pattern string
	Access  Access
	// Upload marks a route whose body is an SBOM (larger body limit).
	Upload bool
	// File marks a GET route that answers with a document (a download,
	// plain text), not a page: the language switch never lands on it.
	File bool
	h    handler
}

// Routes lists every page and action. The authorisation walk in the tests
// iterates over this table, so a new route cannot escape it.
func (w *Web) Routes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/login", Access: Public, h: w.loginPage},
		{Method: "POST", Pattern: "/login", Access: Public, h: w.login},
		{Method: "GET", Pattern: "/setup", Access: Public, h: w.setupPage},
		{Method: "POST", Pattern: "/setup", Access: Public, h: w.setup},
		{Method: "POST", Pattern: "/lang", Access: Public, h: w.setLang},
		{Method: "POST", Pattern: "/logout", Access: Signed, h: w.logout},
		{Method: "POST", Pattern: "/org", Access: Signed, h: w.switchOrg},

		{Method: "GET", Pattern: "/{$}", Access: Viewer, h: w.dashboard},
		{Method: "GET", Pattern: "/products", Access: Viewer, h: w.products},
		{Method: "GET", Pattern: "/products/new", Access: Editor, h: w.newProductPage},
		{Method: "POST", Pattern: "/products", Access: Editor, h: w.createProduct},
		{Method: "GET", Pattern: "/products/{product}", Access: Viewer, h: w.product},
		{Method: "POST", Pattern: "/products/{product}/versions", Access: Editor, h: w.createVersion},
		{Method: "GET", Pattern: "/versions/{version}", Access: Viewer, h: w.version},
		{Method: "GET", Pattern: "/versions/{version}/components", Access: Viewer, h: w.components},
		{Method: "GET", Pattern: "/versions/{version}/findings", Access: Viewer, h: w.versionFindings},
		{Method: "GET", Pattern: "/versions/{version}/vex", Access: Viewer, File: true, h: w.exportVEX},
		{Method: "POST", Pattern: "/versions/{version}/vex", Access: Editor, Upload: true, h: w.importVEX},
		{Method: "GET", Pattern: "/versions/{version}/upload", Access: Editor, h: w.uploadPage},
		{Method: "POST", Pattern: "/versions/{version}/upload", Access: Editor, Upload: true, h: w.upload},
		{Method: "GET", Pattern: "/sboms/{sbom}", Access: Viewer, h: w.sbom},
		{Method: "GET", Pattern: "/components/{component}", Access: Viewer, h: w.component},
		{Method: "GET", Pattern: "/findings", Access: Viewer, h: w.findings},
		{Method: "GET", Pattern: "/findings/{finding}", Access: Viewer, h: w.finding},
		{Method: "POST", Pattern: "/findings/{finding}/analysis", Access: Editor, h: w.recordAnalysis},
		{Method: "POST", Pattern: "/findings/{finding}/analysis/copy", Access: Editor, h: w.copyAnalysis},
		{Method: "POST", Pattern: "/findings/analysis", Access: Editor, h: w.bulkAnalysis},
		{Method: "GET", Pattern: "/kb", Access: Viewer, h: w.kb},
		{Method: "GET", Pattern: "/settings", Access: Viewer, h: w.settings},
		{Method: "POST", Pattern: "/settings/members", Access: Owner, h: w.addMember},
		{Method: "POST", Pattern: "/settings/members/{user}/role", Access: Owner, h: w.setRole},
		{Method: "GET", Pattern: "/settings/members/{user}/remove", Access: Owner, h: w.removeMemberPage},
		{Method: "POST", Pattern: "/settings/members/{user}/remove", Access: Owner, h: w.removeMember},
		{Method: "GET", Pattern: "/orgs/new", Access: Admin, h: w.newOrgPage},
		{Method: "POST", Pattern: "/orgs", Access: Admin, h: w.createOrg},
		{Method: "GET", Pattern: "/settings/api-keys", Access: Owner, h: w.apiKeys},
		{Method: "POST", Pattern: "/settings/api-keys", Access: Owner, h: w.createAPIKey},
		{Method: "POST", Pattern: "/settings/api-keys/{key}/revoke", Access: Owner, h: w.revokeAPIKey},
		{Method: "GET", Pattern: "/settings/feeds", Access: Viewer, h: w.feedsPage},
		{Method: "GET", Pattern: "/settings/notifications", Access: Viewer, h: w.notificationsPage},
		{Method: "POST", Pattern: "/settings/notifications/webhooks", Access: Owner, h: w.createWebhook},
		{Method: "POST", Pattern: "/settings/notifications/webhooks/{webhook}/delete", Access: Owner, h: w.deleteWebhook},
		{Method: "POST", Pattern: "/settings/notifications/emails", Access: Owner, h: w.createEmail},
		{Method: "POST", Pattern: "/settings/notifications/emails/{subscription}/delete", Access: Owner, h: w.deleteEmail},
		{Method: "GET", Pattern: "/cases", Access: Viewer, h: w.casesList},
		{Method: "GET", Pattern: "/cases/new", Access: Editor, h: w.newCasePage},
		{Method: "POST", Pattern: "/cases", Access: Editor, h: w.createCase},
		{Method: "GET", Pattern: "/cases/{case}", Access: Viewer, h: w.casePage},
		{Method: "POST", Pattern: "/cases/{case}/awareness", Access: Editor, h: w.confirmAwareness},
		{Method: "POST", Pattern: "/cases/{case}/fix", Access: Editor, h: w.recordFix},
		{Method: "POST", Pattern: "/cases/{case}/intermediate", Access: Editor, h: w.requestIntermediate},
		{Method: "POST", Pattern: "/cases/{case}/statement", Access: Editor, h: w.editStatement},
		{Method: "POST", Pattern: "/cases/{case}/close", Access: Editor, h: w.closeCase},
		{Method: "POST", Pattern: "/cases/{case}/submission", Access: Editor, h: w.recordSubmission},
		{Method: "GET", Pattern: "/cases/{case}/draft", Access: Viewer, h: w.draftPage},
		{Method: "GET", Pattern: "/cases/{case}/draft.json", Access: Viewer, File: true, h: w.draftJSON},
		{Method: "GET", Pattern: "/cases/{case}/draft/print", Access: Viewer, h: w.draftPrint},
		{Method: "GET", Pattern: "/cases/{case}/user-notice", Access: Viewer, File: true, h: w.userNotice},
		{Method: "GET", Pattern: "/settings/reporting", Access: Viewer, h: w.profilePage},
		{Method: "POST", Pattern: "/settings/reporting", Access: Owner, h: w.saveProfile},
		{Method: "POST", Pattern: "/settings/reporting/calendar", Access: Owner, h: w.newCalendar},
		{Method: "POST", Pattern: "/products/{product}/reporting", Access: Editor, h: w.saveProductReporting},
		{Method: "POST", Pattern: "/versions/{version}/lifecycle", Access: Editor, h: w.saveLifecycle},
		{Method: "GET", Pattern: "/account", Access: Signed, h: w.accountPage},
		{Method: "POST", Pattern: "/account/password", Access: Signed, h: w.changePassword},
	}
}

// landing is where the language switch returns for next, a same-site
// address (safeNext): next itself when a page (a GET route that is not a
// File) answers its path, else the nearest parent path a page answers,
// else "/". The switch is posted from every page, also from one shown as
// the answer to a refused form, whose address (the form's action) may
// have no page.
func (w *Web) landing(next string) string {
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") {
		return "/"
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	if u.Path == "/" {
		segs = nil
	}
	routes := w.Routes()
	for n := len(segs); n >= 0; n-- {
		for _, rt := range routes {
			if rt.Method != http.MethodGet || rt.File || !patternMatches(rt.Pattern, segs[:n]) {
				continue
			}
			if n == len(segs) && (u.Path == "/" || !strings.HasSuffix(u.Path, "/")) {
				// The page itself, with its query (filters, a page of a
				// list). The path is rebuilt from the segments the route
				// matched, never taken as decoded: "/%2fcases" decodes
				// to "//cases", which a browser reads as a host.
				return (&url.URL{Path: "/" + strings.Join(segs, "/"), RawQuery: u.RawQuery}).String()
			}
			return (&url.URL{Path: "/" + strings.Join(segs[:n], "/")}).String()
		}
	}
	return "/"
}

// patternMatches reports whether a route's pattern matches the path
// segments segs, its wildcards only rocca's ids (as guard requires).
func patternMatches(pattern string, segs []string) bool {
	if pattern == "/{$}" {
		return len(segs) == 0
	}
	ps := strings.Split(strings.TrimPrefix(pattern, "/"), "/")
	if len(ps) != len(segs) {
		return false
	}
	for i, p := range ps {
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") {
			if !isID(segs[i]) {
				return false
			}
		} else if p != segs[i] {
			return false
		}
	}
	return true
}

// Body limits of form posts and uploads (the SBOM limit plus room for
// the form's other fields).
const maxFormBytes = 64 << 10

// guard wraps a route: authentication, the role in the current
// organisation, path ids, body limits and the CSRF token of a post.
func (w *Web) guard(rt Route) http.Handler {
	wildcards := pathWildcards(rt.Pattern)
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		p := principalOf(r.Context())
		if rt.Access != Public {
			if p == nil {
				w.toLogin(rw, r)
				return
			}
			if rt.Access == Admin && !p.Admin {
				w.fail(rw, r, errForbiddenPage)
				return
			}
			if rt.Access >= Viewer && rt.Access <= Owner {
				if p.Org.OrgID == "" {
					w.fail(rw, r, errNoOrg)
					return
				}
				if !p.Org.Role.AtLeast(rt.Access.role()) {
					w.fail(rw, r, errForbiddenPage)
					return
				}
			}
		}
		for _, name := range wildcards {
			if !isID(r.PathValue(name)) {
				w.fail(rw, r, errNotFound)
				return
			}
		}
		if r.Method == http.MethodPost {
			limit := int64(maxFormBytes)
			if rt.Upload {
				limit = w.o.MaxBOMBytes + maxFormBytes
			}
			r.Body = http.MaxBytesReader(rw, r.Body, limit)
			if err := parseForm(r); err != nil {
				w.fail(rw, r, err)
				return
			}
			if !w.checkCSRF(r, p) {
				w.fail(rw, r, errCSRF)
				return
			}
		}
		if err := rt.h(rw, r, p); err != nil {
			w.fail(rw, r, err)
		}
	})
}

// parseForm reads a post's form (multipart for uploads: files beyond a
// few MiB wait in temporary files, which the server removes after the
// request). A body over the route's limit is errTooLarge, not a missing
// CSRF token.
func parseForm(r *http.Request) error {
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(8 << 20)
	} else {
		err = r.ParseForm()
	}
	var mbe *http.MaxBytesError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &mbe):
		return errTooLarge
	default:
		return inputError("error.input", err.Error())
	}
}

// toLogin sends a person who is not signed in to the sign-in page (with
// the page to return to); a post is refused.
func (w *Web) toLogin(rw http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.fail(rw, r, errSignIn)
		return
	}
	http.Redirect(rw, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
}

// csrfToken is the token of a session's forms: an HMAC of a fixed label
// under the session's secret, so it needs no storage and dies with the
// session.
func csrfToken(p *Principal) string {
	m := hmac.New(sha256.New, p.CSRFSecret)
	m.Write([]byte("rocca web form"))
	return hex.EncodeToString(m.Sum(nil))
}

// checkCSRF compares a post's csrf field with the session's token or,
// for a person not signed in, with the pre-session cookie (set when the
// form was shown).
func (w *Web) checkCSRF(r *http.Request, p *Principal) bool {
	var want string
	if p != nil && len(p.CSRFSecret) > 0 {
		want = csrfToken(p)
	} else if c, err := r.Cookie(preCSRFCookie); err == nil {
		want = c.Value
	}
	got := r.PostFormValue("csrf")
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// pathWildcards lists the {names} of a pattern.
func pathWildcards(pattern string) []string {
	var out []string
	for _, seg := range strings.Split(pattern, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") && seg != "{$}" {
			out = append(out, strings.TrimSuffix(strings.Trim(seg, "{}"), "..."))
		}
	}
	return out
}

// isID reports whether s looks like one of rocca's ids (a UUID).
func isID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return false
			}
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f':
		default:
			return false
		}
	}
	return true
}
