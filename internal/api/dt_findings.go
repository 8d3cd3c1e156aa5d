package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/rocca-project/rocca/internal/model"
)

// dtFinding is one element of GET /api/v1/finding/project/{uuid}.
type dtFinding struct {
	Component     dtComponent     `json:"component"`
	Vulnerability dtVulnerability `json:"vulnerability"`
	Analysis      dtAnalysis      `json:"analysis"`
	Attribution   dtAttribution   `json:"attribution"`
	Matrix        string          `json:"matrix"`
}

type dtComponent struct {
	UUID    string `json:"uuid"`
	Name    string `json:"name"`
	Group   string `json:"group,omitempty"`
	Version string `json:"version,omitempty"`
	PURL    string `json:"purl,omitempty"`
	Project string `json:"project"`
}

type dtVulnerability struct {
	UUID            string              `json:"uuid"`
	VulnID          string              `json:"vulnId"`
	Source          string              `json:"source"`
	Aliases         []map[string]string `json:"aliases"`
	Title           string              `json:"title,omitempty"`
	Description     string              `json:"description,omitempty"`
	Severity        string              `json:"severity"`
	SeverityRank    int                 `json:"severityRank"`
	CVSSV3BaseScore *float64            `json:"cvssV3BaseScore,omitempty"`
	CVSSV3Vector    string              `json:"cvssV3Vector,omitempty"`
	EPSSScore       *float64            `json:"epssScore,omitempty"`
	EPSSPercentile  *float64            `json:"epssPercentile,omitempty"`
	CWEIDs          []int               `json:"cweIds"`
	Recommendation  string              `json:"recommendation,omitempty"`
}

// dtAnalysis is the analysis inside a finding: its state and whether it
// is suppressed.
type dtAnalysis struct {
	State        string `json:"state"`
	IsSuppressed bool   `json:"isSuppressed"`
}

// toDTFindingAnalysis maps a finding's effective analysis (nil: nobody
// decided) to the analysis inside a Dependency-Track finding.
func toDTFindingAnalysis(fa *model.FindingAnalysis) dtAnalysis {
	var a *model.Analysis
	if fa != nil {
		a = &fa.Analysis
	}
	d := toDTAnalysis(decisionOf(a))
	return dtAnalysis{State: d.State, IsSuppressed: d.Suppressed}
}

type dtAttribution struct {
	AnalyzerIdentity string `json:"analyzerIdentity"`
	AttributedOn     int64  `json:"attributedOn"`
}

// dtProjectFindings lists the open findings of a version in
// Dependency-Track's finding format: those its analysis does not settle
// (not_affected, fixed: Dependency-Track's suppressed findings), and those
// too with suppressed=true.
func (a *API) dtProjectFindings(w http.ResponseWriter, r *http.Request, k model.APIKey) error {
	project := r.PathValue("project")
	withSuppressed := false
	if s := r.URL.Query().Get("suppressed"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return badRequest("suppressed: want true or false")
		}
		withSuppressed = b
	}
	fs, err := a.svc.OpenFindings(r.Context(), orgOf(k), project)
	if err != nil {
		return err
	}
	out := make([]dtFinding, 0, len(fs))
	for i := range fs {
		if fs[i].Settled() && !withSuppressed {
			continue
		}
		out = append(out, toDTFinding(project, &fs[i]))
	}
	return writeJSON(w, http.StatusOK, out)
}

func toDTFinding(project string, f *model.TrackedFinding) dtFinding {
	vu := dtVulnerability{UUID: vulnUUID(f.VulnID), VulnID: f.VulnID, Source: dtSource(f.VulnID),
		Aliases: dtAliases(f.VulnID, f.VulnIDs), Description: f.Summary, CWEIDs: []int{}}
	vu.Severity, vu.SeverityRank = dtSeverity(f.Severity.Rating)
	if strings.HasPrefix(f.Severity.Vector, "CVSS:3") {
		score := f.Severity.Score
		vu.CVSSV3BaseScore, vu.CVSSV3Vector = &score, f.Severity.Vector
	}
	if f.EPSS > 0 || f.EPSSPercentile > 0 {
		e, p := f.EPSS, f.EPSSPercentile
		vu.EPSSScore, vu.EPSSPercentile = &e, &p
	}
	if len(f.FixedVersions) > 0 {
		vu.Recommendation = "Upgrade to " + strings.Join(f.FixedVersions, " or ")
	}
	comp := dtComponent{UUID: f.ComponentID, Name: f.Component.Name, Group: f.Component.Group,
		Version: f.Component.Version, PURL: f.Component.PURL, Project: project}
	return dtFinding{
		Component:     comp,
		Vulnerability: vu,
		Analysis:      toDTFindingAnalysis(f.Analysis),
		Attribution:   dtAttribution{AnalyzerIdentity: "INTERNAL_ANALYZER", AttributedOn: f.FirstSeen.UnixMilli()},
		Matrix:        project + ":" + comp.UUID + ":" + vu.UUID,
	}
}

// dtSeverity maps a rating to Dependency-Track's severity and rank.
func dtSeverity(r model.Rating) (string, int) {
	switch r {
	case model.RatingCritical:
		return "CRITICAL", 0
	case model.RatingHigh:
		return "HIGH", 1
	case model.RatingMedium:
		return "MEDIUM", 2
	case model.RatingLow:
		return "LOW", 3
	case model.RatingNone:
		return "INFO", 4
	}
	return "UNASSIGNED", 5
}

// dtSource names the database an id comes from, in Dependency-Track's terms.
func dtSource(id string) string {
	switch {
	case strings.HasPrefix(id, "CVE-"):
		return "NVD"
	case strings.HasPrefix(id, "GHSA-"):
		return "GITHUB"
	}
	return "OSV"
}

// dtAliases pairs the preferred id with each other id of its group, in
// Dependency-Track's alias objects (cveId, ghsaId, osvId...).
func dtAliases(preferred string, ids []string) []map[string]string {
	out := []map[string]string{}
	for _, id := range ids {
		if id == preferred {
			continue
		}
		al := map[string]string{}
		al[aliasField(preferred)] = preferred
		al[aliasField(id)] = id
		if len(al) == 2 {
			out = append(out, al)
		}
	}
	return out
}

func aliasField(id string) string {
	switch {
	case strings.HasPrefix(id, "CVE-"):
		return "cveId"
	case strings.HasPrefix(id, "GHSA-"):
		return "ghsaId"
	case strings.HasPrefix(id, "SNYK-"):
		return "snykId"
	case strings.HasPrefix(id, "GSD-"):
		return "gsdId"
	case strings.HasPrefix(id, "sonatype-"):
		return "sonatypeId"
	}
	return "osvId"
}
