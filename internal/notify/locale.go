package notify

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/cases"
	"github.com/rocca-project/rocca/internal/findings"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/msg"
)

// The languages of e-mail notifications (issue 9 §3). Every fixed text of
// an e-mail is a message of the catalogues below, one per language;
// TestCatalogues fails when a message is in one and not the other.
const (
	LocaleEnglish = "en"
	LocaleItalian = "it"
)

// Locales are the languages an e-mail subscription can ask for.
var Locales = []string{LocaleEnglish, LocaleItalian}

// ValidLocale reports whether s is a language of e-mails ("" is not: the
// caller defaults it).
func ValidLocale(s string) bool { return s == LocaleEnglish || s == LocaleItalian }

// localeOf is the language of a subscription's e-mails: English unless it
// asks for another known one.
func localeOf(s string) string {
	if ValidLocale(s) {
		return s
	}
	return LocaleEnglish
}

// catalogues holds the messages of e-mails by language and key. Messages
// with verbs are fmt formats; their arguments are the same in every
// language.
var catalogues = map[string]map[string]string{
	LocaleEnglish: {
		// Subjects' openings by event type, and the body's first line.
		"head.finding.new":               "New vulnerability",
		"title.finding.new":              "New vulnerability.",
		"head.finding.exploited":         "Known-exploited vulnerability",
		"title.finding.exploited":        "Known-exploited vulnerability.",
		"head.finding.severity_changed":  "Severity changed for",
		"title.finding.severity_changed": "Severity changed.",
		"head.finding.fix_available":     "Fix available for",
		"title.finding.fix_available":    "Fix available.",
		"head.finding.changed":           "Vulnerability changed:",
		"title.finding.changed":          "Vulnerability changed.",
		"head.finding.resolved":          "Resolved:",
		"title.finding.resolved":         "Resolved.",
		"head.finding.withdrawn":         "Advisory withdrawn:",
		"title.finding.withdrawn":        "Advisory withdrawn.",
		"head.finding.analysis":          "Analysis recorded for",
		"title.finding.analysis":         "Analysis recorded.",
		"head.finding.analysis_review":   "Analysis needs review for",
		"title.finding.analysis_review":  "Analysis needs review.",
		"head.upload.processed":          "SBOM processed for",
		"title.upload.processed":         "SBOM processed.",
		"head.upload.failed":             "SBOM upload failed for",
		"title.upload.failed":            "SBOM upload failed.",
		"head.case.opened":               "CRA reporting case to assess:",
		"title.case.opened":              "CRA reporting case to assess.",
		"head.case.version_added":        "CRA reporting case: another version affected:",
		"title.case.version_added":       "CRA reporting case: another version affected.",
		"head.case.awareness_confirmed":  "CRA reporting clock started:",
		"title.case.awareness_confirmed": "CRA reporting clock started.",
		"head.case.deadline_reminder":    "CRA reporting deadline approaching:",
		"title.case.deadline_reminder":   "CRA reporting deadline approaching.",
		"head.case.overdue":              "CRA reporting deadline overdue:",
		"title.case.overdue":             "CRA reporting deadline overdue.",
		"head.case.stage_submitted":      "CRA report submitted:",
		"title.case.stage_submitted":     "CRA report submitted.",
		"head.case.closed":               "CRA reporting case closed:",
		"title.case.closed":              "CRA reporting case closed.",
		"head.other":                     "Event %s for",
		"title.other":                    "Event %s.",
		"label.case":                     "Case",
		"label.vulnerability":            "Vulnerability",
		"label.stage":                    "Stage",
		"label.due":                      "Due",
		"label.detail":                   "Detail",
		"label.owner":                    "Owner",
		"label.sbom":                     "SBOM",
		"label.findings":                 "Findings",
		"label.product":                  "Product",
		"label.version":                  "Version",
		"label.event":                    "Event",
		"label.summary":                  "Summary",
		"label.component":                "Component",
		"label.severity":                 "Severity",
		"label.kev":                      "Known exploited",
		"label.epss":                     "EPSS",
		"label.fixed":                    "Fixed versions",
		"label.finding":                  "Finding",
		"label.analysis":                 "Analysis",
		"label.impact":                   "Impact",
		"label.action":                   "Action",
		"label.response":                 "Response",
		"label.scope":                    "Scope",
		"label.decided":                  "Decided",
		"label.review":                   "Needs review",
		"scope.product":                  "product %s",
		"scope.version":                  "version %s",
		"also":                           "%s (also %s)",
		"yes":                            "yes",
		"no":                             "no",
		"kev.since":                      "yes, listed since %s",
		"epss.none":                      "not scored",
		"epss":                           "%s%% (percentile %s)",
		"fixed.none":                     "none known",
		"upload.counts":                  "%d new, %d changed, %d resolved; %d open",
		"analysis.scope":                 "%s scope",
		"analysis.inherited":             "%s scope, inherited from version %s",
		"analysis.decided":               "by %s at %s",
		"event":                          "%s, id %s, at %s",
		"attachment":                     "The event's JSON document is attached (event.json), in the format of rocca's webhooks.",
		"footer":                         "Sent by rocca for the e-mail subscription %s of organisation %s.",
		"detail.due":                     "the %s is due at %s (in %s)",
		"detail.overdue":                 "the %s was due at %s",
		"detail.reopened":                "reopened: matches again",
		"detail.components":              "%s components",
		"detail.exploited":               "known exploited: %s",
		"detail.listed":                  "listed in %s",
		"detail.since":                   "%s since %s",
		"detail.not_exploited":           "no longer listed as known exploited",
		"detail.severity":                "severity %s → %s",
		"detail.fixed":                   "fixed versions [%s] → [%s]",
		"detail.withdrawn":               "every advisory of the vulnerability was withdrawn: %s",
		"detail.no_match":                "no longer matches (%s)",
		"cause.history.cause_sbom":       "the current SBOM",
		"cause.history.cause_kb":         "knowledge base update",
		"detail.aware":                   "aware at %s: %s",
		"detail.aware_changed":           "awareness changed from %s to %s: %s",
		"detail.aware_after":             "aware at %s: %s (after %s in assessment)",
		"detail.submitted_ref":           "%s submitted at %s, SRP reference %s",
		"detail.not_exploitable":         "not exploitable in the product (%s): %s",
		"detail.closed_recorded":         "not exploitable in the product (%s): %s; not_affected decision recorded",
		"detail.submitted":               "%s submitted at %s",
		"detail.already_provided":        "%s: information already provided",
		"detail.needs_review":            "the %s decision (%s) needs review: %s",
		"review.kev":                     "it became known exploited",
		"review.fix":                     "a fix is available (%s)",
		"review.severity":                "its severity rose (%s → %s)",
		"review.date":                    "its review date passed (%s)",
		"stage.early_warning":            "early_warning",
		"stage.notification":             "notification",
		"stage.intermediate":             "intermediate",
		"stage.final_report":             "final_report",
		"stage.assessment":               "assessment",
		"due.early_warning":              "early warning",
		"due.notification":               "72-hour notification",
		"due.intermediate":               "intermediate report",
		"due.final_report":               "final report",
		"due.assessment":                 "assessment (early warning if aware at the proposed time)",
	},
	LocaleItalian: {
		"head.finding.new":               "Nuova vulnerabilità",
		"title.finding.new":              "Nuova vulnerabilità.",
		"head.finding.exploited":         "Vulnerabilità sfruttata attivamente",
		"title.finding.exploited":        "Vulnerabilità sfruttata attivamente.",
		"head.finding.severity_changed":  "Gravità modificata per",
		"title.finding.severity_changed": "Gravità modificata.",
		"head.finding.fix_available":     "Correzione disponibile per",
		"title.finding.fix_available":    "Correzione disponibile.",
		"head.finding.changed":           "Vulnerabilità modificata:",
		"title.finding.changed":          "Vulnerabilità modificata.",
		"head.finding.resolved":          "Risolta:",
		"title.finding.resolved":         "Vulnerabilità risolta.",
		"head.finding.withdrawn":         "Avviso di sicurezza ritirato:",
		"title.finding.withdrawn":        "Avviso di sicurezza ritirato.",
		"head.finding.analysis":          "Analisi registrata per",
		"title.finding.analysis":         "Analisi registrata.",
		"head.finding.analysis_review":   "Analisi da riesaminare per",
		"title.finding.analysis_review":  "Analisi da riesaminare.",
		"head.upload.processed":          "SBOM elaborata per",
		"title.upload.processed":         "SBOM elaborata.",
		"head.upload.failed":             "Caricamento della SBOM non riuscito per",
		"title.upload.failed":            "Caricamento della SBOM non riuscito.",
		"head.case.opened":               "Caso di segnalazione CRA da valutare:",
		"title.case.opened":              "Caso di segnalazione CRA da valutare.",
		"head.case.version_added":        "Caso di segnalazione CRA, un'altra versione interessata:",
		"title.case.version_added":       "Caso di segnalazione CRA: un'altra versione è interessata.",
		"head.case.awareness_confirmed":  "Decorrono i termini di segnalazione CRA:",
		"title.case.awareness_confirmed": "Decorrono i termini di segnalazione CRA.",
		"head.case.deadline_reminder":    "Scadenza di segnalazione CRA in arrivo:",
		"title.case.deadline_reminder":   "Scadenza di segnalazione CRA in arrivo.",
		"head.case.overdue":              "Scadenza di segnalazione CRA superata:",
		"title.case.overdue":             "Scadenza di segnalazione CRA superata.",
		"head.case.stage_submitted":      "Segnalazione CRA inviata:",
		"title.case.stage_submitted":     "Segnalazione CRA inviata.",
		"head.case.closed":               "Caso di segnalazione CRA chiuso:",
		"title.case.closed":              "Caso di segnalazione CRA chiuso.",
		"head.other":                     "Evento %s per",
		"title.other":                    "Evento %s.",
		"label.case":                     "Caso",
		"label.vulnerability":            "Vulnerabilità",
		"label.stage":                    "Fase",
		"label.due":                      "Scadenza",
		"label.detail":                   "Dettaglio",
		"label.owner":                    "Responsabile",
		"label.sbom":                     "SBOM",
		"label.findings":                 "Vulnerabilità rilevate",
		"label.product":                  "Prodotto",
		"label.version":                  "Versione",
		"label.event":                    "Evento",
		"label.summary":                  "Sintesi",
		"label.component":                "Componente",
		"label.severity":                 "Gravità",
		"label.kev":                      "Sfruttata attivamente",
		"label.epss":                     "EPSS",
		"label.fixed":                    "Versioni corrette",
		"label.finding":                  "Rilevazione",
		"label.analysis":                 "Analisi",
		"label.impact":                   "Impatto",
		"label.action":                   "Intervento",
		"label.response":                 "Risposta",
		"label.scope":                    "Ambito",
		"label.decided":                  "Decisione",
		"label.review":                   "Da riesaminare",
		"scope.product":                  "prodotto %s",
		"scope.version":                  "versione %s",
		"also":                           "%s (anche %s)",
		"yes":                            "sì",
		"no":                             "no",
		"kev.since":                      "sì, in elenco dal %s",
		"epss.none":                      "non disponibile",
		"epss":                           "%s%% (percentile %s)",
		"fixed.none":                     "nessuna nota",
		"upload.counts":                  "nuove: %d, modificate: %d, risolte: %d; aperte: %d",
		"analysis.scope":                 "%s",
		"analysis.inherited":             "%s, ereditata dalla versione %s",
		"analysis.decided":               "da %s il %s",
		"event":                          "%s, id %s, il %s",
		"attachment":                     "In allegato il documento JSON dell'evento (event.json), nel formato dei webhook di rocca.",
		"footer":                         "Inviato da rocca per la sottoscrizione e-mail %s dell'organizzazione %s.",
		"detail.due":                     "%s: scadenza %s (tra %s)",
		"detail.overdue":                 "%s: termine scaduto il %s",
		"detail.reopened":                "riaperta: di nuovo riscontrata",
		"detail.components":              "%s componenti",
		"detail.exploited":               "sfruttata attivamente: %s",
		"detail.listed":                  "presente in %s",
		"detail.since":                   "%s dal %s",
		"detail.not_exploited":           "non più elencata tra le vulnerabilità sfruttate attivamente",
		"detail.severity":                "gravità %s → %s",
		"detail.fixed":                   "versioni corrette [%s] → [%s]",
		"detail.withdrawn":               "tutti gli avvisi di sicurezza della vulnerabilità sono stati ritirati: %s",
		"detail.no_match":                "non più riscontrata (%s)",
		"cause.history.cause_sbom":       "la SBOM attuale",
		"cause.history.cause_kb":         "aggiornamento della base di conoscenza",
		"detail.aware":                   "a conoscenza dal %s: %s",
		"detail.aware_changed":           "momento della conoscenza modificato da %s a %s: %s",
		"detail.aware_after":             "a conoscenza dal %s: %s (dopo %s in valutazione)",
		"detail.submitted_ref":           "%s: data di invio %s, riferimento SRP %s",
		"detail.not_exploitable":         "non sfruttabile nel prodotto (%s): %s",
		"detail.closed_recorded":         "non sfruttabile nel prodotto (%s): %s; registrata la decisione not_affected",
		"detail.submitted":               "%s: data di invio %s",
		"detail.already_provided":        "%s: informazioni già fornite",
		"detail.needs_review":            "la decisione (ambito %s, %s) va riesaminata: %s",
		"review.kev":                     "è diventata nota come sfruttata",
		"review.fix":                     "è disponibile una correzione (%s)",
		"review.severity":                "la gravità è aumentata (%s → %s)",
		"review.date":                    "la data di revisione è passata (%s)",
		"stage.early_warning":            "preallarme",
		"stage.notification":             "notifica",
		"stage.intermediate":             "relazione intermedia",
		"stage.final_report":             "relazione finale",
		"stage.assessment":               "valutazione",
		"due.early_warning":              "preallarme",
		"due.notification":               "notifica entro 72 ore",
		"due.intermediate":               "relazione intermedia",
		"due.final_report":               "relazione finale",
		"due.assessment":                 "valutazione (preallarme se la conoscenza decorre dal momento proposto)",
	},
}

