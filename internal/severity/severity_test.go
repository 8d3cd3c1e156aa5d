package severity

import (
	"testing"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/osv"
)

func TestFromVector(t *testing.T) {
	tests := []struct {
		typ, vector string
		score       float64
		rating      model.Rating
		wantErr     bool
	}{
		{"CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0, model.RatingCritical, false},
		{"CVSS_V3", "CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:L/A:N", 5.4, model.RatingMedium, false},
		{"CVSS_V3", "CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N", 0, model.RatingNone, false},
		{"CVSS_V4", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3, model.RatingCritical, false},
		{"CVSS_V2", "AV:N/AC:L/Au:N/C:P/I:P/A:P", 7.5, model.RatingHigh, false},
		{"CVSS_V3", "CVSS:3.1/AV:X", 0, "", true},
		{"CVSS_V4", "not a vector", 0, "", true},
		{"Ubuntu", "high", 0, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.vector, func(t *testing.T) {
			got, err := FromVector(tt.typ, tt.vector)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			if got.Score != tt.score || got.Rating != tt.rating {
				t.Errorf("got %v %v, want %v %v", got.Score, got.Rating, tt.score, tt.rating)
			}
		})
	}
}

func TestFromRecord(t *testing.T) {
	v31 := osv.Severity{Type: "CVSS_V3", Score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"} // 7.5
	v40 := osv.Severity{Type: "CVSS_V4", Score: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N"}
	tests := []struct {
		name       string
		rec        osv.Record
		rating     model.Rating
		source     string
		nProblems  int
		wantVector bool
	}{
		{"v3 top level", osv.Record{ID: "A", Severity: []osv.Severity{v31}}, model.RatingHigh, "CVSS_V3 vector in A", 0, true},
		{"v4 preferred over v3", osv.Record{ID: "B", Severity: []osv.Severity{v31, v40}}, model.RatingMedium, "CVSS_V4 vector in B", 0, true},
		{"affected-level vector", osv.Record{ID: "C", Affected: []osv.Affected{{Severity: []osv.Severity{v31}}}}, model.RatingHigh, "CVSS_V3 vector in C", 0, true},
		{"GHSA word", osv.Record{ID: "D", DatabaseSpecific: []byte(`{"severity":"MODERATE"}`)}, model.RatingMedium, "database_specific.severity in D", 0, false},
		{"ecosystem word", osv.Record{ID: "E", Affected: []osv.Affected{{EcosystemSpecific: []byte(`{"severity":"Critical"}`)}}}, model.RatingCritical, "affected.ecosystem_specific.severity in E", 0, false},
		{"bad vector falls back", osv.Record{ID: "F", Severity: []osv.Severity{{Type: "CVSS_V3", Score: "CVSS:3.1/garbage"}}, DatabaseSpecific: []byte(`{"severity":"LOW"}`)}, model.RatingLow, "database_specific.severity in F", 1, false},
		{"nothing", osv.Record{ID: "G", DatabaseSpecific: []byte(`{"severity":"Unknown"}`)}, model.RatingUnknown, "no severity in G", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problems := FromRecord(&tt.rec)
			if got.Rating != tt.rating || got.Source != tt.source || len(problems) != tt.nProblems || (got.Vector != "") != tt.wantVector {
				t.Errorf("got %+v problems %v; want %v from %q with %d problems", got, problems, tt.rating, tt.source, tt.nProblems)
			}
		})
	}
}

func TestWorst(t *testing.T) {
	word := model.Severity{Rating: model.RatingCritical}
	vec := model.Severity{Rating: model.RatingMedium, Score: 5, Vector: "x"}
	vecHigh := model.Severity{Rating: model.RatingHigh, Score: 7.1, Vector: "y"}
	if got := Worst(word, vec); got != vec {
		t.Errorf("vector should beat word, got %+v", got)
	}
	if got := Worst(vec, vecHigh); got != vecHigh {
		t.Errorf("higher rating should win, got %+v", got)
	}
}
