// Package match finds, for every component of an SBOM, the vulnerabilities
// of the knowledge base that affect it.
//
// A scan first resolves each component's Package URL to OSV coordinates,
// then loads only the affected-package rows of the packages present into a
// compact in-memory Index (one indexed query per few hundred packages, never
// a scan of the knowledge base), evaluates the OSV ranges per component, and
// finally merges advisories that are aliases of each other into one finding.
package match
