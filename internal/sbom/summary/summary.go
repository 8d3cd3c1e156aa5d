// Package summary describes what an SBOM holds: its producer, its
// components counted by ecosystem and type, how many are identified, and
// the ones that are not, each with the reason. It is what
// `rocca sbom inspect` prints.
package summary

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/purl"
)

// Summary describes one SBOM.
type Summary struct {
	Format      string    `json:"format"`
	SpecVersion string    `json:"specVersion,omitempty"`
	Encoding    string    `json:"encoding,omitempty"`
	Tools       []string  `json:"tools,omitempty"`
	Authors     []string  `json:"authors,omitempty"`
	Created     time.Time `json:"created,omitzero"`
	Serial      string    `json:"serial,omitempty"`
	// Subject is the product the SBOM describes, as purl or name@version.
	Subject string `json:"subject,omitempty"`

	Components int `json:"components"`
	// Identified counts the components with a valid purl (their own or
	// derived); Derived counts those whose purl rocca derived.
	Identified int `json:"identified"`
	Derived    int `json:"derived"`
	// Edges counts dependency edges; Direct the components the subject
	// depends on directly.
	Edges  int `json:"edges"`
	Direct int `json:"direct"`

	// ByEcosystem counts components by purl type ("npm", "maven"...;
	// "(none)" for those without a valid purl); ByType by component type.
	ByEcosystem []Count `json:"byEcosystem"`
	ByType      []Count `json:"byType"`

	Unidentified []Unidentified `json:"unidentified"`
	Warnings     []string       `json:"warnings"`
}

// Count is a label and how many components carry it.
type Count struct {
	Label string `json:"label"`
	N     int    `json:"n"`
}

// Unidentified is a component without a usable purl and why.
type Unidentified struct {
	Ref     string `json:"ref,omitempty"`
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
	Reason  string `json:"reason"`
}

// Of summarises s.
func Of(s *model.SBOM) Summary {
	sum := Summary{
		Format: s.Format, SpecVersion: s.SpecVersion, Encoding: s.Encoding,
		Tools: s.Tools, Authors: s.Authors, Created: s.Created, Serial: s.Serial,
		Components: len(s.Components), Warnings: s.Warnings,
		Unidentified: []Unidentified{},
	}
	if sum.Warnings == nil {
		sum.Warnings = []string{}
	}
	if s.Subject != nil {
		sum.Subject = s.Subject.Key()
	}
	eco, typ := map[string]int{}, map[string]int{}
	for _, c := range s.Components {
		t := c.Type
		if t == "" {
			t = "(none)"
		}
		typ[t]++
		p, reason := identify(c)
		if reason != "" {
			eco["(none)"]++
			sum.Unidentified = append(sum.Unidentified, Unidentified{Ref: c.Ref, Name: c.Name, Version: c.Version, Reason: reason})
			continue
		}
		eco[p]++
		sum.Identified++
		if c.PURLDerivedFrom != "" {
			sum.Derived++
		}
	}
	sum.ByEcosystem, sum.ByType = counts(eco), counts(typ)
	for _, d := range s.Dependencies {
		sum.Edges += len(d.DependsOn)
		if s.Subject != nil && s.Subject.Ref != "" && d.Ref == s.Subject.Ref {
			sum.Direct += len(d.DependsOn)
		}
	}
	return sum
}

// identify returns the purl type of c, or why c has no usable purl.
func identify(c model.Component) (typ, reason string) {
	if c.PURL == "" {
		if c.CPE != "" {
			return "", "no purl (only a CPE: " + c.CPE + ")"
		}
		return "", "no purl or CPE"
	}
	p, err := purl.Parse(c.PURL)
	if err != nil {
		return "", fmt.Sprintf("invalid purl %q: %v", c.PURL, err)
	}
	return p.Type, ""
}

func counts(m map[string]int) []Count {
	out := make([]Count, 0, len(m))
	for k, n := range m {
		out = append(out, Count{k, n})
	}
	slices.SortFunc(out, func(a, b Count) int {
		return cmp.Or(cmp.Compare(b.N, a.N), strings.Compare(a.Label, b.Label))
	})
	return out
}
