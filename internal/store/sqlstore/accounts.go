package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
)

var (
	_ store.Accounts = (*Store)(nil)
	_ store.AuditLog = (*Store)(nil)
)

// Reads outside a transaction go through reader(): on a SQLite file, the
// read-only connections beside the single writer, so that authenticating
// a request never waits for an upload's write transaction.

// inTx runs fn in a transaction (on SQLite it holds the write lock from
// BEGIN: _txlock=immediate) and commits when fn returns nil.
func (s *Store) inTx(ctx context.Context, what string, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	return nil
}

// boolArg is a flag as the engine stores it (INTEGER 0/1 on SQLite,
// BOOLEAN on PostgreSQL).
func (s *Store) boolArg(b bool) any {
	if s.d.dollar {
		return b
	}
	if b {
		return 1
	}
	return 0
}

const userCols = `id, email, display_name, locale, is_admin, password_hash, password_changed_at, created_at`

func scanUser(sc interface{ Scan(...any) error }) (model.User, string, error) {
	var u model.User
	var hash, changed, created string
	var admin any
	if err := sc.Scan(&u.ID, &u.Email, &u.Name, &u.Locale, &admin, &hash, &changed, &created); err != nil {
		return u, "", err
	}
	switch a := admin.(type) {
	case bool:
		u.Admin = a
	case int64:
		u.Admin = a != 0
	}
	u.PasswordChanged, u.Created = parseTime(changed), parseTime(created)
	return u, hash, nil
}

