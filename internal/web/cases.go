package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/cases"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/msg"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/reporting"
	"github.com/rocca-project/rocca/internal/reporting/srp"
	"github.com/rocca-project/rocca/internal/store"
)

// The CRA Art. 14 reporting pages: the dashboard's open clocks, the
// cases, a case with its assessment, actions, deadlines and audit trail,
// the SRP drafts, and the reporting profile. Every action goes through
// the cases use cases; their messages (English, like the SRP) are shown
// under translated headings.

// tzCookie holds the browser's IANA time zone (set by cases.js); times
// of the reporting pages are shown in it, UTC without it.
const tzCookie = "rocca_tz"

// zoneOf returns the person's time zone.
func zoneOf(r *http.Request) *time.Location {
	c, err := r.Cookie(tzCookie)
	if err != nil || c.Value == "" || len(c.Value) > 64 {
		return time.UTC
	}
	name, err := url.QueryUnescape(c.Value)
	if err != nil {
		return time.UTC
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return loc
}

// clock formats moments in the person's time zone and language.
type clock struct {
	L   *Localizer
	Loc *time.Location
	Now time.Time
}

// At is a moment in the person's zone: "7 Dec 2026, 10:17 CET".
func (c clock) At(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	t = t.In(c.Loc)
	return fmt.Sprintf("%d %s %d, %s", t.Day(), c.L.T("month."+strconv.Itoa(int(t.Month()))), t.Year(), t.Format("15:04 MST"))
}

// Input is a moment as a datetime-local input's value in the zone.
func (c clock) Input(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(c.Loc).Format("2006-01-02T15:04")
}

// Zone names the zone the times are shown in.
func (c clock) Zone() string { return c.Loc.String() }

// Dur writes a duration roughly: "2 d 3 h", "5 h 12 min", "7 min".
func (c clock) Dur(d time.Duration) string { return c.L.Dur(d) }

// Dur writes a duration roughly: "2 d 3 h", "5 h 12 min", "7 min".
func (l *Localizer) Dur(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	d = d.Truncate(time.Minute)
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case days > 0:
		return l.T("dur.days_hours", days, hours)
	case hours > 0:
		return l.T("dur.hours_minutes", hours, mins)
	}
	return l.T("dur.minutes", mins)
}

// Left is the time left until t, or how long it is overdue.
func (c clock) Left(t time.Time) string {
	if !c.Now.Before(t) {
		return c.L.T("cases.overdue_by", c.Dur(c.Now.Sub(t)))
	}
	return c.L.T("cases.time_left", c.Dur(t.Sub(c.Now)))
}

// Overdue reports whether t has passed.
func (c clock) Overdue(t time.Time) bool { return !c.Now.Before(t) }

// nextClock is the earliest deadline of a case not yet met.
func nextClock(d cases.Details) (cases.Clock, bool) {
	var best cases.Clock
	ok := false
	for _, cl := range d.Clocks {
		if cl.Done {
			continue
		}
		if !ok || cl.Due.Before(best.Due) {
			best, ok = cl, true
		}
	}
	return best, ok
}

// openCase is a row of the open clocks and of the cases list.
type openCase struct {
	cases.Details
	Next    cases.Clock
	HasNext bool
}

func rows(ds []cases.Details) []openCase {
	out := make([]openCase, len(ds))
	for i, d := range ds {
		out[i].Details = d
		out[i].Next, out[i].HasNext = nextClock(d)
	}
	return out
}

// openClocks is the dashboard's panel: cases waiting in assessment and
// aware cases with their next deadline (nil when reporting is off).
type openClocks struct {
	Assessment []openCase
	Aware      []openCase
	C          clock
}

func (w *Web) openClocks(ctx context.Context, r *http.Request, l *Localizer, org string) (*openClocks, error) {
	if w.o.Cases == nil {
		return nil, nil
	}
	ds, err := w.o.Cases.List(ctx, org, store.CaseQuery{States: []model.CaseState{model.CaseAssessment, model.CaseAware}})
	if err != nil {
		return nil, err
	}
	oc := &openClocks{C: clock{L: l, Loc: zoneOf(r), Now: w.o.Now()}}
	for _, row := range rows(ds) {
		if row.State == model.CaseAssessment {
			oc.Assessment = append(oc.Assessment, row)
		} else {
			oc.Aware = append(oc.Aware, row)
		}
	}
	// The longest waiting and the most urgent first.
	slices.SortStableFunc(oc.Assessment, func(a, b openCase) int { return a.Opened.Compare(b.Opened) })
	slices.SortStableFunc(oc.Aware, func(a, b openCase) int {
		if a.HasNext != b.HasNext {
			if a.HasNext {
				return -1
			}
			return 1
		}
		return a.Next.Due.Compare(b.Next.Due)
	})
	return oc, nil
}

