package findings_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"

	"github.com/rocca-project/rocca/internal/findings"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/testutil/demokb"
)

// Matching for findings only counts the components it cannot look up: a
// list of them would cost memory per component of a large upload (issue
// 12's bound), and findings do not need it.
func TestMatchCountsUnmatched(t *testing.T) {
	engines, _ := demokb.Open(t)
	svc := findings.New(engines[0].Store, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	comps := []model.Component{{Name: "lodash", Version: "4.17.20", PURL: "pkg:npm/lodash@4.17.20"}}
	for i := range 1000 {
		comps = append(comps, model.Component{Name: fmt.Sprintf("c%d", i), Version: "1"})
	}
	res, err := svc.Match(context.Background(), comps)
	if err != nil {
		t.Fatal(err)
	}
	if res.UnmatchedCount != 1000 || len(res.Unmatched) != 0 {
		t.Errorf("unmatched: counted %d, listed %d; want 1000 counted, none listed", res.UnmatchedCount, len(res.Unmatched))
	}
	if len(res.Findings) == 0 {
		t.Error("the lodash component found nothing")
	}
}
