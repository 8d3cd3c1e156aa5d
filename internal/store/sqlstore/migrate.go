package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations
var migrationFS embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

// migrations lists the embedded migrations of a dialect in order.
func migrations(dialect string) ([]migration, error) {
	dir := path.Join("migrations", dialect)
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("migration %s: name must be NNNN_name.sql", e.Name())
		}
		body, err := fs.ReadFile(migrationFS, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", e.Name(), err)
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: expected version %d", m.name, i+1)
		}
	}
	return ms, nil
}

// MigrationReport tells what Migrate found and did.
type MigrationReport struct {
	// From is the schema version before, To after (the latest this rocca
	// knows when Migrate succeeds).
	From, To int
	// Applied lists the migration files applied, in order.
	Applied []string
}

// migrateLock is the PostgreSQL advisory lock key that serialises rocca
// processes migrating the same database at once.
const migrateLock = 0x726f636361 // "rocca"

// LatestSchemaVersion returns the schema version this rocca brings for the
// store's engine.
func (s *Store) LatestSchemaVersion() (int, error) {
	ms, err := migrations(s.d.name)
	if err != nil {
		return 0, err
	}
	return len(ms), nil
}

// Migrate applies the pending embedded migrations, each in its own
// transaction, and reports the versions before and after. A database of a
// newer rocca is refused. On PostgreSQL an advisory lock keeps two rocca
// processes from migrating at the same time.
func (s *Store) Migrate(ctx context.Context) (MigrationReport, error) {
	var rep MigrationReport
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return rep, fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()
	if s.d.dollar {
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrateLock); err != nil {
			return rep, fmt.Errorf("migrate: lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrateLock)
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
		return rep, fmt.Errorf("migrate: %w", err)
	}
	if rep.From, err = schemaVersion(ctx, conn); err != nil {
		return rep, err
	}
	rep.To = rep.From
	ms, err := migrations(s.d.name)
	if err != nil {
		return rep, err
	}
	if rep.From > len(ms) {
		return rep, fmt.Errorf("migrate: database schema version %d is newer than this rocca (%d); upgrade rocca", rep.From, len(ms))
	}
	for _, m := range ms[rep.From:] {
		if err := s.apply(ctx, conn, m); err != nil {
			return rep, err
		}
		rep.To = m.version
		rep.Applied = append(rep.Applied, m.name)
	}
	return rep, nil
}

// apply runs one migration and records its version in one transaction.
func (s *Store) apply(ctx context.Context, conn *sql.Conn, m migration) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", m.name, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("migrate %s: %w", m.name, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM schema_version`); err != nil {
		return fmt.Errorf("migrate %s: %w", m.name, err)
	}
	if _, err := tx.ExecContext(ctx, s.d.rebind(`INSERT INTO schema_version (version) VALUES (?)`), m.version); err != nil {
		return fmt.Errorf("migrate %s: %w", m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate %s: %w", m.name, err)
	}
	return nil
}

// SchemaVersion returns the applied schema version (0 for a new database).
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, s.d.tableExists, "schema_version").Scan(&n); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	if n == 0 {
		return 0, nil
	}
	return schemaVersion(ctx, s.db)
}

func schemaVersion(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (int, error) {
	var v int
	err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return v, nil
}
