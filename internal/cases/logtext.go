package cases

import (
	"regexp"
	"strconv"
	"time"

	"github.com/rocca-project/rocca/internal/msg"
	"github.com/rocca-project/rocca/internal/reporting"
)

// The details of the case log (the timeline), worded here. The log
// stores the English text; ParseLogDetail reads it back as the sentence it
// was worded from, so that an interface shows it in its language without
// a code stored next to it. Parts a person wrote (reasons, titles, fix
// details) are arguments, shown as written.

// Justification is a VEX justification as an argument of a sentence (an
// interface may translate the code).
type Justification string

func logOpenedByHand(title string) msg.Text {
	return msg.New("caselog.opened_by_hand", "opened by hand: %s", title)
}

func logOpenedKEV(vuln, listed, versions string) msg.Text {
	if listed == "" {
		return msg.New("caselog.opened_kev", "%s is known exploited; open finding in %s; awaiting assessment", vuln, versions)
	}
	return msg.New("caselog.opened_kev_listed", "%s is known exploited (listed since %s); open finding in %s; awaiting assessment", vuln, listed, versions)
}

func logAware(at time.Time, reason string) msg.Text {
	return msg.New("caselog.aware", "aware at %s: %s", msg.Stamp(at), reason)
}

func logAwareAfter(at time.Time, reason string, waited time.Duration) msg.Text {
	return msg.New("caselog.aware_after", "aware at %s: %s (after %s in assessment)", msg.Stamp(at), reason, waited)
}

func logAwareChanged(from, to time.Time, reason string) msg.Text {
	return msg.New("caselog.aware_changed", "awareness changed from %s to %s: %s", msg.Stamp(from), msg.Stamp(to), reason)
}

func logFix(from, to time.Time, details string) msg.Text {
	switch {
	case from.IsZero() && details == "":
		return msg.New("caselog.fix", "fix available at %s", msg.Stamp(to))
	case from.IsZero():
		return msg.New("caselog.fix_details", "fix available at %s: %s", msg.Stamp(to), details)
	case details == "":
		return msg.New("caselog.fix_changed", "fix availability changed from %s to %s", msg.Stamp(from), msg.Stamp(to))
	}
	return msg.New("caselog.fix_changed_details", "fix availability changed from %s to %s: %s", msg.Stamp(from), msg.Stamp(to), details)
}

func logIntermediate(due time.Time) msg.Text {
	return msg.New("caselog.intermediate", "CSIRT asked for an intermediate report due %s", msg.Stamp(due))
}

func logOwner(from, to string) msg.Text {
	return msg.New("caselog.owner", "owner %q → %q", from, to)
}

func logTitle(title string) msg.Text { return msg.New("caselog.title", "title: %s", title) }

func logStatement() msg.Text {
	return msg.New("caselog.statement", "severity and impact statement edited")
}

func logNotExploitable(j Justification, reason string, recorded bool) msg.Text {
	if recorded {
		return msg.New("caselog.not_exploitable_recorded", "not exploitable in the product (%s): %s; not_affected decision recorded", j, reason)
	}
	return msg.New("caselog.not_exploitable", "not exploitable in the product (%s): %s", j, reason)
}

func logSubmitted(st reporting.Stage, at time.Time, ref string) msg.Text {
	if ref == "" {
		return msg.New("caselog.submitted", "%s submitted at %s", st, msg.Stamp(at))
	}
	return msg.New("caselog.submitted_ref", "%s submitted at %s, SRP reference %s", st, msg.Stamp(at), ref)
}

func logAlreadyProvided(st reporting.Stage) msg.Text {
	return msg.New("caselog.already_provided", "%s: information already provided", st)
}

func logVersionAdded(names string) msg.Text {
	return msg.New("caselog.version_added", "affected: %s", names)
}

func logReopened() msg.Text {
	return msg.New("caselog.reopened", "a version not covered by the closing decision is affected")
}

func stamp(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339, s)
	return t, err == nil
}

