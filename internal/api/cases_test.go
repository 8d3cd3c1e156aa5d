package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/cases"
	"github.com/rocca-project/rocca/internal/model"
)

func (s *server) postJSON(t *testing.T, path, body string) response {
	t.Helper()
	return s.do(t, "POST", path, s.acmeKey, "application/json", []byte(body))
}

// The case API: deadlines as RFC 3339 once known, the SRP draft's fields
// with their Glossary ids, a required field left empty refused with 422,
// the printable HTML and the iCalendar feed.
func TestCasesAPI(t *testing.T) {
	engines(t, 0, func(t *testing.T, s *server) {
		// An SI opened by hand starts in assessment, without deadlines.
		res := s.postJSON(t, "/api/v1/cases", `{"type":"si","title":"Update server compromised","versionIds":["`+s.version.ID+`"]}`)
		if res.status != http.StatusCreated {
			t.Fatalf("create: %d %s", res.status, res.body)
		}
		var c struct {
			ID        string               `json:"id"`
			State     string               `json:"state"`
			Deadlines map[string]time.Time `json:"deadlines"`
			Versions  []struct{ VersionID string }
		}
		res.decode(t, &c)
		if c.State != "assessment" || len(c.Deadlines) != 0 || len(c.Versions) != 1 || c.Versions[0].VersionID != s.version.ID {
			t.Fatalf("new case %s", res.body)
		}
		// Awareness: deadlines to the minute.
		res = s.postJSON(t, "/api/v1/cases/"+c.ID+"/awareness", `{"at":"2026-12-07T05:12:59Z","reason":"intrusion confirmed"}`)
		if res.status != http.StatusOK {
			t.Fatalf("awareness: %d %s", res.status, res.body)
		}
		res.decode(t, &c)
		if c.State != "aware" || c.Deadlines["earlyWarning"].Format(time.RFC3339) != "2026-12-08T05:12:00Z" ||
			c.Deadlines["notification"].Format(time.RFC3339) != "2026-12-10T05:12:00Z" || !strings.Contains(string(res.body), `"earlyWarning":"2026-12-08T05:12:00Z"`) {
			t.Fatalf("deadlines %s", res.body)
		}
		for _, bad := range []string{`{"at":"2026-12-07","reason":"x"}`, `{"at":"2026-12-07T05:00:00Z"}`, `{"at":"2027-01-01T00:00:00Z","reason":"future"}`} {
			if res := s.postJSON(t, "/api/v1/cases/"+c.ID+"/awareness", bad); res.status != http.StatusBadRequest {
				t.Errorf("awareness %s: %d %s", bad, res.status, res.body)
			}
		}
		// The draft: the SRP's fields, in order, with ids, statuses and limits.
		res = s.get(t, "/api/v1/cases/"+c.ID+"/srp?stage=early_warning", s.acmeKey)
		var d struct {
			Fields []struct {
				ID, Label, Status, Value string
				Limit                    int
			}
		}
		res.decode(t, &d)
		if len(d.Fields) != 26 || d.Fields[0].ID != "1" || d.Fields[0].Value != "Incident" || d.Fields[1].Limit != 255 || d.Fields[len(d.Fields)-1].ID != "i39" {
			t.Fatalf("draft %s", res.body)
		}
		// Every field carries its limit, 0 when it has none.
		var raw struct{ Fields []map[string]json.RawMessage }
		res.decode(t, &raw)
		var noLimit []string
		unlimited := 0
		for _, f := range raw.Fields {
			l, ok := f["limit"]
			if !ok {
				noLimit = append(noLimit, string(f["id"]))
			}
			if string(l) == "0" {
				unlimited++
			}
		}
		if len(noLimit) > 0 || unlimited == 0 {
			t.Errorf("fields without a limit in the JSON: %v; fields with limit 0: %d, want some\n%s", noLimit, unlimited, res.body)
		}
		if res := s.get(t, "/api/v1/cases/"+c.ID+"/srp?stage=sometime", s.acmeKey); res.status != http.StatusBadRequest {
			t.Errorf("unknown stage: %d", res.status)
		}
		// i31 is required at the early warning and empty: refused, naming it.
		res = s.postJSON(t, "/api/v1/cases/"+c.ID+"/stages/early_warning/submission", `{"srpReference":"CRA-7"}`)
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(string(res.body), `i31`) || !strings.Contains(string(res.body), "Suspected of unlawful or malicious acts") {
			t.Fatalf("missing field: %d %s", res.status, res.body)
		}
		res = s.postJSON(t, "/api/v1/cases/"+c.ID+"/stages/early_warning/submission", `{"fields":{"2":"`+strings.Repeat("x", 256)+`"}}`)
		if res.status != http.StatusBadRequest || !strings.Contains(string(res.body), "at most 255") {
			t.Fatalf("over the limit: %d %s", res.status, res.body)
		}
		res = s.postJSON(t, "/api/v1/cases/"+c.ID+"/stages/early_warning/submission", `{"srpReference":"CRA-7","fields":{"i31":"Yes","5":"IT"}}`)
		if res.status != http.StatusCreated || !strings.Contains(string(res.body), `"srpReference":"CRA-7"`) {
			t.Fatalf("submission: %d %s", res.status, res.body)
		}
		// The final report before the notification: refused.
		if res := s.postJSON(t, "/api/v1/cases/"+c.ID+"/stages/final_report/submission", `{}`); res.status != http.StatusConflict {
			t.Fatalf("final report first: %d %s", res.status, res.body)
		}
		// Printable HTML, escaped.
		if _, err := s.cases.Edit(t.Context(), s.acme.ID, c.ID, "t", casesUpdateTitle("<script>alert(1)</script>")); err != nil {
			t.Fatal(err)
		}
		res = s.get(t, "/api/v1/cases/"+c.ID+"/srp?stage=notification&format=html", s.acmeKey)
		if res.status != http.StatusOK || !strings.HasPrefix(res.header.Get("Content-Type"), "text/html") ||
			strings.Contains(string(res.body), "<script>") || !strings.Contains(string(res.body), "English only") {
			t.Fatalf("html: %d %s", res.status, res.body)
		}
		// The filters.
		var l struct{ Items []struct{ ID string } }
		s.get(t, "/api/v1/cases?state=aware&type=si", s.acmeKey).decode(t, &l)
		if len(l.Items) != 1 || l.Items[0].ID != c.ID {
			t.Fatalf("filtered list %+v", l)
		}
		if res := s.get(t, "/api/v1/cases?state=open", s.acmeKey); res.status != http.StatusBadRequest {
			t.Errorf("unknown state filter: %d", res.status)
		}
		// The calendar feed: a secret URL, the open deadlines.
		res = s.postJSON(t, "/api/v1/reporting-profile/calendar", ``)
		var cal struct{ URL string }
		res.decode(t, &cal)
		feed := s.get(t, cal.URL, "")
		if feed.status != http.StatusOK || feed.header.Get("Content-Type") != "text/calendar; charset=utf-8" ||
			!strings.Contains(string(feed.body), "DTSTART:20261210T051200Z") || strings.Contains(string(feed.body), "DTSTART:20261208T051200Z") {
			t.Fatalf("calendar: %d %s", feed.status, feed.body)
		}
		if res := s.get(t, "/api/v1/calendar.ics?token=wrong-token-of-some-length", ""); res.status != http.StatusNotFound {
			t.Fatalf("wrong token: %d", res.status)
		}
		// A new secret replaces the old URL.
		s.postJSON(t, "/api/v1/reporting-profile/calendar", ``)
		if res := s.get(t, cal.URL, ""); res.status != http.StatusNotFound {
			t.Fatalf("old calendar URL: %d", res.status)
		}
		// An AEV's final report is due 14 days after the fix became
		// available, to the minute.
		res = s.postJSON(t, "/api/v1/cases/"+s.aware.ID+"/fix", `{"availableAt":"2026-12-07T05:30:00Z","details":"Update to firmware 4.2.1."}`)
		if res.status != http.StatusOK {
			t.Fatalf("fix: %d %s", res.status, res.body)
		}
		var fixed struct {
			Deadlines map[string]time.Time `json:"deadlines"`
		}
		res.decode(t, &fixed)
		if got := fixed.Deadlines["finalReport"].Format(time.RFC3339); got != "2026-12-21T05:30:00Z" {
			t.Errorf("finalReport after the fix: %s, want 2026-12-21T05:30:00Z (availableAt + 14 days)\n%s", got, res.body)
		}
		s.get(t, "/api/v1/cases/"+s.aware.ID, s.acmeKey).decode(t, &fixed)
		if got := fixed.Deadlines["finalReport"].Format(time.RFC3339); got != "2026-12-21T05:30:00Z" {
			t.Errorf("finalReport read back: %s, want 2026-12-21T05:30:00Z", got)
		}
	})
}

