package api

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/rocca-project/rocca/internal/accounts"
	"github.com/rocca-project/rocca/internal/model"
)

// Route is one endpoint of the API.
type Route struct {
	Method  string
	Pattern string
	// Auth is true when the route needs an organisation's API key.
	Auth    bool
	handler http.Handler
}

// Routes lists every endpoint. rocca's own resources use plural nouns
// (/products, /versions...); the Dependency-Track-compatible subset keeps
// Dependency-Track's singular paths (/bom, /project, /finding, /event), so
// the two never collide.
func (a *API) Routes() []Route {
	return []Route{
		a.open("GET", "/healthz", a.healthz),
		a.open("GET", "/readyz", a.readyz),
		a.open("GET", "/api/v1/openapi.json", a.openapi),
		a.open("GET", "/metrics", a.metricsHandler),

		a.auth("GET", "/api/v1/organisation", a.getOrganisation),
		a.auth("GET", "/api/v1/products", a.listProducts),
		a.auth("POST", "/api/v1/products", a.createProduct),
		a.auth("GET", "/api/v1/products/{product}", a.getProduct),
		a.auth("PATCH", "/api/v1/products/{product}", a.patchProduct),
		a.auth("GET", "/api/v1/products/{product}/versions", a.listVersions),
		a.auth("POST", "/api/v1/products/{product}/versions", a.createVersion),
		a.auth("GET", "/api/v1/versions/{version}", a.getVersion),
		a.auth("PATCH", "/api/v1/versions/{version}", a.patchVersion),
		a.auth("GET", "/api/v1/versions/{version}/sboms", a.listSBOMs),
		a.auth("POST", "/api/v1/versions/{version}/sboms", a.uploadSBOM),
		a.auth("GET", "/api/v1/versions/{version}/components", a.listComponents),
		a.auth("GET", "/api/v1/versions/{version}/findings", a.listFindings),
		a.auth("GET", "/api/v1/versions/{version}/findings/summary", a.findingSummary),
		a.auth("GET", "/api/v1/versions/{version}/finding-events", a.listFindingEvents),
		a.auth("POST", "/api/v1/versions/{version}/rematch", a.rematchVersion),
		a.auth("GET", "/api/v1/versions/{version}/vex", a.exportVersionVEX),
		a.auth("POST", "/api/v1/versions/{version}/vex", a.importVersionVEX),
		a.auth("GET", "/api/v1/versions/{version}/report", a.versionReport),
		a.auth("GET", "/api/v1/products/{product}/vex", a.exportProductVEX),
		a.auth("POST", "/api/v1/products/{product}/vex", a.importProductVEX),
		a.auth("GET", "/api/v1/sboms/{sbom}", a.getSBOM),
		a.auth("GET", "/api/v1/sboms/{sbom}/content", a.getSBOMContent),
		a.auth("GET", "/api/v1/components/{component}", a.getComponent),
		a.auth("GET", "/api/v1/uploads/{token}", a.getUpload),
		a.auth("GET", "/api/v1/findings/{finding}/analysis", a.getAnalysis),
		a.auth("PUT", "/api/v1/findings/{finding}/analysis", a.putAnalysis),
		a.auth("GET", "/api/v1/findings/{finding}/analysis/related", a.relatedAnalyses),
		a.auth("POST", "/api/v1/findings/analysis", a.bulkAnalysis),
		a.auth("GET", "/api/v1/vulnerabilities/{id}", a.getVulnerability),
		a.auth("GET", "/api/v1/webhooks", a.listWebhooks),
		a.auth("POST", "/api/v1/webhooks", a.createWebhook),
		a.auth("GET", "/api/v1/webhooks/{webhook}", a.getWebhook),
		a.auth("GET", "/api/v1/webhooks/{webhook}/deliveries", a.listDeliveries),
		a.auth("DELETE", "/api/v1/webhooks/{webhook}", a.deleteWebhook),
		a.auth("GET", "/api/v1/email-subscriptions", a.listEmailSubscriptions),
		a.auth("POST", "/api/v1/email-subscriptions", a.createEmailSubscription),
		a.auth("GET", "/api/v1/email-subscriptions/{subscription}", a.getEmailSubscription),
		a.auth("GET", "/api/v1/email-subscriptions/{subscription}/deliveries", a.listEmailDeliveries),
		a.auth("DELETE", "/api/v1/email-subscriptions/{subscription}", a.deleteEmailSubscription),

		// CRA Art. 14 reporting (docs/reporting.md).
		a.auth("GET", "/api/v1/cases", a.listCases),
		a.auth("POST", "/api/v1/cases", a.createCase),
		a.auth("GET", "/api/v1/cases/{case}", a.getCase),
		a.auth("PATCH", "/api/v1/cases/{case}", a.patchCase),
		a.auth("GET", "/api/v1/cases/{case}/log", a.caseLog),
		a.auth("POST", "/api/v1/cases/{case}/awareness", a.caseAwareness),
		a.auth("POST", "/api/v1/cases/{case}/fix", a.caseFix),
		a.auth("POST", "/api/v1/cases/{case}/intermediate", a.caseIntermediate),
		a.auth("POST", "/api/v1/cases/{case}/close", a.closeCase),
		a.auth("POST", "/api/v1/cases/{case}/stages/{stage}/submission", a.recordSubmission),
		a.auth("GET", "/api/v1/cases/{case}/srp", a.caseSRP),
		a.auth("GET", "/api/v1/cases/{case}/user-notice", a.caseUserNotice),
		a.auth("GET", "/api/v1/reporting-profile", a.getReportingProfile),
		a.auth("PUT", "/api/v1/reporting-profile", a.putReportingProfile),
		a.auth("POST", "/api/v1/reporting-profile/calendar", a.newCalendarSecret),
		a.open("GET", "/api/v1/calendar.ics", a.calendar),

		// Dependency-Track-compatible subset (docs/dependency-track.md).
		a.auth("PUT", "/api/v1/bom", a.dtPutBOM),
		a.auth("POST", "/api/v1/bom", a.dtPostBOM),
		a.auth("GET", "/api/v1/bom/token/{token}", a.dtToken),
		a.auth("GET", "/api/v1/event/token/{token}", a.dtToken),
		a.auth("GET", "/api/v1/project", a.dtProjects),
		a.auth("GET", "/api/v1/project/lookup", a.dtProjectLookup),
		a.auth("GET", "/api/v1/project/{project}", a.dtGetProject),
		a.auth("GET", "/api/v1/finding/project/{project}", a.dtProjectFindings),
		a.auth("GET", "/api/v1/metrics/project/{project}/current", a.dtProjectMetrics),
		a.auth("GET", "/api/v1/violation/project/{project}", a.dtProjectViolations),
		a.auth("GET", "/api/v1/team/self", a.dtTeamSelf),
		a.auth("PUT", "/api/v1/analysis", a.dtPutAnalysis),
		a.auth("GET", "/api/v1/analysis", a.dtGetAnalysis),
		a.open("GET", "/api/version", a.dtVersion),
	}
}

