package api

import (
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/cases"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/reporting"
	"github.com/rocca-project/rocca/internal/reporting/srp"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/uid"
)

// The CRA reporting endpoints (docs/reporting.md). Times are RFC 3339;
// deadlines are UTC, to the minute.

func (a *API) casesOn() error {
	if a.cases == nil {
		return notFoundf("CRA reporting is not enabled on this server")
	}
	return nil
}

// actor names who made a change through the API: the key's label.
func actor(k model.APIKey) string { return "API key " + k.Label + " (" + k.Prefix + "…)" }

// caseBody is a case as the API shows it.
type caseBody struct {
	model.Case
	// Deadlines are the conservative deadlines once known, by stage:
	// earlyWarning, notification, intermediate, finalReport.
	Deadlines map[string]time.Time `json:"deadlines"`
	// LegalDeadlines are the later deadlines under Regulation 1182/71
	// (information only).
	LegalDeadlines map[string]time.Time `json:"legalDeadlines"`
	Clocks         []cases.Clock        `json:"clocks"`
	// AssessmentSeconds is how long the case has waited in assessment.
	AssessmentSeconds int64 `json:"assessmentSeconds,omitempty"`
	// Exploitation lists the known-exploited lists holding the case's
	// vulnerability (empty when none, and for a severe incident).
	Exploitation []exploitationBody `json:"exploitation"`
}

// exploitationBody is one known-exploited list's entry of a case's
// vulnerability; dates are RFC 3339 full dates (YYYY-MM-DD), as the lists
// give them.
type exploitationBody struct {
	// Source is cisa-kev, eu-kev or euvd.
	Source string `json:"source"`
	CVE    string `json:"cve"`
	// Since is the date the list added the CVE.
	Since string `json:"since"`
	// Name, DueDate: CISA KEV's vulnerability name and due date.
	Name    string `json:"name,omitempty"`
	DueDate string `json:"dueDate,omitempty"`
	// KnownRansomwareUse: CISA KEV or EU KEV report use in ransomware
	// campaigns (absent: not reported).
	KnownRansomwareUse bool   `json:"knownRansomwareUse,omitempty"`
	EUVDID             string `json:"euvdId,omitempty"`
	// Origin is EU KEV's originSource; PatchedSince its patchedSince.
	Origin       string `json:"origin,omitempty"`
	PatchedSince string `json:"patchedSince,omitempty"`
	// Catalogues are the catalogues behind EUVD's exploited flag.
	Catalogues []string `json:"catalogues,omitempty"`
}

