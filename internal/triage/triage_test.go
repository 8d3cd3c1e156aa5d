package triage_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/findings"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/sbom"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/store/sqlstore"
	"github.com/rocca-project/rocca/internal/testutil/demokb"
	"github.com/rocca-project/rocca/internal/triage"
)

const (
	requestsCVE = "CVE-2023-32681" // pkg:pypi/requests@2.28.1 in the demo SBOM
	log4shell   = "CVE-2021-44228"
)

var ci = triage.Actor{Kind: "api_key", ID: "key-1", Label: "ci"}

type fixture struct {
	t    *testing.T
	ctx  context.Context
	st   *sqlstore.Store
	svc  *portfolio.Service
	tri  *triage.Service
	fs   *findings.Service
	org  string
	demo []byte
}

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// each runs fn on every test engine with a fresh organisation.
func each(t *testing.T, fn func(t *testing.T, f *fixture)) {
	engines, demo := demokb.Open(t)
	for _, e := range engines {
		t.Run(e.Name, func(t *testing.T) {
			f := &fixture{t: t, ctx: context.Background(), st: e.Store, demo: demo}
			f.svc = portfolio.New(e.Store, discard(), sbom.Limits{})
			f.tri = triage.New(e.Store, discard(), nil)
			f.fs = findings.New(e.Store, discard(), nil)
			org := model.Organisation{Name: "acme"}
			if err := e.Store.CreateOrg(f.ctx, &org); err != nil {
				t.Fatal(err)
			}
			f.org = org.ID
			fn(t, f)
		})
	}
}

func (f *fixture) product(name string) string {
	f.t.Helper()
	p := model.Product{Name: name, Role: model.RoleManufacturer}
	if err := f.svc.CreateProduct(f.ctx, f.org, &p); err != nil {
		f.t.Fatal(err)
	}
	return p.ID
}

// version creates a version of the product and uploads the demo SBOM to
// it, with requests at the given version.
func (f *fixture) version(product, name, requests string) string {
	f.t.Helper()
	v := model.Version{ProductID: product, Name: name, Lifecycle: model.LifecycleOnMarket}
	if err := f.svc.CreateVersion(f.ctx, f.org, &v); err != nil {
		f.t.Fatal(err)
	}
	doc := strings.ReplaceAll(string(f.demo), "2.28.1", requests)
	if _, err := f.svc.Ingest(f.ctx, f.org, v.ID, []byte(doc), "bom.cdx.json"); err != nil {
		f.t.Fatal(err)
	}
	return v.ID
}

// finding returns the version's finding of the vulnerability, with its
// effective analysis.
func (f *fixture) finding(version, vuln string) model.TrackedFinding {
	f.t.Helper()
	page, err := f.st.Findings(f.ctx, f.org, store.FindingQuery{VersionID: version, Sort: store.SortComponent, Limit: 1000})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, fd := range page.Findings {
		if fd.VulnID == vuln {
			return fd
		}
	}
	f.t.Fatalf("version %s has no finding of %s", version, vuln)
	return model.TrackedFinding{}
}

func (f *fixture) record(findingID string, st triage.Statement) triage.Result {
	f.t.Helper()
	res, err := f.tri.Record(f.ctx, f.org, ci, []triage.Decision{{FindingID: findingID, Statement: st}})
	if err != nil {
		f.t.Fatal(err)
	}
	return res
}

// status is the finding's effective status and scope ("-" when none).
func (f *fixture) status(version, vuln string) string {
	f.t.Helper()
	fd := f.finding(version, vuln)
	if fd.Analysis == nil {
		return "-"
	}
	return string(fd.Analysis.Status) + "/" + string(fd.Analysis.Scope)
}

// outbox returns the outbox events of the organisation: type and finding id.
func (f *fixture) outbox() []string {
	f.t.Helper()
	rows, err := f.st.DB().QueryContext(f.ctx, `SELECT type, payload FROM outbox WHERE org_id = '`+f.org+`' ORDER BY seq`)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var typ, payload string
		if err := rows.Scan(&typ, &payload); err != nil {
			f.t.Fatal(err)
		}
		var n findings.Notice
		if strings.HasPrefix(typ, "finding.") {
			if err := json.Unmarshal([]byte(payload), &n); err != nil || n.Finding == nil {
				f.t.Fatalf("%s payload %s: %v", typ, payload, err)
			}
			out = append(out, typ+" "+n.Finding.ID)
		}
	}
	return out
}

