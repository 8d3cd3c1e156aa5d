package store

import (
	"context"
	"time"

	"github.com/rocca-project/rocca/internal/model"
)

// CaseQuery selects an organisation's reporting cases.
type CaseQuery struct {
	// States keeps cases in one of these states; empty keeps all.
	States []model.CaseState
	// Kind keeps cases of that type ("aev", "si"); empty keeps both.
	Kind string
	// VersionID keeps cases concerning that version.
	VersionID string
	// Vuln keeps cases of a vulnerability known by that id.
	Vuln string
}

// Cases stores the CRA reporting cases of organisations, their versions,
// submissions, audit trail and reminders, and the reporting profiles.
// Every method is scoped to one organisation except those named for the
// periodic jobs (OpenCaseOrgs, CandidateOrgs, ProfileByCalendar).
type Cases interface {
	// Cases lists org's cases matching q, newest first, with their
	// versions and submissions.
	Cases(ctx context.Context, org string, q CaseQuery) ([]model.Case, error)
	// Case returns one of org's cases with its versions and submissions.
	Case(ctx context.Context, org, id string) (model.Case, error)
	// CaseLog returns a case's audit trail, oldest first.
	CaseLog(ctx context.Context, org, id string) ([]model.CaseLogEntry, error)
	// CaseCandidates returns org's open known-exploited findings in
	// versions whose lifecycle is on_market or end_of_support.
	CaseCandidates(ctx context.Context, org string) ([]model.CaseCandidate, error)
	// CandidateOrgs lists the organisations having such findings.
	CandidateOrgs(ctx context.Context) ([]string, error)
	// OpenCaseOrgs lists the organisations having cases not closed.
	OpenCaseOrgs(ctx context.Context) ([]string, error)
	// CaseTx runs fn in one transaction scoped to org.
	CaseTx(ctx context.Context, org string, fn func(CaseTx) error) error

	// ReportingProfile returns org's profile (an empty one when none was saved).
	ReportingProfile(ctx context.Context, org string) (model.ReportingProfile, error)
	// PutReportingProfile saves org's profile (the calendar secret is kept).
	PutReportingProfile(ctx context.Context, org string, p *model.ReportingProfile) error
	// SetCalendarHash sets the digest of org's calendar feed secret.
	SetCalendarHash(ctx context.Context, org, hash string, at time.Time) error
	// OrgByCalendarHash returns the organisation whose calendar feed
	// secret has that digest, or ErrNotFound.
	OrgByCalendarHash(ctx context.Context, hash string) (string, error)
}

// CaseTx is the write side of a case change, bound to one organisation:
// the case, its audit entry and its notifications commit together.
type CaseTx interface {
	// Case returns a case, locked for update where the engine supports it.
	Case(ctx context.Context, id string) (model.Case, error)
	// CasesOfVulns returns the AEV cases whose ids include one of ids.
	CasesOfVulns(ctx context.Context, ids []string) ([]model.Case, error)
	// PutCase inserts or updates a case's own row (not its versions or
	// submissions); ErrConflict when another case has its vulnerability.
	PutCase(ctx context.Context, c *model.Case) error
	// AddCaseVersions attaches versions to a case (already attached ones
	// get their components merged); it returns the version ids that were
	// new to the case.
	AddCaseVersions(ctx context.Context, caseID string, vs []model.CaseVersion) ([]string, error)
	// PutSubmission records (or replaces) a stage's submission.
	PutSubmission(ctx context.Context, caseID string, s *model.Submission) error
	// AddCaseLog appends audit entries.
	AddCaseLog(ctx context.Context, es []model.CaseLogEntry) error
	// ReminderSent reports whether a reminder was recorded as sent.
	ReminderSent(ctx context.Context, caseID, key string) (bool, error)
	// MarkReminder records a reminder as sent; false when it was recorded
	// already (by another server's transaction that committed first).
	MarkReminder(ctx context.Context, caseID, key string, at time.Time) (bool, error)
	// AddOutbox writes notification events.
	AddOutbox(ctx context.Context, evs []model.OutboxEvent) error
}
