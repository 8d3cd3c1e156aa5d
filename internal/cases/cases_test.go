package cases_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/cases"
	"github.com/rocca-project/rocca/internal/demo"
	"github.com/rocca-project/rocca/internal/findings"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/reporting"
	"github.com/rocca-project/rocca/internal/reporting/srp"
	"github.com/rocca-project/rocca/internal/sbom"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/store/sqlstore"
	"github.com/rocca-project/rocca/internal/testutil/demokb"
	"github.com/rocca-project/rocca/internal/triage"
	"github.com/rocca-project/rocca/internal/watch"
)

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// fakeClock is the injected clock: tests move it, nothing sleeps.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

func at(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

const exploitedCVE = "CVE-2023-32681" // requests, in the demo SBOM

type fixture struct {
	st       *sqlstore.Store
	engine   string
	svc      *portfolio.Service
	cases    *cases.Service
	w        *watch.Watcher
	clock    *fakeClock
	org      string
	product  model.Product
	versions map[string]model.Version // by lifecycle
	dir      string
}

// setup builds, on every engine, an organisation with one product in
// three versions sharing the demo SBOM: on the market, past its support
// end, and in development only; the watch opens cases after each
// re-match. excluded is the effective-status seam (nil: by state).
func setup(t *testing.T, excluded cases.Excluded, fn func(t *testing.T, f *fixture)) {
	setupWith(t, cases.Options{Excluded: excluded}, fn)
}

// setupWith is setup with the service's options (the clock is the
// fixture's).
func setupWith(t *testing.T, opts cases.Options, fn func(t *testing.T, f *fixture)) {
	engines, demoSBOM := demokb.Open(t)
	for _, e := range engines {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			clock := &fakeClock{t: at(t, "2026-12-07T06:00:00Z")}
			svc := portfolio.New(e.Store, discard(), sbom.Limits{})
			svc.Now = clock.Now
			o := opts
			o.Now = clock.Now
			cs, err := cases.New(e.Store, discard(), o)
			if err != nil {
				t.Fatal(err)
			}
			org := model.Organisation{Name: "acme"}
			if err := e.Store.CreateOrg(ctx, &org); err != nil {
				t.Fatal(err)
			}
			p := model.Product{Name: "Linea HMI Gateway", Role: model.RoleManufacturer, Markets: []string{"IT", "DE"},
				CRAType: model.CRATypeImportant, CRAClass: model.CRAClassI}
			if err := svc.CreateProduct(ctx, org.ID, &p); err != nil {
				t.Fatal(err)
			}
			f := &fixture{st: e.Store, engine: e.Name, svc: svc, cases: cs, clock: clock, org: org.ID, product: p,
				versions: map[string]model.Version{}, dir: t.TempDir()}
			for _, lc := range []model.Lifecycle{model.LifecycleOnMarket, model.LifecycleEndOfSupport, model.LifecycleDevelopment} {
				v := model.Version{ProductID: p.ID, Name: "4.2-" + string(lc), Lifecycle: lc}
				if err := svc.CreateVersion(ctx, org.ID, &v); err != nil {
					t.Fatal(err)
				}
				if _, err := svc.Ingest(ctx, org.ID, v.ID, demoSBOM, "hmi.cdx.json"); err != nil {
					t.Fatal(err)
				}
				f.versions[string(lc)] = v
			}
			f.w = watch.New(e.Store, findings.New(e.Store, discard(), clock.Now), discard(), clock.Now)
			f.w.AfterRematch(func(ctx context.Context, orgs []string) error {
				for _, o := range orgs {
					if _, err := cs.Sync(ctx, o); err != nil {
						return err
					}
				}
				return nil
			})
			if _, err := f.w.Run(ctx); err != nil {
				t.Fatal(err)
			}
			fn(t, f)
		})
	}
}

