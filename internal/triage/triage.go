// Package triage owns the analysis of findings: recording triage
// decisions (one, in bulk, copied from another finding, or imported from
// a VEX document by its caller) into the append-only history, bringing
// the effective decision of every finding they reach up to date in the
// same transaction, with a finding event and a notification per finding
// whose decision changed; and reading a finding's decision, history and
// the decisions taken about the same vulnerability elsewhere in the
// organisation.
//
// The rules (scopes, narrower wins, inheritance) live in package findings
// (analysis.go), which the reconciliation also follows when a new finding
// appears. docs/triage.md describes the model.
package triage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rocca-project/rocca/internal/findings"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/msg"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/uid"
)

// MaxDecisions bounds the findings one call decides (a bulk triage).
const MaxDecisions = 50_000

// Store is what the triage use cases need of the storage.
type Store interface {
	store.Analyses
}

// Service implements the triage use cases.
type Service struct {
	store Store
	log   *slog.Logger
	now   func() time.Time
}

// New returns the triage service on st; now is the clock (time.Now when
// nil).
func New(st Store, log *slog.Logger, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: st, log: log, now: now}
}

// Actor is who records a decision: an API key (its id and label) today,
// a user once there are accounts.
type Actor struct {
	// Kind is "api_key" or "user".
	Kind  string
	ID    string
	Label string
}

// Statement is what a decision says.
type Statement struct {
	Status        model.Status        `json:"status"`
	Justification string              `json:"justification,omitempty"`
	Impact        string              `json:"impact,omitempty"`
	Action        string              `json:"action,omitempty"`
	Response      []string            `json:"response,omitempty"`
	Detail        string              `json:"detail,omitempty"`
	Scope         model.AnalysisScope `json:"scope,omitempty"`
	// ComponentRange bounds a product-scope decision to component
	// versions (">=1.0.0,<2.0.0").
	ComponentRange string    `json:"componentRange,omitempty"`
	ReviewDate     time.Time `json:"reviewDate,omitzero"`
}

// Decision is a statement about one finding.
type Decision struct {
	FindingID string
	Statement
	// Source tells how it came ("api", "bulk", "copy:<id>", a VEX
	// document's name); "api" when empty.
	Source string
}

// Result is what Record did.
type Result struct {
	// Decisions are the history entries written, in order.
	Decisions []model.Analysis `json:"-"`
	// Recorded counts them; Updated counts the findings whose effective
	// decision changed (more than Recorded when a product or organisation
	// decision reaches other findings, fewer when a narrower decision
	// stays in force).
	Recorded int `json:"recorded"`
	Updated  int `json:"findingsUpdated"`
}

// Text limits of a statement.
const (
	maxStatementRunes = 4000
	maxDetailRunes    = 20000
)

// inputf returns an input error worded in English by format, coded for
// translation (msg.Of finds the code).
func inputf(code, format string, a ...any) error {
	return &portfolio.InputError{Err: msg.Errorf(code, format, a...)}
}

// Check applies the rules of a statement (CISA minimum elements and
// CycloneDX's responses) and fills the default scope (version). The
// error names the field. ecosystem is the finding's, for the range.
func (st *Statement) Check(ecosystem string) error {
	if st.Scope == "" {
		st.Scope = model.ScopeVersion
	}
	switch {
	case st.Status == "":
		return inputf("triage.status_required", "status: required (under_investigation, affected, not_affected or fixed)")
	case !st.Status.Valid():
		return inputf("triage.status", "status: %q is not one of under_investigation, affected, not_affected, fixed", st.Status)
	case !st.Scope.Valid():
		return inputf("triage.scope", "scope: %q is not one of version, product, organisation", st.Scope)
	case st.Justification != "" && !slices.Contains(model.Justifications, st.Justification):
		return inputf("triage.justification", "justification: %q is not one of %s", st.Justification, strings.Join(model.Justifications, ", "))
	case st.Justification != "" && st.Status != model.StatusNotAffected:
		return inputf("triage.justification_status", "justification: only a not_affected status has a justification")
	case st.Status == model.StatusNotAffected && st.Justification == "" && strings.TrimSpace(st.Impact) == "":
		return inputf("triage.justification_required", "justification: required for not_affected (one of %s), or an impact statement (impact)", strings.Join(model.Justifications, ", "))
	case st.Status == model.StatusAffected && strings.TrimSpace(st.Action) == "":
		return inputf("triage.action_required", "action: required for affected (an action statement: what users should do)")
	case st.ComponentRange != "" && st.Scope != model.ScopeProduct:
		return inputf("triage.range_scope", "componentRange: only a product-scope decision has a component range")
	}
	seen := map[string]bool{}
	for _, r := range st.Response {
		if !slices.Contains(model.Responses, r) {
			return inputf("triage.response", "response: %q is not one of %s", r, strings.Join(model.Responses, ", "))
		}
		if seen[r] {
			return inputf("triage.response_twice", "response: %q listed twice", r)
		}
		seen[r] = true
	}
	for _, f := range []struct {
		name, text string
		max        int
	}{{"impact", st.Impact, maxStatementRunes}, {"action", st.Action, maxStatementRunes}, {"detail", st.Detail, maxDetailRunes}} {
		if err := checkText(f.name, f.text, f.max); err != nil {
			return err
		}
	}
	if st.ComponentRange != "" {
		if err := findings.CheckRange(st.ComponentRange, ecosystem); err != nil {
			return inputf("triage.range", "componentRange: %v", err)
		}
	}
	return nil
}

