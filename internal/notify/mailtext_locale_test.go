package notify

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/cases"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/portfolio"
)

var update = flag.Bool("update", false, "rewrite the golden e-mails in testdata/mail/")

// verbs are the fmt verbs of a message, in order.
var verbs = regexp.MustCompile(`%[-+# 0]*[0-9]*(\.[0-9]+)?[a-zA-Z%]`)

// Every message is in every language, with the same arguments; every
// event type has its subject and first line; every value of the
// enumerations an e-mail shows has its Italian word.
func TestCatalogues(t *testing.T) {
	en := catalogues[LocaleEnglish]
	for _, l := range Locales {
		cat, ok := catalogues[l]
		if !ok {
			t.Fatalf("no catalogue for %s", l)
		}
		for k, v := range en {
			other, ok := cat[k]
			if !ok {
				t.Errorf("%s: message %q missing", l, k)
				continue
			}
			if !slices.Equal(verbs.FindAllString(v, -1), verbs.FindAllString(other, -1)) {
				t.Errorf("%s: message %q has verbs %q, English %q", l, k, verbs.FindAllString(other, -1), verbs.FindAllString(v, -1))
			}
			if strings.TrimSpace(other) == "" {
				t.Errorf("%s: message %q is empty", l, k)
			}
		}
		for k := range cat {
			if _, ok := en[k]; !ok {
				t.Errorf("%s: message %q is not in the English catalogue", l, k)
			}
		}
		for _, typ := range EventTypes {
			for _, k := range []string{"head." + typ, "title." + typ} {
				if _, ok := cat[k]; !ok {
					t.Errorf("%s: event type %s has no message %q", l, typ, k)
				}
			}
		}
	}
	// Messages the same in both languages: words Italian borrows.
	same := []string{"label.sbom", "label.epss", "no", "epss"}
	for k, v := range en {
		if catalogues[LocaleItalian][k] == v && !slices.Contains(same, k) {
			t.Errorf("it: message %q is the English %q", k, v)
		}
	}
	if len(catalogues) != len(Locales) {
		t.Errorf("%d catalogues, %d locales", len(catalogues), len(Locales))
	}
	enums := map[string][]string{
		"rating": {string(model.RatingUnknown), string(model.RatingNone), string(model.RatingLow), string(model.RatingMedium),
			string(model.RatingHigh), string(model.RatingCritical)},
		"state":  {string(model.FindingOpen), string(model.FindingResolved)},
		"status": {string(model.StatusAffected), string(model.StatusNotAffected), string(model.StatusFixed), string(model.StatusUnderInvestigation)},
		"ascope": {string(model.ScopeVersion), string(model.ScopeProduct), string(model.ScopeOrganisation)},
		"case":   {"aev", "si"},
		"cstate": {string(model.CaseAssessment), string(model.CaseAware), string(model.CaseReported), string(model.CaseClosed)},
	}
	it := enumValues[LocaleItalian]
	n := 0
	for kind, vs := range enums {
		for _, v := range vs {
			n++
			if it[kind+"."+v] == "" {
				t.Errorf("it: no word for %s %q", kind, v)
			}
		}
	}
	if len(it) != n {
		t.Errorf("it: %d enumeration words, %d values known to the test", len(it), n)
	}
}

// Every message the code asks for by a literal key is in the catalogues
// (keys built from event types and stages are checked above and by
// TestMailTextLocales).
func TestCatalogueKeysUsed(t *testing.T) {
	key := regexp.MustCompile(`\bm\.t\("([^"]+)"[,)]`)
	n := 0
	for _, file := range []string{"mailtext.go", "locale.go", "email.go"} {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range key.FindAllStringSubmatch(string(src), -1) {
			n++
			if _, ok := catalogues[LocaleEnglish][g[1]]; !ok {
				t.Errorf("%s asks for message %q, which is not in the catalogues", file, g[1])
			}
		}
	}
	if n < 40 {
		t.Errorf("found only %d uses of messages: has the code changed its way of asking?", n)
	}
}