// listExploited adds exploitedCVE to the demo's CISA KEV list, imports it
// and runs the watch, as the server's jobs would.
func (f *fixture) listExploited(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	feeds, _, err := demo.WriteTo(dir)
	if err != nil {
		t.Fatal(err)
	}
	var kev []byte
	for _, p := range feeds {
		if strings.HasSuffix(p, "kev.json") {
			kev, err = os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	s := strings.Replace(string(kev), `"vulnerabilities": [`, `"vulnerabilities": [
    {"cveID": "`+exploitedCVE+`", "vendorProject": "Python", "product": "Requests", "vulnerabilityName": "Requests credential leak", "dateAdded": "2026-12-06", "dueDate": "2026-12-27", "knownRansomwareCampaignUse": "Unknown"},`, 1)
	path := filepath.Join(f.dir, "kev.json")
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	demokb.Import(t, f.st, path)
	if _, err := f.w.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) caseOf(t *testing.T, vuln string) (cases.Details, bool) {
	t.Helper()
	ds, err := f.cases.List(context.Background(), f.org, store.CaseQuery{Vuln: vuln})
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) > 1 {
		t.Fatalf("%d cases of %s, want one", len(ds), vuln)
	}
	if len(ds) == 0 {
		return cases.Details{}, false
	}
	return ds[0], true
}

type outboxEvent struct {
	typ    string
	notice cases.Notice
}

// outbox returns the case events of the type prefix, of case caseID only
// when it is not empty.
func (f *fixture) outbox(t *testing.T, prefix string, caseID ...string) []outboxEvent {
	t.Helper()
	q := `SELECT type, payload FROM outbox WHERE org_id = ? ORDER BY seq`
	if f.engine == "postgres" {
		q = strings.Replace(q, "?", "$1", 1)
	}
	rows, err := f.st.DB().QueryContext(context.Background(), q, f.org)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []outboxEvent
	for rows.Next() {
		var typ, payload string
		if err := rows.Scan(&typ, &payload); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(typ, prefix) {
			continue
		}
		var n cases.Notice
		if err := json.Unmarshal([]byte(payload), &n); err != nil {
			t.Fatal(err)
		}
		if len(caseID) > 0 && n.Case.ID != caseID[0] {
			continue
		}
		out = append(out, outboxEvent{typ, n})
	}
	return out
}

// TestAcceptance is issue 11's acceptance on both engines.
func TestAcceptance(t *testing.T) {
	setup(t, nil, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		if _, ok := f.caseOf(t, exploitedCVE); ok {
			t.Fatal("a case before the listing")
		}
		f.listExploited(t)
		d, ok := f.caseOf(t, exploitedCVE)
		if !ok {
			t.Fatal("no case after the exploited listing's re-match")
		}
		if d.State != model.CaseAssessment || d.Kind != "aev" || d.Origin != model.CaseAutomatic || len(d.Clocks) != 0 {
			t.Fatalf("case %+v", d.Case)
		}
		// The on-market and the end-of-support versions; not the development one.
		got := map[string]bool{}
		for _, v := range d.Versions {
			got[v.VersionID] = true
		}
		if len(got) != 2 || !got[f.versions["on_market"].ID] || !got[f.versions["end_of_support"].ID] {
			t.Fatalf("case versions %+v", d.Versions)
		}
		if !d.ProposedAwareness.Equal(f.clock.Now()) {
			t.Fatalf("proposed awareness %s", d.ProposedAwareness)
		}
		if evs := f.outbox(t, "case.opened"); len(evs) == 0 {
			t.Fatal("no case.opened notification")
		}
		// The watch running again opens nothing more.
		rep, err := f.cases.Sync(ctx, f.org)
		if err != nil || rep.Opened != 0 || rep.Joined != 0 {
			t.Fatalf("second sync %+v %v", rep, err)
		}

		// Awareness at T: early warning T+24 h, notification T+72 h, to the minute.
		f.clock.Set(at(t, "2026-12-07T09:00:00Z"))
		T := at(t, "2026-12-07T08:17:40Z")
		_, err = f.cases.ConfirmAwareness(ctx, f.org, d.ID, "alice", T, "")
		if !cases.IsInput(err) {
			t.Fatalf("awareness without a reason: %v", err)
		}
		d, err = f.cases.ConfirmAwareness(ctx, f.org, d.ID, "alice", T, "exploitation confirmed against our gateway build")
		if err != nil {
			t.Fatal(err)
		}
		want := map[reporting.Stage]string{reporting.StageEarlyWarning: "2026-12-08T08:17:00Z", reporting.StageNotification: "2026-12-10T08:17:00Z"}
		checkClocks(t, d, want)
		if d.State != model.CaseAware {
			t.Fatalf("state %s", d.State)
		}
		// A fix at F: the final report is due F+14 days.
		F := at(t, "2026-12-07T08:45:00Z")
		if d, err = f.cases.SetFix(ctx, f.org, d.ID, "alice", F, "requests 2.31.0 shipped in firmware 4.2.1"); err != nil {
			t.Fatal(err)
		}
		want[reporting.StageFinalReport] = "2026-12-21T08:45:00Z"
		checkClocks(t, d, want)
		log, err := f.cases.Log(ctx, f.org, d.ID)
		if err != nil || len(log) < 3 || log[1].Action != "awareness" || log[1].Actor != "alice" {
			t.Fatalf("audit trail %+v %v", log, err)
		}
	})
}

