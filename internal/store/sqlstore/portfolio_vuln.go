package sqlstore

import (
	"context"
	"fmt"

	"github.com/rocca-project/rocca/internal/store"
)

var _ store.AliasIndex = (*Store)(nil)

// AdvisoriesKnownAs implements store.AliasIndex: id is an advisory id, an
// alias, or an EUVD id of a CVE alias. The knowledge base is global: this
// query takes no organisation.
func (s *Store) AdvisoriesKnownAs(ctx context.Context, id string) ([]string, error) {
	// An EUVD id is an alias of its CVE's advisories (euvd_alias).
	rows, err := s.reader().QueryContext(ctx, s.d.rebind(`WITH ids (id) AS (SELECT CAST(? AS TEXT) UNION SELECT cve FROM euvd_alias WHERE euvd_id = ?)
		SELECT v.id FROM advisory v JOIN ids ON ids.id = v.id WHERE v.withdrawn = ?
		UNION SELECT a.advisory_id FROM advisory_alias a JOIN ids ON ids.id = a.alias JOIN advisory v ON v.id = a.advisory_id
		WHERE v.withdrawn = ? ORDER BY 1`), id, id, false, false)
	if err != nil {
		return nil, fmt.Errorf("store: advisories known as %s: %w", id, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, fmt.Errorf("store: advisories known as %s: %w", id, err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// WithdrawnAdvisories returns which of the given advisory ids are stored
// as withdrawn.
func (s *Store) WithdrawnAdvisories(ctx context.Context, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	in, arg := anyOf(s.d, "id", ids)
	rows, err := s.reader().QueryContext(ctx, s.d.rebind(`SELECT id FROM advisory WHERE withdrawn = ? AND `+in), true, arg)
	if err != nil {
		return nil, fmt.Errorf("store: withdrawn advisories: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: withdrawn advisories: %w", err)
		}
		out[id] = true
	}
	return out, rows.Err()
}

// PackagesOfVulns returns the package keys affected by the advisories, not
// withdrawn, that are known by one of ids (their own id or an alias) or
// belong to the alias group of one that is: the packages whose findings a
// change of exploitation or EPSS of those ids can touch.
func (s *Store) PackagesOfVulns(ctx context.Context, ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	in1, arg1 := anyOf(s.d, "v.id", ids)
	in2, arg2 := anyOf(s.d, "a.alias", ids)
	rows, err := s.reader().QueryContext(ctx, s.d.rebind(`WITH known AS (
			SELECT v.id, v.group_id FROM advisory v WHERE `+in1+`
			UNION SELECT v.id, v.group_id FROM advisory_alias a JOIN advisory v ON v.id = a.advisory_id WHERE `+in2+`),
		members AS (
			SELECT id FROM known
			UNION SELECT v.id FROM advisory v WHERE v.group_id IN (SELECT group_id FROM known WHERE group_id <> ''))
		SELECT DISTINCT f.pkg_key FROM affected f JOIN advisory v ON v.id = f.advisory_id
		WHERE v.withdrawn = ? AND f.advisory_id IN (SELECT id FROM members) ORDER BY 1`), arg1, arg2, false)
	if err != nil {
		return nil, fmt.Errorf("store: packages of vulnerabilities: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("store: packages of vulnerabilities: %w", err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}
