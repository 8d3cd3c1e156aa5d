package cases

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
)

// NewCalendarSecret makes a new secret for org's iCalendar feed URL
// (replacing the previous one, whose URL stops working) and returns it.
// Only its SHA-256 is stored.
func (s *Service) NewCalendarSecret(ctx context.Context, org string) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("calendar secret: %w", err)
	}
	secret := base64.RawURLEncoding.EncodeToString(b)
	if err := s.store.SetCalendarHash(ctx, org, calendarHash(secret), s.Now()); err != nil {
		return "", err
	}
	return secret, nil
}

func calendarHash(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// Calendar returns the iCalendar (RFC 5545) feed of the open deadlines of
// the organisation whose feed secret is given; ErrNotFound for an unknown
// secret.
func (s *Service) Calendar(ctx context.Context, secret string) ([]byte, error) {
	if len(secret) < 16 || len(secret) > 100 {
		return nil, store.ErrNotFound
	}
	org, err := s.store.OrgByCalendarHash(ctx, calendarHash(secret))
	if err != nil {
		return nil, err
	}
	ds, err := s.List(ctx, org, store.CaseQuery{States: []model.CaseState{model.CaseAssessment, model.CaseAware, model.CaseReported}})
	if err != nil {
		return nil, err
	}
	return iCalendar(ds, s.Now()), nil
}

type calEvent struct {
	uid, summary, desc string
	at                 time.Time
}

// iCalendar writes the open deadlines as VEVENTs of zero length at the
// deadline, each with an alarm an hour before.
func iCalendar(ds []Details, now time.Time) []byte {
	var evs []calEvent
	for _, d := range ds {
		name := d.Title
		if d.State == model.CaseAssessment {
			a := openDeadlines(d.Case)
			if len(a) > 0 {
				evs = append(evs, calEvent{uid: d.ID + "-assessment", at: a[0].Due,
					summary: "CRA assessment pending: " + name,
					desc:    "If the exploitation is confirmed at the proposed awareness time, the early warning is due now. Case " + d.ID + "."})
			}
			continue
		}
		for _, c := range d.Clocks {
			if c.Done {
				continue
			}
			desc := fmt.Sprintf("CRA Art. 14 %s of case %s (conservative deadline).", label(c.Stage), d.ID)
			if !c.Legal.IsZero() && !c.Legal.Equal(c.Due) {
				desc += " Later legal deadline under Reg. 1182/71 (information): " + c.Legal.UTC().Format(time.RFC3339) + "."
			}
			evs = append(evs, calEvent{uid: d.ID + "-" + string(c.Stage) + "-" + c.Due.UTC().Format("20060102T150405Z"), at: c.Due,
				summary: "CRA " + label(c.Stage) + " due: " + name, desc: desc})
		}
	}
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].at.Before(evs[j].at) })
	var b strings.Builder
	line := func(s string) { b.WriteString(fold(s)) }
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//rocca//CRA reporting deadlines//EN")
	line("CALSCALE:GREGORIAN")
	line("METHOD:PUBLISH")
	line("X-WR-CALNAME:CRA reporting deadlines")
	stamp := now.UTC().Format("20060102T150405Z")
	for _, e := range evs {
		line("BEGIN:VEVENT")
		line("UID:" + e.uid + "@rocca")
		line("DTSTAMP:" + stamp)
		line("DTSTART:" + e.at.UTC().Format("20060102T150405Z"))
		line("DURATION:PT0S")
		line("SUMMARY:" + icalText(e.summary))
		line("DESCRIPTION:" + icalText(e.desc))
		line("TRANSP:TRANSPARENT")
		line("BEGIN:VALARM")
		line("ACTION:DISPLAY")
		line("DESCRIPTION:" + icalText(e.summary))
		line("TRIGGER:-PT1H")
		line("END:VALARM")
		line("END:VEVENT")
	}
	line("END:VCALENDAR")
	return []byte(b.String())
}

// icalText escapes a TEXT value (RFC 5545 §3.3.11).
func icalText(s string) string {
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)
	return strings.Map(func(c rune) rune {
		if c < 0x20 || c == 0x7f {
			return ' ' // other control characters are not allowed in TEXT
		}
		return c
	}, r.Replace(s))
}

// fold ends a content line with CRLF, folding it at 75 octets without
// splitting a UTF-8 sequence (RFC 5545 §3.1).
func fold(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		w := len(string(r))
		if n+w > 75 {
			b.WriteString("\r\n ")
			n = 1
		}
		b.WriteRune(r)
		n += w
	}
	b.WriteString("\r\n")
	return b.String()
}
