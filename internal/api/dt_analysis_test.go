package api

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/model"
)

func TestFromDTAnalysis(t *testing.T) {
	for _, c := range []struct {
		name      string
		in        dtAnalysisFields
		given     bool // isSuppressed was sent
		want      dtDecision
		wantError string // a part of the refusal
	}{
		{name: "in triage", in: dtAnalysisFields{State: "IN_TRIAGE", Details: " looking "},
			want: dtDecision{Status: model.StatusUnderInvestigation, Detail: "looking"}},
		{name: "not affected, code not present", in: dtAnalysisFields{State: "NOT_AFFECTED", Justification: "CODE_NOT_PRESENT", Details: "stripped at build"},
			want: dtDecision{Status: model.StatusNotAffected, Justification: "vulnerable_code_not_present", Detail: "stripped at build"}},
		{name: "not affected, not reachable", in: dtAnalysisFields{State: "NOT_AFFECTED", Justification: "CODE_NOT_REACHABLE"},
			want: dtDecision{Status: model.StatusNotAffected, Justification: "vulnerable_code_not_in_execute_path"}},
		{name: "not affected, requires configuration", in: dtAnalysisFields{State: "NOT_AFFECTED", Justification: "REQUIRES_CONFIGURATION"},
			want: dtDecision{Status: model.StatusNotAffected, Justification: "vulnerable_code_cannot_be_controlled_by_adversary"}},
		{name: "not affected, requires dependency", in: dtAnalysisFields{State: "NOT_AFFECTED", Justification: "REQUIRES_DEPENDENCY"},
			want: dtDecision{Status: model.StatusNotAffected, Justification: "vulnerable_code_cannot_be_controlled_by_adversary"}},
		{name: "not affected, requires environment", in: dtAnalysisFields{State: "NOT_AFFECTED", Justification: "REQUIRES_ENVIRONMENT"},
			want: dtDecision{Status: model.StatusNotAffected, Justification: "vulnerable_code_cannot_be_controlled_by_adversary"}},
		{name: "not affected, protected by compiler", in: dtAnalysisFields{State: "NOT_AFFECTED", Justification: "PROTECTED_BY_COMPILER"},
			want: dtDecision{Status: model.StatusNotAffected, Justification: "inline_mitigations_already_exist"}},
		{name: "not affected, protected at runtime", in: dtAnalysisFields{State: "NOT_AFFECTED", Justification: "PROTECTED_AT_RUNTIME"},
			want: dtDecision{Status: model.StatusNotAffected, Justification: "inline_mitigations_already_exist"}},
		{name: "not affected, protected at perimeter", in: dtAnalysisFields{State: "NOT_AFFECTED", Justification: "PROTECTED_AT_PERIMETER"},
			want: dtDecision{Status: model.StatusNotAffected, Justification: "inline_mitigations_already_exist"}},
		{name: "not affected, mitigating control, suppressed", in: dtAnalysisFields{State: "NOT_AFFECTED", Justification: "PROTECTED_BY_MITIGATING_CONTROL", Suppressed: true}, given: true,
			want: dtDecision{Status: model.StatusNotAffected, Justification: "inline_mitigations_already_exist"}},
		{name: "not affected without justification: the details are the impact statement", in: dtAnalysisFields{State: "NOT_AFFECTED", Details: "only the CLI uses it"},
			want: dtDecision{Status: model.StatusNotAffected, Impact: "only the CLI uses it", Detail: "only the CLI uses it"}},
		{name: "false positive", in: dtAnalysisFields{State: "FALSE_POSITIVE"},
			want: dtDecision{Status: model.StatusNotAffected, Impact: dtFalsePositive}},
		{name: "false positive with details and justification", in: dtAnalysisFields{State: "FALSE_POSITIVE", Justification: "CODE_NOT_PRESENT", Details: "wrong CPE"},
			want: dtDecision{Status: model.StatusNotAffected, Justification: "vulnerable_code_not_present", Detail: "wrong CPE"}},
		{name: "exploitable, update: the action is worded from the response", in: dtAnalysisFields{State: "EXPLOITABLE", Response: "UPDATE"},
			want: dtDecision{Status: model.StatusAffected, Response: []string{"update"}, Action: dtActions["update"]}},
		{name: "exploitable with details", in: dtAnalysisFields{State: "EXPLOITABLE", Response: "WORKAROUND_AVAILABLE", Details: "disable JNDI lookups"},
			want: dtDecision{Status: model.StatusAffected, Response: []string{"workaround_available"}, Action: "disable JNDI lookups", Detail: "disable JNDI lookups"}},
		{name: "exploitable, can not fix", in: dtAnalysisFields{State: "EXPLOITABLE", Response: "CAN_NOT_FIX"},
			want: dtDecision{Status: model.StatusAffected, Response: []string{"can_not_fix"}, Action: dtActions["can_not_fix"]}},
		{name: "exploitable, will not fix, not suppressed", in: dtAnalysisFields{State: "EXPLOITABLE", Response: "WILL_NOT_FIX"}, given: true,
			want: dtDecision{Status: model.StatusAffected, Response: []string{"will_not_fix"}, Action: dtActions["will_not_fix"]}},
		{name: "exploitable, rollback", in: dtAnalysisFields{State: "EXPLOITABLE", Response: "ROLLBACK"},
			want: dtDecision{Status: model.StatusAffected, Response: []string{"rollback"}, Action: dtActions["rollback"]}},
		{name: "resolved, suppressed", in: dtAnalysisFields{State: "RESOLVED", Response: "UPDATE", Suppressed: true}, given: true,
			want: dtDecision{Status: model.StatusFixed, Response: []string{"update"}}},
		{name: "a justification only counts for not affected", in: dtAnalysisFields{State: "IN_TRIAGE", Justification: "CODE_NOT_PRESENT"},
			want: dtDecision{Status: model.StatusUnderInvestigation}},

		{name: "exploitable, nothing said", in: dtAnalysisFields{State: "EXPLOITABLE"}, wantError: "analysisDetails"},
		{name: "not affected, nothing said", in: dtAnalysisFields{State: "NOT_AFFECTED", Details: "  "}, wantError: "analysisJustification"},
		{name: "no state", in: dtAnalysisFields{Details: "a comment"}, wantError: "NOT_SET"},
		{name: "NOT_SET", in: dtAnalysisFields{State: "NOT_SET"}, wantError: "withdraw"},
		{name: "unknown state", in: dtAnalysisFields{State: "not_affected"}, wantError: "analysisState"},
		{name: "unknown justification", in: dtAnalysisFields{State: "NOT_AFFECTED", Justification: "component_not_present"}, wantError: "analysisJustification"},
		{name: "unknown response", in: dtAnalysisFields{State: "EXPLOITABLE", Response: "PATCH"}, wantError: "analysisResponse"},
		{name: "suppressed while exploitable", in: dtAnalysisFields{State: "EXPLOITABLE", Suppressed: true}, given: true, wantError: "isSuppressed"},
		{name: "suppressed while in triage", in: dtAnalysisFields{State: "IN_TRIAGE", Suppressed: true}, given: true, wantError: "isSuppressed"},
	} {
		got, err := fromDTAnalysis(c.in, c.given)
		if c.wantError != "" {
			var ie *dtInputError
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), c.wantError) {
				t.Errorf("%s: %+v, %v; want an error about %s", c.name, got, err, c.wantError)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s:\n got %+v, %v\nwant %+v", c.name, got, err, c.want)
		}
	}
}

