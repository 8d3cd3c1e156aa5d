package cases

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/msg"
	"github.com/rocca-project/rocca/internal/reporting"
	"github.com/rocca-project/rocca/internal/reporting/srp"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/triage"
)

// craStart is when Art. 14 reporting began: exploitation or incidents
// known before are not reportable (no retroactive reporting).
func craStart() time.Time { return time.Date(2026, time.September, 11, 0, 0, 0, 0, time.UTC) }

// Clock is one stage's deadline as a case shows it.
type Clock struct {
	Stage reporting.Stage `json:"stage"`
	// Due is the conservative deadline; Legal the later one a reading of
	// Regulation 1182/71 gives (information only).
	Due   time.Time `json:"due"`
	Legal time.Time `json:"legalDue,omitzero"`
	// Done is set once the stage was submitted or marked as already provided.
	Done    bool `json:"done"`
	Overdue bool `json:"overdue"`
	// SRPCounter is what the SRP's own 72-hour counter shows (early
	// warning submission + 48 h), which is not the legal deadline: shown
	// beside it so that nobody trusts the SRP's figure.
	SRPCounter time.Time `json:"srpCounter,omitzero"`
}

// Details is a case with its clocks.
type Details struct {
	model.Case
	Clocks []Clock `json:"clocks"`
	// InAssessment is how long the case has waited in assessment (zero
	// once awareness is confirmed).
	InAssessment time.Duration `json:"-"`
	// Exploitation lists the known-exploited lists (CISA KEV, EU KEV,
	// EUVD) holding a CVE of the case's vulnerability, with their dates
	// and fields, CISA KEV first; empty for a severe incident or a
	// vulnerability no list holds.
	Exploitation []model.Exploitation `json:"-"`
}

// Deadline returns the clock of a stage, if known.
func (d Details) Deadline(st reporting.Stage) (Clock, bool) {
	for _, c := range d.Clocks {
		if c.Stage == st {
			return c, true
		}
	}
	return Clock{}, false
}

// List lists org's cases.
func (s *Service) List(ctx context.Context, org string, q store.CaseQuery) ([]Details, error) {
	for _, st := range q.States {
		if !validState(st) {
			return nil, inputf("cases.query_state", "state: %q is not one of assessment, aware, reported, closed", st)
		}
	}
	if q.Kind != "" && !reporting.Kind(q.Kind).Valid() {
		return nil, inputf("cases.query_kind", "type: %q is not aev or si", q.Kind)
	}
	cs, err := s.store.Cases(ctx, org, q)
	if err != nil {
		return nil, err
	}
	cal, err := s.calendar(ctx, org)
	if err != nil {
		return nil, err
	}
	var cves []string
	for _, c := range cs {
		cves = append(cves, cveIDs(c)...)
	}
	ex, err := s.store.Exploitations(ctx, cves)
	if err != nil {
		return nil, err
	}
	out := make([]Details, len(cs))
	for i, c := range cs {
		out[i] = s.details(c, cal)
		out[i].Exploitation = exploitationOf(c, ex)
	}
	return out, nil
}

