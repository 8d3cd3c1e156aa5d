package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/rocca-project/rocca/internal/model"
)

// auditLock is the PostgreSQL advisory lock key that serialises appends
// to the audit log, so that each entry chains to the one before it.
const auditLock = 0x726f6363615f61 // "rocca_a"

// AppendAudit implements store.AuditLog.
func (s *Store) AppendAudit(ctx context.Context, e *model.AuditEntry, seal func(e *model.AuditEntry) string) error {
	if e.At.IsZero() {
		e.At = now()
	}
	e.At = e.At.UTC().Truncate(time.Microsecond)
	return s.inTx(ctx, "append audit entry", func(tx *sql.Tx) error {
		if s.d.dollar {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, auditLock); err != nil {
				return fmt.Errorf("store: append audit entry: lock: %w", err)
			}
		}
		var seq int64
		var prev string
		err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&seq, &prev)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: append audit entry: %w", err)
		}
		e.Seq, e.PrevHash = seq+1, prev
		e.Hash = seal(e)
		_, err = tx.ExecContext(ctx, s.d.rebind(`INSERT INTO audit_log (seq, at, actor, org_id, action, target, remote_addr, detail, prev_hash, hash)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			e.Seq, stamp(e.At), e.Actor, e.OrgID, e.Action, e.Target, e.RemoteAddr, e.Detail, e.PrevHash, e.Hash)
		if err != nil {
			return fmt.Errorf("store: append audit entry: %w", err)
		}
		return nil
	})
}

// AuditEntries implements store.AuditLog.
func (s *Store) AuditEntries(ctx context.Context, org string, after int64, limit int) ([]model.AuditEntry, error) {
	q := `SELECT seq, at, actor, org_id, action, target, remote_addr, detail, prev_hash, hash FROM audit_log WHERE seq > ?`
	args := []any{after}
	if org != "" {
		q += ` AND org_id = ?`
		args = append(args, org)
	}
	q += ` ORDER BY seq LIMIT ?`
	args = append(args, limit)
	rows, err := s.reader().QueryContext(ctx, s.d.rebind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("store: audit entries: %w", err)
	}
	defer rows.Close()
	var out []model.AuditEntry
	for rows.Next() {
		var e model.AuditEntry
		var at string
		if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.OrgID, &e.Action, &e.Target, &e.RemoteAddr, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
			return nil, fmt.Errorf("store: audit entries: %w", err)
		}
		e.At = parseTime(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
