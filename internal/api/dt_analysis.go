package api

import (
	"slices"
	"strings"

	"github.com/rocca-project/rocca/internal/model"
)

// The mapping between Dependency-Track's analysis (state, justification,
// response, details, suppression) and rocca's triage decision (CISA's
// status and justification, impact and action statements, CycloneDX's
// responses, detail). The table is in docs/dependency-track.md; where
// Dependency-Track is finer than CISA (nine justifications for five,
// FALSE_POSITIVE beside NOT_AFFECTED), the way back gives the closest
// value, not the one sent.

// Dependency-Track's analysis vocabulary.
var (
	dtStates = []string{"NOT_SET", "EXPLOITABLE", "IN_TRIAGE", "FALSE_POSITIVE", "NOT_AFFECTED", "RESOLVED"}
	// dtJustifications are CycloneDX's justifications, in capitals.
	dtJustifications = []string{"NOT_SET", "CODE_NOT_PRESENT", "CODE_NOT_REACHABLE", "REQUIRES_CONFIGURATION",
		"REQUIRES_DEPENDENCY", "REQUIRES_ENVIRONMENT", "PROTECTED_BY_COMPILER", "PROTECTED_AT_RUNTIME",
		"PROTECTED_AT_PERIMETER", "PROTECTED_BY_MITIGATING_CONTROL"}
	// dtResponses are CycloneDX's responses, in capitals.
	dtResponses = []string{"NOT_SET", "CAN_NOT_FIX", "WILL_NOT_FIX", "UPDATE", "ROLLBACK", "WORKAROUND_AVAILABLE"}
)

// dtDecision is a triage decision in rocca's vocabulary, with the fields
// of rocca's analysis. Status "" is no decision.
type dtDecision struct {
	Status        model.Status
	Justification string
	Impact        string
	Action        string
	Response      []string
	Detail        string
}

// dtAnalysisFields is a decision in Dependency-Track's vocabulary: the
// fields of its analysis (and of an analysis request).
type dtAnalysisFields struct {
	State         string `json:"analysisState"`
	Justification string `json:"analysisJustification"`
	Response      string `json:"analysisResponse"`
	Details       string `json:"analysisDetails,omitempty"`
	Suppressed    bool   `json:"isSuppressed"`
}

// dtInputError is a Dependency-Track analysis rocca cannot record; its
// message names the field.
type dtInputError struct{ msg string }

func (e *dtInputError) Error() string { return e.msg }

// dtToStatus maps a state to a status; "" for NOT_SET.
var dtToStatus = map[string]model.Status{
	"NOT_SET":        "",
	"IN_TRIAGE":      model.StatusUnderInvestigation,
	"EXPLOITABLE":    model.StatusAffected,
	"NOT_AFFECTED":   model.StatusNotAffected,
	"FALSE_POSITIVE": model.StatusNotAffected,
	"RESOLVED":       model.StatusFixed,
}

// dtToJustification maps a justification to CISA's; "" for NOT_SET.
var dtToJustification = map[string]string{
	"NOT_SET":                         "",
	"CODE_NOT_PRESENT":                "vulnerable_code_not_present",
	"CODE_NOT_REACHABLE":              "vulnerable_code_not_in_execute_path",
	"REQUIRES_CONFIGURATION":          "vulnerable_code_cannot_be_controlled_by_adversary",
	"REQUIRES_DEPENDENCY":             "vulnerable_code_cannot_be_controlled_by_adversary",
	"REQUIRES_ENVIRONMENT":            "vulnerable_code_cannot_be_controlled_by_adversary",
	"PROTECTED_BY_COMPILER":           "inline_mitigations_already_exist",
	"PROTECTED_AT_RUNTIME":            "inline_mitigations_already_exist",
	"PROTECTED_AT_PERIMETER":          "inline_mitigations_already_exist",
	"PROTECTED_BY_MITIGATING_CONTROL": "inline_mitigations_already_exist",
}

// dtFromJustification maps a CISA justification to Dependency-Track's
// closest.
var dtFromJustification = map[string]string{
	"component_not_present":                             "CODE_NOT_PRESENT",
	"vulnerable_code_not_present":                       "CODE_NOT_PRESENT",
	"vulnerable_code_not_in_execute_path":               "CODE_NOT_REACHABLE",
	"vulnerable_code_cannot_be_controlled_by_adversary": "REQUIRES_ENVIRONMENT",
	"inline_mitigations_already_exist":                  "PROTECTED_BY_MITIGATING_CONTROL",
}

