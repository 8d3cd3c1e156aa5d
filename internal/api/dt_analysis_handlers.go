package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/triage"
	"github.com/rocca-project/rocca/internal/uid"
)

// Dependency-Track's analysis endpoints, on rocca's triage use cases: a
// Dependency-Track analysis (project, component, vulnerability) is the
// decision on the open finding of that component and vulnerability in
// that version.

// dtAnalysisView is Dependency-Track's analysis, as GET and PUT
// /api/v1/analysis answer it.
type dtAnalysisView struct {
	dtAnalysisFields
	Comments []dtAnalysisComment `json:"analysisComments"`
	// SuppressionExpiration is the decision's review date (epoch
	// milliseconds), when it has one.
	SuppressionExpiration int64 `json:"suppressionExpiration,omitempty"`
}

// dtAnalysisComment is one entry of Dependency-Track's analysis trail:
// in rocca, one decision of the finding's history.
type dtAnalysisComment struct {
	Timestamp int64  `json:"timestamp"`
	Comment   string `json:"comment"`
	Commenter string `json:"commenter,omitempty"`
}

// dtAnalysisRequest is the body of PUT /api/v1/analysis. Fields rocca
// does not know are ignored, as Dependency-Track does.
type dtAnalysisRequest struct {
	Project               string `json:"project"`
	Component             string `json:"component"`
	Vulnerability         string `json:"vulnerability"`
	AnalysisState         string `json:"analysisState"`
	AnalysisJustification string `json:"analysisJustification"`
	AnalysisResponse      string `json:"analysisResponse"`
	AnalysisDetails       string `json:"analysisDetails"`
	Comment               string `json:"comment"`
	IsSuppressed          *bool  `json:"isSuppressed"`
	// SuppressionExpiration (epoch milliseconds) becomes the decision's
	// review date.
	SuppressionExpiration *int64 `json:"suppressionExpiration"`
	// Scope is rocca's (not Dependency-Track's): version (the default),
	// product or organisation.
	Scope model.AnalysisScope `json:"scope"`
}

// decisionOf returns a finding's effective decision in the mapping's
// terms; no decision for nil.
func decisionOf(a *model.Analysis) dtDecision {
	if a == nil {
		return dtDecision{}
	}
	return dtDecision{Status: a.Status, Justification: a.Justification, Impact: a.Impact, Action: a.Action,
		Response: a.Response, Detail: a.Detail}
}

// dtFindingOf finds the open finding a Dependency-Track analysis names:
// in the project (or, when project is empty, the component's version),
// the component with that id and the vulnerability with that UUID.
func (a *API) dtFindingOf(ctx context.Context, org, project, component, vulnerability string) (model.TrackedFinding, error) {
	for _, f := range []struct{ name, v string }{{"project", project}, {"component", component}, {"vulnerability", vulnerability}} {
		if f.v == "" && f.name != "project" {
			return model.TrackedFinding{}, badRequest(f.name + ": required (a UUID)")
		}
		if f.v != "" && !uid.Valid(f.v) {
			return model.TrackedFinding{}, badRequest(f.name + ": not a UUID")
		}
	}
	if project == "" {
		c, err := a.svc.Component(ctx, org, component)
		if err != nil {
			return model.TrackedFinding{}, dtNotFound(err, "the component could not be found")
		}
		project = c.VersionID
	}
	fs, err := a.svc.OpenFindings(ctx, org, project)
	if err != nil {
		return model.TrackedFinding{}, dtNotFound(err, "the project could not be found")
	}
	seen := false
	for _, f := range fs {
		if f.ComponentID != component {
			continue
		}
		seen = true
		if vulnUUID(f.VulnID) == vulnerability {
			return f, nil
		}
	}
	if !seen {
		return model.TrackedFinding{}, notFoundf("the component could not be found (or has no open finding) in the project")
	}
	return model.TrackedFinding{}, notFoundf("the vulnerability could not be found among the component's open findings")
}

