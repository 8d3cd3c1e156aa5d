package testutil

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// CSAFValidator returns the path of the runner of BSI's CSAF validator
// library (scripts/validate-csaf.mjs installed next to
// @secvisogram/csaf-validator-lib) given by ROCCA_CSAF_VALIDATOR, which
// scripts/test.sh sets after installing it, or skips the test with a
// message saying how to run it.
func CSAFValidator(t testing.TB) string {
	t.Helper()
	runner := os.Getenv("ROCCA_CSAF_VALIDATOR")
	if runner == "" {
		t.Skip("ROCCA_CSAF_VALIDATOR is not set; to run this test: " +
			"export ROCCA_CSAF_VALIDATOR=$(scripts/install-csaf-validator.sh) " +
			"(from the repository root; needs node and npm the first time), or run ./scripts/test.sh")
	}
	if _, err := os.Stat(runner); err != nil {
		t.Fatalf("ROCCA_CSAF_VALIDATOR: %v", err)
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatalf("ROCCA_CSAF_VALIDATOR is set but node is not found: %v", err)
	}
	return runner
}

// CSAFResult is what the validator found in one document.
type CSAFResult struct {
	// IsValid is the library's verdict: no schema or mandatory test
	// failed.
	IsValid bool `json:"isValid"`
	// Ran lists the tests run (csaf_2_0, csaf_2_0_strict,
	// mandatoryTest_6_1_1...).
	Ran []string `json:"ran"`
	// Failed lists each failed test with its errors.
	Failed []struct {
		Name   string `json:"name"`
		Errors []struct {
			InstancePath string `json:"instancePath"`
			Message      string `json:"message"`
		} `json:"errors"`
	} `json:"failed"`
}

// Errors returns the failures as "test: /path: message" lines.
func (r *CSAFResult) Errors() []string {
	var out []string
	for _, f := range r.Failed {
		if len(f.Errors) == 0 {
			out = append(out, f.Name+": failed")
		}
		for _, e := range f.Errors {
			out = append(out, f.Name+": "+e.InstancePath+": "+e.Message)
		}
	}
	return out
}

// ValidateCSAF writes each document of docs (file name → content) into
// dir and runs the schema and mandatory tests of the validator on all of
// them in one run (loading the library takes seconds), returning the
// results by file name. It fails the test when the validator cannot run or
// did not run the VEX profile tests 6.1.27.7-6.1.27.10.
func ValidateCSAF(t testing.TB, runner, dir string, docs map[string][]byte) map[string]*CSAFResult {
	t.Helper()
	args := []string{runner}
	byPath := map[string]string{}
	for name, doc := range docs {
		in := filepath.Join(dir, name)
		if err := os.WriteFile(in, doc, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, in)
		byPath[in] = name
	}
	slices.Sort(args[1:])
	cmd := exec.Command("node", args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("running the CSAF validator: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("CSAF validator failed: %v\n%s", err, stderr.Bytes())
		}
	case <-time.After(5 * time.Minute):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("CSAF validator timed out")
	}
	out := map[string]*CSAFResult{}
	for _, line := range bytes.Split(bytes.TrimSpace(stdout.Bytes()), []byte("\n")) {
		var r struct {
			File string `json:"file"`
			CSAFResult
		}
		if err := json.Unmarshal(line, &r); err != nil {
			t.Fatalf("CSAF validator output: %v\n%s\n%s", err, stdout.Bytes(), stderr.Bytes())
		}
		for _, want := range []string{"csaf_2_0_strict", "mandatoryTest_6_1_27_7", "mandatoryTest_6_1_27_8", "mandatoryTest_6_1_27_9", "mandatoryTest_6_1_27_10"} {
			if !slices.Contains(r.Ran, want) {
				t.Fatalf("CSAF validator did not run %s (ran %v)", want, r.Ran)
			}
		}
		out[byPath[r.File]] = &r.CSAFResult
	}
	for name := range docs {
		if out[name] == nil {
			t.Fatalf("CSAF validator gave no result for %s:\n%s", name, stderr.Bytes())
		}
	}
	return out
}
