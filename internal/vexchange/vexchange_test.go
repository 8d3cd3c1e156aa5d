package vexchange_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/sbom"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/store/sqlstore"
	"github.com/rocca-project/rocca/internal/testutil/demokb"
	"github.com/rocca-project/rocca/internal/triage"
	"github.com/rocca-project/rocca/internal/vex"
	"github.com/rocca-project/rocca/internal/vexchange"
)

type fixture struct {
	st       *sqlstore.Store
	x        *vexchange.Service
	org      string
	product  model.Product
	v10, v11 model.Version
}

// setup makes a product with version 1.0 (the demo SBOM, x/net v0.15.0)
// and 1.1 (x/net v0.14.0).
func setup(t *testing.T, st *sqlstore.Store, demo []byte) *fixture {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := portfolio.New(st, log, sbom.Limits{})
	o := model.Organisation{Name: "acme"}
	if err := st.CreateOrg(ctx, &o); err != nil {
		t.Fatal(err)
	}
	fx := &fixture{st: st, x: vexchange.New(st, triage.New(st, log, nil), log, nil), org: o.ID,
		product: model.Product{Name: "HMI", Role: model.RoleManufacturer}}
	if err := svc.CreateProduct(ctx, o.ID, &fx.product); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		v   *model.Version
		doc []byte
	}{{&fx.v10, demo}, {&fx.v11, bytes.ReplaceAll(demo, []byte("v0.15.0"), []byte("v0.14.0"))}} {
		*c.v = model.Version{ProductID: fx.product.ID, Name: map[bool]string{true: "1.0", false: "1.1"}[c.v == &fx.v10], Lifecycle: model.LifecycleOnMarket}
		if err := svc.CreateVersion(ctx, o.ID, c.v); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Ingest(ctx, o.ID, c.v.ID, c.doc, "hmi.cdx.json"); err != nil {
			t.Fatal(err)
		}
	}
	return fx
}

// finding returns the version's open finding of vuln in a component whose
// purl starts with purl.
func (fx *fixture) finding(t *testing.T, version, purl, vuln string) model.TrackedFinding {
	t.Helper()
	page, err := fx.st.Findings(context.Background(), fx.org, store.FindingQuery{VersionID: version, Sort: store.SortComponent, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range page.Findings {
		if strings.HasPrefix(f.Component.PURL, purl) && f.VulnID == vuln {
			return f
		}
	}
	t.Fatalf("no finding %s in %s of version %s", vuln, purl, version)
	return model.TrackedFinding{}
}

func openVEX(stmts ...map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://acme.example/vex/1",
		"author": "Acme", "timestamp": "2026-12-01T10:00:00Z", "version": 1, "statements": stmts})
	return b
}

func stmt(purl, status string, extra ...string) map[string]any {
	s := map[string]any{"vulnerability": map[string]any{"name": "CVE-2023-44487"}, "status": status,
		"products": []any{map[string]any{"@id": purl}}}
	for i := 0; i+1 < len(extra); i += 2 {
		s[extra[i]] = extra[i+1]
	}
	return s
}