func checkClocks(t *testing.T, d cases.Details, want map[reporting.Stage]string) {
	t.Helper()
	if len(d.Clocks) != len(want) {
		t.Fatalf("clocks %+v, want %v", d.Clocks, want)
	}
	for st, w := range want {
		c, ok := d.Deadline(st)
		if !ok || c.Due.Format(time.RFC3339) != w {
			t.Errorf("%s due %s, want %s", st, c.Due.Format(time.RFC3339), w)
		}
	}
}

// A not_affected triage decision (recorded through the triage use case,
// before the listing) keeps the vulnerability from opening a case; a
// decision on one version only leaves the other version's case.
func TestNotAffectedDecisionPreventsCase(t *testing.T) {
	setup(t, nil, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		tr := triage.New(f.st, discard(), f.clock.Now)
		var ds []triage.Decision
		for _, lc := range []string{"on_market", "end_of_support"} {
			page, err := f.st.Findings(ctx, f.org, store.FindingQuery{VersionID: f.versions[lc].ID, Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			for _, fd := range page.Findings {
				if fd.Package == "requests" && (fd.VulnID == exploitedCVE || contains(fd.VulnIDs, exploitedCVE)) {
					ds = append(ds, triage.Decision{FindingID: fd.ID, Statement: triage.Statement{Status: model.StatusNotAffected,
						Justification: "vulnerable_code_not_in_execute_path"}})
				}
			}
		}
		if len(ds) != 2 {
			t.Fatalf("%d requests findings of %s", len(ds), exploitedCVE)
		}
		if _, err := tr.Record(ctx, f.org, triage.Actor{Kind: "api_key", Label: "t"}, ds[:1]); err != nil {
			t.Fatal(err)
		}
		f.listExploited(t)
		d, ok := f.caseOf(t, exploitedCVE)
		if !ok || len(d.Versions) != 1 || d.Versions[0].VersionID != f.versions["end_of_support"].ID {
			t.Fatalf("with one version decided: %+v %v", d.Versions, ok)
		}
		// Closing it as not exploitable records the decision for the rest.
		if _, err := f.cases.Close(ctx, f.org, d.ID, "carol", cases.Closing{Reason: "header never sent", NotExploitable: true,
			Justification: "vulnerable_code_not_in_execute_path"}, f.cases.NotAffectedVia(tr)); err != nil {
			t.Fatal(err)
		}
		fs, err := f.cases.Findings(ctx, f.org, d.ID)
		if err != nil || len(fs) != 1 || !fs[0].Finding.Settled() {
			t.Fatalf("after closing: %+v %v", fs, err)
		}
		// Nothing reopens it: every finding is settled.
		rep, err := f.cases.Sync(ctx, f.org)
		if err != nil || rep.Joined != 0 {
			t.Fatalf("sync %+v %v", rep, err)
		}
	})
}

// A finding the Excluded seam excludes opens nothing.
func TestNotAffectedOpensNothing(t *testing.T) {
	notAffected := func(_ context.Context, _ string, f model.TrackedFinding) (bool, error) {
		return f.VulnID == exploitedCVE || strings.Contains(strings.Join(f.VulnIDs, " "), exploitedCVE), nil
	}
	setup(t, notAffected, func(t *testing.T, f *fixture) {
		f.listExploited(t)
		if d, ok := f.caseOf(t, exploitedCVE); ok {
			t.Fatalf("a not_affected finding opened case %+v", d.Case)
		}
	})
}

// A development-only version opens nothing; moving it on the market (the
// version's lifecycle PATCH) opens the case at the next sync.
func TestDevelopmentVersionOnly(t *testing.T) {
	setup(t, nil, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		for _, lc := range []string{"on_market", "end_of_support"} {
			v := f.versions[lc]
			v.Lifecycle = model.LifecycleDevelopment
			if err := f.st.UpdateVersion(ctx, f.org, &v); err != nil {
				t.Fatal(err)
			}
		}
		f.listExploited(t)
		if _, ok := f.caseOf(t, exploitedCVE); ok {
			t.Fatal("a development-only version opened a case")
		}
		v := f.versions["development"]
		v.Lifecycle = model.LifecycleOnMarket
		if err := f.st.UpdateVersion(ctx, f.org, &v); err != nil {
			t.Fatal(err)
		}
		if _, err := f.cases.Sync(ctx, f.org); err != nil {
			t.Fatal(err)
		}
		d, ok := f.caseOf(t, exploitedCVE)
		if !ok || len(d.Versions) != 1 || d.Versions[0].VersionID != v.ID {
			t.Fatalf("case after the lifecycle change: %+v %v", d.Case, ok)
		}
	})
}

