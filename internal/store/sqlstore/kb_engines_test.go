package sqlstore_test

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/rocca-project/rocca/internal/demo"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store/sqlstore"
	"github.com/rocca-project/rocca/internal/testutil/demokb"
)

// TestKnowledgeBaseOnEveryEngine imports the demonstration feeds on each
// engine and reads them back through the KnowledgeBase contract: the same
// counts, documents, KEV, EPSS and alias groups on SQLite and PostgreSQL.
func TestKnowledgeBaseOnEveryEngine(t *testing.T) {
	feeds, _, err := demo.WriteTo(filepath.Join(t.TempDir(), "feeds"))
	if err != nil {
		t.Fatal(err)
	}
	var first *model.DatabaseInfo
	forEachEngine(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		demokb.Import(t, s, feeds...)
		demokb.Import(t, s, feeds...) // idempotent
		st, err := s.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Advisories == 0 || st.KEVEntries != 3 || st.EPSSScores == 0 || st.UpdatedAt.IsZero() {
			t.Fatalf("stats %+v", st)
		}
		if first == nil {
			first = &st
		} else if st.Advisories != first.Advisories || st.KEVEntries != first.KEVEntries || st.EPSSScores != first.EPSSScores {
			t.Errorf("stats %+v differ from the first engine's %+v", st, *first)
		}
		raw, err := s.RawAdvisory(ctx, "GHSA-jfh8-c2jp-5v3q")
		if err != nil || !json.Valid(raw) || !bytes.Contains(raw, []byte("CVE-2021-44228")) {
			t.Fatalf("raw advisory: %v %.80s", err, raw)
		}
		kev, err := s.KEV(ctx, []string{"CVE-2021-44228", "CVE-0000-0000"})
		if err != nil || len(kev) != 1 || !kev["CVE-2021-44228"].Ransomware || kev["CVE-2021-44228"].DateAdded.Year() != 2021 {
			t.Fatalf("KEV %+v %v", kev, err)
		}
		epss, err := s.EPSS(ctx, []string{"CVE-2021-44228"})
		if err != nil || epss["CVE-2021-44228"].Score != 0.97 {
			t.Fatalf("EPSS %+v %v", epss, err)
		}
		graph, err := s.AliasGraph(ctx)
		if err != nil || len(graph) != st.Advisories {
			t.Fatalf("alias graph of %d records, %v; want %d", len(graph), err, st.Advisories)
		}
		groups, err := s.GroupsOf(ctx, []string{"GHSA-jfh8-c2jp-5v3q"})
		if err != nil || groups["GHSA-jfh8-c2jp-5v3q"] == "" {
			t.Fatalf("groups %v %v", groups, err)
		}
		infos, err := s.AdvisoriesByGroups(ctx, []string{groups["GHSA-jfh8-c2jp-5v3q"]})
		if err != nil || len(infos) == 0 || infos[0].Severity.Rating == "" {
			t.Fatalf("advisories by group %+v %v", infos, err)
		}
	})
}