// errNoReporting is a reporting page on a server without the use cases.
var errNoReporting = &pageError{status: http.StatusNotFound, key: "cases.unavailable"}

// caseError maps a refusal of the cases use cases to a page error with
// the use case's own (English) message as detail; ok is false for other
// errors.
func caseError(err error) (*pageError, bool) {
	var se *cases.StateError
	var fe *srp.FieldError
	switch {
	case cases.IsInput(err), errors.As(err, &fe):
		if errors.As(err, &fe) {
			pe := refused(http.StatusBadRequest, "cases.refused", err)
			pe.msg = msg.New("web.srp_field", "%s: %s", fe.ID, fe.Why)
			return pe, true
		}
		return refused(http.StatusBadRequest, "cases.refused", err), true
	case errors.As(err, &se), errors.Is(err, store.ErrConflict):
		return refused(http.StatusConflict, "cases.refused", err), true
	}
	return nil, false
}

// casesData is the cases list's data.
type casesData struct {
	State, Kind string
	States      []string
	Rows        []openCase
	Pager       pager
	C           clock
	Any         bool
}

var caseStates = []string{"assessment", "aware", "reported", "closed"}

func (w *Web) casesList(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	if w.o.Cases == nil {
		return errNoReporting
	}
	q := r.URL.Query()
	d := casesData{State: q.Get("state"), Kind: q.Get("type"), States: caseStates}
	var cq store.CaseQuery
	if slices.Contains(caseStates, d.State) {
		cq.States = []model.CaseState{model.CaseState(d.State)}
	} else {
		d.State = ""
	}
	if d.Kind == "aev" || d.Kind == "si" {
		cq.Kind = d.Kind
	} else {
		d.Kind = ""
	}
	all, err := w.o.Cases.List(r.Context(), p.Org.OrgID, cq)
	if err != nil {
		return err
	}
	page := pageOf(r)
	from := min((page-1)*pageSize, len(all))
	l := w.localizer(r)
	d.Rows = rows(all[from:min(from+pageSize, len(all))])
	d.Pager = newPager(r, page, len(all))
	d.C = clock{L: l, Loc: zoneOf(r), Now: w.o.Now()}
	d.Any = len(all) > 0 || d.State != "" || d.Kind != ""
	return w.render(rw, r, http.StatusOK, "cases", view{L: l, Title: l.T("cases.title"), Nav: "cases", Data: d})
}

// caseForm is the form opening a case by hand.
type caseForm struct {
	Kind, Title, VulnIDs, Owner, Awareness, Reason string
	Versions                                       []versionChoice
	Chosen                                         map[string]bool
	Errors                                         map[string]string
	Refusal                                        *pageError
	C                                              clock

	// Members are the owners to choose from (Owner is one's user id).
	Members []memberChoice
}

// versionChoice is a version offered by the form.
type versionChoice struct {
	ID, Label string
}

// memberChoice is a member offered as a case's owner.
type memberChoice struct {
	ID, Label string
}

// memberChoices lists the organisation's members by e-mail address.
func (w *Web) memberChoices(ctx context.Context, org string) ([]memberChoice, error) {
	ms, err := w.o.Cases.Members(ctx, org)
	if err != nil {
		return nil, err
	}
	out := make([]memberChoice, len(ms))
	for i, m := range ms {
		out[i] = memberChoice{ID: m.User.ID, Label: m.User.Email}
		if m.User.Name != "" {
			out[i].Label = m.User.Name + " <" + m.User.Email + ">"
		}
	}
	return out, nil
}

func (w *Web) versionChoices(ctx context.Context, org string) ([]versionChoice, error) {
	ps, err := w.o.Portfolio.Products(ctx, org)
	if err != nil {
		return nil, err
	}
	var out []versionChoice
	for _, pr := range ps {
		vs, err := w.o.Portfolio.Versions(ctx, org, pr.ID)
		if err != nil {
			return nil, err
		}
		for _, v := range vs {
			out = append(out, versionChoice{ID: v.ID, Label: pr.Name + " " + v.Name})
		}
		if len(out) > 500 {
			break
		}
	}
	return out, nil
}