func (s *Store) insertUser(ctx context.Context, q queryer, u *model.User, emailKey, passwordHash string) error {
	newID(&u.ID)
	if u.Created.IsZero() {
		u.Created = now()
	}
	if u.PasswordChanged.IsZero() {
		u.PasswordChanged = u.Created
	}
	_, err := q.ExecContext(ctx, s.d.rebind(`INSERT INTO app_user (id, email, email_key, display_name, locale, is_admin,
		password_hash, password_changed_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		u.ID, u.Email, emailKey, u.Name, u.Locale, s.boolArg(u.Admin), passwordHash, stamp(u.PasswordChanged), stamp(u.Created))
	if isUniqueViolation(err) {
		return fmt.Errorf("store: user %q: %w", u.Email, store.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: create user: %w", err)
	}
	return nil
}

// CreateUser implements store.Accounts.
func (s *Store) CreateUser(ctx context.Context, u *model.User, emailKey, passwordHash string) error {
	return s.insertUser(ctx, s.db, u, emailKey, passwordHash)
}

// UserByEmail implements store.Accounts.
func (s *Store) UserByEmail(ctx context.Context, emailKey string) (model.User, string, error) {
	u, h, err := scanUser(s.reader().QueryRowContext(ctx, s.d.rebind(`SELECT `+userCols+` FROM app_user WHERE email_key = ?`), emailKey))
	if err != nil {
		return u, "", notFound(err, "user")
	}
	return u, h, nil
}

// UserByID implements store.Accounts.
func (s *Store) UserByID(ctx context.Context, id string) (model.User, string, error) {
	u, h, err := scanUser(s.reader().QueryRowContext(ctx, s.d.rebind(`SELECT `+userCols+` FROM app_user WHERE id = ?`), id))
	if err != nil {
		return u, "", notFound(err, "user")
	}
	return u, h, nil
}

// UpdateProfile implements store.Accounts.
func (s *Store) UpdateProfile(ctx context.Context, id, name, locale string) error {
	res, err := s.db.ExecContext(ctx, s.d.rebind(`UPDATE app_user SET display_name = ?, locale = ? WHERE id = ?`), name, locale, id)
	return affectedOne(res, err, "update profile")
}

// affectedOne maps "no row changed" to store.ErrNotFound.
func affectedOne(res sql.Result, err error, what string) error {
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return store.ErrNotFound
	}
	return nil
}

// SetPassword implements store.Accounts.
func (s *Store) SetPassword(ctx context.Context, id, passwordHash string, at time.Time, keepSession string) error {
	return s.inTx(ctx, "set password", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.d.rebind(`UPDATE app_user SET password_hash = ?, password_changed_at = ? WHERE id = ?`),
			passwordHash, stamp(at), id)
		if err := affectedOne(res, err, "set password"); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.d.rebind(`DELETE FROM user_session WHERE user_id = ? AND token_hash <> ?`), id, keepSession); err != nil {
			return fmt.Errorf("store: set password: sessions: %w", err)
		}
		return nil
	})
}

// RehashPassword implements store.Accounts.
func (s *Store) RehashPassword(ctx context.Context, id, oldHash, newHash string) (bool, error) {
	res, err := s.db.ExecContext(ctx, s.d.rebind(`UPDATE app_user SET password_hash = ? WHERE id = ? AND password_hash = ?`), newHash, id, oldHash)
	if err != nil {
		return false, fmt.Errorf("store: rehash password: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// CountUsers implements store.Accounts.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := s.reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM app_user`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count users: %w", err)
	}
	return n, nil
}

// CreateSession implements store.Accounts.
func (s *Store) CreateSession(ctx context.Context, se model.Session) error {
	_, err := s.db.ExecContext(ctx, s.d.rebind(`INSERT INTO user_session (token_hash, user_id, csrf_secret, org_id, remote_addr,
		created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
		se.TokenHash, se.UserID, se.CSRFSecret, se.OrgID, se.RemoteAddr, stamp(se.Created), stamp(se.LastSeen), stamp(se.Expires))
	if isForeignKeyViolation(err) {
		return fmt.Errorf("store: create session: user: %w", store.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("store: create session: %w", err)
	}
	return nil
}

// SessionByHash implements store.Accounts.
func (s *Store) SessionByHash(ctx context.Context, hash string) (model.Session, error) {
	var se model.Session
	var created, seen, expires string
	err := s.reader().QueryRowContext(ctx, s.d.rebind(`SELECT token_hash, user_id, csrf_secret, org_id, remote_addr, created_at, last_seen_at, expires_at
		FROM user_session WHERE token_hash = ?`), hash).
		Scan(&se.TokenHash, &se.UserID, &se.CSRFSecret, &se.OrgID, &se.RemoteAddr, &created, &seen, &expires)
	if err != nil {
		return se, notFound(err, "session")
	}
	se.Created, se.LastSeen, se.Expires = parseTime(created), parseTime(seen), parseTime(expires)
	return se, nil
}

// TouchSession implements store.Accounts. Like TouchAPIKey it gives up
// after touchWait on a busy SQLite writer (store.ErrBusy).
func (s *Store) TouchSession(ctx context.Context, hash string, at time.Time) error {
	if !s.d.dollar {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, touchWait)
		defer cancel()
	}
	_, err := s.db.ExecContext(ctx, s.d.rebind(`UPDATE user_session SET last_seen_at = ? WHERE token_hash = ?`), stamp(at), hash)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("store: touch session: %w", store.ErrBusy)
		}
		return fmt.Errorf("store: touch session: %w", err)
	}
	return nil
}

// SetSessionOrg implements store.Accounts.
func (s *Store) SetSessionOrg(ctx context.Context, hash, orgID string) error {
	res, err := s.db.ExecContext(ctx, s.d.rebind(`UPDATE user_session SET org_id = ? WHERE token_hash = ?`), orgID, hash)
	return affectedOne(res, err, "switch organisation")
}

// DeleteSession implements store.Accounts.
func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	if _, err := s.db.ExecContext(ctx, s.d.rebind(`DELETE FROM user_session WHERE token_hash = ?`), hash); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// DeleteExpiredSessions implements store.Accounts.
func (s *Store) DeleteExpiredSessions(ctx context.Context, absolute, idle time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx, s.d.rebind(`DELETE FROM user_session WHERE expires_at < ? OR last_seen_at < ?`), stamp(absolute), stamp(idle))
	if err != nil {
		return 0, fmt.Errorf("store: delete expired sessions: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// Memberships implements store.Accounts.
func (s *Store) Memberships(ctx context.Context, userID string) ([]model.Membership, error) {
	rows, err := s.reader().QueryContext(ctx, s.d.rebind(`SELECT m.org_id, o.name, m.role, m.created_at
		FROM membership m JOIN organisation o ON o.id = m.org_id WHERE m.user_id = ? ORDER BY o.name`), userID)
	if err != nil {
		return nil, fmt.Errorf("store: memberships: %w", err)
	}
	defer rows.Close()
	var out []model.Membership
	for rows.Next() {
		var m model.Membership
		var created string
		if err := rows.Scan(&m.OrgID, &m.OrgName, &m.Role, &created); err != nil {
			return nil, fmt.Errorf("store: memberships: %w", err)
		}
		m.Created = parseTime(created)
		out = append(out, m)
	}
	return out, rows.Err()
}

// Members implements store.Accounts.
func (s *Store) Members(ctx context.Context, orgID string) ([]model.Member, error) {
	rows, err := s.reader().QueryContext(ctx, s.d.rebind(`SELECT u.id, u.email, u.display_name, u.locale, u.is_admin, '', u.password_changed_at, u.created_at,
		m.role, m.created_at FROM membership m JOIN app_user u ON u.id = m.user_id WHERE m.org_id = ? ORDER BY u.email_key`), orgID)
	if err != nil {
		return nil, fmt.Errorf("store: members: %w", err)
	}
	defer rows.Close()
	var out []model.Member
	for rows.Next() {
		var m model.Member
		var created string
		u, _, err := scanUser(multiScan{rows, []any{&m.Role, &created}})
		if err != nil {
			return nil, fmt.Errorf("store: members: %w", err)
		}
		m.User, m.Created = u, parseTime(created)
		out = append(out, m)
	}
	return out, rows.Err()
}

// multiScan scans a row's leading columns with a scan function and the
// rest into extra.
type multiScan struct {
	rows  *sql.Rows
	extra []any
}

func (m multiScan) Scan(dest ...any) error { return m.rows.Scan(append(dest, m.extra...)...) }

// lockOrg serialises membership changes of an organisation: PostgreSQL
// locks its row; SQLite's transaction already holds the write lock.
func (s *Store) lockOrg(ctx context.Context, tx *sql.Tx, orgID string) error {
	q := `SELECT id FROM organisation WHERE id = ?`
	if s.d.dollar {
		q += ` FOR UPDATE`
	}
	var id string
	if err := tx.QueryRowContext(ctx, s.d.rebind(q), orgID).Scan(&id); err != nil {
		return notFound(err, "organisation")
	}
	return nil
}

func (s *Store) insertMember(ctx context.Context, q queryer, orgID, userID string, role model.Role, at time.Time) error {
	_, err := q.ExecContext(ctx, s.d.rebind(`INSERT INTO membership (org_id, user_id, role, created_at) VALUES (?, ?, ?, ?)`),
		orgID, userID, string(role), stamp(at))
	switch {
	case isUniqueViolation(err) || (err != nil && errors.Is(err, store.ErrConflict)):
		return fmt.Errorf("store: membership: %w", store.ErrConflict)
	case isForeignKeyViolation(err):
		return fmt.Errorf("store: membership: user or organisation: %w", store.ErrNotFound)
	case err != nil:
		return fmt.Errorf("store: membership: %w", err)
	}
	return nil
}

// CreateOrgWithOwner implements store.Accounts.
func (s *Store) CreateOrgWithOwner(ctx context.Context, o *model.Organisation, userID string, at time.Time) error {
	return s.inTx(ctx, "create organisation", func(tx *sql.Tx) error {
		if err := s.insertOrg(ctx, tx, o); err != nil {
			return err
		}
		return s.insertMember(ctx, tx, o.ID, userID, model.RoleOwner, at)
	})
}

func (s *Store) insertOrg(ctx context.Context, q queryer, o *model.Organisation) error {
	newID(&o.ID)
	if o.Created.IsZero() {
		o.Created = now()
	}
	_, err := q.ExecContext(ctx, s.d.rebind(`INSERT INTO organisation (id, name, created_at) VALUES (?, ?, ?)`),
		o.ID, o.Name, stamp(o.Created))
	if isUniqueViolation(err) {
		return fmt.Errorf("store: organisation %q: %w", o.Name, store.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: create organisation: %w", err)
	}
	return nil
}

// AddMember implements store.Accounts.
func (s *Store) AddMember(ctx context.Context, orgID, userID string, role model.Role, at time.Time) error {
	return s.insertMember(ctx, s.db, orgID, userID, role, at)
}

// memberRole returns a member's role in a transaction.
func (s *Store) memberRole(ctx context.Context, tx *sql.Tx, orgID, userID string) (model.Role, error) {
	var r model.Role
	err := tx.QueryRowContext(ctx, s.d.rebind(`SELECT role FROM membership WHERE org_id = ? AND user_id = ?`), orgID, userID).Scan(&r)
	if err != nil {
		return r, notFound(err, "membership")
	}
	return r, nil
}

// otherOwners counts the owners of an organisation other than userID.
func (s *Store) otherOwners(ctx context.Context, tx *sql.Tx, orgID, userID string) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, s.d.rebind(`SELECT COUNT(*) FROM membership WHERE org_id = ? AND role = 'owner' AND user_id <> ?`), orgID, userID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count owners: %w", err)
	}
	return n, nil
}

// SetRole implements store.Accounts.
func (s *Store) SetRole(ctx context.Context, orgID, userID string, role model.Role) (model.Role, error) {
	var old model.Role
	err := s.inTx(ctx, "set role", func(tx *sql.Tx) error {
		if err := s.lockOrg(ctx, tx, orgID); err != nil {
			return err
		}
		var err error
		if old, err = s.memberRole(ctx, tx, orgID, userID); err != nil {
			return err
		}
		if old == model.RoleOwner && role != model.RoleOwner {
			n, err := s.otherOwners(ctx, tx, orgID, userID)
			if err != nil {
				return err
			}
			if n == 0 {
				return store.ErrLastOwner
			}
		}
		_, err = tx.ExecContext(ctx, s.d.rebind(`UPDATE membership SET role = ? WHERE org_id = ? AND user_id = ?`), string(role), orgID, userID)
		if err != nil {
			return fmt.Errorf("store: set role: %w", err)
		}
		return nil
	})
	return old, err
}

// RemoveMember implements store.Accounts.
func (s *Store) RemoveMember(ctx context.Context, orgID, userID string) (model.Role, error) {
	var old model.Role
	err := s.inTx(ctx, "remove member", func(tx *sql.Tx) error {
		if err := s.lockOrg(ctx, tx, orgID); err != nil {
			return err
		}
		var err error
		if old, err = s.memberRole(ctx, tx, orgID, userID); err != nil {
			return err
		}
		if old == model.RoleOwner {
			n, err := s.otherOwners(ctx, tx, orgID, userID)
			if err != nil {
				return err
			}
			if n == 0 {
				return store.ErrLastOwner
			}
		}
		if _, err := tx.ExecContext(ctx, s.d.rebind(`DELETE FROM membership WHERE org_id = ? AND user_id = ?`), orgID, userID); err != nil {
			return fmt.Errorf("store: remove member: %w", err)
		}
		if _, err := tx.ExecContext(ctx, s.d.rebind(`UPDATE user_session SET org_id = '' WHERE user_id = ? AND org_id = ?`), userID, orgID); err != nil {
			return fmt.Errorf("store: remove member: sessions: %w", err)
		}
		return nil
	})
	return old, err
}

// LoginThrottle implements store.Accounts.
func (s *Store) LoginThrottle(ctx context.Context, key string) (model.LoginThrottle, error) {
	t := model.LoginThrottle{Key: key}
	var first, last string
	err := s.reader().QueryRowContext(ctx, s.d.rebind(`SELECT failures, first_at, last_at FROM login_throttle WHERE key = ?`), key).
		Scan(&t.Failures, &first, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return t, nil
	}
	if err != nil {
		return t, fmt.Errorf("store: login throttle: %w", err)
	}
	t.First, t.Last = parseTime(first), parseTime(last)
	return t, nil
}

// RecordLoginFailure implements store.Accounts.
func (s *Store) RecordLoginFailure(ctx context.Context, key string, at, windowStart time.Time) (model.LoginThrottle, error) {
	var t model.LoginThrottle
	err := s.inTx(ctx, "record login failure", func(tx *sql.Tx) error {
		// One statement: a new key, or a window that ended, starts at 1.
		_, err := tx.ExecContext(ctx, s.d.rebind(`INSERT INTO login_throttle (key, failures, first_at, last_at) VALUES (?, 1, ?, ?)
			ON CONFLICT (key) DO UPDATE SET
				failures = CASE WHEN login_throttle.last_at <= ? THEN 1 ELSE login_throttle.failures + 1 END,
				first_at = CASE WHEN login_throttle.last_at <= ? THEN excluded.first_at ELSE login_throttle.first_at END,
				last_at = excluded.last_at`), key, stamp(at), stamp(at), stamp(windowStart), stamp(windowStart))
		if err != nil {
			return fmt.Errorf("store: record login failure: %w", err)
		}
		var first, last string
		t.Key = key
		if err := tx.QueryRowContext(ctx, s.d.rebind(`SELECT failures, first_at, last_at FROM login_throttle WHERE key = ?`), key).
			Scan(&t.Failures, &first, &last); err != nil {
			return fmt.Errorf("store: record login failure: %w", err)
		}
		t.First, t.Last = parseTime(first), parseTime(last)
		return nil
	})
	return t, err
}

// ClearLoginFailures implements store.Accounts.
func (s *Store) ClearLoginFailures(ctx context.Context, key string) error {
	if _, err := s.db.ExecContext(ctx, s.d.rebind(`DELETE FROM login_throttle WHERE key = ?`), key); err != nil {
		return fmt.Errorf("store: clear login failures: %w", err)
	}
	return nil
}

// DeleteLoginThrottles implements store.Accounts.
func (s *Store) DeleteLoginThrottles(ctx context.Context, before time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx, s.d.rebind(`DELETE FROM login_throttle WHERE last_at < ?`), stamp(before))
	if err != nil {
		return 0, fmt.Errorf("store: delete login throttles: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// SetSetupToken implements store.Accounts.
func (s *Store) SetSetupToken(ctx context.Context, hash string, at time.Time) error {
	return s.inTx(ctx, "setup token", func(tx *sql.Tx) error {
		var users int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM app_user`).Scan(&users); err != nil {
			return fmt.Errorf("store: setup token: %w", err)
		}
		if users > 0 {
			return store.ErrSetupDone
		}
		res, err := tx.ExecContext(ctx, s.d.rebind(`INSERT INTO setup_token (id, token_hash, created_at) VALUES (1, ?, ?)
			ON CONFLICT (id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at
			WHERE setup_token.completed_at = ''`), hash, stamp(at))
		if err := affectedOne(res, err, "setup token"); errors.Is(err, store.ErrNotFound) {
			return store.ErrSetupDone
		} else if err != nil {
			return err
		}
		return nil
	})
}

