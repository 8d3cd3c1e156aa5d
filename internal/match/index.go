package match

import (
	"context"
	"fmt"
	"iter"

	"github.com/rocca-project/rocca/internal/osv"
	"github.com/rocca-project/rocca/internal/store"
)

// entry is one affected package of one advisory.
type entry struct {
	advisory  string
	ecosystem string
	affected  osv.Affected
}

// Index maps package keys to the affected entries of the knowledge base.
// It is read-only once built and safe for concurrent lookups.
type Index struct {
	byKey map[string][]entry
}

// LoadIndex loads the entries of the given package keys.
func LoadIndex(ctx context.Context, kb store.KnowledgeBase, keys []string) (*Index, error) {
	idx := &Index{byKey: make(map[string][]entry, len(keys))}
	if err := idx.load(ctx, kb, keys); err != nil {
		return nil, err
	}
	return idx, nil
}

// load adds the entries of keys to the index, decoding each row's compact
// form as it arrives from the store.
func (idx *Index) load(ctx context.Context, kb store.KnowledgeBase, keys []string) error {
	return kb.EachAffected(ctx, keys, func(r *store.AffectedRow) error {
		e := entry{advisory: r.AdvisoryID, ecosystem: r.Ecosystem}
		if err := osv.DecodeCompact(r.Data, &e.affected); err != nil {
			return fmt.Errorf("match: affected entry of %s: %w", r.AdvisoryID, err)
		}
		idx.byKey[r.Key] = append(idx.byKey[r.Key], e)
		return nil
	})
}

// Lookup yields the entries of a package key whose ecosystem fits the
// component's: when both name a release ("Debian:12", "AlmaLinux:8") they
// must be equal; otherwise the base ecosystem (already in the key) decides,
// so "Packagist:https://packages.drupal.org/8" serves composer components.
// The entries are yielded in place, not copied; callers must not keep them
// beyond the Index's life nor modify them.
func (idx *Index) Lookup(key, ecosystem string) iter.Seq[*entry] {
	return func(yield func(*entry) bool) {
		all := idx.byKey[key]
		for i := range all {
			if ecosystemFits(ecosystem, all[i].ecosystem) && !yield(&all[i]) {
				return
			}
		}
	}
}

// Len returns the number of affected entries held.
func (idx *Index) Len() int {
	n := 0
	for _, es := range idx.byKey {
		n += len(es)
	}
	return n
}

func ecosystemFits(component, advisory string) bool {
	if component == advisory {
		return true
	}
	cs, csuf := splitEco(component)
	as, asuf := splitEco(advisory)
	if cs != as {
		return false
	}
	if csuf == "" || asuf == "" {
		return !isDistro(cs) || csuf == asuf
	}
	return csuf == asuf
}

// isDistro tells ecosystems whose suffix is a release that must match.
func isDistro(base string) bool {
	switch base {
	case "Debian", "Ubuntu", "Alpine", "AlmaLinux", "Rocky Linux", "Red Hat", "SUSE", "openSUSE",
		"Mageia", "openEuler", "Wolfi", "Chainguard", "Alpaquita", "MinimOS", "BellSoft Hardened Containers":
		return true
	}
	return false
}

func splitEco(e string) (base, suffix string) {
	for i := 0; i < len(e); i++ {
		if e[i] == ':' {
			return e[:i], e[i+1:]
		}
	}
	return e, ""
}