func (w *Web) newCasePage(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	if w.o.Cases == nil {
		return errNoReporting
	}
	vs, err := w.versionChoices(r.Context(), p.Org.OrgID)
	if err != nil {
		return err
	}
	ms, err := w.memberChoices(r.Context(), p.Org.OrgID)
	if err != nil {
		return err
	}
	l := w.localizer(r)
	f := caseForm{Kind: "aev", Versions: vs, Members: ms, Chosen: map[string]bool{}, C: clock{L: l, Loc: zoneOf(r), Now: w.o.Now()}}
	return w.render(rw, r, http.StatusOK, "case_new", view{L: l, Title: l.T("case_new.title"), Nav: "cases", Data: f})
}

// parseLocal reads a datetime-local value in the person's zone.
func parseLocal(v string, loc *time.Location) (time.Time, error) {
	v = strings.TrimSpace(v)
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date and time", v)
}

func (w *Web) createCase(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	if w.o.Cases == nil {
		return errNoReporting
	}
	l, loc := w.localizer(r), zoneOf(r)
	f := caseForm{Kind: r.PostFormValue("type"), Title: strings.TrimSpace(r.PostFormValue("title")),
		VulnIDs: strings.TrimSpace(r.PostFormValue("vulns")), Owner: strings.TrimSpace(r.PostFormValue("owner")),
		Awareness: r.PostFormValue("awareness"), Reason: strings.TrimSpace(r.PostFormValue("reason")),
		Chosen: map[string]bool{}, Errors: map[string]string{}, C: clock{L: l, Loc: loc, Now: w.o.Now()}}
	for _, id := range r.PostForm["versions"] {
		f.Chosen[id] = true
	}
	in := cases.NewCase{Kind: f.Kind, Title: f.Title, Owner: f.Owner, AwarenessReason: f.Reason, Actor: p.Email}
	in.VulnIDs = strings.FieldsFunc(f.VulnIDs, func(c rune) bool { return c == ',' || c == ' ' || c == '\n' || c == '\r' })
	for id := range f.Chosen {
		in.VersionIDs = append(in.VersionIDs, id)
	}
	slices.Sort(in.VersionIDs)
	if f.Kind != "aev" && f.Kind != "si" {
		f.Errors["type"] = "form.choose"
	}
	if f.Title == "" {
		f.Errors["title"] = "form.required"
	}
	if f.Awareness != "" {
		at, err := parseLocal(f.Awareness, loc)
		if err != nil {
			f.Errors["awareness"] = "form.datetime_invalid"
		}
		in.Awareness = at
		if f.Reason == "" {
			f.Errors["reason"] = "form.required"
		}
	}
	status := http.StatusBadRequest
	if len(f.Errors) == 0 {
		d, err := w.o.Cases.Create(r.Context(), p.Org.OrgID, in)
		if err == nil {
			http.Redirect(rw, r, "/cases/"+d.ID+"?notice=created", http.StatusSeeOther)
			return nil
		}
		pe, ok := caseError(err)
		if !ok {
			return err
		}
		f.Refusal, status = pe, pe.status
	}
	vs, err := w.versionChoices(r.Context(), p.Org.OrgID)
	if err != nil {
		return err
	}
	f.Versions = vs
	if f.Members, err = w.memberChoices(r.Context(), p.Org.OrgID); err != nil {
		return err
	}
	return w.render(rw, r, status, "case_new", view{L: l, Title: l.T("case_new.title"), Nav: "cases", Data: f})
}

// caseData is the case page's data.
type caseData struct {
	cases.Details
	Log      []model.CaseLogEntry
	Findings []model.CaseCandidate
	C        clock
	// Refusal is the message of an action the use case refused.
	Refusal        *pageError
	Justifications []string
	// Stages are the SRP stages with a draft page.
	Stages []reporting.Stage
	// CRAStart is when Art. 14 began to apply.
	CRAStart time.Time
	// Markets lists the products' Member States (for the routing note).
	Submitted map[string]model.Submission
	// Members are the owners to choose from; OwnerNotMember is true when
	// the case's owner is none of them (free text saved before owners were
	// members, or a member who left), offered as it is.
	Members        []memberChoice
	OwnerNotMember bool
	// FixSuggestion is rocca's suggestion for the fix (nil when no fixed
	// version is known): it pre-fills the fix form until a fix is
	// recorded, and records nothing by itself.
	FixSuggestion *cases.FixSuggestion
}

