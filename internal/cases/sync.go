package cases

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
)

// Event types the cases write to the outbox.
const (
	EventOpened        = "case.opened"
	EventVersionAdded  = "case.version_added"
	EventReminder      = "case.deadline_reminder"
	EventOverdue       = "case.overdue"
	EventAwareness     = "case.awareness_confirmed"
	EventClosed        = "case.closed"
	EventStageRecorded = "case.stage_submitted"
)

// EventTypes lists the case event types a subscription may ask for.
var EventTypes = []string{EventOpened, EventVersionAdded, EventReminder, EventOverdue, EventAwareness, EventClosed, EventStageRecorded}

// Actor of the changes rocca makes itself.
const actorRocca = "rocca"

// SyncReport tells what Sync did.
type SyncReport struct {
	// Opened counts the cases opened, Joined the versions that joined an
	// existing case, Excluded the candidate findings left out by their
	// effective status.
	Opened, Joined, Excluded int
}

// group is the candidate findings of one vulnerability.
type group struct {
	vulnID   string
	ids      []string
	summary  string
	listed   string
	versions map[string]*model.CaseVersion
	order    []string
}

// Sync opens a case in assessment for every known-exploited vulnerability
// with an open finding, not excluded by its effective status, in one of
// org's versions on the market or past its support end, and attaches the
// versions (and components) it reaches to the vulnerability's case when
// there is one already. A closed case that a new version reaches is
// opened again for assessment. Sync is idempotent: it is run after each
// re-match of a knowledge-base change, after a version's lifecycle
// changes, and periodically.
func (s *Service) Sync(ctx context.Context, org string) (SyncReport, error) {
	var rep SyncReport
	cands, err := s.store.CaseCandidates(ctx, org)
	if err != nil {
		return rep, fmt.Errorf("reporting: sync %s: %w", org, err)
	}
	groups := map[string]*group{}
	var keys []string
	for _, c := range cands {
		ex, err := s.excluded(ctx, org, c.Finding)
		if err != nil {
			return rep, fmt.Errorf("reporting: sync %s: effective status of %s: %w", org, c.Finding.ID, err)
		}
		if ex {
			rep.Excluded++
			continue
		}
		f := c.Finding
		g := groups[f.VulnID]
		if g == nil {
			g = &group{vulnID: f.VulnID, summary: f.Summary, versions: map[string]*model.CaseVersion{}}
			groups[f.VulnID] = g
			keys = append(keys, f.VulnID)
		}
		g.ids = mergeIDs(g.ids, append([]string{f.VulnID}, f.VulnIDs...))
		if !f.KEVAdded.IsZero() {
			g.listed = f.KEVAdded.Format("2006-01-02")
		}
		v := g.versions[f.VersionID]
		if v == nil {
			v = &model.CaseVersion{VersionID: f.VersionID, ProductID: c.ProductID, ProductName: c.ProductName,
				VersionName: c.VersionName, Lifecycle: c.Lifecycle}
			g.versions[f.VersionID] = v
			g.order = append(g.order, f.VersionID)
		}
		if !slices.Contains(v.Components, f.ComponentKey) {
			v.Components = append(v.Components, f.ComponentKey)
		}
	}
	if len(groups) == 0 {
		return rep, nil
	}
	existing, err := s.store.Cases(ctx, org, store.CaseQuery{Kind: "aev"})
	if err != nil {
		return rep, fmt.Errorf("reporting: sync %s: %w", org, err)
	}
	sort.Strings(keys)
	for _, k := range keys {
		g := groups[k]
		if covered(g, existing) {
			continue
		}
		opened, joined, err := s.apply(ctx, org, g)
		for attempt := 0; errors.Is(err, store.ErrConflict) && attempt < 3; attempt++ {
			// Another sync (the periodic job, a lifecycle change) opened
			// the case or attached a version meanwhile: join it.
			opened, joined, err = s.apply(ctx, org, g)
		}
		if err != nil {
			return rep, err
		}
		if opened {
			rep.Opened++
		}
		rep.Joined += joined
	}
	if rep.Opened+rep.Joined > 0 {
		s.log.Info("reporting cases", "org", org, "opened", rep.Opened, "versions_joined", rep.Joined)
	}
	return rep, nil
}

