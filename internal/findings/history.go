package findings

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/msg"
)

// The details of finding events (the finding's history), worded here for
// this package and for triage. The history stores the English text, which
// the API, webhooks and the CLI show unchanged; ParseEventDetail reads it
// back as the sentence it was worded from, so that an interface (the web
// application, e-mails) shows it in its language without a code stored
// next to it.

// The causes of a reconciliation that resolve a finding (Scope.Cause).
const (
	CauseSBOM          = "the current SBOM"
	CauseKnowledgeBase = "knowledge base update"
)

// Justification is a not_affected justification as an argument of a
// sentence (an interface may translate the code).
type Justification string

func detailReopened() msg.Text { return msg.New("history.reopened", "reopened: matches again") }

// listing is one list marking a vulnerability exploited, with the day it
// added it when known: "CISA KEV since 2026-12-06", or the name alone.
func listing(name string, added time.Time) any {
	if added.IsZero() {
		return name
	}
	return msg.New("history.listed_since", "%s since %s", name, model.Day(added))
}

func detailExploited(listings msg.List) msg.Text {
	return msg.New("history.exploited", "known exploited: listed in %s", listings)
}

func detailNotExploited() msg.Text {
	return msg.New("history.not_exploited", "no longer listed as known exploited")
}

func detailSeverity(old, now model.Severity) msg.Text {
	return msg.New("history.severity", "severity %s %.1f → %s %.1f", old.Rating, old.Score, now.Rating, now.Score)
}

func detailFixed(old, now []string) msg.Text {
	return msg.New("history.fixed", "fixed versions [%s] → [%s]", strings.Join(old, ", "), strings.Join(now, ", "))
}

func detailWithdrawn(advisories []string) msg.Text {
	return msg.New("history.withdrawn", "every advisory of the vulnerability was withdrawn: %s", strings.Join(advisories, ", "))
}

// causeText is a cause of resolution as a sentence, false for a cause
// this package does not word.
func causeText(cause string) (msg.Text, bool) {
	switch cause {
	case CauseSBOM:
		return msg.New("history.cause_sbom", "the current SBOM"), true
	case CauseKnowledgeBase:
		return msg.New("history.cause_kb", "knowledge base update"), true
	}
	return msg.Text{}, false
}

func detailNoMatch(cause string) msg.Text {
	if c, ok := causeText(cause); ok {
		return msg.New("history.no_match", "no longer matches (%s)", c)
	}
	return msg.New("history.no_match", "no longer matches (%s)", cause)
}

// ReviewDetail is the detail of a decision flagged for review (event
// analysis_review): its scope, status and the causes (model.Review…).
func ReviewDetail(scope model.AnalysisScope, status model.Status, causes []msg.Text) msg.Text {
	l := make(msg.List, len(causes))
	for i, c := range causes {
		l[i] = c
	}
	return msg.New("history.needs_review", "the %s decision (%s) needs review: %s", scope, status, l)
}

// AnalysisDetail is the detail of a finding's changed effective analysis
// (event analysis): "not_affected (component_not_present), product scope,
// decided by ada@example.com, inherited from finding F of version V".
func AnalysisDetail(fa *model.FindingAnalysis) msg.Text {
	var status any = fa.Status
	if fa.Justification != "" {
		status = msg.New("history.justified", "%s (%s)", fa.Status, Justification(fa.Justification))
	}
	var by, inherited any = "", ""
	if fa.DecidedBy != "" {
		by = msg.New("history.decided_by", ", decided by %s", fa.DecidedBy)
	}
	if fa.Inherited {
		inherited = msg.New("history.inherited", ", inherited from finding %s of version %s", fa.Origin.FindingID, fa.Origin.VersionID)
	}
	return msg.New("history.analysis", "%s, %s scope%s%s", status, fa.Scope, by, inherited)
}

