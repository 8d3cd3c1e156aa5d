package cli_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/cli"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store/sqlstore"
)

// Names that take over a terminal when printed raw: clear screen, an OSC
// window title, an 8-bit CSI (U+009B) and a bidi override.
const (
	clearScreen = "\x1b[2J"
	oscTitle    = "\x1b]0;pwned\x07"
	c1CSI       = "\u009b31m"
	bidi        = "\u202e"
)

// assertNoTerminalControls fails when text holds a character a terminal
// acts on; the escaped form (\x1b...) is what must appear instead.
func assertNoTerminalControls(t *testing.T, what, text string) {
	t.Helper()
	for i, r := range text {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f || r >= 0x80 && r <= 0x9f || r == '\u202e' {
			t.Errorf("%s: raw %U at byte %d: %q", what, r, i, text[max(0, i-20):min(len(text), i+20)])
			return
		}
	}
}

// hostileSBOM writes a CycloneDX SBOM whose product and components carry
// terminal control sequences in their names.
func hostileSBOM(t *testing.T) string {
	t.Helper()
	doc := `{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
  "metadata": {"component": {"type": "firmware", "bom-ref": "p", "name": "gateway` + jsonEsc(oscTitle) + `", "version": "1` + jsonEsc(bidi) + `"}},
  "components": [
    {"type": "library", "bom-ref": "a", "name": "evil` + jsonEsc(clearScreen) + `", "version": "1.0"},
    {"type": "library", "bom-ref": "b", "name": "c1` + jsonEsc(c1CSI) + `", "version": "2.0",
     "purl": "pkg:npm/c1` + `%1B%5B2J` + `@2.0"}
  ]}`
	path := filepath.Join(t.TempDir(), "hostile.cdx.json")
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// jsonEsc writes s's control and non-ASCII characters as JSON \u escapes.
func jsonEsc(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x20 || r >= 0x7f {
			fmt.Fprintf(&b, `\u%04x`, r)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func TestSBOMInspectEscapesNames(t *testing.T) {
	sbom := hostileSBOM(t)
	code, out, errs := run(t, "sbom", "inspect", sbom)
	if code != cli.ExitOK {
		t.Fatalf("sbom inspect: exit %d\n%s\n%s", code, out, errs)
	}
	assertNoTerminalControls(t, "sbom inspect", out)
	assertNoTerminalControls(t, "sbom inspect stderr", errs)
	if !strings.Contains(out, `gateway\x1b]0;pwned\x07`) || !strings.Contains(out, `evil\x1b[2J`) {
		t.Errorf("sbom inspect does not show the escaped names:\n%s", out)
	}
}

func TestScanTableEscapesNames(t *testing.T) {
	db, _ := demoDB(t)
	code, out, errs := run(t, "scan", "--database", db, hostileSBOM(t))
	if code != cli.ExitOK {
		t.Fatalf("scan: exit %d\n%s\n%s", code, out, errs)
	}
	assertNoTerminalControls(t, "scan table", out)
	assertNoTerminalControls(t, "scan stderr", errs)
	if !strings.Contains(out, `gateway\x1b]0;pwned\x07 1\u202e`) || !strings.Contains(out, `evil\x1b[2J`) {
		t.Errorf("scan table does not show the escaped names:\n%s", out)
	}
}

func TestProductListEscapesNames(t *testing.T) {
	db := filepath.Join(t.TempDir(), "rocca.db")
	s, err := sqlstore.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	org := model.Organisation{Name: "Example" + clearScreen}
	p := model.Product{Name: "hmi" + oscTitle + c1CSI, Role: model.RoleManufacturer}
	if err := s.CreateOrg(ctx, &org); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateProduct(ctx, org.ID, &p); err != nil {
		t.Fatal(err)
	}
	v := model.Version{ProductID: p.ID, Name: "2.0" + bidi, Lifecycle: model.LifecycleOnMarket}
	if err := s.CreateVersion(ctx, org.ID, &v); err != nil {
		t.Fatal(err)
	}
	s.Close()

	code, out, errs := run(t, "product", "list", "--org", org.Name, "--database", db)
	if code != cli.ExitOK {
		t.Fatalf("product list: exit %d\n%s\n%s", code, out, errs)
	}
	assertNoTerminalControls(t, "product list", out)
	if !strings.Contains(out, `hmi\x1b]0;pwned\x07\u009b31m`) || !strings.Contains(out, `2.0\u202e`) {
		t.Errorf("product list does not show the escaped names:\n%s", out)
	}
	code, out, _ = run(t, "org", "list", "--database", db)
	assertNoTerminalControls(t, "org list", out)
	if code != cli.ExitOK || !strings.Contains(out, `Example\x1b[2J`) {
		t.Errorf("org list: exit %d\n%s", code, out)
	}
	// An error naming an organisation that does not exist quotes it.
	_, _, errs = run(t, "product", "list", "--org", "no"+clearScreen, "--database", db)
	assertNoTerminalControls(t, "product list error", errs)
}
