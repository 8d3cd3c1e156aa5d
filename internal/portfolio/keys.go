package portfolio

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
)

// keyPrefix starts every API key, so that secret scanners and people can
// recognise one.
const keyPrefix = "rocca_"

// ErrUnauthenticated is returned for a missing, unknown or revoked key.
var ErrUnauthenticated = errors.New("missing, unknown or revoked API key")

// touchEvery bounds how often a key's last-used time is written.
const touchEvery = time.Minute

// HashKey returns the stored form of an API key: its SHA-256 in hex. The
// key carries 256 random bits, so a fast hash is enough (no password
// stretching is needed against guessing).
func HashKey(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// CreateAPIKey makes a new key for the organisation named orgName and
// returns the secret, which is shown once and never stored.
func (s *Service) CreateAPIKey(ctx context.Context, orgName, label string) (string, model.APIKey, error) {
	if strings.TrimSpace(label) == "" {
		return "", model.APIKey{}, inputf("portfolio.key_label", "an API key needs a label (--name)")
	}
	if err := CheckName("label", label); err != nil {
		return "", model.APIKey{}, err
	}
	org, err := s.store.OrgByName(ctx, orgName)
	if err != nil {
		return "", model.APIKey{}, err
	}
	var b [32]byte
	_, _ = rand.Read(b[:])
	secret := keyPrefix + base64.RawURLEncoding.EncodeToString(b[:])
	k := model.APIKey{Label: label, Prefix: secret[:len(keyPrefix)+6], Created: s.now()}
	if err := s.store.CreateAPIKey(ctx, org.ID, &k, HashKey(secret)); err != nil {
		return "", model.APIKey{}, err
	}
	return secret, k, nil
}

// Authenticate returns the key a request presents, or ErrUnauthenticated.
func (s *Service) Authenticate(ctx context.Context, secret string) (model.APIKey, error) {
	if !strings.HasPrefix(secret, keyPrefix) {
		return model.APIKey{}, ErrUnauthenticated
	}
	k, err := s.store.APIKeyByHash(ctx, HashKey(secret))
	if errors.Is(err, store.ErrNotFound) {
		return k, ErrUnauthenticated
	}
	if err != nil {
		return k, err
	}
	if !k.Revoked.IsZero() {
		return model.APIKey{}, ErrUnauthenticated
	}
	if now := s.now(); now.Sub(k.LastUsed) > touchEvery {
		if err := s.store.TouchAPIKey(ctx, k.OrgID, k.ID, now); errors.Is(err, store.ErrBusy) {
			s.Log.Debug("API key last-used time not recorded: database busy", "key", k.ID)
		} else if err != nil {
			s.Log.Warn("API key last-used time not recorded", "key", k.ID, "error", err)
		}
	}
	return k, nil
}
