package sqlstore

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/testutil"
)

// watchFixture stores an organisation with two versions: "a" whose
// current SBOM holds lib-x and lib-y (and whose earlier SBOM held lib-z),
// and "b" whose current SBOM holds lib-y twice and lib-w.
type watchFixture struct {
	org        string
	a, b       model.Version
	sbomA      string // a's current SBOM
	sbomB      string
	staleSBOMA string // a's earlier SBOM
}

func key(name string) string { return store.PackageKey("PyPI", name) }

func newWatchFixture(t *testing.T, s *Store) watchFixture {
	t.Helper()
	ctx := context.Background()
	org := model.Organisation{Name: "acme"}
	if err := s.CreateOrg(ctx, &org); err != nil {
		t.Fatal(err)
	}
	p := model.Product{Name: "gateway"}
	if err := s.CreateProduct(ctx, org.ID, &p); err != nil {
		t.Fatal(err)
	}
	f := watchFixture{org: org.ID}
	for _, v := range []*model.Version{&f.a, &f.b} {
		*v = model.Version{ProductID: p.ID, Name: fmt.Sprintf("v%p", v), Lifecycle: model.LifecycleOnMarket}
		if err := s.CreateVersion(ctx, org.ID, v); err != nil {
			t.Fatal(err)
		}
	}
	put := func(v model.Version, names ...string) string {
		var id string
		err := s.Ingest(ctx, org.ID, func(tx store.IngestTx) error {
			b := model.StoredSBOM{VersionID: v.ID, Name: "bom.json", Digest: strings.Join(names, ","), Format: "CycloneDX"}
			if err := tx.PutSBOM(ctx, &b, []byte("{}")); err != nil {
				return err
			}
			rows := []model.StoredComponent{{SBOMID: b.ID, VersionID: v.ID, Root: true, Component: model.Component{Name: "product"}}}
			for i, n := range names {
				rows = append(rows, model.StoredComponent{SBOMID: b.ID, VersionID: v.ID, PkgKey: key(n),
					Component: model.Component{Name: n, Version: fmt.Sprint(i), PURL: fmt.Sprintf("pkg:pypi/%s@%d", n, i)}})
			}
			if err := tx.PutComponents(ctx, 0, rows); err != nil {
				return err
			}
			id = b.ID
			return tx.SetCurrentSBOM(ctx, v.ID, b.ID)
		})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	f.staleSBOMA = put(f.a, "lib-z")
	f.sbomA = put(f.a, "lib-x", "lib-y")
	f.sbomB = put(f.b, "lib-y", "lib-w", "lib-y")
	return f
}

// The watch's reads answer the same with few keys (following the keys'
// rows) and many (probing each version), and the keyed component read
// gives document order.
func TestWatchReads(t *testing.T) {
	for _, e := range testutil.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			s, err := Open(ctx, e.URL)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			f := newWatchFixture(t, s)
			var padding []string
			for i := range manyPackages + 1 {
				padding = append(padding, key(fmt.Sprintf("absent-%d", i)))
			}
			for _, c := range []struct {
				keys []string
				want []string
			}{
				{[]string{key("lib-x")}, []string{f.a.ID}},
				{[]string{key("lib-y")}, []string{f.a.ID, f.b.ID}},
				{[]string{key("lib-z")}, nil}, // only in a's earlier SBOM
				{[]string{key("lib-w"), key("lib-x")}, []string{f.a.ID, f.b.ID}},
			} {
				for _, keys := range [][]string{c.keys, append(slices.Clone(padding), c.keys...)} {
					vs, err := s.VersionsWithPackages(ctx, keys)
					if err != nil {
						t.Fatal(err)
					}
					var got []string
					for _, v := range vs {
						if v.OrgID != f.org || (v.VersionID == f.a.ID && v.SBOMID != f.sbomA) || (v.VersionID == f.b.ID && v.SBOMID != f.sbomB) {
							t.Errorf("version ref %+v", v)
						}
						got = append(got, v.VersionID)
					}
					want := slices.Clone(c.want)
					slices.Sort(want)
					if !slices.Equal(got, want) {
						t.Errorf("%d keys ending %v: versions %v, want %v", len(keys), c.keys, got, want)
					}
				}
			}
			describe := func(cs []model.StoredComponent) []string {
				var out []string
				for _, c := range cs {
					out = append(out, c.SBOMID+" "+c.PURL)
				}
				return out
			}
			sboms := []string{f.sbomB, f.sbomA, f.staleSBOMA}
			first, second := f.sbomA, f.sbomB
			if second < first {
				first, second = second, first
			}
			byDoc := map[string][]string{
				f.sbomA: {f.sbomA + " pkg:pypi/lib-x@0", f.sbomA + " pkg:pypi/lib-y@1"},
				f.sbomB: {f.sbomB + " pkg:pypi/lib-y@0", f.sbomB + " pkg:pypi/lib-w@1", f.sbomB + " pkg:pypi/lib-y@2"},
			}
			all, err := s.ComponentsOfSBOMs(ctx, f.org, sboms[:2], nil)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := describe(all), append(slices.Clone(byDoc[first]), byDoc[second]...); !slices.Equal(got, want) {
				t.Errorf("all components\n%v\nwant\n%v", got, want)
			}
			keyed, err := s.ComponentsOfSBOMs(ctx, f.org, sboms, []string{key("lib-y"), key("lib-w")})
			if err != nil {
				t.Fatal(err)
			}
			want := slices.DeleteFunc(append(slices.Clone(byDoc[first]), byDoc[second]...), func(s string) bool { return strings.Contains(s, "lib-x") })
			if got := describe(keyed); !slices.Equal(got, want) {
				t.Errorf("keyed components\n%v\nwant\n%v", got, want)
			}
			if other, err := s.ComponentsOfSBOMs(ctx, "another-org", sboms, nil); err != nil || len(other) != 0 {
				t.Errorf("another organisation's read: %v %v", describe(other), err)
			}
		})
	}
}

