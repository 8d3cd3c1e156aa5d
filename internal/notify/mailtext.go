package notify

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rocca-project/rocca/internal/cases"
	"github.com/rocca-project/rocca/internal/findings"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/termtext"
)

// The text of e-mail notifications, in English (translations come with
// the web interface). Every value taken from an event is escaped with
// termtext.Escape: a product name or an advisory summary cannot add a
// line to the body or a header to the message.

// Where names the product and version of an event ("" when unknown: the
// ids stand in).
type Where struct {
	Product, Version string
}

// headlines are the subjects' openings by event type.
var headlines = map[string]string{
	"finding.new":              "New vulnerability",
	"finding.exploited":        "Known-exploited vulnerability",
	"finding.severity_changed": "Severity changed for",
	"finding.fix_available":    "Fix available for",
	"finding.changed":          "Vulnerability changed:",
	"finding.resolved":         "Resolved:",
	"finding.withdrawn":        "Advisory withdrawn:",
	"finding.analysis":         "Analysis recorded for",
	"finding.analysis_review":  "Analysis needs review for",
	"upload.processed":         "SBOM processed for",
	"upload.failed":            "SBOM upload failed for",
	"case.opened":              "CRA reporting case to assess:",
	"case.version_added":       "CRA reporting case: another version affected:",
	"case.awareness_confirmed": "CRA reporting clock started:",
	"case.deadline_reminder":   "CRA reporting deadline approaching:",
	"case.overdue":             "CRA reporting deadline overdue:",
	"case.stage_submitted":     "CRA report submitted:",
	"case.closed":              "CRA reporting case closed:",
}

// maxSubjectRunes bounds a subject; the body has the whole story.
const maxSubjectRunes = 200

// MailText returns the subject and plain-text body of an event's e-mail.
func MailText(ev model.OutboxEvent, w Where) (subject, body string, err error) {
	head, ok := headlines[ev.Type]
	if !ok {
		head = "Event " + ev.Type + " for"
	}
	product := orID(w.Product, "product", ev.ProductID)
	version := orID(w.Version, "version", ev.VersionID)
	scope := strings.TrimSpace(product + " " + version)
	var b textBuilder
	if strings.HasPrefix(ev.Type, "case.") {
		var n cases.Notice
		if err := json.Unmarshal(ev.Payload, &n); err != nil {
			return "", "", fmt.Errorf("event %s: not a case notice: %v", ev.ID, err)
		}
		subject = fmt.Sprintf("[rocca] %s %s", head, n.Case.Title)
		b.line(strings.TrimSuffix(head, ":") + ".")
		b.blank()
		b.field("Case", fmt.Sprintf("%s (%s, %s)", n.Case.ID, n.Case.Type, n.Case.State))
		b.field("Vulnerability", strings.Join(n.Case.VulnIDs, ", "))
		b.field("Stage", n.Stage)
		b.field("Due", n.Due)
		b.field("Detail", n.Detail)
		b.field("Owner", n.Case.Owner)
	} else if strings.HasPrefix(ev.Type, "finding.") {
		var n findings.Notice
		if err := json.Unmarshal(ev.Payload, &n); err != nil || n.Finding == nil {
			return "", "", fmt.Errorf("event %s: not a finding notice: %v", ev.ID, err)
		}
		f := n.Finding
		subject = fmt.Sprintf("[rocca] %s %s in %s (%s)", head, f.VulnID, component(f), scope)
		b.line(strings.TrimSuffix(strings.TrimSuffix(head, " for"), ":") + ".")
		b.blank()
		findingText(&b, f, n.Event.Detail)
	} else {
		var u portfolio.UploadNotice
		if err := json.Unmarshal(ev.Payload, &u); err != nil {
			return "", "", fmt.Errorf("event %s: %w", ev.ID, err)
		}
		subject = fmt.Sprintf("[rocca] %s %s", head, scope)
		b.line(strings.TrimSuffix(head, " for") + ".")
		b.blank()
		b.field("SBOM", named(u.Name, u.SBOMID))
		b.field("Detail", u.Detail)
		if ev.Type == "upload.processed" {
			b.field("Findings", fmt.Sprintf("%d new, %d changed, %d resolved; %d open", u.New, u.Changed, u.Resolved, u.Open))
		}
	}
	b.field("Product", named(w.Product, ev.ProductID))
	b.field("Version", named(w.Version, ev.VersionID))
	b.field("Event", fmt.Sprintf("%s, id %s, at %s", ev.Type, ev.ID, ev.Created.UTC().Format(time.RFC3339)))
	b.blank()
	b.line("The event's JSON document is attached (event.json), in the format of rocca's webhooks.")
	return subjectLine(subject), b.String(), nil
}

