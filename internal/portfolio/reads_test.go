package portfolio_test

import (
	"context"
	"encoding/base64"
	"errors"
	"strconv"
	"testing"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/uid"
)

// want classifies a use case's error: nil, an input error (the client's
// mistake, 400) or store.ErrNotFound (404).
type want int

const (
	ok want = iota
	input
	notFound
)

func check(t *testing.T, what string, err error, w want) {
	t.Helper()
	switch {
	case w == ok && err != nil, w == input && !portfolio.IsInput(err), w == notFound && !errors.Is(err, store.ErrNotFound):
		t.Errorf("%s: %v, want %v", what, err, []string{"ok", "an input error", "not found"}[w])
	}
}

// Components pages through the current SBOM's components (the root
// excluded) and applies the page rules: limit bounds, cursors of this
// list only, a cursor of a replaced SBOM refused.
func TestComponentsPages(t *testing.T) {
	setup(t, func(t *testing.T, svc *portfolio.Service, org string, v model.Version, demoSBOM []byte) {
		ctx := context.Background()
		check(t, "no SBOM yet", func() error {
			page, err := svc.Components(ctx, org, v.ID, "", 10)
			if err == nil && (len(page.Components) != 0 || page.Next != "") {
				t.Errorf("no SBOM: %+v", page)
			}
			return err
		}(), ok)
		res, err := svc.Ingest(ctx, org, v.ID, demoSBOM, "a.json")
		if err != nil {
			t.Fatal(err)
		}
		var got []model.StoredComponent
		cursor := ""
		for pages := 0; ; pages++ {
			page, err := svc.Components(ctx, org, v.ID, cursor, 4)
			if err != nil || len(page.Components) > 4 || pages > 10 {
				t.Fatalf("page %d: %d components, %v", pages, len(page.Components), err)
			}
			got = append(got, page.Components...)
			if cursor = page.Next; cursor == "" {
				break
			}
		}
		if len(got) != res.SBOM.Components {
			t.Fatalf("%d components paged, the SBOM has %d", len(got), res.SBOM.Components)
		}
		for _, c := range got {
			if c.Root || c.SBOMID != res.SBOM.ID {
				t.Errorf("paged %+v", c)
			}
		}
		b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
		at := func(n int) string { return b64(res.SBOM.ID + ":" + strconv.Itoa(n)) }
		other := uid.New()
		for _, tc := range []struct {
			name, version, cursor string
			limit                 int
			want                  want
		}{
			{"all in one page", v.ID, "", portfolio.MaxPageLimit, ok},
			{"limit 0", v.ID, "", 0, input},
			{"limit negative", v.ID, "", -1, input},
			{"limit over the maximum", v.ID, "", portfolio.MaxPageLimit + 1, input},
			{"cursor at the end", v.ID, at(len(got)), 10, ok},
			{"cursor past the end", v.ID, at(len(got) + 1), 10, input},
			{"cursor of another SBOM", v.ID, b64(other + ":1"), 10, input},
			{"cursor not base64", v.ID, "!!!", 10, input},
			{"cursor with a sign", v.ID, b64(res.SBOM.ID + ":+1"), 10, input},
			{"unknown version", other, "", 10, notFound},
			{"unknown version, bad limit", other, "", 0, notFound},
		} {
			_, err := svc.Components(ctx, org, tc.version, tc.cursor, tc.limit)
			check(t, tc.name, err, tc.want)
		}
	})
}

// Findings and FindingEvents apply the query rules after finding the
// version; FindingEvents pages through every event once.
func TestFindingReadRules(t *testing.T) {
	setup(t, func(t *testing.T, svc *portfolio.Service, org string, v model.Version, demoSBOM []byte) {
		ctx := context.Background()
		if _, err := svc.Ingest(ctx, org, v.ID, demoSBOM, "a.json"); err != nil {
			t.Fatal(err)
		}
		q := func(f func(*store.FindingQuery)) store.FindingQuery {
			q := store.FindingQuery{VersionID: v.ID, Limit: 10}
			f(&q)
			return q
		}
		nan := 0.0
		nan /= nan
		long := make([]byte, portfolio.MaxCursorLen+1)
		for _, tc := range []struct {
			name string
			q    store.FindingQuery
			want want
		}{
			{"default", q(func(*store.FindingQuery) {}), ok},
			{"all filters", q(func(q *store.FindingQuery) {
				q.MinEPSS, q.State, q.Sort, q.MinSeverity = 1, model.FindingOpen, store.SortEPSS, model.RatingHigh
			}), ok},
			{"limit 0", q(func(q *store.FindingQuery) { q.Limit = 0 }), input},
			{"limit over the maximum", q(func(q *store.FindingQuery) { q.Limit = portfolio.MaxPageLimit + 1 }), input},
			{"epss below 0", q(func(q *store.FindingQuery) { q.MinEPSS = -0.1 }), input},
			{"epss above 1", q(func(q *store.FindingQuery) { q.MinEPSS = 1.5 }), input},
			{"epss NaN", q(func(q *store.FindingQuery) { q.MinEPSS = nan }), input},
			{"unknown state", q(func(q *store.FindingQuery) { q.State = "triaged" }), input},
			{"unknown sort", q(func(q *store.FindingQuery) { q.Sort = "name" }), input},
			{"cursor too long", q(func(q *store.FindingQuery) { q.Cursor = string(long) }), input},
			{"unknown version", q(func(q *store.FindingQuery) { q.VersionID = uid.New() }), notFound},
		} {
			_, err := svc.Findings(ctx, org, tc.q)
			check(t, "Findings: "+tc.name, err, tc.want)
		}

		all, err := svc.FindingEvents(ctx, org, v.ID, "", portfolio.MaxPageLimit)
		if err != nil || len(all.Events) == 0 || all.Next != "" {
			t.Fatalf("all events: %d, next %q, %v", len(all.Events), all.Next, err)
		}
		var paged []model.FindingEvent
		for cursor := ""; ; {
			page, err := svc.FindingEvents(ctx, org, v.ID, cursor, 2)
			if err != nil || len(page.Events) > 2 {
				t.Fatalf("events page after %q: %d, %v", cursor, len(page.Events), err)
			}
			paged = append(paged, page.Events...)
			if cursor = page.Next; cursor == "" {
				break
			}
		}
		if len(paged) != len(all.Events) {
			t.Fatalf("%d events paged, %d in all", len(paged), len(all.Events))
		}
		for i := range paged {
			if paged[i].Seq != all.Events[i].Seq {
				t.Fatalf("event %d: seq %d, want %d", i, paged[i].Seq, all.Events[i].Seq)
			}
		}
		for _, tc := range []struct {
			name, version, cursor string
			limit                 int
			want                  want
		}{
			{"cursor 0", v.ID, "0", 10, ok},
			{"limit 0", v.ID, "", 0, input},
			{"cursor negative", v.ID, "-1", 10, input},
			{"cursor with a leading zero", v.ID, "01", 10, input},
			{"cursor not a number", v.ID, "x", 10, input},
			{"unknown version", uid.New(), "", 10, notFound},
		} {
			_, err := svc.FindingEvents(ctx, org, tc.version, tc.cursor, tc.limit)
			check(t, "FindingEvents: "+tc.name, err, tc.want)
		}

		open, err := svc.OpenFindings(ctx, org, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		want, err := svc.Findings(ctx, org, store.FindingQuery{VersionID: v.ID, State: model.FindingOpen, Limit: portfolio.MaxPageLimit})
		if err != nil || len(open) == 0 || len(open) != len(want.Findings) {
			t.Errorf("open findings: %d, want %d (%v)", len(open), len(want.Findings), err)
		}
		if _, err := svc.OpenFindings(ctx, org, uid.New()); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("open findings of an unknown version: %v", err)
		}
	})
}

