package model

import "time"

// Rating is a qualitative severity rating, as CVSS defines them.
type Rating string

// Ratings, from least to most severe. RatingUnknown is used when no source
// gives a severity; it ranks below none so that thresholds never trip on it.
const (
	RatingUnknown  Rating = "unknown"
	RatingNone     Rating = "none"
	RatingLow      Rating = "low"
	RatingMedium   Rating = "medium"
	RatingHigh     Rating = "high"
	RatingCritical Rating = "critical"
)

// Rank orders ratings: unknown 0, none 1 ... critical 5.
func (r Rating) Rank() int {
	switch r {
	case RatingNone:
		return 1
	case RatingLow:
		return 2
	case RatingMedium:
		return 3
	case RatingHigh:
		return 4
	case RatingCritical:
		return 5
	}
	return 0
}

// ParseRating maps a rating word (any case; "moderate" and "important" are
// accepted as used by GitHub and Red Hat) to a Rating. ok is false when the
// word is not a rating.
func ParseRating(s string) (r Rating, ok bool) {
	switch lower(s) {
	case "none":
		return RatingNone, true
	case "low":
		return RatingLow, true
	case "medium", "moderate":
		return RatingMedium, true
	case "high", "important":
		return RatingHigh, true
	case "critical":
		return RatingCritical, true
	case "unknown":
		return RatingUnknown, true
	}
	return RatingUnknown, false
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// Severity is a vulnerability's severity and where it comes from.
type Severity struct {
	Rating Rating  `json:"rating"`
	Score  float64 `json:"score,omitempty"`
	// Vector is the CVSS vector when the severity was computed from one.
	Vector string `json:"vector,omitempty"`
	// Source tells where the severity was taken from, e.g.
	// "CVSS_V3 vector in GHSA-xxxx" or "database_specific.severity in GO-...".
	Source string `json:"source"`
}

// KEV is the CISA Known Exploited Vulnerabilities entry of a CVE.
type KEV struct {
	CVE        string    `json:"cve"`
	DateAdded  time.Time `json:"dateAdded"`
	Ransomware bool      `json:"knownRansomwareCampaignUse"`
	DueDate    time.Time `json:"dueDate,omitzero"`
	Name       string    `json:"name,omitempty"`
}

// Sources of known-exploited marks.
const (
	ExploitedCISAKEV = "cisa-kev"
	ExploitedEUKEV   = "eu-kev"
	ExploitedEUVD    = "euvd"
)

// ExploitedMark says that a list of known-exploited vulnerabilities (CISA
// KEV, the EU KEV list of ENISA and the EU CSIRTs Network, or EUVD's
// exploited list) holds a CVE of the vulnerability.
type ExploitedMark struct {
	// Source is ExploitedCISAKEV, ExploitedEUKEV or ExploitedEUVD.
	Source    string    `json:"source"`
	CVE       string    `json:"cve"`
	DateAdded time.Time `json:"dateAdded,omitzero"`
}

// EPSS is the FIRST Exploit Prediction Scoring System score of a CVE.
type EPSS struct {
	CVE        string  `json:"cve"`
	Score      float64 `json:"score"`
	Percentile float64 `json:"percentile"`
}

// Vulnerability is one vulnerability, possibly known under several ids
// (an alias group): the records describing it are merged.
type Vulnerability struct {
	// ID is the group's preferred id: a CVE when there is one, otherwise
	// the smallest advisory id.
	ID string `json:"id"`
	// IDs lists every id the vulnerability is known under, sorted.
	IDs      []string `json:"ids"`
	Summary  string   `json:"summary,omitempty"`
	Severity Severity `json:"severity"`
	// KEV is the CISA KEV entry (the earliest of the group's CVEs).
	KEV  *KEV  `json:"kev,omitempty"`
	EPSS *EPSS `json:"epss,omitempty"`
	// Exploited lists the marks of the other known-exploited lists (EU
	// KEV, EUVD) for the group's CVEs, ordered by source then CVE; CISA
	// KEV is KEV (see ExploitedMarks for all of them). Empty when no
	// other list holds a CVE, so reports of data without the EU lists
	// stay as they were.
	Exploited []ExploitedMark `json:"exploited,omitempty"`
	// References are URLs from the records.
	References []string `json:"references,omitempty"`
}

// KnownExploited reports whether any known-exploited list (CISA KEV, EU
// KEV, EUVD) holds one of the vulnerability's CVEs.
func (v Vulnerability) KnownExploited() bool {
	return v.KEV != nil || len(v.Exploited) > 0
}

// ExploitedMarks returns the marks of every known-exploited list: CISA
// KEV (from KEV) first, then Exploited.
func (v Vulnerability) ExploitedMarks() []ExploitedMark {
	if v.KEV == nil {
		return v.Exploited
	}
	out := make([]ExploitedMark, 0, 1+len(v.Exploited))
	out = append(out, ExploitedMark{Source: ExploitedCISAKEV, CVE: v.KEV.CVE, DateAdded: v.KEV.DateAdded})
	return append(out, v.Exploited...)
}

// Status is the VEX status of a finding.
type Status string

// VEX statuses (CISA minimum set).
const (
	StatusAffected           Status = "affected"
	StatusNotAffected        Status = "not_affected"
	StatusFixed              Status = "fixed"
	StatusUnderInvestigation Status = "under_investigation"
)

// Finding is one vulnerability affecting one component.
type Finding struct {
	Component Component `json:"component"`
	// Ecosystem and Package are the OSV coordinates the component matched.
	Ecosystem     string        `json:"ecosystem"`
	Package       string        `json:"package"`
	Vulnerability Vulnerability `json:"vulnerability"`
	// Advisories are the ids of the records whose ranges matched.
	Advisories []string `json:"advisories"`
	// FixedVersions are versions that fix the vulnerability for this
	// component, lowest first; empty when no fix is known.
	FixedVersions []string `json:"fixedVersions,omitempty"`
	// Status is affected unless a VEX statement says otherwise.
	Status        Status `json:"status"`
	Justification string `json:"justification,omitempty"`
	// StatusSource names the VEX document that set the status.
	StatusSource string `json:"statusSource,omitempty"`
	// Analysis is what the VEX statement (or triage decision) that set
	// the status says beyond it; nil when no statement covers the finding.
	Analysis *AnalysisDetail `json:"analysis,omitempty"`
}

// AnalysisDetail is the part of a finding's VEX analysis beyond Status and
// Justification: what reports (SARIF, CycloneDX VDR) carry along.
type AnalysisDetail struct {
	// Impact is the impact statement (why not_affected, in words).
	Impact string `json:"impact,omitempty"`
	// Action is the action statement (what users of an affected product
	// should do).
	Action string `json:"action,omitempty"`
	// Response lists CycloneDX responses (can_not_fix, will_not_fix,
	// update, rollback, workaround_available).
	Response []string `json:"response,omitempty"`
	// Detail is free text.
	Detail string `json:"detail,omitempty"`
	// Author is who made the statement or decision; Timestamp when.
	Author    string    `json:"author,omitempty"`
	Timestamp time.Time `json:"timestamp,omitzero"`
}

// Unmatched is a component the matcher could not look up, with the reason.
type Unmatched struct {
	Component Component `json:"component"`
	Reason    string    `json:"reason"`
}

// Undetermined is a component the matcher could look up but could not
// decide against one advisory: its version cannot be ordered against the
// advisory's ranges (an unparsable version, or a range it cannot evaluate).
// Such a component is neither reported clean nor affected by that advisory.
type Undetermined struct {
	Component Component `json:"component"`
	Advisory  string    `json:"advisory"`
	Reason    string    `json:"reason"`
}