func findingText(b *textBuilder, f *model.TrackedFinding, detail string) {
	vuln := f.VulnID
	if others := without(f.VulnIDs, f.VulnID); len(others) > 0 {
		vuln += " (also " + strings.Join(others, ", ") + ")"
	}
	b.field("Vulnerability", vuln)
	b.field("Summary", f.Summary)
	b.field("Component", named(component(f), f.Component.PURL))
	sev := string(f.Severity.Rating)
	if f.Severity.Score > 0 {
		sev += fmt.Sprintf(" %.1f", f.Severity.Score)
	}
	if f.Severity.Vector != "" {
		sev += " " + f.Severity.Vector
	}
	b.field("Severity", sev)
	kev := "no"
	if f.KEV {
		kev = "yes"
		if !f.KEVAdded.IsZero() {
			kev += ", listed since " + f.KEVAdded.UTC().Format(time.DateOnly)
		}
	}
	b.field("Known exploited", kev)
	epss := "not scored"
	if f.EPSS > 0 || f.EPSSPercentile > 0 {
		epss = fmt.Sprintf("%.2f%% (percentile %.0f)", f.EPSS*100, f.EPSSPercentile*100)
	}
	b.field("EPSS", epss)
	fixed := "none known"
	if len(f.FixedVersions) > 0 {
		fixed = strings.Join(f.FixedVersions, ", ")
	}
	b.field("Fixed versions", fixed)
	b.field("Finding", fmt.Sprintf("%s (%s)", f.ID, f.State))
	if a := f.Analysis; a != nil {
		analysisText(b, a)
	}
	b.field("Detail", detail)
}

// analysisText writes a finding's effective analysis: the statement, who
// decided, where, and whether it needs review.
func analysisText(b *textBuilder, a *model.FindingAnalysis) {
	st := string(a.Status)
	if a.Justification != "" {
		st += " (" + a.Justification + ")"
	}
	b.field("Analysis", st)
	b.field("Impact", a.Impact)
	b.field("Action", a.Action)
	b.field("Response", strings.Join(a.Response, ", "))
	scope := string(a.Scope) + " scope"
	if a.Inherited {
		scope += ", inherited from version " + a.Origin.VersionID
	}
	b.field("Scope", scope)
	if !a.DecidedAt.IsZero() {
		b.field("Decided", fmt.Sprintf("by %s at %s", a.DecidedBy, a.DecidedAt.UTC().Format(time.RFC3339)))
	}
	if a.NeedsReview {
		b.field("Needs review", a.ReviewReason)
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

func orID(name, kind, id string) string {
	switch {
	case name != "":
		return name
	case id != "":
		return kind + " " + id
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
type textBuilder struct{ strings.Builder }

func (b *textBuilder) line(s string) { b.WriteString(termtext.Escape(s) + "\n") }
func (b *textBuilder) blank()        { b.WriteString("\n") }

func (b *textBuilder) field(label, value string) {
	if value == "" {
		return
	}
	fmt.Fprintf(&b.Builder, "%-17s%s\n", label+":", termtext.Escape(value))
}
