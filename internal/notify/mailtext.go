package notify

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/rocca-project/rocca/internal/cases"
	"github.com/rocca-project/rocca/internal/findings"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/termtext"
)

// The text of e-mail notifications, in English or Italian (locale.go
// holds the messages). Every value taken from an event is escaped with
// termtext.Escape: a product name or an advisory summary cannot add a
// line to the body or a header to the message.

// Where names the product and version of an event ("" when unknown: the
// ids stand in).
type Where struct {
	Product, Version string
}

// maxSubjectRunes bounds a subject; the body has the whole story.
const maxSubjectRunes = 200

// MailText returns the subject and plain-text body of an event's e-mail
// in a language ("en" or "it"; any other is English).
func MailText(ev model.OutboxEvent, w Where, locale string) (subject, body string, err error) {
	m := newMessages(locale)
	head, title := m.t("head."+ev.Type), m.t("title."+ev.Type)
	if !m.has("head." + ev.Type) {
		head, title = m.t("head.other", ev.Type), m.t("title.other", ev.Type)
	}
	product := orID(w.Product, m, "scope.product", ev.ProductID)
	version := orID(w.Version, m, "scope.version", ev.VersionID)
	scope := strings.TrimSpace(product + " " + version)
	b := textBuilder{width: m.width}
	if strings.HasPrefix(ev.Type, "case.") {
		var n cases.Notice
		if err := json.Unmarshal(ev.Payload, &n); err != nil {
			return "", "", fmt.Errorf("event %s: not a case notice: %v", ev.ID, err)
		}
		subject = fmt.Sprintf("[rocca] %s %s", head, n.Case.Title)
		b.line(title)
		b.blank()
		b.field(m.t("label.case"), fmt.Sprintf("%s (%s, %s)", n.Case.ID, m.enum("case", n.Case.Type), m.enum("cstate", n.Case.State)))
		b.field(m.t("label.vulnerability"), strings.Join(n.Case.VulnIDs, ", "))
		stage := n.Stage
		if stage != "" && m.has("stage."+stage) {
			stage = m.t("stage." + stage)
		}
		b.field(m.t("label.stage"), stage)
		b.field(m.t("label.due"), m.stampText(n.Due))
		b.field(m.t("label.detail"), m.caseDetail(ev, n))
		b.field(m.t("label.owner"), n.Case.Owner)
	} else if strings.HasPrefix(ev.Type, "finding.") {
		var n findings.Notice
		if err := json.Unmarshal(ev.Payload, &n); err != nil || n.Finding == nil {
			return "", "", fmt.Errorf("event %s: not a finding notice: %v", ev.ID, err)
		}
		f := n.Finding
		subject = fmt.Sprintf("[rocca] %s %s in %s (%s)", head, f.VulnID, component(f), scope)
		b.line(title)
		b.blank()
		detail := n.Event.Detail
		if ev.Type == "finding.analysis" && f.Analysis != nil && m.locale != LocaleEnglish {
			// The detail repeats the analysis, written out above in the language.
			detail = ""
		}
		findingText(&b, m, f, m.detail(detail))
	} else {
		var u portfolio.UploadNotice
		if err := json.Unmarshal(ev.Payload, &u); err != nil {
			return "", "", fmt.Errorf("event %s: %w", ev.ID, err)
		}
		subject = fmt.Sprintf("[rocca] %s %s", head, scope)
		b.line(title)
		b.blank()
		b.field(m.t("label.sbom"), named(u.Name, u.SBOMID))
		b.field(m.t("label.detail"), m.detail(u.Detail))
		if ev.Type == "upload.processed" {
			b.field(m.t("label.findings"), m.t("upload.counts", u.New, u.Changed, u.Resolved, u.Open))
		}
	}
	b.field(m.t("label.product"), named(w.Product, ev.ProductID))
	b.field(m.t("label.version"), named(w.Version, ev.VersionID))
	b.field(m.t("label.event"), m.t("event", ev.Type, ev.ID, m.stamp(ev.Created)))
	b.blank()
	b.line(m.t("attachment"))
	return subjectLine(subject), b.String(), nil
}

