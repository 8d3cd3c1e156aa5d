package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/reporting"
	"github.com/rocca-project/rocca/internal/reporting/srp"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/testutil/demokb"
)

// onEngines runs a test on every engine demokb opens (SQLite, and
// PostgreSQL when configured).
func onEngines(t *testing.T, fn func(t *testing.T, s *site)) {
	es, demo := demokb.Open(t)
	for _, e := range es {
		t.Run(e.Name, func(t *testing.T) { fn(t, newSiteOn(t, e.Store, demo)) })
	}
}

// inZone makes the browser tell the server its time zone, as tz.js does.
func (b *browser) inZone(name string) *browser {
	u, _ := url.Parse(b.base)
	b.c.Jar.SetCookies(u, []*http.Cookie{{Name: "rocca_tz", Value: url.QueryEscape(name), Path: "/"}})
	return b
}

// kevVuln is the id of one of acme's findings (the case's vulnerability).
func (s *site) kevVuln(t *testing.T) string {
	t.Helper()
	fs, err := s.svc.OrgFindings(context.Background(), s.acme.ID, store.OrgFindingQuery{FindingQuery: store.FindingQuery{Limit: 1}})
	if err != nil || len(fs.Findings) == 0 {
		t.Fatalf("findings: %v", err)
	}
	return fs.Findings[0].VulnID
}

var caseLocRe = regexp.MustCompile(`^/cases/([0-9a-f-]{36})\?notice=created$`)