// On SQLite, the watch's keyed reads follow the package keys through
// sbom_component_pkg_org (migration 0008) rather than reading every
// component of every SBOM or version: a new advisory affecting a package
// in 1,000 versions would otherwise read a million rows.
func TestWatchReadsUsePackageIndex(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "rocca.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	newWatchFixture(t, s)
	plan := func(q string, args ...any) string {
		rows, err := s.db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var b strings.Builder
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			b.WriteString(detail + "\n")
		}
		return b.String()
	}
	q, args := componentsOfSBOMsQuery(s.d, "org", []string{"s1", "s2"}, []string{key("lib-y")})
	if p := plan(q, args...); !strings.Contains(p, "sbom_component_pkg_org (pkg_key=? AND org_id=? AND sbom_id=?)") {
		t.Errorf("keyed components of SBOMs: plan\n%s", p)
	}
	vq, arg := versionsWithPackagesQuery(s.d, []string{key("lib-y")})
	if p := plan(vq, arg); !strings.Contains(p, "COVERING INDEX sbom_component_pkg_org (pkg_key=?)") {
		t.Errorf("versions with packages: plan\n%s", p)
	}
}

// The SQLite writer keeps statement journals in memory: a multi-row
// INSERT into the findings of many versions journals every page it
// changes, and a temporary file made that the largest part of a re-match
// of 1,000 versions.
func TestSQLiteWriterTempStoreInMemory(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "rocca.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var mode int
	if err := s.db.QueryRowContext(ctx, "PRAGMA temp_store").Scan(&mode); err != nil || mode != 2 {
		t.Fatalf("temp_store = %d (%v), want 2 (memory)", mode, err)
	}
}

// On PostgreSQL the alias-group read of matching uses the indexes: its
// former OR of two subqueries could only be planned as a scan of every
// advisory, whatever the planner's costs.
func TestGroupMembersIndexedOnPostgres(t *testing.T) {
	url := testutil.PostgresURL(t)
	if url == "" {
		t.Skip("PostgreSQL not available")
	}
	ctx := context.Background()
	s, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	conn, err := s.db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SET enable_seqscan = off"); err != nil {
		t.Fatal(err)
	}
	in, arg := anyOf(s.d, "id", []string{"GHSA-1", "CVE-2024-1"})
	rows, err := conn.QueryContext(ctx, "EXPLAIN "+groupMembersQuery(s.d, in), arg, false, false)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan strings.Builder
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan.WriteString(line + "\n")
	}
	if strings.Contains(plan.String(), "Seq Scan on advisory") {
		t.Errorf("group members read scans the advisories:\n%s", plan.String())
	}
}
