package watch_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/demo"
	"github.com/rocca-project/rocca/internal/findings"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/sbom"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/store/sqlstore"
	"github.com/rocca-project/rocca/internal/testutil/demokb"
	"github.com/rocca-project/rocca/internal/watch"
)

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// flaskAdvisory is a new OSV record that affects the demo SBOM's
// flask@3.0.0, unknown to the demo knowledge base.
const flaskAdvisory = `{"schema_version":"1.6.0","id":"ROCCA-TEST-FLASK","modified":"2026-12-01T00:00:00Z",
 "aliases":["CVE-2099-0001"],"summary":"Flask test vulnerability",
 "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
 "affected":[{"package":{"ecosystem":"PyPI","name":"flask"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"3.0.1"}]}]}]}`

type fixture struct {
	st      *sqlstore.Store
	svc     *portfolio.Service
	w       *watch.Watcher
	org     string
	version model.Version
	dir     string
}

func setup(t *testing.T, fn func(t *testing.T, f fixture)) {
	engines, demoSBOM := demokb.Open(t)
	for _, e := range engines {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			svc := portfolio.New(e.Store, discard(), sbom.Limits{})
			org := model.Organisation{Name: "acme"}
			if err := e.Store.CreateOrg(ctx, &org); err != nil {
				t.Fatal(err)
			}
			p := model.Product{Name: "Linea HMI Gateway"}
			if err := svc.CreateProduct(ctx, org.ID, &p); err != nil {
				t.Fatal(err)
			}
			v := model.Version{ProductID: p.ID, Name: "4.2.0", Lifecycle: model.LifecycleOnMarket}
			if err := svc.CreateVersion(ctx, org.ID, &v); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Ingest(ctx, org.ID, v.ID, demoSBOM, "hmi.cdx.json"); err != nil {
				t.Fatal(err)
			}
			w := watch.New(e.Store, findings.New(e.Store, discard(), nil), discard(), nil)
			// What the upload changed is not the watch's business: start
			// from a processed change log.
			if _, err := w.Run(ctx); err != nil {
				t.Fatal(err)
			}
			fn(t, fixture{st: e.Store, svc: svc, w: w, org: org.ID, version: v, dir: t.TempDir()})
		})
	}
}

