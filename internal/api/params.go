package api

import (
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rocca-project/rocca/internal/reporting"
	"github.com/rocca-project/rocca/internal/uid"
)

// Every id, cursor and limit in a request is untrusted: ids are checked
// here before any handler uses them, cursors and limits by the use cases
// (package portfolio) before anything is read, and a bad one is answered
// with 400. Nothing is ever indexed with a client's number before it is
// bounded.

// maxVulnIDLen bounds a vulnerability id in a path.
const maxVulnIDLen = 256

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
		if name == "stage" {
			if !reporting.Stage(v).Valid() {
				return badRequest("stage: want early_warning, notification, intermediate or final_report")
			}
			continue
		}
		if err := checkID(name, v); err != nil {
			return err
		}
	}
	return nil
}

// checkID checks that an id (of a path or a body field) is a UUID.
func checkID(name, v string) error {
	if !uid.Valid(v) {
		return badRequest(name + ": not an id (a UUID such as 3f2a6c1e-8b1d-4c55-9a7e-0d4b5e6f7a81)")
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
