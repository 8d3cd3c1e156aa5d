package model

import (
	"slices"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/msg"
)

// TestReviewReasonRoundTrip: every reason rocca stores reads back as the
// causes it was worded from; other texts are not read.
func TestReviewReasonRoundTrip(t *testing.T) {
	high := Severity{Rating: RatingHigh, Score: 7.5}
	crit := Severity{Rating: RatingCritical, Score: 9.8}
	tests := []struct {
		name   string
		causes []msg.Text
		want   string
		codes  []string
	}{
		{"kev", []msg.Text{ReviewKEV()}, "it became known exploited", []string{"review.kev"}},
		{"fix", []msg.Text{ReviewFix([]string{"1.2.3", "2.0.1"})}, "a fix is available (1.2.3, 2.0.1)", []string{"review.fix"}},
		{"all three", []msg.Text{ReviewKEV(), ReviewFix([]string{"1.0"}), ReviewSeverity(high, crit)},
			"it became known exploited; a fix is available (1.0); its severity rose (high 7.5 → critical 9.8)",
			[]string{"review.kev", "review.fix", "review.severity"}},
		{"date", []msg.Text{ReviewDatePassed(time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC))}, "its review date passed (2026-03-04)", []string{"review.date"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := JoinReview(tt.causes)
			if s != tt.want {
				t.Fatalf("JoinReview = %q, want %q", s, tt.want)
			}
			got, ok := ParseReviewReason(s)
			if !ok {
				t.Fatalf("ParseReviewReason(%q) not read", s)
			}
			var codes []string
			for i, c := range got {
				codes = append(codes, c.Code)
				if c.English != tt.causes[i].English {
					t.Errorf("cause %d = %q, want %q", i, c.English, tt.causes[i].English)
				}
			}
			if !slices.Equal(codes, tt.codes) {
				t.Errorf("codes = %v, want %v", codes, tt.codes)
			}
		})
	}
	for _, s := range []string{"", "reviewed by hand", "it became known exploited; and more", "its severity rose (high 7.5 to critical 9.8)",
		"its review date passed (2026-13-40)"} {
		if c, ok := ParseReviewReason(s); ok {
			t.Errorf("ParseReviewReason(%q) = %v, want not read", s, c)
		}
	}
}