func TestCatalogueAndProfilePatches(t *testing.T) {
	engines(t, 0, func(t *testing.T, s *server) {
		path := "/api/v1/products/" + s.product.ID
		res := s.do(t, "PATCH", path, s.acmeKey, "application/json", []byte(`{"markets":["it","DE","IT"],"craType":"important","craClass":"class_ii"}`))
		if res.status != http.StatusOK || !strings.Contains(string(res.body), `"markets":["IT","DE"]`) || !strings.Contains(string(res.body), `"craClass":"class_ii"`) {
			t.Fatalf("patch product: %d %s", res.status, res.body)
		}
		for _, bad := range []string{`{"markets":["UK"]}`, `{"craType":"special"}`, `{"craType":"default","craClass":"class_i"}`} {
			if res := s.do(t, "PATCH", path, s.acmeKey, "application/json", []byte(bad)); res.status != http.StatusBadRequest {
				t.Errorf("patch %s: %d %s", bad, res.status, res.body)
			}
		}
		// The unchanged fields stay.
		if res := s.get(t, path, s.acmeKey); !strings.Contains(string(res.body), `"name":"Linea HMI Gateway"`) || !strings.Contains(string(res.body), `"markets":["IT","DE"]`) {
			t.Fatalf("product after patches: %s", res.body)
		}
		vpath := "/api/v1/versions/" + s.version.ID
		if res := s.do(t, "PATCH", vpath, s.acmeKey, "application/json", []byte(`{"lifecycle":"end_of_support"}`)); res.status != http.StatusOK || !strings.Contains(string(res.body), `"lifecycle":"end_of_support"`) {
			t.Fatalf("patch version: %d %s", res.status, res.body)
		}
		if res := s.do(t, "PATCH", vpath, s.acmeKey, "application/json", []byte(`{"lifecycle":"retired"}`)); res.status != http.StatusBadRequest {
			t.Fatalf("bad lifecycle: %d", res.status)
		}
		// The reporting profile: routing and warnings.
		res = s.do(t, "PUT", "/api/v1/reporting-profile", s.acmeKey, "application/json", []byte(`{"legalName":"ACME S.r.l.",
			"routing":{"importer":"IT","mostUsers":"DE"},
			"representatives":[{"name":"Ada","email":"ada@acme.example","role":"primary","verified":false,"notifications":17}],
			"reportingContacts":["psirt@acme.example"]}`))
		if res.status != http.StatusOK || !strings.Contains(string(res.body), `"csirtMemberState":"IT"`) || !strings.Contains(string(res.body), "CSIRT Italia") ||
			!strings.Contains(string(res.body), "importer") || !strings.Contains(string(res.body), "17 of the 20") {
			t.Fatalf("profile: %d %s", res.status, res.body)
		}
		// The reporting contacts get the case events by e-mail: one
		// subscription, replaced when they change, removed with them.
		subs := func() []string {
			var l struct {
				Items []struct {
					ID, Locale string
					To         []string
					Events     []string
				}
			}
			s.get(t, "/api/v1/email-subscriptions", s.acmeKey).decode(t, &l)
			var out []string
			for _, it := range l.Items {
				if len(it.Events) > 0 && it.Events[0] == "case.opened" {
					out = append(out, strings.Join(it.To, ",")+" "+it.Locale)
				}
			}
			return out
		}
		if got := subs(); len(got) != 1 || got[0] != "psirt@acme.example en" {
			t.Fatalf("contacts' subscription %v", got)
		}
		put := func(body string) {
			t.Helper()
			if res := s.do(t, "PUT", "/api/v1/reporting-profile", s.acmeKey, "application/json", []byte(body)); res.status != http.StatusOK {
				t.Fatalf("profile: %d %s", res.status, res.body)
			}
		}
		put(`{"legalName":"ACME S.r.l.","reportingContacts":["psirt@acme.example","ciso@acme.example"]}`)
		if got := subs(); len(got) != 1 || got[0] != "psirt@acme.example,ciso@acme.example en" {
			t.Fatalf("contacts' subscription after a change %v", got)
		}
		// The profile's language is the subscription's: changing it alone
		// replaces the subscription.
		put(`{"legalName":"ACME S.r.l.","reportingContacts":["psirt@acme.example","ciso@acme.example"],"locale":"it"}`)
		if got := subs(); len(got) != 1 || got[0] != "psirt@acme.example,ciso@acme.example it" {
			t.Fatalf("contacts' subscription after choosing Italian %v", got)
		}
		if res := s.get(t, "/api/v1/reporting-profile", s.acmeKey); !strings.Contains(string(res.body), `"locale":"it"`) {
			t.Errorf("profile %s", res.body)
		}
		put(`{"legalName":"ACME S.r.l."}`)
		if got := subs(); len(got) != 0 {
			t.Fatalf("contacts' subscription after removing them %v", got)
		}
		for _, bad := range []string{`{"mainEstablishment":"US"}`, `{"representatives":[{"name":"A","email":"a@x.example","role":"primary"},{"name":"B","email":"b@x.example","role":"primary"}]}`,
			`{"reportingContacts":["not an address"]}`, `{"holidays":["25/12/2026"]}`, `{"locale":"fr"}`} {
			if res := s.do(t, "PUT", "/api/v1/reporting-profile", s.acmeKey, "application/json", []byte(bad)); res.status != http.StatusBadRequest {
				t.Errorf("profile %s: %d %s", bad, res.status, res.body)
			}
		}
	})
}

