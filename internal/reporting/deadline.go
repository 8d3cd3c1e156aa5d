package reporting

import (
	"fmt"
	"time"
)

// Kind is a case's notification type.
type Kind string

// The two mandatory notification types of Art. 14.
const (
	// KindAEV is an actively exploited vulnerability (Art. 14(2)).
	KindAEV Kind = "aev"
	// KindSI is a severe incident having an impact on the security of the
	// product (Art. 14(4)).
	KindSI Kind = "si"
)

// Valid reports whether k is one of the two kinds.
func (k Kind) Valid() bool { return k == KindAEV || k == KindSI }

// Stage is one report of a case.
type Stage string

// The stages, in the order they are filed.
const (
	StageEarlyWarning Stage = "early_warning"
	StageNotification Stage = "notification"
	// StageIntermediate is filed only on the coordinating CSIRT's request
	// (Art. 14(6)), by the due date it sets.
	StageIntermediate Stage = "intermediate"
	StageFinalReport  Stage = "final_report"
	// StageAssessment is not a report: it names the assessment of a case
	// opened automatically, which is reminded about like a deadline.
	StageAssessment Stage = "assessment"
)

// Stages lists every stage in filing order.
var Stages = []Stage{StageEarlyWarning, StageNotification, StageIntermediate, StageFinalReport}

// Valid reports whether s is a stage.
func (s Stage) Valid() bool {
	switch s {
	case StageEarlyWarning, StageNotification, StageIntermediate, StageFinalReport:
		return true
	}
	return false
}

// The fixed periods of Art. 14.
const (
	EarlyWarningPeriod = 24 * time.Hour
	NotificationPeriod = 72 * time.Hour
	// AEVFinalReportDays is the AEV final report's period in days after a
	// corrective or mitigating measure became available.
	AEVFinalReportDays = 14
	// SIFinalReportMonths is the SI final report's period in months after
	// the 72-hour notification was submitted.
	SIFinalReportMonths = 1
)

// Anchors are the facts a case's deadlines follow from. A zero time is
// "not known yet": the deadlines that depend on it are not computed.
type Anchors struct {
	Kind Kind
	// Awareness is when the manufacturer became aware (the person's
	// confirmed time, not the proposal made while in assessment).
	Awareness time.Time
	// FixAvailable is when a corrective or mitigating measure became
	// available (AEV final report).
	FixAvailable time.Time
	// NotificationSubmitted is when the 72-hour notification was submitted
	// in the SRP (SI final report).
	NotificationSubmitted time.Time
	// IntermediateDue is the due date the coordinating CSIRT set when it
	// asked for an intermediate report.
	IntermediateDue time.Time
}

// Deadline is one stage's due time.
type Deadline struct {
	Stage Stage
	// Due is the conservative deadline in UTC, to the minute: exact hours
	// from the anchor, calendar periods not extended to a working day.
	Due time.Time
	// Legal is the later deadline a reading of Regulation 1182/71 gives
	// (information only; zero when none is computed, as for a due date a
	// CSIRT set). Never before Due.
	Legal time.Time
}

// Minute truncates t to the minute in UTC. Anchors are kept to the
// minute: truncating (never rounding up) keeps every deadline on the
// early side.
func Minute(t time.Time) time.Time { return t.UTC().Truncate(time.Minute) }

// Compute returns the deadlines that a's known anchors determine, in
// filing order. cal is the calendar of the place where the report is due
// (the coordinating CSIRT's Member State), used only for the legal figure.
func Compute(a Anchors, cal Calendar) ([]Deadline, error) {
	if !a.Kind.Valid() {
		return nil, fmt.Errorf("compute deadlines: unknown notification type %q", a.Kind)
	}
	var out []Deadline
	if !a.Awareness.IsZero() {
		aw := Minute(a.Awareness)
		out = append(out,
			Deadline{Stage: StageEarlyWarning, Due: aw.Add(EarlyWarningPeriod), Legal: cal.AfterHours(aw, 24)},
			Deadline{Stage: StageNotification, Due: aw.Add(NotificationPeriod), Legal: cal.AfterHours(aw, 72)},
		)
	}
	if !a.IntermediateDue.IsZero() {
		out = append(out, Deadline{Stage: StageIntermediate, Due: Minute(a.IntermediateDue)})
	}
	switch a.Kind {
	case KindAEV:
		if !a.FixAvailable.IsZero() {
			f := Minute(a.FixAvailable)
			out = append(out, Deadline{Stage: StageFinalReport,
				Due: f.AddDate(0, 0, AEVFinalReportDays), Legal: cal.AfterDays(f, AEVFinalReportDays)})
		}
	case KindSI:
		if !a.NotificationSubmitted.IsZero() {
			n := Minute(a.NotificationSubmitted)
			out = append(out, Deadline{Stage: StageFinalReport,
				Due: AddMonths(n, SIFinalReportMonths), Legal: cal.AfterMonths(n, SIFinalReportMonths)})
		}
	}
	return out, nil
}

// AddMonths adds n calendar months to t in t's location, keeping the time
// of day; when the day does not exist in the target month it is the
// month's last day (31 January + 1 month = 28 or 29 February), unlike
// time.AddDate, which would roll over into March.
func AddMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, t.Location())
	if last := daysIn(first.Year(), first.Month()); d > last {
		d = last
	}
	hh, mm, ss := t.Clock()
	return time.Date(first.Year(), first.Month(), d, hh, mm, ss, t.Nanosecond(), t.Location())
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// In returns t in the user's time zone (UTC when loc is nil).
func In(t time.Time, loc *time.Location) time.Time {
	if loc == nil {
		return t.UTC()
	}
	return t.In(loc)
}
