package api

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rocca-project/rocca/internal/uid"
)

// Every id, cursor and limit in a request is untrusted: it is checked
// here before any handler uses it, and a bad one is answered with 400.
// Nothing is ever indexed with a client's number before it is bounded.

// Bounds of what a request may carry.
const (
	// maxCursorLen bounds a cursor (rocca's are far shorter).
	maxCursorLen = 1024
	// maxOffset bounds an offset cursor: no list has more entries.
	maxOffset = 1 << 30
	// maxVulnIDLen bounds a vulnerability id in a path.
	maxVulnIDLen = 256
)

// pathWildcards returns the names of a pattern's {wildcards}.
func pathWildcards(pattern string) []string {
	var names []string
	for rest := pattern; ; {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			return names
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return names
		}
		names = append(names, strings.TrimSuffix(rest[i+1:i+j], "..."))
		rest = rest[i+j+1:]
	}
}

// checkPath validates a request's path values: {id} is a vulnerability id,
// every other wildcard the UUID of one of rocca's rows.
func checkPath(r *http.Request, names []string) error {
	for _, name := range names {
		v := r.PathValue(name)
		if name == "id" {
			if err := checkVulnID(v); err != nil {
				return err
			}
			continue
		}
		if !uid.Valid(v) {
			return badRequest(name + ": not an id (a UUID such as 3f2a6c1e-8b1d-4c55-9a7e-0d4b5e6f7a81)")
		}
	}
	return nil
}

// checkVulnID accepts an advisory or CVE id: printable UTF-8 without
// spaces, at most maxVulnIDLen bytes.
func checkVulnID(s string) error {
	if s == "" || len(s) > maxVulnIDLen || !utf8.ValidString(s) {
		return badRequest("id: want a vulnerability id such as CVE-2021-44228 (at most " + strconv.Itoa(maxVulnIDLen) + " bytes of UTF-8)")
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			return badRequest("id: a vulnerability id has no spaces or control characters")
		}
	}
	return nil
}

// cursorParam returns the cursor query parameter, bounded in length.
func cursorParam(r *http.Request) (string, error) {
	c := r.URL.Query().Get("cursor")
	if len(c) > maxCursorLen {
		return "", badCursor()
	}
	return c, nil
}

func badCursor() error {
	return badRequest("cursor: not a cursor of this list; start again without it")
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
	if len(s) > maxCursorLen {
		return "", 0, badCursor()
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return "", 0, badCursor()
	}
	id, off, ok := strings.Cut(string(b), ":")
	if !ok || !uid.Valid(id) {
		return "", 0, badCursor()
	}
	n, ok := parseCount(off, maxOffset)
	if !ok {
		return "", 0, badCursor()
	}
	return id, int(n), nil
}

// decodeSeqCursor reads a finding-event cursor: the sequence number of the
// last event of the previous page.
func decodeSeqCursor(s string) (int64, error) {
	n, ok := parseCount(s, 1<<63-1)
	if !ok {
		return 0, badCursor()
	}
	return n, nil
}
