package web

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/msg"
)

// TestLocalizedSentences: the sentences' arguments are formatted in the
// locale, nested sentences translated, and a text rocca did not word is
// shown as it is, marked English.
func TestLocalizedSentences(t *testing.T) {
	c, err := LoadCatalogues()
	if err != nil {
		t.Fatal(err)
	}
	it, en := c.For("it"), c.For("en")
	reason := model.JoinReview([]msg.Text{model.ReviewKEV(), model.ReviewFix([]string{"1.2.4", "2.0.1"}),
		model.ReviewSeverity(model.Severity{Rating: model.RatingHigh, Score: 7.5}, model.Severity{Rating: model.RatingCritical, Score: 9.8})})
	tests := []struct {
		name string
		got  said
		want said
	}{
		{"review reason", it.Review(reason),
			said{Text: "è diventata nota come sfruttata; è disponibile una correzione (1.2.4, 2.0.1); la gravità è aumentata (Alta 7,5 → Critica 9,8)"}},
		{"review reason, English", en.Review(reason),
			said{Text: "it became known exploited; a fix is available (1.2.4, 2.0.1); its severity rose (High 7.5 → Critical 9.8)"}},
		{"review reason of another wording", it.Review("checked by hand"), said{Text: "checked by hand", English: true}},
		{"numbers and stamps", it.Said(msg.New("cases.submitted_future", "submittedAt: %s is in the future", msg.Stamp(time.Date(2027, 1, 2, 3, 4, 0, 0, time.UTC)))),
			said{Text: "Il momento dell'invio, 2 gen 2027, 03:04 UTC, è nel futuro."}},
		{"thousands", it.Said(msg.New("cases.title_long", "title: %d characters, the SRP accepts at most 255", 1300)),
			said{Text: "Il titolo ha 1.300 caratteri; la SRP ne accetta al massimo 255."}},
		{"fewer verbs than arguments", it.Said(msg.New("cases.rep_name_required", "representatives[%d].name: required", 3)),
			said{Text: "Il nome del rappresentante è obbligatorio."}},
		{"nested", it.Said(msg.New("vexchange.in_no_version", "in no version of %s; %s", "HMI",
			msg.New("vexchange.in_version", "version %s: %s", "4.2", msg.New("vex.no_product", "the statement names no product")))),
			said{Text: "in nessuna versione di HMI; versione 4.2: La dichiarazione non indica alcun prodotto."}},
		{"without code", it.Said(msg.Text{English: "as written"}), said{Text: "as written", English: true}},
		{"refusal with code", it.Detail(refused(http.StatusBadRequest, "cases.refused", msg.Errorf("cases.closed", "the case is closed"))),
			said{Text: "Il caso è chiuso."}},
		{"refusal without code", it.Detail(refused(http.StatusBadRequest, "cases.refused", errors.New("line 3: unexpected EOF"))),
			said{Text: "line 3: unexpected EOF", English: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %+v, want %+v", tt.got, tt.want)
			}
		})
	}
}

// TestSentenceTextsFormat: every sentence's text in every language
// formats without a fmt error, whatever the number of arguments it
// leaves out.
func TestSentenceTextsFormat(t *testing.T) {
	c, err := LoadCatalogues()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range Languages {
		l := c.For(lang)
		for _, k := range c.Keys(lang) {
			code, ok := strings.CutPrefix(k, "msg.")
			if !ok {
				continue
			}
			got := l.Msg(msg.Text{Code: code, Args: []any{"a", "b", "c", "d", "e", "f"}})
			if strings.Contains(got, "%!") || strings.Contains(got, "%[") {
				t.Errorf("%s %s: %q", lang, k, got)
			}
		}
	}
}
