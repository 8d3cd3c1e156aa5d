package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrBackupUnsupported is returned by Backup for a PostgreSQL database:
// its online backup tool is pg_dump.
var ErrBackupUnsupported = errors.New("PostgreSQL databases are backed up with pg_dump, not rocca")

// ErrBackupExists is returned by Backup when the destination exists.
var ErrBackupExists = errors.New("backup file already exists")

// Backup writes a consistent copy of the SQLite database to dest while the
// database stays open and in use (SQLite's VACUUM INTO reads one snapshot;
// writers wait at most busy_timeout). dest must not exist: Backup never
// overwrites a file. The copy is a complete database: restore it by
// pointing ROCCA_DATABASE_URL (or --database) at it, or by copying it over
// the database file while rocca is stopped.
func (s *Store) Backup(ctx context.Context, dest string) error {
	if s.d.dollar {
		return ErrBackupUnsupported
	}
	if s.path == "" {
		return errors.New("backup: an in-memory database has no file to copy")
	}
	if _, err := os.Lstat(dest); err == nil {
		return fmt.Errorf("backup %s: %w", dest, ErrBackupExists)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("backup %s: %w", dest, err)
	}
	// Copy into a temporary file next to dest, then link it into place:
	// the link fails if dest appeared meanwhile, and a failed copy never
	// leaves a half-written dest behind.
	dir := filepath.Dir(dest)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(dest)+".tmp*")
	if err != nil {
		return fmt.Errorf("backup %s: %w", dest, err)
	}
	tmpName := tmp.Name()
	tmp.Close()
	defer os.Remove(tmpName)
	// VACUUM INTO wants a file that does not exist or is empty.
	if _, err := s.db.ExecContext(ctx, `VACUUM INTO ?`, tmpName); err != nil {
		return fmt.Errorf("backup %s: %w", dest, err)
	}
	err = os.Link(tmpName, dest)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("backup %s: %w", dest, ErrBackupExists)
	}
	if err != nil {
		// A file system without hard links: check again, then rename.
		if _, lerr := os.Lstat(dest); lerr == nil {
			return fmt.Errorf("backup %s: %w", dest, ErrBackupExists)
		}
		if err := os.Rename(tmpName, dest); err != nil {
			return fmt.Errorf("backup %s: %w", dest, err)
		}
	}
	return nil
}
