package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/store/sqlstore"
)

// ComponentPage pages an SBOM's components in document order without the
// root, filtered by what keep sees, with the count of every match; the
// page's components come back whole (licences, hashes), and another
// organisation's SBOM reads empty.
func TestComponentPage(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		a, va := tenant(t, s, "acme")
		b, _ := tenant(t, s, "bolt")
		sb := model.StoredSBOM{VersionID: va.ID, Name: "bom.json", Digest: "d1", Format: "CycloneDX", Components: 13}
		err := s.Ingest(ctx, a.ID, func(tx store.IngestTx) error {
			if err := tx.PutSBOM(ctx, &sb, []byte(`{}`)); err != nil {
				return err
			}
			cs := []model.StoredComponent{{SBOMID: sb.ID, VersionID: va.ID, Root: true, Component: model.Component{Ref: "app", Name: "lib-app"}}}
			for i := range 12 {
				cs = append(cs, model.StoredComponent{SBOMID: sb.ID, VersionID: va.ID, Component: model.Component{Ref: fmt.Sprint(i),
					Name: fmt.Sprintf("lib-%02d", 11-i), Group: []string{"org.even", "org.odd"}[i%2], Version: "1.0",
					PURL: fmt.Sprintf("pkg:maven/lib-%02d@1.0", 11-i), Licenses: []string{"MIT"}, Hashes: []model.Hash{{Alg: "SHA-256", Value: "00"}}}})
			}
			return tx.PutComponents(ctx, 0, cs)
		})
		if err != nil {
			t.Fatal(err)
		}
		names := func(cs []model.StoredComponent) string {
			var out []string
			for _, c := range cs {
				out = append(out, c.Name)
			}
			return strings.Join(out, " ")
		}
		odd := func(_, group, _, _ string) bool { return group == "org.odd" }
		for _, c := range []struct {
			name          string
			keep          func(name, group, version, purl string) bool
			offset, limit int
			want          string
			total         int
		}{
			{"first page", nil, 0, 5, "lib-11 lib-10 lib-09 lib-08 lib-07", 12},
			{"last page", nil, 10, 5, "lib-01 lib-00", 12},
			{"beyond the end", nil, 12, 5, "", 12},
			{"filtered", odd, 0, 4, "lib-10 lib-08 lib-06 lib-04", 6},
			{"filtered, second page", odd, 4, 4, "lib-02 lib-00", 6},
			{"no match", func(string, string, string, string) bool { return false }, 0, 5, "", 0},
		} {
			got, total, err := s.ComponentPage(ctx, a.ID, sb.ID, c.keep, c.offset, c.limit)
			if err != nil || names(got) != c.want || total != c.total {
				t.Errorf("%s: %q %d %v, want %q %d", c.name, names(got), total, err, c.want, c.total)
			}
			for _, comp := range got {
				if comp.Root || comp.SBOMID != sb.ID || !slices.Equal(comp.Licenses, []string{"MIT"}) || len(comp.Hashes) != 1 {
					t.Errorf("%s: component %+v", c.name, comp)
				}
			}
		}
		if got, total, err := s.ComponentPage(ctx, b.ID, sb.ID, nil, 0, 5); err != nil || len(got) != 0 || total != 0 {
			t.Errorf("another organisation: %d components, total %d, %v", len(got), total, err)
		}
	})
}
