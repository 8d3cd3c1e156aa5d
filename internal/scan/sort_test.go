package scan

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/model"
)

// referenceLess is the order Sort keeps, written as the plain comparison
// it was first implemented with.
func referenceLess(a, b *model.Finding) bool {
	if ka, kb := a.Component.Key(), b.Component.Key(); ka != kb {
		return ka < kb
	}
	if ea, eb := a.Vulnerability.KEV != nil, b.Vulnerability.KEV != nil; ea != eb {
		return ea
	}
	if ra, rb := a.Vulnerability.Severity.Rating.Rank(), b.Vulnerability.Severity.Rating.Rank(); ra != rb {
		return ra > rb
	}
	if sa, sb := a.Vulnerability.Severity.Score, b.Vulnerability.Severity.Score; sa != sb {
		return sa > sb
	}
	return a.Vulnerability.ID < b.Vulnerability.ID
}

func TestSortMatchesReferenceAndIsStable(t *testing.T) {
	ratings := []model.Rating{model.RatingCritical, model.RatingHigh, model.RatingMedium, model.RatingLow, model.RatingUnknown}
	for _, n := range []int{0, 1, 2, 7, 300, 5000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(n), 1))
			fs := make([]model.Finding, n)
			for i := range fs {
				f := &fs[i]
				f.Component = model.Component{Name: fmt.Sprint("c", r.IntN(20)), Version: "1"}
				if r.IntN(2) == 0 {
					f.Component.PURL = fmt.Sprint("pkg:npm/c", r.IntN(20), "@1")
				}
				f.Vulnerability.ID = fmt.Sprint("V-", r.IntN(10))
				f.Vulnerability.Severity = model.Severity{Rating: ratings[r.IntN(len(ratings))], Score: float64(r.IntN(4))}
				if r.IntN(5) == 0 {
					f.Vulnerability.KEV = &model.KEV{CVE: "CVE-1", DateAdded: time.Unix(0, 0)}
				}
				f.StatusSource = fmt.Sprint(i) // the input position, to check stability
			}
			want := append([]model.Finding(nil), fs...)
			sort.SliceStable(want, func(i, j int) bool { return referenceLess(&want[i], &want[j]) })
			Sort(fs)
			for i := range fs {
				if fs[i].StatusSource != want[i].StatusSource {
					t.Fatalf("position %d: finding %s, want %s", i, fs[i].StatusSource, want[i].StatusSource)
				}
			}
		})
	}
}
