package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/msg"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/triage"
)

// Statuses, scopes and responses offered by the triage forms, in the
// order shown.
var (
	triageStatuses = []string{"under_investigation", "affected", "not_affected", "fixed"}
	triageScopes   = []string{"version", "product", "organisation"}
)

// triageForm is the triage form of a finding or of a selection, as given.
type triageForm struct {
	Status, Justification, Impact, Action, Detail, Scope, Range, ReviewDate string
	Response                                                                []string
	// Errors maps a field to its message key; the refusal's sentence is
	// in Refused.
	Errors  map[string]string
	Refused *said
}

// triageFormView is what the "triageform" partial receives.
type triageFormView struct {
	L *Localizer
	F triageForm
	// Prefix makes the controls' ids unique on the page.
	Prefix string
	// Bulk hides the component range (product scope on one finding's
	// package only).
	Bulk bool
}

// Choices the partial lists.
func (triageFormView) Statuses() []string       { return triageStatuses }
func (triageFormView) Justifications() []string { return model.Justifications }
func (triageFormView) Responses() []string      { return model.Responses }
func (triageFormView) Scopes() []string         { return triageScopes }

// HasResponse reports whether the form has response r checked.
func (v triageFormView) HasResponse(r string) bool { return slices.Contains(v.F.Response, r) }

// Err is the message key of a field's error ("" when none).
func (v triageFormView) Err(field string) string { return v.F.Errors[field] }

// parseTriageForm reads a triage form; a malformed date is a field error.
func parseTriageForm(r *http.Request) (triageForm, triage.Statement) {
	f := triageForm{Status: r.PostFormValue("status"), Justification: r.PostFormValue("justification"),
		Impact: strings.TrimSpace(r.PostFormValue("impact")), Action: strings.TrimSpace(r.PostFormValue("action")),
		Detail: strings.TrimSpace(r.PostFormValue("detail")), Scope: r.PostFormValue("scope"),
		Range: strings.TrimSpace(r.PostFormValue("range")), ReviewDate: strings.TrimSpace(r.PostFormValue("review_date")),
		Response: r.PostForm["response"], Errors: map[string]string{}}
	st := triage.Statement{Status: model.Status(f.Status), Impact: f.Impact, Action: f.Action, Response: f.Response,
		Detail: f.Detail, Scope: model.AnalysisScope(f.Scope), ComponentRange: f.Range}
	if st.Status == model.StatusNotAffected {
		// The choice stays in the form when another status is picked;
		// only not_affected carries it.
		st.Justification = f.Justification
	}
	if f.ReviewDate != "" {
		t, err := time.Parse(time.DateOnly, f.ReviewDate)
		if err != nil {
			f.Errors["review_date"] = "form.date_invalid"
		}
		st.ReviewDate = t
	}
	return f, st
}

// refusal turns the triage use case's input error into the form's field
// error (the field known by the refusal's code) and its sentence in the
// person's language.
func (f *triageForm) refusal(l *Localizer, err error) {
	m, _ := msg.Of(err)
	key, name := "", ""
	switch strings.TrimPrefix(m.Code, "triage.") {
	case "status_required", "status":
		key, name = "triage.err_status", "status"
	case "scope":
		key, name = "triage.err_scope", "scope"
	case "justification", "justification_status", "justification_required":
		key, name = "triage.err_justification", "justification"
	case "action_required":
		key, name = "triage.err_action", "action"
	case "range_scope", "range":
		key, name = "triage.err_range", "range"
	case "response", "response_twice":
		key, name = "triage.err_response", "response"
	case "text_utf8", "text_long", "text_control":
		if field, ok := argOf(m, 0); ok && (field == "impact" || field == "action" || field == "detail") {
			key, name = "triage.err_text", field
		}
	}
	if key == "" {
		key, name = "triage.err_other", "status"
	}
	sd := l.Said(m)
	if m.Code == "" {
		sd = said{Text: err.Error(), English: true}
	}
	f.Errors[name], f.Refused = key, &sd
}

// actor is the person recording a decision.
func actor(p *Principal) triage.Actor {
	return triage.Actor{Kind: "user", ID: p.UserID, Label: p.Email}
}

// decisionView is a decision with the names of where it was made.
type decisionView struct {
	model.Analysis
	ProductName, VersionName string
	// Inherited, NeedsReview and ReviewReason are set on the current
	// decision.
	Inherited, NeedsReview bool
	ReviewReason           string
}

