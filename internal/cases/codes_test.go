package cases_test

import (
	"testing"

	"github.com/rocca-project/rocca/internal/cases"
	"github.com/rocca-project/rocca/internal/model"
)

// TestRouteReasonCodes: the routing reason is derived from the answers,
// with the code of the rule that chose the CSIRT; Route's English text is
// the sentence's.
func TestRouteReasonCodes(t *testing.T) {
	tests := []struct {
		main    string
		r       model.Routing
		state   string
		code    string
		english string
	}{
		{"IT", model.Routing{Importer: "DE"}, "IT", "route.main", "main establishment in the EU is in IT (Art. 14(7), first subparagraph)"},
		{"", model.Routing{Importer: "DE", MostUsers: "FR"}, "DE", "route.importer",
			"no main establishment or authorised representative in the EU; the importer placing most products is in DE"},
		{"", model.Routing{MostUsers: "FR"}, "FR", "route.most_users", "none of the above; most users are in FR"},
		{"", model.Routing{}, "", "route.none", "no routing answer given: set the main establishment (or the routing questions)"},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			state, why := cases.RouteReason(tt.main, tt.r)
			s2, english := cases.Route(tt.main, tt.r)
			if state != tt.state || s2 != tt.state || why.Code != tt.code || why.English != tt.english || english != tt.english {
				t.Errorf("RouteReason = %s %+v, Route = %s %q", state, why, s2, english)
			}
		})
	}
	if n := cases.CSIRTNameText("DE"); n.Code != "csirt.designated" || n.English != cases.CSIRTName("DE") ||
		n.English != "the CSIRT designated as coordinator of DE" {
		t.Errorf("CSIRTNameText(DE) = %+v", n)
	}
}
