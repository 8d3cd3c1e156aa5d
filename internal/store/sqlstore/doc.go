// Package sqlstore implements the store contract over database/sql. SQLite
// (modernc.org/sqlite, pure Go) is the embedded default; the SQL is written
// once, with the few dialect differences kept in dialect.go, so that the
// PostgreSQL engine can share it.
package sqlstore