var notAffected = triage.Statement{Status: model.StatusNotAffected, Justification: "vulnerable_code_not_in_execute_path",
	Detail: "the proxy code path is never used"}

// Acceptance (issue 10): a product-wide not_affected decision on version
// 1.0 is inherited by version 1.1 uploaded afterwards, which shows where
// it came from; its new finding is not notified; another product does not
// inherit it; a version-only decision is not inherited.
func TestProductDecisionInheritedByNewVersion(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		p := f.product("Linea HMI Gateway")
		v10 := f.version(p, "1.0", "2.28.1")
		f10 := f.finding(v10, requestsCVE)
		st := notAffected
		st.Scope = model.ScopeProduct
		if res := f.record(f10.ID, st); res.Recorded != 1 || res.Updated != 1 {
			t.Fatalf("record: %+v", res)
		}
		got := f.finding(v10, requestsCVE).Analysis
		if got == nil || got.Status != model.StatusNotAffected || got.Scope != model.ScopeProduct || got.Inherited ||
			got.DecidedBy != "ci" || got.Justification != st.Justification || got.Detail != st.Detail {
			t.Fatalf("1.0's analysis %+v", got)
		}
		// Version-only decision on Log4Shell in 1.0.
		f.record(f.finding(v10, log4shell).ID, triage.Statement{Status: model.StatusNotAffected, Impact: "JNDI lookups are disabled"})

		v11 := f.version(p, "1.1", "2.29.0")
		f11 := f.finding(v11, requestsCVE)
		a := f11.Analysis
		if a == nil || a.Status != model.StatusNotAffected || a.Scope != model.ScopeProduct || !a.Inherited ||
			a.Origin.VersionID != v10 || a.Origin.FindingID != f10.ID || a.ID != got.ID {
			t.Fatalf("1.1 did not inherit the product decision with its origin: %+v", a)
		}
		if f11.Component.Version != "2.29.0" {
			t.Fatalf("1.1's requests is %s", f11.Component.Version)
		}
		if s := f.status(v11, log4shell); s != "-" {
			t.Errorf("a version-only decision was inherited by 1.1: %s", s)
		}
		if s := f.status(f.version(f.product("Other product"), "1.0", "2.28.1"), requestsCVE); s != "-" {
			t.Errorf("another product inherited a product decision: %s", s)
		}
		// The inherited not_affected finding is in 1.1's history but not
		// notified; its other new findings are.
		ob := f.outbox()
		if slices.Contains(ob, "finding.new "+f11.ID) {
			t.Errorf("the inherited not_affected finding was notified as new: %v", ob)
		}
		if !slices.Contains(ob, "finding.new "+f.finding(v11, log4shell).ID) {
			t.Errorf("1.1's Log4Shell finding was not notified: %v", ob)
		}
		if !slices.Contains(ob, "finding.analysis "+f10.ID) {
			t.Errorf("the decision on 1.0 was not notified: %v", ob)
		}
		evs, err := f.st.FindingEvents(f.ctx, f.org, v11, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(evs, func(e model.FindingEvent) bool { return e.FindingID == f11.ID && e.Kind == model.EventNew }) {
			t.Errorf("1.1's history lacks the new event of %s", f11.ID)
		}
		// The reporting helper's question.
		if s, err := f.st.EffectiveStatus(f.ctx, f.org, f11.ID); err != nil || !model.SettledStatus(s) {
			t.Errorf("EffectiveStatus = %q, %v", s, err)
		}
	})
}