// TestImportProductByComponentVersion: a product-wide import of a
// document that says different things about two versions of a component
// keeps each to its component version; one that says the same of all
// records one decision.
func TestImportProductByComponentVersion(t *testing.T) {
	es, demo := demokb.Open(t)
	for _, e := range es {
		t.Run(e.Name, func(t *testing.T) {
			fx := setup(t, e.Store, demokb.WithGraph(demo))
			ctx := context.Background()
			actor := triage.Actor{Label: "test"}
			const xnet = "pkg:golang/golang.org/x/net@"
			doc := openVEX(stmt(xnet+"v0.15.0", "not_affected", "justification", "vulnerable_code_not_in_execute_path"),
				stmt(xnet+"v0.14.0", "affected", "action_statement", "Update x/net."))
			res, err := fx.x.ImportProduct(ctx, fx.org, actor, fx.product.ID, bytes.NewReader(doc), vexchange.ImportOptions{Name: "two.json"})
			if err != nil {
				t.Fatal(err)
			}
			if res.Recorded != 2 || len(res.Applied) != 2 || len(res.Unmatched) != 0 {
				t.Fatalf("%+v", res)
			}
			for _, a := range res.Applied {
				if a.Scope != model.ScopeProduct || a.ComponentRange != "="+strings.TrimPrefix(a.Component, xnet) {
					t.Errorf("not bounded to its component version: %+v", a)
				}
			}
			f10 := fx.finding(t, fx.v10.ID, xnet, "CVE-2023-44487")
			f11 := fx.finding(t, fx.v11.ID, xnet, "CVE-2023-44487")
			if f10.EffectiveStatus() != model.StatusNotAffected || f11.EffectiveStatus() != model.StatusAffected {
				t.Errorf("1.0 %s (%+v), 1.1 %s (%+v)", f10.EffectiveStatus(), f10.Analysis, f11.EffectiveStatus(), f11.Analysis)
			}
			// The same of every version: one product-wide decision.
			doc = openVEX(stmt("pkg:golang/golang.org/x/net", "fixed"))
			res, err = fx.x.ImportProduct(ctx, fx.org, actor, fx.product.ID, bytes.NewReader(doc), vexchange.ImportOptions{Name: "one.json"})
			if err != nil {
				t.Fatal(err)
			}
			if res.Recorded != 1 || len(res.Applied) != 2 || res.Applied[0].DecisionID != res.Applied[1].DecisionID {
				t.Fatalf("%+v", res)
			}
			for _, v := range []string{fx.v10.ID, fx.v11.ID} {
				f := fx.finding(t, v, xnet, "CVE-2023-44487")
				if f.EffectiveStatus() != model.StatusFixed || f.Analysis.Scope != model.ScopeProduct || f.Analysis.ComponentRange != "" {
					t.Errorf("version %s: %+v", v, f.Analysis)
				}
			}

			// Different things of one component version in two product
			// versions: a version-wide decision each, where it was said.
			svc := portfolio.New(fx.st, slog.New(slog.NewTextHandler(io.Discard, nil)), sbom.Limits{})
			if _, err := svc.Ingest(ctx, fx.org, fx.v11.ID, demokb.WithGraph(demo), "hmi-again.cdx.json"); err != nil {
				t.Fatal(err)
			}
			in := func(version, status string, extra ...string) map[string]any {
				s := stmt(xnet+"v0.15.0", status, extra...)
				s["products"] = []any{map[string]any{"@id": "HMI@" + version, "subcomponents": []any{map[string]any{"@id": xnet + "v0.15.0"}}}}
				return s
			}
			doc = openVEX(in("1.0", "under_investigation"), in("1.1", "not_affected", "justification", "component_not_present"))
			res, err = fx.x.ImportProduct(ctx, fx.org, actor, fx.product.ID, bytes.NewReader(doc), vexchange.ImportOptions{Name: "per-version.json"})
			if err != nil {
				t.Fatal(err)
			}
			if res.Recorded != 2 || len(res.Unmatched) != 0 {
				t.Fatalf("%+v", res)
			}
			for v, want := range map[string]model.Status{fx.v10.ID: model.StatusUnderInvestigation, fx.v11.ID: model.StatusNotAffected} {
				f := fx.finding(t, v, xnet+"v0.15.0", "CVE-2023-44487")
				if f.EffectiveStatus() != want || f.Analysis.Scope != model.ScopeVersion || f.Analysis.Source != "per-version.json" {
					t.Errorf("version %s: %+v, want %s at version scope", v, f.Analysis, want)
				}
			}
		})
	}
}

// TestExportRefusals: CSAF needs a namespace and a statement; formats and
// namespaces are checked.
func TestExportRefusals(t *testing.T) {
	es, demo := demokb.Open(t)
	fx := setup(t, es[0].Store, demokb.WithGraph(demo))
	ctx := context.Background()
	for _, c := range []struct {
		o    vexchange.ExportOptions
		want string
	}{
		{vexchange.ExportOptions{Format: vex.FormatCSAF}, "namespace"},
		{vexchange.ExportOptions{Format: vex.FormatCSAF, BaseURL: "https://acme.example"}, "no decided finding"},
		{vexchange.ExportOptions{Format: vex.FormatOpenVEX, BaseURL: "file:///etc"}, "namespace"},
		{vexchange.ExportOptions{Format: "spdx"}, "format"},
	} {
		var b bytes.Buffer
		_, err := fx.x.ExportVersion(ctx, fx.org, fx.v10.ID, &b, c.o)
		if !portfolio.IsInput(err) || !strings.Contains(err.Error(), c.want) || b.Len() != 0 {
			t.Errorf("%+v: %v", c.o, err)
		}
	}
	// Without a base URL the id is a stable urn:uuid.
	var a, b bytes.Buffer
	for _, w := range []*bytes.Buffer{&a, &b} {
		if _, err := fx.x.ExportVersion(ctx, fx.org, fx.v10.ID, w, vexchange.ExportOptions{Format: vex.FormatOpenVEX, Untriaged: true}); err != nil {
			t.Fatal(err)
		}
	}
	var da, db struct {
		ID         string `json:"@id"`
		Statements []any
	}
	if json.Unmarshal(a.Bytes(), &da) != nil || json.Unmarshal(b.Bytes(), &db) != nil || !strings.HasPrefix(da.ID, "urn:uuid:") ||
		da.ID != db.ID || len(da.Statements) == 0 {
		t.Errorf("ids %q %q, %d statements", da.ID, db.ID, len(da.Statements))
	}
}
