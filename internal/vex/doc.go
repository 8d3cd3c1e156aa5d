// Package vex reads, matches and writes VEX (Vulnerability Exploitability
// eXchange) documents.
//
// Three formats are read, detected from the content (ReadDocument): OpenVEX
// (v0.2.0, and the v0.0.1 shapes), CycloneDX VEX (a CycloneDX BOM, JSON or
// XML, whose vulnerabilities carry an analysis) and CSAF 2.0 (product
// statuses of a product tree; the VEX profile csaf_vex is the one meant for
// it). Each becomes a list of neutral Statements: vulnerability and aliases,
// products (purl, CPE, name and version, document-local id,
// subcomponents), status, CISA justification, impact and action
// statements, CycloneDX responses, detail, time and author. Input is
// bounded (MaxBytes, MaxDepth) and errors are located in the document
// ("statements[3].products[0]: …", "vulnerabilities[2].product_status…").
//
// Match pairs statements with the findings of a version (Target) and
// reports every statement it cannot apply, with the reason, and whether
// the document is about other products altogether (MatchResult.Err,
// ErrForeignDocument). Apply is Match for rocca scan: it sets the findings'
// status and analysis in place.
//
// Write (WriteOpenVEX, WriteCycloneDX, WriteCSAF) writes statements about
// the components of a product as OpenVEX 0.2.0, CycloneDX 1.6 VEX or a
// CSAF 2.0 document of the VEX profile; FromFinding makes the statement of
// a finding. docs/vex.md describes the mappings and what each format
// cannot carry.
package vex