func (f fixture) write(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(f.dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func (f fixture) events(t *testing.T) []model.FindingEvent {
	t.Helper()
	evs, err := f.st.FindingEvents(context.Background(), f.org, f.version.ID, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func (f fixture) findingsBy(t *testing.T) map[string]model.TrackedFinding {
	t.Helper()
	page, err := f.st.Findings(context.Background(), f.org, store.FindingQuery{VersionID: f.version.ID, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]model.TrackedFinding{}
	for _, fd := range page.Findings {
		out[fd.Package+" "+fd.VulnID] = fd
	}
	return out
}

func TestNewAdvisoryOpensFinding(t *testing.T) {
	setup(t, func(t *testing.T, f fixture) {
		ctx := context.Background()
		before := len(f.events(t))
		demokb.Import(t, f.st, f.write(t, "flask.json", flaskAdvisory))
		pending, err := f.w.Pending(ctx)
		if err != nil || !pending {
			t.Fatalf("pending after import = %v, %v", pending, err)
		}
		rep, err := f.w.Run(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Versions != 1 || rep.New != 1 || rep.Resolved != 0 {
			t.Fatalf("report %+v", rep)
		}
		fd, ok := f.findingsBy(t)["flask CVE-2099-0001"]
		if !ok || fd.State != model.FindingOpen || fd.Severity.Rating != model.RatingCritical {
			t.Fatalf("flask finding %+v", fd)
		}
		evs := f.events(t)
		if len(evs) != before+1 || evs[len(evs)-1].Kind != model.EventNew || evs[len(evs)-1].FindingID != fd.ID {
			t.Fatalf("events %+v", evs[before:])
		}
		// Processed once: a second run does nothing.
		if rep, err := f.w.Run(ctx); err != nil || rep.Changes != 0 || rep.Versions != 0 {
			t.Fatalf("second run %+v %v", rep, err)
		}
		// Withdrawing the advisory resolves the finding with a "withdrawn" event.
		withdrawn := strings.Replace(flaskAdvisory, `"modified":"2026-12-01T00:00:00Z"`, `"modified":"2026-12-02T00:00:00Z","withdrawn":"2026-12-02T00:00:00Z"`, 1)
		demokb.Import(t, f.st, f.write(t, "flask-withdrawn.json", withdrawn))
		if rep, err := f.w.Run(ctx); err != nil || rep.Resolved != 1 {
			t.Fatalf("withdrawal run %+v %v", rep, err)
		}
		evs = f.events(t)
		if last := evs[len(evs)-1]; last.Kind != model.EventWithdrawn || last.FindingID != fd.ID {
			t.Fatalf("last event %+v", last)
		}
	})
}

func TestBecomesExploited(t *testing.T) {
	setup(t, func(t *testing.T, f fixture) {
		ctx := context.Background()
		fd := f.findingsBy(t)["requests CVE-2023-32681"]
		if fd.ID == "" || fd.KEV {
			t.Fatalf("requests finding before %+v", fd)
		}
		kev := demoKEV(t)
		kev = strings.Replace(kev, `"vulnerabilities": [`, `"vulnerabilities": [
    {"cveID": "CVE-2023-32681", "vendorProject": "Python", "product": "Requests", "vulnerabilityName": "Requests credential leak", "dateAdded": "2026-12-06", "dueDate": "2026-12-27", "knownRansomwareCampaignUse": "Unknown"},`, 1)
		kev = strings.Replace(kev, `"count": 3`, `"count": 4`, 1)
		before := len(f.events(t))
		demokb.Import(t, f.st, f.write(t, "kev.json", kev))
		rep, err := f.w.Run(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Versions != 1 || rep.Changed != 1 || rep.New != 0 || rep.Resolved != 0 {
			t.Fatalf("report %+v", rep)
		}
		evs := f.events(t)[before:]
		if len(evs) != 1 || evs[0].Kind != model.EventExploited || evs[0].FindingID != fd.ID || !strings.Contains(evs[0].Detail, "2026-12-06") {
			t.Fatalf("events %+v", evs)
		}
		if after := f.findingsBy(t)["requests CVE-2023-32681"]; !after.KEV {
			t.Fatalf("requests finding after %+v", after)
		}
	})
}

func TestPastSupportNotRematched(t *testing.T) {
	now := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		v    model.VersionRef
		past bool
	}{
		{model.VersionRef{Lifecycle: model.LifecycleOnMarket}, false},
		{model.VersionRef{Lifecycle: model.LifecycleEndOfSupport}, true},
		{model.VersionRef{Lifecycle: model.LifecycleOnMarket, SupportEnd: now.AddDate(0, 0, -1)}, true},
		{model.VersionRef{Lifecycle: model.LifecycleOnMarket, SupportEnd: now.AddDate(1, 0, 0)}, false},
	}
	for _, c := range cases {
		if got := watch.PastSupport(c.v, now); got != c.past {
			t.Errorf("PastSupport(%+v) = %v", c.v, got)
		}
	}
}

func demoKEV(t *testing.T) string {
	t.Helper()
	feeds, _, err := demo.WriteTo(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range feeds {
		if strings.HasSuffix(p, "kev.json") {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			var probe map[string]any
			if err := json.Unmarshal(b, &probe); err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
	}
	t.Fatal("demo feeds have no kev.json")
	return ""
}

// An EU KEV listing (ENISA) marks a finding exploited like CISA KEV does.
func TestBecomesExploitedByEUKEV(t *testing.T) {
	setup(t, func(t *testing.T, f fixture) {
		ctx := context.Background()
		fd := f.findingsBy(t)["requests CVE-2023-32681"]
		before := len(f.events(t))
		eukev := `[{"cveID":"CVE-2023-32681","euvdID":"EUVD-2023-1234","vendorProject":"Python","product":"Requests",
 "dateReported":"2026/12/05","originSource":"CSIRT-IT","shortDescription":"Credential leak exploited.","exploitationType":["cybercrime"]}]`
		demokb.Import(t, f.st, f.write(t, "eukev.json", eukev))
		if rep, err := f.w.Run(ctx); err != nil || rep.Changed != 1 {
			t.Fatalf("run %+v %v", rep, err)
		}
		evs := f.events(t)[before:]
		if len(evs) != 1 || evs[0].Kind != model.EventExploited || evs[0].FindingID != fd.ID || !strings.Contains(evs[0].Detail, "EU KEV") {
			t.Fatalf("events %+v", evs)
		}
	})
}

// hookStore runs hook once, at the start of the first write transaction.
type hookStore struct {
	portfolio.Store
	once sync.Once
	hook func()
}

func (h *hookStore) Ingest(ctx context.Context, org string, fn func(store.IngestTx) error) error {
	h.once.Do(h.hook)
	return h.Store.Ingest(ctx, org, fn)
}

// An advisory imported, and processed by the watch, while an upload is
// being matched (before it is current) still reaches the upload: the
// upload sees that the knowledge base moved and matches again.
func TestAdvisoryDuringUpload(t *testing.T) {
	setup(t, func(t *testing.T, f fixture) {
		ctx := context.Background()
		p := model.Product{Name: "Second product"}
		if err := f.svc.CreateProduct(ctx, f.org, &p); err != nil {
			t.Fatal(err)
		}
		v := model.Version{ProductID: p.ID, Name: "1.0", Lifecycle: model.LifecycleOnMarket}
		if err := f.svc.CreateVersion(ctx, f.org, &v); err != nil {
			t.Fatal(err)
		}
		hs := &hookStore{Store: f.st, hook: func() {
			demokb.Import(t, f.st, f.write(t, "flask.json", flaskAdvisory))
			if rep, err := f.w.Run(ctx); err != nil || rep.Changes == 0 {
				t.Errorf("watch during the upload: %+v %v", rep, err)
			}
		}}
		svc := portfolio.New(hs, discard(), sbom.Limits{})
		doc := demoSBOM(t)
		res, err := svc.Ingest(ctx, f.org, v.ID, doc, "during.json")
		if err != nil {
			t.Fatal(err)
		}
		page, err := f.st.Findings(ctx, f.org, store.FindingQuery{VersionID: v.ID, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, fd := range page.Findings {
			found = found || fd.VulnID == "CVE-2099-0001" && fd.State == model.FindingOpen
		}
		if !found {
			t.Fatalf("the advisory imported during the upload is missing from its findings (%+v)", res)
		}
	})
}

func demoSBOM(t *testing.T) []byte {
	t.Helper()
	_, sbomPath, err := demo.WriteTo(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(sbomPath)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// PruneWatch removes only what was processed: change-log entries the
// cursor has passed (the newest kept), outbox events dispatched.
func TestPruneProcessed(t *testing.T) {
	setup(t, func(t *testing.T, f fixture) {
		ctx := context.Background()
		demokb.Import(t, f.st, f.write(t, "flask.json", flaskAdvisory))
		if _, err := f.w.Run(ctx); err != nil {
			t.Fatal(err)
		}
		// Dispatch what is in the outbox so far (no subscription: no delivery).
		if _, err := f.st.Dispatch(ctx, 10000, time.Now(), nil); err != nil {
			t.Fatal(err)
		}
		later := strings.Replace(strings.Replace(flaskAdvisory, `"ROCCA-TEST-FLASK"`, `"ROCCA-TEST-FLASK-2"`, 1), `"CVE-2099-0001"`, `"CVE-2099-0002"`, 1)
		demokb.Import(t, f.st, f.write(t, "flask2.json", later))
		cursor, err := f.st.WatchCursor(ctx, watch.Cursor)
		if err != nil {
			t.Fatal(err)
		}
		unprocessed, err := f.st.Changes(ctx, cursor, 1000)
		if err != nil || len(unprocessed) == 0 {
			t.Fatalf("changes after the cursor: %v %v", unprocessed, err)
		}
		future := time.Now().Add(time.Hour)
		n, err := f.st.PruneWatch(ctx, watch.Cursor, future, future)
		if err != nil || n == 0 {
			t.Fatalf("prune: %d %v", n, err)
		}
		all, err := f.st.Changes(ctx, 0, 100000)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != len(unprocessed) || all[0].Seq != unprocessed[0].Seq {
			t.Errorf("after pruning %d rows: %d changes left, want the %d after the cursor", n, len(all), len(unprocessed))
		}
		if pending, err := f.st.OutboxPending(ctx); err != nil || pending {
			t.Errorf("outbox pending after prune: %v %v", pending, err)
		}
		// The watch still processes what was not pruned.
		if rep, err := f.w.Run(ctx); err != nil || rep.New != 1 {
			t.Errorf("run after prune: %+v %v", rep, err)
		}
	})
}

// Changes spanning several pages of the change log (a bulk import) are
// processed together: each version is re-matched once, not once per page.
func TestPendingChangesTogether(t *testing.T) {
	setup(t, func(t *testing.T, f fixture) {
		ctx := context.Background()
		watch.SetPage(f.w, 1)
		requests := strings.NewReplacer("ROCCA-TEST-FLASK", "ROCCA-TEST-REQUESTS", "CVE-2099-0001", "CVE-2099-0002",
			`"name":"flask"`, `"name":"requests"`, "3.0.1", "2.99.0").Replace(flaskAdvisory)
		demokb.Import(t, f.st, f.write(t, "flask.json", flaskAdvisory))
		demokb.Import(t, f.st, f.write(t, "requests.json", requests))
		rep, err := f.w.Run(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Changes != 2 || rep.Versions != 1 || rep.New != 2 {
			t.Fatalf("report %+v, want 2 changes, 1 version re-matched, 2 new findings", rep)
		}
	})
}
