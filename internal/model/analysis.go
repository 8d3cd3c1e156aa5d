package model

import "time"

// AnalysisScope is how far a triage decision reaches.
type AnalysisScope string

// Analysis scopes, narrowest first. A narrower decision wins over a wider
// one; among decisions of one scope, the latest applicable one wins.
const (
	// ScopeVersion: the one finding (its version only).
	ScopeVersion AnalysisScope = "version"
	// ScopeProduct: every version of the product, present and future,
	// holding the same package (optionally only its versions in a range),
	// for the same vulnerability (any alias).
	ScopeProduct AnalysisScope = "product"
	// ScopeOrganisation: every product of the organisation, for the same
	// package and vulnerability.
	ScopeOrganisation AnalysisScope = "organisation"
)

// Valid reports whether s is a scope.
func (s AnalysisScope) Valid() bool {
	return s == ScopeVersion || s == ScopeProduct || s == ScopeOrganisation
}

// Level orders scopes: version 3, product 2, organisation 1, anything
// else (no decision) 0. The higher level wins.
func (s AnalysisScope) Level() int {
	switch s {
	case ScopeVersion:
		return 3
	case ScopeProduct:
		return 2
	case ScopeOrganisation:
		return 1
	}
	return 0
}

// Valid reports whether s is one of the four VEX statuses.
func (s Status) Valid() bool {
	return s == StatusAffected || s == StatusNotAffected || s == StatusFixed || s == StatusUnderInvestigation
}

// Justifications of not_affected (CISA minimum elements; the same in
// OpenVEX and as CSAF flags).
var Justifications = []string{
	"component_not_present",
	"vulnerable_code_not_present",
	"vulnerable_code_not_in_execute_path",
	"vulnerable_code_cannot_be_controlled_by_adversary",
	"inline_mitigations_already_exist",
}

// Responses are CycloneDX's analysis responses.
var Responses = []string{"can_not_fix", "will_not_fix", "update", "rollback", "workaround_available"}

// Analysis is one triage decision, as recorded: an entry of the
// append-only history. It is made on one finding (Origin) and applies,
// by its scope, to that finding only or to the findings of the same
// package and vulnerability across the product or the organisation.
type Analysis struct {
	ID            string `json:"id"`
	Status        Status `json:"status"`
	Justification string `json:"justification,omitempty"`
	// Impact is the impact statement (why not_affected, in words).
	Impact string `json:"impact,omitempty"`
	// Action is the action statement (what users of an affected product
	// should do).
	Action string `json:"action,omitempty"`
	// Response lists CycloneDX responses (can_not_fix, will_not_fix,
	// update, rollback, workaround_available).
	Response []string      `json:"response,omitempty"`
	Detail   string        `json:"detail,omitempty"`
	Scope    AnalysisScope `json:"scope"`
	// ComponentRange bounds a product-wide decision to the component
	// versions it satisfies (">=1.2.0,<2.0.0"); empty for all.
	ComponentRange string `json:"componentRange,omitempty"`
	// ReviewDate is when the decision should be looked at again; past it,
	// findings it applies to need review.
	ReviewDate time.Time `json:"reviewDate,omitzero"`
	// DecidedBy names who decided (an API key's label, a user);
	// DecidedByID is its id.
	DecidedBy   string    `json:"decidedBy"`
	DecidedByID string    `json:"decidedById,omitempty"`
	DecidedAt   time.Time `json:"decidedAt"`
	// Source tells how it was recorded: "api", "bulk", "copy:<id>", a VEX
	// document's name.
	Source string         `json:"source,omitempty"`
	Origin AnalysisOrigin `json:"origin"`
	// PkgKey is the package key (store.PackageKey) and Ecosystem the OSV
	// ecosystem of the finding it was made on; VulnIDs every id of its
	// vulnerability. A product or organisation decision applies to
	// findings of the same package key whose ids share one with VulnIDs.
	PkgKey    string   `json:"-"`
	Ecosystem string   `json:"-"`
	VulnIDs   []string `json:"vulnerabilityIds,omitempty"`
	// Seq orders decisions: a later one has a higher Seq.
	Seq int64 `json:"-"`
}

// AnalysisOrigin is where a decision was made: the finding, its version
// and product, component and vulnerability.
type AnalysisOrigin struct {
	FindingID    string `json:"findingId"`
	ProductID    string `json:"productId"`
	VersionID    string `json:"versionId"`
	ComponentKey string `json:"componentKey"`
	VulnID       string `json:"vulnerabilityId"`
}

// FindingAnalysis is a finding's effective analysis: the decision that
// applies to it, whether it was inherited (made on another finding), and
// whether it needs review.
type FindingAnalysis struct {
	Analysis
	// Inherited is true when the decision was made on another finding
	// (a product- or organisation-wide decision).
	Inherited bool `json:"inherited"`
	// NeedsReview is true when the finding's facts changed after the
	// decision (ReviewReason says how) or its review date has passed.
	NeedsReview  bool   `json:"needsReview"`
	ReviewReason string `json:"reviewReason,omitempty"`
}

// EffectiveStatus is the status of the finding's effective analysis, or
// "" when nobody decided yet (untriaged; it counts as affected).
func (f *TrackedFinding) EffectiveStatus() Status {
	if f.Analysis == nil {
		return ""
	}
	return f.Analysis.Status
}

// SettledStatus reports whether s is not_affected or fixed.
func SettledStatus(s Status) bool { return s == StatusNotAffected || s == StatusFixed }

// Settled reports whether the finding's effective status is not_affected
// or fixed: it needs no action, opens no case, breaks no policy.
func (f *TrackedFinding) Settled() bool {
	return SettledStatus(f.EffectiveStatus())
}

// ReviewFlag marks one finding's analysis as needing review.
type ReviewFlag struct {
	FindingID string
	Reason    string
}

// Target names what a decision decides about: a later decision of the
// same target replaces it as that target's current decision (the earlier
// one stays in the history). Version scope: the finding; product scope:
// the product, package, vulnerability and component range; organisation
// scope: the package and vulnerability.
func (a *Analysis) Target() string {
	switch a.Scope {
	case ScopeVersion:
		return "v:" + a.Origin.FindingID
	case ScopeProduct:
		return "p:" + a.Origin.ProductID + ":" + a.PkgKey + ":" + a.Origin.VulnID + ":" + a.ComponentRange
	}
	return "o:" + a.PkgKey + ":" + a.Origin.VulnID
}

// String returns the scope's name.
func (s AnalysisScope) String() string { return string(s) }

// FindingSummary counts a version's open findings by effective triage
// status: what a dashboard shows and a --fail-on policy looks at.
type FindingSummary struct {
	// Open counts the open findings; Actionable those whose effective
	// status is neither not_affected nor fixed.
	Open       int `json:"open"`
	Actionable int `json:"actionable"`
	// BySeverity counts the actionable findings by severity rating; KEV
	// the actionable known-exploited ones.
	BySeverity map[Rating]int `json:"bySeverity"`
	KEV        int            `json:"kev"`
	// ByAnalysis counts the open findings by effective status ("none":
	// untriaged).
	ByAnalysis map[string]int `json:"byAnalysis"`
	// NeedsReview counts the open findings whose decision needs review.
	NeedsReview int `json:"needsReview"`
}
