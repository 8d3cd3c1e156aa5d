// Package findings owns the findings of product versions: their state
// machine, their reconciliation with the latest match of a version's
// components, and the events that record every change.
//
// A finding is one component (by its key: purl, else name@version) of a
// version × one vulnerability (alias group, by its preferred id). Its
// state is open or resolved; a resolved finding that matches again is
// reopened (event new, detail "reopened: matches again"; the events'
// details are worded in history.go and read back by ParseEventDetail).
// Triage states are recorded beside the state by the triage use cases,
// not here.
//
// Callers: the SBOM upload (portfolio), which reconciles a version inside
// its ingest transaction, and the watch (Rematch), which re-matches the
// versions containing packages whose knowledge-base entries changed.
//
// Data flows one way: knowledge base → match → findings → events (the
// outbox) → notifications. Events are written in the same transaction as
// the change they describe.
package findings
