package match

import (
	"context"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

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
// the split nor on which goroutine took which part.
func evaluate(ctx context.Context, kb store.KnowledgeBase, targets []target) ([]outcome, error) {
	keys, byKey := keysOf(targets)
	out := make([]outcome, len(targets))
	workers := max(1, min(runtime.GOMAXPROCS(0), len(keys)/minKeysPerWorker))
	// More parts than workers, taken in turn: packages differ widely in
	// their number of entries (a distribution's packages have many), and
	// equal halves of the keys would leave one CPU idle at the end.
	parts := split(keys, numParts(workers))
	err := forEachPart(workers, len(parts), func(p int) error {
		idx := &Index{byKey: make(map[string][]entry, len(parts[p]))}
		if err := idx.load(ctx, kb, parts[p]); err != nil {
			return err
		}
		for _, k := range parts[p] {
			for _, ti := range byKey[k] {
				out[ti] = evaluateOne(idx, &targets[ti])
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// partsPerWorker is the number of parts the work of each goroutine is cut
// into when there are several.
const partsPerWorker = 4

// numParts is the number of parts for the given number of goroutines: one
// when there is one.
func numParts(workers int) int {
	if workers <= 1 {
		return 1
	}
	return workers * partsPerWorker
}

// forEachPart runs fn for parts 0..n-1 on the given number of goroutines,
// each taking the next part when done with one, and returns the first
// error (the remaining parts are then skipped).
func forEachPart(workers, n int, fn func(part int) error) error {
	if workers <= 1 || n <= 1 {
		for p := range n {
			if err := fn(p); err != nil {
				return err
			}
		}
		return nil
	}
	var next atomic.Int64
	var failed atomic.Bool
	errs := make([]error, n)
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Go(func() {
			for !failed.Load() {
				p := int(next.Add(1) - 1)
				if p >= n {
					return
				}
				if errs[p] = fn(p); errs[p] != nil {
					failed.Store(true)
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
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