// Reminders fire at the lead times under the fake clock, each once.
func TestRemindersUnderFakeClock(t *testing.T) {
	setup(t, nil, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		f.listExploited(t)
		d, _ := f.caseOf(t, exploitedCVE)
		// In assessment since 06:00: reminded against 06:00 + 24 h.
		f.clock.Set(at(t, "2026-12-07T18:00:00Z"))
		if _, err := f.cases.Remind(ctx); err != nil {
			t.Fatal(err)
		}
		if ev := f.outbox(t, "case.deadline_reminder", d.ID); len(ev) != 1 || ev[0].notice.Stage != "assessment" || ev[0].notice.Lead != "12h0m0s" {
			t.Fatalf("assessment reminder %+v", ev)
		}
		if _, err := f.cases.ConfirmAwareness(ctx, f.org, d.ID, "alice", at(t, "2026-12-07T10:00:00Z"), "confirmed"); err != nil {
			t.Fatal(err)
		}
		// Early warning due 2026-12-08T10:00Z: reminders at 22:00, 06:00, 09:00 and overdue at 10:00.
		steps := []struct {
			now  string
			want []string // types:stage:lead of the reminders sent at this step
		}{
			{"2026-12-07T21:59:00Z", nil},
			{"2026-12-07T22:00:00Z", []string{"case.deadline_reminder:early_warning:12h0m0s"}},
			{"2026-12-07T23:00:00Z", nil},
			{"2026-12-08T06:30:00Z", []string{"case.deadline_reminder:early_warning:4h0m0s"}},
			{"2026-12-08T09:00:00Z", []string{"case.deadline_reminder:early_warning:1h0m0s"}},
			{"2026-12-08T10:00:00Z", []string{"case.overdue:early_warning:"}},
			{"2026-12-08T10:05:00Z", nil},
		}
		seen := len(f.outbox(t, "case.deadline_reminder", d.ID)) + len(f.outbox(t, "case.overdue", d.ID))
		for _, st := range steps {
			f.clock.Set(at(t, st.now))
			if _, err := f.cases.Remind(ctx); err != nil {
				t.Fatal(err)
			}
			all := append(f.outbox(t, "case.deadline_reminder", d.ID), f.outbox(t, "case.overdue", d.ID)...)
			var got []string
			for _, e := range all {
				if e.notice.Stage == "early_warning" {
					got = append(got, e.typ+":"+e.notice.Stage+":"+e.notice.Lead)
				}
			}
			if len(all)-seen != len(st.want) {
				t.Fatalf("at %s: %d new reminders, want %v (all: %v)", st.now, len(all)-seen, st.want, got)
			}
			for _, w := range st.want {
				if !contains(got, w) {
					t.Fatalf("at %s: no %s in %v", st.now, w, got)
				}
			}
			seen = len(all)
		}
		// Recording the early warning stops its reminders; the notification's continue.
		f.clock.Set(at(t, "2026-12-08T10:30:00Z"))
		if _, err := f.cases.RecordSubmission(ctx, f.org, d.ID, cases.StageSubmission{Stage: reporting.StageEarlyWarning,
			Reference: "SRP-1", Fields: map[string]string{"3": "Credential leak in requests", "5": "IT"}, Actor: "alice"}); err != nil {
			t.Fatal(err)
		}
		f.clock.Set(at(t, "2026-12-09T22:00:00Z")) // notification due 2026-12-10T10:00Z, 12 h before
		before := len(f.outbox(t, "case.deadline_reminder", d.ID))
		if _, err := f.cases.Remind(ctx); err != nil {
			t.Fatal(err)
		}
		ev := f.outbox(t, "case.deadline_reminder", d.ID)
		if len(ev) != before+1 || ev[len(ev)-1].notice.Stage != "notification" || ev[len(ev)-1].notice.Lead != "12h0m0s" {
			t.Fatalf("notification reminder: %+v", ev[before:])
		}
	})
}