// dateOnly writes a date as YYYY-MM-DD ("" when zero).
func dateOnly(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

func exploitationOut(es []model.Exploitation) []exploitationBody {
	out := make([]exploitationBody, len(es))
	for i, e := range es {
		out[i] = exploitationBody{Source: e.Source, CVE: e.CVE, Since: dateOnly(e.Since), Name: e.Name, DueDate: dateOnly(e.DueDate),
			KnownRansomwareUse: e.Ransomware, EUVDID: e.EUVDID, Origin: e.Origin, PatchedSince: dateOnly(e.PatchedSince),
			Catalogues: e.Catalogues}
	}
	return out
}

// deadlineKey is a stage's key in a case's deadlines.
func deadlineKey(st reporting.Stage) string {
	switch st {
	case reporting.StageEarlyWarning:
		return "earlyWarning"
	case reporting.StageNotification:
		return "notification"
	case reporting.StageFinalReport:
		return "finalReport"
	}
	return string(st)
}

func caseOut(d cases.Details) caseBody {
	b := caseBody{Case: d.Case, Deadlines: map[string]time.Time{}, LegalDeadlines: map[string]time.Time{}, Clocks: d.Clocks,
		AssessmentSeconds: int64(d.InAssessment / time.Second), Exploitation: exploitationOut(d.Exploitation)}
	for _, c := range d.Clocks {
		b.Deadlines[deadlineKey(c.Stage)] = c.Due
		if !c.Legal.IsZero() {
			b.LegalDeadlines[deadlineKey(c.Stage)] = c.Legal
		}
	}
	return b
}

func (a *API) listCases(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	if err := a.casesOn(); err != nil {
		return err
	}
	q := r.URL.Query()
	var cq store.CaseQuery
	for _, st := range strings.Split(q.Get("state"), ",") {
		if st = strings.TrimSpace(st); st != "" {
			cq.States = append(cq.States, model.CaseState(st))
		}
	}
	cq.Kind, cq.VersionID, cq.Vuln = q.Get("type"), q.Get("version"), q.Get("vulnerability")
	if cq.VersionID != "" {
		if !uid.Valid(cq.VersionID) {
			return badRequest("version: not an id (a UUID)")
		}
	}
	if cq.Vuln != "" {
		if err := checkVulnID(cq.Vuln); err != nil {
			return err
		}
	}
	ds, err := a.cases.List(r.Context(), orgOf(k), cq)
	if err != nil {
		return err
	}
	out := make([]caseBody, len(ds))
	for i, d := range ds {
		out[i] = caseOut(d)
	}
	return writeJSON(w, http.StatusOK, list(out))
}

// caseInput is the body of POST /cases.
type caseInput struct {
	Type             string   `json:"type"`
	Title            string   `json:"title"`
	VulnerabilityIDs []string `json:"vulnerabilityIds"`
	VersionIDs       []string `json:"versionIds"`
	Owner            string   `json:"owner"`
	Awareness        string   `json:"awareness"`
	AwarenessReason  string   `json:"awarenessReason"`
}

func parseTimeField(field, s string, required bool) (time.Time, error) {
	if s == "" {
		if required {
			return time.Time{}, badRequest(field + ": required (RFC 3339, e.g. 2026-12-07T09:30:00Z)")
		}
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return t, badRequest(field + ": want an RFC 3339 time such as 2026-12-07T09:30:00Z, got " + s)
	}
	return t, nil
}

func (a *API) createCase(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	if err := a.casesOn(); err != nil {
		return err
	}
	var in caseInput
	if err := decodeJSON(w, r, maxJSONBytes, &in); err != nil {
		return err
	}
	aw, err := parseTimeField("awareness", in.Awareness, false)
	if err != nil {
		return err
	}
	d, err := a.cases.Create(r.Context(), orgOf(k), cases.NewCase{Kind: in.Type, Title: in.Title, VulnIDs: in.VulnerabilityIDs,
		VersionIDs: in.VersionIDs, Owner: in.Owner, Awareness: aw, AwarenessReason: in.AwarenessReason, Actor: actor(k)})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/cases/"+d.ID)
	return writeJSON(w, http.StatusCreated, caseOut(d))
}

func (a *API) getCase(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	if err := a.casesOn(); err != nil {
		return err
	}
	d, err := a.cases.Get(r.Context(), orgOf(k), r.PathValue("case"))
	if err != nil {
		return err
	}
	sug, err := a.cases.SuggestFix(r.Context(), orgOf(k), d.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, caseDetailBody{caseBody: caseOut(d), FixSuggestion: sug})
}

// caseDetailBody is a case as GET /cases/{case} shows it: with rocca's
// suggestion for its fix, which records nothing (absent when no fixed
// version is known).
type caseDetailBody struct {
	caseBody
	FixSuggestion *cases.FixSuggestion `json:"fixSuggestion,omitempty"`
}

// casePatch is the body of PATCH /cases/{case}.
type casePatch struct {
	Owner     *string `json:"owner"`
	Title     *string `json:"title"`
	Statement *string `json:"statement"`
}

func (a *API) patchCase(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	if err := a.casesOn(); err != nil {
		return err
	}
	var in casePatch
	if err := decodeJSON(w, r, maxJSONBytes, &in); err != nil {
		return err
	}
	d, err := a.cases.Edit(r.Context(), orgOf(k), r.PathValue("case"), actor(k), cases.Update{Owner: in.Owner, Title: in.Title, Statement: in.Statement})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, caseOut(d))
}

func (a *API) caseLog(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	if err := a.casesOn(); err != nil {
		return err
	}
	log, err := a.cases.Log(r.Context(), orgOf(k), r.PathValue("case"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, list(log))
}

func (a *API) caseAwareness(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	if err := a.casesOn(); err != nil {
		return err
	}
	var in struct {
		At     string `json:"at"`
		Reason string `json:"reason"`
	}
	if err := decodeJSON(w, r, maxJSONBytes, &in); err != nil {
		return err
	}
	at, err := parseTimeField("at", in.At, true)
	if err != nil {
		return err
	}
	d, err := a.cases.ConfirmAwareness(r.Context(), orgOf(k), r.PathValue("case"), actor(k), at, in.Reason)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, caseOut(d))
}

func (a *API) caseFix(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	if err := a.casesOn(); err != nil {
		return err
	}
	var in struct {
		AvailableAt string `json:"availableAt"`
		Details     string `json:"details"`
	}
	if err := decodeJSON(w, r, maxJSONBytes, &in); err != nil {
		return err
	}
	at, err := parseTimeField("availableAt", in.AvailableAt, true)
	if err != nil {
		return err
	}
	d, err := a.cases.SetFix(r.Context(), orgOf(k), r.PathValue("case"), actor(k), at, in.Details)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, caseOut(d))
}

