package cases_test

import (
	"context"
	"errors"
	"testing"

	"github.com/rocca-project/rocca/internal/cases"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/msg"
	"github.com/rocca-project/rocca/internal/reporting"
	"github.com/rocca-project/rocca/internal/reporting/srp"
)

// TestAwarenessBeforeCRARefused, on both engines: an awareness time
// before 11 September 2026 00:00 UTC (when Art. 14 started to apply) is
// refused as input with the code cases.awareness_before_cra, leaving the
// case in assessment; the first minute of 11 September is accepted.
func TestAwarenessBeforeCRARefused(t *testing.T) {
	setup(t, nil, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		f.listExploited(t)
		d, ok := f.caseOf(t, exploitedCVE)
		if !ok {
			t.Fatal("no case opened")
		}
		for _, when := range []string{"2026-09-10T23:59:00Z", "2026-09-11T01:59:00+02:00", "2021-12-10T12:00:00Z"} {
			_, err := f.cases.ConfirmAwareness(ctx, f.org, d.ID, "alice", at(t, when), "exploitation known for years")
			m, ok := msg.Of(err)
			if !cases.IsInput(err) || !ok || m.Code != "cases.awareness_before_cra" {
				t.Errorf("awareness at %s: %v (code %q), want an input error with cases.awareness_before_cra", when, err, m.Code)
			}
		}
		if got, _ := f.caseOf(t, exploitedCVE); got.State != model.CaseAssessment || !got.Awareness.IsZero() {
			t.Fatalf("after the refusals the case is %s, aware at %v", got.State, got.Awareness)
		}
		got, err := f.cases.ConfirmAwareness(ctx, f.org, d.ID, "alice", at(t, "2026-09-11T00:00:00Z"), "first day of Art. 14")
		if err != nil {
			t.Fatalf("awareness at the first minute of 11 September 2026: %v", err)
		}
		if got.State != model.CaseAware || !got.Awareness.Equal(at(t, "2026-09-11T00:00:00Z")) {
			t.Errorf("case %s aware at %v", got.State, got.Awareness)
		}
	})
}

// TestStageAlreadyProvided, on both engines: with no reporting profile
// the early warning's draft lacks required fields, so recording it is
// refused; marked "information already provided" it is recorded without
// any field (nothing frozen), the stage is done, and the next stage may
// follow it (and be marked so too).
func TestStageAlreadyProvided(t *testing.T) {
	setup(t, nil, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		f.listExploited(t)
		d, _ := f.caseOf(t, exploitedCVE)
		f.clock.Set(at(t, "2026-12-07T07:00:00Z"))
		if _, err := f.cases.ConfirmAwareness(ctx, f.org, d.ID, "alice", at(t, "2026-12-07T06:30:00Z"), "confirmed"); err != nil {
			t.Fatal(err)
		}
		// The draft is incomplete: a plain record is refused.
		_, err := f.cases.RecordSubmission(ctx, f.org, d.ID, cases.StageSubmission{Stage: reporting.StageEarlyWarning,
			Fields: map[string]string{"2": ""}, Actor: "alice"})
		var me *srp.MissingError
		if !errors.As(err, &me) {
			t.Fatalf("incomplete early warning: %v, want *srp.MissingError", err)
		}
		got, err := f.cases.RecordSubmission(ctx, f.org, d.ID, cases.StageSubmission{Stage: reporting.StageEarlyWarning,
			AlreadyProvided: true, Fields: map[string]string{"2": ""}, Actor: "alice"})
		if err != nil {
			t.Fatalf("early warning already provided: %v", err)
		}
		if len(got.Submissions) != 1 {
			t.Fatalf("submissions %+v", got.Submissions)
		}
		sub := got.Submissions[0]
		if !sub.AlreadyProvided || sub.Stage != string(reporting.StageEarlyWarning) || len(sub.Content) != 0 || sub.Glossary != "" {
			t.Errorf("submission %+v: want already provided, nothing frozen", sub)
		}
		if c, _ := got.Deadline(reporting.StageEarlyWarning); !c.Done {
			t.Errorf("early warning clock %+v: not done", c)
		}
		got, err = f.cases.RecordSubmission(ctx, f.org, d.ID, cases.StageSubmission{Stage: reporting.StageNotification,
			AlreadyProvided: true, Actor: "alice"})
		if err != nil {
			t.Fatalf("notification already provided after an early warning already provided: %v", err)
		}
		if c, _ := got.Deadline(reporting.StageNotification); !c.Done {
			t.Errorf("notification clock %+v: not done", c)
		}
		if got.State == model.CaseReported {
			t.Errorf("case reported before its final report")
		}
	})
}
