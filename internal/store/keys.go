package store

import (
	"context"
	"time"

	"github.com/rocca-project/rocca/internal/model"
)

// Tenants holds what lies above the organisations: the organisations
// themselves and API-key authentication. It serves administrators (the
// CLI) and the authentication step, never a tenant's request.
type Tenants interface {
	// CreateOrg stores a new organisation (ID and Created are filled in
	// when empty); ErrConflict when the name is taken.
	CreateOrg(ctx context.Context, o *model.Organisation) error
	// Orgs lists every organisation by name.
	Orgs(ctx context.Context) ([]model.Organisation, error)
	// OrgByName returns an organisation by name, or ErrNotFound.
	OrgByName(ctx context.Context, name string) (model.Organisation, error)
	// APIKeyByHash returns the key whose secret has the given SHA-256 hex
	// digest, revoked or not, or ErrNotFound. It authenticates a request.
	APIKeyByHash(ctx context.Context, hash string) (model.APIKey, error)
	// RevokeAPIKey marks a key revoked at at; ErrNotFound when no such key.
	RevokeAPIKey(ctx context.Context, id string, at time.Time) error
}

// Keys holds an organisation's API keys (authentication goes through
// Tenants.APIKeyByHash).
type Keys interface {
	// CreateAPIKey stores a key of org with the SHA-256 hex digest of its
	// secret.
	CreateAPIKey(ctx context.Context, org string, k *model.APIKey, hash string) error
	// APIKeys lists org's keys, revoked ones included.
	APIKeys(ctx context.Context, org string) ([]model.APIKey, error)
	// TouchAPIKey records that the key was used at at.
	TouchAPIKey(ctx context.Context, org, id string, at time.Time) error
}