func TestToDTAnalysis(t *testing.T) {
	for _, c := range []struct {
		name string
		in   dtDecision
		want dtAnalysisFields
	}{
		{"no decision", dtDecision{}, dtAnalysisFields{State: "NOT_SET", Justification: "NOT_SET", Response: "NOT_SET"}},
		{"under investigation", dtDecision{Status: model.StatusUnderInvestigation, Detail: "d"},
			dtAnalysisFields{State: "IN_TRIAGE", Justification: "NOT_SET", Response: "NOT_SET", Details: "d"}},
		{"affected with action and responses", dtDecision{Status: model.StatusAffected, Action: "update to 2.17.1", Response: []string{"update", "workaround_available"}},
			dtAnalysisFields{State: "EXPLOITABLE", Justification: "NOT_SET", Response: "UPDATE", Details: "update to 2.17.1"}},
		{"affected, unknown response skipped", dtDecision{Status: model.StatusAffected, Response: []string{"pray", "will_not_fix"}},
			dtAnalysisFields{State: "EXPLOITABLE", Justification: "NOT_SET", Response: "WILL_NOT_FIX"}},
		{"not affected, component not present", dtDecision{Status: model.StatusNotAffected, Justification: "component_not_present"},
			dtAnalysisFields{State: "NOT_AFFECTED", Justification: "CODE_NOT_PRESENT", Response: "NOT_SET", Suppressed: true}},
		{"not affected, code not present", dtDecision{Status: model.StatusNotAffected, Justification: "vulnerable_code_not_present", Detail: "d"},
			dtAnalysisFields{State: "NOT_AFFECTED", Justification: "CODE_NOT_PRESENT", Response: "NOT_SET", Details: "d", Suppressed: true}},
		{"not affected, not in execute path", dtDecision{Status: model.StatusNotAffected, Justification: "vulnerable_code_not_in_execute_path"},
			dtAnalysisFields{State: "NOT_AFFECTED", Justification: "CODE_NOT_REACHABLE", Response: "NOT_SET", Suppressed: true}},
		{"not affected, not controllable", dtDecision{Status: model.StatusNotAffected, Justification: "vulnerable_code_cannot_be_controlled_by_adversary"},
			dtAnalysisFields{State: "NOT_AFFECTED", Justification: "REQUIRES_ENVIRONMENT", Response: "NOT_SET", Suppressed: true}},
		{"not affected, mitigations", dtDecision{Status: model.StatusNotAffected, Justification: "inline_mitigations_already_exist"},
			dtAnalysisFields{State: "NOT_AFFECTED", Justification: "PROTECTED_BY_MITIGATING_CONTROL", Response: "NOT_SET", Suppressed: true}},
		{"not affected by impact statement", dtDecision{Status: model.StatusNotAffected, Impact: "the CLI only"},
			dtAnalysisFields{State: "NOT_AFFECTED", Justification: "NOT_SET", Response: "NOT_SET", Details: "the CLI only", Suppressed: true}},
		{"fixed", dtDecision{Status: model.StatusFixed, Response: []string{"update"}},
			dtAnalysisFields{State: "RESOLVED", Justification: "NOT_SET", Response: "UPDATE", Suppressed: true}},
	} {
		if got := toDTAnalysis(c.in); got != c.want {
			t.Errorf("%s:\n got %+v\nwant %+v", c.name, got, c.want)
		}
	}
}

