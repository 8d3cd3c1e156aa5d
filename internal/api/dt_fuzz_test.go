package api

import (
	"net/url"
	"testing"
)

// FuzzDTPaging: any query string either is refused or gives a page within
// bounds (a page number never overflows into a negative or huge offset).
func FuzzDTPaging(f *testing.F) {
	for _, s := range []string{"", "pageNumber=2&pageSize=50", "page=9223372036854775807&limit=1", "offset=3&limit=7",
		"size=1000&page=2147483648", "pageNumber=-1&pageSize=10", "limit=0&page=3", "pageSize=x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		vq, err := dtPaging(q)
		if err != nil || dtParam(q, "offset") != "" || vq.Limit < 1 || vq.Limit > 1000 {
			return
		}
		if vq.Offset < 0 || vq.Offset > 1<<30 {
			t.Fatalf("%q: offset %d (limit %d)", raw, vq.Offset, vq.Limit)
		}
	})
}

// FuzzFromDTAnalysis: an analysis is refused or maps to a decision that
// maps back to a state other than NOT_SET.
func FuzzFromDTAnalysis(f *testing.F) {
	f.Add("NOT_AFFECTED", "CODE_NOT_PRESENT", "NOT_SET", "details", true, true)
	f.Add("EXPLOITABLE", "", "UPDATE", "", false, false)
	f.Add("FALSE_POSITIVE", "NOT_SET", "", "", true, true)
	f.Add("IN_TRIAGE", "x", "y", "\x00", true, true)
	f.Fuzz(func(t *testing.T, state, just, resp, details string, suppressed, given bool) {
		d, err := fromDTAnalysis(dtAnalysisFields{State: state, Justification: just, Response: resp, Details: details, Suppressed: suppressed}, given)
		if err != nil {
			return
		}
		if !d.Status.Valid() {
			t.Fatalf("%q: status %q", state, d.Status)
		}
		if back := toDTAnalysis(d); back.State == "NOT_SET" || given && suppressed && !back.Suppressed {
			t.Fatalf("%q %v: back as %+v", state, suppressed, back)
		}
	})
}
