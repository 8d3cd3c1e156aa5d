package api

import (
	"net/http"
	"strconv"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
)

// listFindings lists a version's findings with filters, a sort and cursor
// pagination. Query parameters: severity (minimum rating), kev (true or
// false), epss_min (0 to 1), state (open, resolved), sort (severity, epss,
// first_seen, component), limit (1 to 1000), cursor.
func (a *API) listFindings(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	v, err := a.svc.Store.Version(r.Context(), orgOf(k), r.PathValue("version"))
	if err != nil {
		return err
	}
	q, err := findingQuery(r)
	if err != nil {
		return err
	}
	q.VersionID = v.ID
	page, err := a.svc.Store.Findings(r.Context(), orgOf(k), q)
	if err != nil {
		return err
	}
	body := list(page.Findings)
	body.Next = page.Next
	return writeJSON(w, http.StatusOK, body)
}

func findingQuery(r *http.Request) (store.FindingQuery, error) {
	p := r.URL.Query()
	var q store.FindingQuery
	var err error
	if q.Limit, err = pageLimit(r); err != nil {
		return q, err
	}
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
	if s := p.Get("epss_min"); s != "" {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || !(f >= 0 && f <= 1) { // NaN fails both comparisons
			return q, badRequest("epss_min: want a number from 0 to 1")
		}
		q.MinEPSS = f
	}
	switch st := model.FindingState(p.Get("state")); st {
	case "", model.FindingOpen, model.FindingResolved:
		q.State = st
	default:
		return q, badRequest("state: want open or resolved")
	}
	switch s := store.FindingSort(p.Get("sort")); s {
	case "", store.SortSeverity, store.SortEPSS, store.SortFirstSeen, store.SortComponent:
		q.Sort = s
	default:
		return q, badRequest("sort: want severity, epss, first_seen or component")
	}
	q.Cursor, err = cursorParam(r)
	return q, err
}

// listFindingEvents lists a version's finding events, oldest first, after
// the sequence number given as cursor.
func (a *API) listFindingEvents(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	v, err := a.svc.Store.Version(r.Context(), orgOf(k), r.PathValue("version"))
	if err != nil {
		return err
	}
	limit, err := pageLimit(r)
	if err != nil {
		return err
	}
	var after int64
	if c := r.URL.Query().Get("cursor"); c != "" {
		if after, err = decodeSeqCursor(c); err != nil {
			return err
		}
	}
	evs, err := a.svc.Store.FindingEvents(r.Context(), orgOf(k), v.ID, after, limit+1)
	if err != nil {
		return err
	}
	body := list(evs[:min(limit, len(evs))])
	if len(evs) > limit {
		body.Next = strconv.FormatInt(evs[limit-1].Seq, 10)
	}
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
