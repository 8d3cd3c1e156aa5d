// Package reporting holds the CRA Art. 14 reporting rules that need no
// storage: the deadlines of each stage from the awareness time (the
// conservative one and, for information, the later legal one under
// Regulation (EEC, Euratom) No 1182/71), the reminder schedule at
// configurable lead times, and (package srp) the Single Reporting
// Platform's field matrix and drafts. docs/reporting.md explains the rules.
//
// Every function takes its times as arguments: the clock is the caller's.
package reporting
