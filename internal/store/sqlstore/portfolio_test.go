package sqlstore_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/store/sqlstore"
	"github.com/rocca-project/rocca/internal/testutil"
)

// forEachEngine runs fn on a fresh database of every test engine.
func forEachEngine(t *testing.T, fn func(t *testing.T, s *sqlstore.Store)) {
	for _, e := range testutil.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			s, err := sqlstore.Open(context.Background(), e.URL)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			fn(t, s)
		})
	}
}

// tenant creates an organisation with one product and one version.
func tenant(t *testing.T, s *sqlstore.Store, name string) (org model.Organisation, v model.Version) {
	t.Helper()
	ctx := context.Background()
	org = model.Organisation{Name: name}
	if err := s.CreateOrg(ctx, &org); err != nil {
		t.Fatal(err)
	}
	p := model.Product{Name: "gateway", Role: model.RoleManufacturer, SupportEnd: time.Date(2031, 12, 31, 0, 0, 0, 0, time.UTC)}
	if err := s.CreateProduct(ctx, org.ID, &p); err != nil {
		t.Fatal(err)
	}
	v = model.Version{ProductID: p.ID, Name: "1.0", Lifecycle: model.LifecycleOnMarket}
	if err := s.CreateVersion(ctx, org.ID, &v); err != nil {
		t.Fatal(err)
	}
	return org, v
}

func TestPortfolioProductsAndIsolation(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		a, va := tenant(t, s, "acme")
		b, _ := tenant(t, s, "bolt")
		if err := s.CreateOrg(ctx, &model.Organisation{Name: "acme"}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("duplicate organisation: %v", err)
		}
		ps, err := s.Products(ctx, a.ID)
		if err != nil || len(ps) != 1 || ps[0].SupportEnd.Year() != 2031 || ps[0].Role != model.RoleManufacturer {
			t.Fatalf("products %+v %v", ps, err)
		}
		if err := s.CreateProduct(ctx, a.ID, &model.Product{Name: "gateway", Role: model.RoleImporter}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("duplicate product: %v", err)
		}
		// Another organisation sees nothing of a's rows, and cannot attach to them.
		if _, err := s.Product(ctx, b.ID, ps[0].ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("cross-org product: %v", err)
		}
		if _, err := s.Version(ctx, b.ID, va.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("cross-org version: %v", err)
		}
		if err := s.CreateVersion(ctx, b.ID, &model.Version{ProductID: ps[0].ID, Name: "2.0", Lifecycle: model.LifecycleDevelopment}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("version on another org's product: %v", err)
		}
		if vs, err := s.Versions(ctx, b.ID, ps[0].ID); err != nil || len(vs) != 0 {
			t.Errorf("cross-org versions: %v %v", vs, err)
		}
		got, err := s.VersionByName(ctx, a.ID, ps[0].ID, "1.0")
		if err != nil || got.ID != va.ID || got.Lifecycle != model.LifecycleOnMarket {
			t.Errorf("version by name: %+v %v", got, err)
		}
	})
}

func TestPortfolioAPIKeysAndTokens(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		a, va := tenant(t, s, "acme")
		b, _ := tenant(t, s, "bolt")
		k := model.APIKey{Label: "ci", Prefix: "rocca_ab"}
		if err := s.CreateAPIKey(ctx, a.ID, &k, "hash-a"); err != nil {
			t.Fatal(err)
		}
		got, err := s.APIKeyByHash(ctx, "hash-a")
		if err != nil || got.OrgID != a.ID || got.Label != "ci" || !got.Revoked.IsZero() {
			t.Fatalf("by hash: %+v %v", got, err)
		}
		if err := s.TouchAPIKey(ctx, a.ID, k.ID, time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeAPIKey(ctx, k.ID, time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeAPIKey(ctx, "nope", time.Now()); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("revoke unknown: %v", err)
		}
		keys, _ := s.APIKeys(ctx, a.ID)
		if len(keys) != 1 || keys[0].Revoked.IsZero() || keys[0].LastUsed.IsZero() {
			t.Errorf("keys %+v", keys)
		}
		if keys, _ := s.APIKeys(ctx, b.ID); len(keys) != 0 {
			t.Errorf("other org's keys %+v", keys)
		}
		tok := model.UploadToken{VersionID: va.ID, State: model.UploadQueued}
		if err := s.CreateUploadToken(ctx, a.ID, &tok); err != nil {
			t.Fatal(err)
		}
		if err := s.SetUploadState(ctx, a.ID, tok.Token, model.UploadFailed, "", "boom", time.Now()); err != nil {
			t.Fatal(err)
		}
		if got, err := s.UploadToken(ctx, a.ID, tok.Token); err != nil || got.State != model.UploadFailed || got.Error != "boom" {
			t.Errorf("token %+v %v", got, err)
		}
		if _, err := s.UploadToken(ctx, b.ID, tok.Token); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("cross-org token: %v", err)
		}
		if err := s.SetUploadState(ctx, b.ID, tok.Token, model.UploadDone, "", "", time.Now()); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("cross-org token update: %v", err)
		}
	})
}

