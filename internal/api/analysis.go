package api

import (
	"net/http"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/triage"
)

// Triage endpoints (docs/triage.md): a finding's analysis, its history,
// the decisions taken about the same vulnerability elsewhere, and bulk
// triage.

// maxBulkBytes bounds a bulk triage body (about 25,000 ids per MiB).
const maxBulkBytes = 4 << 20

// statementInput is a decision's statement as the API takes it.
type statementInput struct {
	Status         model.Status        `json:"status"`
	Justification  string              `json:"justification"`
	Impact         string              `json:"impact"`
	Action         string              `json:"action"`
	Response       []string            `json:"response"`
	Detail         string              `json:"detail"`
	Scope          model.AnalysisScope `json:"scope"`
	ComponentRange string              `json:"componentRange"`
	// ReviewDate is YYYY-MM-DD.
	ReviewDate string `json:"reviewDate"`
}

func (in statementInput) statement() (triage.Statement, error) {
	review, err := parseDate("reviewDate", in.ReviewDate)
	if err != nil {
		return triage.Statement{}, err
	}
	return triage.Statement{Status: in.Status, Justification: in.Justification, Impact: in.Impact, Action: in.Action,
		Response: in.Response, Detail: in.Detail, Scope: in.Scope, ComponentRange: in.ComponentRange, ReviewDate: review}, nil
}

// analysisInput is the body of PUT /findings/{finding}/analysis: a
// statement, or copyFrom (the id of a decision of the organisation, from
// …/analysis/related) with an optional scope.
type analysisInput struct {
	statementInput
	CopyFrom string `json:"copyFrom"`
}

// actorOf is who a key's request decides as.
func actorOf(k model.APIKey) triage.Actor {
	return triage.Actor{Kind: "api_key", ID: k.ID, Label: k.Label}
}

// analysisAnswer is the answer of PUT …/analysis: the decision recorded,
// the finding's effective analysis after it (a narrower decision may stay
// in force), and how many findings' effective analysis changed.
type analysisAnswer struct {
	Decision        model.Analysis         `json:"decision"`
	Effective       *model.FindingAnalysis `json:"effective"`
	FindingsUpdated int                    `json:"findingsUpdated"`
}

func (a *API) putAnalysis(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	var in analysisInput
	if err := decodeJSON(w, r, maxJSONBytes, &in); err != nil {
		return err
	}
	org, id := orgOf(k), r.PathValue("finding")
	var res triage.Result
	var err error
	if in.CopyFrom != "" {
		if in.Status != "" || in.Justification != "" || in.Impact != "" || in.Action != "" || len(in.Response) > 0 ||
			in.Detail != "" || in.ComponentRange != "" || in.ReviewDate != "" {
			return badRequest("copyFrom: give copyFrom (and scope) alone: the statement is the copied decision's")
		}
		res, err = a.triage.Copy(r.Context(), org, actorOf(k), id, in.CopyFrom, in.Scope)
	} else {
		st, serr := in.statement()
		if serr != nil {
			return serr
		}
		res, err = a.triage.Record(r.Context(), org, actorOf(k), []triage.Decision{{FindingID: id, Statement: st}})
	}
	if err != nil {
		return err
	}
	cur, err := a.triage.Analysis(r.Context(), org, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, analysisAnswer{Decision: res.Decisions[0], Effective: cur.Current, FindingsUpdated: res.Updated})
}

func (a *API) getAnalysis(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	fa, err := a.triage.Analysis(r.Context(), orgOf(k), r.PathValue("finding"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, fa)
}

func (a *API) relatedAnalyses(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	as, err := a.triage.Related(r.Context(), orgOf(k), r.PathValue("finding"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, list(as))
}

// bulkFilter selects the findings of a bulk triage.
type bulkFilter struct {
	ProductID     string `json:"productId"`
	VersionID     string `json:"versionId"`
	Vulnerability string `json:"vulnerability"`
	Package       string `json:"package"`
	// Severity is the minimum rating.
	Severity string             `json:"severity"`
	State    model.FindingState `json:"state"`
	// Analysis keeps findings of these effective statuses ("none":
	// untriaged).
	Analysis []string `json:"analysis"`
}

// bulkInput is the body of POST /findings/analysis.
type bulkInput struct {
	statementInput
	FindingIDs []string    `json:"findingIds"`
	Filter     *bulkFilter `json:"filter"`
}

func (a *API) bulkAnalysis(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	var in bulkInput
	if err := decodeJSON(w, r, maxBulkBytes, &in); err != nil {
		return err
	}
	st, err := in.statement()
	if err != nil {
		return err
	}
	sel := triage.Selection{FindingIDs: in.FindingIDs}
	if f := in.Filter; f != nil {
		ff := &store.FindingFilter{ProductID: f.ProductID, VersionID: f.VersionID, Vulnerability: f.Vulnerability,
			Package: f.Package, State: f.State, Analysis: f.Analysis}
		if f.Severity != "" {
			rating, ok := model.ParseRating(f.Severity)
			if !ok {
				return badRequest("filter.severity: want none, low, medium, high or critical")
			}
			ff.MinSeverity = rating
		}
		switch f.State {
		case "", model.FindingOpen, model.FindingResolved:
		default:
			return badRequest("filter.state: want open or resolved")
		}
		for _, p := range []struct{ name, v string }{{"filter.productId", f.ProductID}, {"filter.versionId", f.VersionID}} {
			if p.v != "" {
				if err := checkID(p.name, p.v); err != nil {
					return err
				}
			}
		}
		if f.Vulnerability != "" {
			if err := checkVulnID(f.Vulnerability); err != nil {
				return badRequest("filter.vulnerability: want a vulnerability id such as CVE-2021-44228")
			}
		}
		sel.Filter = ff
	}
	started := time.Now()
	res, err := a.triage.Bulk(r.Context(), orgOf(k), actorOf(k), sel, st)
	if err != nil {
		return err
	}
	a.log.Info("bulk triage", "request_id", requestIDOf(r.Context()), "recorded", res.Recorded, "updated", res.Updated,
		"took", time.Since(started).Round(time.Millisecond))
	return writeJSON(w, http.StatusOK, res)
}
