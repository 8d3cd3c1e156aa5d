package reporting

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// DefaultLeads returns the default reminder lead times before each
// deadline: 12 h, 4 h and 1 h.
func DefaultLeads() []time.Duration {
	return []time.Duration{12 * time.Hour, 4 * time.Hour, time.Hour}
}

// MaxLead is the longest reminder lead time accepted: 14 days, the
// longest period of Art. 14 (a longer lead would remind before most
// deadlines exist).
const MaxLead = 14 * 24 * time.Hour

// MaxLeads bounds the number of lead times.
const MaxLeads = 20

// Reminder is one reminder of a deadline: Lead before it, or when it is
// overdue (Overdue true, At = Due).
type Reminder struct {
	Stage   Stage
	Due     time.Time
	Lead    time.Duration
	Overdue bool
	// At is when the reminder is due to be sent.
	At time.Time
}

// Key identifies a reminder within a case, so that a sender can record
// which ones went out and never send one twice: the stage, the due time
// (a moved deadline is a new one) and the lead.
func (r Reminder) Key() string {
	if r.Overdue {
		return fmt.Sprintf("%s@%s/overdue", r.Stage, r.Due.UTC().Format(time.RFC3339))
	}
	return fmt.Sprintf("%s@%s/-%s", r.Stage, r.Due.UTC().Format(time.RFC3339), r.Lead)
}

// ParseLeads checks reminder lead times: at least one and at most
// MaxLeads, each positive and at most MaxLead, no duplicates. They are
// returned longest first.
func ParseLeads(leads []time.Duration) ([]time.Duration, error) {
	if len(leads) == 0 || len(leads) > MaxLeads {
		return nil, fmt.Errorf("reminder lead times: want 1 to %d", MaxLeads)
	}
	seen := map[time.Duration]bool{}
	out := make([]time.Duration, 0, len(leads))
	for _, l := range leads {
		if l <= 0 {
			return nil, fmt.Errorf("reminder lead time %s: must be positive", l)
		}
		if l > MaxLead {
			return nil, fmt.Errorf("reminder lead time %s: at most %s (14 days)", l, MaxLead)
		}
		if seen[l] {
			return nil, fmt.Errorf("reminder lead time %s: given twice", l)
		}
		seen[l] = true
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] > out[j] })
	return out, nil
}

// ParseLeadList reads reminder lead times written as a comma-separated
// list of durations ("12h,4h,1h", "2d,30m": Go durations, or whole days
// with d) and checks them with ParseLeads.
func ParseLeadList(s string) ([]time.Duration, error) {
	var leads []time.Duration
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			return nil, fmt.Errorf("reminder lead times %q: an empty item; want durations such as 12h,4h,1h", s)
		}
		d, err := parseLead(f)
		if err != nil {
			return nil, fmt.Errorf("reminder lead time %q: want a duration such as 12h, 90m or 2d", f)
		}
		leads = append(leads, d)
	}
	return ParseLeads(leads)
}

func parseLead(f string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(f, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil {
			return 0, err
		}
		// Kept small enough not to overflow; ParseLeads refuses it with
		// its bounds.
		n = max(min(n, 1000), -1000)
		return time.Duration(n) * 24 * time.Hour, nil
	}
	return time.ParseDuration(f)
}

// FormatLeads writes lead times as ParseLeadList reads them.
func FormatLeads(leads []time.Duration) string {
	parts := make([]string, len(leads))
	for i, l := range leads {
		parts[i] = formatLead(l)
	}
	return strings.Join(parts, ",")
}

// formatLead writes 12h rather than 12h0m0s.
func formatLead(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// Schedule returns every reminder of the open deadlines: one per lead time
// before each deadline and one when it is overdue, sorted by At.
func Schedule(open []Deadline, leads []time.Duration) []Reminder {
	var out []Reminder
	for _, d := range open {
		for _, l := range leads {
			out = append(out, Reminder{Stage: d.Stage, Due: d.Due, Lead: l, At: d.Due.Add(-l)})
		}
		out = append(out, Reminder{Stage: d.Stage, Due: d.Due, Overdue: true, At: d.Due})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out
}

// Due returns the reminders of schedule that fall due in (after, now]:
// those a periodic job running at now, whose previous run was at after,
// must send. Of several reminders of the same deadline falling in one
// window (the job was down), only the latest is sent: nobody needs a
// "12 hours left" after the "1 hour left".
func Due(schedule []Reminder, after, now time.Time) []Reminder {
	latest := map[string]int{}
	var out []Reminder
	for _, r := range schedule {
		if !r.At.After(after) || r.At.After(now) {
			continue
		}
		k := string(r.Stage) + "@" + r.Due.Format(time.RFC3339)
		if i, ok := latest[k]; ok {
			out[i] = r
			continue
		}
		latest[k] = len(out)
		out = append(out, r)
	}
	return out
}

// AssessmentDeadline is the deadline a case in assessment is reminded
// against: if the person confirms the proposed awareness time, the early
// warning is due 24 hours after it, so the assessment must end before.
func AssessmentDeadline(proposed time.Time) Deadline {
	return Deadline{Stage: StageAssessment, Due: Minute(proposed).Add(EarlyWarningPeriod)}
}
