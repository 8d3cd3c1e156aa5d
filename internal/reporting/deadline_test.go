package reporting

import (
	"testing"
	"time"
)

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestComputeDeadlines(t *testing.T) {
	rome := MemberStateCalendar("IT")
	tests := []struct {
		name    string
		anchors func(t *testing.T) Anchors
		cal     Calendar
		want    map[Stage][2]string // stage -> {due, legal}
	}{
		{
			name: "AEV awareness and fix, seconds dropped",
			anchors: func(t *testing.T) Anchors {
				return Anchors{Kind: KindAEV, Awareness: mustTime(t, "2026-10-05T10:17:45Z"), FixAvailable: mustTime(t, "2026-10-09T08:05:00Z")}
			},
			cal: rome,
			want: map[Stage][2]string{
				StageEarlyWarning: {"2026-10-06T10:17:00Z", "2026-10-06T11:00:00Z"},
				StageNotification: {"2026-10-08T10:17:00Z", "2026-10-08T11:00:00Z"},
				// 9 Oct + 14 days = Friday 23 Oct, ends 24:00 in Rome (CEST, UTC+2).
				StageFinalReport: {"2026-10-23T08:05:00Z", "2026-10-23T22:00:00Z"},
			},
		},
		{
			name: "AEV across the end of summer time (25 October 2026 in the EU)",
			anchors: func(t *testing.T) Anchors {
				// Saturday 24 Oct 23:30 Rome (CEST) = 21:30 UTC.
				return Anchors{Kind: KindAEV, Awareness: mustTime(t, "2026-10-24T21:30:00Z"), FixAvailable: mustTime(t, "2026-10-24T21:30:00Z")}
			},
			cal: rome,
			want: map[Stage][2]string{
				// Exactly 24 and 72 elapsed hours: the local clock reads 22:30 after the change.
				StageEarlyWarning: {"2026-10-25T21:30:00Z", "2026-10-25T22:00:00Z"},
				StageNotification: {"2026-10-27T21:30:00Z", "2026-10-27T22:00:00Z"},
				// Local day 24 Oct + 14 = Saturday 7 Nov → Monday 9 Nov, 24:00 CET = 23:00 UTC.
				StageFinalReport: {"2026-11-07T21:30:00Z", "2026-11-09T23:00:00Z"},
			},
		},
		{
			name: "awareness in the hour the clocks go forward (29 March 2026)",
			anchors: func(t *testing.T) Anchors {
				// 00:45 UTC = 01:45 CET; at 01:00 UTC the clocks go to 03:00 CEST.
				return Anchors{Kind: KindAEV, Awareness: mustTime(t, "2026-03-29T00:45:00Z")}
			},
			cal: rome,
			want: map[Stage][2]string{
				StageEarlyWarning: {"2026-03-30T00:45:00Z", "2026-03-30T01:00:00Z"},
				StageNotification: {"2026-04-01T00:45:00Z", "2026-04-01T01:00:00Z"},
			},
		},
		{
			name: "SI: one month after 31 January is 28 February",
			anchors: func(t *testing.T) Anchors {
				return Anchors{Kind: KindSI, Awareness: mustTime(t, "2027-01-28T09:00:00Z"), NotificationSubmitted: mustTime(t, "2027-01-31T16:20:00Z")}
			},
			cal: Calendar{},
			want: map[Stage][2]string{
				StageEarlyWarning: {"2027-01-29T09:00:00Z", "2027-01-29T10:00:00Z"},
				StageNotification: {"2027-01-31T09:00:00Z", "2027-01-31T10:00:00Z"},
				// 28 Feb 2027 is a Sunday: the legal end moves to Monday 1 March 24:00.
				StageFinalReport: {"2027-02-28T16:20:00Z", "2027-03-02T00:00:00Z"},
			},
		},
		{
			name: "SI: leap year, 31 January 2028 → 29 February",
			anchors: func(t *testing.T) Anchors {
				return Anchors{Kind: KindSI, NotificationSubmitted: mustTime(t, "2028-01-31T23:59:00Z")}
			},
			cal: Calendar{},
			want: map[Stage][2]string{
				StageFinalReport: {"2028-02-29T23:59:00Z", "2028-03-01T00:00:00Z"},
			},
		},
		{
			name: "SI: notification submitted in a UTC day that is the next day in Rome",
			anchors: func(t *testing.T) Anchors {
				// 30 Apr 23:30 UTC = 1 May 01:30 CEST: the legal month runs from 1 May to 1 June.
				return Anchors{Kind: KindSI, NotificationSubmitted: mustTime(t, "2026-04-30T23:30:00Z")}
			},
			cal: rome,
			want: map[Stage][2]string{
				StageFinalReport: {"2026-05-30T23:30:00Z", "2026-06-01T22:00:00Z"},
			},
		},
		{
			name: "AEV final report ending on a public holiday",
			anchors: func(t *testing.T) Anchors {
				return Anchors{Kind: KindAEV, FixAvailable: mustTime(t, "2026-12-11T10:00:00Z")}
			},
			cal: Calendar{Location: rome.Location, Holidays: map[string]bool{"2026-12-25": true}},
			want: map[Stage][2]string{
				// 25 Dec (Friday, holiday) → Monday 28 Dec 24:00 CET.
				StageFinalReport: {"2026-12-25T10:00:00Z", "2026-12-28T23:00:00Z"},
			},
		},
		{
			name: "intermediate report at the CSIRT's due date, no legal figure",
			anchors: func(t *testing.T) Anchors {
				return Anchors{Kind: KindAEV, IntermediateDue: mustTime(t, "2026-11-02T12:00:30Z")}
			},
			want: map[Stage][2]string{StageIntermediate: {"2026-11-02T12:00:00Z", ""}},
		},
		{
			name:    "nothing known yet",
			anchors: func(t *testing.T) Anchors { return Anchors{Kind: KindSI} },
			want:    map[Stage][2]string{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Compute(tc.anchors(t), tc.cal)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d deadlines %v, want %d", len(got), got, len(tc.want))
			}
			for _, d := range got {
				w, ok := tc.want[d.Stage]
				if !ok {
					t.Fatalf("unexpected stage %s", d.Stage)
				}
				if s := d.Due.Format(time.RFC3339); s != w[0] {
					t.Errorf("%s due %s, want %s", d.Stage, s, w[0])
				}
				legal := ""
				if !d.Legal.IsZero() {
					legal = d.Legal.Format(time.RFC3339)
					if d.Legal.Before(d.Due) {
						t.Errorf("%s legal %s before conservative %s", d.Stage, legal, d.Due)
					}
				}
				if legal != w[1] {
					t.Errorf("%s legal %s, want %s", d.Stage, legal, w[1])
				}
				if d.Due.Location() != time.UTC {
					t.Errorf("%s due not in UTC", d.Stage)
				}
			}
		})
	}
}

