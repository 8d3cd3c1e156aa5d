// Package kb maintains rocca's vulnerability knowledge base: it imports OSV
// records (per-ecosystem all.zip files and directories of JSON), the CISA
// KEV catalogue and FIRST EPSS scores, and groups advisories that describe
// the same vulnerability under different ids.
package kb