func (w *Web) caseData(ctx context.Context, r *http.Request, l *Localizer, org, id string) (caseData, error) {
	d, err := w.o.Cases.Get(ctx, org, id)
	if err != nil {
		return caseData{}, err
	}
	log, err := w.o.Cases.Log(ctx, org, id)
	if err != nil {
		return caseData{}, err
	}
	fs, err := w.o.Cases.Findings(ctx, org, id)
	if err != nil {
		return caseData{}, err
	}
	ms, err := w.memberChoices(ctx, org)
	if err != nil {
		return caseData{}, err
	}
	cd := caseData{Details: d, Log: log, Findings: fs, Members: ms, C: clock{L: l, Loc: zoneOf(r), Now: w.o.Now()},
		Justifications: model.Justifications, Stages: srp.Stages, Submitted: map[string]model.Submission{},
		CRAStart: time.Date(2026, time.September, 11, 0, 0, 0, 0, time.UTC)}
	for _, s := range d.Submissions {
		cd.Submitted[s.Stage] = s
	}
	cd.OwnerNotMember = d.Owner != "" && !slices.ContainsFunc(ms, func(m memberChoice) bool { return m.ID == d.OwnerID })
	if cd.FixSuggestion, err = w.o.Cases.SuggestFix(ctx, org, id); err != nil {
		return caseData{}, err
	}
	return cd, nil
}

func (w *Web) casePage(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	return w.renderCase(rw, r, p, http.StatusOK, nil)
}

func (w *Web) renderCase(rw http.ResponseWriter, r *http.Request, p *Principal, status int, refusal *pageError) error {
	if w.o.Cases == nil {
		return errNoReporting
	}
	l := w.localizer(r)
	cd, err := w.caseData(r.Context(), r, l, p.Org.OrgID, r.PathValue("case"))
	if err != nil {
		return err
	}
	cd.Refusal = refusal
	return w.render(rw, r, status, "case", view{L: l, Title: cd.Title, Nav: "cases", Data: cd})
}

// caseAction runs an action on the case of the path and shows the case
// again: after a redirect when it succeeded, with the refusal otherwise.
func (w *Web) caseAction(rw http.ResponseWriter, r *http.Request, p *Principal, notice string, act func(ctx context.Context, org, id string, loc *time.Location) error) error {
	if w.o.Cases == nil {
		return errNoReporting
	}
	id := r.PathValue("case")
	if _, err := w.o.Cases.Get(r.Context(), p.Org.OrgID, id); err != nil {
		return err
	}
	err := act(r.Context(), p.Org.OrgID, id, zoneOf(r))
	if err == nil {
		http.Redirect(rw, r, "/cases/"+id+"?notice="+notice, http.StatusSeeOther)
		return nil
	}
	pe, ok := caseError(err)
	if !ok {
		return err
	}
	return w.renderCase(rw, r, p, pe.status, pe)
}

// timeField reads a required datetime-local field as an input error of
// the use case's kind.
func timeField(r *http.Request, name string, loc *time.Location) (time.Time, error) {
	v := r.PostFormValue(name)
	if strings.TrimSpace(v) == "" {
		return time.Time{}, &cases.InputError{Err: msg.Errorf("web.time_required", "%s: required", name)}
	}
	t, err := parseLocal(v, loc)
	if err != nil {
		return time.Time{}, &cases.InputError{Err: msg.Errorf("web.time_invalid", "%s: %q is not a date and time", name, v)}
	}
	return t, nil
}

func (w *Web) confirmAwareness(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	return w.caseAction(rw, r, p, "aware", func(ctx context.Context, org, id string, loc *time.Location) error {
		at, err := timeField(r, "at", loc)
		if err != nil {
			return err
		}
		_, err = w.o.Cases.ConfirmAwareness(ctx, org, id, p.Email, at, r.PostFormValue("reason"))
		return err
	})
}

func (w *Web) recordFix(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	return w.caseAction(rw, r, p, "saved", func(ctx context.Context, org, id string, loc *time.Location) error {
		at, err := timeField(r, "at", loc)
		if err != nil {
			return err
		}
		_, err = w.o.Cases.SetFix(ctx, org, id, p.Email, at, r.PostFormValue("details"))
		return err
	})
}

