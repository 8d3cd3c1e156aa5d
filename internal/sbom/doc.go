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
//   - SPDX JSON, SPDX 3 JSON-LD, tag-value, YAML, RDF/XML and XML are
//     recognised and refused with an error wrapping ErrUnsupported that
//     names the format and version, until their readers are written.
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
