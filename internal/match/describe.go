package match

import (
	"context"
	"sort"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/severity"
	"github.com/rocca-project/rocca/internal/store"
)

// maxReferences bounds the URLs carried per vulnerability.
const maxReferences = 20

// describe builds the Vulnerability of each alias group from all its
// records, with KEV and EPSS data of its CVE ids.
func (m *Matcher) describe(ctx context.Context, groups []string) (map[string]model.Vulnerability, error) {
	advs, err := m.KB.AdvisoriesByGroups(ctx, groups)
	if err != nil {
		return nil, err
	}
	members := map[string][]store.AdvisoryInfo{}
	for _, a := range advs {
		members[a.Group] = append(members[a.Group], a)
	}
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
	kev, err := m.KB.KEV(ctx, cves)
	if err != nil {
		return nil, err
	}
	epss, err := m.KB.EPSS(ctx, cves)
	if err != nil {
		return nil, err
	}
	for g, v := range out {
		for _, id := range v.IDs {
			if k, ok := kev[id]; ok && (v.KEV == nil || k.DateAdded.Before(v.KEV.DateAdded)) {
				k := k
				v.KEV = &k
			}
			if e, ok := epss[id]; ok && (v.EPSS == nil || e.Score > v.EPSS.Score) {
				e := e
				v.EPSS = &e
			}
		}
		out[g] = v
	}
	return out, nil
}

// merge describes one vulnerability from the records of its alias group.
func merge(ms []store.AdvisoryInfo) model.Vulnerability {
	sort.Slice(ms, func(i, j int) bool { return ms[i].ID < ms[j].ID })
	var v model.Vulnerability
	ids := map[string]bool{}
	refs := map[string]bool{}
	for i, a := range ms {
		ids[a.ID] = true
		for _, al := range a.Aliases {
			ids[al] = true
		}
		if v.Summary == "" {
			v.Summary = a.Summary
		}
		if i == 0 {
			v.Severity = a.Severity
		} else {
			v.Severity = severity.Worst(v.Severity, a.Severity)
		}
		for _, r := range a.References {
			if !refs[r] && len(v.References) < maxReferences {
				refs[r] = true
				v.References = append(v.References, r)
			}
		}
	}
	for id := range ids {
		v.IDs = append(v.IDs, id)
	}
	sort.Strings(v.IDs)
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
