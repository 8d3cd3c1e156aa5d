package kb

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/store"
)

func TestComputeGroups(t *testing.T) {
	graph := []store.AdvisoryIDs{
		{ID: "GHSA-1", Aliases: []string{"CVE-1"}},
		{ID: "GO-1", Aliases: []string{"CVE-1", "GHSA-1"}},
		{ID: "PYSEC-9", Aliases: []string{"CVE-9"}},
		{ID: "LONE"},
	}
	// A long chain: C-0 aliases, C-1 aliases, ...
	for i := 0; i < maxGroupRecords+5; i++ {
		graph = append(graph, store.AdvisoryIDs{ID: fmt.Sprintf("C-%02d", i), Aliases: []string{fmt.Sprintf("X-%d", i), fmt.Sprintf("X-%d", i+1)}})
	}
	groups, rep := computeGroups(graph)
	if groups["GHSA-1"] != "GHSA-1" || groups["GO-1"] != "GHSA-1" {
		t.Errorf("GHSA-1/GO-1 groups: %q %q", groups["GHSA-1"], groups["GO-1"])
	}
	if groups["PYSEC-9"] != "PYSEC-9" || groups["LONE"] != "LONE" {
		t.Errorf("singletons: %q %q", groups["PYSEC-9"], groups["LONE"])
	}
	if groups["C-00"] != "C-00" || groups["C-01"] != "C-01" {
		t.Errorf("oversized chain was merged: %q %q", groups["C-00"], groups["C-01"])
	}
	if len(rep.Oversized) != 1 || !strings.Contains(rep.Oversized[0], "29 advisories") {
		t.Errorf("oversized report %q", rep.Oversized)
	}
	if want := 3 + maxGroupRecords + 5; rep.Groups != want {
		t.Errorf("groups = %d, want %d", rep.Groups, want)
	}
}
