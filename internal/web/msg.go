package web

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/rocca-project/rocca/internal/cases"
	"github.com/rocca-project/rocca/internal/findings"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/msg"
	"github.com/rocca-project/rocca/internal/reporting"
)

// Sentences the domain packages generate (refusals, warnings, reasons)
// are shown in the person's language through their code: the catalogue
// key is "msg." + code, its texts take the sentence's arguments as %[n]s
// (each argument formatted here in the locale). A sentence without code,
// or one whose code no catalogue has, is shown in English and marked so.

// said is a text shown to a person; English marks one shown in English
// whatever the language (outside text, or a sentence without code).
type said struct {
	Text    string
	English bool
}

// Msg returns a generated sentence in the interface's language (its
// English wording when it has no code the catalogue knows).
func (l *Localizer) Msg(t msg.Text) string {
	s, ok := l.msg(t)
	if !ok {
		return t.English
	}
	return s
}

// Said is Msg saying whether the text stayed English.
func (l *Localizer) Said(t msg.Text) said {
	s, ok := l.msg(t)
	if !ok {
		return said{Text: t.English, English: true}
	}
	return said{Text: s}
}

func (l *Localizer) msg(t msg.Text) (string, bool) {
	if t.Code == "" {
		return "", false
	}
	key := "msg." + t.Code
	s, ok := l.cat[key]
	if !ok {
		if s, ok = l.fallback[key]; !ok {
			return "", false
		}
	}
	args := make([]any, len(t.Args))
	for i, a := range t.Args {
		args[i] = l.arg(a)
	}
	if !strings.Contains(s, "%[") {
		// A text may leave out the last arguments (with explicit
		// indexes, any): fmt would complain of the extra ones.
		args = args[:min(len(args), strings.Count(s, "%s"))]
	}
	return fmt.Sprintf(s, args...), true
}

// arg formats a sentence's argument in the locale: numbers, times, days,
// severity ratings and nested sentences; anything else as it is.
func (l *Localizer) arg(a any) string {
	switch v := a.(type) {
	case msg.Text:
		return l.Msg(v)
	case string:
		return v
	case int:
		return l.Num(v)
	case int64:
		return l.Num(int(v))
	case rune:
		return fmt.Sprintf("%U", v)
	case float64:
		return l.Dec(v, 1)
	case time.Time:
		return l.DateTime(v)
	case msg.Stamp:
		return l.DateTime(time.Time(v))
	case time.Duration:
		return l.Dur(v)
	case cases.Justification:
		if key := fmt.Sprintf("triage.just_%s", v); l.cat[key] != "" {
			return l.T(key)
		}
		return string(v)
	case findings.Justification:
		if key := fmt.Sprintf("triage.just_%s", v); l.cat[key] != "" {
			return lowerFirst(l.T(key))
		}
		return string(v)
	case model.Status:
		if key := fmt.Sprintf("triage.status_%s", v); l.cat[key] != "" {
			return lowerFirst(l.T(key))
		}
		return string(v)
	case model.AnalysisScope:
		if key := fmt.Sprintf("triage.scope_word_%s", v); l.cat[key] != "" {
			return l.T(key)
		}
		return string(v)
	case msg.List:
		parts := make([]string, len(v))
		for i, a := range v {
			parts[i] = l.arg(a)
		}
		return strings.Join(parts, "; ")
	case model.CaseState:
		return l.T("casestate." + string(v))
	case reporting.Stage:
		return l.T("stage." + string(v))
	case model.Day:
		return l.Date(time.Time(v))
	case model.Rating:
		if key := fmt.Sprintf("sev.%s", v); l.cat[key] != "" {
			return l.T(key)
		}
		return string(v)
	case []string:
		return strings.Join(v, ", ")
	case error:
		if m, ok := msg.Of(v); ok {
			return l.Msg(m)
		}
		return v.Error()
	case fmt.Stringer:
		return v.String()
	}
	return fmt.Sprint(a)
}

// Detail is a page error's detail in the interface's language: the
// refusal's sentence when it has one, else the detail as it is (outside
// text, in English).
func (l *Localizer) Detail(pe *pageError) said {
	if pe == nil {
		return said{}
	}
	if s, ok := l.msg(pe.msg); ok {
		return said{Text: s}
	}
	return said{Text: pe.detail, English: pe.detail != ""}
}

// refused is a page error with key for err, a refusal of a use case: its
// English text as detail and its sentence, if coded, for translation.
func refused(status int, key string, err error) *pageError {
	pe := &pageError{status: status, key: key, detail: err.Error()}
	pe.msg, _ = msg.Of(err)
	return pe
}

// argOf returns a sentence's argument i when it is a string.
func argOf(m msg.Text, i int) (string, bool) {
	if i >= len(m.Args) {
		return "", false
	}
	s, ok := m.Args[i].(string)
	return s, ok
}

// Review is a needs-review reason in the interface's language: its
// causes (model.ParseReviewReason) each translated, or the stored text as
// it is when it is not one rocca writes.
func (l *Localizer) Review(reason string) said {
	causes, ok := model.ParseReviewReason(reason)
	if !ok {
		return said{Text: reason, English: reason != ""}
	}
	parts := make([]string, len(causes))
	for i, c := range causes {
		parts[i] = l.Msg(c)
	}
	return said{Text: strings.Join(parts, "; ")}
}

// lowerFirst puts a catalogue's label ("Not affected") inside a sentence.
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}

// History is a finding event's detail in the interface's language when
// rocca worded it (findings.ParseEventDetail), else as it is.
func (l *Localizer) History(detail string) said {
	if t, ok := findings.ParseEventDetail(detail); ok {
		return l.Said(t)
	}
	return said{Text: detail, English: detail != ""}
}

// LogAction names a case log entry's action in the interface's language
// (the action's code, marked English, when the catalogue lacks it).
func (l *Localizer) LogAction(action string) said {
	if key := fmt.Sprintf("case.log_%s", action); l.cat[key] != "" {
		return said{Text: l.T(key)}
	}
	return said{Text: action, English: true}
}

// LogDetail is a case log entry's detail in the interface's language when
// rocca worded it (cases.ParseLogDetail), else as it is (a person's text).
func (l *Localizer) LogDetail(e model.CaseLogEntry) said {
	if t, ok := cases.ParseLogDetail(e.Action, e.Detail); ok {
		return l.Said(t)
	}
	return said{Text: e.Detail, English: e.Detail != ""}
}