// covered reports whether an open case of the group's vulnerability
// already has every version and component of the group.
func covered(g *group, cs []model.Case) bool {
	for _, c := range cs {
		if !sharesID(c, g.ids) {
			continue
		}
		if c.State == model.CaseClosed {
			// A closed case is covered only when it already had every version.
			for _, id := range g.order {
				if !hasVersion(c, id) {
					return false
				}
			}
			return true
		}
		for _, id := range g.order {
			cv := findVersion(c, id)
			if cv == nil {
				return false
			}
			for _, comp := range g.versions[id].Components {
				if !slices.Contains(cv.Components, comp) {
					return false
				}
			}
		}
		return true
	}
	return false
}

func sharesID(c model.Case, ids []string) bool {
	for _, id := range ids {
		if c.VulnID == id || slices.Contains(c.VulnIDs, id) {
			return true
		}
	}
	return false
}

func hasVersion(c model.Case, id string) bool { return findVersion(c, id) != nil }

func findVersion(c model.Case, id string) *model.CaseVersion {
	for i := range c.Versions {
		if c.Versions[i].VersionID == id {
			return &c.Versions[i]
		}
	}
	return nil
}

func mergeIDs(a, b []string) []string {
	for _, id := range b {
		if id != "" && !slices.Contains(a, id) {
			a = append(a, id)
		}
	}
	return a
}

// apply opens the group's case or joins its versions to the existing
// one, in one transaction with the audit entries and notifications.
func (s *Service) apply(ctx context.Context, org string, g *group) (opened bool, joined int, err error) {
	now := s.Now()
	err = s.store.CaseTx(ctx, org, func(tx store.CaseTx) error {
		opened, joined = false, 0
		cs, err := tx.CasesOfVulns(ctx, g.ids)
		if err != nil {
			return err
		}
		var c model.Case
		var log []model.CaseLogEntry
		var evs []model.OutboxEvent
		if len(cs) == 0 {
			c = model.Case{Kind: "aev", State: model.CaseAssessment, VulnID: g.vulnID, VulnIDs: g.ids, Title: title(g),
				Origin: model.CaseAutomatic, Opened: now, ProposedAwareness: now, Updated: now}
			if err := tx.PutCase(ctx, &c); err != nil {
				return err
			}
			opened = true
			log = append(log, model.CaseLogEntry{CaseID: c.ID, At: now, Actor: actorRocca, Action: "opened",
				Detail: logOpenedKEV(g.vulnID, g.listed, versionList(g)).English})
		} else {
			c = cs[0]
			ids := mergeIDs(slices.Clone(c.VulnIDs), g.ids)
			if len(ids) != len(c.VulnIDs) {
				c.VulnIDs, c.Updated = ids, now
				if err := tx.PutCase(ctx, &c); err != nil {
					return err
				}
			}
		}
		vs := make([]model.CaseVersion, 0, len(g.order))
		for _, id := range g.order {
			v := *g.versions[id]
			v.Added = now
			vs = append(vs, v)
		}
		added, err := tx.AddCaseVersions(ctx, c.ID, vs)
		if err != nil {
			return err
		}
		if !opened && len(added) > 0 {
			joined = len(added)
			names := make([]string, len(added))
			for i, id := range added {
				v := g.versions[id]
				names[i] = v.ProductName + " " + v.VersionName
			}
			log = append(log, model.CaseLogEntry{CaseID: c.ID, At: now, Actor: actorRocca, Action: "version_added",
				Detail: logVersionAdded(strings.Join(names, ", ")).English})
			if c.State == model.CaseClosed {
				c.State, c.Closed, c.CloseReason, c.Updated = model.CaseAssessment, time.Time{}, "", now
				c.ProposedAwareness = now
				if err := tx.PutCase(ctx, &c); err != nil {
					return err
				}
				log = append(log, model.CaseLogEntry{CaseID: c.ID, At: now, Actor: actorRocca, Action: "reopened",
					Detail: logReopened().English})
			}
			ev, err := notice(EventVersionAdded, c, g.versions[added[0]], now, nil)
			if err != nil {
				return err
			}
			evs = append(evs, ev)
		}
		if opened {
			ev, err := notice(EventOpened, c, g.versions[g.order[0]], now, nil)
			if err != nil {
				return err
			}
			evs = append(evs, ev)
		}
		if err := tx.AddCaseLog(ctx, log); err != nil {
			return err
		}
		return tx.AddOutbox(ctx, evs)
	})
	if err != nil {
		return false, 0, fmt.Errorf("reporting: case of %s: %w", g.vulnID, err)
	}
	return opened, joined, nil
}

