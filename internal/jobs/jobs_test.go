package jobs

import "testing"

// The event that starts the CRA's 24-hour clock goes first, whatever
// backlog of other notifications waits.
func TestDeliveryPriority(t *testing.T) {
	cases := map[string]int{
		"finding.exploited":        1,
		"upload.failed":            1,
		"upload.processed":         1,
		"finding.new":              2,
		"finding.severity_changed": 2,
		"finding.fix_available":    2,
		"finding.resolved":         3,
		"finding.withdrawn":        3,
		"finding.changed":          3,
		"something.else":           3,
	}
	for typ, want := range cases {
		if got := DeliveryPriority(typ); got != want {
			t.Errorf("DeliveryPriority(%q) = %d, want %d", typ, got, want)
		}
	}
	if DeliveryPriority("finding.exploited") >= DeliveryPriority("finding.new") {
		t.Error("exploited is not ahead of new findings")
	}
}
