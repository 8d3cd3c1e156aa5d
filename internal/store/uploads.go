package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/rocca-project/rocca/internal/model"
)

// ErrQueueFull is returned when the durable upload queue holds as many
// uploads, or as many bytes, as it may.
var ErrQueueFull = errors.New("upload queue full")

// UploadQueue keeps accepted asynchronous uploads, with their bytes,
// until a worker has processed them: a crash loses nothing acknowledged.
type UploadQueue interface {
	// QueueUpload stores, in one transaction, the upload's token row (t),
	// the upload with its bytes, and whatever enqueue writes with the
	// transaction (the job that will process it). It returns ErrQueueFull,
	// writing nothing, when the queue already holds maxUploads uploads or
	// the bytes would pass maxBytes (no bound when ≤ 0).
	QueueUpload(ctx context.Context, org string, t *model.UploadToken, u model.QueuedUpload, raw []byte,
		maxUploads int, maxBytes int64, enqueue func(ctx context.Context, tx *sql.Tx) error) error
	// QueuedUpload returns a queued upload and its bytes; ErrNotFound
	// when it is no longer queued (processed already).
	QueuedUpload(ctx context.Context, org, token string) (model.QueuedUpload, []byte, error)
	// FinishUpload records an upload's outcome on its token (with the
	// version it went to, when the token had none: a version created for
	// it) and removes it from the queue, in one transaction.
	FinishUpload(ctx context.Context, org, token, versionID, state, sbomID, errMsg string, at time.Time) error
}
