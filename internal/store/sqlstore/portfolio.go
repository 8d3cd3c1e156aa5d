package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/uid"
)

// The portfolio tables (migration 0002) are tenant tables: every query of
// this file and of the other portfolio*.go files filters by org_id, which
// each method takes as a required argument. SQL here is portable between
// SQLite and PostgreSQL: ? placeholders rebound by the dialect, TEXT ids
// and timestamps, ON CONFLICT upserts.

var (
	_ store.Portfolio = (*Store)(nil)
	_ store.Tenants   = (*Store)(nil)
)

// stampLayout writes UTC timestamps with a fixed width so that they sort
// as text the way they sort as times; parseTime reads them back.
const stampLayout = "2006-01-02T15:04:05.000000Z"

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(stampLayout)
}

// now is the current time at the precision the database keeps.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// isUniqueViolation recognises a unique-constraint error of either engine
// without importing the drivers' error types.
func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505")
}

// isForeignKeyViolation recognises a foreign-key error of either engine.
// The portfolio tables reference their parents through (org_id, id), so
// a violation means the parent is not the organisation's.
func isForeignKeyViolation(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "FOREIGN KEY constraint failed") || strings.Contains(msg, "SQLSTATE 23503")
}

// notFound maps sql.ErrNoRows to store.ErrNotFound and wraps other errors.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	return fmt.Errorf("store: %s: %w", what, err)
}

func newID(id *string) {
	if *id == "" {
		*id = uid.New()
	}
}

// queryer is what *sql.DB and *sql.Tx share.
type queryer interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// Ready reports whether the database answers and carries every migration
// this rocca knows.
func (s *Store) Ready(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	v, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	ms, err := migrations(s.d.name)
	if err != nil {
		return err
	}
	if v != len(ms) {
		return fmt.Errorf("store: schema version %d, this rocca needs %d", v, len(ms))
	}
	return nil
}
