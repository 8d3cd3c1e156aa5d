package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
)

// listFindings lists a version's findings with filters, a sort and cursor
// pagination. Query parameters: severity (minimum rating), kev (true or
// false), epss_min (0 to 1), state (open, resolved), analysis (effective
// triage statuses, comma separated: none, under_investigation, affected,
// not_affected, fixed), actionable (true: leave out not_affected and
// fixed), needs_review (true: decisions that need review), sort
// (severity, epss, first_seen, component), limit (1 to 1000), cursor.
func (a *API) listFindings(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	q, err := findingQuery(r)
	if err != nil {
		return err
	}
	q.VersionID = r.PathValue("version")
	page, err := a.svc.Findings(r.Context(), orgOf(k), q)
	if err != nil {
		return err
	}
	body := list(page.Findings)
	body.Next = page.Next
	return writeJSON(w, http.StatusOK, body)
}

// findingQuery reads a findings query from the request's parameters.
// Only their syntax is checked here; the use case applies the rules
// (bounds, known states and sorts, cursors).
func findingQuery(r *http.Request) (store.FindingQuery, error) {
	p := r.URL.Query()
	q := store.FindingQuery{Limit: pageLimit(r), State: model.FindingState(p.Get("state")),
		Sort: store.FindingSort(p.Get("sort")), Cursor: p.Get("cursor")}
	if s := p.Get("severity"); s != "" {
		rating, ok := model.ParseRating(s)
		if !ok {
			return q, badRequest("severity: want none, low, medium, high or critical")
		}
		q.MinSeverity = rating
	}
	if s := p.Get("kev"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return q, badRequest("kev: want true or false")
		}
		q.KEV = &b
	}
	if s := p.Get("analysis"); s != "" {
		q.Analysis = strings.Split(s, ",")
	}
	for _, b := range []struct {
		name string
		dst  *bool
	}{{"actionable", &q.Actionable}, {"needs_review", &q.NeedsReview}} {
		if s := p.Get(b.name); s != "" {
			v, err := strconv.ParseBool(s)
			if err != nil {
				return q, badRequest(b.name + ": want true or false")
			}
			*b.dst = v
		}
	}
	if s := p.Get("epss_min"); s != "" {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return q, badRequest("epss_min: want a number from 0 to 1")
		}
		q.MinEPSS = f
	}
	return q, nil
}

// findingSummary counts a version's open findings by effective triage
// status, severity and review.
func (a *API) findingSummary(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	sum, err := a.svc.FindingSummary(r.Context(), orgOf(k), r.PathValue("version"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, sum)
}

// listFindingEvents lists a version's finding events, oldest first, after
// the sequence number given as cursor.
func (a *API) listFindingEvents(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	page, err := a.svc.FindingEvents(r.Context(), orgOf(k), r.PathValue("version"), r.URL.Query().Get("cursor"), pageLimit(r))
	if err != nil {
		return err
	}
	body := list(page.Events)
	body.Next = page.Next
	return writeJSON(w, http.StatusOK, body)
}

// getVulnerability looks a vulnerability up in the (global) knowledge
// base by any of its ids and returns its alias group.
func (a *API) getVulnerability(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	v, err := a.svc.Vulnerability(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

// rematchVersion matches the version's current SBOM against the knowledge
// base again, on request (also for a version past its support end, which
// the watch leaves alone), and answers with the events written.
func (a *API) rematchVersion(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	res, err := a.svc.Rematch(r.Context(), orgOf(k), r.PathValue("version"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, res)
}