// openCase opens an AEV case by hand through the page and returns its id.
func (s *site) openCase(t *testing.T, b *browser, form url.Values) string {
	t.Helper()
	b.get("/cases/new")
	req, _ := http.NewRequest("POST", b.base+"/cases", strings.NewReader(withCSRF(b, form).Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	m := caseLocRe.FindStringSubmatch(res.Header.Get("Location"))
	if res.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("open a case: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	return m[1]
}

func withCSRF(b *browser, f url.Values) url.Values {
	out := url.Values{"csrf": {b.csrf}}
	for k, v := range f {
		out[k] = v
	}
	return out
}

// TestCaseAwarenessDeadlines opens a case by hand, sees it waiting on the
// dashboard, confirms awareness at 23:30 Rome time on the night summer
// time ends, and finds the early warning due 24 hours later (22:30 CET)
// and the notification 72 hours later, in the person's time zone, in
// English and Italian; then, past the deadline, overdue in words and
// with an icon.
func TestCaseAwarenessDeadlines(t *testing.T) {
	onEngines(t, func(t *testing.T, s *site) {
		s.clock.set(time.Date(2026, 10, 25, 6, 0, 0, 0, time.UTC))
		b := s.browser(t).login("editor@acme.test").inZone("Europe/Rome")
		id := s.openCase(t, b, url.Values{"type": {"aev"}, "title": {"Exploited parser flaw"}, "vulns": {s.kevVuln(t)},
			"versions": {s.version.ID}})
		s.clock.set(time.Date(2026, 10, 25, 8, 15, 0, 0, time.UTC))
		_, dash := b.get("/")
		if !strings.Contains(dash, "Open reporting clocks") || !strings.Contains(dash, "waiting for 2 h 15 min") {
			t.Errorf("dashboard does not show the case waiting 2 h 15 min:\n%s", section(dash, "clocks-h"))
		}
		_, page := b.get("/cases/" + id)
		if !strings.Contains(page, "In assessment") || !strings.Contains(page, `action="/cases/`+id+`/awareness"`) {
			t.Fatalf("case page lacks the assessment state or the awareness form")
		}
		// No reason: refused with the use case's message, nothing changes.
		if code, body := b.post("/cases/"+id+"/awareness", url.Values{"at": {"2026-10-24T23:30"}}); code != http.StatusBadRequest ||
			!strings.Contains(body, "A reason is required: say why") {
			t.Errorf("awareness without reason: %d", code)
		}
		code, _ := b.post("/cases/"+id+"/awareness", url.Values{"at": {"2026-10-24T23:30"}, "reason": {"KEV listing confirmed on our gateway"}})
		if code != http.StatusSeeOther {
			t.Fatalf("confirm awareness: %d", code)
		}
		d, err := s.cases.Get(context.Background(), s.acme.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		if want := time.Date(2026, 10, 24, 21, 30, 0, 0, time.UTC); !d.Awareness.Equal(want) {
			t.Fatalf("awareness %s, want %s (23:30 CEST)", d.Awareness, want)
		}
		_, page = b.get("/cases/" + id)
		for _, want := range []string{"25 Oct 2026, 22:30 CET", "27 Oct 2026, 22:30 CET", "13 h 15 min left", "Europe/Rome",
			"KEV listing confirmed on our gateway", "Aware (clock running)"} {
			if !strings.Contains(page, want) {
				t.Errorf("case page lacks %q", want)
			}
		}
		if !strings.Contains(page, `datetime="2026-10-25T21:30:00Z"`) || !strings.Contains(page, `datetime="2026-10-27T21:30:00Z"`) {
			t.Error("deadlines are not T+24h and T+72h to the minute")
		}
		b.post("/lang", url.Values{"lang": {"it"}, "next": {"/"}})
		_, page = b.get("/cases/" + id)
		for _, want := range []string{"25 ott 2026, 22:30 CET", "mancano 13 h 15 min", "Preallarme (24 h)"} {
			if !strings.Contains(page, want) {
				t.Errorf("Italian case page lacks %q", want)
			}
		}
		// Past the early warning: overdue, in words and with an icon.
		s.clock.set(time.Date(2026, 10, 25, 23, 0, 0, 0, time.UTC))
		b.post("/lang", url.Values{"lang": {"en"}, "next": {"/"}})
		_, dash = b.get("/")
		if !strings.Contains(dash, "Overdue by 1 h 30 min") || !strings.Contains(dash, "⚠") {
			t.Errorf("dashboard does not mark the early warning overdue:\n%s", section(dash, "clocks-h"))
		}
		// The timeline has the awareness with its reason and actor.
		if !strings.Contains(page, "editor@acme.test") {
			t.Error("timeline lacks the actor")
		}
	})
}

// section returns a page's text from an id on, for failure messages.
func section(body, id string) string {
	if i := strings.Index(body, id); i >= 0 {
		return body[i:min(len(body), i+1500)]
	}
	return "(no " + id + ")"
}

// fieldsOf reads the values of a draft page's SRP fields.
var draftFieldRe = regexp.MustCompile(`(?s)name="f_([a-z0-9]+)"[^>]*>(.*?)</(textarea|select)>`)

// TestDraftSubmission checks the draft page: fields in the SRP's order
// with their limits as maxlength, the English note; "mark submitted"
// with a required field emptied is refused with the field named; a value
// over its limit is refused by the server; a complete draft is recorded
// and then shown frozen.
func TestDraftSubmission(t *testing.T) {
	onEngines(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		b := s.browser(t).login("editor@acme.test")
		id := s.openCase(t, b, url.Values{"type": {"aev"}, "title": {"Exploited parser flaw"}, "vulns": {s.kevVuln(t)},
			"versions": {s.version.ID}, "awareness": {s.clock.Now().Add(-2 * time.Hour).Format("2006-01-02T15:04")},
			"reason": {"confirmed"}})
		code, page := b.get("/cases/" + id + "/draft?stage=early_warning")
		if code != http.StatusOK {
			t.Fatalf("draft page: %d", code)
		}
		d, err := s.cases.Draft(ctx, s.acme.ID, id, reporting.StageEarlyWarning)
		if err != nil {
			t.Fatal(err)
		}
		last := -1
		for _, f := range d.Fields {
			i := strings.Index(page, `data-field="`+f.ID+`"`)
			if i < last {
				t.Errorf("field %s out of the SRP's order", f.ID)
			}
			last = i
			if f.Limit > 0 && f.Format == srp.FormatText && !strings.Contains(page, `name="f_`+f.ID+`" lang="en" rows="`) {
				t.Errorf("field %s is not editable", f.ID)
			}
		}
		if !strings.Contains(page, `maxlength="255"`) || !strings.Contains(page, "The SRP accepts English only") ||
			!strings.Contains(page, `/static/cases.js`) || !strings.Contains(page, `data-copy="f-2"`) {
			t.Error("draft page lacks limits, the English note or the copy buttons")
		}
		// Submit the pre-filled values with the title emptied.
		form := url.Values{"stage": {"early_warning"}, "reference": {"SRP-1"}}
		for _, m := range draftFieldRe.FindAllStringSubmatch(page, -1) {
			form.Set("f_"+m[1], "")
		}
		for _, f := range d.Fields {
			form.Set("f_"+f.ID, f.Value)
		}
		form.Set("f_2", "")
		code, body := b.post("/cases/"+id+"/submission", form)
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "these required fields are empty") ||
			!strings.Contains(body, `href="#f-2"`) || !strings.Contains(body, `id="f-2-error"`) {
			t.Fatalf("submission with an empty title: %d\n%s", code, section(body, "draft-refusal"))
		}
		// Over the limit: refused by the server, whatever the browser does.
		form.Set("f_2", strings.Repeat("x", 256))
		if code, body := b.post("/cases/"+id+"/submission", form); code != http.StatusBadRequest || !strings.Contains(body, "at most 255") {
			t.Errorf("title over 255 characters: %d", code)
		}
		if c, _ := s.cases.Get(ctx, s.acme.ID, id); len(c.Submissions) != 0 {
			t.Fatal("a refused submission was recorded")
		}
		// Every required field filled: recorded and frozen.
		for _, f := range d.Fields {
			if form.Get("f_"+f.ID) != "" && f.ID != "2" || !f.MustFill() {
				continue
			}
			form.Set("f_"+f.ID, sample(f))
		}
		form.Set("f_2", "Exploited parser flaw in Linea HMI Gateway")
		if code, body := b.post("/cases/"+id+"/submission", form); code != http.StatusSeeOther {
			t.Fatalf("complete submission: %d\n%s", code, section(body, "draft-refusal"))
		}
		c, err := s.cases.Get(ctx, s.acme.ID, id)
		if err != nil || len(c.Submissions) != 1 || c.Submissions[0].Reference != "SRP-1" {
			t.Fatalf("submission not recorded: %v %+v", err, c.Submissions)
		}
		_, page = b.get("/cases/" + id + "/draft?stage=early_warning")
		if !strings.Contains(page, "the text below is the one recorded") || strings.Contains(page, `name="f_2"`) ||
			!strings.Contains(page, "Exploited parser flaw in Linea HMI Gateway") {
			t.Error("submitted draft is not shown frozen")
		}
		// JSON download of the frozen text.
		res, err := b.c.Get(b.base + "/cases/" + id + "/draft.json?stage=early_warning")
		if err != nil {
			t.Fatal(err)
		}
		var got srp.Draft
		err = json.NewDecoder(res.Body).Decode(&got)
		res.Body.Close()
		if err != nil || got.Value("2") != "Exploited parser flaw in Linea HMI Gateway" ||
			!strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
			t.Errorf("draft JSON: %v %q", err, got.Value("2"))
		}
		if code, page := b.get("/cases/" + id + "/draft/print?stage=early_warning"); code != http.StatusOK || !strings.Contains(page, `<div lang="en" class="print">`) {
			t.Errorf("printable draft: %d", code)
		}
	})
}

// sample is a valid value of a draft field.
func sample(f srp.DraftField) string {
	switch f.Format {
	case srp.FormatSelect, srp.FormatCheckboxes:
		return f.Options[0]
	case srp.FormatMemberStates:
		return "IT"
	case srp.FormatDateTime:
		return "2026-11-02T10:00:00Z"
	case srp.FormatEUVDID:
		return "EUVD-2026-12345"
	}
	return "filled by the test"
}

// TestCaseViewer: a viewer sees the case, its deadlines and drafts but no
// action form, and every action is refused on the server (403).
func TestCaseViewer(t *testing.T) {
	onEngines(t, func(t *testing.T, s *site) {
		ed := s.browser(t).login("editor@acme.test")
		id := s.openCase(t, ed, url.Values{"type": {"aev"}, "title": {"Viewer case"}, "vulns": {s.kevVuln(t)}, "versions": {s.version.ID},
			"awareness": {s.clock.Now().Add(-time.Hour).Format("2006-01-02T15:04")}, "reason": {"confirmed"}})
		v := s.browser(t).login("viewer@acme.test")
		code, page := v.get("/cases/" + id)
		if code != http.StatusOK || !strings.Contains(page, "Viewer case") || !strings.Contains(page, "Early warning (24 h)") {
			t.Fatalf("viewer's case page: %d", code)
		}
		if strings.Contains(page, "/awareness\"") || strings.Contains(page, "/close\"") {
			t.Error("viewer's case page has action forms")
		}
		if _, page := v.get("/cases/" + id + "/draft?stage=early_warning"); strings.Contains(page, "<textarea") || strings.Contains(page, "Mark submitted") {
			t.Error("viewer's draft is editable")
		}
		for _, p := range []string{"/awareness", "/fix", "/close", "/submission", "/intermediate", "/statement"} {
			if code, _ := v.post("/cases/"+id+p, url.Values{"at": {"2026-10-01T10:00"}, "reason": {"x"}, "stage": {"early_warning"}}); code != http.StatusForbidden {
				t.Errorf("viewer POST %s: %d, want 403", p, code)
			}
		}
		if code, text := v.get("/cases/" + id + "/user-notice"); code != http.StatusOK || !strings.Contains(text, s.kevVuln(t)) {
			t.Errorf("user notice: %d\n%s", code, text)
		}
		if code, _ := v.get("/cases/new"); code != http.StatusForbidden {
			t.Errorf("viewer opens the new-case form: %d", code)
		}
		if c, _ := s.cases.Get(context.Background(), s.acme.ID, id); c.State != model.CaseAware {
			t.Errorf("viewer changed the case: %s", c.State)
		}
		// Another organisation's owner finds nothing.
		o := s.browser(t).login("owner@bolt.test")
		if code, _ := o.get("/cases/" + id); code != http.StatusNotFound {
			t.Errorf("other organisation: %d, want 404", code)
		}
		if _, page := o.get("/cases"); strings.Contains(page, "Viewer case") {
			t.Error("other organisation's list shows the case")
		}
	})
}

// TestCaseCloseNotExploitable closes a case as not exploitable: the
// not_affected decision is recorded through the triage use case, and a
// missing justification is refused.
func TestCaseCloseNotExploitable(t *testing.T) {
	onEngines(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		b := s.browser(t).login("editor@acme.test")
		vuln := s.kevVuln(t)
		id := s.openCase(t, b, url.Values{"type": {"aev"}, "title": {"Not ours"}, "vulns": {vuln}, "versions": {s.version.ID}})
		if code, body := b.post("/cases/"+id+"/close", url.Values{"reason": {"parser not reachable"}, "not_exploitable": {"yes"}}); code != http.StatusBadRequest ||
			!strings.Contains(body, "Closing as not exploitable needs a justification") {
			t.Errorf("close without justification: %d", code)
		}
		code, _ := b.post("/cases/"+id+"/close", url.Values{"reason": {"parser not reachable"}, "not_exploitable": {"yes"},
			"justification": {"vulnerable_code_not_in_execute_path"}})
		if code != http.StatusSeeOther {
			t.Fatalf("close: %d", code)
		}
		c, _ := s.cases.Get(ctx, s.acme.ID, id)
		if c.State != model.CaseClosed {
			t.Fatalf("case %s, want closed", c.State)
		}
		fs, err := s.svc.OrgFindings(ctx, s.acme.ID, store.OrgFindingQuery{FindingQuery: store.FindingQuery{Limit: 500}})
		if err != nil {
			t.Fatal(err)
		}
		decided := false
		for _, f := range fs.Findings {
			if f.VulnID == vuln && f.EffectiveStatus() == model.StatusNotAffected {
				decided = true
			}
		}
		log, _ := s.cases.Log(ctx, s.acme.ID, id)
		if !decided || !strings.Contains(log[len(log)-1].Detail, "not_affected decision recorded") {
			t.Errorf("no not_affected decision recorded (finding decided: %v); log %+v", decided, log[len(log)-1])
		}
		if _, page := b.get("/cases/" + id); !strings.Contains(page, "parser not reachable") || strings.Contains(page, `/awareness"`) {
			t.Error("closed case page lacks the reason or still offers actions")
		}
	})
}