func casesUpdateTitle(title string) cases.Update { return cases.Update{Title: &title} }

// Without e-mail on the server the profile is saved all the same, with a
// warning that the reporting contacts get no e-mail.
func TestProfileContactsWithoutEmail(t *testing.T) {
	enginesWith(t, harness{noSMTP: true}, func(t *testing.T, s *server) {
		res := s.do(t, "PUT", "/api/v1/reporting-profile", s.acmeKey, "application/json", []byte(`{"reportingContacts":["psirt@acme.example"]}`))
		if res.status != http.StatusOK || !strings.Contains(string(res.body), "the reporting contacts get no e-mail: e-mail is not configured") ||
			strings.Contains(string(res.body), "contactsSubscriptionId") {
			t.Fatalf("profile: %d %s", res.status, res.body)
		}
	})
}

// The Art. 14(8) user notice: plain text naming the vulnerability, the
// versions and the fix.
func TestCaseUserNotice(t *testing.T) {
	engines(t, 0, func(t *testing.T, s *server) {
		res := s.postJSON(t, "/api/v1/cases/"+s.aware.ID+"/fix", `{"availableAt":"2026-12-07T05:30:00Z","details":"Update to firmware 4.2.1.\nReboot the gateway."}`)
		if res.status != http.StatusOK {
			t.Fatalf("fix: %d %s", res.status, res.body)
		}
		res = s.get(t, "/api/v1/cases/"+s.aware.ID+"/user-notice", s.acmeKey)
		body := string(res.body)
		if res.status != http.StatusOK || res.header.Get("Content-Type") != "text/plain; charset=utf-8" {
			t.Fatalf("notice: %d %s", res.status, body)
		}
		for _, want := range []string{"Security notice from acme", "Vulnerability: CVE-2099-0040", "  - Linea HMI Gateway 4.2.0",
			"Fix available since 2026-12-07.", "Update to firmware 4.2.1.\nReboot the gateway.", "Reference: " + s.aware.ID} {
			if !strings.Contains(body, want) {
				t.Errorf("notice lacks %q:\n%s", want, body)
			}
		}
	})
}