// findingPage is a finding's page: its facts, its effective analysis, the
// decisions history, the decisions of other versions and the form.
type findingPage struct {
	portfolio.FindingDetail
	Current *decisionView
	// Decisions is the history of decisions that apply or applied to
	// the finding, newest first.
	Decisions []decisionView
	Related   []decisionView
	Form      triageFormView
	// CanTriage shows the form (editors and owners).
	CanTriage bool
}

// maxRelated bounds the related decisions shown.
const maxRelated = 20

func (w *Web) findingPage(r *http.Request, p *Principal, form triageForm) (findingPage, error) {
	ctx := r.Context()
	org := p.Org.OrgID
	d, err := w.o.Portfolio.Finding(ctx, org, r.PathValue("finding"))
	if err != nil {
		return findingPage{}, err
	}
	pg := findingPage{FindingDetail: d, CanTriage: p.CanEdit() && w.o.Triage != nil}
	if form.Scope == "" {
		form.Scope = "version"
	}
	pg.Form = triageFormView{L: w.localizer(r), F: form, Prefix: "t-"}
	if w.o.Triage == nil {
		return pg, nil
	}
	fa, err := w.o.Triage.Analysis(ctx, org, d.Finding.ID)
	if err != nil {
		return pg, err
	}
	rel, err := w.o.Triage.Related(ctx, org, d.Finding.ID)
	if err != nil {
		return pg, err
	}
	names := map[string][2]string{}
	name := func(a model.Analysis) decisionView {
		dv := decisionView{Analysis: a}
		n, ok := names[a.Origin.VersionID]
		if !ok {
			if v, err := w.o.Portfolio.Version(ctx, org, a.Origin.VersionID); err == nil {
				n[1] = v.Name
				if prod, err := w.o.Portfolio.Product(ctx, org, v.ProductID); err == nil {
					n[0] = prod.Name
				}
			}
			names[a.Origin.VersionID] = n
		}
		dv.ProductName, dv.VersionName = n[0], n[1]
		return dv
	}
	if c := fa.Current; c != nil {
		dv := name(c.Analysis)
		dv.Inherited, dv.NeedsReview, dv.ReviewReason = c.Inherited, c.NeedsReview, c.ReviewReason
		pg.Current = &dv
	}
	for _, a := range fa.History {
		pg.Decisions = append(pg.Decisions, name(a))
	}
	for _, a := range rel[:min(len(rel), maxRelated)] {
		pg.Related = append(pg.Related, name(a))
	}
	return pg, nil
}

func (w *Web) finding(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	pg, err := w.findingPage(r, p, triageForm{})
	if err != nil {
		return err
	}
	l := w.localizer(r)
	return w.render(rw, r, http.StatusOK, "finding", view{L: l, Title: pg.Finding.VulnID, Nav: "findings", Data: pg})
}

// recordAnalysis records the decision of a finding's triage form.
func (w *Web) recordAnalysis(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	if w.o.Triage == nil {
		return errNotFound
	}
	id := r.PathValue("finding")
	f, st := parseTriageForm(r)
	if len(f.Errors) == 0 {
		_, err := w.o.Triage.Record(r.Context(), p.Org.OrgID, actor(p), []triage.Decision{{FindingID: id, Statement: st, Source: "web"}})
		switch {
		case err == nil:
			http.Redirect(rw, r, "/findings/"+id+"?notice=triaged", http.StatusSeeOther)
			return nil
		case portfolio.IsInput(err):
			f.refusal(w.localizer(r), err)
		default:
			return err
		}
	}
	pg, err := w.findingPage(r, p, f)
	if err != nil {
		return err
	}
	l := w.localizer(r)
	return w.render(rw, r, http.StatusBadRequest, "finding", view{L: l, Title: pg.Finding.VulnID, Nav: "findings", Data: pg})
}

// copyAnalysis records on a finding another finding's decision.
func (w *Web) copyAnalysis(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	if w.o.Triage == nil {
		return errNotFound
	}
	id := r.PathValue("finding")
	scope := model.AnalysisScope(r.PostFormValue("scope"))
	if !scope.Valid() {
		scope = model.ScopeVersion
	}
	from := r.PostFormValue("from")
	if !isID(from) {
		// Another organisation's finding stays unknown (404) whatever
		// the form says.
		if _, err := w.o.Triage.Analysis(r.Context(), p.Org.OrgID, id); err != nil {
			return err
		}
		return inputError("triage.err_copy", "")
	}
	if _, err := w.o.Triage.Copy(r.Context(), p.Org.OrgID, actor(p), id, from, scope); err != nil {
		if portfolio.IsInput(err) {
			return refused(http.StatusBadRequest, "triage.err_copy", err)
		}
		return err
	}
	http.Redirect(rw, r, "/findings/"+id+"?notice=triaged", http.StatusSeeOther)
	return nil
}

