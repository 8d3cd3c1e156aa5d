package match

import (
	"context"
	"fmt"
	"testing"

	"github.com/rocca-project/rocca/internal/osv"
	"github.com/rocca-project/rocca/internal/store"
)

// rowsKB serves EachAffected from a fixed list of rows, in that order.
type rowsKB struct {
	store.KnowledgeBase
	rows []store.AffectedRow
}

func (k rowsKB) EachAffected(_ context.Context, _ []string, fn func(*store.AffectedRow) error) error {
	for i := range k.rows {
		r := k.rows[i]
		if err := fn(&r); err != nil {
			return err
		}
	}
	return nil
}

// TestLoadIndexRuns loads runs of rows longer than a slab, across slab
// boundaries, and a key whose rows come back after another key's: every
// key must hold exactly its entries, in row order.
func TestLoadIndexRuns(t *testing.T) {
	var rows []store.AffectedRow
	want := map[string][]string{}
	add := func(key string, n int) {
		for range n {
			id := fmt.Sprintf("ADV-%d", len(rows))
			a := osv.Affected{Package: osv.Package{Ecosystem: "npm", Name: key}, Versions: []string{id}}
			rows = append(rows, store.AffectedRow{AdvisoryID: id, Ecosystem: "npm", Key: "npm:" + key, Data: a.EncodeCompact()})
			want["npm:"+key] = append(want["npm:"+key], id)
		}
	}
	add("a", 3)
	add("b", slabEntries-5) // fills the first slab's end
	add("c", 2*slabEntries+1)
	add("a", 2) // out of order
	add("d", 1)
	idx, err := LoadIndex(context.Background(), rowsKB{rows: rows}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if idx.Len() != len(rows) {
		t.Fatalf("index holds %d entries, want %d", idx.Len(), len(rows))
	}
	for key, ids := range want {
		var got []string
		for e := range idx.Lookup(key, "npm") {
			if e.affected.Versions[0] != e.advisory || e.affected.Package.Name != key[len("npm:"):] {
				t.Fatalf("%s: entry %s decoded as %+v", key, e.advisory, e.affected)
			}
			got = append(got, e.advisory)
		}
		if fmt.Sprint(got) != fmt.Sprint(ids) {
			t.Errorf("%s: %d entries %.60v..., want %d %.60v...", key, len(got), got, len(ids), ids)
		}
	}
	bad := rowsKB{rows: []store.AffectedRow{{AdvisoryID: "X", Key: "npm:x", Data: []byte{9}}}}
	if _, err := LoadIndex(context.Background(), bad, nil); err == nil {
		t.Error("a corrupt entry loaded without error")
	}
}
