// Package scan runs one scan of an SBOM: read it, match its components,
// apply VEX statements, order the findings, and decide whether they break
// the caller's policy (--fail-on).
package scan
