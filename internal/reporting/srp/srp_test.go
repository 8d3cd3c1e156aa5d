package srp

import (
	"errors"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/reporting"
)

func load(t *testing.T) *Matrix {
	t.Helper()
	m, err := Load(Current)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestGlossaryHas39Fields(t *testing.T) {
	m := load(t)
	if len(m.Fields) != 39 || m.Version != "1.3" || m.Date != "2026-09-10" {
		t.Fatalf("glossary %s of %s has %d fields, want 39", m.Version, m.Date, len(m.Fields))
	}
}

func TestLoadUnknownVersion(t *testing.T) {
	if _, err := Load("0.9"); err == nil {
		t.Fatal("want an error")
	}
}

// The expected forms, written out from the Glossary's legend (– = not shown).
func TestDraftsHaveExactlyTheMatrixFields(t *testing.T) {
	common := "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17"
	want := map[reporting.Kind]map[reporting.Stage]string{
		reporting.KindAEV: {
			reporting.StageEarlyWarning: common + " v19 v20 v21 v22 v23 v24 v25 v26 v27 v30",
			reporting.StageNotification: common + " 18 v19 v20 v21 v22 v23 v24 v25 v26 v27 v28 v29 v30",
			reporting.StageFinalReport:  common + " 18 v19 v20 v21 v22 v23 v24 v25 v26 v27 v30",
		},
		reporting.KindSI: {
			reporting.StageEarlyWarning: common + " i31 i32 i33 i34 i35 i36 i37 i38 i39",
			reporting.StageNotification: common + " 18 i31 i32 i33 i34 i35 i36 i37 i38 i39",
			reporting.StageFinalReport:  common + " 18 i31 i32 i33 i34 i35 i36 i37 i38 i39",
		},
	}
	m := load(t)
	for kind, stages := range want {
		for _, stage := range Stages {
			d, err := m.NewDraft(stage, kind)
			if err != nil {
				t.Fatal(err)
			}
			ids := make([]string, len(d.Fields))
			for i, f := range d.Fields {
				ids[i] = f.ID
			}
			if got := strings.Join(ids, " "); got != stages[stage] {
				t.Errorf("%s %s:\n got %s\nwant %s", kind, stage, got, stages[stage])
			}
		}
	}
}

func TestStatusesPerStage(t *testing.T) {
	m := load(t)
	tests := []struct {
		kind  reporting.Kind
		stage reporting.Stage
		id    string
		want  Status
	}{
		{reporting.KindAEV, reporting.StageEarlyWarning, "2", Required},
		{reporting.KindAEV, reporting.StageNotification, "2", Copied},
		{reporting.KindAEV, reporting.StageNotification, "v21", Required},
		{reporting.KindAEV, reporting.StageFinalReport, "v27", RequiredIfAvailable},
		{reporting.KindAEV, reporting.StageFinalReport, "16", Required},
		{reporting.KindSI, reporting.StageNotification, "i37", Required},
		{reporting.KindSI, reporting.StageFinalReport, "i38", Optional},
	}
	for _, tc := range tests {
		d, _ := m.NewDraft(tc.stage, tc.kind)
		found := false
		for _, f := range d.Fields {
			if f.ID == tc.id {
				found = true
				if f.Status != tc.want {
					t.Errorf("%s %s %s: %s, want %s", tc.kind, tc.stage, tc.id, f.Status, tc.want)
				}
			}
		}
		if !found {
			t.Errorf("%s %s: no field %s", tc.kind, tc.stage, tc.id)
		}
	}
}

func TestEveryLimitEnforcedAtEntry(t *testing.T) {
	m := load(t)
	for _, kind := range []reporting.Kind{reporting.KindAEV, reporting.KindSI} {
		for _, stage := range Stages {
			d, _ := m.NewDraft(stage, kind)
			for _, f := range d.Fields {
				if f.Limit == 0 {
					continue
				}
				// Characters, not bytes: "è" is two bytes.
				if err := d.Set(f.ID, strings.Repeat("è", f.Limit)); err != nil {
					t.Errorf("%s %s field %s at its limit: %v", kind, stage, f.ID, err)
				}
				err := d.Set(f.ID, strings.Repeat("x", f.Limit+1))
				var fe *FieldError
				if !errors.As(err, &fe) || fe.ID != f.ID {
					t.Fatalf("%s %s field %s over its limit: %v", kind, stage, f.ID, err)
				}
				if !strings.Contains(err.Error(), f.Label) || !strings.Contains(err.Error(), "at most") {
					t.Errorf("error does not name the field and limit: %v", err)
				}
				if d.Value(f.ID) != strings.Repeat("è", f.Limit) {
					t.Errorf("a rejected value replaced field %s", f.ID)
				}
			}
		}
	}
}

func TestFormatsChecked(t *testing.T) {
	m := load(t)
	d, _ := m.NewDraft(reporting.StageNotification, reporting.KindAEV)
	tests := []struct {
		id, value string
		ok        bool
	}{
		{"1", "Vulnerability", true},
		{"1", "Bug", false},
		{"5", "IT, DE", true},
		{"5", "IT, UK", false},
		{"v20", "EUVD-2026-12345", true},
		{"v20", "EUVD-26-1", false},
		{"v26", "2026-10-05T10:17:00Z", true},
		{"v26", "5 Oct 2026", false},
		{"v29", "a, c", true},
		{"v29", "d", false},
		{"i31", "Yes", false}, // an SI field on an AEV form
	}
	for _, tc := range tests {
		if err := d.Set(tc.id, tc.value); (err == nil) != tc.ok {
			t.Errorf("Set(%s, %q) = %v, want ok=%v", tc.id, tc.value, err, tc.ok)
		}
	}
}

func TestRequiredEmptyBlocksSubmission(t *testing.T) {
	m := load(t)
	d, _ := m.NewDraft(reporting.StageNotification, reporting.KindAEV)
	fill := map[string]string{
		"1": "Vulnerability", "2": "RCE in gateway", "3": "Summary", "4": "ACME S.r.l.", "5": "IT",
		"6": "Gateway", "7": "4.0 to 4.2.1", "v21": "Exploited in the wild", "v26": "2026-10-05T10:17:00Z",
	}
	for id, v := range fill {
		if err := d.Set(id, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.CheckSubmittable(); err != nil {
		t.Fatalf("complete draft: %v", err)
	}
	// v21 is required at this stage; 3 is copied but was required before.
	for _, id := range []string{"v21", "3"} {
		_ = d.Set(id, "")
		err := d.CheckSubmittable()
		var me *MissingError
		if !errors.As(err, &me) || len(me.Fields) != 1 || me.Fields[0].ID != id {
			t.Fatalf("empty %s: %v", id, err)
		}
		if !strings.Contains(err.Error(), "cannot mark the notification submitted") {
			t.Errorf("unclear message: %v", err)
		}
		_ = d.Set(id, fill[id])
	}
	// An optional field (18) and a required-if-available one do not block.
	fr, _ := m.NewDraft(reporting.StageFinalReport, reporting.KindAEV)
	for _, f := range fr.Fields {
		if f.Status == RequiredIfAvailable || f.Status == Optional {
			if f.MustFill() {
				t.Errorf("field %s (%s) blocks submission", f.ID, f.Status)
			}
		}
	}
}

func TestUnknownStageOrKind(t *testing.T) {
	m := load(t)
	if _, err := m.NewDraft(reporting.StageIntermediate, reporting.KindAEV); err == nil {
		t.Error("intermediate has no SRP form")
	}
	if _, err := m.NewDraft(reporting.StageEarlyWarning, "x"); err == nil {
		t.Error("unknown kind")
	}
}
