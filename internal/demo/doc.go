// Package demo ships a small demonstration knowledge base (real, public
// advisories restated by the rocca project as OSV records, a KEV excerpt and
// EPSS scores) and an example SBOM, so that `rocca demo` shows a scan on a
// fresh machine without network or feeds.
package demo
