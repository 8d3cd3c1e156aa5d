package cli_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/cli"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/sbom"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/store/sqlstore"
	"github.com/rocca-project/rocca/internal/triage"
)

// TestVEXExportImport exports a version's decision with `rocca vex
// export`, imports the document into the product with `rocca vex import`
// and finds the decision on the other version.
func TestVEXExportImport(t *testing.T) {
	db, sbomPath := demoDB(t)
	ctx := context.Background()
	st, err := sqlstore.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := portfolio.New(st, log, sbom.Limits{})
	org := model.Organisation{Name: "acme"}
	if err := st.CreateOrg(ctx, &org); err != nil {
		t.Fatal(err)
	}
	p := model.Product{Name: "HMI Gateway", Role: model.RoleManufacturer}
	if err := svc.CreateProduct(ctx, org.ID, &p); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(sbomPath)
	if err != nil {
		t.Fatal(err)
	}
	var vs [2]model.Version
	for i, name := range []string{"1.0", "1.1"} {
		vs[i] = model.Version{ProductID: p.ID, Name: name, Lifecycle: model.LifecycleOnMarket}
		if err := svc.CreateVersion(ctx, org.ID, &vs[i]); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Ingest(ctx, org.ID, vs[i].ID, raw, "demo.cdx.json"); err != nil {
			t.Fatal(err)
		}
	}
	first := func(v string) model.TrackedFinding {
		page, err := st.Findings(ctx, org.ID, store.FindingQuery{VersionID: v, Sort: store.SortComponent, Limit: 1})
		if err != nil || len(page.Findings) == 0 {
			t.Fatalf("no finding: %v", err)
		}
		return page.Findings[0]
	}
	f := first(vs[0].ID)
	if _, err := triage.New(st, log, nil).Record(ctx, org.ID, triage.Actor{Label: "test"}, []triage.Decision{{FindingID: f.ID,
		Statement: triage.Statement{Status: model.StatusNotAffected, Justification: "vulnerable_code_not_present"}}}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	doc := filepath.Join(t.TempDir(), "hmi.csaf.json")
	code, out, errs := run(t, "vex", "export", "--org", "acme", "--product", "HMI Gateway", "--version", "1.0", "--format", "csaf",
		"--namespace", "https://acme.example", "-o", doc, "--database", db)
	if code != cli.ExitOK || !strings.Contains(errs, "1 statements written") {
		t.Fatalf("export: exit %d\n%s\n%s", code, out, errs)
	}
	code, out, errs = run(t, "vex", "import", "--org", "acme", "--product", "HMI Gateway", doc, "--database", db)
	if code != cli.ExitOK || !strings.Contains(out, "1 decisions recorded (product scope)") {
		t.Fatalf("import: exit %d\n%s\n%s", code, out, errs)
	}
	st, err = sqlstore.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	g := first(vs[1].ID)
	if g.Analysis == nil || g.Analysis.Status != model.StatusNotAffected || g.Analysis.Justification != "vulnerable_code_not_present" ||
		g.Analysis.DecidedBy != "cli" || g.Analysis.Source != doc {
		t.Errorf("1.1 after the import: %+v", g.Analysis)
	}

	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"vex", "export", "--product", "HMI Gateway"}, cli.ExitUsage, "--org is required"},
		{[]string{"vex", "export", "--org", "acme"}, cli.ExitUsage, "give --version"},
		{[]string{"vex", "export", "--org", "acme", "--product", "HMI Gateway", "--format", "spdx"}, cli.ExitUsage, "--format"},
		{[]string{"vex", "export", "--org", "acme", "--product", "HMI Gateway", "--format", "csaf"}, cli.ExitInput, "namespace"},
		{[]string{"vex", "export", "--org", "acme", "--product", "HMI Gateway", "--version", "9.9"}, cli.ExitInput, "version 9.9"},
		{[]string{"vex", "import", "--org", "acme", "--product", "HMI Gateway", sbomPath}, cli.ExitInput, "holds no VEX statement"},
	} {
		code, _, errs := run(t, append(c.args, "--database", db)...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, %q; want %d with %q", c.args, code, errs, c.code, c.want)
		}
	}
	for _, args := range [][]string{{"vex", "--help"}, {"vex", "import", "--help"}, {"vex", "export", "--help"}} {
		if code, out, _ := run(t, args...); code != cli.ExitOK || !strings.Contains(out, "--org") && args[1] != "--help" {
			t.Errorf("%v: exit %d\n%s", args, code, out)
		}
	}
}
