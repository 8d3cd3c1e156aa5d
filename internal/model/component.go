package model

import "time"

// Component is one entry of an SBOM, reduced to what identifies it.
type Component struct {
	// Ref is the SBOM's own identifier for the entry (CycloneDX bom-ref,
	// SPDX id). It is kept so that outputs can point back into the input.
	Ref string `json:"ref,omitempty"`
	// Name and Version as written in the SBOM.
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
	// Group is the CycloneDX group (Maven groupId, npm scope...), if any.
	Group string `json:"group,omitempty"`
	// PURL is the Package URL as found in the SBOM (not canonicalised).
	PURL string `json:"purl,omitempty"`
	// CPE is a CPE 2.3 name when the SBOM carries one.
	CPE string `json:"cpe,omitempty"`
	// Type is the component type (library, application, firmware, ...).
	Type string `json:"type,omitempty"`
	// PURLDerivedFrom says where a purl the SBOM did not carry as such was
	// derived from (e.g. "SPDX externalRef", "CycloneDX cpe"); empty when
	// the purl is the document's own.
	PURLDerivedFrom string `json:"purlDerivedFrom,omitempty"`
	// Supplier and Author name the organisation or person that supplied or
	// wrote the component, as the SBOM states them.
	Supplier string `json:"supplier,omitempty"`
	Author   string `json:"author,omitempty"`
	// Hashes are the component's digests.
	Hashes []Hash `json:"hashes,omitempty"`
	// Licenses are SPDX licence expressions (or licence names when the
	// SBOM gives no expression), declared or concluded.
	Licenses []string `json:"licenses,omitempty"`
	// Scope is the CycloneDX scope (required, optional, excluded).
	Scope string `json:"scope,omitempty"`
}

// Hash is a digest of a component: algorithm as the SBOM names it
// (SHA-256, SHA-1...) and the hex value.
type Hash struct {
	Alg   string `json:"alg"`
	Value string `json:"value"`
}

// Key returns a display label for the component: its purl when present,
// otherwise name@version.
func (c Component) Key() string {
	if c.PURL != "" {
		return c.PURL
	}
	if c.Version == "" {
		return c.Name
	}
	return c.Name + "@" + c.Version
}

// Dependency is one node of the dependency graph: a component Ref and the
// Refs it directly depends on.
type Dependency struct {
	Ref       string   `json:"ref"`
	DependsOn []string `json:"dependsOn"`
}

// SBOM is a parsed bill of materials: where it came from and its components.
type SBOM struct {
	// Format is the document format, e.g. "CycloneDX" or "SPDX".
	Format string `json:"format"`
	// SpecVersion is the format's version as declared in the document.
	SpecVersion string `json:"specVersion,omitempty"`
	// Encoding is "json", "xml", "tag-value"...
	Encoding string `json:"encoding,omitempty"`
	// Subject is the product the SBOM describes (metadata.component).
	Subject *Component `json:"subject,omitempty"`
	// Components lists every component, nested ones flattened.
	Components []Component `json:"components"`
	// Dependencies is the dependency graph by component Ref: each entry
	// lists what one component (or the Subject) directly depends on.
	// CycloneDX dependencies, nesting and SPDX relationships all land here.
	Dependencies []Dependency `json:"dependencies,omitempty"`
	// Tools names the tools that produced the document ("name version").
	Tools []string `json:"tools,omitempty"`
	// Authors names the document's creators (persons, organisations).
	Authors []string `json:"authors,omitempty"`
	// Created is the document's creation time, zero when absent.
	Created time.Time `json:"created,omitzero"`
	// Serial is the document's identity (CycloneDX serialNumber, SPDX
	// documentNamespace).
	Serial string `json:"serial,omitempty"`
	// Warnings are non-fatal problems found while reading.
	Warnings []string `json:"warnings,omitempty"`
}
