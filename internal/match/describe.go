package match

import (
	"context"
	"runtime"
	"sort"
	"sync"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/severity"
	"github.com/rocca-project/rocca/internal/store"
)

// maxReferences bounds the URLs carried per vulnerability.
const maxReferences = 20

// minIDsPerWorker is the number of advisory ids below which describing
// them on another goroutine is not worth it.
const minIDsPerWorker = 1024

// describeAdvisories returns the alias group of each given advisory (those
// the knowledge base has, not withdrawn) and the Vulnerability of each of
// those groups, merged from all its records, with KEV and EPSS data of its
// CVE ids. ids must be sorted and distinct.
func (m *Matcher) describeAdvisories(ctx context.Context, ids []string) (map[string]string, map[string]model.Vulnerability, error) {
	workers := max(1, min(runtime.GOMAXPROCS(0), len(ids)/minIDsPerWorker))
	parts := split(ids, numParts(workers))
	found := make([][]store.AdvisoryInfo, len(parts))
	err := forEachPart(workers, len(parts), func(p int) error {
		var err error
		found[p], err = m.KB.GroupMembers(ctx, parts[p])
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	// A group whose records were asked for from several parts is listed
	// by each: keep every record once.
	seen := make(map[string]bool, len(ids))
	members := make(map[string][]store.AdvisoryInfo, len(ids))
	groupOf := make(map[string]string, len(ids))
	for _, advs := range found {
		for _, a := range advs {
			if seen[a.ID] {
				continue
			}
			seen[a.ID] = true
			groupOf[a.ID] = a.Group
			members[a.Group] = append(members[a.Group], a)
		}
	}
	vulns, err := m.describeGroups(ctx, members)
	if err != nil {
		return nil, nil, err
	}
	return groupOf, vulns, nil
}

// describeGroups builds the Vulnerability of each alias group from its
// records, with the KEV, EU KEV, EUVD exploited and EPSS data and the EUVD
// ids of its CVE ids.
func (m *Matcher) describeGroups(ctx context.Context, members map[string][]store.AdvisoryInfo) (map[string]model.Vulnerability, error) {
	out := make(map[string]model.Vulnerability, len(members))
	var cves []string
	for g, ms := range members {
		v := merge(ms)
		out[g] = v
		for _, id := range v.IDs {
			if isCVE(id) {
				cves = append(cves, id)
			}
		}
	}
	cves = dedupe(cves)
	var kev map[string]model.KEV
	var epss map[string]model.EPSS
	var exploited map[string][]model.ExploitedMark
	var euvd map[string][]string
	var kevErr, epssErr, exploitedErr, euvdErr error
	var wg sync.WaitGroup
	wg.Go(func() { kev, kevErr = m.KB.KEV(ctx, cves) })
	wg.Go(func() { exploited, exploitedErr = m.KB.Exploited(ctx, cves) })
	wg.Go(func() { euvd, euvdErr = m.KB.EUVDIDs(ctx, cves) })
	epss, epssErr = m.KB.EPSS(ctx, cves)
	wg.Wait()
	for _, err := range []error{kevErr, epssErr, exploitedErr, euvdErr} {
		if err != nil {
			return nil, err
		}
	}
	if len(kev) == 0 && len(epss) == 0 && len(exploited) == 0 && len(euvd) == 0 {
		return out, nil
	}
	for g, v := range out {
		changed := false
		var extraIDs []string
		for _, id := range v.IDs {
			if k, ok := kev[id]; ok && (v.KEV == nil || k.DateAdded.Before(v.KEV.DateAdded)) {
				v.KEV = &k
				changed = true
			}
			if e, ok := epss[id]; ok && (v.EPSS == nil || e.Score > v.EPSS.Score) {
				v.EPSS = &e
				changed = true
			}
			if ms := exploited[id]; len(ms) > 0 {
				v.Exploited = append(v.Exploited, ms...)
				changed = true
			}
			extraIDs = append(extraIDs, euvd[id]...)
		}
		if len(v.Exploited) > 1 {
			sort.Slice(v.Exploited, func(i, j int) bool {
				a, b := v.Exploited[i], v.Exploited[j]
				if a.Source != b.Source {
					return a.Source < b.Source
				}
				return a.CVE < b.CVE
			})
		}
		if len(extraIDs) > 0 {
			// EUVD ids are aliases: the preferred id stays.
			v.IDs = dedupe(append(append([]string(nil), v.IDs...), extraIDs...))
			changed = true
		}
		if changed {
			out[g] = v
		}
	}
	return out, nil
}

// merge describes one vulnerability from the records of its alias group.
func merge(ms []store.AdvisoryInfo) model.Vulnerability {
	if len(ms) > 1 {
		sort.Slice(ms, func(i, j int) bool { return ms[i].ID < ms[j].ID })
	}
	var v model.Vulnerability
	n := 0
	for _, a := range ms {
		n += 1 + len(a.Aliases)
	}
	ids := make([]string, 0, n)
	for i, a := range ms {
		ids = append(ids, a.ID)
		ids = append(ids, a.Aliases...)
		if v.Summary == "" {
			v.Summary = a.Summary
		}
		if i == 0 {
			v.Severity = a.Severity
		} else {
			v.Severity = severity.Worst(v.Severity, a.Severity)
		}
		for _, r := range a.References {
			if len(v.References) < maxReferences && !contains(v.References, r) {
				v.References = append(v.References, r)
			}
		}
	}
	v.IDs = dedupe(ids)
	v.ID = preferredID(v.IDs, ms)
	return v
}

// preferredID is the id a vulnerability is shown under: its CVE when it
// has one (the id people search for), otherwise its first record's id.
func preferredID(ids []string, ms []store.AdvisoryInfo) string {
	for _, id := range ids {
		if isCVE(id) {
			return id
		}
	}
	if len(ms) > 0 {
		return ms[0].ID
	}
	return ""
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
