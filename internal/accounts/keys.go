package accounts

import (
	"context"
	"errors"
	"fmt"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
)

// errNoKeys is returned by the API key use cases of a service built
// without a Keys.
var errNoKeys = errors.New("accounts: API keys are not available")

// membership returns the principal's membership of an organisation they
// manage, ErrForbidden otherwise.
func (s *Service) managed(p Principal, orgID string) (model.Membership, error) {
	for _, m := range p.Memberships {
		if m.OrgID == orgID && m.Role.CanManage() {
			return m, nil
		}
	}
	return model.Membership{}, ErrForbidden
}

// APIKeys lists an organisation's API keys (revoked ones included), for
// its owners.
func (s *Service) APIKeys(ctx context.Context, p Principal, orgID string) ([]model.APIKey, error) {
	m, err := s.managed(p, orgID)
	if err != nil {
		return nil, err
	}
	if s.keys == nil {
		return nil, errNoKeys
	}
	return s.keys.APIKeys(ctx, m.OrgName)
}

// CreateAPIKey creates an API key of an organisation, for its owners, and
// returns the secret, to be shown once (only its hash is stored).
func (s *Service) CreateAPIKey(ctx context.Context, p Principal, orgID, label, remote string) (string, model.APIKey, error) {
	m, err := s.managed(p, orgID)
	if err != nil {
		return "", model.APIKey{}, err
	}
	if s.keys == nil {
		return "", model.APIKey{}, errNoKeys
	}
	secret, k, err := s.keys.CreateAPIKey(ctx, m.OrgName, label)
	if err != nil {
		return "", model.APIKey{}, err
	}
	s.record(ctx, model.AuditEntry{At: k.Created, Actor: p.actor(), OrgID: orgID, Action: ActionKeyCreate, Target: "apikey:" + k.ID,
		RemoteAddr: remote, Detail: k.Label})
	return secret, k, nil
}

// RevokeAPIKey revokes one of an organisation's API keys, for its owners;
// store.ErrNotFound when the organisation has no such key.
func (s *Service) RevokeAPIKey(ctx context.Context, p Principal, orgID, keyID, remote string) error {
	m, err := s.managed(p, orgID)
	if err != nil {
		return err
	}
	if s.keys == nil {
		return errNoKeys
	}
	keys, err := s.keys.APIKeys(ctx, m.OrgName)
	if err != nil {
		return err
	}
	var found *model.APIKey
	for i := range keys {
		if keys[i].ID == keyID {
			found = &keys[i]
		}
	}
	if found == nil {
		return fmt.Errorf("API key %s: %w", keyID, store.ErrNotFound)
	}
	if err := s.keys.RevokeAPIKey(ctx, keyID); err != nil {
		return err
	}
	s.record(ctx, model.AuditEntry{Actor: p.actor(), OrgID: orgID, Action: ActionKeyRevoke, Target: "apikey:" + keyID,
		RemoteAddr: remote, Detail: found.Label})
	return nil
}
