// Package feeds keeps the knowledge base up to date from the public
// vulnerability feeds: OSV's per-ecosystem all.zip files, the CISA KEV
// catalogue, the EU KEV list, EUVD's exploited dump and CVE↔EUVD id
// mapping, and FIRST's EPSS scores.
//
// Each source is downloaded with a conditional request (ETag,
// Last-Modified) to a temporary file, checked (size cap, Content-Length,
// the whole zip, gzip, JSON or CSV read through) and imported through
// internal/kb in one transaction that also records the source's state
// (store.Feeds): a failed or partial download never changes the knowledge
// base, and every process sharing the database sees each source's last
// success, last error and age. A lease in the same table keeps two
// processes from downloading one source at once.
package feeds
