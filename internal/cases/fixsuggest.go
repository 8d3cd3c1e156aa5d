package cases

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/reporting"
)

// DateSourceEUKEV names where a suggested fix date comes from: the EU KEV
// list's patchedSince of one of the case's CVEs.
const DateSourceEUKEV = "eu_kev_patched_since"

// ComponentFix is one affected component of a case with the versions that
// fix the case's vulnerability in it, as the knowledge base knows them.
type ComponentFix struct {
	// Component is the component's name (group/name when it has a group).
	Component string `json:"component"`
	// Version is the component version the case's versions contain.
	Version string `json:"version,omitempty"`
	// FixedVersions are the advisories' fixed versions relevant to
	// Version, lowest first; empty when none is known.
	FixedVersions []string `json:"fixedVersions"`
}

// FixSuggestion is rocca's suggestion for a case's fix (the corrective or
// mitigating measure the AEV final report runs from): what the knowledge
// base knows, for a person to check and record. It is never recorded by
// itself and changes no deadline.
type FixSuggestion struct {
	// Details is the text suggested for the fix's details (English, as
	// the SRP is).
	Details string `json:"details"`
	// AvailableAt is the suggested date the fix became available; zero
	// when the knowledge base does not know it.
	AvailableAt time.Time `json:"availableAt,omitzero"`
	// Basis says in English where the suggestion comes from.
	Basis string `json:"basis"`
	// DateSource is DateSourceEUKEV when AvailableAt is set, and DateCVE
	// the CVE whose entry gave it.
	DateSource string `json:"dateSource,omitempty"`
	DateCVE    string `json:"dateCve,omitempty"`
	// Advisories are the knowledge-base records the fixed versions come
	// from.
	Advisories []string       `json:"advisories"`
	Components []ComponentFix `json:"components"`
}

// SuggestFix returns rocca's suggestion for a vulnerability case's fix:
// for each affected component, the fixed versions the knowledge base's
// advisories give (OSV "fixed" events relevant to the component's
// version), and the date a fix became available when the knowledge base
// knows it: the EU KEV list's patchedSince of one of the case's CVEs (the
// earliest, as a conservative final-report deadline runs from it),
// unless it lies in the future. OSV records carry no date of their fixed
// events (an advisory's published and modified dates are the record's),
// so without EU KEV the date is left to the person. It returns nil when no
// fixed version is known, and for a severe incident.
func (s *Service) SuggestFix(ctx context.Context, org, id string) (*FixSuggestion, error) {
	c, err := s.store.Case(ctx, org, id)
	if err != nil {
		return nil, err
	}
	if c.Kind != string(reporting.KindAEV) {
		return nil, nil
	}
	cands, err := s.Findings(ctx, org, id)
	if err != nil {
		return nil, err
	}
	sug := &FixSuggestion{Advisories: []string{}, Components: []ComponentFix{}}
	known := false
	for _, cd := range cands {
		f := cd.Finding
		name := f.Component.Name
		if f.Component.Group != "" {
			name = f.Component.Group + "/" + name
		}
		if name == "" {
			name = f.ComponentKey
		}
		i := slices.IndexFunc(sug.Components, func(cf ComponentFix) bool {
			return cf.Component == name && cf.Version == f.Component.Version
		})
		if i < 0 {
			i = len(sug.Components)
			sug.Components = append(sug.Components, ComponentFix{Component: name, Version: f.Component.Version, FixedVersions: []string{}})
		}
		cf := &sug.Components[i]
		for _, fv := range f.FixedVersions {
			if !slices.Contains(cf.FixedVersions, fv) {
				cf.FixedVersions = append(cf.FixedVersions, fv)
			}
		}
		if len(f.FixedVersions) > 0 {
			known = true
			for _, a := range f.Advisories {
				if !slices.Contains(sug.Advisories, a) {
					sug.Advisories = append(sug.Advisories, a)
				}
			}
		}
	}
	if !known {
		return nil, nil
	}
	slices.Sort(sug.Advisories)
	var parts []string
	for _, cf := range sug.Components {
		n := strings.TrimSpace(cf.Component + " " + cf.Version)
		if len(cf.FixedVersions) == 0 {
			parts = append(parts, n+": no fixed version known")
			continue
		}
		parts = append(parts, n+": fixed in "+strings.Join(cf.FixedVersions, ", "))
	}
	// The limit of the fix's details (SRP field v23).
	sug.Details = truncate(strings.Join(parts, "; ")+".", 2000)
	// The date: EU KEV's patchedSince of one of the case's CVEs, the
	// earliest that is not in the future.
	listed, err := s.store.Exploitations(ctx, cveIDs(c))
	if err != nil {
		return nil, err
	}
	now := s.Now()
	for _, e := range listed {
		t := e.PatchedSince
		if e.Source != model.ExploitedEUKEV || t.IsZero() || t.After(now) {
			continue
		}
		if sug.AvailableAt.IsZero() || t.Before(sug.AvailableAt) || (t.Equal(sug.AvailableAt) && e.CVE < sug.DateCVE) {
			sug.AvailableAt, sug.DateCVE = t.UTC(), e.CVE
		}
	}
	sug.Basis = "Fixed versions from the knowledge base's advisories " + strings.Join(sug.Advisories, ", ") + "; "
	if sug.AvailableAt.IsZero() {
		sug.Basis += "date unknown: enter when the fix was released."
	} else {
		sug.DateSource = DateSourceEUKEV
		sug.Basis += "date from the EU KEV list's patchedSince of " + sug.DateCVE + " (" + sug.AvailableAt.Format(time.DateOnly) + ")."
	}
	return sug, nil
}
