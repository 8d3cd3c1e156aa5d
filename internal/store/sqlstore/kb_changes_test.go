package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/store/sqlstore"
)

// advisory returns a stored advisory affecting the given package keys.
func advisory(id, hash string, withdrawn bool, keys ...string) *store.Advisory {
	a := &store.Advisory{ID: id, Hash: hash, Withdrawn: withdrawn, Raw: []byte(`{}`),
		Modified: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	for _, k := range keys {
		a.Affected = append(a.Affected, store.AffectedRow{AdvisoryID: id, Ecosystem: "npm", Key: k, Data: []byte(`{}`)})
	}
	return a
}

// changesSince returns the change log after seq as "kind key" strings.
func changesSince(t *testing.T, s *sqlstore.Store, seq int64) ([]string, int64) {
	t.Helper()
	cs, err := s.Changes(context.Background(), seq, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range cs {
		if c.Seq <= seq {
			t.Fatalf("change %+v is not after %d", c, seq)
		}
		seq = c.Seq
		out = append(out, c.Kind+" "+c.Key)
	}
	return out, seq
}

// TestChangeLog writes advisories, KEV and EPSS rows through import
// transactions and checks the change log each one leaves: one entry per
// distinct key, old and new package keys of a replaced advisory, none
// for what did not change or was rolled back.
func TestChangeLog(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		if n, err := s.LatestChange(ctx); err != nil || n != 0 {
			t.Fatalf("latest change of an empty database: %d, %v", n, err)
		}
		at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
		var seq int64
		steps := []struct {
			name string
			fn   func(tx store.ImportTx) error
			want []string
		}{
			{"insert", func(tx store.ImportTx) error {
				return tx.PutAdvisory(ctx, advisory("GHSA-1", "h1", false, "npm:a", "npm:b", "npm:a"))
			}, []string{"package npm:a", "package npm:b"}},
			{"replace", func(tx store.ImportTx) error {
				return tx.PutAdvisory(ctx, advisory("GHSA-1", "h2", false, "npm:b", "npm:c"))
			}, []string{"package npm:a", "package npm:b", "package npm:c"}},
			{"withdraw", func(tx store.ImportTx) error {
				return tx.PutAdvisory(ctx, advisory("GHSA-1", "h3", true))
			}, []string{"package npm:b", "package npm:c"}},
			{"withdrawn again", func(tx store.ImportTx) error {
				return tx.PutAdvisory(ctx, advisory("GHSA-1", "h4", true))
			}, nil},
			{"KEV and EPSS new", func(tx store.ImportTx) error {
				if err := tx.PutKEV(ctx, model.KEV{CVE: "CVE-2024-0001", DateAdded: at, Name: "one"}); err != nil {
					return err
				}
				return tx.PutEPSS(ctx, model.EPSS{CVE: "CVE-2024-0001", Score: 0.5, Percentile: 0.9}, "2026-12-07")
			}, []string{"epss CVE-2024-0001", "exploited CVE-2024-0001"}},
			{"KEV name and EPSS percentile only", func(tx store.ImportTx) error {
				if _, err := tx.KEV(ctx, "CVE-2024-0001"); err != nil {
					return err
				}
				if err := tx.PutKEV(ctx, model.KEV{CVE: "CVE-2024-0001", DateAdded: at, Name: "renamed"}); err != nil {
					return err
				}
				return tx.PutEPSS(ctx, model.EPSS{CVE: "CVE-2024-0001", Score: 0.5, Percentile: 0.95}, "2026-12-08")
			}, nil},
			{"KEV date and EPSS score", func(tx store.ImportTx) error {
				// Read another row first: PutKEV must not compare with it.
				if _, err := tx.KEV(ctx, "CVE-2024-0002"); !errors.Is(err, store.ErrNotFound) {
					return fmt.Errorf("KEV of an unknown CVE: %v", err)
				}
				if err := tx.PutKEV(ctx, model.KEV{CVE: "CVE-2024-0001", DateAdded: at.AddDate(0, 0, 1)}); err != nil {
					return err
				}
				if _, err := tx.EPSS(ctx, "CVE-2024-0001"); err != nil {
					return err
				}
				if err := tx.PutEPSS(ctx, model.EPSS{CVE: "CVE-2024-0001", Score: 0.6, Percentile: 0.95}, ""); err != nil {
					return err
				}
				return tx.PutEPSS(ctx, model.EPSS{CVE: "CVE-2024-0001", Score: 0.7, Percentile: 0.95}, "")
			}, []string{"epss CVE-2024-0001", "exploited CVE-2024-0001"}},
			{"rolled back", func(tx store.ImportTx) error {
				if err := tx.PutAdvisory(ctx, advisory("GHSA-2", "h1", false, "npm:z")); err != nil {
					return err
				}
				return errors.New("give up")
			}, nil},
			{"nothing written", func(tx store.ImportTx) error { return nil }, nil},
		}
		for _, st := range steps {
			err := s.Import(ctx, func(tx store.ImportTx) error {
				if err := st.fn(tx); err != nil {
					return err
				}
				return tx.Touch(ctx, at)
			})
			if err != nil && st.name != "rolled back" {
				t.Fatalf("%s: %v", st.name, err)
			}
			var got []string
			got, seq = changesSince(t, s, seq)
			if !reflect.DeepEqual(got, st.want) {
				t.Errorf("%s: changes %q, want %q", st.name, got, st.want)
			}
		}
		latest, err := s.LatestChange(ctx)
		if err != nil || latest != seq {
			t.Fatalf("latest change %d, %v; want %d", latest, err, seq)
		}
		all, err := s.Changes(ctx, 0, 1000)
		if err != nil || len(all) != 11 {
			t.Fatalf("%d changes, %v; want 11", len(all), err)
		}
		if !all[0].At.Equal(at) {
			t.Errorf("change at %v, want the import's time %v", all[0].At, at)
		}
		page, err := s.Changes(ctx, all[2].Seq, 3)
		if err != nil || len(page) != 3 || page[0].Seq != all[3].Seq {
			t.Errorf("page after %d: %+v, %v", all[2].Seq, page, err)
		}
	})
}

