package cases

import (
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/msg"
	"github.com/rocca-project/rocca/internal/reporting"
)

// TestLogDetailRoundTrip: every detail the case log words reads back as
// its sentence (code and arguments), including a person's text with the
// separators the wordings use; details rocca did not word are not read.
func TestLogDetailRoundTrip(t *testing.T) {
	at := time.Date(2026, 10, 24, 21, 30, 0, 0, time.UTC)
	later := at.Add(26 * time.Hour)
	tricky := "seen on the gateway: see ticket 7; (after review) \"quoted\"\nsecond line"
	tests := []struct {
		action string
		text   msg.Text
		want   string
	}{
		{"opened", logOpenedByHand("Gateway: RCE"), "opened by hand: Gateway: RCE"},
		{"opened", logOpenedKEV("CVE-2026-1", "2026-10-01", "HMI 4.2 (on_market), HMI 4.3 (development)"),
			"CVE-2026-1 is known exploited (listed since 2026-10-01); open finding in HMI 4.2 (on_market), HMI 4.3 (development); awaiting assessment"},
		{"opened", logOpenedKEV("CVE-2026-1", "", "HMI 4.2 (on_market)"), "CVE-2026-1 is known exploited; open finding in HMI 4.2 (on_market); awaiting assessment"},
		{"awareness", logAware(at, tricky), "aware at 2026-10-24T21:30:00Z: " + tricky},
		{"awareness", logAwareAfter(at, tricky, 135*time.Minute), "aware at 2026-10-24T21:30:00Z: " + tricky + " (after 2h15m0s in assessment)"},
		{"awareness", logAwareChanged(at, later, "confirmed"), "awareness changed from 2026-10-24T21:30:00Z to 2026-10-25T23:30:00Z: confirmed"},
		{"fix", logFix(time.Time{}, at, ""), "fix available at 2026-10-24T21:30:00Z"},
		{"fix", logFix(time.Time{}, at, "update to 4.2.1: see notes"), "fix available at 2026-10-24T21:30:00Z: update to 4.2.1: see notes"},
		{"fix", logFix(at, later, ""), "fix availability changed from 2026-10-24T21:30:00Z to 2026-10-25T23:30:00Z"},
		{"fix", logFix(at, later, "4.2.2"), "fix availability changed from 2026-10-24T21:30:00Z to 2026-10-25T23:30:00Z: 4.2.2"},
		{"intermediate_requested", logIntermediate(later), "CSIRT asked for an intermediate report due 2026-10-25T23:30:00Z"},
		{"owner", logOwner("", `Ada "the PSIRT" → Lovelace`), `owner "" → "Ada \"the PSIRT\" → Lovelace"`},
		{"title", logTitle("New: title"), "title: New: title"},
		{"statement", logStatement(), "severity and impact statement edited"},
		{"closed", logNotExploitable("vulnerable_code_not_in_execute_path", tricky, true),
			"not exploitable in the product (vulnerable_code_not_in_execute_path): " + tricky + "; not_affected decision recorded"},
		{"closed", logNotExploitable("component_not_present", "not shipped", false), "not exploitable in the product (component_not_present): not shipped"},
		{"submission", logSubmitted(reporting.StageEarlyWarning, at, ""), "early_warning submitted at 2026-10-24T21:30:00Z"},
		{"submission", logSubmitted(reporting.StageNotification, at, "SRP-1, 2"), "notification submitted at 2026-10-24T21:30:00Z, SRP reference SRP-1, 2"},
		{"submission", logAlreadyProvided(reporting.StageFinalReport), "final_report: information already provided"},
		{"version_added", logVersionAdded("HMI 4.3, HMI 4.4"), "affected: HMI 4.3, HMI 4.4"},
		{"reopened", logReopened(), "a version not covered by the closing decision is affected"},
	}
	for _, tt := range tests {
		t.Run(tt.text.Code, func(t *testing.T) {
			if tt.text.English != tt.want {
				t.Fatalf("worded %q, want %q", tt.text.English, tt.want)
			}
			got, ok := ParseLogDetail(tt.action, tt.want)
			if !ok || got.Code != tt.text.Code || got.English != tt.want || len(got.Args) != len(tt.text.Args) {
				t.Errorf("ParseLogDetail = %+v, %v; want code %s", got, ok, tt.text.Code)
			}
		})
	}
	for _, c := range []struct{ action, detail string }{
		{"closed", "the parser is not reachable"}, {"awareness", "aware at yesterday: x"}, {"owner", `owner a → b`},
		{"unknown", "opened by hand: x"}, {"title", "renamed"}, {"submission", "early_warning submitted at soon"},
	} {
		if got, ok := ParseLogDetail(c.action, c.detail); ok {
			t.Errorf("ParseLogDetail(%q, %q) = %+v, want not read", c.action, c.detail, got)
		}
	}
}
