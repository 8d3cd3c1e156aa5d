package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
)

// CreateOrg implements store.Tenants.
func (s *Store) CreateOrg(ctx context.Context, o *model.Organisation) error {
	newID(&o.ID)
	if o.Created.IsZero() {
		o.Created = now()
	}
	_, err := s.db.ExecContext(ctx, s.d.rebind(`INSERT INTO organisation (id, name, created_at) VALUES (?, ?, ?)`),
		o.ID, o.Name, stamp(o.Created))
	if isUniqueViolation(err) {
		return fmt.Errorf("store: organisation %q: %w", o.Name, store.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: create organisation: %w", err)
	}
	return nil
}

// Orgs implements store.Tenants.
func (s *Store) Orgs(ctx context.Context) ([]model.Organisation, error) {
	rows, err := s.reader().QueryContext(ctx, `SELECT id, name, created_at FROM organisation ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("store: organisations: %w", err)
	}
	defer rows.Close()
	var out []model.Organisation
	for rows.Next() {
		var o model.Organisation
		var created string
		if err := rows.Scan(&o.ID, &o.Name, &created); err != nil {
			return nil, fmt.Errorf("store: organisations: %w", err)
		}
		o.Created = parseTime(created)
		out = append(out, o)
	}
	return out, rows.Err()
}

// OrgByName implements store.Tenants.
func (s *Store) OrgByName(ctx context.Context, name string) (model.Organisation, error) {
	return s.orgWhere(ctx, "name", name)
}

// Org implements store.Catalogue.
func (s *Store) Org(ctx context.Context, org string) (model.Organisation, error) {
	return s.orgWhere(ctx, "id", org)
}

func (s *Store) orgWhere(ctx context.Context, col, val string) (model.Organisation, error) {
	var o model.Organisation
	var created string
	err := s.reader().QueryRowContext(ctx, s.d.rebind(`SELECT id, name, created_at FROM organisation WHERE `+col+` = ?`), val).
		Scan(&o.ID, &o.Name, &created)
	if err != nil {
		return o, notFound(err, "organisation")
	}
	o.Created = parseTime(created)
	return o, nil
}

const apiKeyCols = `id, org_id, label, prefix, created_at, last_used_at, revoked_at`

func scanAPIKey(sc interface{ Scan(...any) error }) (model.APIKey, error) {
	var k model.APIKey
	var created, used, revoked string
	if err := sc.Scan(&k.ID, &k.OrgID, &k.Label, &k.Prefix, &created, &used, &revoked); err != nil {
		return k, err
	}
	k.Created, k.LastUsed, k.Revoked = parseTime(created), parseTime(used), parseTime(revoked)
	return k, nil
}

// APIKeyByHash implements store.Tenants.
func (s *Store) APIKeyByHash(ctx context.Context, hash string) (model.APIKey, error) {
	k, err := scanAPIKey(s.reader().QueryRowContext(ctx, s.d.rebind(`SELECT `+apiKeyCols+` FROM api_key WHERE key_hash = ?`), hash))
	if err != nil {
		return k, notFound(err, "API key")
	}
	return k, nil
}

// RevokeAPIKey implements store.Tenants.
func (s *Store) RevokeAPIKey(ctx context.Context, id string, at time.Time) error {
	res, err := s.db.ExecContext(ctx, s.d.rebind(`UPDATE api_key SET revoked_at = ? WHERE id = ? AND revoked_at = ''`), stamp(at), id)
	if err != nil {
		return fmt.Errorf("store: revoke API key: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var one int
		if err := s.reader().QueryRowContext(ctx, s.d.rebind(`SELECT 1 FROM api_key WHERE id = ?`), id).Scan(&one); err != nil {
			return notFound(err, "revoke API key")
		}
	}
	return nil
}

// CreateAPIKey implements store.Keys.
func (s *Store) CreateAPIKey(ctx context.Context, org string, k *model.APIKey, hash string) error {
	newID(&k.ID)
	k.OrgID = org
	if k.Created.IsZero() {
		k.Created = now()
	}
	_, err := s.db.ExecContext(ctx, s.d.rebind(`INSERT INTO api_key (id, org_id, label, prefix, key_hash, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`), k.ID, org, k.Label, k.Prefix, hash, stamp(k.Created))
	if isForeignKeyViolation(err) {
		return fmt.Errorf("store: create API key: organisation: %w", store.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("store: create API key: %w", err)
	}
	return nil
}

// APIKeys implements store.Keys.
func (s *Store) APIKeys(ctx context.Context, org string) ([]model.APIKey, error) {
	rows, err := s.reader().QueryContext(ctx, s.d.rebind(`SELECT `+apiKeyCols+` FROM api_key WHERE org_id = ? ORDER BY created_at, id`), org)
	if err != nil {
		return nil, fmt.Errorf("store: API keys: %w", err)
	}
	defer rows.Close()
	var out []model.APIKey
	for rows.Next() {
		k, err := scanAPIKey(rows)
		if err != nil {
			return nil, fmt.Errorf("store: API keys: %w", err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// TouchAPIKey implements store.Keys. The last-used time is
// best-effort: on SQLite, whose single writer may be busy with a long
// ingestion, it waits at most touchWait for it and otherwise gives up
// (store.ErrBusy), so that authenticating a request never queues behind
// another tenant's write.
func (s *Store) TouchAPIKey(ctx context.Context, org, id string, at time.Time) error {
	if !s.d.dollar {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, touchWait)
		defer cancel()
	}
	_, err := s.db.ExecContext(ctx, s.d.rebind(`UPDATE api_key SET last_used_at = ? WHERE org_id = ? AND id = ?`), stamp(at), org, id)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("store: touch API key: %w", store.ErrBusy)
		}
		return fmt.Errorf("store: touch API key: %w", err)
	}
	return nil
}

// touchWait bounds the wait for SQLite's writer in TouchAPIKey.
const touchWait = 50 * time.Millisecond

// CreateUploadToken implements store.UploadTokens.
func (s *Store) CreateUploadToken(ctx context.Context, org string, t *model.UploadToken) error {
	newID(&t.Token)
	t.OrgID = org
	if t.Created.IsZero() {
		t.Created = now()
	}
	t.Updated = t.Created
	_, err := s.db.ExecContext(ctx, s.d.rebind(`INSERT INTO upload_token (token, org_id, version_id, sbom_id, state, error, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`), t.Token, org, t.VersionID, t.SBOMID, t.State, t.Error, stamp(t.Created), stamp(t.Updated))
	if isForeignKeyViolation(err) {
		return fmt.Errorf("store: create upload token: organisation: %w", store.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("store: create upload token: %w", err)
	}
	return nil
}

// UploadToken implements store.UploadTokens.
func (s *Store) UploadToken(ctx context.Context, org, token string) (model.UploadToken, error) {
	var t model.UploadToken
	var created, updated string
	err := s.reader().QueryRowContext(ctx, s.d.rebind(`SELECT token, org_id, version_id, sbom_id, state, error, created_at, updated_at
		FROM upload_token WHERE org_id = ? AND token = ?`), org, token).
		Scan(&t.Token, &t.OrgID, &t.VersionID, &t.SBOMID, &t.State, &t.Error, &created, &updated)
	if err != nil {
		return t, notFound(err, "upload token")
	}
	t.Created, t.Updated = parseTime(created), parseTime(updated)
	return t, nil
}

// SetUploadState implements store.UploadTokens.
func (s *Store) SetUploadState(ctx context.Context, org, token, state, sbomID, errMsg string, at time.Time) error {
	res, err := s.db.ExecContext(ctx, s.d.rebind(`UPDATE upload_token SET state = ?, sbom_id = ?, error = ?, updated_at = ?
		WHERE org_id = ? AND token = ?`), state, sbomID, errMsg, stamp(at), org, token)
	if err != nil {
		return fmt.Errorf("store: set upload state: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrNotFound
	}
	return nil
}