// Values of the model's enumerations shown in e-mails, by language; a
// value without an entry is shown as it is.
var enumValues = map[string]map[string]string{
	LocaleEnglish: {},
	LocaleItalian: {
		"rating.critical":            "critica",
		"rating.high":                "alta",
		"rating.medium":              "media",
		"rating.low":                 "bassa",
		"rating.none":                "nessuna",
		"rating.unknown":             "sconosciuta",
		"state.open":                 "aperta",
		"state.resolved":             "risolta",
		"status.affected":            "interessato",
		"status.not_affected":        "non interessato",
		"status.fixed":               "corretto",
		"status.under_investigation": "in analisi",
		"ascope.version":             "versione",
		"ascope.product":             "prodotto",
		"ascope.organisation":        "organizzazione",
		"case.aev":                   "vulnerabilità sfruttata attivamente",
		"case.si":                    "incidente grave",
		"cstate.assessment":          "in valutazione",
		"cstate.aware":               "termini in corso",
		"cstate.reported":            "segnalato",
		"cstate.closed":              "chiuso",
	},
}

// messages writes one language's texts.
type messages struct {
	locale string
	cat    map[string]string
	width  int // of the labels, with the colon and a space
}

func newMessages(locale string) messages {
	m := messages{locale: localeOf(locale)}
	m.cat = catalogues[m.locale]
	for k, v := range m.cat {
		if strings.HasPrefix(k, "label.") {
			m.width = max(m.width, len([]rune(v))+2)
		}
	}
	return m
}

