package srp

import (
	"testing"
	"unicode/utf8"

	"github.com/rocca-project/rocca/internal/reporting"
)

// FuzzDraftSet: whatever a person types, Set never panics and a value it
// accepts respects the field's limit.
func FuzzDraftSet(f *testing.F) {
	for _, s := range []string{"", "Vulnerability", "IT, DE", "EUVD-2026-12345", "2026-10-05T10:17:00Z", "a, c", "\xff"} {
		f.Add("v20", s)
		f.Add("2", s)
	}
	m, err := Load(Current)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, id, value string) {
		d, _ := m.NewDraft(reporting.StageNotification, reporting.KindAEV)
		if err := d.Set(id, value); err != nil {
			return
		}
		for _, fl := range d.Fields {
			if fl.Limit > 0 && utf8.RuneCountInString(fl.Value) > fl.Limit {
				t.Fatalf("field %s holds %d characters over limit %d", fl.ID, utf8.RuneCountInString(fl.Value), fl.Limit)
			}
		}
	})
}
