// Package vex reads VEX (Vulnerability Exploitability eXchange) documents
// and applies their statements to findings.
//
// Two formats are read, detected from the content: OpenVEX (v0.2.0, and
// the v0.0.1 shapes) and CycloneDX VEX, that is a CycloneDX BOM, JSON or
// XML, whose vulnerabilities carry an analysis. Each OpenVEX statement, and
// each analysed CycloneDX vulnerability, becomes a Statement.
//
// OpenVEX: the vulnerability's name (or @id) and aliases are kept; the
// products are every product's @id, identifiers.purl, identifiers.cpe23 and
// identifiers.cpe22, and those of its subcomponents: a statement about a
// product's subcomponent thus applies to the findings on that subcomponent.
// The justification is kept, or else the impact statement. A statement's
// timestamp is its last_updated, else its timestamp, else the document's.
//
// CycloneDX: the vulnerability id is kept and references[].id become
// aliases; analysis.state maps to a status (not_affected and false_positive
// to not_affected, resolved and resolved_with_pedigree to fixed,
// exploitable to affected, in_triage to under_investigation); the products
// are the affects[].ref, a BOM-Link reduced to its bom-ref. Targets
// restricted to versions (affects[].versions) are not applied yet. The
// justification is analysis.justification, else "false_positive" for that
// state, else analysis.detail; the timestamp is analysis.lastUpdated, else
// analysis.firstIssued.
//
// Apply documents how statements are matched to findings and which
// statement wins when several cover one finding.
package vex