// Acceptance (issue 10): a narrower decision overrides a wider one, in
// whatever order they are recorded; a product decision bounded by a
// component range reaches only the versions in it.
func TestNarrowerDecisionWins(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		p1, p2 := f.product("P1"), f.product("P2")
		a10, b10 := f.version(p1, "1.0", "2.28.1"), f.version(p2, "1.0", "2.28.1")
		org := triage.Statement{Status: model.StatusNotAffected, Impact: "never configured with a proxy", Scope: model.ScopeOrganisation}
		if res := f.record(f.finding(a10, requestsCVE).ID, org); res.Updated != 2 {
			t.Fatalf("an organisation decision reached %d findings, want 2", res.Updated)
		}
		if s := f.status(b10, requestsCVE); s != "not_affected/organisation" {
			t.Fatalf("P2 1.0: %s", s)
		}
		f.record(f.finding(b10, requestsCVE).ID, triage.Statement{Status: model.StatusAffected, Action: "upgrade requests to 2.31.0",
			Response: []string{"update"}})
		if s := f.status(b10, requestsCVE); s != "affected/version" {
			t.Fatalf("P2 1.0 after its version decision: %s", s)
		}
		// A later organisation decision does not override the version one.
		org.Status, org.Impact = model.StatusFixed, ""
		f.record(f.finding(a10, requestsCVE).ID, org)
		if s := f.status(b10, requestsCVE); s != "affected/version" {
			t.Fatalf("P2 1.0 after a later organisation decision: %s", s)
		}
		if s := f.status(a10, requestsCVE); s != "fixed/organisation" {
			t.Fatalf("P1 1.0 after a later organisation decision: %s", s)
		}
		// A product decision wins over the organisation's, in the product.
		f.record(f.finding(a10, requestsCVE).ID, triage.Statement{Status: model.StatusUnderInvestigation, Scope: model.ScopeProduct,
			ComponentRange: ">=2.28.0,<2.30.0"})
		if s := f.status(a10, requestsCVE); s != "under_investigation/product" {
			t.Fatalf("P1 1.0 after a product decision: %s", s)
		}
		a11, a12 := f.version(p1, "1.1", "2.29.0"), f.version(p1, "1.2", "2.30.0")
		if s := f.status(a11, requestsCVE); s != "under_investigation/product" {
			t.Errorf("P1 1.1 (in the range) inherited %s, want the product decision", s)
		}
		if s := f.status(a12, requestsCVE); s != "fixed/organisation" {
			t.Errorf("P1 1.2 (outside the range) inherited %s, want the organisation decision", s)
		}
		if s := f.status(f.version(p2, "1.1", "2.29.0"), requestsCVE); s != "fixed/organisation" {
			t.Errorf("P2 1.1 inherited %s, want the organisation decision", s)
		}
	})
}

func TestStatementRules(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		v := f.version(f.product("P"), "1.0", "2.28.1")
		id := f.finding(v, requestsCVE).ID
		for _, c := range []struct {
			st    triage.Statement
			field string
		}{
			{triage.Statement{}, "status:"},
			{triage.Statement{Status: "wontfix"}, "status:"},
			{triage.Statement{Status: model.StatusNotAffected}, "justification:"},
			{triage.Statement{Status: model.StatusNotAffected, Justification: "code_not_reachable"}, "justification:"},
			{triage.Statement{Status: model.StatusAffected}, "action:"},
			{triage.Statement{Status: model.StatusAffected, Action: "upgrade", Justification: "component_not_present"}, "justification:"},
			{triage.Statement{Status: model.StatusFixed, Response: []string{"update", "patch"}}, "response:"},
			{triage.Statement{Status: model.StatusFixed, Response: []string{"update", "update"}}, "response:"},
			{triage.Statement{Status: model.StatusFixed, Scope: "everywhere"}, "scope:"},
			{triage.Statement{Status: model.StatusFixed, ComponentRange: ">=1.0"}, "componentRange:"},
			{triage.Statement{Status: model.StatusFixed, Scope: model.ScopeProduct, ComponentRange: "1.0"}, "componentRange:"},
			{triage.Statement{Status: model.StatusFixed, Detail: "bell\x07"}, "detail:"},
			{triage.Statement{Status: model.StatusFixed, Impact: strings.Repeat("x", 4001)}, "impact:"},
		} {
			_, err := f.tri.Record(f.ctx, f.org, ci, []triage.Decision{{FindingID: id, Statement: c.st}})
			if !portfolio.IsInput(err) || !strings.HasPrefix(err.Error(), c.field) {
				t.Errorf("%+v: %v, want an input error on %s", c.st, err, c.field)
			}
		}
		if _, err := f.tri.Record(f.ctx, f.org, ci, []triage.Decision{{FindingID: "3f2a6c1e-8b1d-4c55-9a7e-0d4b5e6f7a81",
			Statement: triage.Statement{Status: model.StatusFixed}}}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown finding: %v", err)
		}
		h, err := f.tri.Analysis(f.ctx, f.org, id)
		if err != nil || h.Current != nil || len(h.History) != 0 {
			t.Errorf("refused decisions left %+v, %v", h, err)
		}
	})
}