func (w *Web) requestIntermediate(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	return w.caseAction(rw, r, p, "saved", func(ctx context.Context, org, id string, loc *time.Location) error {
		due, err := timeField(r, "due", loc)
		if err != nil {
			return err
		}
		_, err = w.o.Cases.RequestIntermediate(ctx, org, id, p.Email, due)
		return err
	})
}

func (w *Web) editStatement(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	return w.caseAction(rw, r, p, "saved", func(ctx context.Context, org, id string, _ *time.Location) error {
		st, owner := r.PostFormValue("statement"), r.PostFormValue("owner")
		_, err := w.o.Cases.Edit(ctx, org, id, p.Email, cases.Update{Statement: &st, Owner: &owner})
		return err
	})
}

func (w *Web) closeCase(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	return w.caseAction(rw, r, p, "closed", func(ctx context.Context, org, id string, _ *time.Location) error {
		cl := cases.Closing{Reason: r.PostFormValue("reason"), NotExploitable: r.PostFormValue("not_exploitable") == "yes",
			Justification: r.PostFormValue("justification")}
		_, err := w.o.Cases.Close(ctx, org, id, p.Email, cl, w.o.NotAffected)
		return err
	})
}

// draftData is the SRP draft page's data.
type draftData struct {
	Case  cases.Details
	Draft *srp.Draft
	// Errors are the fields' problems by id, in the person's language.
	Errors map[string]string
	// Missing names the required fields left empty when "mark submitted"
	// was refused.
	Missing   []srp.DraftField
	Refusal   *pageError
	Submitted *model.Submission
	Reference string
	At        string
	C         clock
}

// stageOf reads ?stage= (or the form's stage) as an SRP stage.
func stageOf(v string) (reporting.Stage, bool) {
	st := reporting.Stage(v)
	return st, slices.Contains(srp.Stages, st)
}

func (w *Web) loadDraft(r *http.Request, p *Principal, stage reporting.Stage) (cases.Details, *srp.Draft, error) {
	id := r.PathValue("case")
	c, err := w.o.Cases.Get(r.Context(), p.Org.OrgID, id)
	if err != nil {
		return c, nil, err
	}
	d, err := w.o.Cases.Draft(r.Context(), p.Org.OrgID, id, stage)
	return c, d, err
}

func (w *Web) draftPage(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	if w.o.Cases == nil {
		return errNoReporting
	}
	stage, ok := stageOf(r.URL.Query().Get("stage"))
	if !ok {
		stage = reporting.StageEarlyWarning
	}
	c, d, err := w.loadDraft(r, p, stage)
	if err != nil {
		return err
	}
	l := w.localizer(r)
	dd := draftData{Case: c, Draft: d, Errors: map[string]string{}, C: clock{L: l, Loc: zoneOf(r), Now: w.o.Now()}}
	dd.At = dd.C.Input(dd.C.Now)
	for _, s := range c.Submissions {
		if s.Stage == string(stage) {
			dd.Submitted = &s
			if len(s.Content) > 0 {
				var frozen srp.Draft
				if json.Unmarshal(s.Content, &frozen) == nil {
					dd.Draft = &frozen
				}
			}
		}
	}
	return w.render(rw, r, http.StatusOK, "draft", view{L: l, Title: l.T("draft.title", l.T("stage."+string(stage))), Nav: "cases", Data: dd})
}

// userNotice serves the plain-text information for the users of the
// products concerned (Art. 14(8)), in English, until CSAF advisories
// exist.
func (w *Web) userNotice(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	if w.o.Cases == nil {
		return errNoReporting
	}
	text, err := w.o.Cases.UserNotice(r.Context(), p.Org.OrgID, r.PathValue("case"))
	if err != nil {
		return err
	}
	h := rw.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Content-Language", "en")
	h.Set("Cache-Control", "no-store")
	_, err = rw.Write([]byte(text))
	return err
}