// bulkConfirm is the confirmation page of a decision for every finding a
// filter selects.
type bulkConfirm struct {
	Count int
	List  string
	Form  triageForm
	// Too many to apply at once.
	TooMany bool
	Max     int
}

// bulkAnalysis applies one decision to the findings selected in a list
// (ids), or to every finding its filter selects (target=filter), after a
// confirmation page showing their number.
func (w *Web) bulkAnalysis(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	if w.o.Triage == nil {
		return errNotFound
	}
	ctx := r.Context()
	org := p.Org.OrgID
	list, q, err := w.bulkList(r, p)
	if err != nil {
		return err
	}
	f, st := parseTriageForm(r)
	if len(f.Errors) > 0 {
		return inputError("form.date_invalid", f.ReviewDate)
	}
	// Refuse a statement before counting or confirming (the use case
	// checks it again per finding, with the finding's ecosystem).
	chk := st
	if err := chk.Check(""); err != nil {
		if portfolio.IsInput(err) {
			f.refusal(w.localizer(r), err)
			return refused(http.StatusBadRequest, f.Errors[firstKey(f.Errors)], err)
		}
		return err
	}
	var ids []string
	if r.PostFormValue("target") == "filter" {
		ids, err = w.filterIDs(r, org, q)
		if err != nil {
			return err
		}
		if r.PostFormValue("confirm") != strconv.Itoa(len(ids)) || len(ids) == 0 || len(ids) > triage.MaxDecisions {
			l := w.localizer(r)
			return w.render(rw, r, http.StatusOK, "triage_confirm", view{L: l, Title: l.T("triage.confirm_title"), Nav: "findings",
				Data: bulkConfirm{Count: len(ids), List: list, Form: f, TooMany: len(ids) > triage.MaxDecisions, Max: triage.MaxDecisions}})
		}
	} else {
		for _, id := range r.PostForm["id"] {
			if !isID(id) {
				return errNotFound
			}
			ids = append(ids, id)
		}
		if len(ids) == 0 {
			return inputError("triage.none_selected", "")
		}
	}
	if _, err := w.o.Triage.Bulk(ctx, org, actor(p), triage.Selection{FindingIDs: ids}, st); err != nil {
		if portfolio.IsInput(err) {
			return refused(http.StatusBadRequest, "triage.err_bulk", err)
		}
		return err
	}
	sep := "?"
	if strings.Contains(list, "?") {
		sep = "&"
	}
	http.Redirect(rw, r, list+sep+"notice=triaged", http.StatusSeeOther)
	return nil
}

// bulkList reads the list a bulk triage came from (the address of the
// findings list with its filters, a local path only) into its query.
func (w *Web) bulkList(r *http.Request, p *Principal) (string, store.OrgFindingQuery, error) {
	u, err := url.Parse(r.PostFormValue("list"))
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "", store.OrgFindingQuery{}, inputError("error.filter", "list")
	}
	vals := u.Query()
	vals.Del("cursor")
	vals.Del("notice")
	_, q, err := parseFindingFilter(vals)
	if err != nil {
		return "", q, err
	}
	switch parts := strings.Split(strings.Trim(u.Path, "/"), "/"); {
	case u.Path == "/findings":
	case len(parts) == 3 && parts[0] == "versions" && isID(parts[1]) && parts[2] == "findings":
		v, err := w.o.Portfolio.Version(r.Context(), p.Org.OrgID, parts[1])
		if err != nil {
			return "", q, err
		}
		q.ProductID, q.VersionID = "", v.ID
	default:
		return "", q, inputError("error.filter", "list")
	}
	list := u.Path
	if e := vals.Encode(); e != "" {
		list += "?" + e
	}
	return list, q, nil
}

// filterPage is the page size of reading a filter's findings.
const filterPage = 1000

// filterIDs reads the ids of every finding a list's filter selects (one
// more than triage.MaxDecisions at most).
func (w *Web) filterIDs(r *http.Request, org string, q store.OrgFindingQuery) ([]string, error) {
	q.Limit, q.Cursor, q.Decisions = filterPage, "", false
	var ids []string
	for {
		page, err := w.o.Portfolio.OrgFindings(r.Context(), org, q)
		if err != nil {
			return nil, err
		}
		for _, f := range page.Findings {
			ids = append(ids, f.ID)
		}
		if page.Next == "" || len(ids) > triage.MaxDecisions {
			return ids, nil
		}
		q.Cursor = page.Next
	}
}

// firstKey returns a map's only (or any) key.
func firstKey(m map[string]string) string {
	for k := range m {
		return k
	}
	return ""
}
