// Package sqlstore implements the store contract over database/sql. SQLite
// (modernc.org/sqlite, pure Go) is the embedded default; PostgreSQL is used
// through pgx's database/sql driver. The SQL is written once, with the few
// dialect differences kept in dialect.go, and the migrations come in twins
// (migrations/sqlite, migrations/postgres) with the same version numbers.
package sqlstore
