package reporting

import (
	"strings"
	"testing"
	"time"
)

func TestScheduleAndDueUnderFakeClock(t *testing.T) {
	aw := mustTime(t, "2026-10-24T21:30:00Z") // the evening before summer time ends in the EU
	ds, err := Compute(Anchors{Kind: KindAEV, Awareness: aw}, Calendar{})
	if err != nil {
		t.Fatal(err)
	}
	sched := Schedule(ds, DefaultLeads())
	if len(sched) != 2*(len(DefaultLeads())+1) {
		t.Fatalf("schedule has %d reminders", len(sched))
	}
	// A periodic job ticking every 10 minutes of a fake clock from awareness
	// to a day after the notification deadline sends each reminder once, at
	// the first tick at or after its time.
	type sent struct {
		key string
		at  time.Time
	}
	var got []sent
	last := aw
	for now := aw.Add(10 * time.Minute); now.Before(aw.Add(96 * time.Hour)); now = now.Add(10 * time.Minute) {
		for _, r := range Due(sched, last, now) {
			got = append(got, sent{r.Key(), now})
		}
		last = now
	}
	want := []sent{
		{"early_warning@2026-10-25T21:30:00Z/-12h0m0s", mustTime(t, "2026-10-25T09:30:00Z")},
		{"early_warning@2026-10-25T21:30:00Z/-4h0m0s", mustTime(t, "2026-10-25T17:30:00Z")},
		{"early_warning@2026-10-25T21:30:00Z/-1h0m0s", mustTime(t, "2026-10-25T20:30:00Z")},
		{"early_warning@2026-10-25T21:30:00Z/overdue", mustTime(t, "2026-10-25T21:30:00Z")},
		{"notification@2026-10-27T21:30:00Z/-12h0m0s", mustTime(t, "2026-10-27T09:30:00Z")},
		{"notification@2026-10-27T21:30:00Z/-4h0m0s", mustTime(t, "2026-10-27T17:30:00Z")},
		{"notification@2026-10-27T21:30:00Z/-1h0m0s", mustTime(t, "2026-10-27T20:30:00Z")},
		{"notification@2026-10-27T21:30:00Z/overdue", mustTime(t, "2026-10-27T21:30:00Z")},
	}
	if len(got) != len(want) {
		t.Fatalf("sent %v, want %v", got, want)
	}
	for i := range want {
		if got[i].key != want[i].key || !got[i].at.Equal(want[i].at) {
			t.Errorf("reminder %d: %s at %s, want %s at %s", i, got[i].key, got[i].at, want[i].key, want[i].at)
		}
	}
}

func TestDueAfterDowntimeSendsOnlyTheLatest(t *testing.T) {
	due := mustTime(t, "2026-03-30T00:45:00Z")
	sched := Schedule([]Deadline{{Stage: StageEarlyWarning, Due: due}}, DefaultLeads())
	tests := []struct {
		name       string
		after, now time.Time
		want       []string
	}{
		{"down 14 hours, before the deadline", due.Add(-14 * time.Hour), due.Add(-30 * time.Minute),
			[]string{"early_warning@2026-03-30T00:45:00Z/-1h0m0s"}},
		{"down across the deadline", due.Add(-14 * time.Hour), due.Add(time.Hour),
			[]string{"early_warning@2026-03-30T00:45:00Z/overdue"}},
		{"window end inclusive", due.Add(-time.Hour - time.Minute), due.Add(-time.Hour),
			[]string{"early_warning@2026-03-30T00:45:00Z/-1h0m0s"}},
		{"window start exclusive", due.Add(-time.Hour), due.Add(-time.Minute), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Due(sched, tc.after, tc.now)
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i, r := range got {
				if r.Key() != tc.want[i] {
					t.Errorf("got %s, want %s", r.Key(), tc.want[i])
				}
			}
		})
	}
}

func TestParseLeads(t *testing.T) {
	got, err := ParseLeads([]time.Duration{time.Hour, 12 * time.Hour, 30 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if got[0] != 12*time.Hour || got[2] != 30*time.Minute {
		t.Fatalf("not sorted longest first: %v", got)
	}
	for _, bad := range [][]time.Duration{{0}, {-time.Hour}, {time.Hour, time.Hour}, {MaxLead + time.Minute}, {}} {
		if _, err := ParseLeads(bad); err == nil {
			t.Errorf("ParseLeads(%v): want an error", bad)
		}
	}
}

func TestParseLeadList(t *testing.T) {
	tests := []struct {
		in, want, err string
	}{
		{in: "12h,4h,1h", want: "12h,4h,1h"},
		{in: " 1h , 24h,30m", want: "24h,1h,30m"},
		{in: "2d,90m", want: "48h,1h30m"},
		{in: "14d", want: "336h"},
		{in: "336h", want: "336h"},
		{in: "1h30m15s", want: "1h30m15s"},
		{in: "15d", err: "at most 336h0m0s (14 days)"},
		{in: "99999999d", err: "at most"},
		{in: "0s", err: "must be positive"},
		{in: "-1h", err: "must be positive"},
		{in: "-2d", err: "must be positive"},
		{in: "4h,240m", err: "given twice"},
		{in: "4h,,1h", err: "an empty item"},
		{in: "", err: "an empty item"},
		{in: "soon", err: `"soon": want a duration`},
		{in: "1.5d", err: "want a duration"},
	}
	for _, tt := range tests {
		got, err := ParseLeadList(tt.in)
		switch {
		case tt.err != "":
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseLeadList(%q) = %v, %v; want an error with %q", tt.in, got, err, tt.err)
			}
		case err != nil:
			t.Errorf("ParseLeadList(%q): %v", tt.in, err)
		case FormatLeads(got) != tt.want:
			t.Errorf("ParseLeadList(%q) = %s, want %s", tt.in, FormatLeads(got), tt.want)
		}
	}
	if FormatLeads(DefaultLeads()) != "12h,4h,1h" {
		t.Errorf("defaults %s", FormatLeads(DefaultLeads()))
	}
}

func TestAssessmentDeadline(t *testing.T) {
	d := AssessmentDeadline(mustTime(t, "2026-10-05T10:17:59Z"))
	if d.Stage != StageAssessment || d.Due.Format(time.RFC3339) != "2026-10-06T10:17:00Z" {
		t.Fatalf("got %+v", d)
	}
}
