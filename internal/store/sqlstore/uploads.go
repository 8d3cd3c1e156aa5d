package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
)

var _ store.UploadQueue = (*Store)(nil)

// uploadQueueLock serialises the capacity check of QueueUpload between
// PostgreSQL transactions (SQLite's writer is single already).
const uploadQueueLock = 0x726f637175 // "rocqu"

// QueueUpload implements store.UploadQueue.
func (s *Store) QueueUpload(ctx context.Context, org string, t *model.UploadToken, u model.QueuedUpload, raw []byte,
	maxUploads int, maxBytes int64, enqueue func(ctx context.Context, tx *sql.Tx) error) error {
	packed, err := compress(raw)
	if err != nil {
		return fmt.Errorf("store: queue upload: %w", err)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: queue upload: %w", err)
	}
	defer tx.Rollback()
	if s.d.dollar {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, uploadQueueLock); err != nil {
			return fmt.Errorf("store: queue upload: %w", err)
		}
	}
	var n int
	var bytes int64
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(size), 0) FROM upload_queue`).Scan(&n, &bytes); err != nil {
		return fmt.Errorf("store: queue upload: %w", err)
	}
	if (maxUploads > 0 && n >= maxUploads) || (maxBytes > 0 && bytes+int64(len(raw)) > maxBytes) {
		return store.ErrQueueFull
	}
	newID(&t.Token)
	t.OrgID = org
	if t.Created.IsZero() {
		t.Created = now()
	}
	t.Updated = t.Created
	_, err = tx.ExecContext(ctx, s.d.rebind(`INSERT INTO upload_token (token, org_id, version_id, sbom_id, state, error, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`), t.Token, org, t.VersionID, t.SBOMID, t.State, t.Error, stamp(t.Created), stamp(t.Updated))
	if isForeignKeyViolation(err) {
		return fmt.Errorf("store: queue upload: organisation: %w", store.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("store: queue upload: %w", err)
	}
	_, err = tx.ExecContext(ctx, s.d.rebind(`INSERT INTO upload_queue (token, org_id, name, version_id, create_product, create_version,
		size, content, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		t.Token, org, u.Name, u.VersionID, u.CreateProduct, u.CreateVersion, len(raw), packed, stamp(t.Created))
	if err != nil {
		return fmt.Errorf("store: queue upload: %w", err)
	}
	if enqueue != nil {
		if err := enqueue(ctx, tx); err != nil {
			return fmt.Errorf("store: queue upload: enqueue: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: queue upload: %w", err)
	}
	return nil
}

// QueuedUpload implements store.UploadQueue.
func (s *Store) QueuedUpload(ctx context.Context, org, token string) (model.QueuedUpload, []byte, error) {
	var u model.QueuedUpload
	var packed []byte
	var created string
	err := s.db.QueryRowContext(ctx, s.d.rebind(`SELECT token, org_id, name, version_id, create_product, create_version, size, content, created_at
		FROM upload_queue WHERE org_id = ? AND token = ?`), org, token).
		Scan(&u.Token, &u.OrgID, &u.Name, &u.VersionID, &u.CreateProduct, &u.CreateVersion, &u.Size, &packed, &created)
	if err != nil {
		return u, nil, notFound(err, "queued upload")
	}
	u.Created = parseTime(created)
	raw, err := decompress(packed, u.Size)
	if err != nil {
		return u, nil, fmt.Errorf("store: queued upload %s: %w", token, err)
	}
	return u, raw, nil
}

// FinishUpload implements store.UploadQueue.
func (s *Store) FinishUpload(ctx context.Context, org, token, versionID, state, sbomID, errMsg string, at time.Time) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: finish upload: %w", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, s.d.rebind(`UPDATE upload_token SET state = ?, sbom_id = ?, error = ?, updated_at = ?,
		version_id = CASE WHEN version_id = '' THEN ? ELSE version_id END
		WHERE org_id = ? AND token = ?`), state, sbomID, errMsg, stamp(at), versionID, org, token)
	if err != nil {
		return fmt.Errorf("store: finish upload: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrNotFound
	}
	if _, err := tx.ExecContext(ctx, s.d.rebind(`DELETE FROM upload_queue WHERE org_id = ? AND token = ?`), org, token); err != nil {
		return fmt.Errorf("store: finish upload: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: finish upload: %w", err)
	}
	return nil
}

// MarkUpload implements store.IngestTx.
func (t *ingestTx) MarkUpload(ctx context.Context, token, sbomID string) error {
	_, err := t.tx.ExecContext(ctx, t.d.rebind(`UPDATE upload_token SET sbom_id = ? WHERE org_id = ? AND token = ?`), sbomID, t.org, token)
	if err != nil {
		return fmt.Errorf("store: mark upload: %w", err)
	}
	return nil
}