// The owner is a member of the organisation, set by e-mail address or
// user id through POST and PATCH; anyone else is refused with 400, and a
// member of another organisation too.
func TestCaseOwnerAPI(t *testing.T) {
	engines(t, 0, func(t *testing.T, s *server) {
		ctx := context.Background()
		member := func(org, email string) model.User {
			u := model.User{Email: email}
			if err := s.st.CreateUser(ctx, &u, strings.ToLower(email), "hash"); err != nil {
				t.Fatal(err)
			}
			if err := s.st.AddMember(ctx, org, u.ID, model.RoleEditor, caseClock()); err != nil {
				t.Fatal(err)
			}
			return u
		}
		alice, mallory := member(s.acme.ID, "alice@acme.example"), member(s.bolt.ID, "mallory@bolt.example")
		var c struct {
			ID, Owner, OwnerID string
		}
		res := s.postJSON(t, "/api/v1/cases", `{"type":"si","title":"Update server compromised","owner":"ALICE@acme.example"}`)
		if res.status != http.StatusCreated {
			t.Fatalf("create: %d %s", res.status, res.body)
		}
		res.decode(t, &c)
		if c.Owner != "alice@acme.example" || c.OwnerID != alice.ID || !strings.Contains(string(res.body), `"ownerId":"`+alice.ID+`"`) {
			t.Fatalf("owner %s", res.body)
		}
		for _, bad := range []string{"mallory@bolt.example", mallory.ID, "the quality team"} {
			if res := s.postJSON(t, "/api/v1/cases", `{"type":"si","title":"x","owner":"`+bad+`"}`); res.status != http.StatusBadRequest ||
				!strings.Contains(string(res.body), "not a member of the organisation") {
				t.Errorf("create with owner %s: %d %s", bad, res.status, res.body)
			}
			res := s.do(t, "PATCH", "/api/v1/cases/"+c.ID, s.acmeKey, "application/json", []byte(`{"owner":"`+bad+`"}`))
			if res.status != http.StatusBadRequest {
				t.Errorf("patch owner %s: %d %s", bad, res.status, res.body)
			}
		}
		res = s.do(t, "PATCH", "/api/v1/cases/"+c.ID, s.acmeKey, "application/json", []byte(`{"owner":""}`))
		if res.status != http.StatusOK || strings.Contains(string(res.body), `"owner"`) {
			t.Errorf("owner cleared: %d %s", res.status, res.body)
		}
		res = s.do(t, "PATCH", "/api/v1/cases/"+c.ID, s.acmeKey, "application/json", []byte(`{"owner":"`+alice.ID+`"}`))
		res.decode(t, &c)
		if res.status != http.StatusOK || c.OwnerID != alice.ID || c.Owner != alice.Email {
			t.Errorf("owner by id: %d %s", res.status, res.body)
		}
	})
}