// dtAnalysisAnswer renders a finding's effective decision and its
// history as Dependency-Track's analysis.
func (a *API) dtAnalysisAnswer(ctx context.Context, org string, f model.TrackedFinding) (dtAnalysisView, error) {
	fa, err := a.triage.Analysis(ctx, org, f.ID)
	if err != nil {
		return dtAnalysisView{}, err
	}
	var cur *model.Analysis
	if fa.Current != nil {
		cur = &fa.Current.Analysis
	}
	out := dtAnalysisView{dtAnalysisFields: toDTAnalysis(decisionOf(cur)), Comments: []dtAnalysisComment{}}
	if cur != nil && !cur.ReviewDate.IsZero() {
		out.SuppressionExpiration = cur.ReviewDate.UnixMilli()
	}
	// The history is newest first; Dependency-Track's trail oldest first.
	for _, h := range slices.Backward(fa.History) {
		out.Comments = append(out.Comments, dtAnalysisComment{Timestamp: h.DecidedAt.UnixMilli(), Comment: dtComment(&h),
			Commenter: h.DecidedBy})
	}
	return out, nil
}

// dtComment says in one line what a decision of the history was:
// "NOT_AFFECTED (not_affected, vulnerable_code_not_in_execute_path;
// product scope): only the CLI loads it".
func dtComment(h *model.Analysis) string {
	var b strings.Builder
	b.WriteString(toDTAnalysis(decisionOf(h)).State + " (" + string(h.Status))
	if h.Justification != "" {
		b.WriteString(", " + h.Justification)
	}
	b.WriteString("; " + string(h.Scope) + " scope)")
	for _, text := range []string{h.Detail, h.Impact, h.Action} {
		if text != "" {
			b.WriteString(": " + text)
			break
		}
	}
	return b.String()
}

// dtGetAnalysis answers GET /api/v1/analysis?project=&component=&vulnerability=
// with the finding's effective decision and its history; 404 when nobody
// decided, as Dependency-Track answers when no analysis exists.
func (a *API) dtGetAnalysis(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	q := r.URL.Query()
	f, err := a.dtFindingOf(r.Context(), orgOf(k), q.Get("project"), q.Get("component"), q.Get("vulnerability"))
	if err != nil {
		return err
	}
	if f.Analysis == nil {
		return notFoundf("no analysis exists: nobody has decided about this finding yet")
	}
	out, err := a.dtAnalysisAnswer(r.Context(), orgOf(k), f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

// dtPutAnalysis answers PUT /api/v1/analysis: it records the decision on
// the finding (version scope unless scope says otherwise) and answers the
// finding's analysis after it.
func (a *API) dtPutAnalysis(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return &errProblem{problem{Status: http.StatusUnsupportedMediaType, Detail: "Content-Type must be application/json"}}
	}
	var in dtAnalysisRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxJSONBytes))
	if err := dec.Decode(&in); err != nil {
		return bodyError("request body", err)
	}
	org := orgOf(k)
	f, err := a.dtFindingOf(r.Context(), org, in.Project, in.Component, in.Vulnerability)
	if err != nil {
		return err
	}
	details := strings.TrimSpace(in.AnalysisDetails)
	if c := strings.TrimSpace(in.Comment); c != "" {
		details = strings.TrimSpace(details + "\n\n" + c)
	}
	fields := dtAnalysisFields{State: in.AnalysisState, Justification: in.AnalysisJustification, Response: in.AnalysisResponse,
		Details: details}
	if in.IsSuppressed != nil {
		fields.Suppressed = *in.IsSuppressed
	}
	d, err := fromDTAnalysis(fields, in.IsSuppressed != nil)
	var ie *dtInputError
	if errors.As(err, &ie) {
		return badRequest(ie.Error())
	}
	if err != nil {
		return err
	}
	st := triage.Statement{Status: d.Status, Justification: d.Justification, Impact: d.Impact, Action: d.Action,
		Response: d.Response, Detail: d.Detail, Scope: in.Scope}
	if in.SuppressionExpiration != nil && *in.SuppressionExpiration > 0 {
		st.ReviewDate = time.UnixMilli(*in.SuppressionExpiration).UTC()
	}
	if _, err := a.triage.Record(r.Context(), org, actorOf(k),
		[]triage.Decision{{FindingID: f.ID, Statement: st, Source: "dependency-track"}}); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return notFoundf("the finding could not be found")
		}
		return err
	}
	out, err := a.dtAnalysisAnswer(r.Context(), org, f)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}
