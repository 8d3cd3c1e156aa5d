// Package osv reads vulnerability records in the OSV schema
// (https://ossf.github.io/osv-schema/) and evaluates their affected ranges.
//
// Parsing is strict about what matching depends on (ids, ecosystems, range
// events) and lenient about everything else: unknown fields are ignored, as
// the schema asks of consumers, so newer records still import.
package osv
