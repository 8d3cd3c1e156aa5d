package web

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

// TestZoneOf: the time zone cookie is used when it names a zone, and
// anything else (a path, garbage, too long) falls back to UTC.
func TestZoneOf(t *testing.T) {
	for _, tc := range []struct{ cookie, want string }{
		{"", "UTC"},
		{url.QueryEscape("Europe/Rome"), "Europe/Rome"},
		{"Europe/Rome", "Europe/Rome"},
		{url.QueryEscape("America/Argentina/Buenos_Aires"), "America/Argentina/Buenos_Aires"},
		{url.QueryEscape("../../../etc/passwd"), "UTC"},
		{url.QueryEscape("/etc/localtime"), "UTC"},
		{"Not/AZone", "UTC"},
		{"%zz", "UTC"},
		{url.QueryEscape("Europe/Rome" + string(make([]byte, 80))), "UTC"},
	} {
		r, _ := http.NewRequest("GET", "/", nil)
		if tc.cookie != "" {
			r.AddCookie(&http.Cookie{Name: tzCookie, Value: tc.cookie})
		}
		if got := zoneOf(r).String(); got != tc.want {
			t.Errorf("cookie %q: zone %s, want %s", tc.cookie, got, tc.want)
		}
	}
}

// TestClockLeft checks the time left and overdue texts at the minute, in
// both languages.
func TestClockLeft(t *testing.T) {
	cat, err := LoadCatalogues()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 10, 25, 8, 15, 0, 0, time.UTC)
	for _, tc := range []struct {
		lang string
		due  time.Time
		want string
	}{
		{"en", now.Add(13*time.Hour + 15*time.Minute + 30*time.Second), "13 h 15 min left"},
		{"en", now.Add(50 * time.Hour), "2 d 2 h left"},
		{"en", now.Add(59 * time.Second), "0 min left"},
		{"en", now, "Overdue by 0 min"},
		{"en", now.Add(-90 * time.Minute), "Overdue by 1 h 30 min"},
		{"it", now.Add(50 * time.Hour), "mancano 2 g 2 h"},
		{"it", now.Add(-7 * time.Minute), "Scaduto da 7 min"},
	} {
		c := clock{L: cat.For(tc.lang), Loc: time.UTC, Now: now}
		if got := c.Left(tc.due); got != tc.want {
			t.Errorf("%s %s: %q, want %q", tc.lang, tc.due.Sub(now), got, tc.want)
		}
	}
	rome, _ := time.LoadLocation("Europe/Rome")
	c := clock{L: cat.For("it"), Loc: rome, Now: now}
	if got := c.At(time.Date(2026, 10, 25, 21, 30, 0, 0, time.UTC)); got != "25 ott 2026, 22:30 CET" {
		t.Errorf("At: %q", got)
	}
	if got := c.Input(time.Date(2026, 10, 24, 21, 30, 0, 0, time.UTC)); got != "2026-10-24T23:30" {
		t.Errorf("Input: %q", got)
	}
	if got, err := parseLocal("2026-10-24T23:30", rome); err != nil || !got.Equal(time.Date(2026, 10, 24, 21, 30, 0, 0, time.UTC)) {
		t.Errorf("parseLocal: %s %v", got, err)
	}
}