func findingText(b *textBuilder, m messages, f *model.TrackedFinding, detail string) {
	vuln := f.VulnID
	if others := without(f.VulnIDs, f.VulnID); len(others) > 0 {
		vuln = m.t("also", vuln, strings.Join(others, ", "))
	}
	b.field(m.t("label.vulnerability"), vuln)
	b.field(m.t("label.summary"), f.Summary)
	b.field(m.t("label.component"), named(component(f), f.Component.PURL))
	sev := m.enum("rating", string(f.Severity.Rating))
	if f.Severity.Score > 0 {
		sev += " " + m.number(f.Severity.Score, 1)
	}
	if f.Severity.Vector != "" {
		sev += " " + f.Severity.Vector
	}
	b.field(m.t("label.severity"), sev)
	kev := m.t("no")
	if f.KEV {
		kev = m.t("yes")
		if !f.KEVAdded.IsZero() {
			kev = m.t("kev.since", m.date(f.KEVAdded))
		}
	}
	b.field(m.t("label.kev"), kev)
	epss := m.t("epss.none")
	if f.EPSS > 0 || f.EPSSPercentile > 0 {
		epss = m.t("epss", m.number(f.EPSS*100, 2), m.number(f.EPSSPercentile*100, 0))
	}
	b.field(m.t("label.epss"), epss)
	fixed := m.t("fixed.none")
	if len(f.FixedVersions) > 0 {
		fixed = strings.Join(f.FixedVersions, ", ")
	}
	b.field(m.t("label.fixed"), fixed)
	b.field(m.t("label.finding"), fmt.Sprintf("%s (%s)", f.ID, m.enum("state", string(f.State))))
	if a := f.Analysis; a != nil {
		analysisText(b, m, a)
	}
	b.field(m.t("label.detail"), detail)
}

// analysisText writes a finding's effective analysis: the statement, who
// decided, where, and whether it needs review. Justifications and
// responses are the VEX vocabulary's codes, the same in every language.
func analysisText(b *textBuilder, m messages, a *model.FindingAnalysis) {
	st := m.enum("status", string(a.Status))
	if a.Justification != "" {
		st += " (" + a.Justification + ")"
	}
	b.field(m.t("label.analysis"), st)
	b.field(m.t("label.impact"), a.Impact)
	b.field(m.t("label.action"), a.Action)
	b.field(m.t("label.response"), strings.Join(a.Response, ", "))
	scope := m.t("analysis.scope", m.enum("ascope", string(a.Scope)))
	if a.Inherited {
		scope = m.t("analysis.inherited", m.enum("ascope", string(a.Scope)), a.Origin.VersionID)
	}
	b.field(m.t("label.scope"), scope)
	if !a.DecidedAt.IsZero() {
		b.field(m.t("label.decided"), m.t("analysis.decided", a.DecidedBy, m.stamp(a.DecidedAt)))
	}
	if a.NeedsReview {
		b.field(m.t("label.review"), m.reviewReason(a.ReviewReason))
	}
}

// component names a finding's component: group/name version, or its key.
func component(f *model.TrackedFinding) string {
	c := f.Component
	if c.Name == "" {
		return f.ComponentKey
	}
	name := c.Name
	if c.Group != "" {
		name = c.Group + "/" + name
	}
	return strings.TrimSpace(name + " " + c.Version)
}

func orID(name string, m messages, kind, id string) string {
	switch {
	case name != "":
		return name
	case id != "":
		return m.t(kind, id)
	}
	return ""
}

// named is "name (id)", or whichever of the two is known.
func named(name, id string) string {
	switch {
	case name == "":
		return id
	case id == "":
		return name
	}
	return name + " (" + id + ")"
}

func without(ids []string, id string) []string {
	var out []string
	for _, x := range ids {
		if x != id {
			out = append(out, x)
		}
	}
	return out
}

// subjectLine escapes a subject and bounds its length.
func subjectLine(s string) string {
	s = termtext.Escape(s)
	if utf8.RuneCountInString(s) <= maxSubjectRunes {
		return s
	}
	r := []rune(s)
	return string(r[:maxSubjectRunes-1]) + "…"
}

// textBuilder writes "Label:  value" lines with the labels aligned.
type textBuilder struct {
	strings.Builder
	width int
}

func (b *textBuilder) line(s string) { b.WriteString(termtext.Escape(s) + "\n") }
func (b *textBuilder) blank()        { b.WriteString("\n") }

func (b *textBuilder) field(label, value string) {
	if value == "" {
		return
	}
	fmt.Fprintf(&b.Builder, "%-*s%s\n", b.width, label+":", termtext.Escape(value))
}
