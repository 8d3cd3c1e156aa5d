package notify_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/notify"
	"github.com/rocca-project/rocca/internal/portfolio"
)

func TestMailText(t *testing.T) {
	at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	findingEvent := func(typ, detail string, edit func(f *model.TrackedFinding)) model.OutboxEvent {
		f := finding()
		if edit != nil {
			edit(f)
		}
		b, err := json.Marshal(map[string]any{"type": typ, "finding": f, "event": model.FindingEvent{Detail: detail}})
		if err != nil {
			t.Fatal(err)
		}
		return model.OutboxEvent{ID: "e1", Type: typ, ProductID: "p1", VersionID: "v1", Payload: b, Created: at}
	}
	uploadEvent := func(typ string, n portfolio.UploadNotice) model.OutboxEvent {
		b, err := json.Marshal(n)
		if err != nil {
			t.Fatal(err)
		}
		return model.OutboxEvent{ID: "e2", Type: typ, ProductID: "p1", VersionID: "v1", Payload: b, Created: at}
	}
	hmi := notify.Where{Product: "Linea HMI", Version: "4.2.0"}
	tests := []struct {
		name    string
		ev      model.OutboxEvent
		where   notify.Where
		subject string
		lines   []string // in the body, each a whole line
		absent  []string
	}{
		{"new", findingEvent("finding.new", "reopened", nil), hmi,
			"[rocca] New vulnerability CVE-2023-32681 in requests 2.28.1 (Linea HMI 4.2.0)",
			[]string{"New vulnerability.", "Detail:          reopened", "Known exploited: yes", "EPSS:            not scored",
				"Fixed versions:  none known", "Product:         Linea HMI (p1)", "Version:         4.2.0 (v1)",
				"Event:           finding.new, id e1, at 2026-12-07T10:00:00Z"}, nil},
		{"exploited", findingEvent("finding.exploited", "known exploited: listed in CISA KEV", func(f *model.TrackedFinding) {
			f.KEVAdded = time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
			f.Component.Group = "org.example"
		}), hmi, "[rocca] Known-exploited vulnerability CVE-2023-32681 in org.example/requests 2.28.1 (Linea HMI 4.2.0)",
			[]string{"Known exploited: yes, listed since 2026-12-06", "Component:       org.example/requests 2.28.1 (pkg:pypi/requests@2.28.1)"}, nil},
		{"severity", findingEvent("finding.severity_changed", "severity medium → high", nil), hmi,
			"[rocca] Severity changed for CVE-2023-32681 in requests 2.28.1 (Linea HMI 4.2.0)",
			[]string{"Severity changed.", "Detail:          severity medium → high"}, nil},
		{"fix", findingEvent("finding.fix_available", "", func(f *model.TrackedFinding) { f.FixedVersions = []string{"2.31.0", "3.0.1"} }), hmi,
			"[rocca] Fix available for CVE-2023-32681 in requests 2.28.1 (Linea HMI 4.2.0)",
			[]string{"Fixed versions:  2.31.0, 3.0.1"}, []string{"Detail:"}},
		{"changed", findingEvent("finding.changed", "", nil), hmi, "[rocca] Vulnerability changed: CVE-2023-32681 in requests 2.28.1 (Linea HMI 4.2.0)", nil, nil},
		{"resolved", findingEvent("finding.resolved", "", func(f *model.TrackedFinding) { f.State = model.FindingResolved; f.KEV = false }), hmi,
			"[rocca] Resolved: CVE-2023-32681 in requests 2.28.1 (Linea HMI 4.2.0)",
			[]string{"Resolved.", "Finding:         f1 (resolved)", "Known exploited: no"}, nil},
		{"withdrawn", findingEvent("finding.withdrawn", "", nil), hmi, "[rocca] Advisory withdrawn: CVE-2023-32681 in requests 2.28.1 (Linea HMI 4.2.0)", nil, nil},
		{"analysis", findingEvent("finding.analysis", "", func(f *model.TrackedFinding) {
			f.Analysis = &model.FindingAnalysis{Analysis: model.Analysis{Status: model.StatusNotAffected, Justification: "vulnerable_code_not_in_execute_path",
				Impact: "proxies are never configured", Response: []string{"will_not_fix"}, Scope: model.ScopeProduct, DecidedBy: "ci",
				DecidedAt: time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC), Origin: model.AnalysisOrigin{VersionID: "v0"}}, Inherited: true}
		}), hmi, "[rocca] Analysis recorded for CVE-2023-32681 in requests 2.28.1 (Linea HMI 4.2.0)",
			[]string{"Analysis:        not_affected (vulnerable_code_not_in_execute_path)", "Impact:          proxies are never configured",
				"Response:        will_not_fix", "Scope:           product scope, inherited from version v0", "Decided:         by ci at 2026-12-07T06:00:00Z"},
			[]string{"Needs review:", "Action:"}},
		{"analysis review", findingEvent("finding.analysis_review", "", func(f *model.TrackedFinding) {
			f.Analysis = &model.FindingAnalysis{Analysis: model.Analysis{Status: model.StatusAffected, Action: "upgrade", Scope: model.ScopeVersion},
				NeedsReview: true, ReviewReason: "it became known exploited"}
		}), hmi, "[rocca] Analysis needs review for CVE-2023-32681 in requests 2.28.1 (Linea HMI 4.2.0)",
			[]string{"Analysis:        affected", "Action:          upgrade", "Needs review:    it became known exploited"}, []string{"Decided:"}},
		{"names unknown", findingEvent("finding.new", "", nil), notify.Where{},
			"[rocca] New vulnerability CVE-2023-32681 in requests 2.28.1 (product p1 version v1)",
			[]string{"Product:         p1", "Version:         v1"}, nil},
		{"processed", uploadEvent("upload.processed", portfolio.UploadNotice{ProductID: "p1", VersionID: "v1", SBOMID: "s1", Name: "hmi.cdx.json",
			Detail: "120 components", New: 3, Resolved: 1, Open: 12}), hmi, "[rocca] SBOM processed for Linea HMI 4.2.0",
			[]string{"SBOM processed.", "SBOM:            hmi.cdx.json (s1)", "Findings:        3 new, 0 changed, 1 resolved; 12 open"}, nil},
		{"failed", uploadEvent("upload.failed", portfolio.UploadNotice{VersionID: "v1", Name: "x.json", Detail: "not an SBOM"}), hmi,
			"[rocca] SBOM upload failed for Linea HMI 4.2.0", []string{"SBOM upload failed.", "Detail:          not an SBOM"}, []string{"Findings:"}},
		// Names and texts come from users and advisories: escaped, they
		// cannot add a header to the message or a line to the body.
		{"injection", findingEvent("finding.new", "x\nKnown exploited: no", func(f *model.TrackedFinding) { f.Summary = "s\r\nSeverity: none" }),
			notify.Where{Product: "Evil\r\nBcc: x@example.com", Version: "1\x1b[2J"},
			`[rocca] New vulnerability CVE-2023-32681 in requests 2.28.1 (Evil\r\nBcc: x@example.com 1\x1b[2J)`,
			[]string{`Detail:          x\nKnown exploited: no`, `Summary:         s\r\nSeverity: none`, `Product:         Evil\r\nBcc: x@example.com (p1)`},
			[]string{"\nSeverity: none", "\nBcc:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			subject, body, err := notify.MailText(tt.ev, tt.where, "en")
			if err != nil {
				t.Fatal(err)
			}
			if subject != tt.subject {
				t.Errorf("subject\n got %q\nwant %q", subject, tt.subject)
			}
			lines := strings.Split(body, "\n")
			for _, want := range tt.lines {
				found := false
				for _, l := range lines {
					found = found || l == want
				}
				if !found {
					t.Errorf("no line %q in\n%s", want, body)
				}
			}
			for _, no := range tt.absent {
				if strings.Contains(body, no) {
					t.Errorf("body has %q:\n%s", no, body)
				}
			}
			if !strings.Contains(body, "The event's JSON document is attached (event.json)") {
				t.Errorf("body does not mention the attachment:\n%s", body)
			}
		})
	}
}

