package store

import (
	"context"
	"time"

	"github.com/rocca-project/rocca/internal/model"
)

// UploadTokens holds the tokens that let a client follow a queued upload
// (Dependency-Track's BOM processing tokens).
type UploadTokens interface {
	// CreateUploadToken stores a new upload token.
	CreateUploadToken(ctx context.Context, org string, t *model.UploadToken) error
	// UploadToken returns one of org's tokens, or ErrNotFound.
	UploadToken(ctx context.Context, org, token string) (model.UploadToken, error)
	// SetUploadState updates a token's state, SBOM id and error message.
	SetUploadState(ctx context.Context, org, token, state, sbomID, errMsg string, at time.Time) error
}