// Every decision stays in the history (the table refuses updates); bulk
// triage writes one entry per finding; related decisions can be copied;
// a passed review date flags the finding.
func TestHistoryBulkRelatedCopy(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		p1, p2 := f.product("P1"), f.product("P2")
		v := []string{f.version(p1, "1.0", "2.28.1"), f.version(p1, "1.1", "2.29.0"), f.version(p2, "1.0", "2.28.1")}
		id := f.finding(v[0], requestsCVE).ID
		f.record(id, triage.Statement{Status: model.StatusUnderInvestigation})
		f.record(id, triage.Statement{Status: model.StatusAffected, Action: "upgrade"})
		f.record(id, notAffected)
		h, err := f.tri.Analysis(f.ctx, f.org, id)
		if err != nil {
			t.Fatal(err)
		}
		var seq []string
		for _, a := range h.History {
			seq = append(seq, string(a.Status))
		}
		if got := strings.Join(seq, " "); got != "not_affected affected under_investigation" || h.Current.ID != h.History[0].ID {
			t.Fatalf("history %s, current %+v", got, h.Current)
		}
		if _, err := f.st.DB().ExecContext(f.ctx, `UPDATE analysis SET status = 'fixed'`); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("updating the history: %v", err)
		}

		res, err := f.tri.Bulk(f.ctx, f.org, ci, triage.Selection{Filter: &store.FindingFilter{ProductID: p1, Vulnerability: "GHSA-j8r2-6x86-q33q"}},
			triage.Statement{Status: model.StatusFixed, Response: []string{"update"}})
		if err != nil || res.Recorded != 2 || res.Updated != 2 {
			t.Fatalf("bulk by filter: %+v, %v", res, err)
		}
		if _, err := f.tri.Bulk(f.ctx, f.org, ci, triage.Selection{Filter: &store.FindingFilter{State: model.FindingOpen}}, notAffected); !portfolio.IsInput(err) {
			t.Errorf("a filter selecting the whole organisation: %v", err)
		}
		if h, _ := f.tri.Analysis(f.ctx, f.org, id); len(h.History) != 4 || h.Current.Source != "bulk" {
			t.Errorf("after bulk: %d entries, current %+v", len(h.History), h.Current)
		}

		other := f.finding(v[2], requestsCVE).ID
		rel, err := f.tri.Related(f.ctx, f.org, other)
		if err != nil {
			t.Fatal(err)
		}
		if len(rel) != 2 || rel[0].Status != model.StatusFixed || rel[0].Origin.ProductID != p1 {
			t.Fatalf("related: %+v", rel)
		}
		res, err = f.tri.Copy(f.ctx, f.org, ci, other, rel[0].ID, "")
		if err != nil || res.Decisions[0].Source != "copy:"+rel[0].ID || res.Decisions[0].Status != model.StatusFixed {
			t.Fatalf("copy: %+v, %v", res, err)
		}
		if s := f.status(v[2], requestsCVE); s != "fixed/version" {
			t.Errorf("copied: %s", s)
		}

		// A review date in the past: the finding needs review.
		f.record(f.finding(v[1], log4shell).ID, triage.Statement{Status: model.StatusAffected, Action: "accept the risk",
			Response: []string{"will_not_fix"}, ReviewDate: time.Now().AddDate(0, 0, -1)})
		page, err := f.st.Findings(f.ctx, f.org, store.FindingQuery{VersionID: v[1], NeedsReview: true, Limit: 100})
		if err != nil || len(page.Findings) != 1 || !page.Findings[0].Analysis.NeedsReview || page.Findings[0].VulnID != log4shell {
			t.Errorf("needs review: %+v, %v", page.Findings, err)
		}
		// Filters by effective status.
		for _, c := range []struct {
			q    store.FindingQuery
			want int
		}{
			{store.FindingQuery{Analysis: []string{"fixed"}}, 1},
			{store.FindingQuery{Analysis: []string{"affected", "fixed"}}, 2},
			{store.FindingQuery{Actionable: true}, -1},
		} {
			c.q.VersionID, c.q.Limit = v[1], 1000
			page, err := f.st.Findings(f.ctx, f.org, c.q)
			if err != nil {
				t.Fatal(err)
			}
			all, _ := f.st.Findings(f.ctx, f.org, store.FindingQuery{VersionID: v[1], Limit: 1000})
			want := c.want
			if want < 0 {
				want = len(all.Findings) - 1 // all but the fixed requests finding
			}
			if len(page.Findings) != want {
				t.Errorf("%+v: %d findings, want %d", c.q, len(page.Findings), want)
			}
		}
	})
}