func TestComputeRejectsUnknownKind(t *testing.T) {
	if _, err := Compute(Anchors{Kind: "incident"}, Calendar{}); err == nil {
		t.Fatal("want an error")
	}
}

func TestAddMonths(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2026-01-31T10:00:00Z", "2026-02-28T10:00:00Z"},
		{"2028-01-31T10:00:00Z", "2028-02-29T10:00:00Z"},
		{"2026-03-31T00:01:00Z", "2026-04-30T00:01:00Z"},
		{"2026-12-31T23:59:00Z", "2027-01-31T23:59:00Z"},
		{"2026-02-28T12:00:00Z", "2026-03-28T12:00:00Z"},
		{"2026-05-15T08:30:00Z", "2026-06-15T08:30:00Z"},
	}
	for _, tc := range tests {
		in, _ := time.Parse(time.RFC3339, tc.in)
		if got := AddMonths(in, 1).Format(time.RFC3339); got != tc.want {
			t.Errorf("AddMonths(%s, 1) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestInUserZoneAcrossDST(t *testing.T) {
	rome, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		t.Fatal(err)
	}
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	aw := mustTime(t, "2026-10-24T21:30:00Z")
	ds, _ := Compute(Anchors{Kind: KindAEV, Awareness: aw}, Calendar{})
	tests := []struct {
		loc  *time.Location
		d    int
		want string
	}{
		{rome, 0, "2026-10-25T22:30:00+01:00"}, // was 23:30 CEST the evening before
		{rome, 1, "2026-10-27T22:30:00+01:00"},
		{ny, 0, "2026-10-25T17:30:00-04:00"}, // New York changes a week later
		{nil, 0, "2026-10-25T21:30:00Z"},
	}
	for _, tc := range tests {
		if got := In(ds[tc.d].Due, tc.loc).Format(time.RFC3339); got != tc.want {
			t.Errorf("In(%v) = %s, want %s", tc.loc, got, tc.want)
		}
	}
}

func TestMemberStateCalendar(t *testing.T) {
	if c := MemberStateCalendar("IT"); c.Location == nil || c.Location.String() != "Europe/Rome" {
		t.Fatalf("IT calendar %v", c.Location)
	}
	if c := MemberStateCalendar("US"); c.Location != nil {
		t.Fatalf("US calendar %v, want UTC", c.Location)
	}
	if !MemberState("EL") || MemberState("UK") {
		t.Fatal("MemberState")
	}
}