var (
	listedSinceRe = regexp.MustCompile(`^(.+) since ([0-9]{4}-[0-9]{2}-[0-9]{2})$`)
	scoreRe       = regexp.MustCompile(`^-?[0-9]+\.[0-9]$`)
)

func score(s string) (float64, bool) {
	if !scoreRe.MatchString(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

// eventReaders read every wording of this file, the more specific first.
var eventReaders = []msg.Reader{
	{Re: regexp.MustCompile(`^reopened: matches again$`), Build: func([]string) (msg.Text, bool) { return detailReopened(), true }},
	{Re: regexp.MustCompile(`^no longer listed as known exploited$`), Build: func([]string) (msg.Text, bool) { return detailNotExploited(), true }},
	{Re: regexp.MustCompile(`(?s)^known exploited: listed in (.+)$`), Build: func(m []string) (msg.Text, bool) {
		var l msg.List
		for part := range strings.SplitSeq(m[1], "; ") {
			if g := listedSinceRe.FindStringSubmatch(part); g != nil {
				d, err := time.Parse(time.DateOnly, g[2])
				if err != nil {
					return msg.Text{}, false
				}
				l = append(l, listing(g[1], d))
			} else {
				l = append(l, part)
			}
		}
		return detailExploited(l), true
	}},
	{Re: regexp.MustCompile(`^severity (\S+) (\S+) → (\S+) (\S+)$`), Build: func(m []string) (msg.Text, bool) {
		o, ok1 := score(m[2])
		n, ok2 := score(m[4])
		return detailSeverity(model.Severity{Rating: model.Rating(m[1]), Score: o}, model.Severity{Rating: model.Rating(m[3]), Score: n}), ok1 && ok2
	}},
	{Re: regexp.MustCompile(`(?s)^fixed versions \[(.*)\] → \[(.*)\]$`), Build: func(m []string) (msg.Text, bool) {
		return detailFixed(splitList(m[1]), splitList(m[2])), true
	}},
	{Re: regexp.MustCompile(`(?s)^every advisory of the vulnerability was withdrawn: (.*)$`), Build: func(m []string) (msg.Text, bool) {
		return detailWithdrawn(splitList(m[1])), true
	}},
	{Re: regexp.MustCompile(`^no longer matches \((.*)\)$`), Build: func(m []string) (msg.Text, bool) {
		// A cause this package does not word would stay English inside
		// a translated sentence: the whole detail is shown as it is.
		_, ok := causeText(m[1])
		return detailNoMatch(m[1]), ok
	}},
	{Re: regexp.MustCompile(`(?s)^the (\S+) decision \((\S+)\) needs review: (.*)$`), Build: func(m []string) (msg.Text, bool) {
		causes, ok := model.ParseReviewReason(m[3])
		return ReviewDetail(model.AnalysisScope(m[1]), model.Status(m[2]), causes), ok
	}},
	{Re: regexp.MustCompile(`(?s)^([a-z_]+)(?: \(([a-z_]+)\))?, ([a-z]+) scope(?:, decided by (.*?))?(?:, inherited from finding (\S+) of version (\S+))?$`), Build: func(m []string) (msg.Text, bool) {
		fa := &model.FindingAnalysis{Analysis: model.Analysis{Status: model.Status(m[1]), Justification: m[2],
			Scope: model.AnalysisScope(m[3]), DecidedBy: m[4], Origin: model.AnalysisOrigin{FindingID: m[5], VersionID: m[6]}},
			Inherited: m[5] != ""}
		return AnalysisDetail(fa), true
	}},
}

// splitList reads back a list joined by ", " (none when s is empty).
func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ", ")
}

// ParseEventDetail reads a finding event's stored detail back as the
// sentence rocca worded it from; ok is false for a detail it did not word
// this way (an empty one, or a wording of another version of rocca),
// which an interface shows as it is.
func ParseEventDetail(detail string) (msg.Text, bool) {
	return msg.Read(eventReaders, detail)
}