const requestsKEV = `{"title":"CISA Catalog of Known Exploited Vulnerabilities","catalogVersion":"2026.12.06","dateReleased":"2026-12-06T00:00:00.000Z","count":1,
 "vulnerabilities":[{"cveID":"CVE-2023-32681","vendorProject":"Python","product":"Requests","vulnerabilityName":"Requests credential leak","dateAdded":"2026-12-06","dueDate":"2026-12-27","knownRansomwareCampaignUse":"Unknown"}]}`

// A finding that becomes known-exploited after a not_affected decision
// needs review: flagged, a finding event, a finding.analysis_review
// notification and no finding.exploited one (the product is not
// affected); a new decision clears the flag.
func TestExploitedFlagsReview(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		v := f.version(f.product("P"), "1.0", "2.28.1")
		fd := f.finding(v, requestsCVE)
		f.record(fd.ID, notAffected)
		kev := filepath.Join(t.TempDir(), "kev.json")
		if err := os.WriteFile(kev, []byte(requestsKEV), 0o600); err != nil {
			t.Fatal(err)
		}
		demokb.Import(t, f.st, kev)
		out, err := f.fs.Rematch(f.ctx, f.org, v, nil)
		if err != nil {
			t.Fatal(err)
		}
		if out.Review != 1 {
			t.Errorf("re-match flagged %d decisions for review, want 1", out.Review)
		}
		a := f.finding(v, requestsCVE).Analysis
		if a == nil || !a.NeedsReview || !strings.Contains(a.ReviewReason, "known exploited") || a.Status != model.StatusNotAffected {
			t.Fatalf("after KEV: %+v", a)
		}
		ob := f.outbox()
		if !slices.Contains(ob, "finding.analysis_review "+fd.ID) || slices.Contains(ob, "finding.exploited "+fd.ID) {
			t.Errorf("outbox %v", ob)
		}
		evs, _ := f.st.FindingEvents(f.ctx, f.org, v, 0, 1000)
		var kinds []string
		for _, e := range evs {
			if e.FindingID == fd.ID {
				kinds = append(kinds, string(e.Kind))
			}
		}
		if got := strings.Join(kinds, " "); got != "new analysis exploited analysis_review" {
			t.Errorf("history of the finding: %s", got)
		}
		f.record(fd.ID, notAffected)
		if a := f.finding(v, requestsCVE).Analysis; a.NeedsReview {
			t.Errorf("a new decision left the review flag: %+v", a)
		}
	})
}

// Bulk triage in one transaction: a failure on one finding records
// nothing for any.
func TestBulkIsOneTransaction(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		v := f.version(f.product("P"), "1.0", "2.28.1")
		page, err := f.st.Findings(f.ctx, f.org, store.FindingQuery{VersionID: v, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		var ds []triage.Decision
		for i, fd := range page.Findings {
			st := triage.Statement{Status: model.StatusFixed, Scope: model.ScopeProduct}
			if i == len(page.Findings)-1 {
				st.ComponentRange = fmt.Sprintf(">=%s", "not a version!")
			}
			ds = append(ds, triage.Decision{FindingID: fd.ID, Statement: st})
		}
		if _, err := f.tri.Record(f.ctx, f.org, ci, ds); !portfolio.IsInput(err) {
			t.Fatalf("want an input error, got %v", err)
		}
		page, _ = f.st.Findings(f.ctx, f.org, store.FindingQuery{VersionID: v, Limit: 1000, Analysis: []string{store.AnalysisNone}})
		if len(page.Findings) != len(ds) {
			t.Errorf("%d of %d findings untriaged after a failed bulk", len(page.Findings), len(ds))
		}
	})
}

// Decisions recorded while versions are uploaded: every version's finding
// ends with the product-wide decision (reached, or inherited), and
// nothing deadlocks.
func TestTriageDuringUploads(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		p := f.product("P")
		first := f.finding(f.version(p, "1.0", "2.28.1"), requestsCVE)
		versions := make([]string, 6)
		for i := range versions {
			v := model.Version{ProductID: p, Name: fmt.Sprintf("2.%d", i), Lifecycle: model.LifecycleOnMarket}
			if err := f.svc.CreateVersion(f.ctx, f.org, &v); err != nil {
				t.Fatal(err)
			}
			versions[i] = v.ID
		}
		errs := make(chan error, len(versions)+3)
		for _, v := range versions {
			go func() {
				doc := strings.ReplaceAll(string(f.demo), "2.28.1", "2.29.0")
				_, err := f.svc.Ingest(f.ctx, f.org, v, []byte(doc), "bom.cdx.json")
				errs <- err
			}()
		}
		for i := range 3 {
			go func() {
				st := notAffected
				st.Scope, st.Detail = model.ScopeProduct, fmt.Sprintf("round %d", i)
				_, err := f.tri.Record(f.ctx, f.org, ci, []triage.Decision{{FindingID: first.ID, Statement: st}})
				errs <- err
			}()
		}
		for range len(versions) + 3 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		for _, v := range versions {
			if s := f.status(v, requestsCVE); s != "not_affected/product" {
				t.Errorf("version %s: %s", v, s)
			}
		}
	})
}