func TestPortfolioIngestAndFindingPages(t *testing.T) {
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		a, va := tenant(t, s, "acme")
		b, _ := tenant(t, s, "bolt")
		content := []byte(`{"bomFormat":"CycloneDX"}` + "\n  ")
		sb := model.StoredSBOM{VersionID: va.ID, Name: "bom.json", Digest: "d1", Size: int64(len(content)), Format: "CycloneDX", Components: 2}
		seen := time.Now().UTC()
		err := s.Ingest(ctx, a.ID, func(tx store.IngestTx) error {
			if _, err := tx.Version(ctx, va.ID); err != nil {
				return err
			}
			if _, err := tx.SBOMByDigest(ctx, va.ID, "d1"); !errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("digest before put: %v", err)
			}
			if err := tx.PutSBOM(ctx, &sb, content); err != nil {
				return err
			}
			cs := []model.StoredComponent{
				{SBOMID: sb.ID, VersionID: va.ID, Root: true, Component: model.Component{Ref: "app", Name: "app"}},
				{SBOMID: sb.ID, VersionID: va.ID, Component: model.Component{Ref: "a", Name: "a", Licenses: []string{"MIT"}, Hashes: []model.Hash{{Alg: "SHA-256", Value: "00"}}}},
				{SBOMID: sb.ID, VersionID: va.ID, Component: model.Component{Ref: "b", Name: "b"}},
			}
			if err := tx.PutComponents(ctx, 0, cs); err != nil {
				return err
			}
			if err := tx.PutEdges(ctx, va.ID, sb.ID, []model.Dependency{{Ref: "app", DependsOn: []string{"a", "a"}}, {Ref: "a", DependsOn: []string{"b"}}}); err != nil {
				return err
			}
			if err := tx.SetCurrentSBOM(ctx, va.ID, sb.ID); err != nil {
				return err
			}
			var evs []model.FindingEvent
			for i := range 250 {
				f := model.TrackedFinding{VersionID: va.ID, ComponentID: cs[1+i%2].ID, ComponentKey: fmt.Sprintf("pkg:x/c%03d", i),
					VulnID: fmt.Sprintf("CVE-2024-%04d", i), VulnIDs: []string{"X"}, State: model.FindingOpen,
					Severity: model.Severity{Rating: []model.Rating{model.RatingLow, model.RatingHigh, model.RatingCritical}[i%3], Score: float64(i%10) / 2},
					KEV:      i%5 == 0, EPSS: float64(i%7) / 7, FirstSeen: seen.Add(time.Duration(i%4) * time.Second), LastSeen: seen}
				if err := tx.PutFinding(ctx, &f); err != nil {
					return err
				}
				evs = append(evs, model.FindingEvent{FindingID: f.ID, VersionID: va.ID, SBOMID: sb.ID, Kind: model.EventNew, At: seen})
			}
			return tx.AddEvents(ctx, evs)
		})
		if err != nil {
			t.Fatal(err)
		}
		// Original bytes come back byte for byte; other org sees nothing.
		if got, err := s.SBOMContent(ctx, a.ID, sb.ID); err != nil || !bytes.Equal(got, content) {
			t.Fatalf("content %q %v", got, err)
		}
		if _, err := s.SBOMContent(ctx, b.ID, sb.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("cross-org content: %v", err)
		}
		cs, err := s.Components(ctx, a.ID, sb.ID)
		if err != nil || len(cs) != 3 || !cs[0].Root || cs[1].Licenses[0] != "MIT" || cs[1].Hashes[0].Value != "00" {
			t.Fatalf("components %+v %v", cs, err)
		}
		if _, err := s.Component(ctx, b.ID, cs[1].ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("cross-org component: %v", err)
		}
		edges, err := s.Edges(ctx, a.ID, sb.ID)
		if err != nil || len(edges) != 2 || len(edges[1].DependsOn) != 1 {
			t.Errorf("edges %+v %v", edges, err)
		}
		if v, _ := s.Version(ctx, a.ID, va.ID); v.CurrentSBOM != sb.ID {
			t.Errorf("current SBOM %q", v.CurrentSBOM)
		}
		// A failing ingestion keeps nothing.
		boom := errors.New("boom")
		err = s.Ingest(ctx, a.ID, func(tx store.IngestTx) error {
			sb2 := model.StoredSBOM{VersionID: va.ID, Digest: "d2", Format: "CycloneDX"}
			if err := tx.PutSBOM(ctx, &sb2, content); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if sboms, _ := s.SBOMs(ctx, a.ID, va.ID); len(sboms) != 1 {
			t.Errorf("rolled-back SBOM kept: %d", len(sboms))
		}
		// Another organisation's transaction cannot write into a's version.
		err = s.Ingest(ctx, b.ID, func(tx store.IngestTx) error {
			return tx.PutSBOM(ctx, &model.StoredSBOM{VersionID: va.ID, Digest: "d3", Format: "CycloneDX"}, content)
		})
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("cross-org ingest: %v", err)
		}
		checkPages(t, s, a.ID, va.ID)
		evs, err := s.FindingEvents(ctx, a.ID, va.ID, 0, 1000)
		if err != nil || len(evs) != 250 || evs[0].Seq >= evs[1].Seq {
			t.Errorf("events %d %v", len(evs), err)
		}
		if evs, _ := s.FindingEvents(ctx, b.ID, va.ID, 0, 1000); len(evs) != 0 {
			t.Errorf("cross-org events %d", len(evs))
		}
	})
}

