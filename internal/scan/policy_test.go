package scan

import (
	"testing"

	"github.com/rocca-project/rocca/internal/model"
)

func TestParsePolicy(t *testing.T) {
	tests := []struct {
		in      []string
		want    Policy
		wantErr bool
	}{
		{nil, Policy{}, false},
		{[]string{"high"}, Policy{MinRating: model.RatingHigh}, false},
		{[]string{"kev"}, Policy{KEV: true}, false},
		{[]string{"critical,kev"}, Policy{MinRating: model.RatingCritical, KEV: true}, false},
		{[]string{"critical", "MEDIUM"}, Policy{MinRating: model.RatingMedium}, false},
		{[]string{"severe"}, Policy{}, true},
	}
	for _, tt := range tests {
		got, err := ParsePolicy(tt.in)
		if (err != nil) != tt.wantErr || (!tt.wantErr && got != tt.want) {
			t.Errorf("ParsePolicy(%q) = %+v, %v; want %+v, err %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestViolations(t *testing.T) {
	f := func(r model.Rating, kev bool, st model.Status) model.Finding {
		v := model.Vulnerability{ID: string(r), Severity: model.Severity{Rating: r}}
		if kev {
			v.KEV = &model.KEV{CVE: "CVE-1"}
		}
		return model.Finding{Vulnerability: v, Status: st}
	}
	fs := []model.Finding{
		f(model.RatingLow, true, model.StatusAffected),
		f(model.RatingHigh, false, model.StatusAffected),
		f(model.RatingCritical, true, model.StatusNotAffected),
		f(model.RatingCritical, false, model.StatusFixed),
		f(model.RatingUnknown, false, model.StatusUnderInvestigation),
	}
	tests := []struct {
		p    Policy
		want int
	}{
		{Policy{}, 0},
		{Policy{MinRating: model.RatingHigh}, 1},
		{Policy{KEV: true}, 1},
		{Policy{MinRating: model.RatingLow, KEV: true}, 2},
		{Policy{MinRating: model.RatingCritical}, 0},
	}
	for _, tt := range tests {
		if got := len(tt.p.Violations(fs)); got != tt.want {
			t.Errorf("%+v: %d violations, want %d", tt.p, got, tt.want)
		}
	}
}