func (a *API) caseIntermediate(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	if err := a.casesOn(); err != nil {
		return err
	}
	var in struct {
		Due string `json:"due"`
	}
	if err := decodeJSON(w, r, maxJSONBytes, &in); err != nil {
		return err
	}
	due, err := parseTimeField("due", in.Due, true)
	if err != nil {
		return err
	}
	d, err := a.cases.RequestIntermediate(r.Context(), orgOf(k), r.PathValue("case"), actor(k), due)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, caseOut(d))
}

func (a *API) closeCase(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	if err := a.casesOn(); err != nil {
		return err
	}
	var in struct {
		Reason         string `json:"reason"`
		NotExploitable bool   `json:"notExploitable"`
		Justification  string `json:"justification"`
	}
	if err := decodeJSON(w, r, maxJSONBytes, &in); err != nil {
		return err
	}
	d, err := a.cases.Close(r.Context(), orgOf(k), r.PathValue("case"), actor(k),
		cases.Closing{Reason: in.Reason, NotExploitable: in.NotExploitable, Justification: in.Justification}, a.notAffected)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, caseOut(d))
}

func (a *API) recordSubmission(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	if err := a.casesOn(); err != nil {
		return err
	}
	var in struct {
		SubmittedAt     string            `json:"submittedAt"`
		SRPReference    string            `json:"srpReference"`
		AlreadyProvided bool              `json:"alreadyProvided"`
		Fields          map[string]string `json:"fields"`
	}
	if err := decodeJSON(w, r, maxJSONBytes, &in); err != nil {
		return err
	}
	at, err := parseTimeField("submittedAt", in.SubmittedAt, false)
	if err != nil {
		return err
	}
	d, err := a.cases.RecordSubmission(r.Context(), orgOf(k), r.PathValue("case"), cases.StageSubmission{
		Stage: reporting.Stage(r.PathValue("stage")), Submitted: at, Reference: in.SRPReference,
		AlreadyProvided: in.AlreadyProvided, Fields: in.Fields, Actor: actor(k)})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, caseOut(d))
}

func (a *API) caseSRP(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	if err := a.casesOn(); err != nil {
		return err
	}
	stage := reporting.Stage(r.URL.Query().Get("stage"))
	d, err := a.cases.Draft(r.Context(), orgOf(k), r.PathValue("case"), stage)
	if err != nil {
		return err
	}
	switch f := r.URL.Query().Get("format"); f {
	case "", "json":
		return writeJSON(w, http.StatusOK, d)
	case "html":
		return writeDraftHTML(w, d)
	default:
		return badRequest("format: want json or html, got " + f)
	}
}