// Lead times set on the service (rocca serve --reminder-lead-times) replace
// the defaults: the reminders fire at those times and no others.
func TestCustomReminderLeads(t *testing.T) {
	setupWith(t, cases.Options{Leads: []time.Duration{30 * time.Minute, 6 * time.Hour}}, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		f.listExploited(t)
		d, _ := f.caseOf(t, exploitedCVE)
		f.clock.Set(at(t, "2026-12-07T10:00:00Z"))
		if _, err := f.cases.ConfirmAwareness(ctx, f.org, d.ID, "alice", at(t, "2026-12-07T10:00:00Z"), "confirmed"); err != nil {
			t.Fatal(err)
		}
		// Early warning due 2026-12-08T10:00Z: reminders at 04:00 and 09:30, overdue at 10:00.
		steps := []struct {
			now  string
			want []string
		}{
			{"2026-12-07T22:00:00Z", nil}, // the default 12 h lead is not used
			{"2026-12-08T03:59:00Z", nil},
			{"2026-12-08T04:00:00Z", []string{"case.deadline_reminder:early_warning:6h0m0s"}},
			{"2026-12-08T06:00:00Z", nil}, // nor 4 h
			{"2026-12-08T09:00:00Z", nil}, // nor 1 h
			{"2026-12-08T09:30:00Z", []string{"case.deadline_reminder:early_warning:30m0s"}},
			{"2026-12-08T10:00:00Z", []string{"case.overdue:early_warning:"}},
			{"2026-12-08T11:00:00Z", nil},
		}
		for _, st := range steps {
			f.clock.Set(at(t, st.now))
			if _, err := f.cases.Remind(ctx); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range append(f.outbox(t, "case.deadline_reminder", d.ID), f.outbox(t, "case.overdue", d.ID)...) {
				if e.notice.Stage == "early_warning" {
					got = append(got, e.typ+":"+e.notice.Stage+":"+e.notice.Lead)
				}
			}
			if want := st.want; len(want) > 0 && !contains(got, want[0]) {
				t.Fatalf("at %s: no %s in %v", st.now, want[0], got)
			}
			if n := countUpTo(steps, st.now); len(got) != n {
				t.Fatalf("at %s: %d early-warning reminders so far, want %d: %v", st.now, len(got), n, got)
			}
		}
	})
}

// countUpTo counts the reminders wanted at the steps up to now.
func countUpTo(steps []struct {
	now  string
	want []string
}, now string) int {
	n := 0
	for _, st := range steps {
		if st.now <= now {
			n += len(st.want)
		}
	}
	return n
}