// TestReportingProfilePage: the owner saves an Italian main establishment
// and gets CSIRT Italia with the reason; an unverified representative
// near the cap is warned about; the calendar address is shown once; a
// viewer sees the profile without a way to change it.
func TestReportingProfilePage(t *testing.T) {
	onEngines(t, func(t *testing.T, s *site) {
		b := s.browser(t).login("owner@acme.test")
		b.get("/settings/reporting")
		code, _ := b.post("/settings/reporting", url.Values{"legal_name": {"Acme Automazione S.r.l."}, "main": {"IT"},
			"rep_name": {"Giulia Rossi", ""}, "rep_email": {"giulia@acme.test", ""}, "rep_role": {"primary", "secondary"},
			"rep_notifications": {"16", ""}, "contacts": {"psirt@acme.test"}})
		if code != http.StatusSeeOther {
			t.Fatalf("save profile: %d", code)
		}
		_, page := b.get("/settings/reporting")
		for _, want := range []string{"CSIRT Italia (ACN)", "main establishment in the EU is in IT", "Near the cap of 20", "Acme Automazione S.r.l."} {
			if !strings.Contains(page, want) {
				t.Errorf("profile page lacks %q", want)
			}
		}
		if code, body := b.post("/settings/reporting", url.Values{"main": {"XX"}}); code != http.StatusBadRequest || !strings.Contains(body, "not an EU Member State") {
			t.Errorf("bad Member State: %d", code)
		}
		code, page = b.post("/settings/reporting/calendar", nil)
		if code != http.StatusOK || !regexp.MustCompile(`/api/v1/calendar\.ics\?token=[0-9a-zA-Z_-]{20,}`).MatchString(page) {
			t.Errorf("calendar address: %d", code)
		}
		if _, page := b.get("/settings/reporting"); strings.Contains(page, "calendar.ics?token=") {
			t.Error("calendar address shown again")
		}
		v := s.browser(t).login("viewer@acme.test")
		if _, page := v.get("/settings/reporting"); !strings.Contains(page, "CSIRT Italia (ACN)") || !strings.Contains(page, " disabled>") ||
			strings.Contains(page, `action="/settings/reporting/calendar"`) {
			t.Error("viewer's profile page is editable or lacks the CSIRT")
		}
	})
}