// sampleEvents are one event of each type, with the details rocca writes.
func sampleEvents(t *testing.T) []model.OutboxEvent {
	t.Helper()
	at := time.Date(2026, 12, 7, 14, 5, 0, 0, time.UTC)
	fnd := func() *model.TrackedFinding {
		return &model.TrackedFinding{ID: "f1", VersionID: "v1", ComponentID: "c1", ComponentKey: "pkg:pypi/requests@2.28.1",
			Component: model.Component{Name: "requests", Version: "2.28.1", PURL: "pkg:pypi/requests@2.28.1"},
			VulnID:    "CVE-2023-32681", VulnIDs: []string{"CVE-2023-32681", "GHSA-j8r2-6x86-q33q"},
			Summary:  "Proxy-Authorization header leak",
			Severity: model.Severity{Rating: model.RatingMedium, Score: 6.1, Vector: "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N"},
			KEV:      true, KEVAdded: time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC), EPSS: 0.0612, EPSSPercentile: 0.9312,
			FixedVersions: []string{"2.31.0"}, State: model.FindingOpen}
	}
	var out []model.OutboxEvent
	add := func(typ string, payload any) {
		b, err := json.Marshal(payload)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, model.OutboxEvent{ID: "e1", OrgID: "o1", Type: typ, ProductID: "p1", VersionID: "v1", Payload: b, Created: at})
	}
	findingEvent := func(typ, detail string, edit func(f *model.TrackedFinding)) {
		f := fnd()
		if edit != nil {
			edit(f)
		}
		add(typ, map[string]any{"type": typ, "finding": f, "event": model.FindingEvent{Detail: detail}})
	}
	findingEvent("finding.new", "reopened: matches again", nil)
	findingEvent("finding.exploited", "known exploited: listed in CISA KEV since 2026-12-06; EUVD", nil)
	findingEvent("finding.severity_changed", "severity medium 5.3 → high 7.5", nil)
	findingEvent("finding.fix_available", "fixed versions [] → [2.31.0]", nil)
	findingEvent("finding.changed", "no longer listed as known exploited", func(f *model.TrackedFinding) { f.KEV, f.EPSS, f.EPSSPercentile = false, 0, 0 })
	findingEvent("finding.resolved", "no longer matches (the current SBOM)", func(f *model.TrackedFinding) { f.State = model.FindingResolved })
	findingEvent("finding.withdrawn", "every advisory of the vulnerability was withdrawn: GHSA-j8r2-6x86-q33q", nil)
	findingEvent("finding.analysis", "not_affected (vulnerable_code_not_in_execute_path), product scope, decided by ci", func(f *model.TrackedFinding) {
		f.Analysis = &model.FindingAnalysis{Analysis: model.Analysis{Status: model.StatusNotAffected, Justification: "vulnerable_code_not_in_execute_path",
			Impact: "proxies are never configured", Response: []string{"will_not_fix"}, Scope: model.ScopeProduct, DecidedBy: "ci",
			DecidedAt: time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC), Origin: model.AnalysisOrigin{VersionID: "v0"}}, Inherited: true}
	})
	findingEvent("finding.analysis_review", "the version decision (affected) needs review: its review date passed (2027-03-01)", func(f *model.TrackedFinding) {
		f.Analysis = &model.FindingAnalysis{Analysis: model.Analysis{Status: model.StatusAffected, Action: "upgrade to 2.31.0", Scope: model.ScopeVersion,
			ReviewDate: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)},
			NeedsReview: true, ReviewReason: "it became known exploited; its review date passed (2027-03-01)"}
	})
	add("upload.processed", portfolio.UploadNotice{ProductID: "p1", VersionID: "v1", SBOMID: "s1", Name: "hmi.cdx.json",
		Detail: "120 components; 3 new, 2 changed, 1 resolved findings; 12 open", New: 3, Changed: 2, Resolved: 1, Open: 12})
	add("upload.failed", portfolio.UploadNotice{VersionID: "v1", Name: "x.json", Detail: "line 3: not an SBOM"})
	nc := cases.NoticeCase{ID: "c1", Type: "aev", State: "aware", Title: "CVE-2023-32681 in Linea HMI", VulnIDs: []string{"CVE-2023-32681"}, Owner: "qualita@example.com"}
	notice := func(typ string, n cases.Notice) {
		n.Type, n.Case = typ, nc
		add(typ, n)
	}
	notice(cases.EventOpened, cases.Notice{})
	notice(cases.EventVersionAdded, cases.Notice{})
	notice(cases.EventAwareness, cases.Notice{Detail: "aware at 2026-12-07T13:00:00Z: KEV entry seen by the team"})
	notice(cases.EventReminder, cases.Notice{Stage: "early_warning", Due: "2026-12-08T13:00:00Z", Lead: "24h0m0s",
		Detail: "the early warning is due at 2026-12-08T13:00:00Z (in 22h55m0s)"})
	notice(cases.EventOverdue, cases.Notice{Stage: "notification", Due: "2026-12-07T13:00:00Z",
		Detail: "the 72-hour notification was due at 2026-12-07T13:00:00Z"})
	notice(cases.EventStageRecorded, cases.Notice{Stage: "early_warning", Detail: "early_warning submitted at 2026-12-07T14:00:00Z"})
	notice(cases.EventClosed, cases.Notice{Detail: "not exploitable in the product (vulnerable_code_not_present): the proxy module is not shipped"})
	return out
}