func TestNewRefusesBadLeads(t *testing.T) {
	for _, leads := range [][]time.Duration{{0}, {time.Hour, time.Hour}, {15 * 24 * time.Hour}, {}} {
		if _, err := cases.New(nil, discard(), cases.Options{Leads: leads}); err == nil || !strings.Contains(err.Error(), "lead time") {
			t.Errorf("New with leads %v: err %v", leads, err)
		}
	}
}

// outboxNotice decodes a case notice's payload.
func (f *fixture) outboxNotice(t *testing.T, payload string) cases.Notice {
	t.Helper()
	var n cases.Notice
	if err := json.Unmarshal([]byte(payload), &n); err != nil {
		t.Fatal(err)
	}
	return n
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// Drafts are pre-filled from rocca's data; a required field left empty
// blocks the submission with a message naming it; the submitted text is
// frozen and copied into the next stage.
func TestDraftsAndSubmission(t *testing.T) {
	setup(t, nil, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		if _, err := f.cases.SaveProfile(ctx, f.org, model.ReportingProfile{LegalName: "ACME S.r.l.", MainEstablishment: "it"}); err != nil {
			t.Fatal(err)
		}
		f.listExploited(t)
		d, _ := f.caseOf(t, exploitedCVE)
		f.clock.Set(at(t, "2026-12-07T07:00:00Z"))
		// Not aware yet: no stage can be recorded.
		_, err := f.cases.RecordSubmission(ctx, f.org, d.ID, cases.StageSubmission{Stage: reporting.StageEarlyWarning})
		var se *cases.StateError
		if !errors.As(err, &se) {
			t.Fatalf("submission in assessment: %v", err)
		}
		if _, err := f.cases.ConfirmAwareness(ctx, f.org, d.ID, "alice", at(t, "2026-12-07T06:30:00Z"), "confirmed"); err != nil {
			t.Fatal(err)
		}
		dr, err := f.cases.Draft(ctx, f.org, d.ID, reporting.StageEarlyWarning)
		if err != nil {
			t.Fatal(err)
		}
		wantVals := map[string]string{"1": "Vulnerability", "4": "ACME S.r.l.", "5": "IT, DE", "6": "Linea HMI Gateway",
			"8": "Important", "9": "Class I", "11": "Yes", "v19": exploitedCVE, "v26": "2026-12-07T06:30:00Z"}
		for id, w := range wantVals {
			if got := dr.Value(id); got != w {
				t.Errorf("field %s = %q, want %q", id, got, w)
			}
		}
		if !strings.Contains(dr.Value("7"), "4.2-on_market") || !strings.Contains(dr.Value("12"), "requests") {
			t.Errorf("versions %q, component %q", dr.Value("7"), dr.Value("12"))
		}
		// Clearing a required field blocks the submission.
		_, err = f.cases.RecordSubmission(ctx, f.org, d.ID, cases.StageSubmission{Stage: reporting.StageEarlyWarning,
			Fields: map[string]string{"2": ""}})
		var me *srp.MissingError
		if !errors.As(err, &me) || !strings.Contains(err.Error(), `2 "Title"`) {
			t.Fatalf("empty title: %v", err)
		}
		// Over a limit: refused at entry, naming the field and the limit.
		_, err = f.cases.RecordSubmission(ctx, f.org, d.ID, cases.StageSubmission{Stage: reporting.StageEarlyWarning,
			Fields: map[string]string{"2": strings.Repeat("x", 256)}})
		if !cases.IsInput(err) || !strings.Contains(err.Error(), "at most 255") {
			t.Fatalf("long title: %v", err)
		}
		// The notification needs the early warning first.
		_, err = f.cases.RecordSubmission(ctx, f.org, d.ID, cases.StageSubmission{Stage: reporting.StageNotification})
		if !errors.As(err, &se) {
			t.Fatalf("notification before early warning: %v", err)
		}
		d2, err := f.cases.RecordSubmission(ctx, f.org, d.ID, cases.StageSubmission{Stage: reporting.StageEarlyWarning,
			Reference: "CRA-2026-0042", Fields: map[string]string{"2": "Credential leak in the gateway's HTTP client"}, Actor: "alice"})
		if err != nil {
			t.Fatal(err)
		}
		if len(d2.Submissions) != 1 || d2.Submissions[0].Reference != "CRA-2026-0042" || !strings.Contains(string(d2.Submissions[0].Content), "Credential leak in the gateway") {
			t.Fatalf("submission %+v", d2.Submissions)
		}
		if c, _ := d2.Deadline(reporting.StageEarlyWarning); !c.Done {
			t.Fatal("early warning not done")
		}
		// The SRP's own 72-hour counter (submission + 48 h) is shown beside the real deadline.
		if c, _ := d2.Deadline(reporting.StageNotification); c.SRPCounter.Format(time.RFC3339) != "2026-12-09T07:00:00Z" || c.Due.Format(time.RFC3339) != "2026-12-10T06:30:00Z" {
			t.Fatalf("notification clock %+v", c)
		}
		// The next stage copies the submitted title.
		n, err := f.cases.Draft(ctx, f.org, d.ID, reporting.StageNotification)
		if err != nil || n.Value("2") != "Credential leak in the gateway's HTTP client" {
			t.Fatalf("notification draft title %q %v", n.Value("2"), err)
		}
	})
}