func versionList(g *group) string {
	names := make([]string, 0, len(g.order))
	for _, id := range g.order {
		v := g.versions[id]
		names = append(names, fmt.Sprintf("%s %s (%s)", v.ProductName, v.VersionName, v.Lifecycle))
	}
	return strings.Join(names, ", ")
}

func title(g *group) string {
	t := g.vulnID
	if g.summary != "" {
		t += ": " + g.summary
	}
	return truncate(t, 255)
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// Notice is the payload of a case's outbox event.
type Notice struct {
	Type  string     `json:"type"`
	Case  NoticeCase `json:"case"`
	Stage string     `json:"stage,omitempty"`
	// Due is the deadline a reminder is about; Lead how long before it
	// the reminder was due ("" when overdue).
	Due  string `json:"due,omitempty"`
	Lead string `json:"lead,omitempty"`
	// Recipients are the case owner and the organisation's reporting
	// contacts (for channels that address people).
	Recipients []string `json:"recipients,omitempty"`
	Detail     string   `json:"detail,omitempty"`
}

// NoticeCase is the case as a notice carries it.
type NoticeCase struct {
	ID      string   `json:"id"`
	Type    string   `json:"type"`
	State   string   `json:"state"`
	Title   string   `json:"title"`
	VulnIDs []string `json:"vulnerabilityIds"`
	Owner   string   `json:"owner,omitempty"`
	OwnerID string   `json:"ownerId,omitempty"`
}

func notice(typ string, c model.Case, v *model.CaseVersion, at time.Time, n *Notice) (model.OutboxEvent, error) {
	if n == nil {
		n = &Notice{}
	}
	n.Type = typ
	n.Case = NoticeCase{ID: c.ID, Type: c.Kind, State: string(c.State), Title: c.Title, VulnIDs: c.VulnIDs, Owner: c.Owner, OwnerID: c.OwnerID}
	b, err := json.Marshal(n)
	if err != nil {
		return model.OutboxEvent{}, fmt.Errorf("case notice: %w", err)
	}
	ev := model.OutboxEvent{Type: typ, Payload: b, Created: at}
	if v != nil {
		ev.ProductID, ev.VersionID = v.ProductID, v.VersionID
	}
	return ev, nil
}

// Periodic is the reporting job: Sync for every organisation with
// known-exploited findings on the market (what a re-match left undone:
// a crash between the two, an upload, a lifecycle change), then Remind.
func (s *Service) Periodic(ctx context.Context) error {
	orgs, err := s.store.CandidateOrgs(ctx)
	if err != nil {
		return fmt.Errorf("reporting: %w", err)
	}
	for _, o := range orgs {
		if _, err := s.Sync(ctx, o); err != nil {
			return err
		}
	}
	_, err = s.Remind(ctx)
	return err
}

// SyncOrgs is Sync for several organisations (the watch's hook).
func (s *Service) SyncOrgs(ctx context.Context, orgs []string) error {
	for _, o := range orgs {
		if _, err := s.Sync(ctx, o); err != nil {
			return err
		}
	}
	return nil
}

// Findings returns the open known-exploited findings of a case's
// vulnerability in its versions, with their product and version: what
// the assessment shows (the lists and dates marking it exploited, the
// components, the fixed versions known).
func (s *Service) Findings(ctx context.Context, org, id string) ([]model.CaseCandidate, error) {
	c, err := s.store.Case(ctx, org, id)
	if err != nil {
		return nil, err
	}
	cands, err := s.store.CaseCandidates(ctx, org)
	if err != nil {
		return nil, err
	}
	var out []model.CaseCandidate
	for _, cd := range cands {
		f := cd.Finding
		if sharesID(c, append([]string{f.VulnID}, f.VulnIDs...)) && hasVersion(c, f.VersionID) {
			out = append(out, cd)
		}
	}
	return out, nil
}
