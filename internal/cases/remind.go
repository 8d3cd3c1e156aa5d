package cases

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/reporting"
	"github.com/rocca-project/rocca/internal/store"
)

// Remind writes to the outbox the reminders that fell due on every open
// case of every organisation: Leads before each open deadline
// (case.deadline_reminder), when it is overdue (case.overdue), and for a
// case waiting in assessment against the early-warning deadline its
// proposed awareness gives. Each reminder is sent once; after a pause
// (the server was down) only the latest of one deadline is. It returns
// the number written.
func (s *Service) Remind(ctx context.Context) (int, error) {
	orgs, err := s.store.OpenCaseOrgs(ctx)
	if err != nil {
		return 0, fmt.Errorf("reporting: reminders: %w", err)
	}
	total := 0
	for _, org := range orgs {
		n, err := s.remindOrg(ctx, org)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

func (s *Service) remindOrg(ctx context.Context, org string) (int, error) {
	cs, err := s.store.Cases(ctx, org, store.CaseQuery{States: []model.CaseState{model.CaseAssessment, model.CaseAware, model.CaseReported}})
	if err != nil {
		return 0, fmt.Errorf("reporting: reminders of %s: %w", org, err)
	}
	prof, err := s.store.ReportingProfile(ctx, org)
	if err != nil {
		return 0, err
	}
	now := s.Now()
	n := 0
	var members map[string]model.User // read when a reminder is due
	kept := map[string]bool{}         // owners whose subscription was seen to this run
	for _, c := range cs {
		sched := reporting.Schedule(openDeadlines(c), s.leads)
		due := reporting.Due(sched, time.Time{}, now)
		if len(due) == 0 {
			continue
		}
		if members == nil {
			if members, err = s.memberMap(ctx, org); err != nil {
				return n, err
			}
		}
		owner, isMember := members[c.OwnerID]
		if c.OwnerID != "" && !kept[c.OwnerID] {
			// Before the reminder is written, so that the dispatch finds
			// the owner's subscription.
			pending, err := s.unsent(ctx, org, c.ID, due)
			if err != nil {
				return n, err
			}
			if pending {
				kept[c.OwnerID] = true
				s.keepOwner(ctx, org, c.OwnerID, owner, isMember, prof)
			}
		}
		for _, r := range due {
			sent, err := s.sendReminder(ctx, org, c, r, sched, prof, isMember)
			if err != nil {
				return n, err
			}
			if sent {
				n++
			}
		}
	}
	return n, nil
}

// openDeadlines are the deadlines of a case still to meet.
func openDeadlines(c model.Case) []reporting.Deadline {
	if c.State == model.CaseAssessment {
		return []reporting.Deadline{reporting.AssessmentDeadline(c.ProposedAwareness)}
	}
	ds, err := reporting.Compute(anchors(c), reporting.Calendar{})
	if err != nil {
		return nil
	}
	var open []reporting.Deadline
	for _, d := range ds {
		if _, done := submission(c, d.Stage); !done {
			open = append(open, d)
		}
	}
	return open
}

// unsent reports whether one of a case's due reminders was not sent yet.
func (s *Service) unsent(ctx context.Context, org, caseID string, due []reporting.Reminder) (bool, error) {
	pending := false
	err := s.store.CaseTx(ctx, org, func(tx store.CaseTx) error {
		for _, r := range due {
			done, err := tx.ReminderSent(ctx, caseID, r.Key())
			if err != nil || !done {
				pending = err == nil
				return err
			}
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("reporting: reminders of case %s: %w", caseID, err)
	}
	return pending, nil
}

// memberMap is the organisation's members by user id.
func (s *Service) memberMap(ctx context.Context, org string) (map[string]model.User, error) {
	ms, err := s.Members(ctx, org)
	if err != nil {
		return nil, err
	}
	out := make(map[string]model.User, len(ms))
	for _, m := range ms {
		out[m.User.ID] = m.User
	}
	return out, nil
}

// keepOwner keeps a case owner's personal e-mail subscription to the
// reminders, in their language, or removes it when they are no longer a
// member. A failure is logged: the reminder still goes to the others.
func (s *Service) keepOwner(ctx context.Context, org, userID string, u model.User, member bool, prof model.ReportingProfile) {
	if s.owners == nil {
		return
	}
	var err error
	if member {
		_, err = s.owners.KeepPersonal(ctx, org, userID, u.Email, ownerLocale(u, prof))
	} else {
		err = s.owners.DropPersonal(ctx, org, userID)
	}
	if err != nil {
		s.log.Warn("case owner's reminder subscription not updated", "org", org, "user", userID, "error", err)
	}
}

// sendReminder writes one reminder of a case; ownerMember tells whether
// the case's owner (if it has one) is still a member, who then gets it
// addressed to them.
func (s *Service) sendReminder(ctx context.Context, org string, c model.Case, r reporting.Reminder, sched []reporting.Reminder, prof model.ReportingProfile, ownerMember bool) (bool, error) {
	now := s.Now()
	sent := false
	err := s.store.CaseTx(ctx, org, func(tx store.CaseTx) error {
		sent = false
		done, err := tx.ReminderSent(ctx, c.ID, r.Key())
		if err != nil || done {
			return err
		}
		// This one and the earlier ones of the same deadline it stands for.
		for _, o := range sched {
			if o.Stage == r.Stage && o.Due.Equal(r.Due) && !o.At.After(r.At) {
				marked, err := tx.MarkReminder(ctx, c.ID, o.Key(), now)
				if err != nil {
					return err
				}
				if o.Key() == r.Key() && !marked {
					// Another server's run recorded it after this one
					// looked (PostgreSQL: the insert waited for its
					// commit): it sends it, not this one.
					return nil
				}
			}
		}
		typ := EventReminder
		n := &Notice{Stage: string(r.Stage), Due: stampOf(r.Due)}
		if r.Overdue {
			typ = EventOverdue
			n.Detail = fmt.Sprintf("the %s was due at %s", label(r.Stage), stampOf(r.Due))
		} else {
			n.Lead = r.Lead.String()
			n.Detail = fmt.Sprintf("the %s is due at %s (in %s)", label(r.Stage), stampOf(r.Due), r.Due.Sub(now).Round(time.Minute))
		}
		// The owner: a member (one who left gets nothing), or the free
		// text of a case saved before owners were members.
		if c.Owner != "" && (c.OwnerID == "" || ownerMember) {
			n.Recipients = append(n.Recipients, c.Owner)
		}
		for _, a := range prof.ReportingContacts {
			a = strings.TrimSpace(a)
			if !slices.ContainsFunc(n.Recipients, func(b string) bool { return strings.EqualFold(a, b) }) {
				n.Recipients = append(n.Recipients, a)
			}
		}
		ev, err := notice(typ, c, firstVersion(&c), now, n)
		if err != nil {
			return err
		}
		// The owner's personal subscription takes it, unless the owner is
		// a reporting contact too: the contacts' subscription reaches
		// them already, and one reminder is enough.
		if ownerMember && !slices.ContainsFunc(prof.ReportingContacts, func(a string) bool {
			return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(c.Owner))
		}) {
			ev.UserID = c.OwnerID
		}
		sent = true
		return tx.AddOutbox(ctx, []model.OutboxEvent{ev})
	})
	if err != nil {
		return false, fmt.Errorf("reporting: reminder %s of case %s: %w", r.Key(), c.ID, err)
	}
	return sent, nil
}

func label(st reporting.Stage) string {
	switch st {
	case reporting.StageEarlyWarning:
		return "early warning"
	case reporting.StageNotification:
		return "72-hour notification"
	case reporting.StageIntermediate:
		return "intermediate report"
	case reporting.StageFinalReport:
		return "final report"
	case reporting.StageAssessment:
		return "assessment (early warning if aware at the proposed time)"
	}
	return string(st)
}