func TestManualSevereIncident(t *testing.T) {
	setup(t, nil, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		f.clock.Set(at(t, "2027-01-28T10:00:00Z"))
		d, err := f.cases.Create(ctx, f.org, cases.NewCase{Kind: "si", Title: "Ransomware on the update server",
			VersionIDs: []string{f.versions["on_market"].ID}, Awareness: at(t, "2027-01-28T09:00:00Z"), AwarenessReason: "CSIRT call", Actor: "bob"})
		if err != nil {
			t.Fatal(err)
		}
		if d.State != model.CaseAware || len(d.Clocks) != 2 {
			t.Fatalf("SI %+v", d)
		}
		if _, err := f.cases.Create(ctx, f.org, cases.NewCase{Kind: "aev", Title: "x"}); !cases.IsInput(err) {
			t.Fatalf("AEV without ids: %v", err)
		}
		f.clock.Set(at(t, "2027-01-31T18:00:00Z"))
		fields := map[string]string{"i31": "Unknown", "3": "Update server encrypted", "5": "IT"}
		if _, err := f.cases.RecordSubmission(ctx, f.org, d.ID, cases.StageSubmission{Stage: reporting.StageEarlyWarning, Fields: fields}); err != nil {
			t.Fatal(err)
		}
		nf := map[string]string{"i32": "Ransomware", "i38": "2027-01-28T08:00:00Z", "i39": "Initial assessment"}
		d, err = f.cases.RecordSubmission(ctx, f.org, d.ID, cases.StageSubmission{Stage: reporting.StageNotification,
			Submitted: at(t, "2027-01-31T16:20:00Z"), Fields: nf})
		if err != nil {
			t.Fatal(err)
		}
		// One month after the notification was submitted on 31 January: 28 February.
		checkClocks(t, d, map[reporting.Stage]string{reporting.StageEarlyWarning: "2027-01-29T09:00:00Z",
			reporting.StageNotification: "2027-01-31T09:00:00Z", reporting.StageFinalReport: "2027-02-28T16:20:00Z"})
		// An SI has no fix clock.
		if _, err := f.cases.SetFix(ctx, f.org, d.ID, "bob", at(t, "2027-01-30T00:00:00Z"), ""); err == nil {
			t.Fatal("fix on an SI accepted")
		}
		// Closing needs a reason.
		if _, err := f.cases.Close(ctx, f.org, d.ID, "bob", cases.Closing{}, nil); !cases.IsInput(err) {
			t.Fatalf("close without reason: %v", err)
		}
		d, err = f.cases.Close(ctx, f.org, d.ID, "bob", cases.Closing{Reason: "final report filed outside the SRP"}, nil)
		if err != nil || d.State != model.CaseClosed {
			t.Fatalf("close: %+v %v", d.State, err)
		}
	})
}

