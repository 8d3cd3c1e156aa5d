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

// slabEntries is the number of entries allocated at once while loading.
const slabEntries = 1024

// load adds the entries of keys to the index, decoding each row's compact
// form as it arrives from the store. Rows come by key (EachAffected), so
// each key's entries are decoded in place into a run of a shared slab
// rather than appended to a slice of their own.
func (idx *Index) load(ctx context.Context, kb store.KnowledgeBase, keys []string) error {
	var slab []entry
	key, start := "", 0
	closeRun := func() {
		if len(slab) == start {
			return
		}
		run := slab[start:len(slab):len(slab)]
		if prev, ok := idx.byKey[key]; ok { // the key came back: rows out of order
			run = append(append([]entry(nil), prev...), run...)
		}
		idx.byKey[key] = run
	}
	err := kb.EachAffected(ctx, keys, func(r *store.AffectedRow) error {
		if r.Key != key {
			closeRun()
			key, start = r.Key, len(slab)
		}
		if len(slab) == cap(slab) {
			// Full: the current run moves to the start of a new slab.
			run := len(slab) - start
			next := make([]entry, run, max(slabEntries, 2*run))
			copy(next, slab[start:])
			slab, start = next, 0
		}
		slab = append(slab, entry{advisory: r.AdvisoryID, ecosystem: r.Ecosystem})
		e := &slab[len(slab)-1]
		if err := osv.DecodeCompact(r.Data, &e.affected); err != nil {
			return fmt.Errorf("match: affected entry of %s: %w", r.AdvisoryID, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	closeRun()
	return nil
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
