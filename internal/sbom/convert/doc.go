// Package convert writes rocca's component model (model.SBOM) as a
// CycloneDX 1.6 JSON document, whatever format the SBOM was read from.
//
// The output is meant to conform to CycloneDX 1.6 in full (the tests check
// it with rocca's strict validator), so values the model holds that the
// specification does not accept are normalised or left out:
//
//   - bom-refs: each component keeps its reference from the source document
//     (SPDX id, bom-ref); a component without one, or whose reference was
//     already used, gets one made from its purl or name. Dependency edges
//     follow the renaming; edges naming a component the document does not
//     hold are dropped.
//   - types: a type CycloneDX 1.6 does not define becomes "library" (the
//     SPDX purpose "operating-system" becomes "operating-system", which is
//     CycloneDX's own word for it).
//   - hashes: algorithm names are mapped to CycloneDX's (SHA256, sha-256 →
//     SHA-256); a hash of an unknown algorithm, or whose value is not hex
//     of the algorithm's length, is left out.
//   - licences: one valid SPDX expression becomes an expression; SPDX ids
//     become license ids; anything else becomes a license name. When both
//     kinds occur, they are joined with AND into one expression if every
//     part is valid, else all become names.
//   - provenance: a purl the reader derived (model.Component.PURLDerivedFrom)
//     is marked with the property rocca:purl:derived-from; the source
//     format is recorded in metadata property rocca:sbom:source-format.
//
// The serial number is the source's when it is a urn:uuid, else a
// name-based UUID of the source's serial (or of the subject), so converting
// the same document twice gives the same output.
package convert
