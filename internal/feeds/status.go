package feeds

import (
	"context"
	"time"

	"github.com/rocca-project/rocca/internal/store"
)

// SourceStatus is a source's configuration with its stored state.
type SourceStatus struct {
	Source   string        `json:"source"`
	URL      string        `json:"url"`
	Interval time.Duration `json:"-"`
	// IntervalSeconds is Interval for JSON.
	IntervalSeconds int64     `json:"intervalSeconds"`
	ETag            string    `json:"etag,omitempty"`
	LastModified    string    `json:"lastModified,omitempty"`
	LastAttempt     time.Time `json:"lastAttempt,omitzero"`
	LastSuccess     time.Time `json:"lastSuccess,omitzero"`
	LastChange      time.Time `json:"lastChange,omitzero"`
	LastError       string    `json:"lastError,omitempty"`
	LastErrorAt     time.Time `json:"lastErrorAt,omitzero"`
	Bytes           int64     `json:"bytes,omitempty"`
	// Age is the time since the last success; 0 when there was none
	// (Never).
	Age time.Duration `json:"-"`
	// AgeSeconds is Age for JSON.
	AgeSeconds int64 `json:"ageSeconds,omitempty"`
	Never      bool  `json:"never,omitempty"`
	// Due: Interval has passed since the last success, or there was none.
	Due bool `json:"due"`

	source Source
}

// RetryDelay is the least time between a failed attempt of a source and
// the next scheduled one.
const RetryDelay = 15 * time.Minute

// Status returns every configured source with its state, in Sources order.
func (s *Syncer) Status(ctx context.Context) ([]SourceStatus, error) {
	states, err := s.store.FeedStates(ctx)
	if err != nil {
		return nil, err
	}
	byName := make(map[string]store.FeedState, len(states))
	for _, st := range states {
		byName[st.Source] = st
	}
	now := s.now()
	var out []SourceStatus
	for _, src := range Sources(s.cfg) {
		st := byName[src.Name]
		ss := SourceStatus{Source: src.Name, URL: src.URL, Interval: src.Interval, IntervalSeconds: int64(src.Interval / time.Second),
			LastAttempt: st.LastAttempt, LastSuccess: st.LastSuccess, LastChange: st.LastChange,
			LastError: st.LastError, LastErrorAt: st.LastErrorAt, Bytes: st.Bytes, source: src}
		if st.URL == src.URL {
			ss.ETag, ss.LastModified = st.ETag, st.LastModified
		}
		if st.LastSuccess.IsZero() {
			ss.Never, ss.Due = true, true
		} else {
			ss.Age = max(0, now.Sub(st.LastSuccess))
			ss.AgeSeconds = int64(ss.Age / time.Second)
			ss.Due = ss.Age >= src.Interval
		}
		// A source whose last attempt failed waits before the next one
		// (RetryDelay, at most its interval), so that an offline site's
		// server does not try every minute.
		if ss.Due && !st.LastErrorAt.IsZero() && !st.LastErrorAt.Before(st.LastSuccess) &&
			now.Sub(st.LastErrorAt) < min(RetryDelay, src.Interval) {
			ss.Due = false
		}
		out = append(out, ss)
	}
	return out, nil
}