// cveIDs returns the CVE ids among a case's vulnerability ids: the
// exploited lists name vulnerabilities by CVE.
func cveIDs(c model.Case) []string {
	var out []string
	for _, id := range c.VulnIDs {
		if strings.HasPrefix(id, "CVE-") && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// exploitationOf keeps the entries of ex naming one of the case's CVEs
// (never nil).
func exploitationOf(c model.Case, ex []model.Exploitation) []model.Exploitation {
	cves := cveIDs(c)
	out := []model.Exploitation{}
	for _, e := range ex {
		if slices.Contains(cves, e.CVE) {
			out = append(out, e)
		}
	}
	return out
}

func validState(st model.CaseState) bool {
	switch st {
	case model.CaseAssessment, model.CaseAware, model.CaseReported, model.CaseClosed:
		return true
	}
	return false
}

// Get returns one of org's cases with its clocks.
func (s *Service) Get(ctx context.Context, org, id string) (Details, error) {
	c, err := s.store.Case(ctx, org, id)
	if err != nil {
		return Details{}, err
	}
	cal, err := s.calendar(ctx, org)
	if err != nil {
		return Details{}, err
	}
	ex, err := s.store.Exploitations(ctx, cveIDs(c))
	if err != nil {
		return Details{}, err
	}
	d := s.details(c, cal)
	d.Exploitation = exploitationOf(c, ex)
	return d, nil
}

// Log returns a case's audit trail.
func (s *Service) Log(ctx context.Context, org, id string) ([]model.CaseLogEntry, error) {
	if _, err := s.store.Case(ctx, org, id); err != nil {
		return nil, err
	}
	return s.store.CaseLog(ctx, org, id)
}

// calendar is the legal calendar of org's coordinating CSIRT.
func (s *Service) calendar(ctx context.Context, org string) (reporting.Calendar, error) {
	p, err := s.store.ReportingProfile(ctx, org)
	if err != nil {
		return reporting.Calendar{}, err
	}
	cal := reporting.MemberStateCalendar(p.CSIRTState)
	if len(p.Holidays) > 0 {
		cal.Holidays = map[string]bool{}
		for _, h := range p.Holidays {
			cal.Holidays[h] = true
		}
	}
	return cal, nil
}

// anchors are a case's deadline anchors.
func anchors(c model.Case) reporting.Anchors {
	a := reporting.Anchors{Kind: reporting.Kind(c.Kind), Awareness: c.Awareness, FixAvailable: c.FixAvailable,
		IntermediateDue: c.IntermediateDue}
	if sub, ok := submission(c, reporting.StageNotification); ok && !sub.AlreadyProvided {
		a.NotificationSubmitted = sub.Submitted
	}
	return a
}

func submission(c model.Case, st reporting.Stage) (model.Submission, bool) {
	for _, sub := range c.Submissions {
		if sub.Stage == string(st) {
			return sub, true
		}
	}
	return model.Submission{}, false
}

func (s *Service) details(c model.Case, cal reporting.Calendar) Details {
	d := Details{Case: c, Clocks: []Clock{}}
	now := s.Now()
	if c.State == model.CaseAssessment {
		d.InAssessment = now.Sub(c.Opened)
	}
	ds, err := reporting.Compute(anchors(c), cal)
	if err != nil {
		return d // a kind the store should never hold: no clocks
	}
	for _, dl := range ds {
		_, done := submission(c, dl.Stage)
		cl := Clock{Stage: dl.Stage, Due: dl.Due, Legal: dl.Legal, Done: done,
			Overdue: !done && c.State != model.CaseClosed && !now.Before(dl.Due)}
		if ew, ok := submission(c, reporting.StageEarlyWarning); ok && dl.Stage == reporting.StageNotification && !ew.AlreadyProvided {
			cl.SRPCounter = ew.Submitted.Add(48 * time.Hour)
		}
		d.Clocks = append(d.Clocks, cl)
	}
	return d
}

// NewCase is a case opened by hand: a severe incident, or exploitation
// learnt elsewhere (a customer, a CSIRT).
type NewCase struct {
	Kind       string
	Title      string
	VulnIDs    []string
	VersionIDs []string
	Owner      string
	// Awareness and AwarenessReason, when given, start the clock at once.
	Awareness       time.Time
	AwarenessReason string
	Actor           string
}

// Create opens a case by hand.
func (s *Service) Create(ctx context.Context, org string, in NewCase) (Details, error) {
	kind := reporting.Kind(in.Kind)
	if !kind.Valid() {
		return Details{}, inputf("cases.kind", "type: %q is not aev (actively exploited vulnerability) or si (severe incident)", in.Kind)
	}
	in.Title = strings.TrimSpace(in.Title)
	if in.Title == "" {
		return Details{}, inputf("cases.title_required", "title: required")
	}
	if n := utf8.RuneCountInString(in.Title); n > 255 {
		return Details{}, inputf("cases.title_long", "title: %d characters, the SRP accepts at most 255", n)
	}
	var ids []string
	for _, id := range in.VulnIDs {
		if id = strings.TrimSpace(id); id != "" && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if kind == reporting.KindAEV && len(ids) == 0 {
		return Details{}, inputf("cases.vuln_required", "vulnerabilityIds: an actively exploited vulnerability case needs the vulnerability's id (CVE, EUVD, GHSA…)")
	}
	now := s.Now()
	var vs []model.CaseVersion
	for _, vid := range in.VersionIDs {
		v, err := s.store.Version(ctx, org, vid)
		if errors.Is(err, store.ErrNotFound) {
			return Details{}, inputf("cases.no_version", "versionIds: no version %q", vid)
		}
		if err != nil {
			return Details{}, err
		}
		vs = append(vs, model.CaseVersion{VersionID: v.ID, ProductID: v.ProductID, VersionName: v.Name, Lifecycle: v.Lifecycle, Added: now})
	}
	c := model.Case{Kind: in.Kind, State: model.CaseAssessment, Title: in.Title, VulnIDs: ids,
		Origin: model.CaseManual, Opened: now, ProposedAwareness: now, Updated: now}
	if o := strings.TrimSpace(in.Owner); o != "" {
		var err error
		if c.OwnerID, c.Owner, err = s.resolveOwner(ctx, org, o); err != nil {
			return Details{}, err
		}
	}
	if len(ids) > 0 {
		c.VulnID = ids[0]
	}
	log := []model.CaseLogEntry{{At: now, Actor: in.Actor, Action: "opened", Detail: logOpenedByHand(in.Title).English}}
	if !in.Awareness.IsZero() || in.AwarenessReason != "" {
		at, reason, err := s.checkAwareness(in.Awareness, in.AwarenessReason)
		if err != nil {
			return Details{}, err
		}
		c.State, c.Awareness, c.AwarenessReason, c.AwarenessBy = model.CaseAware, at, reason, in.Actor
		log = append(log, model.CaseLogEntry{At: now, Actor: in.Actor, Action: "awareness",
			Detail: logAware(at, reason).English})
	}
	err := s.store.CaseTx(ctx, org, func(tx store.CaseTx) error {
		if len(ids) > 0 {
			other, err := tx.CasesOfVulns(ctx, ids)
			if err != nil {
				return err
			}
			if len(other) > 0 {
				return msg.Errorf("cases.conflict", "case %s already concerns %s: %w", other[0].ID, strings.Join(other[0].VulnIDs, ", "), store.ErrConflict)
			}
		}
		if err := tx.PutCase(ctx, &c); err != nil {
			return err
		}
		if _, err := tx.AddCaseVersions(ctx, c.ID, vs); err != nil {
			return err
		}
		for i := range log {
			log[i].CaseID = c.ID
		}
		if err := tx.AddCaseLog(ctx, log); err != nil {
			return err
		}
		var v *model.CaseVersion
		if len(vs) > 0 {
			v = &vs[0]
		}
		ev, err := notice(EventOpened, c, v, now, nil)
		if err != nil {
			return err
		}
		return tx.AddOutbox(ctx, []model.OutboxEvent{ev})
	})
	if err != nil {
		return Details{}, err
	}
	return s.Get(ctx, org, c.ID)
}

func (s *Service) checkAwareness(at time.Time, reason string) (time.Time, string, error) {
	reason = strings.TrimSpace(reason)
	if at.IsZero() {
		return at, reason, inputf("cases.awareness_required", "at: the time of awareness is required (RFC 3339)")
	}
	if reason == "" {
		return at, reason, inputf("cases.awareness_reason_required", "reason: required: say why the exploitation (or incident) is established with a reasonable degree of certainty")
	}
	if n := utf8.RuneCountInString(reason); n > 4000 {
		return at, reason, inputf("cases.reason_long", "reason: %d characters, at most 4000", n)
	}
	at = reporting.Minute(at)
	if at.After(s.Now()) {
		return at, reason, inputf("cases.awareness_future", "at: %s is in the future", msg.Stamp(at))
	}
	if at.Before(craStart()) {
		return at, reason, inputf("cases.awareness_before_cra", "at: %s is before 11 September 2026: exploitation known before Art. 14 applied is not reportable; close the case with that reason instead", msg.Stamp(at))
	}
	return at, reason, nil
}

// change runs fn on a locked case and writes it with its audit entries
// and notifications.
func (s *Service) change(ctx context.Context, org, id string, fn func(tx store.CaseTx, c *model.Case, now time.Time) ([]model.CaseLogEntry, []model.OutboxEvent, error)) (Details, error) {
	now := s.Now()
	err := s.store.CaseTx(ctx, org, func(tx store.CaseTx) error {
		c, err := tx.Case(ctx, id)
		if err != nil {
			return err
		}
		log, evs, err := fn(tx, &c, now)
		if err != nil {
			return err
		}
		c.Updated = now
		if err := tx.PutCase(ctx, &c); err != nil {
			return err
		}
		for i := range log {
			log[i].CaseID, log[i].At = c.ID, now
		}
		if err := tx.AddCaseLog(ctx, log); err != nil {
			return err
		}
		return tx.AddOutbox(ctx, evs)
	})
	if err != nil {
		return Details{}, err
	}
	return s.Get(ctx, org, id)
}

func firstVersion(c *model.Case) *model.CaseVersion {
	if len(c.Versions) == 0 {
		return nil
	}
	return &c.Versions[0]
}

// ConfirmAwareness sets the time the organisation became aware, which
// starts the clocks; a reason is required and every change is audited.
func (s *Service) ConfirmAwareness(ctx context.Context, org, id, actor string, at time.Time, reason string) (Details, error) {
	at, reason, err := s.checkAwareness(at, reason)
	if err != nil {
		return Details{}, err
	}
	return s.change(ctx, org, id, func(_ store.CaseTx, c *model.Case, now time.Time) ([]model.CaseLogEntry, []model.OutboxEvent, error) {
		if c.State == model.CaseClosed {
			return nil, nil, stateErr("cases.closed", "the case is closed")
		}
		detail := logAware(at, reason).English
		if !c.Awareness.IsZero() {
			detail = logAwareChanged(c.Awareness, at, reason).English
		} else if c.State == model.CaseAssessment {
			detail = logAwareAfter(at, reason, now.Sub(c.Opened).Truncate(time.Minute)).English
		}
		c.Awareness, c.AwarenessReason, c.AwarenessBy = at, reason, actor
		if c.State == model.CaseAssessment {
			c.State = model.CaseAware
		}
		ev, err := notice(EventAwareness, *c, firstVersion(c), now, &Notice{Detail: detail})
		if err != nil {
			return nil, nil, err
		}
		return []model.CaseLogEntry{{Actor: actor, Action: "awareness", Detail: detail}}, []model.OutboxEvent{ev}, nil
	})
}

// SetFix records when a corrective or mitigating measure became
// available (the AEV final report is due 14 days later) and its details.
func (s *Service) SetFix(ctx context.Context, org, id, actor string, at time.Time, details string) (Details, error) {
	details = strings.TrimSpace(details)
	if at.IsZero() {
		return Details{}, inputf("cases.fix_required", "availableAt: required (RFC 3339)")
	}
	at = reporting.Minute(at)
	if at.After(s.Now()) {
		return Details{}, inputf("cases.fix_future", "availableAt: %s is in the future; record the fix once it is available", msg.Stamp(at))
	}
	if n := utf8.RuneCountInString(details); n > 2000 {
		return Details{}, inputf("cases.fix_details_long", "details: %d characters, the SRP field v23 accepts at most 2000", n)
	}
	return s.change(ctx, org, id, func(_ store.CaseTx, c *model.Case, now time.Time) ([]model.CaseLogEntry, []model.OutboxEvent, error) {
		if c.Kind != string(reporting.KindAEV) {
			return nil, nil, stateErr("cases.si_fix", "a severe incident's final report runs from the notification's submission, not from a fix")
		}
		if c.State == model.CaseClosed {
			return nil, nil, stateErr("cases.closed", "the case is closed")
		}
		var from time.Time
		if !c.FixAvailable.IsZero() && !c.FixAvailable.Equal(at) {
			from = c.FixAvailable
		}
		detail := logFix(from, at, details).English
		c.FixAvailable, c.FixDetails = at, details
		return []model.CaseLogEntry{{Actor: actor, Action: "fix", Detail: detail}}, nil, nil
	})
}

// RequestIntermediate records the coordinating CSIRT's request for an
// intermediate report (Art. 14(6)) with its due date.
func (s *Service) RequestIntermediate(ctx context.Context, org, id, actor string, due time.Time) (Details, error) {
	if due.IsZero() {
		return Details{}, inputf("cases.due_required", "due: required (RFC 3339)")
	}
	due = reporting.Minute(due)
	return s.change(ctx, org, id, func(_ store.CaseTx, c *model.Case, now time.Time) ([]model.CaseLogEntry, []model.OutboxEvent, error) {
		if c.State == model.CaseClosed || c.State == model.CaseAssessment {
			return nil, nil, stateErr("cases.intermediate_state", "an intermediate report needs a case whose awareness is confirmed and that is not closed")
		}
		c.IntermediateDue = due
		return []model.CaseLogEntry{{Actor: actor, Action: "intermediate_requested", Detail: logIntermediate(due).English}}, nil, nil
	})
}

// Update is a change of a case's owner, title or the person's statement
// on severity and impact; nil fields are left as they are.
type Update struct {
	Owner, Title, Statement *string
}

// Edit applies an Update.
func (s *Service) Edit(ctx context.Context, org, id, actor string, u Update) (Details, error) {
	if u.Title != nil {
		t := strings.TrimSpace(*u.Title)
		if t == "" || utf8.RuneCountInString(t) > 255 {
			return Details{}, inputf("cases.edit_title", "title: required, at most 255 characters")
		}
		u.Title = &t
	}
	if u.Statement != nil && utf8.RuneCountInString(*u.Statement) > 4000 {
		return Details{}, inputf("cases.statement_long", "statement: at most 4000 characters (SRP severity and impact fields)")
	}
	// The owner is a member, named by user id or e-mail address; "" is
	// none. A case's earlier free-text owner sent back unchanged is kept.
	var owner, ownerID, ownerEmail string
	var ownerErr error
	if u.Owner != nil {
		if owner = strings.TrimSpace(*u.Owner); owner != "" {
			ownerID, ownerEmail, ownerErr = s.resolveOwner(ctx, org, owner)
		}
	}
	return s.change(ctx, org, id, func(_ store.CaseTx, c *model.Case, now time.Time) ([]model.CaseLogEntry, []model.OutboxEvent, error) {
		var log []model.CaseLogEntry
		switch {
		case u.Owner == nil || owner == c.Owner:
		case ownerErr != nil:
			return nil, nil, ownerErr
		case ownerID != "" && ownerID == c.OwnerID:
			// The same member, named by id where the case kept the
			// address as first written (a case from before owners were
			// members, linked by migration 0015): no change to log.
			c.Owner = ownerEmail
		default:
			log = append(log, model.CaseLogEntry{Actor: actor, Action: "owner", Detail: logOwner(c.Owner, ownerEmail).English})
			c.Owner, c.OwnerID = ownerEmail, ownerID
		}
		if u.Title != nil && *u.Title != c.Title {
			log = append(log, model.CaseLogEntry{Actor: actor, Action: "title", Detail: logTitle(*u.Title).English})
			c.Title = *u.Title
		}
		if u.Statement != nil && *u.Statement != c.Statement {
			log = append(log, model.CaseLogEntry{Actor: actor, Action: "statement", Detail: logStatement().English})
			c.Statement = *u.Statement
		}
		return log, nil, nil
	})
}

// NotAffected records a not_affected analysis decision for the findings
// of a case's vulnerability in its versions (the triage use case, once
// merged); nil until then.
type NotAffected func(ctx context.Context, org string, c model.Case, justification, actor string) error

// Closing is how a case is closed.
type Closing struct {
	Reason string
	// NotExploitable closes the case as "not exploitable in the product",
	// with Justification (a VEX justification such as
	// vulnerable_code_not_in_execute_path): a not_affected decision.
	NotExploitable bool
	Justification  string
}

// Close closes a case with a reason. Closing as not exploitable first
// records the not_affected decision (notAffected; nil records none), so
// that a refused decision leaves the case open.
func (s *Service) Close(ctx context.Context, org, id, actor string, cl Closing, notAffected NotAffected) (Details, error) {
	cl.Reason = strings.TrimSpace(cl.Reason)
	if cl.Reason == "" {
		return Details{}, inputf("cases.close_reason_required", "reason: required")
	}
	if cl.NotExploitable && !slices.Contains(model.Justifications, cl.Justification) {
		return Details{}, inputf("cases.close_justification", "justification: required when closing as not exploitable, one of %s", strings.Join(model.Justifications, ", "))
	}
	if n := utf8.RuneCountInString(cl.Reason); n > 4000 {
		return Details{}, inputf("cases.reason_long", "reason: %d characters, at most 4000", n)
	}
	cur, err := s.store.Case(ctx, org, id)
	if err != nil {
		return Details{}, err
	}
	if cur.State == model.CaseClosed {
		return Details{}, stateErr("cases.already_closed", "the case is already closed")
	}
	if cl.NotExploitable && notAffected != nil {
		cur.CloseReason = cl.Reason
		if err := notAffected(ctx, org, cur, cl.Justification, actor); err != nil {
			return Details{}, fmt.Errorf("not_affected decision: %w", err)
		}
	}
	return s.change(ctx, org, id, func(_ store.CaseTx, c *model.Case, now time.Time) ([]model.CaseLogEntry, []model.OutboxEvent, error) {
		if c.State == model.CaseClosed {
			return nil, nil, stateErr("cases.already_closed", "the case is already closed")
		}
		c.State, c.Closed, c.CloseReason = model.CaseClosed, now, cl.Reason
		detail := cl.Reason
		if cl.NotExploitable {
			detail = logNotExploitable(Justification(cl.Justification), cl.Reason, notAffected != nil).English
		}
		ev, err := notice(EventClosed, *c, firstVersion(c), now, &Notice{Detail: detail})
		if err != nil {
			return nil, nil, err
		}
		return []model.CaseLogEntry{{Actor: actor, Action: "closed", Detail: detail}}, []model.OutboxEvent{ev}, nil
	})
}

// StageSubmission records a stage filed in the SRP.
type StageSubmission struct {
	Stage reporting.Stage
	// Submitted is when it was submitted in the SRP (now when zero).
	Submitted time.Time
	Reference string
	// AlreadyProvided marks the stage as not needed: its information was
	// already provided.
	AlreadyProvided bool
	// Fields are the values submitted, by Glossary id, over the pre-filled
	// draft; the result is frozen with the record.
	Fields map[string]string
	Actor  string
}

// RecordSubmission records a stage's submission. The draft (pre-filled,
// with Fields applied) must have every required field: an empty one
// refuses the record with an *srp.MissingError.
func (s *Service) RecordSubmission(ctx context.Context, org, id string, in StageSubmission) (Details, error) {
	if !in.Stage.Valid() {
		return Details{}, inputf("cases.stage", "stage: %q is not early_warning, notification, intermediate or final_report", in.Stage)
	}
	if n := utf8.RuneCountInString(in.Reference); n > 255 {
		return Details{}, inputf("cases.srp_reference_long", "srpReference: at most 255 characters")
	}
	now := s.Now()
	at := in.Submitted
	if at.IsZero() {
		at = now
	}
	at = at.UTC().Truncate(time.Second)
	if at.After(now) {
		return Details{}, inputf("cases.submitted_future", "submittedAt: %s is in the future", msg.Stamp(at))
	}
	// The state is checked (again, locked) in the transaction; checked
	// first here so that a case in assessment is not told about fields.
	cur, err := s.store.Case(ctx, org, id)
	if err != nil {
		return Details{}, err
	}
	if err := checkStage(cur, in.Stage); err != nil {
		return Details{}, err
	}
	var content []byte
	glossary := ""
	if !in.AlreadyProvided && slices.Contains(srp.Stages, in.Stage) {
		d, err := s.Draft(ctx, org, id, in.Stage)
		if err != nil {
			return Details{}, err
		}
		for fid, v := range in.Fields {
			if err := d.Set(fid, v); err != nil {
				return Details{}, &InputError{Err: err}
			}
		}
		if err := d.CheckSubmittable(); err != nil {
			return Details{}, err
		}
		if content, err = json.Marshal(d); err != nil {
			return Details{}, fmt.Errorf("freeze draft: %w", err)
		}
		glossary = d.Glossary
	}
	return s.change(ctx, org, id, func(tx store.CaseTx, c *model.Case, now time.Time) ([]model.CaseLogEntry, []model.OutboxEvent, error) {
		if err := checkStage(*c, in.Stage); err != nil {
			return nil, nil, err
		}
		sub := model.Submission{Stage: string(in.Stage), Submitted: at, Reference: strings.TrimSpace(in.Reference),
			AlreadyProvided: in.AlreadyProvided, Glossary: glossary, Content: content, Recorded: now, By: in.Actor}
		if err := tx.PutSubmission(ctx, c.ID, &sub); err != nil {
			return nil, nil, err
		}
		if in.Stage == reporting.StageFinalReport {
			c.State = model.CaseReported
		}
		detail := logSubmitted(in.Stage, at, sub.Reference).English
		if in.AlreadyProvided {
			detail = logAlreadyProvided(in.Stage).English
		}
		ev, err := notice(EventStageRecorded, *c, firstVersion(c), now, &Notice{Stage: string(in.Stage), Detail: detail})
		if err != nil {
			return nil, nil, err
		}
		return []model.CaseLogEntry{{Actor: in.Actor, Action: "submission", Detail: detail}}, []model.OutboxEvent{ev}, nil
	})
}

// checkStage tells whether a stage's submission can be recorded on c.
func checkStage(c model.Case, st reporting.Stage) error {
	if c.State == model.CaseClosed || c.State == model.CaseAssessment {
		return stateErr("cases.stage_state", "a stage can be recorded once awareness is confirmed, on a case not closed (this one is %s)", c.State)
	}
	if prev := previous(st); prev != "" {
		if _, ok := submission(c, prev); !ok {
			return stateErr("cases.stage_order", "record the %s first (or mark it as already provided)", prev)
		}
	}
	return nil
}

// previous is the SRP stage that must be recorded before st.
func previous(st reporting.Stage) reporting.Stage {
	switch st {
	case reporting.StageNotification:
		return reporting.StageEarlyWarning
	case reporting.StageFinalReport:
		return reporting.StageNotification
	}
	return ""
}

// Recorder records triage decisions (triage.Service).
type Recorder interface {
	Record(ctx context.Context, org string, actor triage.Actor, ds []triage.Decision) (triage.Result, error)
}

// NotAffectedVia records the not_affected decision of a case closed as
// not exploitable through the triage use case: one version-scope
// decision per open finding of the case's vulnerability in its versions,
// with the justification, and the closing reason as impact statement.
func (s *Service) NotAffectedVia(tr Recorder) NotAffected {
	if tr == nil {
		return nil
	}
	return func(ctx context.Context, org string, c model.Case, justification, actor string) error {
		fs, err := s.Findings(ctx, org, c.ID)
		if err != nil {
			return err
		}
		if len(fs) == 0 {
			return nil
		}
		ds := make([]triage.Decision, len(fs))
		for i, f := range fs {
			ds[i] = triage.Decision{FindingID: f.Finding.ID, Source: "case:" + c.ID, Statement: triage.Statement{
				Status: model.StatusNotAffected, Justification: justification, Impact: truncate(c.CloseReason, 4000),
				Scope: model.ScopeVersion}}
		}
		_, err = tr.Record(ctx, org, triage.Actor{Kind: "api_key", Label: actor}, ds)
		return err
	}
}
