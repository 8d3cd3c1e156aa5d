package testutil

import (
	"os"
	"path/filepath"
	"testing"
)

// ModuleRoot returns the directory holding go.mod, found by walking up from
// the test's working directory.
func ModuleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("getwd: %v", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("no go.mod above the test directory")
		}
		dir = parent
	}
}

// Corpora returns the path of ../shared/corpora beside the module root, or
// skips the test with a clear message when it is absent (a contributor's
// clone has no ../shared; the test command and CI have it). ROCCA_CORPORA
// overrides the location.
func Corpora(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("ROCCA_CORPORA")
	if dir == "" {
		dir = filepath.Join(ModuleRoot(t), "..", "shared", "corpora")
	}
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared corpora not found at %s (set ROCCA_CORPORA or place ../shared beside the clone): %v", dir, err)
	}
	return dir
}