// dtActions words the action statement of an EXPLOITABLE analysis sent
// without details, from its response (CISA asks one of every affected
// statement).
var dtActions = map[string]string{
	"can_not_fix":          "No fix can be made for this vulnerability.",
	"will_not_fix":         "No fix is planned for this vulnerability.",
	"update":               "Update the component to a version that fixes the vulnerability.",
	"rollback":             "Roll the component back to a version without the vulnerability.",
	"workaround_available": "Apply the available workaround.",
}

// dtFalsePositive is the impact statement of a FALSE_POSITIVE analysis
// sent without details.
const dtFalsePositive = "False positive: the vulnerability does not apply to this component (recorded as FALSE_POSITIVE in a Dependency-Track client)."

// fromDTAnalysis maps a Dependency-Track analysis to a decision. The
// details become the decision's detail and, where CISA asks for a
// statement, the impact statement (not_affected without a justification)
// or the action statement (affected). Suppression is rocca's settled
// status: isSuppressed true needs a state that settles the finding
// (NOT_AFFECTED, FALSE_POSITIVE, RESOLVED). NOT_SET is refused: rocca
// keeps every decision and withdraws none.
func fromDTAnalysis(in dtAnalysisFields, suppressedGiven bool) (dtDecision, error) {
	state := orNotSet(in.State)
	status, ok := dtToStatus[state]
	if !ok {
		return dtDecision{}, &dtInputError{"analysisState: want one of " + strings.Join(dtStates, ", ")}
	}
	if status == "" {
		return dtDecision{}, &dtInputError{"analysisState: NOT_SET would withdraw the decision, and rocca keeps every decision; record IN_TRIAGE (under investigation) instead"}
	}
	just, ok := dtToJustification[orNotSet(in.Justification)]
	if !ok {
		return dtDecision{}, &dtInputError{"analysisJustification: want one of " + strings.Join(dtJustifications, ", ")}
	}
	resp := orNotSet(in.Response)
	if !slices.Contains(dtResponses, resp) {
		return dtDecision{}, &dtInputError{"analysisResponse: want one of " + strings.Join(dtResponses, ", ")}
	}
	if suppressedGiven && in.Suppressed && !model.SettledStatus(status) {
		return dtDecision{}, &dtInputError{"isSuppressed: rocca suppresses a finding by its analysis; true needs analysisState NOT_AFFECTED, FALSE_POSITIVE or RESOLVED"}
	}
	d := dtDecision{Status: status, Detail: strings.TrimSpace(in.Details)}
	if resp != "NOT_SET" {
		d.Response = []string{strings.ToLower(resp)}
	}
	switch status {
	case model.StatusNotAffected:
		d.Justification = just
		if just == "" {
			d.Impact = d.Detail
			if state == "FALSE_POSITIVE" && d.Impact == "" {
				d.Impact = dtFalsePositive
			}
			if d.Impact == "" {
				return dtDecision{}, &dtInputError{"analysisJustification: required for NOT_AFFECTED (CISA: a justification or an impact statement); or say why in analysisDetails, recorded as the impact statement"}
			}
		}
	case model.StatusAffected:
		d.Action = d.Detail
		if d.Action == "" && len(d.Response) > 0 {
			d.Action = dtActions[d.Response[0]]
		}
		if d.Action == "" {
			return dtDecision{}, &dtInputError{"analysisDetails: required for EXPLOITABLE, unless analysisResponse says what is done (CISA: an action statement for users of an affected product)"}
		}
	}
	return d, nil
}

func orNotSet(s string) string {
	if s = strings.TrimSpace(s); s == "" {
		return "NOT_SET"
	}
	return s
}

// toDTAnalysis maps a decision to Dependency-Track's analysis: the state
// and the closest justification, the first response, the detail (else
// the impact or action statement) as details; suppressed when the
// decision settles the finding (not_affected or fixed).
func toDTAnalysis(d dtDecision) dtAnalysisFields {
	out := dtAnalysisFields{State: "NOT_SET", Justification: "NOT_SET", Response: "NOT_SET"}
	switch d.Status {
	case model.StatusUnderInvestigation:
		out.State = "IN_TRIAGE"
	case model.StatusAffected:
		out.State = "EXPLOITABLE"
	case model.StatusNotAffected:
		out.State = "NOT_AFFECTED"
	case model.StatusFixed:
		out.State = "RESOLVED"
	default:
		return out
	}
	if j, ok := dtFromJustification[d.Justification]; ok && d.Status == model.StatusNotAffected {
		out.Justification = j
	}
	for _, r := range d.Response {
		if up := strings.ToUpper(r); slices.Contains(dtResponses, up) {
			out.Response = up
			break
		}
	}
	out.Details = d.Detail
	if out.Details == "" {
		out.Details = strings.TrimSpace(d.Impact + "\n" + d.Action)
	}
	out.Suppressed = model.SettledStatus(d.Status)
	return out
}
