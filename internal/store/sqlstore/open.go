package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Store is rocca's database: the knowledge base today, the portfolio later.
type Store struct {
	db *sql.DB
	d  dialect
}

// Open opens (creating when needed) the database at dbURL and applies the
// pending migrations. dbURL is a file path, a "file:" URI or "sqlite://"
// URL for SQLite; "postgres://" URLs are reserved for the PostgreSQL engine.
func Open(ctx context.Context, dbURL string) (*Store, error) {
	switch {
	case strings.HasPrefix(dbURL, "postgres://"), strings.HasPrefix(dbURL, "postgresql://"):
		return nil, fmt.Errorf("open %s: the PostgreSQL engine is not available in this build yet; use a SQLite file path", redact(dbURL))
	}
	path := strings.TrimPrefix(strings.TrimPrefix(dbURL, "sqlite://"), "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if path == "" {
		return nil, fmt.Errorf("open database: empty path")
	}
	if path != ":memory:" {
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, fmt.Errorf("open database %s: %w", path, err)
		}
	}
	// busy_timeout first so that the following pragmas wait for locks.
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
		"&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	// One connection: SQLite has one writer, and a single connection keeps
	// an in-memory database alive and avoids SQLITE_BUSY between our own
	// connections.
	db.SetMaxOpenConns(1)
	s := &Store{db: db, d: sqliteDialect}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Engine names the SQL engine in use.
func (s *Store) Engine() string { return s.d.name }

func redact(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "postgres://…"
	}
	return p.Redacted()
}
