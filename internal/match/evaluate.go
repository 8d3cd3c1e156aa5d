package match

import (
	"context"
	"runtime"
	"sort"
	"sync"

	"github.com/rocca-project/rocca/internal/store"
)

// minKeysPerWorker is the number of package keys below which loading them
// on another goroutine (and database connection) is not worth it.
const minKeysPerWorker = 512

// doubt is an advisory a target could not be decided against.
type doubt struct {
	advisory string
	reason   string
}

// outcome is what evaluating one target found, in entry order.
type outcome struct {
	hits   []hit
	doubts []doubt
}

// evaluate loads the affected entries of the targets' packages and
// evaluates every target against them. The keys are split into parts
// loaded and evaluated on as many goroutines as there are CPUs (each with
// its own database connection when the store has several); the outcome
// of each target lands in its own slot, so the result does not depend on
// the split.
func evaluate(ctx context.Context, kb store.KnowledgeBase, targets []target) ([]outcome, error) {
	keys, byKey := keysOf(targets)
	out := make([]outcome, len(targets))
	parts := split(keys, max(1, min(runtime.GOMAXPROCS(0), len(keys)/minKeysPerWorker)))
	errs := make([]error, len(parts))
	var wg sync.WaitGroup
	for w, part := range parts {
		wg.Go(func() {
			idx := &Index{byKey: make(map[string][]entry, len(part))}
			if err := idx.load(ctx, kb, part); err != nil {
				errs[w] = err
				return
			}
			for _, k := range part {
				for _, ti := range byKey[k] {
					out[ti] = evaluateOne(idx, &targets[ti])
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// evaluateOne evaluates one target against the entries of its package.
func evaluateOne(idx *Index, t *target) outcome {
	var o outcome
	for e := range idx.Lookup(t.key, t.ecosystem) {
		v, err := e.affected.Evaluate(t.version)
		if err != nil {
			o.doubts = append(o.doubts, doubt{advisory: e.advisory, reason: err.Error()})
			continue
		}
		if v.Affected {
			o.hits = append(o.hits, hit{comp: t.comp, target: t, advisory: e.advisory, fixed: v.Fixed})
		}
	}
	return o
}

// keysOf returns the sorted distinct package keys of the targets and, for
// each key, the indexes of its targets.
func keysOf(ts []target) ([]string, map[string][]int) {
	byKey := make(map[string][]int, len(ts))
	keys := make([]string, 0, len(ts))
	for i := range ts {
		k := ts[i].key
		if _, ok := byKey[k]; !ok {
			keys = append(keys, k)
		}
		byKey[k] = append(byKey[k], i)
	}
	sort.Strings(keys)
	return keys, byKey
}

// split cuts ss into n contiguous parts of nearly equal length.
func split(ss []string, n int) [][]string {
	n = max(1, min(n, len(ss)))
	parts := make([][]string, 0, n)
	for w := range n {
		lo, hi := w*len(ss)/n, (w+1)*len(ss)/n
		parts = append(parts, ss[lo:hi])
	}
	return parts
}
