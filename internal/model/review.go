package model

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/msg"
)

// The causes of a decision's needs-review flag. A finding's ReviewReason
// is stored as their English wording joined by "; " (JoinReview);
// ParseReviewReason reads it back as the causes, so that an interface
// shows them in its language without a code stored next to the text.

// ReviewKEV: the vulnerability became known exploited.
func ReviewKEV() msg.Text { return msg.New("review.kev", "it became known exploited") }

// ReviewFix: a fix became available in the versions listed.
func ReviewFix(versions []string) msg.Text {
	return msg.New("review.fix", "a fix is available (%s)", strings.Join(versions, ", "))
}

// ReviewSeverity: the severity rose from old to now.
func ReviewSeverity(old, now Severity) msg.Text {
	return msg.New("review.severity", "its severity rose (%s %.1f → %s %.1f)", old.Rating, old.Score, now.Rating, now.Score)
}

// ReviewDatePassed: the decision's review date passed.
func ReviewDatePassed(d time.Time) msg.Text {
	return msg.New("review.date", "its review date passed (%s)", Day(d.UTC()))
}

// Day is a calendar day as the review reason writes it, formatted
// (String) as YYYY-MM-DD; an interface formats the time in its locale.
type Day time.Time

func (d Day) String() string { return time.Time(d).Format(time.DateOnly) }

// JoinReview words causes as a stored ReviewReason.
func JoinReview(causes []msg.Text) string {
	parts := make([]string, len(causes))
	for i, c := range causes {
		parts[i] = c.English
	}
	return strings.Join(parts, "; ")
}

var (
	reviewFixRe      = regexp.MustCompile(`^a fix is available \((.+)\)$`)
	reviewSeverityRe = regexp.MustCompile(`^its severity rose \((\S+) (-?[0-9]+\.[0-9]) → (\S+) (-?[0-9]+\.[0-9])\)$`)
	reviewDateRe     = regexp.MustCompile(`^its review date passed \(([0-9]{4}-[0-9]{2}-[0-9]{2})\)$`)
)

// ParseReviewReason reads a stored ReviewReason back as its causes; ok is
// false when a part is not one rocca writes (a reason worded by another
// version, say): the interface then shows the text as it is.
func ParseReviewReason(s string) (causes []msg.Text, ok bool) {
	if s == "" {
		return nil, false
	}
	for part := range strings.SplitSeq(s, "; ") {
		var c msg.Text
		if part == ReviewKEV().English {
			c = ReviewKEV()
		} else if m := reviewFixRe.FindStringSubmatch(part); m != nil {
			c = ReviewFix(strings.Split(m[1], ", "))
		} else if m := reviewSeverityRe.FindStringSubmatch(part); m != nil {
			o, err1 := strconv.ParseFloat(m[2], 64)
			n, err2 := strconv.ParseFloat(m[4], 64)
			if err1 != nil || err2 != nil {
				return nil, false
			}
			c = ReviewSeverity(Severity{Rating: Rating(m[1]), Score: o}, Severity{Rating: Rating(m[3]), Score: n})
		} else if m := reviewDateRe.FindStringSubmatch(part); m != nil {
			d, err := time.Parse(time.DateOnly, m[1])
			if err != nil {
				return nil, false
			}
			c = ReviewDatePassed(d)
		} else {
			return nil, false
		}
		if c.English != part {
			return nil, false
		}
		causes = append(causes, c)
	}
	return causes, true
}
