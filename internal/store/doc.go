// Package store defines rocca's storage contract: the interfaces the domain
// packages use, implemented once over database/sql for SQLite (embedded
// default) and PostgreSQL in package sqlstore. Handlers and domain logic
// never see SQL, and handlers and CLI commands never see this package's
// interfaces either: they call the use cases (portfolio, findings, notify,
// feeds), which are the only callers of the store.
//
// The contract is split by concern, one file each, so that a consumer
// names only what it uses:
//
//   - KnowledgeBase and ImportTx (kb.go): advisories, KEV, EPSS, the
//     change log; Feeds (feeds.go): feed sources' state.
//   - Tenants and Keys (keys.go): organisations, API keys and their
//     authentication.
//   - Catalogue (catalogue.go): an organisation's products and versions.
//   - SBOMs (sboms.go): stored SBOMs, their components and graphs.
//   - FindingsReader (findings.go): findings pages and finding events.
//   - UploadTokens (uploadtokens.go): the state of queued uploads.
//   - Ingester and IngestTx (ingest.go): the one write transaction of an
//     ingestion or a re-match (SBOM, components, findings, events, outbox).
//
// Portfolio (portfolio.go) composes the tenant-scoped parts; sqlstore.Store
// satisfies all of them.
package store
