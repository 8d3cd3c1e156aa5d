package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver

	"github.com/rocca-project/rocca/internal/redact"
)

// Store is rocca's database: the knowledge base and the portfolio.
type Store struct {
	db *sql.DB
	// rdb, on a SQLite file, is a pool of read-only connections for the
	// knowledge-base reads of a scan (see reader); nil otherwise.
	rdb *sql.DB
	d   dialect
	// path is the SQLite file ("" on PostgreSQL and for :memory:).
	path string
}

// IsPostgres reports whether dbURL names a PostgreSQL database.
func IsPostgres(dbURL string) bool {
	return strings.HasPrefix(dbURL, "postgres://") || strings.HasPrefix(dbURL, "postgresql://")
}

// Open opens (creating when needed) the database at dbURL and applies the
// pending migrations. dbURL is a file path, a "file:" URI or "sqlite://"
// URL for SQLite, or a "postgres://" (or "postgresql://") URL.
func Open(ctx context.Context, dbURL string) (*Store, error) {
	s, err := OpenNoMigrate(ctx, dbURL)
	if err != nil {
		return nil, err
	}
	if _, err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, redact.Error(fmt.Errorf("open database %s: %w", s.describe(dbURL), err), dbURL)
	}
	return s, nil
}

// OpenNoMigrate opens the database at dbURL like Open but applies no
// migration: for commands that report or copy the database as it is.
func OpenNoMigrate(ctx context.Context, dbURL string) (*Store, error) {
	var s *Store
	var err error
	if IsPostgres(dbURL) {
		s, err = openPostgres(ctx, dbURL)
	} else {
		s, err = openSQLite(dbURL)
	}
	// Drivers and the file system repeat the connection string or path.
	return s, redact.Error(err, dbURL)
}

func openSQLite(dbURL string) (*Store, error) {
	path := SQLitePath(dbURL)
	if path == "" {
		return nil, fmt.Errorf("open database: empty path")
	}
	if path != ":memory:" {
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, fmt.Errorf("open database %s: %w", path, err)
		}
		if err := createPrivate(path); err != nil {
			return nil, fmt.Errorf("open database %s: %w", path, err)
		}
	}
	// busy_timeout first so that the following pragmas wait for locks.
	// temp_store(MEMORY): statement journals (every page a multi-row
	// INSERT changes, kept until the statement ends) stay in memory rather
	// than in a temporary file. busy_timeout(60000): a command-line import
	// beside a running server holds the write lock for seconds.
	dsn := "file:" + path + "?_pragma=busy_timeout(60000)&_pragma=journal_mode(WAL)" +
		"&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)&_pragma=temp_store(MEMORY)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	// One connection: SQLite has one writer, and a single connection keeps
	// an in-memory database alive and avoids SQLITE_BUSY between our own
	// connections.
	db.SetMaxOpenConns(1)
	s := &Store{db: db, d: sqliteDialect}
	if path != ":memory:" {
		s.path = path
		// Readers beside the writer: in WAL mode they neither block it nor
		// wait for it, and a scan loads on every CPU through them.
		rdb, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=query_only(1)")
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("open database %s: %w", path, err)
		}
		rdb.SetMaxOpenConns(readConns)
		rdb.SetMaxIdleConns(readConns)
		s.rdb = rdb
	}
	return s, nil
}

// createPrivate creates the database file, empty, readable and writable by
// its owner only (0600, as backups are), unless it exists. SQLite would
// create it 0644 less the umask, and it gives the -wal and -shm files it
// makes beside the database the database file's mode, so all three stay
// private. An existing file keeps the mode its owner gave it.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return f.Close()
}

// readConns bounds the read-only SQLite connections of a store.
const readConns = 4

func openPostgres(ctx context.Context, dbURL string) (*Store, error) {
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", redact.DatabaseURL(dbURL), redact.Error(err, dbURL))
	}
	// A bounded pool: ingestion transactions, API reads and the upload
	// workers share it.
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(4)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", redact.DatabaseURL(dbURL), redact.Error(err, dbURL))
	}
	return &Store{db: db, d: postgresDialect}, nil
}

// SQLitePath returns the file a SQLite database URL names.
func SQLitePath(dbURL string) string {
	path := strings.TrimPrefix(strings.TrimPrefix(dbURL, "sqlite://"), "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	return path
}

// Close closes the database.
func (s *Store) Close() error {
	if s.rdb != nil {
		s.rdb.Close()
	}
	return s.db.Close()
}

// Engine names the SQL engine in use: "sqlite" or "postgres".
func (s *Store) Engine() string { return s.d.name }

func (s *Store) describe(dbURL string) string {
	if s.d.dollar {
		return redact.DatabaseURL(dbURL)
	}
	return redact.DatabaseURL(SQLitePath(dbURL))
}

// DB returns the store's database handle (on SQLite, its one writing
// connection), for the job engine, which keeps its own tables in the same
// database and inserts jobs in the store's transactions.
func (s *Store) DB() *sql.DB { return s.db }