// GET /cases/{id} carries rocca's suggestion for the fix from the fixed
// versions the knowledge base knows, without recording it: no fix, no
// final-report deadline until POST /fix. A case whose vulnerability has no
// fixed version known has none.
func TestCaseFixSuggestion(t *testing.T) {
	engines(t, 0, func(t *testing.T, s *server) {
		if _, err := s.cases.Sync(t.Context(), s.acme.ID); err != nil {
			t.Fatal(err)
		}
		var l struct{ Items []struct{ ID string } }
		s.get(t, "/api/v1/cases?vulnerability=CVE-2021-44228", s.acmeKey).decode(t, &l)
		if len(l.Items) != 1 {
			t.Fatalf("Log4Shell cases %+v", l)
		}
		id := l.Items[0].ID
		type body struct {
			FixAvailable  string               `json:"fixAvailable"`
			Deadlines     map[string]time.Time `json:"deadlines"`
			FixSuggestion *struct {
				Details     string `json:"details"`
				AvailableAt string `json:"availableAt"`
				Basis       string `json:"basis"`
				Advisories  []string
				Components  []struct {
					Component     string
					Version       string
					FixedVersions []string
				}
			} `json:"fixSuggestion"`
		}
		var c body
		res := s.get(t, "/api/v1/cases/"+id, s.acmeKey)
		res.decode(t, &c)
		sug := c.FixSuggestion
		if res.status != http.StatusOK || sug == nil {
			t.Fatalf("no fix suggestion: %d %s", res.status, res.body)
		}
		if !strings.Contains(sug.Details, "log4j-core 2.14.1: fixed in 2.15.0") || len(sug.Components) != 1 ||
			len(sug.Components[0].FixedVersions) == 0 || len(sug.Advisories) == 0 {
			t.Errorf("suggestion %s", res.body)
		}
		if sug.AvailableAt != "" || strings.Contains(string(res.body), `"availableAt"`) || !strings.Contains(sug.Basis, "date unknown") {
			t.Errorf("a date the knowledge base does not know: %s", res.body)
		}
		// Suggested, not recorded: awareness gives two deadlines, no final report.
		res = s.postJSON(t, "/api/v1/cases/"+id+"/awareness", `{"at":"2026-12-07T05:00:00Z","reason":"KEV listing reaches our gateway"}`)
		if res.status != http.StatusOK {
			t.Fatalf("awareness: %d %s", res.status, res.body)
		}
		c = body{}
		s.get(t, "/api/v1/cases/"+id, s.acmeKey).decode(t, &c)
		if c.FixAvailable != "" || len(c.Deadlines) != 2 || c.FixSuggestion == nil {
			t.Fatalf("after awareness: %+v", c)
		}
		// Recorded by the person: the final report runs from it.
		if res := s.postJSON(t, "/api/v1/cases/"+id+"/fix", `{"availableAt":"2026-12-07T05:30:00Z","details":"`+c.FixSuggestion.Details+`"}`); res.status != http.StatusOK {
			t.Fatalf("fix: %d %s", res.status, res.body)
		}
		c = body{}
		s.get(t, "/api/v1/cases/"+id, s.acmeKey).decode(t, &c)
		if c.Deadlines["finalReport"].Format(time.RFC3339) != "2026-12-21T05:30:00Z" {
			t.Fatalf("recorded fix: %+v", c)
		}
		// No fixed version known (a vulnerability without findings): none.
		res = s.get(t, "/api/v1/cases/"+s.aware.ID, s.acmeKey)
		if res.status != http.StatusOK || strings.Contains(string(res.body), "fixSuggestion") {
			t.Fatalf("suggestion without a known fix: %d %s", res.status, res.body)
		}
	})
}
