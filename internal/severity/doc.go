// Package severity derives a vulnerability's severity from an OSV record:
// from its CVSS vectors when it has any, otherwise from the severity word its
// database_specific or ecosystem_specific fields carry. The result always
// names its source, so a reader knows whether a score was computed or copied.
package severity