// Closing as not exploitable records the not_affected decision through
// the triage seam; a version the decision did not cover reopens it.
func TestCloseNotExploitableAndReopen(t *testing.T) {
	setup(t, nil, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		f.listExploited(t)
		d, _ := f.caseOf(t, exploitedCVE)
		var recorded []string
		na := func(_ context.Context, _ string, c model.Case, just, actor string) error {
			recorded = append(recorded, c.VulnID+" "+just+" "+actor)
			return nil
		}
		if _, err := f.cases.Close(ctx, f.org, d.ID, "carol", cases.Closing{Reason: "the leaked header is never sent", NotExploitable: true}, na); !cases.IsInput(err) {
			t.Fatalf("without justification: %v", err)
		}
		d, err := f.cases.Close(ctx, f.org, d.ID, "carol", cases.Closing{Reason: "the leaked header is never sent", NotExploitable: true,
			Justification: "vulnerable_code_not_in_execute_path"}, na)
		if err != nil || d.State != model.CaseClosed || len(recorded) != 1 {
			t.Fatalf("close: %v %v %v", d.State, err, recorded)
		}
		// Still closed after a sync (the same versions).
		if _, err := f.cases.Sync(ctx, f.org); err != nil {
			t.Fatal(err)
		}
		if d, _ = f.caseOf(t, exploitedCVE); d.State != model.CaseClosed {
			t.Fatalf("reopened without a new version: %s", d.State)
		}
		// The development version goes on the market: a new version joins and reopens it.
		v := f.versions["development"]
		v.Lifecycle = model.LifecycleOnMarket
		if err := f.st.UpdateVersion(ctx, f.org, &v); err != nil {
			t.Fatal(err)
		}
		rep, err := f.cases.Sync(ctx, f.org)
		if err != nil || rep.Joined == 0 {
			t.Fatalf("sync %+v %v", rep, err)
		}
		if d, _ = f.caseOf(t, exploitedCVE); d.State != model.CaseAssessment || len(d.Versions) != 3 {
			t.Fatalf("after a new version: %s %d", d.State, len(d.Versions))
		}
	})
}

// Two syncs racing to open the same case: one opens it, the other joins.
func TestConcurrentSyncOpensOneCase(t *testing.T) {
	setup(t, nil, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		for _, lc := range []string{"on_market", "end_of_support"} {
			v := f.versions[lc]
			v.Lifecycle = model.LifecycleDevelopment
			if err := f.st.UpdateVersion(ctx, f.org, &v); err != nil {
				t.Fatal(err)
			}
		}
		f.listExploited(t)
		v := f.versions["development"]
		v.Lifecycle = model.LifecycleOnMarket
		if err := f.st.UpdateVersion(ctx, f.org, &v); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for range 4 {
			wg.Go(func() {
				if _, err := f.cases.Sync(ctx, f.org); err != nil {
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if _, ok := f.caseOf(t, exploitedCVE); !ok {
			t.Fatal("no case")
		}
		fs, err := f.cases.Findings(ctx, f.org, mustCase(t, f).ID)
		if err != nil || len(fs) == 0 || fs[0].Finding.KEVAdded.IsZero() || fs[0].VersionName != v.Name {
			t.Fatalf("assessment findings %+v %v", fs, err)
		}
	})
}

func mustCase(t *testing.T, f *fixture) cases.Details {
	t.Helper()
	d, ok := f.caseOf(t, exploitedCVE)
	if !ok {
		t.Fatal("no case")
	}
	return d
}

// A version past its support end alone opens a case: Art. 14 still
// applies, so the watch re-matches it for the exploitation change.
func TestEndOfSupportVersionAloneOpensCase(t *testing.T) {
	setup(t, nil, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		v := f.versions["on_market"]
		v.Lifecycle = model.LifecycleDevelopment
		if err := f.st.UpdateVersion(ctx, f.org, &v); err != nil {
			t.Fatal(err)
		}
		f.listExploited(t)
		d, ok := f.caseOf(t, exploitedCVE)
		if !ok || len(d.Versions) != 1 || d.Versions[0].VersionID != f.versions["end_of_support"].ID {
			t.Fatalf("case %+v %v", d.Versions, ok)
		}
	})
}