var draftPage = template.Must(template.New("draft").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>SRP {{.Stage}} draft</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;width:100%}td,th{border:1px solid #999;padding:.4em;vertical-align:top;text-align:left}
td.v{white-space:pre-wrap}@media print{button{display:none}}</style></head><body>
<h1>ENISA SRP draft: {{.Stage}} ({{.Kind}})</h1>
<p>Fields in the order of the Single Reporting Platform (CRA SRP Glossary v{{.Glossary}}). The SRP accepts English only: write every text field in English.</p>
<table><thead><tr><th>#</th><th>Field</th><th>Status</th><th>Limit</th><th>Value</th></tr></thead><tbody>
{{range .Fields}}<tr><td>{{.ID}}</td><td>{{.Label}}</td><td>{{.Status}}</td><td>{{if .Limit}}{{.Limit}}{{end}}</td><td class="v">{{.Value}}</td></tr>
{{end}}</tbody></table></body></html>
`))

func writeDraftHTML(w http.ResponseWriter, d *srp.Draft) error {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	return draftPage.Execute(w, d)
}

// caseUserNotice serves the plain-text user information of Art. 14(8).
func (a *API) caseUserNotice(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	if err := a.casesOn(); err != nil {
		return err
	}
	text, err := a.cases.UserNotice(r.Context(), orgOf(k), r.PathValue("case"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err = w.Write([]byte(text))
	return err
}

func (a *API) getReportingProfile(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	if err := a.casesOn(); err != nil {
		return err
	}
	p, err := a.cases.Profile(r.Context(), orgOf(k))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

// profileInput is the body of PUT /reporting-profile; the coordinating
// CSIRT is computed from the main establishment and routing answers.
type profileInput struct {
	LegalName         string                 `json:"legalName"`
	MainEstablishment string                 `json:"mainEstablishment"`
	Routing           model.Routing          `json:"routing"`
	Representatives   []model.Representative `json:"representatives"`
	ReportingContacts []string               `json:"reportingContacts"`
	Holidays          []string               `json:"holidays"`
	// Locale is the language of the reporting contacts' e-mails.
	Locale string `json:"locale"`
}

func (a *API) putReportingProfile(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	if err := a.casesOn(); err != nil {
		return err
	}
	var in profileInput
	if err := decodeJSON(w, r, maxJSONBytes, &in); err != nil {
		return err
	}
	p, err := a.cases.SaveProfile(r.Context(), orgOf(k), model.ReportingProfile{LegalName: in.LegalName,
		MainEstablishment: in.MainEstablishment, Routing: in.Routing, Representatives: in.Representatives,
		ReportingContacts: in.ReportingContacts, Holidays: in.Holidays, Locale: in.Locale})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, p)
}

func (a *API) newCalendarSecret(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	if err := a.casesOn(); err != nil {
		return err
	}
	secret, err := a.cases.NewCalendarSecret(r.Context(), orgOf(k))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]string{"url": "/api/v1/calendar.ics?token=" + secret,
		"note": "keep this URL secret: whoever has it sees the organisation's reporting deadlines; asking again replaces it"})
}

// calendar serves the iCalendar feed; the secret is in the query, which
// the request log does not record.
func (a *API) calendar(w http.ResponseWriter, r *http.Request) error {
	if err := a.casesOn(); err != nil {
		return err
	}
	b, err := a.cases.Calendar(r.Context(), r.URL.Query().Get("token"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err = w.Write(b)
	return err
}

// productPatchInput is the body of PATCH /products/{product}.
type productPatchInput struct {
	Name            *string        `json:"name"`
	Role            *model.CRARole `json:"craRole"`
	IntendedPurpose *string        `json:"intendedPurpose"`
	SupportEnd      *string        `json:"supportPeriodEnd"`
	SecurityContact *string        `json:"securityContact"`
	Markets         *[]string      `json:"markets"`
	CRAType         *string        `json:"craType"`
	CRAClass        *string        `json:"craClass"`
	CRACategory     *string        `json:"craCategory"`
}

func (a *API) patchProduct(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	var in productPatchInput
	if err := decodeJSON(w, r, maxJSONBytes, &in); err != nil {
		return err
	}
	pp := portfolio.ProductPatch{Name: in.Name, Role: in.Role, IntendedPurpose: in.IntendedPurpose, SecurityContact: in.SecurityContact,
		Markets: in.Markets, CRAType: in.CRAType, CRAClass: in.CRAClass, CRACategory: in.CRACategory}
	if in.SupportEnd != nil {
		end, err := parseDate("supportPeriodEnd", *in.SupportEnd)
		if err != nil {
			return err
		}
		pp.SupportEnd = &end
	}
	p, err := a.svc.UpdateProduct(r.Context(), orgOf(k), r.PathValue("product"), pp)
	if err != nil {
		return err
	}
	a.syncCases(r, orgOf(k))
	return writeJSON(w, http.StatusOK, p)
}

// versionPatchInput is the body of PATCH /versions/{version}.
type versionPatchInput struct {
	Name        *string          `json:"name"`
	Lifecycle   *model.Lifecycle `json:"lifecycle"`
	ReleaseDate *string          `json:"releaseDate"`
}

func (a *API) patchVersion(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	var in versionPatchInput
	if err := decodeJSON(w, r, maxJSONBytes, &in); err != nil {
		return err
	}
	vp := portfolio.VersionPatch{Name: in.Name, Lifecycle: in.Lifecycle}
	if in.ReleaseDate != nil {
		rel, err := parseDate("releaseDate", *in.ReleaseDate)
		if err != nil {
			return err
		}
		vp.ReleaseDate = &rel
	}
	v, err := a.svc.UpdateVersion(r.Context(), orgOf(k), r.PathValue("version"), vp)
	if err != nil {
		return err
	}
	if in.Lifecycle != nil {
		a.syncCases(r, orgOf(k))
	}
	return writeJSON(w, http.StatusOK, v)
}

// syncCases opens the reporting cases a lifecycle or support change may
// call for at once; a failure is logged, the periodic job catches up.
func (a *API) syncCases(r *http.Request, org string) {
	if a.cases == nil {
		return
	}
	if _, err := a.cases.Sync(r.Context(), org); err != nil {
		a.log.Warn("reporting cases not synchronised after a catalogue change", "org", org, "error", err)
	}
}