// englishPhrases are the fixed parts of the English messages that differ
// from the Italian ones: none may appear in an Italian e-mail.
func englishPhrases() []*regexp.Regexp {
	var out []*regexp.Regexp
	seen := map[string]bool{}
	for k, v := range catalogues[LocaleEnglish] {
		if catalogues[LocaleItalian][k] == v {
			continue
		}
		for _, part := range verbs.Split(v, -1) {
			part = strings.Trim(part, " .,:;()[]→%'")
			if len(part) < 3 || seen[part] || !regexp.MustCompile(`[a-z]{3}`).MatchString(part) {
				continue
			}
			seen[part] = true
			out = append(out, regexp.MustCompile(`\b`+regexp.QuoteMeta(part)+`\b`))
		}
	}
	return out
}

// Every event type's e-mail renders in every language; the Italian one
// has no English left in its fixed parts (the event type, the ids and the
// outside text aside), no fmt error, and its dates and numbers are
// Italian.
func TestMailTextLocales(t *testing.T) {
	events := sampleEvents(t)
	var types []string
	for _, ev := range events {
		types = append(types, ev.Type)
	}
	for _, typ := range EventTypes {
		if !slices.Contains(types, typ) {
			t.Errorf("no sample event of type %s", typ)
		}
	}
	english := englishPhrases()
	outside := strings.NewReplacer("Proxy-Authorization header leak", "", "proxies are never configured", "", "upgrade to 2.31.0", "",
		"line 3: not an SBOM", "",
		"the proxy module is not shipped", "", "KEV entry seen by the team", "", "CVE-2023-32681 in Linea HMI", "", "vulnerable_code_not_in_execute_path", "",
		"vulnerable_code_not_present", "", "will_not_fix", "")
	where := Where{Product: "Linea HMI", Version: "4.2.0"}
	for _, ev := range events {
		for _, l := range Locales {
			t.Run(ev.Type+"/"+l, func(t *testing.T) {
				subject, body, err := MailText(ev, where, l)
				if err != nil {
					t.Fatal(err)
				}
				all := subject + "\n" + body + Footer(l, "s1", "o1")
				if strings.Contains(all, "%!") {
					t.Errorf("fmt error in\n%s", all)
				}
				if l != LocaleItalian {
					return
				}
				rest := outside.Replace(strings.ReplaceAll(all, ev.Type, ""))
				for _, re := range english {
					if loc := re.FindStringIndex(rest); loc != nil {
						t.Errorf("English %q left in the Italian e-mail:\n%s", rest[loc[0]:loc[1]], all)
					}
				}
				for _, no := range []string{"T14:05:00Z", "2026-12-07T", "6.1", "0.00"} {
					if strings.Contains(all, no) {
						t.Errorf("Italian e-mail has %q:\n%s", no, all)
					}
				}
				if !strings.Contains(body, "Evento:") || !strings.Contains(body, "7 dic 2026, 14:05 UTC") {
					t.Errorf("Italian e-mail lacks its event line:\n%s", body)
				}
			})
		}
	}
}

// The e-mails of every event type in every language, as golden files
// (go test ./internal/notify -run TestMailGolden -update rewrites them).
func TestMailGolden(t *testing.T) {
	for _, ev := range sampleEvents(t) {
		for _, l := range Locales {
			subject, body, err := MailText(ev, Where{Product: "Linea HMI", Version: "4.2.0"}, l)
			if err != nil {
				t.Fatal(err)
			}
			got := "Subject: " + subject + "\n\n" + body + "\n--\n" + Footer(l, "s1", "o1") + "\n"
			path := filepath.Join("testdata", "mail", ev.Type+"."+l+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/notify -run TestMailGolden -update)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs:\n got:\n%s\nwant:\n%s", path, got, want)
			}
		}
	}
}