// draftJSON serves the draft (or the frozen submitted text) as JSON.
func (w *Web) draftJSON(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	d, err := w.draftOut(r, p)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return err
	}
	h := rw.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="srp-%s-%s.json"`, d.Stage, r.PathValue("case")))
	_, err = rw.Write(b)
	return err
}

// draftPrint is the printable page of a draft (English: the SRP's text).
func (w *Web) draftPrint(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	d, err := w.draftOut(r, p)
	if err != nil {
		return err
	}
	c, err := w.o.Cases.Get(r.Context(), p.Org.OrgID, r.PathValue("case"))
	if err != nil {
		return err
	}
	l := w.localizer(r)
	return w.render(rw, r, http.StatusOK, "draft_print", view{L: l, Title: "SRP " + string(d.Stage), Nav: "cases",
		Data: draftData{Case: c, Draft: d, C: clock{L: l, Loc: zoneOf(r), Now: w.o.Now()}}})
}

func (w *Web) draftOut(r *http.Request, p *Principal) (*srp.Draft, error) {
	if w.o.Cases == nil {
		return nil, errNoReporting
	}
	if _, err := w.o.Cases.Get(r.Context(), p.Org.OrgID, r.PathValue("case")); err != nil {
		return nil, err
	}
	q := r.URL.Query().Get("stage")
	if q == "" {
		q = string(reporting.StageEarlyWarning)
	}
	stage, ok := stageOf(q)
	if !ok {
		return nil, inputError("error.input", "stage: early_warning, notification or final_report")
	}
	c, d, err := w.loadDraft(r, p, stage)
	if err != nil {
		return nil, err
	}
	for _, s := range c.Submissions {
		if s.Stage == string(stage) && len(s.Content) > 0 {
			var frozen srp.Draft
			if err := json.Unmarshal(s.Content, &frozen); err == nil {
				return &frozen, nil
			}
		}
	}
	return d, nil
}

// recordSubmission marks a stage submitted in the SRP with the draft's
// values as edited (refused, with the fields named, when a required one
// is empty or a value breaks its field's rules), or marks it as already
// provided.
func (w *Web) recordSubmission(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	if w.o.Cases == nil {
		return errNoReporting
	}
	if _, err := w.o.Cases.Get(r.Context(), p.Org.OrgID, r.PathValue("case")); err != nil {
		return err
	}
	stage := reporting.Stage(r.PostFormValue("stage"))
	if !stage.Valid() {
		return inputError("error.input", "stage")
	}
	l, loc := w.localizer(r), zoneOf(r)
	id := r.PathValue("case")
	already := r.PostFormValue("already_provided") == "yes"
	in := cases.StageSubmission{Stage: stage, Reference: strings.TrimSpace(r.PostFormValue("reference")),
		AlreadyProvided: already, Actor: p.Email, Fields: map[string]string{}}
	if v := strings.TrimSpace(r.PostFormValue("submitted")); v != "" {
		at, err := parseLocal(v, loc)
		if err != nil {
			if pe, _ := caseError(&cases.InputError{Err: msg.Errorf("web.time_invalid", "%s: %q is not a date and time", "submitted", v)}); pe != nil {
				return w.renderCase(rw, r, p, pe.status, pe)
			}
		}
		in.Submitted = at
	}
	onDraft := slices.Contains(srp.Stages, stage) && !already
	var dd draftData
	if onDraft {
		c, d, err := w.loadDraft(r, p, stage)
		if err != nil {
			return err
		}
		dd = draftData{Case: c, Draft: d, Errors: map[string]string{}, Reference: in.Reference,
			At: r.PostFormValue("submitted"), C: clock{L: l, Loc: loc, Now: w.o.Now()}}
		for i := range d.Fields {
			f := &d.Fields[i]
			v, sent := r.PostForm["f_"+f.ID]
			if !sent {
				continue
			}
			val := strings.Join(v, ",")
			in.Fields[f.ID] = val
			if err := d.Set(f.ID, val); err != nil {
				var fe *srp.FieldError
				if errors.As(err, &fe) {
					dd.Errors[f.ID] = l.Msg(fe.Why)
				}
				f.Value = strings.TrimSpace(val) // shown back for correction
			}
		}
		if len(dd.Errors) > 0 {
			dd.Refusal = &pageError{status: http.StatusBadRequest, key: "draft.invalid"}
			return w.render(rw, r, http.StatusBadRequest, "draft", view{L: l, Title: l.T("draft.title", l.T("stage."+string(stage))), Nav: "cases", Data: dd})
		}
	}
	_, err := w.o.Cases.RecordSubmission(r.Context(), p.Org.OrgID, id, in)
	if err == nil {
		http.Redirect(rw, r, "/cases/"+id+"?notice=submitted", http.StatusSeeOther)
		return nil
	}
	var me *srp.MissingError
	if errors.As(err, &me) && onDraft {
		dd.Missing = me.Fields
		for _, f := range me.Fields {
			dd.Errors[f.ID] = ""
		}
		dd.Refusal = &pageError{status: http.StatusUnprocessableEntity, key: "draft.missing"}
		return w.render(rw, r, http.StatusUnprocessableEntity, "draft", view{L: l, Title: l.T("draft.title", l.T("stage."+string(stage))), Nav: "cases", Data: dd})
	}
	pe, ok := caseError(err)
	if !ok {
		return err
	}
	if onDraft {
		dd.Refusal = pe
		return w.render(rw, r, pe.status, "draft", view{L: l, Title: l.T("draft.title", l.T("stage."+string(stage))), Nav: "cases", Data: dd})
	}
	return w.renderCase(rw, r, p, pe.status, pe)
}

// memberStates are the EU Member State codes, for the selects.
var memberStates = []string{"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE",
	"IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"}

// profileData is the reporting profile page's data.
type profileData struct {
	cases.ProfileView
	States []string
	// Reps are the representatives with blank rows to add more.
	Reps     []model.Representative
	Contacts string
	Holidays string
	// CalendarURL is the feed's address, shown once after it was made.
	CalendarURL string
	Refusal     *pageError
	Leads       string
	// CSIRT and Reason are the coordinating CSIRT's name and why it was
	// chosen, for translation (routeTexts).
	CSIRT, Reason msg.Text
}

// routeTexts are the sentences of a saved profile's CSIRT name and routing
// reason. Both are functions of the stored answers, so their codes are
// derived from them; a stored text they do not reproduce (worded by
// another version of rocca) is shown as it is.
func routeTexts(p model.ReportingProfile) (name, reason msg.Text) {
	name, reason = msg.Text{English: p.CSIRTName}, msg.Text{English: p.CSIRTReason}
	if n := cases.CSIRTNameText(p.CSIRTState); n.English == p.CSIRTName {
		name = n
	}
	if _, why := cases.RouteReason(p.MainEstablishment, p.Routing); why.English == p.CSIRTReason {
		reason = why
	}
	return name, reason
}

const blankReps = 2

func (w *Web) profilePage(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	if w.o.Cases == nil {
		return errNoReporting
	}
	pv, err := w.o.Cases.Profile(r.Context(), p.Org.OrgID)
	if err != nil {
		return err
	}
	return w.renderProfile(rw, r, http.StatusOK, pv, pv.ReportingProfile, nil, "")
}

// renderProfile shows pv, with the CSIRT and its reason of saved (the
// profile as stored).
func (w *Web) renderProfile(rw http.ResponseWriter, r *http.Request, status int, pv cases.ProfileView, saved model.ReportingProfile, refusal *pageError, calURL string) error {
	l := w.localizer(r)
	d := profileData{ProfileView: pv, States: memberStates, Reps: slices.Clone(pv.Representatives),
		Contacts: strings.Join(pv.ReportingContacts, "\n"), Holidays: strings.Join(pv.Holidays, "\n"),
		Refusal: refusal, CalendarURL: calURL}
	d.CSIRT, d.Reason = routeTexts(saved)
	for range blankReps {
		d.Reps = append(d.Reps, model.Representative{Role: "secondary"})
	}
	if len(pv.Representatives) == 0 {
		d.Reps[0].Role = "primary"
	}
	return w.render(rw, r, status, "reporting_profile", view{L: l, Title: l.T("profile.title"), Nav: "settings", Data: d})
}

// lines splits a textarea into its non-empty lines.
func lines(s string) []string {
	var out []string
	for _, x := range strings.Split(s, "\n") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

func (w *Web) saveProfile(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	if w.o.Cases == nil {
		return errNoReporting
	}
	f := r.PostForm
	in := model.ReportingProfile{LegalName: f.Get("legal_name"), MainEstablishment: f.Get("main"),
		Routing: model.Routing{AuthorisedRepresentative: f.Get("authorised_representative"), Importer: f.Get("importer"),
			Distributor: f.Get("distributor"), MostUsers: f.Get("most_users")},
		ReportingContacts: lines(f.Get("contacts")), Holidays: lines(f.Get("holidays"))}
	names, emails, roles, counts := f["rep_name"], f["rep_email"], f["rep_role"], f["rep_notifications"]
	verified := map[string]bool{}
	for _, v := range f["rep_verified"] {
		verified[v] = true
	}
	for i := range names {
		rep := model.Representative{Name: strings.TrimSpace(names[i]), Verified: verified[strconv.Itoa(i)]}
		if i < len(emails) {
			rep.Email = strings.TrimSpace(emails[i])
		}
		if rep.Name == "" && rep.Email == "" {
			continue
		}
		if i < len(roles) {
			rep.Role = roles[i]
		}
		if i < len(counts) {
			rep.Notifications, _ = strconv.Atoi(strings.TrimSpace(counts[i]))
		}
		in.Representatives = append(in.Representatives, rep)
	}
	pv, err := w.o.Cases.SaveProfile(r.Context(), p.Org.OrgID, in)
	if err == nil {
		http.Redirect(rw, r, "/settings/reporting?notice=saved", http.StatusSeeOther)
		return nil
	}
	pe, ok := caseError(err)
	if !ok {
		return err
	}
	// Shown back as entered, with the refusal.
	pv = cases.ProfileView{ReportingProfile: in}
	var saved model.ReportingProfile
	if cur, err := w.o.Cases.Profile(r.Context(), p.Org.OrgID); err == nil {
		pv.CSIRTName, pv.CSIRTReason, pv.Warnings, pv.Notes = cur.CSIRTName, cur.CSIRTReason, cur.Warnings, cur.Notes
		// The saved profile's CSIRT, routed by the saved answers.
		saved = cur.ReportingProfile
	}
	return w.renderProfile(rw, r, pe.status, pv, saved, pe, "")
}

func (w *Web) newCalendar(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	if w.o.Cases == nil {
		return errNoReporting
	}
	secret, err := w.o.Cases.NewCalendarSecret(r.Context(), p.Org.OrgID)
	if err != nil {
		return err
	}
	pv, err := w.o.Cases.Profile(r.Context(), p.Org.OrgID)
	if err != nil {
		return err
	}
	scheme := "http"
	if w.secure(r) {
		scheme = "https"
	}
	return w.renderProfile(rw, r, http.StatusOK, pv, pv.ReportingProfile, nil, scheme+"://"+r.Host+"/api/v1/calendar.ics?token="+url.QueryEscape(secret))
}

// syncCases opens the reporting cases a lifecycle or market change may
// call for at once; a failure is logged (the periodic job catches up).
func (w *Web) syncCases(ctx context.Context, org string) {
	if w.o.Cases == nil {
		return
	}
	if _, err := w.o.Cases.Sync(ctx, org); err != nil {
		w.o.Log.Warn("reporting cases not synchronised after a catalogue change", "org", org, "error", err)
	}
}

// saveProductReporting edits a product's markets (Member States, SRP
// field 5) and CRA type, class and category (fields 8–10).
func (w *Web) saveProductReporting(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	var markets []string
	for _, m := range r.PostForm["markets"] {
		if slices.Contains(memberStates, m) {
			markets = append(markets, m)
		}
	}
	typ, class, cat := r.PostFormValue("cra_type"), r.PostFormValue("cra_class"), strings.TrimSpace(r.PostFormValue("cra_category"))
	id := r.PathValue("product")
	if _, err := w.o.Portfolio.UpdateProduct(r.Context(), p.Org.OrgID, id, portfolio.ProductPatch{Markets: &markets,
		CRAType: &typ, CRAClass: &class, CRACategory: &cat}); err != nil {
		return err
	}
	w.syncCases(r.Context(), p.Org.OrgID)
	http.Redirect(rw, r, "/products/"+id+"?notice=saved", http.StatusSeeOther)
	return nil
}

// saveLifecycle edits a version's lifecycle (which decides whether a
// known-exploited finding in it opens a reporting case).
func (w *Web) saveLifecycle(rw http.ResponseWriter, r *http.Request, p *Principal) error {
	id := r.PathValue("version")
	if _, err := w.o.Portfolio.Version(r.Context(), p.Org.OrgID, id); err != nil {
		return err
	}
	lc := model.Lifecycle(r.PostFormValue("lifecycle"))
	if !lc.Valid() {
		return inputError("error.input", "lifecycle: development, on_market or end_of_support")
	}
	if _, err := w.o.Portfolio.UpdateVersion(r.Context(), p.Org.OrgID, id, portfolio.VersionPatch{Lifecycle: &lc}); err != nil {
		return err
	}
	w.syncCases(r.Context(), p.Org.OrgID)
	http.Redirect(rw, r, "/versions/"+id+"?notice=saved", http.StatusSeeOther)
	return nil
}