// t is the message key, formatted with args.
func (m messages) t(key string, args ...any) string {
	f, ok := m.cat[key]
	if !ok {
		f = catalogues[LocaleEnglish][key]
	}
	if len(args) == 0 {
		return f
	}
	return fmt.Sprintf(f, args...)
}

// has reports whether key is a message.
func (m messages) has(key string) bool { _, ok := m.cat[key]; return ok }

// enum is an enumeration's value in the language.
func (m messages) enum(kind, v string) string {
	if s, ok := enumValues[m.locale][kind+"."+v]; ok {
		return s
	}
	return v
}

var monthsIT = [...]string{"gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic"}

// stamp formats an instant: RFC 3339 in English (as before), "7 dic 2026,
// 14:05 UTC" in Italian.
func (m messages) stamp(t time.Time) string {
	t = t.UTC()
	if m.locale != LocaleItalian {
		return t.Format(time.RFC3339)
	}
	return fmt.Sprintf("%s, %s UTC", m.date(t), t.Format("15:04"))
}

// date formats a day: 2026-12-07 in English, "7 dic 2026" in Italian.
func (m messages) date(t time.Time) string {
	t = t.UTC()
	if m.locale != LocaleItalian {
		return t.Format(time.DateOnly)
	}
	return fmt.Sprintf("%d %s %d", t.Day(), monthsIT[t.Month()-1], t.Year())
}

