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
// # CycloneDX decoding
//
// CycloneDX JSON takes a fast path: it is decoded with encoding/json into a
// projection holding only what the model uses (cyclonedx_json.go), which
// skips descriptions, external references, properties, evidence and the
// rest without allocating them. XML is decoded into cyclonedx-go's BOM
// type, which handles the differences between the XML schemas. Nested
// components are flattened, parent first, into model.SBOM.Components;
// metadata.component becomes the Subject, and its own nested components
// are appended to Components unless a component with the same bom-ref is
// already listed. Identifying values (bom-ref, name, version, group, purl,
// cpe, type) are kept as written, XML values trimmed of surrounding white
// space; a component without a purl is kept, with an empty PURL unless
// one is derived (below).
//
// The JSON path is lenient where the model is not at stake: a value of the
// wrong JSON type in supplier, author(s), manufacturer, scope, hashes,
// licenses, swid, tools, timestamp, serialNumber or dependencies is dropped
// with a warning naming its line, column and field. The same fault in an
// identifying field rejects the document.
//
// # CycloneDX fields
//
// Each component gives: Supplier from supplier.name; Author from the
// author string (1.2–1.5, deprecated in 1.6), else the names of 1.6's
// authors joined with ", " (a contact renders as "Name <email>", or
// whichever is given), else manufacturer.name (1.6: who made it);
// publisher is not used, as it names who published the component, not who
// made it. Hashes keep alg and content; Licenses hold, per licence
// choice, the SPDX expression, else the licence id, else its name
// (repeats dropped); Scope and Type as written.
//
// The document gives: Serial from serialNumber; Created from
// metadata.timestamp (RFC 3339; a time without a zone is taken as UTC, an
// unreadable one is a warning); Authors from metadata.authors (contacts as
// above); Tools from metadata.tools in either shape — the 1.2–1.4 array of
// {vendor, name, version} or the 1.5+ object of components and services
// (their group in place of the vendor) — each as "vendor name version"
// with missing parts left out. metadata.supplier and metadata.manufacturer
// (1.2–1.5: manufacture) describe the subject: they fill its Supplier and
// Author when it names none itself.
//
// # CycloneDX dependencies
//
// model.SBOM.Dependencies holds one entry per ref: first the document's
// dependencies entries (ref → dependsOn) in document order, then the
// nesting — a component nested in another (or in metadata.component) is
// an edge from parent to child, for components that have a bom-ref. A
// repeated entry for a ref is merged into the first, a ref repeated in an
// entry and a nesting edge already declared are dropped, entries without
// a ref are ignored with a warning, and an entry that lists nothing is
// kept ("depends on nothing" is information). Refs are not checked to
// resolve (strict validation does that); 1.5's provides is not read. The
// graph's roots, depths and paths are model.SBOM.Graph's business.
//
// # CycloneDX purl derivation
//
// A component without a purl gets one, with PURLDerivedFrom saying from
// what, only from evidence that names it exactly: a bom-ref that is a
// valid purl with the component's name (or namespace/name), version and
// group ("CycloneDX bom-ref"), else a SWID tag with tagId and name, as
// pkg:swid/name@version?tag_id=tagId ("CycloneDX swid"). A CPE alone is
// not used: vendor and product do not tell the package ecosystem.
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
// MaxBytes), the nesting depth, the number of components and the size of
// the dependency graph (entries plus the refs they list, nesting
// included: MaxDependencies). Depth is
// checked by one streaming pass over the bytes before any decoding; the
// same pass refuses XML documents holding a DOCTYPE or other DTD
// declaration. Errors are *Error values naming the document and, where
// known, the line, column, byte offset and field at fault.
package sbom