func TestMailTextBounds(t *testing.T) {
	long := strings.Repeat("ü", 300)
	b, _ := json.Marshal(map[string]any{"finding": finding()})
	subject, _, err := notify.MailText(model.OutboxEvent{Type: "finding.new", Payload: b}, notify.Where{Product: long}, "en")
	if err != nil || utf8.RuneCountInString(subject) != 200 || !strings.HasSuffix(subject, "…") {
		t.Errorf("long subject: %d runes %q %v", utf8.RuneCountInString(subject), subject, err)
	}
	for _, bad := range []model.OutboxEvent{
		{Type: "finding.new", Payload: []byte(`{"finding":null}`)},
		{Type: "finding.new", Payload: []byte(`not json`)},
		{Type: "upload.failed", Payload: []byte(`[]`)},
	} {
		if _, _, err := notify.MailText(bad, notify.Where{}, "en"); err == nil {
			t.Errorf("%s %s accepted", bad.Type, bad.Payload)
		}
	}
}

// FuzzMailText: names from users and texts from advisories never change
// the shape of an e-mail: the subject is one line of printable text, the
// body has the same lines as with plain values.
func FuzzMailText(f *testing.F) {
	for _, seed := range [][4]string{
		{"Linea HMI", "4.2.0", "Requests leaks Proxy-Authorization", "known exploited"},
		{"Evil\r\nBcc: x@example.com", "1\x1b[2J", "s\nSeverity: none", "\u2028Detail: forged"},
		{"\xff\xfe", "\u202e1.0", "\x00", "\r"},
		// Details the Italian text rewrites, with outside text in them.
		{"HMI", "1", "s", "no longer matches (a\nb)"},
		{"HMI", "1", "s", "severity medium 5.3 → high x\r\n"},
		{"HMI", "1", "s", "known exploited: listed in A since 2026-13-40; B since 2026-12-06"},
		{"HMI", "1", "s", "the product decision (not_affected) needs review: its review date passed (2027-02-30); a fix is available (1\n2)"},
		{"HMI", "1", "s", "the x decision (y) needs review: its severity rose (high 7.5 → critical\r\n9.8)"},
	} {
		f.Add(seed[0], seed[1], seed[2], seed[3])
	}
	event := func(summary, detail string) model.OutboxEvent {
		fd := finding()
		fd.Summary, fd.Component.Name = "x"+summary, "x"+summary
		b, err := json.Marshal(map[string]any{"finding": fd, "event": model.FindingEvent{Detail: "x" + detail}})
		if err != nil {
			f.Fatal(err)
		}
		return model.OutboxEvent{ID: "e1", Type: "finding.new", ProductID: "p1", VersionID: "v1", Payload: b}
	}
	plain := map[string]string{}
	for _, l := range notify.Locales {
		_, body, err := notify.MailText(event("", ""), notify.Where{Product: "x", Version: "x"}, l)
		if err != nil {
			f.Fatal(err)
		}
		plain[l] = body
	}
	f.Fuzz(func(t *testing.T, product, version, summary, detail string) {
		for _, l := range notify.Locales {
			subject, body, err := notify.MailText(event(summary, detail), notify.Where{Product: "x" + product, Version: "x" + version}, l)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range subject {
				if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029' {
					t.Fatalf("%s: subject has control character %U: %q", l, r, subject)
				}
			}
			if !utf8.ValidString(subject) || !utf8.ValidString(body) {
				t.Fatalf("%s: invalid UTF-8: %q %q", l, subject, body)
			}
			if got, want := strings.Count(body, "\n"), strings.Count(plain[l], "\n"); got != want {
				t.Fatalf("%s: body has %d lines, want %d:\n%s", l, got, want, body)
			}
			if strings.ContainsAny(body, "\r\u2028\u2029\x00") {
				t.Fatalf("%s: body has a line-breaking character:\n%q", l, body)
			}
		}
	})
}
