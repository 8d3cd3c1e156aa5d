package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
)

// The reads a scan makes, shaped for speed: one statement per call whose
// text does not depend on the number of values (anyOf), rows streamed
// rather than collected, strings that repeat shared, and the JSON lists of
// the advisory table split without the reflection-based decoder. Several
// of these may run at once: on SQLite they use the read pool (see
// reader), so that loading runs on every CPU.

// reader is the pool the knowledge-base reads of a scan use: on a SQLite
// file, a pool of read-only connections beside the single writing one;
// otherwise the store's own pool.
func (s *Store) reader() *sql.DB {
	if s.rdb != nil {
		return s.rdb
	}
	return s.db
}

// EachAffected implements store.KnowledgeBase.
func (s *Store) EachAffected(ctx context.Context, keys []string, fn func(*store.AffectedRow) error) error {
	intern := map[string]string{}
	share := func(b []byte) string {
		if v, ok := intern[string(b)]; ok {
			return v
		}
		v := string(b)
		intern[v] = v
		return v
	}
	in, arg := anyOf(s.d, "f.pkg_key", keys)
	err := func() error {
		rows, err := s.reader().QueryContext(ctx, s.d.rebind(`SELECT f.advisory_id, f.ecosystem, f.pkg_key, f.data
			FROM affected f WHERE `+in+` ORDER BY f.pkg_key, f.advisory_id, f.ordinal`), arg)
		if err != nil {
			return err
		}
		defer rows.Close()
		var eco, key sql.RawBytes
		var r store.AffectedRow
		for rows.Next() {
			var data sql.RawBytes
			if err := rows.Scan(&r.AdvisoryID, &eco, &key, &data); err != nil {
				return err
			}
			r.Ecosystem, r.Key, r.Data = share(eco), share(key), data
			if err := fn(&r); err != nil {
				return err
			}
		}
		return rows.Err()
	}()
	if err != nil {
		return fmt.Errorf("store: affected packages: %w", err)
	}
	return nil
}

// groupMembersQuery reads the records of the alias groups of the
// advisories matched by in (anyOf on "id"); its arguments are in's, then
// false twice (withdrawn). Two disjoint halves (grouped records by
// group, single records by id) rather than one OR: PostgreSQL plans the
// OR as a scan of every advisory (47 ms against 0.4 ms on the whole
// corpus).
func groupMembersQuery(d dialect, in string) string {
	const cols = `SELECT id, group_id, aliases, summary, severity_rating, severity_score, severity_vector, severity_source,
				refs, modified, published FROM advisory`
	return d.rebind(`WITH g (gid) AS (SELECT CASE WHEN group_id = '' THEN id ELSE group_id END FROM advisory
				WHERE ` + in + `)
			` + cols + ` WHERE withdrawn = ? AND group_id <> '' AND group_id IN (SELECT gid FROM g)
			UNION ALL
			` + cols + ` WHERE withdrawn = ? AND group_id = '' AND id IN (SELECT gid FROM g)`)
}

// GroupMembers implements store.KnowledgeBase.
func (s *Store) GroupMembers(ctx context.Context, ids []string) ([]store.AdvisoryInfo, error) {
	var out []store.AdvisoryInfo
	seen := map[string]bool{}
	groups := map[string]string{}
	in, arg := anyOf(s.d, "id", ids)
	err := func() error {
		q := groupMembersQuery(s.d, in)
		rows, err := s.reader().QueryContext(ctx, q, arg, false, false)
		if err != nil {
			return err
		}
		defer rows.Close()
		var group, rating, mod, pub sql.RawBytes
		var aliases, refs string
		for rows.Next() {
			var a store.AdvisoryInfo
			if err := rows.Scan(&a.ID, &group, &aliases, &a.Summary, &rating, &a.Severity.Score,
				&a.Severity.Vector, &a.Severity.Source, &refs, &mod, &pub); err != nil {
				return err
			}
			if seen[a.ID] {
				continue
			}
			seen[a.ID] = true
			a.Group = a.ID
			if len(group) > 0 {
				g, ok := groups[string(group)]
				if !ok {
					g = string(group)
					groups[g] = g
				}
				a.Group = g
			}
			a.Severity.Rating = model.Rating(rating)
			if a.Aliases, err = stringList(aliases); err != nil {
				return fmt.Errorf("aliases of %s: %w", a.ID, err)
			}
			if a.References, err = stringList(refs); err != nil {
				return fmt.Errorf("references of %s: %w", a.ID, err)
			}
			a.Modified, a.Published = parseTime(string(mod)), parseTime(string(pub))
			out = append(out, a)
		}
		return rows.Err()
	}()
	if err != nil {
		return nil, fmt.Errorf("store: advisories of alias groups: %w", err)
	}
	return out, nil
}

// anyOf returns a condition that col is one of vals, with its one
// parameter: a JSON array expanded by json_each on SQLite, a text[] on
// PostgreSQL. Unlike an IN list of placeholders, the statement's text does
// not grow with vals: preparing a statement with hundreds of placeholders
// cost SQLite more than running it.
//
// Values that are not valid UTF-8 are left out: no stored key or id is
// one (they come from decoded JSON), PostgreSQL would refuse the whole
// array, and JSON would turn them into other strings.
func anyOf(d dialect, col string, vals []string) (string, any) {
	valid := make([]string, 0, len(vals))
	for _, v := range vals {
		if utf8.ValidString(v) {
			valid = append(valid, v)
		}
	}
	if d.dollar {
		return col + " = ANY(?)", valid
	}
	b, err := json.Marshal(valid)
	if err != nil { // cannot happen for strings
		b = []byte("[]")
	}
	return col + " IN (SELECT value FROM json_each(?))", string(b)
}

// stringList decodes a JSON array of strings as PutAdvisory writes them
// (json.Marshal: no blanks). The elements share s's memory. Anything
// else, such as an escaped character, goes through encoding/json.
func stringList(s string) ([]string, error) {
	if s == "[]" {
		return []string{}, nil
	}
	if len(s) < 4 || s[0] != '[' || s[len(s)-1] != ']' || !plainText(s) {
		return stringListJSON(s)
	}
	body := s[1 : len(s)-1]
	out := make([]string, 0, strings.Count(body, `","`)+1)
	for len(body) > 0 {
		if body[0] != '"' {
			return stringListJSON(s)
		}
		end := strings.IndexByte(body[1:], '"')
		if end < 0 {
			return stringListJSON(s)
		}
		out = append(out, body[1:1+end])
		body = body[2+end:]
		if len(body) == 0 {
			break
		}
		if body[0] != ',' || len(body) == 1 {
			return stringListJSON(s)
		}
		body = body[1:]
	}
	return out, nil
}

// plainText reports whether s holds no escape, no control character and
// only valid UTF-8: JSON strings in it then mean their bytes.
func plainText(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '\\' {
			return false
		}
	}
	return utf8.ValidString(s)
}

func stringListJSON(s string) ([]string, error) {
	var out []string
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, err
	}
	return out, nil
}
