package model

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
	// Warnings are non-fatal problems found while reading.
	Warnings []string `json:"warnings,omitempty"`
}