// CompleteSetup implements store.Accounts. The token row is consumed by a
// conditional UPDATE: of two concurrent attempts one changes it and the
// other (waiting for its row lock on PostgreSQL, for the write lock on
// SQLite) finds it used.
func (s *Store) CompleteSetup(ctx context.Context, tokenHash string, at time.Time, u *model.User, emailKey, passwordHash string, o *model.Organisation) error {
	return s.inTx(ctx, "complete setup", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.d.rebind(`UPDATE setup_token SET completed_at = ? WHERE id = 1 AND token_hash = ? AND completed_at = ''`),
			stamp(at), tokenHash)
		if err := affectedOne(res, err, "complete setup"); errors.Is(err, store.ErrNotFound) {
			return store.ErrSetupDone
		} else if err != nil {
			return err
		}
		var users int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM app_user`).Scan(&users); err != nil {
			return fmt.Errorf("store: complete setup: %w", err)
		}
		if users > 0 {
			return store.ErrSetupDone
		}
		if err := s.insertUser(ctx, tx, u, emailKey, passwordHash); err != nil {
			return err
		}
		if err := s.insertOrg(ctx, tx, o); err != nil {
			return err
		}
		return s.insertMember(ctx, tx, o.ID, u.ID, model.RoleOwner, at)
	})
}
