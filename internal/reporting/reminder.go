package reporting

import (
	"fmt"
	"sort"
	"time"
)

// DefaultLeads are the default reminder lead times before each deadline.
var DefaultLeads = []time.Duration{12 * time.Hour, 4 * time.Hour, time.Hour}

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

// ParseLeads checks reminder lead times: each positive, no duplicates.
// They are returned longest first.
func ParseLeads(leads []time.Duration) ([]time.Duration, error) {
	seen := map[time.Duration]bool{}
	out := make([]time.Duration, 0, len(leads))
	for _, l := range leads {
		if l <= 0 {
			return nil, fmt.Errorf("reminder lead time %s: must be positive", l)
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
