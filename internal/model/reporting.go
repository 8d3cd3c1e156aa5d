package model

import (
	"encoding/json"
	"time"
)

// CRA product classification (Art. 7, 8; Annexes III, IV), kept on the
// product until a classification workspace exists.
const (
	CRATypeDefault   = "default"
	CRATypeImportant = "important"
	CRATypeCritical  = "critical"
	CRAClassI        = "class_i"
	CRAClassII       = "class_ii"
)

// CaseState is where a reporting case stands.
type CaseState string

// Case states: an automatic case starts in assessment (no clock yet);
// confirming awareness makes it aware (the clock runs); recording the
// final report's submission makes it reported; closing it (at any time,
// with a reason) makes it closed.
const (
	CaseAssessment CaseState = "assessment"
	CaseAware      CaseState = "aware"
	CaseReported   CaseState = "reported"
	CaseClosed     CaseState = "closed"
)

// Case origins.
const (
	CaseAutomatic = "automatic"
	CaseManual    = "manual"
)

// Case is one CRA Art. 14 reporting case of an organisation: one actively
// exploited vulnerability ("aev") or one severe incident ("si"), with the
// product versions it concerns.
type Case struct {
	ID    string    `json:"id"`
	OrgID string    `json:"organisationId"`
	Kind  string    `json:"type"`
	State CaseState `json:"state"`
	Title string    `json:"title"`
	// VulnID is the vulnerability's preferred id (AEV; empty for an SI);
	// VulnIDs all its ids (CVE, GHSA, EUVD…).
	VulnID  string   `json:"vulnerabilityId,omitempty"`
	VulnIDs []string `json:"vulnerabilityIds"`
	// Owner is the owner's e-mail address (or, on a case saved before
	// owners were members, the free text it was); OwnerID the member's
	// user id ("" when none, or not a member).
	Owner   string    `json:"owner,omitempty"`
	OwnerID string    `json:"ownerId,omitempty"`
	Origin  string    `json:"origin"`
	Opened  time.Time `json:"opened"`
	// ProposedAwareness is rocca's proposal while in assessment (when the
	// exploited listing reached an affected version).
	ProposedAwareness time.Time `json:"proposedAwareness,omitzero"`
	Awareness         time.Time `json:"awareness,omitzero"`
	AwarenessReason   string    `json:"awarenessReason,omitempty"`
	AwarenessBy       string    `json:"awarenessBy,omitempty"`
	FixAvailable      time.Time `json:"fixAvailable,omitzero"`
	FixDetails        string    `json:"fixDetails,omitempty"`
	// IntermediateDue is the due date of an intermediate report the
	// coordinating CSIRT asked for (Art. 14(6)).
	IntermediateDue time.Time `json:"intermediateDue,omitzero"`
	// Statement is the person's own statement on severity and impact
	// (English, for the SRP), added to what rocca knows.
	Statement   string        `json:"statement,omitempty"`
	Closed      time.Time     `json:"closed,omitzero"`
	CloseReason string        `json:"closeReason,omitempty"`
	Updated     time.Time     `json:"updated"`
	Versions    []CaseVersion `json:"versions"`
	Submissions []Submission  `json:"submissions"`
}

// CaseVersion is a product version a case concerns.
type CaseVersion struct {
	VersionID   string    `json:"versionId"`
	ProductID   string    `json:"productId"`
	ProductName string    `json:"productName"`
	VersionName string    `json:"versionName"`
	Lifecycle   Lifecycle `json:"lifecycle"`
	// Components are the affected components' keys (AEV).
	Components []string  `json:"components,omitempty"`
	Added      time.Time `json:"added"`
}

// Submission records one stage filed in the SRP: when, its SRP
// reference, and the exact text submitted (frozen).
type Submission struct {
	Stage     string    `json:"stage"`
	Submitted time.Time `json:"submitted"`
	Reference string    `json:"srpReference,omitempty"`
	// AlreadyProvided marks a stage whose information was already
	// provided in an earlier one (Art. 14: "unless … already provided").
	AlreadyProvided bool            `json:"alreadyProvided,omitempty"`
	Glossary        string          `json:"glossary,omitempty"`
	Content         json.RawMessage `json:"content,omitempty"`
	Recorded        time.Time       `json:"recorded"`
	By              string          `json:"by,omitempty"`
}

// CaseLogEntry is one entry of a case's audit trail.
type CaseLogEntry struct {
	Seq    int64     `json:"seq"`
	CaseID string    `json:"caseId"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	Detail string    `json:"detail,omitempty"`
}

// CaseCandidate is an open known-exploited finding in a version on the
// market (or past its support end): what opens or joins a case.
type CaseCandidate struct {
	Finding     TrackedFinding
	ProductID   string
	ProductName string
	VersionName string
	Lifecycle   Lifecycle
}

// Representative is an SRP assigned representative of the manufacturer.
type Representative struct {
	Name  string `json:"name"`
	Email string `json:"email"`
	// Role is "primary" (one) or "secondary" (up to 20).
	Role     string `json:"role"`
	Verified bool   `json:"verified"`
	// Notifications counts the notifications filed while unverified (the
	// SRP caps them at 20).
	Notifications int `json:"notifications"`
}

// ReportingProfile is an organisation's CRA reporting profile.
type ReportingProfile struct {
	OrgID     string `json:"organisationId"`
	LegalName string `json:"legalName"`
	// MainEstablishment is the Member State (code) of the main EU
	// establishment; empty when there is none.
	MainEstablishment string `json:"mainEstablishment,omitempty"`
	// Routing holds the Art. 14(7) wizard's answers.
	Routing Routing `json:"routing"`
	// CSIRTState is the Member State of the coordinating CSIRT, CSIRTName
	// its name, CSIRTReason why it was chosen.
	CSIRTState      string           `json:"csirtMemberState,omitempty"`
	CSIRTName       string           `json:"csirtName,omitempty"`
	CSIRTReason     string           `json:"csirtReason,omitempty"`
	Representatives []Representative `json:"representatives"`
	// ReportingContacts are e-mail addresses reminded about deadlines:
	// ContactsSubscription is the e-mail subscription to the case events
	// rocca keeps for them (empty when none could be made).
	ReportingContacts    []string `json:"reportingContacts"`
	ContactsSubscription string   `json:"contactsSubscriptionId,omitempty"`
	// Locale is the language of the reporting contacts' e-mails: "en" or
	// "it" ("" is English).
	Locale string `json:"locale,omitempty"`
	// Holidays are public holidays of the CSIRT's Member State
	// (YYYY-MM-DD), for the informational legal deadline.
	Holidays []string  `json:"holidays"`
	Updated  time.Time `json:"updated,omitzero"`
}

// Routing is the answers to the Art. 14(7) routing questions, for a
// manufacturer without a main establishment in the EU.
type Routing struct {
	AuthorisedRepresentative string `json:"authorisedRepresentative,omitempty"`
	Importer                 string `json:"importer,omitempty"`
	Distributor              string `json:"distributor,omitempty"`
	MostUsers                string `json:"mostUsers,omitempty"`
}