// number formats a decimal number with prec digits, with the Italian
// decimal comma.
func (m messages) number(f float64, prec int) string {
	s := strconv.FormatFloat(f, 'f', prec, 64)
	if m.locale == LocaleItalian {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// stampText reformats an RFC 3339 instant written by rocca (s as it is
// when it is not one).
func (m messages) stampText(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil || m.locale == LocaleEnglish {
		return s
	}
	return m.stamp(t)
}

// duration is a time span in the language: "23h48m0s" in English (as
// before), "23 ore e 48 minuti" in Italian.
func (m messages) duration(d time.Duration) string {
	d = d.Round(time.Minute)
	if m.locale != LocaleItalian {
		return d.String()
	}
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	var parts []string
	unit := func(n int, one, many string) {
		switch {
		case n == 1:
			parts = append(parts, "1 "+one)
		case n > 1:
			parts = append(parts, fmt.Sprintf("%d %s", n, many))
		}
	}
	unit(days, "giorno", "giorni")
	unit(hours, "ora", "ore")
	unit(mins, "minuto", "minuti")
	switch len(parts) {
	case 0:
		return "meno di un minuto"
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " e " + parts[len(parts)-1]
}

// Details rocca writes into events are English; in another language the
// known ones are rewritten from their parts, and the rest (text from users
// and advisories, wordings of another version) shown as it is. They are
// read back by the packages that word them: a finding event's detail by
// findings.ParseEventDetail, a case notice's by cases.ParseLogDetail
// (caseDetail); only an upload's is read here.

// reComponents reads an upload's detail: the counts of findings follow,
// which the e-mail shows on a line of its own.
var reComponents = regexp.MustCompile(`^([0-9]+) components(; .*)?$`)

// detail is a finding event's or an upload's detail in the language.
func (m messages) detail(s string) string {
	if m.locale == LocaleEnglish || s == "" {
		return s
	}
	if t, ok := findings.ParseEventDetail(s); ok {
		if d, ok := m.history(t); ok {
			return d
		}
		return s
	}
	if g := reComponents.FindStringSubmatch(s); g != nil {
		return m.t("detail.components", g[1])
	}
	return s
}

// caseLogActions are the case log's actions whose detail a notice of the
// event type carries.
var caseLogActions = map[string]string{
	cases.EventAwareness:     "awareness",
	cases.EventClosed:        "closed",
	cases.EventStageRecorded: "submission",
}

// caseLog words a case notice's detail, as cases.ParseLogDetail read it,
// in the language; false for a sentence e-mails do not translate.
func (m messages) caseLog(t msg.Text) (string, bool) {
	a := t.Args
	str := func(i int) string { return fmt.Sprint(a[i]) }
	stamp := func(i int) string {
		if s, ok := a[i].(msg.Stamp); ok {
			return m.stamp(time.Time(s))
		}
		return str(i)
	}
	stage := func(i int) (string, bool) {
		key := "stage." + str(i)
		return m.t(key), m.has(key)
	}
	switch {
	case t.Code == "caselog.aware" && len(a) == 2:
		return m.t("detail.aware", stamp(0), str(1)), true
	case t.Code == "caselog.aware_after" && len(a) == 3:
		d, ok := a[2].(time.Duration)
		return m.t("detail.aware_after", stamp(0), str(1), m.duration(d)), ok
	case t.Code == "caselog.aware_changed" && len(a) == 3:
		return m.t("detail.aware_changed", stamp(0), stamp(1), str(2)), true
	case t.Code == "caselog.not_exploitable" && len(a) == 2:
		return m.t("detail.not_exploitable", str(0), str(1)), true
	case t.Code == "caselog.not_exploitable_recorded" && len(a) == 2:
		return m.t("detail.closed_recorded", str(0), str(1)), true
	case t.Code == "caselog.submitted" && len(a) == 2:
		st, ok := stage(0)
		return m.t("detail.submitted", st, stamp(1)), ok
	case t.Code == "caselog.submitted_ref" && len(a) == 3:
		st, ok := stage(0)
		return m.t("detail.submitted_ref", st, stamp(1), str(2)), ok
	case t.Code == "caselog.already_provided" && len(a) == 1:
		st, ok := stage(0)
		return m.t("detail.already_provided", st), ok
	}
	return "", false
}

// history words a finding event's detail, as findings.ParseEventDetail
// read it, in the language; false for a sentence e-mails do not
// translate (an analysis, which the e-mail writes out in full).
func (m messages) history(t msg.Text) (string, bool) {
	a := t.Args
	str := func(i int) string { return fmt.Sprint(a[i]) }
	switch {
	case t.Code == "history.reopened":
		return m.t("detail.reopened"), true
	case t.Code == "history.not_exploited":
		return m.t("detail.not_exploited"), true
	case t.Code == "history.severity" && len(a) == 4:
		return m.t("detail.severity", m.sevArg(a[0], a[1]), m.sevArg(a[2], a[3])), true
	case t.Code == "history.fixed" && len(a) == 2:
		return m.t("detail.fixed", str(0), str(1)), true
	case t.Code == "history.withdrawn" && len(a) == 1:
		return m.t("detail.withdrawn", str(0)), true
	case t.Code == "history.exploited" && len(a) == 1:
		l, _ := a[0].(msg.List)
		parts := make([]string, len(l))
		for i, p := range l {
			parts[i] = fmt.Sprint(p)
			if since, ok := p.(msg.Text); ok && since.Code == "history.listed_since" && len(since.Args) == 2 {
				d, _ := since.Args[1].(model.Day)
				parts[i] = m.t("detail.since", fmt.Sprint(since.Args[0]), m.date(time.Time(d)))
			}
		}
		return m.t("detail.exploited", m.t("detail.listed", strings.Join(parts, "; "))), true
	case t.Code == "history.no_match" && len(a) == 1:
		cause, ok := a[0].(msg.Text)
		if !ok || !m.has("cause."+cause.Code) {
			return "", false
		}
		return m.t("detail.no_match", m.t("cause."+cause.Code)), true
	case t.Code == "history.needs_review" && len(a) == 3:
		l, _ := a[2].(msg.List)
		causes := make([]msg.Text, 0, len(l))
		for _, c := range l {
			if c, ok := c.(msg.Text); ok {
				causes = append(causes, c)
			}
		}
		why, ok := m.causes(causes)
		if !ok || len(causes) != len(l) {
			return "", false
		}
		return m.t("detail.needs_review", m.enum("ascope", str(0)), m.enum("status", str(1)), why), true
	}
	return "", false
}

// review is a decision's needs-review reason in the language: its causes
// as model.ParseReviewReason reads them, or the text as it is.
func (m messages) review(s string) string {
	causes, ok := model.ParseReviewReason(s)
	if m.locale == LocaleEnglish || !ok {
		return s
	}
	if why, ok := m.causes(causes); ok {
		return why
	}
	return s
}

// causes words the causes of a needs-review flag in the language, joined
// by "; "; false when one is not known.
func (m messages) causes(causes []msg.Text) (string, bool) {
	parts := make([]string, len(causes))
	for i, c := range causes {
		switch {
		case c.Code == "review.severity" && len(c.Args) == 4:
			parts[i] = m.t("review.severity", m.sevArg(c.Args[0], c.Args[1]), m.sevArg(c.Args[2], c.Args[3]))
		case c.Code == "review.date" && len(c.Args) == 1:
			d, _ := c.Args[0].(model.Day)
			parts[i] = m.t("review.date", m.date(time.Time(d)))
		case c.Code == "review.fix" && len(c.Args) == 1:
			parts[i] = m.t("review.fix", fmt.Sprint(c.Args[0]))
		case c.Code == "review.kev":
			parts[i] = m.t("review.kev")
		default:
			return "", false
		}
	}
	return strings.Join(parts, "; "), true
}

// sevArg is a rating and its score, as sentences carry them ("high 7.5"),
// in the language.
func (m messages) sevArg(r, score any) string {
	rating, _ := r.(model.Rating)
	f, _ := score.(float64)
	return m.enum("rating", string(rating)) + " " + m.number(f, 1)
}

// caseDetail is a case notice's detail: a reminder's is written anew from
// its stage and due time, the others from the sentence cases.ParseLogDetail
// reads (as they are when it reads none).
func (m messages) caseDetail(ev model.OutboxEvent, n cases.Notice) string {
	if m.locale == LocaleEnglish {
		return n.Detail
	}
	if due, err := time.Parse(time.RFC3339, n.Due); err == nil && m.has("due."+n.Stage) {
		switch ev.Type {
		case cases.EventOverdue:
			return m.t("detail.overdue", m.t("due."+n.Stage), m.stamp(due))
		case cases.EventReminder:
			return m.t("detail.due", m.t("due."+n.Stage), m.stamp(due), m.duration(due.Sub(ev.Created)))
		}
	}
	if t, ok := cases.ParseLogDetail(caseLogActions[ev.Type], n.Detail); ok {
		if d, ok := m.caseLog(t); ok {
			return d
		}
	}
	return n.Detail
}

// Footer is the line that ends an e-mail: which subscription sent it.
func Footer(locale, subscription, org string) string {
	return newMessages(locale).t("footer", subscription, org)
}