func checkText(field, s string, max int) error {
	if !utf8.ValidString(s) {
		return inputf("triage.text_utf8", "%s: not valid UTF-8", field)
	}
	if n := utf8.RuneCountInString(s); n > max {
		return inputf("triage.text_long", "%s: %d characters, more than the limit of %d", field, n, max)
	}
	for i, r := range s {
		if r < 0x20 && r != '\n' && r != '\r' && r != '\t' || r == 0x7f {
			return inputf("triage.text_control", "%s: control character %U at byte %d", field, r, i)
		}
	}
	return nil
}

// candidate is a finding a decision may reach, with its effective
// decision as the transaction leaves it.
type candidate struct {
	findings.Target
	t       *store.TriageTarget
	current model.AnalysisScope
	set     *model.Analysis
	// partial: only what Applies needs was read (TriageCandidates).
	partial bool
}

// Record records decisions, in order, in one transaction: one history
// entry each, then the effective decision of every finding they reach
// (the finding itself, and for product and organisation scope every
// finding of the same package and vulnerability in the product or the
// organisation, present ones; future ones inherit it when they appear),
// where no narrower decision stands. Each finding whose effective
// decision changed gets a finding event and a notification
// (finding.analysis) carrying the whole statement. A finding not found
// is ErrNotFound; an invalid statement an input error naming the field.
func (s *Service) Record(ctx context.Context, org string, actor Actor, ds []Decision) (Result, error) {
	if len(ds) == 0 {
		return Result{}, inputf("triage.none_selected", "findingIds: no finding selected")
	}
	if len(ds) > MaxDecisions {
		return Result{}, inputf("triage.too_many", "findingIds: %d findings, more than the limit of %d at once", len(ds), MaxDecisions)
	}
	for i := range ds {
		if !uid.Valid(ds[i].FindingID) {
			return Result{}, inputf("triage.finding_id", "findingIds: %q is not a finding id", ds[i].FindingID)
		}
	}
	at := s.now().UTC().Truncate(time.Microsecond)
	var res Result
	err := s.store.Triage(ctx, org, func(tx store.AnalysisTx) error {
		res = Result{}
		ids := make([]string, len(ds))
		for i := range ds {
			ids[i] = ds[i].FindingID
		}
		slices.Sort(ids)
		ids = slices.Compact(ids)
		targets, err := tx.TriageTargets(ctx, ids)
		if err != nil {
			return err
		}
		cands := make(map[string]*candidate, len(targets))
		for i := range targets {
			addCandidate(cands, &targets[i])
		}
		if err := lockReach(ctx, tx, ds, cands); err != nil {
			return err
		}
		as := make([]model.Analysis, len(ds))
		var wider []string // packages of product and organisation decisions
		for i := range ds {
			d := &ds[i]
			c := cands[d.FindingID]
			if c == nil {
				return fmt.Errorf("finding %s: %w", d.FindingID, store.ErrNotFound)
			}
			if err := d.Check(c.t.Ecosystem); err != nil {
				if len(ds) > 1 {
					return fmt.Errorf("finding %s: %w", d.FindingID, err)
				}
				return err
			}
			as[i] = newAnalysis(d, c, actor, at)
			if d.Scope != model.ScopeVersion {
				wider = append(wider, c.t.Package)
			}
		}
		if err := tx.AddAnalyses(ctx, as); err != nil {
			return err
		}
		byPkg := map[string][]*candidate{}
		if len(wider) > 0 {
			slices.Sort(wider)
			more, err := tx.TriageCandidates(ctx, slices.Compact(wider), ids)
			if err != nil {
				return err
			}
			for i := range more {
				addCandidate(cands, &more[i])
				cands[more[i].ID].partial = true
			}
			for _, c := range cands {
				byPkg[c.PkgKey] = append(byPkg[c.PkgKey], c)
			}
		}
		var changed []*candidate
		for i := range as {
			a := &as[i]
			reach := []*candidate{cands[a.Origin.FindingID]}
			if a.Scope != model.ScopeVersion {
				reach = byPkg[a.PkgKey]
			}
			for _, c := range reach {
				if !findings.Applies(a, c.Target) || !findings.Supersedes(a, c.current) {
					continue
				}
				if c.set == nil {
					changed = append(changed, c)
				}
				c.current, c.set = a.Scope, a
			}
		}
		// Map order must not decide the order of events.
		slices.SortFunc(changed, func(x, y *candidate) int { return strings.Compare(x.t.ID, y.t.ID) })
		if err := complete(ctx, tx, changed); err != nil {
			return err
		}
		sets := make([]store.AnalysisSet, len(changed))
		evs := make([]model.FindingEvent, len(changed))
		for i, c := range changed {
			sets[i] = store.AnalysisSet{FindingID: c.t.ID, Analysis: c.set}
			f := &c.t.TrackedFinding
			f.Analysis = &model.FindingAnalysis{Analysis: *c.set, Inherited: c.set.Origin.FindingID != f.ID}
			evs[i] = model.FindingEvent{FindingID: f.ID, VersionID: f.VersionID, ProductID: c.t.ProductID,
				Kind: model.EventAnalysis, Detail: Describe(f.Analysis), At: at, Finding: f}
		}
		if err := tx.SetAnalyses(ctx, sets); err != nil {
			return err
		}
		if err := findings.WriteEvents(ctx, tx, evs); err != nil {
			return err
		}
		res.Decisions, res.Recorded, res.Updated = as, len(as), len(changed)
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	return res, nil
}

// lockReach locks the versions the decisions may reach (see
// store.AnalysisTx.LockVersions): the targets' versions, every version of
// the products of product-scope decisions, every version of the
// organisation for an organisation-scope one.
func lockReach(ctx context.Context, tx store.AnalysisTx, ds []Decision, cands map[string]*candidate) error {
	var versions, products []string
	all := false
	for i := range ds {
		c := cands[ds[i].FindingID]
		if c == nil {
			continue // refused below
		}
		versions = append(versions, c.t.VersionID)
		switch ds[i].Scope {
		case model.ScopeProduct:
			products = append(products, c.t.ProductID)
		case model.ScopeOrganisation:
			all = true
		}
	}
	slices.Sort(versions)
	slices.Sort(products)
	return tx.LockVersions(ctx, slices.Compact(versions), slices.Compact(products), all)
}

// complete reads the whole findings of the candidates whose decision
// changed but of which only a part was read, for their events.
func complete(ctx context.Context, tx store.AnalysisTx, changed []*candidate) error {
	var ids []string
	for _, c := range changed {
		if c.partial {
			ids = append(ids, c.t.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	full, err := tx.TriageTargets(ctx, ids)
	if err != nil {
		return err
	}
	byID := make(map[string]*store.TriageTarget, len(full))
	for i := range full {
		byID[full[i].ID] = &full[i]
	}
	for _, c := range changed {
		if c.partial {
			if f := byID[c.t.ID]; f != nil {
				c.t, c.partial = f, false
			}
		}
	}
	return nil
}

func addCandidate(cands map[string]*candidate, t *store.TriageTarget) {
	c := &candidate{t: t}
	c.Target = findings.Target{Finding: &t.TrackedFinding, ProductID: t.ProductID, PkgKey: findings.PackageKey(&t.TrackedFinding)}
	if t.Analysis != nil {
		c.current = t.Analysis.Scope
	}
	cands[t.ID] = c
}

func newAnalysis(d *Decision, c *candidate, actor Actor, at time.Time) model.Analysis {
	f := c.t
	src := d.Source
	if src == "" {
		src = "api"
	}
	return model.Analysis{ID: uid.New(), Status: d.Status, Justification: d.Justification, Impact: d.Impact, Action: d.Action,
		Response: slices.Clone(d.Response), Detail: d.Detail, Scope: d.Scope, ComponentRange: d.ComponentRange,
		ReviewDate: d.ReviewDate, DecidedBy: actor.Label, DecidedByID: actor.ID, DecidedAt: at, Source: src,
		Origin: model.AnalysisOrigin{FindingID: f.ID, ProductID: f.ProductID, VersionID: f.VersionID,
			ComponentKey: f.ComponentKey, VulnID: f.VulnID},
		PkgKey: c.PkgKey, Ecosystem: f.Ecosystem, VulnIDs: slices.Clone(f.VulnIDs)}
}

// Describe says in one line what a finding's decision is and where it
// comes from, for its event: "not_affected (vulnerable_code_not_in_execute_path),
// product scope, decided by ci, inherited from finding F of version V"
// (findings.AnalysisDetail, which ParseEventDetail reads back).
func Describe(fa *model.FindingAnalysis) string { return findings.AnalysisDetail(fa).English }

// Selection picks the findings of a bulk triage: ids, or a filter.
type Selection struct {
	FindingIDs []string
	Filter     *store.FindingFilter
}

// Bulk applies one statement to many findings (by ids, or every finding
// a filter selects, at most MaxDecisions) in one transaction: one history
// entry per finding.
func (s *Service) Bulk(ctx context.Context, org string, actor Actor, sel Selection, st Statement) (Result, error) {
	ids := sel.FindingIDs
	switch {
	case len(ids) > 0 && sel.Filter != nil:
		return Result{}, inputf("triage.ids_and_filter", "filter: give findingIds or a filter, not both")
	case sel.Filter != nil:
		f := sel.Filter
		if f.ProductID == "" && f.VersionID == "" && f.Vulnerability == "" && f.Package == "" {
			return Result{}, inputf("triage.filter_narrow", "filter: name at least a productId, versionId, vulnerability or package")
		}
		for _, a := range f.Analysis {
			if a != store.AnalysisNone && !model.Status(a).Valid() {
				return Result{}, inputf("triage.filter_analysis", "filter.analysis: %q is not one of none, under_investigation, affected, not_affected, fixed", a)
			}
		}
		var err error
		if ids, err = s.store.SelectFindings(ctx, org, *f, MaxDecisions+1); err != nil {
			return Result{}, err
		}
		if len(ids) == 0 {
			return Result{}, nil
		}
		if len(ids) > MaxDecisions {
			return Result{}, inputf("triage.filter_too_many", "filter: selects more than %d findings; narrow it", MaxDecisions)
		}
	case len(ids) == 0:
		return Result{}, inputf("triage.no_selection", "findingIds: give findingIds or a filter")
	}
	ds := make([]Decision, len(ids))
	for i, id := range ids {
		ds[i] = Decision{FindingID: id, Statement: st, Source: "bulk"}
	}
	return s.Record(ctx, org, actor, ds)
}

// Copy records on a finding the statement of another decision of the
// organisation (from Related), with the given scope (version when
// empty).
func (s *Service) Copy(ctx context.Context, org string, actor Actor, findingID, analysisID string, scope model.AnalysisScope) (Result, error) {
	if !uid.Valid(analysisID) {
		return Result{}, inputf("triage.copy_id", "copyFrom: %q is not a decision id", analysisID)
	}
	a, err := s.store.Analysis(ctx, org, analysisID)
	if errors.Is(err, store.ErrNotFound) {
		return Result{}, inputf("triage.copy_unknown", "copyFrom: no decision %s in this organisation", analysisID)
	}
	if err != nil {
		return Result{}, err
	}
	st := Statement{Status: a.Status, Justification: a.Justification, Impact: a.Impact, Action: a.Action,
		Response: a.Response, Detail: a.Detail, Scope: scope, ReviewDate: a.ReviewDate}
	return s.Record(ctx, org, actor, []Decision{{FindingID: findingID, Statement: st, Source: "copy:" + a.ID}})
}

// FindingAnalysis is a finding's effective decision and every decision
// that applies or applied to it, newest first.
type FindingAnalysis struct {
	FindingID string                 `json:"findingId"`
	Current   *model.FindingAnalysis `json:"current"`
	History   []model.Analysis       `json:"history"`
}

// Analysis returns a finding's effective decision and history.
func (s *Service) Analysis(ctx context.Context, org, findingID string) (FindingAnalysis, error) {
	f, product, err := s.store.FindingProduct(ctx, org, findingID)
	if err != nil {
		return FindingAnalysis{}, err
	}
	t := findings.Target{Finding: &f, ProductID: product, PkgKey: findings.PackageKey(&f)}
	all, err := s.store.AnalysesOfPackage(ctx, org, t.PkgKey)
	if err != nil {
		return FindingAnalysis{}, err
	}
	out := FindingAnalysis{FindingID: f.ID, Current: f.Analysis, History: []model.Analysis{}}
	for i := len(all) - 1; i >= 0; i-- {
		if findings.Applies(&all[i], t) {
			out.History = append(out.History, all[i])
		}
	}
	return out, nil
}

// Related returns the current decisions about the same vulnerability (any
// alias) taken on findings of other versions of the organisation (of any
// product), newest first: one per target, superseded ones left out.
func (s *Service) Related(ctx context.Context, org, findingID string) ([]model.Analysis, error) {
	f, _, err := s.store.FindingProduct(ctx, org, findingID)
	if err != nil {
		return nil, err
	}
	ids := append([]string{f.VulnID}, f.VulnIDs...)
	slices.Sort(ids)
	all, err := s.store.AnalysesOfVulnerability(ctx, org, slices.Compact(ids))
	if err != nil {
		return nil, err
	}
	out := []model.Analysis{}
	seen := map[string]bool{}
	for i := len(all) - 1; i >= 0; i-- {
		a := all[i]
		k := a.Target()
		if seen[k] {
			continue
		}
		seen[k] = true
		if a.Origin.VersionID != f.VersionID {
			out = append(out, a)
		}
	}
	return out, nil
}

// reviewBatch bounds the findings flagged in one transaction.
const reviewBatch = 1000

// ExpireReviews flags for review the open findings whose effective
// decision's review date has passed (a risk acceptance that expires),
// in every organisation: each gets its review flag, a finding event
// analysis_review and one finding.analysis_review notification, once —
// a flagged finding is not flagged again until a new decision reaches it
// (which clears the flag). The server's hourly maintenance runs it. It
// returns the number of findings flagged.
func (s *Service) ExpireReviews(ctx context.Context) (int, error) {
	at := s.now().UTC().Truncate(time.Microsecond)
	orgs, err := s.store.ReviewDueOrgs(ctx, at)
	if err != nil {
		return 0, fmt.Errorf("triage: review dates: %w", err)
	}
	total := 0
	for _, org := range orgs {
		for {
			n, err := s.expireBatch(ctx, org, at)
			total += n
			if err != nil {
				return total, fmt.Errorf("triage: review dates of %s: %w", org, err)
			}
			if n < reviewBatch {
				break
			}
		}
	}
	if total > 0 {
		s.log.Info("decisions past their review date flagged for review", "findings", total)
	}
	return total, nil
}

func (s *Service) expireBatch(ctx context.Context, org string, at time.Time) (int, error) {
	n := 0
	err := s.store.Triage(ctx, org, func(tx store.AnalysisTx) error {
		n = 0
		due, err := tx.ReviewDue(ctx, at, reviewBatch)
		if err != nil || len(due) == 0 {
			return err
		}
		flags := make([]model.ReviewFlag, 0, len(due))
		evs := make([]model.FindingEvent, 0, len(due))
		for i := range due {
			f := &due[i].TrackedFinding
			a := f.Analysis
			cause := model.ReviewDatePassed(a.ReviewDate)
			a.NeedsReview, a.ReviewReason = true, cause.English
			flags = append(flags, model.ReviewFlag{FindingID: f.ID, Reason: cause.English})
			evs = append(evs, model.FindingEvent{FindingID: f.ID, ProductID: due[i].ProductID, VersionID: f.VersionID,
				Kind: model.EventAnalysisReview, Detail: findings.ReviewDetail(a.Scope, a.Status, []msg.Text{cause}).English,
				At: at, Finding: f})
		}
		if err := tx.FlagReview(ctx, flags); err != nil {
			return err
		}
		if err := findings.WriteEvents(ctx, tx, evs); err != nil {
			return err
		}
		n = len(due)
		return nil
	})
	return n, err
}
