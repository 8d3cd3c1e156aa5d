package store

import (
	"context"
	"time"
)

// FeedState is what the feed sync knows about one source: the validators
// of its last download for conditional requests, and the outcome of its
// attempts. It lives in the database so that every rocca process sees it.
type FeedState struct {
	Source string
	// URL is the address the validators below belong to.
	URL          string
	ETag         string
	LastModified string
	// LastAttempt is the start of the last attempt, successful or not.
	LastAttempt time.Time
	// LastSuccess is the last attempt that found the source unchanged
	// (304) or imported it.
	LastSuccess time.Time
	// LastChange is the last import that changed the knowledge base.
	LastChange time.Time
	// LastError is the error of the last attempt, "" when it succeeded.
	LastError   string
	LastErrorAt time.Time
	// Bytes is the size of the last download.
	Bytes int64
}

// Feeds stores the feed sync's state per source.
type Feeds interface {
	// FeedStates returns the state of every source that has one, by name.
	FeedStates(ctx context.Context) ([]FeedState, error)
	// FeedState returns one source's state, or ErrNotFound.
	FeedState(ctx context.Context, source string) (FeedState, error)
	// SaveFeedState stores a source's state (not its lease).
	SaveFeedState(ctx context.Context, st FeedState) error
	// ClaimFeed takes the source's lease for owner until until, when no
	// other owner holds an unexpired one at now; it reports whether it
	// did. Two processes syncing one source at once: one downloads.
	ClaimFeed(ctx context.Context, source, owner string, now, until time.Time) (bool, error)
	// ReleaseFeed gives up owner's lease of the source.
	ReleaseFeed(ctx context.Context, source, owner string) error
}