func (a *API) open(method, pattern string, h public) Route {
	return Route{Method: method, Pattern: pattern, handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.finish(w, r, h(w, r))
	})}
}

// auth wraps a handler that needs a key. The path's ids are validated
// (after authentication, so that a caller without a key learns nothing)
// before the handler sees them.
func (a *API) auth(method, pattern string, h authed) Route {
	wildcards := pathWildcards(pattern)
	return Route{Method: method, Pattern: pattern, Auth: true, handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		k, err := a.svc.Authenticate(r.Context(), apiKey(r))
		if err == nil {
			err = checkPath(r, wildcards)
		}
		if err != nil {
			a.finish(w, r, err)
			return
		}
		// The key is the actor of what the request changes (audit log).
		r = r.WithContext(accounts.WithActor(r.Context(), "apikey:"+k.ID))
		a.finish(w, r, h(w, r, k))
	})}
}

// apiKey returns the key a request presents: X-Api-Key (Dependency-Track's
// header) or an Authorization bearer token.
func apiKey(r *http.Request) string {
	if k := r.Header.Get("X-Api-Key"); k != "" {
		return k
	}
	if scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok && strings.EqualFold(scheme, "Bearer") {
		return strings.TrimSpace(tok)
	}
	return ""
}

// retryAfterSeconds is the Retry-After of a 503 (a full upload backlog, a
// shutdown): about the time a worker needs for a typical SBOM.
const retryAfterSeconds = 10

// finish renders a handler's error, if any, as a problem.
// statusClientClosed is logged for a request its client abandoned (no
// answer reaches it; nginx's 499).
const statusClientClosed = 499

func (a *API) finish(w http.ResponseWriter, r *http.Request, err error) {
	if err == nil {
		return
	}
	if r.Context().Err() != nil && errors.Is(err, r.Context().Err()) {
		// The client went away: nobody reads an answer, and it is not a
		// failure of the server.
		a.log.Info("request abandoned by the client", "request_id", requestIDOf(r.Context()), "method", r.Method, "path", r.URL.Path)
		w.WriteHeader(statusClientClosed)
		return
	}
	p, known := toProblem(err)
	if !known {
		a.log.Error("request failed", "request_id", requestIDOf(r.Context()), "method", r.Method, "path", r.URL.Path, "error", err)
	}
	switch p.Status {
	case http.StatusUnauthorized:
		w.Header().Set("WWW-Authenticate", `Bearer realm="rocca"`)
	case http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds))
	}
	// The rest of a refused body is not worth reading.
	var mbe *http.MaxBytesError
	var sbe *slowBodyError
	if errors.As(err, &mbe) || errors.As(err, &sbe) {
		w.Header().Set("Connection", "close")
	}
	writeProblem(w, r, p)
}

// orgOf is the organisation a key belongs to: every handler scopes its
// reads and writes to it.
func orgOf(k model.APIKey) string { return k.OrgID }
