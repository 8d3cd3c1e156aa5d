// Package portfolio is the service layer of an organisation's product
// portfolio: it ingests SBOMs into product versions (parse, store, match
// against the knowledge base, reconcile the version's findings, all writes
// in one transaction), processes uploads asynchronously behind tokens,
// answers the questions the API asks (dependency paths) and manages API
// keys. Handlers call this package; only package store sees SQL.
package portfolio