// The catalogue's reads answer ErrNotFound for what is not the
// organisation's, rather than an empty list.
func TestCatalogueReadsOfOtherOrganisations(t *testing.T) {
	setup(t, func(t *testing.T, svc *portfolio.Service, org string, v model.Version, demoSBOM []byte) {
		ctx := context.Background()
		other, err := svc.CreateOrg(ctx, "other")
		if err != nil {
			t.Fatal(err)
		}
		if vs, err := svc.Versions(ctx, org, v.ProductID); err != nil || len(vs) != 1 || vs[0].ID != v.ID {
			t.Errorf("versions: %+v %v", vs, err)
		}
		if _, err := svc.Versions(ctx, other.ID, v.ProductID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("versions of another organisation's product: %v", err)
		}
		if _, err := svc.SBOMs(ctx, other.ID, v.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("SBOMs of another organisation's version: %v", err)
		}
		p, err := svc.Product(ctx, org, v.ProductID)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := svc.LookupVersion(ctx, org, p.Name, v.Name); err != nil || got.ID != v.ID {
			t.Errorf("lookup: %+v %v", got, err)
		}
		if _, err := svc.LookupVersion(ctx, other.ID, p.Name, v.Name); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("lookup in another organisation: %v", err)
		}
		res, err := svc.Ingest(ctx, org, v.ID, demoSBOM, "a.json")
		if err != nil {
			t.Fatal(err)
		}
		b, content, err := svc.SBOMContent(ctx, org, res.SBOM.ID)
		if err != nil || b.ID != res.SBOM.ID || string(content) != string(demoSBOM) {
			t.Errorf("content: %+v, %d bytes, %v", b, len(content), err)
		}
		if _, _, err := svc.SBOMContent(ctx, other.ID, res.SBOM.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("content of another organisation's SBOM: %v", err)
		}
	})
}

// The administrator's use cases: names are checked, taken names
// conflict, unknown organisations are not found.
func TestAdminUseCases(t *testing.T) {
	setup(t, func(t *testing.T, svc *portfolio.Service, org string, v model.Version, _ []byte) {
		ctx := context.Background()
		if _, err := svc.CreateOrg(ctx, "bad\x00name"); !portfolio.IsInput(err) {
			t.Errorf("bad name: %v", err)
		}
		if _, err := svc.CreateOrg(ctx, "acme"); !errors.Is(err, store.ErrConflict) {
			t.Errorf("taken name: %v", err)
		}
		orgs, err := svc.Orgs(ctx)
		if err != nil || len(orgs) != 1 || orgs[0].ID != org {
			t.Errorf("orgs: %+v %v", orgs, err)
		}
		if _, err := svc.APIKeys(ctx, "nobody"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("keys of an unknown organisation: %v", err)
		}
		_, k, err := svc.CreateAPIKey(ctx, "acme", "ci")
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.RevokeAPIKey(ctx, k.ID); err != nil {
			t.Fatal(err)
		}
		keys, err := svc.APIKeys(ctx, "acme")
		if err != nil || len(keys) != 1 || keys[0].Revoked.IsZero() {
			t.Errorf("keys: %+v %v", keys, err)
		}
		if err := svc.RevokeAPIKey(ctx, uid.New()); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("revoke an unknown key: %v", err)
		}
		ps, err := svc.ProductList(ctx, "acme")
		if err != nil || len(ps) != 1 || ps[0].ID != v.ProductID || len(ps[0].Versions) != 1 || ps[0].Versions[0].ID != v.ID {
			t.Errorf("product list: %+v %v", ps, err)
		}
		if _, err := svc.ProductList(ctx, "nobody"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("products of an unknown organisation: %v", err)
		}
	})
}
