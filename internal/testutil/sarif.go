package testutil

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// SARIFMultitool returns the path of Microsoft's SARIF validator (the
// Sarif.Multitool executable of @microsoft/sarif-multitool) given by
// ROCCA_SARIF_MULTITOOL, which scripts/test.sh sets after installing it, or
// skips the test with a message saying how to run it.
func SARIFMultitool(t testing.TB) string {
	t.Helper()
	exe := os.Getenv("ROCCA_SARIF_MULTITOOL")
	if exe == "" {
		t.Skip("ROCCA_SARIF_MULTITOOL is not set; to run this test: " +
			"export ROCCA_SARIF_MULTITOOL=$(scripts/install-sarif-multitool.sh) " +
			"(from the repository root; needs npm the first time), or run ./scripts/test.sh")
	}
	if _, err := os.Stat(exe); err != nil {
		t.Fatalf("ROCCA_SARIF_MULTITOOL: %v", err)
	}
	return exe
}

// ValidateSARIF writes doc to dir/name, runs the validator on it and
// returns its errors and warnings, each as "RULEID: message". The
// validator exits 0 whatever it finds, so its own SARIF output is read:
// an error is a result whose level (given, or its rule's default) is
// "error", or an error notification of the validator itself.
func ValidateSARIF(t testing.TB, exe, dir, name string, doc []byte) (errs, warnings []string) {
	t.Helper()
	in := filepath.Join(dir, name)
	out := filepath.Join(dir, name+".validation.sarif")
	if err := os.WriteFile(in, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "validate", in, "--output", out, "--log", "ForceOverwrite", "--rule-kind", "Sarif;Gh")
	// The .NET runtime in the tool needs ICU unless told to do without;
	// rocca's inputs need no culture data.
	cmd.Env = append(os.Environ(), "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1", "DOTNET_CLI_TELEMETRY_OPTOUT=1")
	cmd.Dir = dir
	done := make(chan struct{})
	var console []byte
	var runErr error
	go func() {
		console, runErr = cmd.CombinedOutput()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(3 * time.Minute):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("validator timed out on %s:\n%s", name, console)
	}
	if runErr != nil {
		var exit *exec.ExitError
		if !errors.As(runErr, &exit) {
			t.Fatalf("running the validator: %v", runErr)
		}
		t.Fatalf("validator exited with %v on %s:\n%s", runErr, name, console)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("validator wrote no report for %s (%v):\n%s", name, err, console)
	}
	var report struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID                   string `json:"id"`
						DefaultConfiguration struct {
							Level string `json:"level"`
						} `json:"defaultConfiguration"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Invocations []struct {
				ExecutionSuccessful bool `json:"executionSuccessful"`
				Notifications       []struct {
					Level   string `json:"level"`
					Message struct {
						Text string `json:"text"`
					} `json:"message"`
				} `json:"toolExecutionNotifications"`
				ConfigNotifications []struct {
					Level   string `json:"level"`
					Message struct {
						Text string `json:"text"`
					} `json:"message"`
				} `json:"toolConfigurationNotifications"`
			} `json:"invocations"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex *int   `json:"ruleIndex"`
				Level     string `json:"level"`
				Message   struct {
					Text      string   `json:"text"`
					ID        string   `json:"id"`
					Arguments []string `json:"arguments"`
				} `json:"message"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &report); err != nil {
		t.Fatalf("validator report for %s: %v", name, err)
	}
	if len(report.Runs) == 0 || len(report.Runs[0].Invocations) == 0 {
		t.Fatalf("validator report for %s has no run or invocation:\n%s", name, console)
	}
	run := report.Runs[0]
	inv := run.Invocations[0]
	if !inv.ExecutionSuccessful {
		t.Fatalf("validator did not run successfully on %s:\n%s", name, console)
	}
	for _, n := range append(inv.Notifications, inv.ConfigNotifications...) {
		if n.Level == "error" {
			t.Fatalf("validator error on %s: %s\n%s", name, n.Message.Text, console)
		}
	}
	for _, r := range run.Results {
		level := r.Level
		if level == "" && r.RuleIndex != nil && *r.RuleIndex < len(run.Tool.Driver.Rules) {
			level = run.Tool.Driver.Rules[*r.RuleIndex].DefaultConfiguration.Level
		}
		if level == "" {
			level = "warning" // SARIF's default
		}
		text := r.Message.Text
		if text == "" {
			text = r.Message.ID + " " + strings.Join(r.Message.Arguments, "; ")
		}
		entry := r.RuleID + ": " + text
		switch level {
		case "error":
			errs = append(errs, entry)
		case "warning":
			warnings = append(warnings, entry)
		}
	}
	if len(errs) > 0 {
		t.Logf("validator console output for %s:\n%s", name, console)
	}
	return errs, warnings
}
