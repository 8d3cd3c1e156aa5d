package model

import "time"

// ScanResult is the outcome of matching one SBOM against the knowledge base.
type ScanResult struct {
	// Source is the SBOM's file name as given by the user.
	Source string `json:"source"`
	// SBOM describes the input document (its components are not repeated).
	Format      string     `json:"format"`
	SpecVersion string     `json:"specVersion,omitempty"`
	Subject     *Component `json:"subject,omitempty"`
	// Components is the number of components read from the SBOM.
	Components int `json:"components"`
	// Findings, sorted: component, then known-exploited and severity first.
	Findings []Finding `json:"findings"`
	// Unmatched lists the components that could not be looked up, with why.
	Unmatched []Unmatched `json:"unmatched"`
	// Undetermined lists component/advisory pairs the matcher could not
	// decide, with why: not clean, not known to be affected either.
	Undetermined []Undetermined `json:"undetermined"`
	// Database describes the knowledge base used.
	Database DatabaseInfo `json:"database"`
	// Generated is when the scan ran.
	Generated time.Time `json:"generated"`
	// Tool is the rocca version that produced the result.
	Tool string `json:"tool"`
}

// DatabaseInfo summarises the knowledge base a scan ran against.
type DatabaseInfo struct {
	Advisories int       `json:"advisories"`
	KEVEntries int       `json:"kevEntries"`
	EPSSScores int       `json:"epssScores"`
	UpdatedAt  time.Time `json:"updatedAt,omitzero"`
}