// TestDTAnalysisRoundTrip: every analysis a Dependency-Track client can
// record comes back as itself, except where Dependency-Track is finer
// than CISA (the lossy table of docs/dependency-track.md).
func TestDTAnalysisRoundTrip(t *testing.T) {
	lossy := map[string]string{
		"FALSE_POSITIVE":         "NOT_AFFECTED",
		"REQUIRES_CONFIGURATION": "REQUIRES_ENVIRONMENT",
		"REQUIRES_DEPENDENCY":    "REQUIRES_ENVIRONMENT",
		"PROTECTED_BY_COMPILER":  "PROTECTED_BY_MITIGATING_CONTROL",
		"PROTECTED_AT_RUNTIME":   "PROTECTED_BY_MITIGATING_CONTROL",
		"PROTECTED_AT_PERIMETER": "PROTECTED_BY_MITIGATING_CONTROL",
	}
	back := func(s string) string {
		if l, ok := lossy[s]; ok {
			return l
		}
		return s
	}
	n := 0
	for _, state := range dtStates[1:] {
		for _, just := range dtJustifications {
			for _, resp := range dtResponses {
				in := dtAnalysisFields{State: state, Justification: just, Response: resp, Details: "why"}
				d, err := fromDTAnalysis(in, false)
				if err != nil {
					t.Fatalf("%+v: %v", in, err)
				}
				got := toDTAnalysis(d)
				want := dtAnalysisFields{State: back(state), Justification: "NOT_SET", Response: resp, Details: "why",
					Suppressed: slices.Contains([]string{"NOT_AFFECTED", "FALSE_POSITIVE", "RESOLVED"}, state)}
				if want.State == "NOT_AFFECTED" {
					want.Justification = back(just)
				}
				if got != want {
					t.Errorf("%+v:\n back as %+v\n    want %+v", in, got, want)
				}
				n++
			}
		}
	}
	if n != 5*10*6 {
		t.Errorf("%d combinations", n)
	}
}

// TestDTAnalysisRoundTripFromRocca: every CISA status and justification
// read by a Dependency-Track client and sent back unchanged is the same
// decision, except component_not_present (Dependency-Track has only
// CODE_NOT_PRESENT for both "not present" justifications).
func TestDTAnalysisRoundTripFromRocca(t *testing.T) {
	for _, d := range []dtDecision{
		{Status: model.StatusUnderInvestigation, Detail: "d"},
		{Status: model.StatusAffected, Action: "update", Detail: "update", Response: []string{"update"}},
		{Status: model.StatusFixed, Detail: "d", Response: []string{"rollback"}},
		{Status: model.StatusNotAffected, Impact: "the CLI only", Detail: "the CLI only"},
		{Status: model.StatusNotAffected, Justification: "component_not_present", Detail: "d"},
		{Status: model.StatusNotAffected, Justification: "vulnerable_code_not_present", Detail: "d"},
		{Status: model.StatusNotAffected, Justification: "vulnerable_code_not_in_execute_path", Detail: "d"},
		{Status: model.StatusNotAffected, Justification: "vulnerable_code_cannot_be_controlled_by_adversary", Detail: "d"},
		{Status: model.StatusNotAffected, Justification: "inline_mitigations_already_exist", Detail: "d"},
	} {
		got, err := fromDTAnalysis(toDTAnalysis(d), true)
		want := d
		if want.Justification == "component_not_present" {
			want.Justification = "vulnerable_code_not_present"
		}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%+v: back as %+v, %v", d, got, err)
		}
	}
}
