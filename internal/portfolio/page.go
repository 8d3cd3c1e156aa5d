package portfolio

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/rocca-project/rocca/internal/uid"
)

// Lists are read a page at a time. The page size and the cursor come from
// a client: the use cases bound both before anything is read, so that no
// list is ever indexed with a client's number that was not checked.

// Page sizes.
const (
	// DefaultPageLimit is the page size when the client names none.
	DefaultPageLimit = 100
	// MaxPageLimit bounds a page.
	MaxPageLimit = 1000
)

// Bounds of a cursor.
const (
	// MaxCursorLen bounds a cursor (rocca's are far shorter).
	MaxCursorLen = 1024
	// maxOffset bounds an offset cursor: no list has more entries.
	maxOffset = 1 << 30
)

// checkLimit refuses a page size outside 1 to MaxPageLimit.
func checkLimit(limit int) error {
	if limit < 1 || limit > MaxPageLimit {
		return inputf("portfolio.limit", "limit: want an integer from 1 to %d", MaxPageLimit)
	}
	return nil
}

// errBadCursor is the answer to a cursor this list did not give.
func errBadCursor() error {
	return inputf("portfolio.cursor", "cursor: not a cursor of this list; start again without it")
}

// checkCursor refuses a cursor longer than any rocca gives.
func checkCursor(c string) error {
	if len(c) > MaxCursorLen {
		return errBadCursor()
	}
	return nil
}

// parseCount reads a canonical non-negative decimal (no sign, no leading
// zero) of at most max.
func parseCount(s string, max int64) (int64, bool) {
	if s == "" || len(s) > 19 || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n > max {
		return 0, false
	}
	return n, true
}

// encodeOffsetCursor is the cursor of a list read from the SBOM sbomID,
// continuing at offset.
func encodeOffsetCursor(sbomID string, offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(sbomID + ":" + strconv.Itoa(offset)))
}

// decodeOffsetCursor reverses encodeOffsetCursor. The offset is at most
// maxOffset; the caller still checks it against its list.
func decodeOffsetCursor(s string) (sbomID string, offset int, err error) {
	if len(s) > MaxCursorLen {
		return "", 0, errBadCursor()
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return "", 0, errBadCursor()
	}
	id, off, ok := strings.Cut(string(b), ":")
	if !ok || !uid.Valid(id) {
		return "", 0, errBadCursor()
	}
	n, ok := parseCount(off, maxOffset)
	if !ok {
		return "", 0, errBadCursor()
	}
	return id, int(n), nil
}

// encodeSeqCursor is the finding-events cursor after the event seq.
func encodeSeqCursor(seq int64) string { return strconv.FormatInt(seq, 10) }

// decodeSeqCursor reads a finding-event cursor: the sequence number of the
// last event of the previous page.
func decodeSeqCursor(s string) (int64, error) {
	n, ok := parseCount(s, 1<<63-1)
	if !ok {
		return 0, errBadCursor()
	}
	return n, nil
}
