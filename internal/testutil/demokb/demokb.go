// Package demokb gives tests a database holding the demonstration
// knowledge base (internal/demo, imported with internal/kb) and the demo
// SBOM, whose known findings include Log4Shell (CVE-2021-44228). It is a
// package of its own because testutil must stay importable from the
// in-package tests of the packages kb depends on.
package demokb

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"testing"

	"github.com/rocca-project/rocca/internal/demo"
	"github.com/rocca-project/rocca/internal/kb"
	"github.com/rocca-project/rocca/internal/store/sqlstore"
	"github.com/rocca-project/rocca/internal/testutil"
)

// Engine is an opened test database with the demo knowledge base.
type Engine struct {
	Name  string
	Store *sqlstore.Store
}

// Open imports the demo knowledge base into a fresh database of every
// test engine (testutil.Engines) and returns them with the demo SBOM.
func Open(t testing.TB) (engines []Engine, sbom []byte) {
	t.Helper()
	dir := t.TempDir()
	feeds, sbomPath, err := demo.WriteTo(dir)
	if err != nil {
		t.Fatal(err)
	}
	sbom, err = os.ReadFile(sbomPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range testutil.Engines(t) {
		s, err := sqlstore.Open(context.Background(), e.URL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		Import(t, s, feeds...)
		engines = append(engines, Engine{Name: e.Name, Store: s})
	}
	return engines, sbom
}

// Import imports feed files into s, failing the test on any problem.
func Import(t testing.TB, s *sqlstore.Store, feeds ...string) {
	t.Helper()
	rep, err := kb.NewImporter(s, slog.New(slog.NewTextHandler(io.Discard, nil))).Import(context.Background(), feeds)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Failed() {
		t.Fatalf("import: %s", rep.Summary())
	}
}

// WithGraph returns the demo SBOM with a dependency graph added: the
// product depends on spring-beans, which depends on log4j-core.
func WithGraph(sbom []byte) []byte {
	i := bytes.LastIndexByte(sbom, ']')
	graph := `],
  "dependencies": [
    {"ref": "product", "dependsOn": ["spring-beans", "x-net"]},
    {"ref": "spring-beans", "dependsOn": ["log4j-core"]}
  ]`
	return append(append(append([]byte{}, sbom[:i]...), graph...), sbom[i+1:]...)
}
