package kb

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
)

// euvdPattern matches EUVD ids. REPORTING.md documents EUVD-20YY-N, but
// EUVD also numbers old CVEs by their year (EUVD-2010-0764 in EU KEV).
var euvdPattern = regexp.MustCompile(`^EUVD-(19|20)\d{2}-\d{4,}$`)

// euKEVEntry is one entry of the EU KEV list (schema v1). Only ids, flags
// and dates are kept: the descriptions are not redistributed.
type euKEVEntry struct {
	CVEID            string   `json:"cveID"`
	EUVDID           string   `json:"euvdID"`
	DateReported     string   `json:"dateReported"`
	DateAdded        string   `json:"dateAdded"`
	PatchedSince     string   `json:"patchedSince"`
	OriginSource     string   `json:"originSource"`
	ExploitationType []string `json:"exploitationType"`
}

// euvdExploited is one entry of EUVD's exploited dump (/api/kev/dump).
type euvdExploited struct {
	CVEID     string   `json:"cveId"`
	EUVDID    string   `json:"euvdId"`
	DateAdded string   `json:"dateAdded"`
	Sources   []string `json:"sources"`
}

// sniffJSONArray tells an EU KEV list from an EUVD exploited dump by the
// keys of the array's first entries: "cveID"/"euvdID" (EU KEV) or
// "cveId"/"euvdId" (EUVD). It returns "" for anything else.
func sniffJSONArray(head []byte) string {
	switch {
	case bytes.Contains(head, []byte(`"euvdID"`)) && bytes.Contains(head, []byte(`"cveID"`)):
		return FormatEUKEV
	case bytes.Contains(head, []byte(`"euvdId"`)) || bytes.Contains(head, []byte(`"cveId"`)):
		return FormatEUVDExploited
	}
	return ""
}

// dateLayouts are the date forms the exploited lists use: EU KEV's schema
// says YYYY/MM/DD and its README YYYY-MM-DD; EUVD gives dates or times.
var dateLayouts = []string{"2006/01/02", "2006-01-02", time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05",
	"Jan 2, 2006, 3:04:05 PM", "Jan 2, 2006"}

func parseListDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date", s)
}

// ParseEUKEV reads the EU KEV JSON list into exploited entries, with the
// reasons of the entries it rejects. A document that is not a JSON array
// of objects, or an empty one, is an error.
func ParseEUKEV(data []byte) ([]store.ExploitedEntry, []string, error) {
	var list []euKEVEntry
	if err := json.Unmarshal(data, &list); err != nil {
		return nil, nil, fmt.Errorf("EU KEV: %w", err)
	}
	if len(list) == 0 {
		return nil, nil, fmt.Errorf("EU KEV: empty list")
	}
	var out []store.ExploitedEntry
	var rejected []string
	for i, e := range list {
		x, err := e.toEntry()
		if err != nil {
			rejected = append(rejected, fmt.Sprintf("[%d] (%s): %v", i, e.CVEID, err))
			continue
		}
		out = append(out, x)
	}
	return out, rejected, nil
}

func (e euKEVEntry) toEntry() (store.ExploitedEntry, error) {
	cve := strings.TrimSpace(e.CVEID)
	if !cvePattern.MatchString(cve) {
		return store.ExploitedEntry{}, fmt.Errorf("cveID %q is not a CVE id", e.CVEID)
	}
	date := e.DateAdded
	if strings.TrimSpace(date) == "" {
		date = e.DateReported
	}
	added, err := parseListDate(date)
	if err != nil {
		return store.ExploitedEntry{}, fmt.Errorf("dateReported: %w", err)
	}
	x := store.ExploitedEntry{Source: model.ExploitedEUKEV, CVE: cve, DateAdded: added,
		Origin: strings.TrimSpace(e.OriginSource)}
	if id := strings.TrimSpace(e.EUVDID); euvdPattern.MatchString(id) {
		x.EUVDID = id
	}
	if e.PatchedSince != "" {
		x.PatchedSince, _ = parseListDate(e.PatchedSince) // optional: a bad date is dropped
	}
	for _, t := range e.ExploitationType {
		if strings.EqualFold(strings.TrimSpace(t), "ransomware") {
			x.Ransomware = true
		}
	}
	return x, nil
}

// ParseEUVDExploited reads EUVD's exploited dump into exploited entries.
func ParseEUVDExploited(data []byte) ([]store.ExploitedEntry, []string, error) {
	var list []euvdExploited
	if err := json.Unmarshal(data, &list); err != nil {
		return nil, nil, fmt.Errorf("EUVD exploited: %w", err)
	}
	if len(list) == 0 {
		return nil, nil, fmt.Errorf("EUVD exploited: empty list")
	}
	var out []store.ExploitedEntry
	var rejected []string
	for i, e := range list {
		cve := strings.TrimSpace(e.CVEID)
		if !cvePattern.MatchString(cve) {
			rejected = append(rejected, fmt.Sprintf("[%d] (%s): cveId %q is not a CVE id", i, e.EUVDID, e.CVEID))
			continue
		}
		added, err := parseListDate(e.DateAdded)
		if err != nil {
			rejected = append(rejected, fmt.Sprintf("[%d] (%s): dateAdded: %v", i, cve, err))
			continue
		}
		x := store.ExploitedEntry{Source: model.ExploitedEUVD, CVE: cve, DateAdded: added}
		if id := strings.TrimSpace(e.EUVDID); euvdPattern.MatchString(id) {
			x.EUVDID = id
		}
		srcs := make([]string, 0, len(e.Sources))
		for _, s := range e.Sources {
			if s = strings.TrimSpace(s); s != "" {
				srcs = append(srcs, s)
			}
		}
		sort.Strings(srcs)
		x.Origin = strings.Join(srcs, ",")
		out = append(out, x)
	}
	return out, rejected, nil
}

// importExploited replaces the stored list of entries' source with
// entries: new and changed entries are written, CVEs the list no longer
// holds are removed. A CVE listed twice keeps its earliest date.
func (im *Importer) importExploited(ctx context.Context, tx store.ImportTx, source string, entries []store.ExploitedEntry, rejected []string, fr *FileReport) error {
	for _, r := range rejected {
		fr.reject(r)
	}
	want := make(map[string]store.ExploitedEntry, len(entries))
	for _, e := range entries {
		if old, ok := want[e.CVE]; ok && !e.DateAdded.Before(old.DateAdded) {
			continue
		}
		want[e.CVE] = e
	}
	have, err := tx.ExploitedEntries(ctx, source)
	if err != nil {
		return err
	}
	cves := make([]string, 0, len(want))
	for cve := range want {
		cves = append(cves, cve)
	}
	sort.Strings(cves)
	for _, cve := range cves {
		e := want[cve]
		old, found := have[cve]
		switch {
		case !found:
			fr.New++
		case sameEntry(old, e):
			fr.Unchanged++
			continue
		default:
			fr.Updated++
		}
		if err := tx.PutExploited(ctx, e); err != nil {
			return err
		}
	}
	gone := make([]string, 0)
	for cve := range have {
		if _, ok := want[cve]; !ok {
			gone = append(gone, cve)
		}
	}
	sort.Strings(gone)
	for _, cve := range gone {
		if err := tx.DeleteExploited(ctx, source, cve); err != nil {
			return err
		}
		fr.Removed++
	}
	return nil
}

func sameEntry(a, b store.ExploitedEntry) bool {
	return a.DateAdded.Equal(b.DateAdded) && a.PatchedSince.Equal(b.PatchedSince) && a.EUVDID == b.EUVDID &&
		a.Ransomware == b.Ransomware && a.Origin == b.Origin
}