// TestProductReportingEdits edits a product's markets and CRA class and a
// version's lifecycle through the pages.
func TestProductReportingEdits(t *testing.T) {
	onEngines(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		b := s.browser(t).login("editor@acme.test")
		b.get("/products/" + s.product.ID)
		if code, _ := b.post("/products/"+s.product.ID+"/reporting", url.Values{"markets": {"IT", "DE", "ZZ"}, "cra_type": {"important"},
			"cra_class": {"class_i"}, "cra_category": {"Routers, modems and switches"}}); code != http.StatusSeeOther {
			t.Fatalf("save product: %d", code)
		}
		p, _ := s.svc.Product(ctx, s.acme.ID, s.product.ID)
		if strings.Join(p.Markets, ",") != "DE,IT" && strings.Join(p.Markets, ",") != "IT,DE" || p.CRAType != "important" || p.CRAClass != "class_i" {
			t.Errorf("product: %v %q %q", p.Markets, p.CRAType, p.CRAClass)
		}
		if code, _ := b.post("/products/"+s.product.ID+"/reporting", url.Values{"cra_type": {"default"}, "cra_class": {"class_ii"}}); code != http.StatusBadRequest {
			t.Errorf("class without important type: %d, want 400", code)
		}
		if _, page := b.get("/products/" + s.product.ID); !strings.Contains(page, "Class I") || !strings.Contains(page, `value="IT" checked`) {
			t.Error("product page does not show the classification or markets")
		}
		if code, _ := b.post("/versions/"+s.version.ID+"/lifecycle", url.Values{"lifecycle": {"end_of_support"}}); code != http.StatusSeeOther {
			t.Fatalf("lifecycle: %d", code)
		}
		if v, _ := s.svc.Version(ctx, s.acme.ID, s.version.ID); v.Lifecycle != model.LifecycleEndOfSupport {
			t.Errorf("lifecycle %s", v.Lifecycle)
		}
	})
}