// logReaders are the readers of each action's details, in the order
// tried (the more specific first).
var logReaders = map[string][]msg.Reader{
	"opened": {
		{Re: regexp.MustCompile(`(?s)^opened by hand: (.*)$`), Build: func(m []string) (msg.Text, bool) { return logOpenedByHand(m[1]), true }},
		{Re: regexp.MustCompile(`(?s)^(\S+) is known exploited \(listed since ([0-9-]+)\); open finding in (.*); awaiting assessment$`), Build: func(m []string) (msg.Text, bool) { return logOpenedKEV(m[1], m[2], m[3]), true }},
		{Re: regexp.MustCompile(`(?s)^(\S+) is known exploited; open finding in (.*); awaiting assessment$`), Build: func(m []string) (msg.Text, bool) { return logOpenedKEV(m[1], "", m[2]), true }},
	},
	"awareness": {
		{Re: regexp.MustCompile(`(?s)^awareness changed from (\S+) to (\S+): (.*)$`), Build: func(m []string) (msg.Text, bool) {
			from, ok1 := stamp(m[1])
			to, ok2 := stamp(m[2])
			return logAwareChanged(from, to, m[3]), ok1 && ok2
		}},
		{Re: regexp.MustCompile(`(?s)^aware at (\S+): (.*) \(after (\S+) in assessment\)$`), Build: func(m []string) (msg.Text, bool) {
			at, ok := stamp(m[1])
			d, err := time.ParseDuration(m[3])
			return logAwareAfter(at, m[2], d), ok && err == nil
		}},
		{Re: regexp.MustCompile(`(?s)^aware at (\S+): (.*)$`), Build: func(m []string) (msg.Text, bool) {
			at, ok := stamp(m[1])
			return logAware(at, m[2]), ok
		}},
	},
	"fix": {
		{Re: regexp.MustCompile(`(?s)^fix availability changed from (\S+) to (\S+?)(?:: (.*))?$`), Build: func(m []string) (msg.Text, bool) {
			from, ok1 := stamp(m[1])
			to, ok2 := stamp(m[2])
			return logFix(from, to, m[3]), ok1 && ok2 && !from.IsZero()
		}},
		{Re: regexp.MustCompile(`(?s)^fix available at (\S+?)(?:: (.*))?$`), Build: func(m []string) (msg.Text, bool) {
			at, ok := stamp(m[1])
			return logFix(time.Time{}, at, m[2]), ok
		}},
	},
	"intermediate_requested": {
		{Re: regexp.MustCompile(`^CSIRT asked for an intermediate report due (\S+)$`), Build: func(m []string) (msg.Text, bool) {
			at, ok := stamp(m[1])
			return logIntermediate(at), ok
		}},
	},
	"owner": {
		{Re: regexp.MustCompile(`(?s)^owner ("(?:[^"\\]|\\.)*") → ("(?:[^"\\]|\\.)*")$`), Build: func(m []string) (msg.Text, bool) {
			from, err1 := strconv.Unquote(m[1])
			to, err2 := strconv.Unquote(m[2])
			return logOwner(from, to), err1 == nil && err2 == nil
		}},
	},
	"title":     {{Re: regexp.MustCompile(`(?s)^title: (.*)$`), Build: func(m []string) (msg.Text, bool) { return logTitle(m[1]), true }}},
	"statement": {{Re: regexp.MustCompile(`^severity and impact statement edited$`), Build: func([]string) (msg.Text, bool) { return logStatement(), true }}},
	"closed": {
		{Re: regexp.MustCompile(`(?s)^not exploitable in the product \(([a-z_]+)\): (.*); not_affected decision recorded$`), Build: func(m []string) (msg.Text, bool) { return logNotExploitable(Justification(m[1]), m[2], true), true }},
		{Re: regexp.MustCompile(`(?s)^not exploitable in the product \(([a-z_]+)\): (.*)$`), Build: func(m []string) (msg.Text, bool) { return logNotExploitable(Justification(m[1]), m[2], false), true }},
	},
	"submission": {
		{Re: regexp.MustCompile(`(?s)^([a-z_]+) submitted at (\S+), SRP reference (.*)$`), Build: func(m []string) (msg.Text, bool) {
			at, ok := stamp(m[2])
			return logSubmitted(reporting.Stage(m[1]), at, m[3]), ok && m[3] != ""
		}},
		{Re: regexp.MustCompile(`^([a-z_]+) submitted at (\S+)$`), Build: func(m []string) (msg.Text, bool) {
			at, ok := stamp(m[2])
			return logSubmitted(reporting.Stage(m[1]), at, ""), ok
		}},
		{Re: regexp.MustCompile(`^([a-z_]+): information already provided$`), Build: func(m []string) (msg.Text, bool) { return logAlreadyProvided(reporting.Stage(m[1])), true }},
	},
	"version_added": {{Re: regexp.MustCompile(`(?s)^affected: (.*)$`), Build: func(m []string) (msg.Text, bool) { return logVersionAdded(m[1]), true }}},
	"reopened":      {{Re: regexp.MustCompile(`^a version not covered by the closing decision is affected$`), Build: func([]string) (msg.Text, bool) { return logReopened(), true }}},
}

// ParseLogDetail reads a case log entry's detail back as the sentence
// rocca worded it from; ok is false for a detail it did not word this way
// (a closing reason as the person wrote it, or a wording of another
// version), which an interface shows as it is.
func ParseLogDetail(action, detail string) (msg.Text, bool) {
	return msg.Read(logReaders[action], detail)
}
