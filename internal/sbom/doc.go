// Package sbom reads software bills of materials into model.SBOM.
//
// # Formats
//
// The format is detected from the content, never from the file name (the
// name only labels errors). A gzip stream (magic bytes 1f 8b) is
// decompressed first. Then the first significant byte picks the syntax —
// '{' JSON, '<' XML, anything else text — and each known format's detector
// looks at what a cheap pre-scan found:
//
//   - CycloneDX JSON: a root object whose bomFormat is "CycloneDX" (or,
//     lacking bomFormat, whose $schema is a CycloneDX schema). Versions 1.2
//     to 1.7 are read; a newer 1.x is read leniently with a warning.
//   - CycloneDX XML: a root element <bom> in a CycloneDX namespace
//     (1.0 to 1.7; newer namespaces are read leniently with a warning).
//   - SPDX 2.2 and 2.3 in JSON (a root object with spdxVersion),
//     tag-value (an "SPDXVersion:" line) and YAML (a "spdxVersion:" key);
//     SPDX 3.0 JSON-LD (an @context naming spdx.org/rdf/3). SPDX 2.1 and
//     older, RDF/XML and XML are recognised and refused with an error
//     wrapping ErrUnsupported that names the format and version.
//
// Adding a format means writing a reader (detect and decode functions) in a
// file of its own and listing it in readers (read.go).
//
// # Decoding
//
// CycloneDX JSON takes a fast path: it is decoded with encoding/json into a
// projection holding only what rocca uses (bom-ref, type, group, name,
// version, purl, cpe, nested components, metadata.component and
// specVersion), which skips everything else without allocating it. XML is
// decoded into cyclonedx-go's BOM type. Nested components are flattened,
// parent first, into model.SBOM.Components; metadata.component becomes the
// Subject, and its own nested components are appended to Components unless
// a component with the same bom-ref is already listed. Values are kept as
// written (XML values are trimmed of surrounding white space); a component
// without a purl is kept, with an empty PURL.
//
// # SPDX
//
// SPDX 2 is decoded with github.com/spdx/tools-golang into its 2.3 model
// (spdx2.go); SPDX 3 JSON-LD with encoding/json (spdx3.go). Packages are
// the components (SPDX 3: software_Package, ai_AIPackage,
// dataset_DatasetPackage); files and snippets are not, being the contents
// of packages. Ref is the SPDX id; Supplier and Author come from the
// supplier and originator without their "Organization:"/"Person:" prefix
// (SPDX 3: the names of the suppliedBy and originatedBy agents); Hashes
// from the checksums (verifiedUsing); Licenses from the concluded then the
// declared licence, NOASSERTION and NONE left out (SPDX 3: the
// hasConcludedLicense and hasDeclaredLicense relationships); Type from the
// primary purpose (APPLICATION → application, OPERATING-SYSTEM →
// operating-system, ...; purposes CycloneDX has no word for, such as
// SOURCE, stay in lower case); PURL from the PACKAGE-MANAGER purl
// reference (SPDX 3: software_packageUrl or a packageUrl identifier) and
// CPE from the SECURITY cpe23Type reference (cpe23 identifier). Without a
// purl reference, one is derived from a maven-central, npm, nuget or bower
// reference, whose locator names the package exactly (PURLDerivedFrom
// "SPDX externalRef <type>").
//
// The subject is the package the document DESCRIBES (SPDX 3: the
// SpdxDocument's rootElement, through an Sbom, or its describes
// relationships); it is not repeated in Components. A document describing
// several packages has the document itself as subject, with an edge to
// each. Edges: DEPENDS_ON, CONTAINS, STATIC_LINK, DYNAMIC_LINK and
// HAS_PREREQUISITE go from A to B; DEPENDENCY_OF, CONTAINED_BY, the
// *_DEPENDENCY_OF types, OPTIONAL_COMPONENT_OF and PREREQUISITE_FOR from B
// to A (SPDX 3: dependsOn, contains, hasStaticLink, hasDynamicLink,
// hasPrerequisite, hasOptional/ProvidedDependency, hasOptionalComponent,
// from → to). Other relationship types make no edge. An edge to a file or
// snippet is dropped; one to another document or to an id no element has
// is dropped with a warning. Tool creators become Tools, Organization and
// Person creators Authors; documentNamespace (SPDX 3: the SpdxDocument's
// id) is the Serial.
//
// # Limits
//
// Read is meant for untrusted input. Limits bounds the document size
// (before and after gzip decompression, so a gzip bomb stops at
// MaxBytes), the nesting depth and the number of components. Depth is
// checked by one streaming pass over the bytes before any decoding; the
// same pass refuses XML documents holding a DOCTYPE or other DTD
// declaration. Errors are *Error values naming the document and, where
// known, the line, column, byte offset and field at fault.
package sbom
