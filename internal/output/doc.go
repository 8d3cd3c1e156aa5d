// Package output renders a scan result (model.ScanResult) for people and
// for other tools:
//
//   - table: a report for an 80–120 column terminal, grouped by component,
//     with a summary header and the components that could not be checked;
//   - json: the result itself, indented, with empty lists written as [];
//   - sarif: a SARIF 2.1.0 log for code-scanning services such as GitHub's,
//     one rule per vulnerability and one result per finding;
//   - cyclonedx: a CycloneDX 1.6 vulnerability disclosure report (VDR) that
//     points back into the scanned SBOM through its own bom-refs.
//
// Every format is deterministic: the same result always renders to the same
// bytes, which the golden files in testdata pin down.
package output
