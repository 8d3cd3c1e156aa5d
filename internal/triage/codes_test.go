package triage_test

import (
	"testing"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/msg"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/triage"
)

// TestCheckCodes: a refused statement is an input error whose sentence
// has a code naming the rule and the English message the API shows.
func TestCheckCodes(t *testing.T) {
	tests := []struct {
		name    string
		st      triage.Statement
		code    string
		english string
	}{
		{"no status", triage.Statement{}, "triage.status_required", "status: required (under_investigation, affected, not_affected or fixed)"},
		{"affected without action", triage.Statement{Status: model.StatusAffected}, "triage.action_required",
			"action: required for affected (an action statement: what users should do)"},
		{"response twice", triage.Statement{Status: model.StatusFixed, Response: []string{"update", "update"}}, "triage.response_twice",
			`response: "update" listed twice`},
		{"control character", triage.Statement{Status: model.StatusFixed, Detail: "a\x01"}, "triage.text_control",
			"detail: control character U+0001 at byte 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.st.Check("")
			m, ok := msg.Of(err)
			if !portfolio.IsInput(err) || !ok || m.Code != tt.code || err.Error() != tt.english {
				t.Errorf("Check = %v (input %v, sentence %+v), want %s %q", err, portfolio.IsInput(err), m, tt.code, tt.english)
			}
		})
	}
}
