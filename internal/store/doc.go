// Package store defines rocca's storage contract: the interfaces the domain
// packages use, implemented once over database/sql for SQLite (embedded
// default) and PostgreSQL in package sqlstore. Handlers and domain logic
// never see SQL.
package store