// A decision's review date passing flags the findings it applies to for
// review, with one finding event and one finding.analysis_review
// notification each, once, from the periodic job under the injected
// clock; a new decision clears the flag and arms its own review date.
func TestReviewDateExpiry(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		p := f.product("P")
		v1, v2 := f.version(p, "1.0", "2.28.1"), f.version(p, "1.1", "2.28.1")
		fd1, fd2 := f.finding(v1, requestsCVE), f.finding(v2, requestsCVE)
		accepted := notAffected
		accepted.Scope = model.ScopeProduct
		accepted.ReviewDate = time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
		f.record(fd1.ID, accepted)
		// Another decision, reviewed later, in another product.
		other := f.version(f.product("Q"), "1.0", "2.28.1")
		later := notAffected
		later.ReviewDate = time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
		f.record(f.finding(other, requestsCVE).ID, later)

		var now time.Time
		tri := triage.New(f.st, discard(), func() time.Time { return now })
		review := func() []string {
			var out []string
			for _, e := range f.outbox() {
				if strings.HasPrefix(e, "finding.analysis_review ") {
					out = append(out, strings.TrimPrefix(e, "finding.analysis_review "))
				}
			}
			slices.Sort(out)
			return out
		}
		want := []string{fd1.ID, fd2.ID}
		slices.Sort(want)
		steps := []struct {
			now     string
			flagged int
			events  []string
		}{
			{"2027-02-28T23:59:00Z", 0, nil},
			{"2027-03-01T00:00:00Z", 2, want},
			{"2027-03-01T01:00:00Z", 0, want}, // once
			{"2027-03-20T00:00:00Z", 0, want},
		}
		for _, st := range steps {
			var err error
			if now, err = time.Parse(time.RFC3339, st.now); err != nil {
				t.Fatal(err)
			}
			n, err := tri.ExpireReviews(f.ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n != st.flagged || !slices.Equal(review(), st.events) {
				t.Fatalf("at %s: flagged %d, events %v; want %d, %v", st.now, n, review(), st.flagged, st.events)
			}
		}
		for _, v := range []string{v1, v2} {
			a := f.finding(v, requestsCVE).Analysis
			if a == nil || !a.NeedsReview || a.ReviewReason != "its review date passed (2027-03-01)" || a.Status != model.StatusNotAffected {
				t.Fatalf("version %s after its review date: %+v", v, a)
			}
		}
		if a := f.finding(other, requestsCVE).Analysis; a.NeedsReview {
			t.Errorf("the decision reviewed later is flagged: %+v", a)
		}
		evs, err := f.st.FindingEvents(f.ctx, f.org, v2, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		var details []string
		for _, e := range evs {
			if e.Kind == model.EventAnalysisReview {
				details = append(details, e.Detail)
			}
		}
		if len(details) != 1 || details[0] != "the product decision (not_affected) needs review: its review date passed (2027-03-01)" {
			t.Errorf("review events of version 1.1: %q", details)
		}

		// A new decision clears the flag and its own date is awaited.
		accepted.ReviewDate = time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC)
		f.record(fd1.ID, accepted)
		if a := f.finding(v2, requestsCVE).Analysis; a.NeedsReview {
			t.Fatalf("a new decision left the review flag: %+v", a)
		}
		for _, st := range []struct {
			now     string
			flagged int
		}{{"2027-03-31T12:00:00Z", 0}, {"2027-04-01T00:30:00Z", 2}, {"2027-04-01T01:30:00Z", 0}} {
			now, _ = time.Parse(time.RFC3339, st.now)
			if n, err := tri.ExpireReviews(f.ctx); err != nil || n != st.flagged {
				t.Fatalf("at %s: flagged %d, %v; want %d", st.now, n, err, st.flagged)
			}
		}
		if got := review(); len(got) != 4 {
			t.Errorf("review notifications %v, want two per finding", got)
		}
	})
}