// checkPages walks every sort with a small page size and checks that the
// pages cover each finding once, in order, and that filters apply.
func checkPages(t *testing.T, s *sqlstore.Store, org, version string) {
	ctx := context.Background()
	for _, sort := range []store.FindingSort{store.SortSeverity, store.SortEPSS, store.SortFirstSeen, store.SortComponent} {
		seen := map[string]bool{}
		q := store.FindingQuery{VersionID: version, Sort: sort, Limit: 17}
		var prev *model.TrackedFinding
		for pages := 0; ; pages++ {
			page, err := s.Findings(ctx, org, q)
			if err != nil {
				t.Fatalf("%s: %v", sort, err)
			}
			for i := range page.Findings {
				f := &page.Findings[i]
				if seen[f.ID] {
					t.Fatalf("%s: %s twice", sort, f.ID)
				}
				seen[f.ID] = true
				if prev != nil && sort == store.SortSeverity && prev.Severity.Rating.Rank() < f.Severity.Rating.Rank() {
					t.Fatalf("%s: out of order", sort)
				}
				prev = f
			}
			if page.Next == "" {
				break
			}
			q.Cursor = page.Next
		}
		if len(seen) != 250 {
			t.Errorf("%s: %d findings over all pages, want 250", sort, len(seen))
		}
	}
	kev := true
	page, err := s.Findings(ctx, org, store.FindingQuery{VersionID: version, MinSeverity: model.RatingHigh, KEV: &kev, MinEPSS: 0.1, State: model.FindingOpen, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range page.Findings {
		if !f.KEV || f.Severity.Rating.Rank() < model.RatingHigh.Rank() || f.EPSS < 0.1 {
			t.Errorf("filter let through %+v", f)
		}
	}
	if len(page.Findings) == 0 {
		t.Error("filters returned nothing")
	}
	if _, err := s.Findings(ctx, org, store.FindingQuery{VersionID: version, Sort: store.SortEPSS, Cursor: "garbage", Limit: 5}); !errors.Is(err, store.ErrInvalidCursor) {
		t.Errorf("bad cursor: %v", err)
	}
	first, _ := s.Findings(ctx, org, store.FindingQuery{VersionID: version, Sort: store.SortSeverity, Limit: 5})
	if _, err := s.Findings(ctx, org, store.FindingQuery{VersionID: version, Sort: store.SortEPSS, Cursor: first.Next, Limit: 5}); !errors.Is(err, store.ErrInvalidCursor) {
		t.Errorf("cursor of another sort: %v", err)
	}
	// Forged cursors with values no column holds (a 64-bit rank, a NUL in
	// a text) are invalid cursors on both engines, not database errors.
	for _, forged := range []struct {
		sort   store.FindingSort
		cursor string
	}{
		{store.SortSeverity, `{"s":"severity","i":[9223372036854775807],"n":[1],"t":["x"]}`},
		{store.SortSeverity, `{"s":"severity","i":[-9223372036854775808],"n":[1],"t":["x"]}`},
		{store.SortComponent, `{"s":"component","t":["a\u0000","b","c"]}`},
		{store.SortFirstSeen, `{"s":"first_seen","t":["x","\u0000"]}`},
	} {
		c := base64.RawURLEncoding.EncodeToString([]byte(forged.cursor))
		if _, err := s.Findings(ctx, org, store.FindingQuery{VersionID: version, Sort: forged.sort, Cursor: c, Limit: 5}); !errors.Is(err, store.ErrInvalidCursor) {
			t.Errorf("forged cursor %s: %v", forged.cursor, err)
		}
	}
}
