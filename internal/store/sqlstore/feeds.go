package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/rocca-project/rocca/internal/store"
)

var _ store.Feeds = (*Store)(nil)

const feedColumns = `source, url, etag, last_modified, last_attempt, last_success, last_change, last_error, last_error_at, bytes`

// saveFeedState is the upsert of a feed's state, leaving its lease.
const saveFeedState = `INSERT INTO feed_state (` + feedColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (source) DO UPDATE SET url = excluded.url, etag = excluded.etag, last_modified = excluded.last_modified,
	last_attempt = excluded.last_attempt, last_success = excluded.last_success, last_change = excluded.last_change,
	last_error = excluded.last_error, last_error_at = excluded.last_error_at, bytes = excluded.bytes`

func feedArgs(st store.FeedState) []any {
	return []any{st.Source, st.URL, st.ETag, st.LastModified, stamp(st.LastAttempt), stamp(st.LastSuccess),
		stamp(st.LastChange), st.LastError, stamp(st.LastErrorAt), st.Bytes}
}

func scanFeed(sc interface{ Scan(...any) error }) (store.FeedState, error) {
	var st store.FeedState
	var attempt, success, change, errAt string
	err := sc.Scan(&st.Source, &st.URL, &st.ETag, &st.LastModified, &attempt, &success, &change, &st.LastError, &errAt, &st.Bytes)
	st.LastAttempt, st.LastSuccess, st.LastChange, st.LastErrorAt = parseTime(attempt), parseTime(success), parseTime(change), parseTime(errAt)
	return st, err
}

// SaveFeedState implements store.ImportTx.
func (t *importTx) SaveFeedState(ctx context.Context, st store.FeedState) error {
	if err := t.exec(ctx, saveFeedState, feedArgs(st)...); err != nil {
		return fmt.Errorf("store: save feed state %s: %w", st.Source, err)
	}
	return nil
}

// SaveFeedState implements store.Feeds.
func (s *Store) SaveFeedState(ctx context.Context, st store.FeedState) error {
	if _, err := s.db.ExecContext(ctx, s.d.rebind(saveFeedState), feedArgs(st)...); err != nil {
		return fmt.Errorf("store: save feed state %s: %w", st.Source, err)
	}
	return nil
}

// FeedStates implements store.Feeds.
func (s *Store) FeedStates(ctx context.Context) ([]store.FeedState, error) {
	rows, err := s.reader().QueryContext(ctx, `SELECT `+feedColumns+` FROM feed_state ORDER BY source`)
	if err != nil {
		return nil, fmt.Errorf("store: feed states: %w", err)
	}
	defer rows.Close()
	var out []store.FeedState
	for rows.Next() {
		st, err := scanFeed(rows)
		if err != nil {
			return nil, fmt.Errorf("store: feed states: %w", err)
		}
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: feed states: %w", err)
	}
	return out, nil
}

// FeedState implements store.Feeds.
func (s *Store) FeedState(ctx context.Context, source string) (store.FeedState, error) {
	st, err := scanFeed(s.db.QueryRowContext(ctx, s.d.rebind(`SELECT `+feedColumns+` FROM feed_state WHERE source = ?`), source))
	if errors.Is(err, sql.ErrNoRows) {
		return store.FeedState{}, store.ErrNotFound
	}
	if err != nil {
		return store.FeedState{}, fmt.Errorf("store: feed state %s: %w", source, err)
	}
	return st, nil
}

// ClaimFeed implements store.Feeds: one upsert, which leaves a lease
// held by another owner and not yet expired alone.
func (s *Store) ClaimFeed(ctx context.Context, source, owner string, now, until time.Time) (bool, error) {
	res, err := s.db.ExecContext(ctx, s.d.rebind(`INSERT INTO feed_state (source, lease_owner, lease_until) VALUES (?, ?, ?)
		ON CONFLICT (source) DO UPDATE SET lease_owner = excluded.lease_owner, lease_until = excluded.lease_until
		WHERE feed_state.lease_owner = '' OR feed_state.lease_owner = excluded.lease_owner OR feed_state.lease_until < ?`),
		source, owner, stamp(until), stamp(now))
	if err != nil {
		return false, fmt.Errorf("store: claim feed %s: %w", source, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: claim feed %s: %w", source, err)
	}
	return n > 0, nil
}

// ReleaseFeed implements store.Feeds.
func (s *Store) ReleaseFeed(ctx context.Context, source, owner string) error {
	_, err := s.db.ExecContext(ctx, s.d.rebind(`UPDATE feed_state SET lease_owner = '', lease_until = '' WHERE source = ? AND lease_owner = ?`),
		source, owner)
	if err != nil {
		return fmt.Errorf("store: release feed %s: %w", source, err)
	}
	return nil
}