// TestNewCaseForm: the form refuses a case without a title, an awareness
// time without a reason, and a second case of the same vulnerability
// (with the use case's message); a severe incident needs no
// vulnerability id, and the cases list filters by state and type.
func TestNewCaseForm(t *testing.T) {
	onEngines(t, func(t *testing.T, s *site) {
		b := s.browser(t).login("editor@acme.test")
		b.get("/cases/new")
		if code, body := b.post("/cases", url.Values{"type": {"si"}}); code != http.StatusBadRequest || !strings.Contains(body, `id="title-error"`) {
			t.Errorf("no title: %d", code)
		}
		if code, body := b.post("/cases", url.Values{"type": {"si"}, "title": {"Ransomware on the build server"},
			"awareness": {s.clock.Now().Add(-time.Hour).Format("2006-01-02T15:04")}}); code != http.StatusBadRequest || !strings.Contains(body, `id="reason-error"`) {
			t.Errorf("awareness without reason: %d", code)
		}
		s.openCase(t, b, url.Values{"type": {"si"}, "title": {"Ransomware on the build server"},
			"awareness": {s.clock.Now().Add(-time.Hour).Format("2006-01-02T15:04")}, "reason": {"encrypted files found"}})
		vuln := s.kevVuln(t)
		s.openCase(t, b, url.Values{"type": {"aev"}, "title": {"First"}, "vulns": {vuln}})
		if code, body := b.post("/cases", url.Values{"type": {"aev"}, "title": {"Second"}, "vulns": {vuln}}); code != http.StatusConflict ||
			!strings.Contains(body, "already concerns") {
			t.Errorf("second case of %s: %d", vuln, code)
		}
		_, list := b.get("/cases?type=si")
		if !strings.Contains(list, "Ransomware on the build server") || strings.Contains(list, ">First<") {
			t.Error("type filter")
		}
		_, list = b.get("/cases?state=assessment")
		if strings.Contains(list, "Ransomware on the build server") || !strings.Contains(list, ">First<") {
			t.Error("state filter")
		}
	})
}