// Dates, numbers and spans in each language.
func TestLocaleFormats(t *testing.T) {
	at := time.Date(2026, 12, 7, 14, 5, 0, 0, time.FixedZone("CET", 3600))
	it, en := newMessages("it"), newMessages("fr")
	tests := []struct{ got, want string }{
		{it.stamp(at), "7 dic 2026, 13:05 UTC"},
		{en.stamp(at), "2026-12-07T13:05:00Z"},
		{it.date(time.Date(2026, 1, 31, 23, 0, 0, 0, time.UTC)), "31 gen 2026"},
		{it.number(6.05, 1), "6,0"}, // binary 6.05 is below the half
		{it.number(93.12, 0), "93"},
		{en.number(6.1, 1), "6.1"},
		{it.duration(22*time.Hour + 55*time.Minute), "22 ore e 55 minuti"},
		{it.duration(49*time.Hour + time.Minute), "2 giorni, 1 ora e 1 minuto"},
		{it.duration(20 * time.Second), "meno di un minuto"},
		{en.duration(22*time.Hour + 55*time.Minute), "22h55m0s"},
		{it.detail("severity medium 5.3 → high 7.5"), "gravità media 5,3 → alta 7,5"},
		// A case notice's detail, read back by cases.ParseLogDetail.
		{it.caseDetail(caseEv(cases.EventStageRecorded), cases.Notice{Detail: "early_warning: information already provided"}),
			"preallarme: informazioni già fornite"},
		{it.caseDetail(caseEv(cases.EventStageRecorded), cases.Notice{Detail: "notification submitted at 2026-12-07T14:00:00Z, SRP reference SRP-42"}),
			"notifica: data di invio 7 dic 2026, 14:00 UTC, riferimento SRP SRP-42"},
		{it.caseDetail(caseEv(cases.EventAwareness), cases.Notice{Detail: "aware at 2026-12-07T13:00:00Z: KEV entry seen (after 3h0m0s in assessment)"}),
			"a conoscenza dal 7 dic 2026, 13:00 UTC: KEV entry seen (dopo 3 ore in valutazione)"},
		{it.caseDetail(caseEv(cases.EventAwareness), cases.Notice{Detail: "awareness changed from 2026-12-07T13:00:00Z to 2026-12-06T09:30:00Z: earlier report found"}),
			"momento della conoscenza modificato da 7 dic 2026, 13:00 UTC a 6 dic 2026, 09:30 UTC: earlier report found"},
		{it.caseDetail(caseEv(cases.EventClosed), cases.Notice{Detail: "not exploitable in the product (vulnerable_code_not_present): not shipped; not_affected decision recorded"}),
			"non sfruttabile nel prodotto (vulnerable_code_not_present): not shipped; registrata la decisione not_affected"},
		{it.caseDetail(caseEv(cases.EventClosed), cases.Notice{Detail: "duplicate of another case"}), "duplicate of another case"},                      // a person's reason
		{it.caseDetail(caseEv(cases.EventStageRecorded), cases.Notice{Detail: "aware at 2026-12-07T13:00:00Z: x"}), "aware at 2026-12-07T13:00:00Z: x"}, // not this event's
		{en.caseDetail(caseEv(cases.EventStageRecorded), cases.Notice{Detail: "early_warning: information already provided"}),
			"early_warning: information already provided"},
		{it.detail("free text from a user"), "free text from a user"},
		{it.detail("the product decision (not_affected) needs review: its review date passed (2027-03-01)"),
			"la decisione (ambito prodotto, non interessato) va riesaminata: la data di revisione è passata (1 mar 2027)"},
		{it.detail("the organisation decision (affected) needs review: it became known exploited; a fix is available (2.31.0); its severity rose (medium 5.3 → high 7.5)"),
			"la decisione (ambito organizzazione, interessato) va riesaminata: è diventata nota come sfruttata; è disponibile una correzione (2.31.0); la gravità è aumentata (media 5,3 → alta 7,5)"},
		{it.review("its review date passed (2027-03-01); an outside reason"), "its review date passed (2027-03-01); an outside reason"}, // not all rocca's: kept whole
		{en.detail("the product decision (not_affected) needs review: its review date passed (2027-03-01)"),
			"the product decision (not_affected) needs review: its review date passed (2027-03-01)"},
		{en.detail("reopened: matches again"), "reopened: matches again"},
		{it.detail("reopened: matches again"), "riaperta: di nuovo riscontrata"},
		{it.detail("reopened"), "reopened"}, // never written by rocca: as it is
		{it.detail("no longer matches (knowledge base update)"), "non più riscontrata (aggiornamento della base di conoscenza)"},
		{it.detail("no longer matches (pkg:pypi/requests@2.31.0)"), "no longer matches (pkg:pypi/requests@2.31.0)"},
		{it.detail("not_affected, product scope, decided by ci"), "not_affected, product scope, decided by ci"},
		{en.locale, "en"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%d: got %q, want %q", i, tt.got, tt.want)
		}
	}
}

// caseEv is a case notice's outbox event of the type.
func caseEv(typ string) model.OutboxEvent { return model.OutboxEvent{Type: typ} }
