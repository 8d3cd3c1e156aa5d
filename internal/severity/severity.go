package severity

import (
	"encoding/json"
	"fmt"
	"strings"

	cvss20 "github.com/pandatix/go-cvss/20"
	cvss30 "github.com/pandatix/go-cvss/30"
	cvss31 "github.com/pandatix/go-cvss/31"
	cvss40 "github.com/pandatix/go-cvss/40"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/osv"
)

// FromVector computes score and rating of a CVSS vector of the given OSV
// severity type (CVSS_V2, CVSS_V3, CVSS_V4).
func FromVector(typ, vector string) (model.Severity, error) {
	var score float64
	switch typ {
	case "CVSS_V4":
		v, err := cvss40.ParseVector(vector)
		if err != nil {
			return model.Severity{}, fmt.Errorf("CVSS v4.0 vector %q: %w", vector, err)
		}
		score = v.Score()
	case "CVSS_V3":
		switch {
		case strings.HasPrefix(vector, "CVSS:3.0/"):
			v, err := cvss30.ParseVector(vector)
			if err != nil {
				return model.Severity{}, fmt.Errorf("CVSS v3.0 vector %q: %w", vector, err)
			}
			score = v.BaseScore()
		default:
			v, err := cvss31.ParseVector(vector)
			if err != nil {
				return model.Severity{}, fmt.Errorf("CVSS v3.1 vector %q: %w", vector, err)
			}
			score = v.BaseScore()
		}
	case "CVSS_V2":
		v, err := cvss20.ParseVector(vector)
		if err != nil {
			return model.Severity{}, fmt.Errorf("CVSS v2 vector %q: %w", vector, err)
		}
		score = v.BaseScore()
	default:
		return model.Severity{}, fmt.Errorf("severity type %q is not a CVSS vector", typ)
	}
	return model.Severity{Rating: rate(typ, score), Score: score, Vector: vector}, nil
}

// rate maps a score to the rating scale of its CVSS version. CVSS v2 has no
// official "critical"; NVD's v2 scale (low < 4, medium < 7, high) is used.
func rate(typ string, score float64) model.Rating {
	switch {
	case typ == "CVSS_V2" && score >= 7:
		return model.RatingHigh
	case score >= 9:
		return model.RatingCritical
	case score >= 7:
		return model.RatingHigh
	case score >= 4:
		return model.RatingMedium
	case score > 0:
		return model.RatingLow
	}
	return model.RatingNone
}

// vectorPreference orders severity types: newer CVSS versions first.
func vectorPreference(typ string) int {
	switch typ {
	case "CVSS_V4":
		return 3
	case "CVSS_V3":
		return 2
	case "CVSS_V2":
		return 1
	}
	return 0
}

// FromRecord returns the severity of one record. Vectors at the top level
// or in affected entries win (the newest CVSS version, then the highest
// score); otherwise a severity word from database_specific or
// ecosystem_specific; otherwise "unknown". Invalid vectors are skipped and
// reported in problems so an import can warn about them.
func FromRecord(r *osv.Record) (sev model.Severity, problems []string) {
	best, bestPref := model.Severity{}, 0
	consider := func(where string, list []osv.Severity) {
		for _, s := range list {
			pref := vectorPreference(s.Type)
			if pref == 0 {
				continue
			}
			got, err := FromVector(s.Type, s.Score)
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s: %s: %v", r.ID, where, err))
				continue
			}
			if pref > bestPref || (pref == bestPref && got.Score > best.Score) {
				got.Source = fmt.Sprintf("%s vector in %s", s.Type, r.ID)
				best, bestPref = got, pref
			}
		}
	}
	consider("severity", r.Severity)
	for i, a := range r.Affected {
		consider(fmt.Sprintf("affected[%d].severity", i), a.Severity)
	}
	if bestPref > 0 {
		return best, problems
	}
	if rt, ok := wordIn(r.DatabaseSpecific); ok {
		return model.Severity{Rating: rt, Source: "database_specific.severity in " + r.ID}, problems
	}
	for _, a := range r.Affected {
		if rt, ok := wordIn(a.DatabaseSpecific); ok {
			return model.Severity{Rating: rt, Source: "affected.database_specific.severity in " + r.ID}, problems
		}
		if rt, ok := wordIn(a.EcosystemSpecific); ok {
			return model.Severity{Rating: rt, Source: "affected.ecosystem_specific.severity in " + r.ID}, problems
		}
	}
	return model.Severity{Rating: model.RatingUnknown, Source: "no severity in " + r.ID}, problems
}

// wordIn reads a "severity" string member of a JSON object.
func wordIn(raw json.RawMessage) (model.Rating, bool) {
	if len(raw) == 0 || !strings.Contains(string(raw), "severity") {
		return "", false
	}
	var obj struct {
		Severity json.RawMessage `json:"severity"`
	}
	if json.Unmarshal(raw, &obj) != nil || len(obj.Severity) == 0 {
		return "", false
	}
	var word string
	if json.Unmarshal(obj.Severity, &word) != nil {
		return "", false
	}
	rt, ok := model.ParseRating(strings.TrimSpace(word))
	if !ok || rt == model.RatingUnknown {
		return "", false
	}
	return rt, true
}

// Worst returns the more severe of two severities. A computed (vector)
// severity beats a copied word, then the higher rank, then the higher score.
func Worst(a, b model.Severity) model.Severity {
	av, bv := a.Vector != "", b.Vector != ""
	if av != bv {
		if av {
			return a
		}
		return b
	}
	if a.Rating.Rank() != b.Rating.Rank() {
		if a.Rating.Rank() > b.Rating.Rank() {
			return a
		}
		return b
	}
	if b.Score > a.Score {
		return b
	}
	return a
}
