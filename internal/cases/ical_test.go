package cases

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/reporting"
)

// checkICS checks the RFC 5545 rules a calendar client relies on: CRLF
// line ends, lines of at most 75 octets folded with a leading space and
// never inside a UTF-8 sequence, balanced BEGIN/END, VCALENDAR's VERSION
// and PRODID, each VEVENT's UID, DTSTAMP and DTSTART in UTC, unique UIDs,
// TEXT values without unescaped separators. It returns the unfolded lines.
func checkICS(t *testing.T, b []byte) []string {
	t.Helper()
	s := string(b)
	if !strings.HasSuffix(s, "\r\n") || strings.Contains(strings.ReplaceAll(s, "\r\n", ""), "\n") || strings.Contains(strings.ReplaceAll(s, "\r\n", ""), "\r") {
		t.Fatal("lines must end with CRLF, and only there")
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n") {
		if len(l) > 75 {
			t.Fatalf("line of %d octets: %q", len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Fatalf("line splits a UTF-8 sequence: %q", l)
		}
		if strings.HasPrefix(l, " ") {
			if len(lines) == 0 {
				t.Fatal("continuation first")
			}
			lines[len(lines)-1] += l[1:]
			continue
		}
		lines = append(lines, l)
	}
	var stack []string
	uids := map[string]bool{}
	var ev map[string]string
	cal := map[string]bool{}
	for _, l := range lines {
		name, value, ok := strings.Cut(l, ":")
		if !ok || name == "" {
			t.Fatalf("not a content line: %q", l)
		}
		switch name {
		case "BEGIN":
			stack = append(stack, value)
			if value == "VEVENT" {
				ev = map[string]string{}
			}
			continue
		case "END":
			if len(stack) == 0 || stack[len(stack)-1] != value {
				t.Fatalf("END:%s does not close %v", value, stack)
			}
			stack = stack[:len(stack)-1]
			if value == "VEVENT" {
				for _, p := range []string{"UID", "DTSTAMP", "DTSTART", "SUMMARY"} {
					if ev[p] == "" {
						t.Fatalf("VEVENT without %s: %v", p, ev)
					}
				}
				if uids[ev["UID"]] {
					t.Fatalf("UID %s twice", ev["UID"])
				}
				uids[ev["UID"]] = true
				for _, p := range []string{"DTSTAMP", "DTSTART"} {
					if _, err := time.Parse("20060102T150405Z", ev[p]); err != nil {
						t.Fatalf("%s %q: not a UTC DATE-TIME", p, ev[p])
					}
				}
			}
			continue
		}
		if len(stack) == 1 {
			cal[name] = true
		}
		if ev != nil && len(stack) == 2 && stack[1] == "VEVENT" {
			ev[name] = value
		}
		if name == "SUMMARY" || name == "DESCRIPTION" {
			// A TEXT value: ',' and ';' and '\' only escaped.
			unesc := strings.NewReplacer(`\\`, "", `\,`, "", `\;`, "", `\n`, "").Replace(value)
			if strings.ContainsAny(unesc, `,;\`) {
				t.Fatalf("unescaped separator in %s: %q", name, value)
			}
		}
	}
	if len(stack) != 0 {
		t.Fatalf("unclosed %v", stack)
	}
	if !cal["VERSION"] || !cal["PRODID"] {
		t.Fatal("VCALENDAR without VERSION or PRODID")
	}
	return lines
}

func TestICalendar(t *testing.T) {
	now := time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC)
	aware := time.Date(2026, 12, 7, 5, 12, 0, 0, time.UTC)
	long := "Titolo lungo; con virgole, backslash \\ e accenti àèìòù ripetuti " + strings.Repeat("é", 80) + "\nsecond line\x01"
	c := model.Case{ID: "c1", Kind: "aev", State: model.CaseAware, Title: long, Awareness: aware,
		FixAvailable: time.Date(2026, 12, 11, 10, 0, 0, 0, time.UTC),
		Submissions:  []model.Submission{{Stage: string(reporting.StageEarlyWarning), Submitted: now}}}
	a := model.Case{ID: "c2", Kind: "aev", State: model.CaseAssessment, Title: "In assessment", Opened: now, ProposedAwareness: now}
	s := &Service{now: func() time.Time { return now }}
	cal := reporting.MemberStateCalendar("IT")
	ds := []Details{s.details(c, cal), s.details(a, cal)}
	lines := checkICS(t, iCalendar(ds, now))
	var starts []string
	for _, l := range lines {
		if strings.HasPrefix(l, "DTSTART:") {
			starts = append(starts, strings.TrimPrefix(l, "DTSTART:"))
		}
	}
	// Early warning submitted: notification, assessment, final report.
	want := []string{"20261208T060000Z", "20261210T051200Z", "20261225T100000Z"}
	if strings.Join(starts, " ") != strings.Join(want, " ") {
		t.Fatalf("events at %v, want %v", starts, want)
	}
	joined := strings.Join(lines, "\n")
	if !strings.Contains(joined, `Titolo lungo\; con virgole\, backslash \\ e`) || !strings.Contains(joined, `\nsecond line `) {
		t.Fatalf("escaping: %s", joined)
	}
	if !strings.Contains(joined, "Later legal deadline under Reg. 1182/71 (information): 2026-12-25T23:00:00Z") {
		t.Errorf("legal deadline of the final report missing: %s", joined)
	}
	// Empty calendar: still valid.
	checkICS(t, iCalendar(nil, now))
}

func TestRoute(t *testing.T) {
	tests := []struct {
		main    string
		r       model.Routing
		want    string
		because string
	}{
		{"IT", model.Routing{Importer: "DE"}, "IT", "main establishment"},
		{"", model.Routing{AuthorisedRepresentative: "FR", Importer: "DE"}, "FR", "authorised representative"},
		{"", model.Routing{Importer: "DE", Distributor: "AT"}, "DE", "importer"},
		{"", model.Routing{Distributor: "AT", MostUsers: "ES"}, "AT", "distributor"},
		{"", model.Routing{MostUsers: "ES"}, "ES", "most users"},
		{"", model.Routing{}, "", "no routing answer"},
	}
	for _, tc := range tests {
		got, why := Route(tc.main, tc.r)
		if got != tc.want || !strings.Contains(why, tc.because) {
			t.Errorf("Route(%q, %+v) = %s (%s), want %s (%s)", tc.main, tc.r, got, why, tc.want, tc.because)
		}
	}
	if CSIRTName("IT") != "CSIRT Italia (ACN)" {
		t.Error("CSIRT Italia")
	}
}
