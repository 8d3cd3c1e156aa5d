// Package strict checks that an SBOM document conforms to its
// specification version: types, required fields, enumerations, formats,
// unknown fields where the specification forbids them, and unique,
// resolvable references.
//
// The rules are rocca's own code, written from the CycloneDX and SPDX
// specifications; the published schema files are used only by tests, to
// cross-check. Validators report every problem they find as an Issue that
// names its place: a JSON pointer (RFC 6901) for JSON documents, a line
// (and the element path) for XML.
//
// Validators take the document's bytes after gzip decompression and after
// the structural pre-scan of package sbom (size and depth limits, DTDs
// refused), so they may assume bounded input. They never panic on
// malformed input: a document that cannot be parsed at all yields a single
// Issue saying where.
package strict