// TestChangeLogRegroup: an advisory whose alias group changes logs its
// packages (its findings change identity); unchanged groups log nothing.
func TestChangeLogRegroup(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		err := s.Import(ctx, func(tx store.ImportTx) error {
			if err := tx.PutAdvisory(ctx, advisory("GHSA-1", "h", false, "npm:a")); err != nil {
				return err
			}
			return tx.PutAdvisory(ctx, advisory("GO-1", "h", false, "golang:b"))
		})
		if err != nil {
			t.Fatal(err)
		}
		_, seq := changesSince(t, s, 0)
		if err := s.SetGroups(ctx, map[string]string{"GHSA-1": "GHSA-1", "GO-1": "GHSA-1"}); err != nil {
			t.Fatal(err)
		}
		got, seq := changesSince(t, s, seq)
		if want := []string{"package golang:b"}; !reflect.DeepEqual(got, want) {
			t.Errorf("after regrouping: %q, want %q", got, want)
		}
		if err := s.SetGroups(ctx, map[string]string{"GHSA-1": "GHSA-1", "GO-1": "GHSA-1"}); err != nil {
			t.Fatal(err)
		}
		if got, _ := changesSince(t, s, seq); len(got) != 0 {
			t.Errorf("same groups again: %q", got)
		}
	})
}

// TestImportsSerialised: a second import transaction does not start its
// work until the first has committed, on every engine (PostgreSQL: the
// advisory lock), so change-log sequence numbers commit in order.
func TestImportsSerialised(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		started := make(chan struct{})
		release := make(chan struct{})
		var mu sync.Mutex
		var order []string
		var wg sync.WaitGroup
		wg.Go(func() {
			err := s.Import(ctx, func(tx store.ImportTx) error {
				close(started)
				<-release
				mu.Lock()
				order = append(order, "first")
				mu.Unlock()
				return tx.PutAdvisory(ctx, advisory("GHSA-1", "h", false, "npm:a"))
			})
			if err != nil {
				t.Error(err)
			}
		})
		<-started
		wg.Go(func() {
			err := s.Import(ctx, func(tx store.ImportTx) error {
				mu.Lock()
				order = append(order, "second")
				mu.Unlock()
				return tx.PutAdvisory(ctx, advisory("GHSA-2", "h", false, "npm:b"))
			})
			if err != nil {
				t.Error(err)
			}
		})
		time.Sleep(300 * time.Millisecond)
		close(release)
		wg.Wait()
		if want := []string{"first", "second"}; !reflect.DeepEqual(order, want) {
			t.Errorf("order %q, want %q", order, want)
		}
		cs, err := s.Changes(ctx, 0, 10)
		if err != nil || len(cs) != 2 || cs[0].Key != "npm:a" || cs[1].Key != "npm:b" {
			t.Errorf("changes %+v, %v", cs, err)
		}
	})
}

// TestPruneChanges deletes old entries but keeps the newest.
func TestPruneChanges(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		for i, at := range []time.Time{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)} {
			err := s.Import(ctx, func(tx store.ImportTx) error {
				if err := tx.PutAdvisory(ctx, advisory(fmt.Sprintf("GHSA-%d", i), "h", false, fmt.Sprintf("npm:%d", i))); err != nil {
					return err
				}
				return tx.Touch(ctx, at)
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		n, err := s.PruneChanges(ctx, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
		if err != nil || n != 1 {
			t.Fatalf("pruned %d, %v; want 1", n, err)
		}
		cs, _ := s.Changes(ctx, 0, 10)
		latest, _ := s.LatestChange(ctx)
		if len(cs) != 1 || cs[0].Key != "npm:1" || latest != cs[0].Seq {
			t.Errorf("after pruning: %+v, latest %d", cs, latest)
		}
	})
}
